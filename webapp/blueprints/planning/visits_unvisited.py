"""The households a home-visit plan leaves out, each with the engine's reason: the plan's
explanations of kind "unfilled" naming a household (or a child of it), in the reader's language
(the text the engine wrote, else a sentence made from its key and params)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.models import Child, Plan
from webapp.models.children import Household


@dataclass
class Unvisited:
    household: str
    reason: str


def unvisited(plan: Plan) -> list[Unvisited]:
    """Households the plan leaves out, with the engine's reason (explanations of kind
    "unfilled" naming a household or a child)."""
    locale = str(get_locale())
    out = []
    for e in plan.explanations or []:
        if e.get("kind") != "unfilled":
            continue
        params = e.get("params") or {}
        if params.get("household") is None and params.get("child") is None and e.get("target"):
            params = {**params, "household": e["target"]}
        household = _household_of(params)
        text = e.get("text") or {}
        reason = (
            text.get(locale) or text.get("zh_CN") or text.get("en") or _reason(e.get("key"), params)
        )
        label = household.label if household is not None else str(params.get("household", ""))
        if household is not None and household.village:
            label = f"{household.village} · {label}"
        out.append(Unvisited(label, reason or _("No pair could visit it within the rules.")))
    return out


def _reason(key: str | None, p: dict) -> str:
    """The engine's reason by its key (webapp/scheduling/visits_explain.py), when the plan kept
    no text."""
    if key == "visit_no_pair":
        return _("No pair is free on any day of the campaign.")
    if key == "visit_unreachable":
        return _(
            "No pair can get there and back within the day's travel limit (the nearest takes"
            " %(nearest)s minutes, the limit is %(limit)s).",
            nearest=p.get("nearest_minutes", "?"),
            limit=p.get("limit_minutes", "?"),
        )
    if key == "visit_excluded":
        return _("A coordinator excluded every pair that can reach it.")
    if key == "visit_full":
        return _(
            "The campaign is full: the %(pairs)s pairs that can reach it are full on their days.",
            pairs=p.get("pairs", 0),
        )
    return ""


def _id(value) -> int | None:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return int(digits) if digits else None


def _household_of(params: dict) -> Household | None:
    if params.get("household") is not None:
        hid = _id(params["household"])
        return db.session.get(Household, hid) if hid else None
    cid = _id(params.get("child"))
    child = db.session.get(Child, cid) if cid else None
    return child.household if child is not None else None

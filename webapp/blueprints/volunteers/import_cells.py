"""Checking the cells of one imported row: each value parsed, or the reason it cannot be."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from webapp.blueprints.volunteers.columns import IMPORT_KEYS, code_for
from webapp.blueprints.volunteers.services import EMAIL_RE, PHONE_RE, normalise_phone
from webapp.inputs import in_date_range
from webapp.models import Skill

FORMULA_PREFIXES = ("=", "+", "-", "@")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# The columns read from a file, in the template's order (webapp/blueprints/volunteers/columns.py
# holds their headers and codes in both languages).
COLUMNS = IMPORT_KEYS
SKILL_SEPARATORS = re.compile(r"[;；,，、|/]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula (=, +, -, @ first), unless it is a number."""
    return text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(text)


def parse_date(text: str) -> date | None:
    """A date in one of DATE_FORMATS within the calendar's sane range, else None."""
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        return value if in_date_range(value) else None
    return None


def _number(text: str, low: float, high: float, integer: bool) -> float | int | None:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        if integer:
            try:
                as_float = float(text)
            except ValueError:
                return None
            if not as_float.is_integer():
                return None
            value = int(as_float)
        else:
            return None
    if not (low <= value <= high) or value != value:  # NaN
        return None
    return value


def skill_lookup(skills: list[Skill]) -> dict[str, Skill]:
    lookup = {}
    for skill in skills:
        for key in (skill.code, skill.name_zh, skill.name_en):
            lookup[key.strip().lower()] = skill
    return lookup


def parse_cells(cells: dict[str, str], skills: dict[str, Skill]) -> tuple[dict, dict[str, str]]:
    """Values for the present columns and the reason for each bad cell."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    cells = {k: v for k, v in cells.items() if k in COLUMNS}  # vetting columns are not read
    for name, text in cells.items():
        if looks_like_formula(text):
            errors[name] = _("Starts with %(char)s like a formula; remove it.", char=text[0])
    text = {k: v for k, v in cells.items() if k not in errors}

    if "name" in text:
        name = text["name"]
        if not name:
            errors["name"] = _("The name is missing.")
        elif len(name) > 100:
            errors["name"] = _("The name is longer than 100 characters.")
        else:
            values["name"] = name
    if "kind" in text:
        raw = text["kind"].strip()
        kind = code_for("kind", raw) if raw else None
        if kind is None:
            errors["kind"] = _("Unknown kind “%(value)s”.", value=raw)
        else:
            values["kind"] = kind
    if "phone" in text:
        phone = normalise_phone(text["phone"])
        if phone and not PHONE_RE.match(phone):
            errors["phone"] = _(
                "“%(value)s” is not an 11-digit mobile number.", value=text["phone"]
            )
        else:
            values["phone"] = phone
    if "email" in text:
        email = text["email"].strip().lower() or None
        if email and (not EMAIL_RE.match(email) or len(email) > 254):
            errors["email"] = _("“%(value)s” is not an e-mail address.", value=text["email"])
        else:
            values["email"] = email
    if (
        not values.get("phone")
        and not values.get("email")
        and not ({"phone", "email"} & errors.keys())
    ):
        errors["phone" if "phone" in cells else "email"] = _("Give a phone number or an e-mail.")
    if "gender" in text:
        raw = text["gender"].strip()
        gender = code_for("gender", raw) if raw else None
        if raw and gender is None:
            errors["gender"] = _(
                "Unknown gender “%(value)s”; use 女 or 男, or leave empty.", value=text["gender"]
            )
        else:
            values["gender"] = gender
    if "skills" in text:
        found, unknown = [], []
        for part in SKILL_SEPARATORS.split(text["skills"]):
            key = part.strip().lower()
            if not key:
                continue
            skill = skills.get(key)
            if skill is None:
                unknown.append(part.strip())
            elif skill.code not in found:
                found.append(skill.code)
        if unknown:
            errors["skills"] = _("Unknown skill: %(names)s.", names=", ".join(unknown))
        else:
            values["skills"] = found
    if "place_name" in text:
        if len(text["place_name"]) > 100:
            errors["place_name"] = _("The place is longer than 100 characters.")
        else:
            values["place_name"] = text["place_name"]
    for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        if name in text and text[name]:
            number = _number(text[name], low, high, integer=False)
            if number is None:
                errors[name] = _("“%(value)s” is not a coordinate.", value=text[name])
            else:
                values[name] = number
        elif name in text:
            values[name] = None
    if "transport_mode" in text and text["transport_mode"]:
        mode = code_for("transport_mode", text["transport_mode"])
        if mode is None:
            errors["transport_mode"] = _(
                "Unknown transport “%(value)s”.", value=text["transport_mode"]
            )
        else:
            values["transport_mode"] = mode
    for name, high in (("max_travel_minutes", 300), ("max_sessions_per_week", 21)):
        if name in text and text[name]:
            number = _number(text[name], 0, high, integer=True)
            if number is None:
                errors[name] = _(
                    "“%(value)s” is not a whole number from 0 to %(max)d.",
                    value=text[name],
                    max=high,
                )
            else:
                values[name] = number
    for name in ("available_from", "available_to"):
        if name in text and text[name]:
            parsed = parse_date(text[name])
            if parsed is None:
                errors[name] = _("“%(value)s” is not a date (use 2026-07-01).", value=text[name])
            else:
                values[name] = parsed
    start, end = values.get("available_from"), values.get("available_to")
    if (start is None) != (end is None) and not (
        {"available_from", "available_to"} & errors.keys()
    ):
        missing = "available_to" if start else "available_from"
        errors[missing] = _("Give both the start and the end of the available dates.")
    elif start and end and end < start:
        errors["available_to"] = _("The end is before the start.")
    if "notes" in text:
        if len(text["notes"]) > 2000:
            errors["notes"] = _("The notes are longer than 2000 characters.")
        else:
            values["notes"] = text["notes"]
    return values, errors

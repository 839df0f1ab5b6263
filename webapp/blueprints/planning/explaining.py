"""The engine's explanations and the checker's violations, in the user's language.

The engine gives ``key`` + ``params`` (ids, counts, funnel stages; see
webapp/scheduling/explain.py and checks.py); the words are ours, from the catalogue, with the
ids replaced by names.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from webapp.blueprints.planning.plans import Names

STAGES = {
    "all": _l("%(n)s volunteers in all"),
    "qualified": _l("%(n)s meet the requirement"),
    "cleared": _l("%(n)s cleared (background check)"),
    "skill": _l("%(n)s have the skill"),
    "available": _l("%(n)s available then"),
    "travel": _l("%(n)s within their travel limit"),
    "allowed": _l("%(n)s not excluded for this place"),
    "size": _l("%(n)s whose whole team fits"),
    "free": _l("%(n)s not booked elsewhere then"),
    "load": _l("%(n)s below their weekly load"),
}
BLOCKING = {
    "cleared": _l("the candidates lack a background check valid through the last date"),
    "skill": _l("too few people have the skill"),
    "available": _l("too few are available at that time"),
    "travel": _l("the place is beyond the candidates' travel limit"),
    "allowed": _l("a coordinator excluded some candidates"),
    "size": _l("the teams are larger than the post takes"),
    "free": _l("the candidates are booked elsewhere at that time"),
    "load": _l("the candidates have reached their weekly load"),
    "qualified": _l("too few people meet the requirement"),
    "none": _l("candidates exist but were not used (the plan is not proven optimal)"),
}
# Why one person cannot take one place (the funnel's stages, for "Add someone").
KEPT_OUT = {
    "cleared": _l("no background check valid through the last date"),
    "skill": _l("lacks the skill"),
    "available": _l("not available then"),
    "travel": _l("beyond their travel limit"),
    "allowed": _l("kept away from here by a coordinator"),
    "size": _l("the whole team does not fit"),
    "free": _l("booked elsewhere at that time"),
    "load": _l("has reached their weekly load"),
    "qualified": _l("does not meet the requirement"),
}
TERMS = {
    "unfilled_min": _l("People missing below minimum"),
    "unfilled_preferred": _l("People missing below preferred headcount"),
    "change": _l("Published assignments changed"),
    "added": _l("People newly placed (to be told)"),
    "continuity": _l("Last term's places not kept"),
    "pair_cost": _l("Coordinator's pair costs"),
    "travel": _l("Travel minutes"),
    "fairness": _l("Load spread (lower is fairer)"),
    "preference": _l("Assignments outside stated preferences"),
    "cohort": _l("Placements without cohort or companion"),
    "balance": _l("Largest shortfall at one post"),
}


def kept_out(stage: str) -> str:
    return str(KEPT_OUT.get(stage, stage))


def term_label(name: str) -> str:
    return str(TERMS.get(name, name))


def requirement(req: str, names: Names) -> str:
    if req.startswith("skill:"):
        return _("people with %(skill)s", skill=names.skill(req[6:]))
    return {
        "headcount": _("people"),
        "leader": _("leader"),
        "cleared_adult": _("cleared adult"),
    }.get(req, req)


def funnel(stages: list) -> str:
    return " → ".join(str(STAGES[s]) % {"n": n} if s in STAGES else f"{s} {n}" for s, n in stages)


def explanation(e: dict, names: Names) -> str:
    """One engine explanation as a sentence in the user's language."""
    key, p = e.get("key", ""), e.get("params") or {}
    if e.get("kind") == "violation":  # stored by checking.refresh after a hand edit
        return violation(key, p, names)
    if key == "unfilled_need":
        head = _(
            "%(target)s (%(skill)s) has %(have)s of the %(wanted)s people it needs.",
            target=names.of(p.get("slot")),
            skill=names.skill(p.get("skill")),
            have=p.get("have", 0),
            wanted=p.get("wanted", 0),
        )
        return _with_funnel(head, p)
    if key == "unfilled_post":
        head = _(
            "%(target)s needs %(wanted)s %(requirement)s but has %(have)s.",
            target=names.of(p.get("post")),
            wanted=p.get("wanted", 0),
            requirement=requirement(str(p.get("requirement", "")), names),
            have=p.get("have", 0),
        )
        return _with_funnel(head, p)
    if key == "invalid_input":
        return _(
            "The data cannot be planned: %(item)s, %(field)s: %(message)s",
            item=_words(str(p.get("item", "")), names),
            field=p.get("field", ""),
            message=p.get("message", ""),
        )
    if key == "conflict":
        return _("These rules cannot all hold at once:")
    if key.startswith("rule_"):
        return rule(key[5:], p, names)
    return str(e.get("text", {}).get("en", key))


def _with_funnel(head: str, p: dict) -> str:
    reason = BLOCKING.get(str(p.get("blocking")), BLOCKING["none"])
    return _(
        "%(head)s Candidates: %(funnel)s. Main reason: %(reason)s.",
        head=head,
        funnel=funnel(p.get("funnel") or []),
        reason=reason,
    )


def _words(item: str, names: Names) -> str:
    """'team t3' -> the team's name."""
    return " ".join(names.of(w) for w in item.split())


def rule(key: str, p: dict, names: Names) -> str:
    """A hard rule named in an infeasibility core."""
    who = names.of(p.get("volunteer") or p.get("unit") or "")
    where = names.of(p.get("slot") or p.get("post") or "")
    count = p.get("count", p.get("limit", ""))
    texts = {
        "pin": _("pinned: %(who)s at %(where)s"),
        "cleared": _("%(who)s has no clearance valid through %(where)s"),
        "skill": _("%(who)s lacks the skill %(where)s needs"),
        "available": _("%(who)s is not available for %(where)s"),
        "travel": _("%(where)s is beyond %(who)s's travel limit"),
        "allowed": _("%(who)s is excluded from %(where)s"),
        "size": _("team %(who)s is larger than %(where)s takes"),
        "schedule": _("%(who)s cannot be in two places at once (travel counted)"),
        "sessions": _("%(who)s does at most %(count)s sessions a week"),
        "minutes": _("%(who)s gives at most %(count)s minutes a week (round trips included)"),
        "max": _("%(where)s takes at most %(count)s"),
        "max_posts": _("%(who)s takes at most %(count)s posts"),
        "min": _("%(where)s needs at least %(count)s"),
    }
    if key == "capacity":
        return ngettext(
            "%(where)s has room for %(num)d person",
            "%(where)s has room for %(num)d people",
            int(count or 0),
            where=where,
        )
    text = texts.get(key, _("rule %(key)s"))
    return text % {"who": who, "where": where, "count": count, "key": key}


def violation(key: str, p: dict, names: Names) -> str:
    """A hard rule a plan breaks (the checker's key + params)."""
    who = names.of(p.get("volunteer", ""))
    where = names.of(p.get("slot") or p.get("post") or p.get("target") or "")
    other = names.of(p.get("other", ""))
    if key == "unled":
        if p.get("requirement") == "leader":
            return _("Nobody at %(where)s can lead, and it asks for a leader.", where=where)
        return _("Nobody at %(where)s is a cleared adult, and it asks for one.", where=where)
    if key == "unknown":
        if not p.get("known_volunteer", True):
            return _("%(who)s no longer takes part in this programme.", who=who)
        return _(
            "%(where)s is no longer planned (cancelled, moved or open for sign-up).", where=where
        )
    texts = {
        "no_need": _("%(where)s has no such need any more."),
        "cleared": _("%(who)s has no clearance valid through the last date of %(where)s."),
        "skill": _("%(who)s lacks the skill %(where)s needs."),
        "available": _("%(who)s is not available for %(where)s."),
        "travel": _("%(where)s is %(minutes)s minutes from %(who)s, beyond their %(limit)s."),
        "forbidden": _("%(who)s is excluded from %(where)s."),
        "min": _("%(where)s is below its hard minimum."),
        "one_need": _("%(who)s would fill two needs of one session."),
        "overlap": _("%(who)s would be at %(where)s and %(other)s at the same time."),
        "sessions": _("%(who)s would have %(count)s sessions a week, at most %(limit)s."),
        "minutes": _("%(who)s would give %(minutes)s minutes a week, at most %(limit)s."),
        "pin": _("a pinned assignment of %(who)s would be lost."),
        "team_split": _("team %(team)s would be split."),
        "capacity": _("%(where)s has room for %(capacity)s; it would have %(count)s."),
        "twice": _("someone would be at %(where)s twice."),
        "max_posts": _("%(who)s would have %(count)s posts, at most %(limit)s."),
    }
    if key == "max":
        return ngettext(
            "%(where)s is full: %(num)d person, at most %(max)s.",
            "%(where)s is full: %(num)d people, at most %(max)s.",
            int(p.get("count") or 0),
            where=where,
            max=p.get("max", ""),
        )
    text = texts.get(key, _("rule %(key)s"))
    values = {**{k: v for k, v in p.items()}, "who": who, "where": where, "other": other}
    values.setdefault("team", names.of(p.get("team", "")))
    values["team"] = names.of(p.get("team", ""))
    values["key"] = key
    return text % _Default(values)


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return ""

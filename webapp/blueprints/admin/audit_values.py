"""The detail lines of an audit entry in the reader's language: each stored field by its label,
codes through webapp/labels.py, people and objects by name, times in China time.

An entry stores plain JSON (ids, codes, ISO times) so that it stays true when names change;
this module reads it for people. A field without a label yet reads as its key, a code without a
label as itself: nothing is hidden, and the test of the log's words names what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.blueprints.planning import ids
from webapp.labels import (
    AGE_BAND_LABELS,
    ASSIGNMENT_STATUS_LABELS,
    ENGINE_STATUS_LABELS,
    GENDER_LABELS,
    PAIRING_ROLE_LABELS,
    PLAN_STATE_LABELS,
    PROGRAMME_KIND_LABELS,
    ROLE_LABELS,
    RUN_KIND_LABELS,
    TRANSPORT_LABELS,
    VETTING_LABELS,
    VOLUNTEER_KIND_LABELS,
    china_time,
    join_list,
    label_of,
    weekday_label,
)

FIELD_LABELS = {
    # The children's plans: video calls and home visits.
    "bookings": _l("Room bookings"),
    "calls": _l("Video calls"),
    "children": _l("Children"),
    "day": _l("Day"),
    "household": _l("Household"),
    "village": _l("Village"),
    "on": _l("Date"),
    "pair": _l("Pair of visitors"),
    "plan": _l("Plan"),
    "reason": _l("Reason"),
    "room": _l("Room"),
    "start": _l("Start"),
    "visits": _l("Home visits"),
    "weekday": _l("Weekday"),
    "status": _l("Status"),
    "state": _l("Status"),
    "roles": _l("Roles"),
    "role": _l("Role"),
    "name": _l("Name"),
    "email": _l("E-mail"),
    "phone": _l("Mobile phone"),
    "prefers_sms": _l("messages by SMS"),
    "sms_daily_cap": _l("SMS per day at most"),
    "kind": _l("Kind"),
    "gender": _l("Gender"),
    "skills": _l("Subjects and skills"),
    "place_name": _l("Home base"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "transport_mode": _l("Transport"),
    "max_travel_minutes": _l("Longest trip (minutes)"),
    "max_sessions_per_week": _l("Sessions a week at most"),
    "cleared_on": _l("Cleared on"),
    "expires_on": _l("Expires on"),
    "expires_at": _l("Expires at"),
    "checked_by_id": _l("Checked by"),
    "note": _l("Note"),
    "notes": _l("Notes"),
    "code": _l("Code"),
    "capacity": _l("Capacity"),
    "bookable": _l("Bookable"),
    "requires_approval": _l("Needs approval"),
    "calls_at_once": _l("Family video calls at once"),
    "cancelled": _l("Dates cancelled"),
    "college": _l("College"),
    "programme": _l("Programme"),
    "starts_on": _l("From"),
    "ends_on": _l("Until"),
    "ended_on": _l("Ended on"),
    "started_on": _l("Start"),
    "managers": _l("Managers"),
    "homes": _l("Homes"),
    "home_id": _l("Children's home"),
    "room_id": _l("Room"),
    "child_id": _l("Child"),
    "age_band": _l("Age band"),
    "consent": _l("Guardian's consent"),
    "consent_on": _l("Consent given on"),
    "volunteer": _l("Volunteer"),
    "volunteer_id": _l("Volunteer"),
    "leader_id": _l("Leader"),
    "to_volunteer": _l("Taken over by"),
    "volunteers": _l("Volunteers"),
    "team": _l("Team"),
    "teams": _l("Teams"),
    "target": _l("Place"),
    "published": _l("Plan published before"),
    "assignments": _l("Assignments"),
    "told": _l("People told"),
    "not_told": _l("People not told (no account)"),
    "changed": _l("People whose plan changed"),
    "run": _l("Solve"),
    "time_limit": _l("Time limit (seconds)"),
    "subject": _l("Subject"),
    "sessions": _l("Sessions ended"),
    "open_for_signup": _l("Open for sign-up"),
    "new_assignment": _l("New assignment"),
    "one_date": _l("That date only"),
    "invitation": _l("Invitation"),
    "created": _l("New"),
    "updated": _l("Updated"),
}
# A thing's name is 名称, a person's 姓名.
NAME_LABELS = {
    "programme": _l("Programme name"),
    "post": _l("Post name"),
    "team": _l("Team name"),
    "home": _l("Home name"),
    "room": _l("Room name"),
}
# Fields whose values are ids (or lists of ids) of other objects, shown by name.
REFERENCES = {
    "volunteer_id": "volunteer",
    "leader_id": "volunteer",
    "volunteer": "volunteer",
    "volunteers": "volunteer",
    "to_volunteer": "volunteer",
    "checked_by_id": "user",
    "managers": "user",
    "child_id": "child",
    "home_id": "home",
    "homes": "home",
    "room_id": "room",
    "team": "team",
    "teams": "team",
    "published": "plan",
    "new_assignment": "assignment",
}
# Fields that hold stored codes: the label table, by object type where one key means several.
CODES: dict[str, dict[str, dict]] = {
    "status": {
        "volunteer": VETTING_LABELS,
        "assignment": ASSIGNMENT_STATUS_LABELS,
        "plan": ENGINE_STATUS_LABELS,
    },
    "state": {"plan": PLAN_STATE_LABELS},
    "kind": {
        "programme": RUN_KIND_LABELS,  # the programme's own kind is saved as programme.saved
        "volunteer": VOLUNTEER_KIND_LABELS,
    },
    "gender": {"*": GENDER_LABELS},
    "transport_mode": {"*": TRANSPORT_LABELS},
    "age_band": {"*": AGE_BAND_LABELS},
    "role": {"pairing": PAIRING_ROLE_LABELS},
}
# Actions whose `kind` is the programme's kind (a solve's entry has the run's kind instead).
PROGRAMME_ACTIONS = ("programme.created", "programme.saved")


class Names(Protocol):
    def name(self, kind: str, object_id: int | None) -> str | None: ...


@dataclass
class Change:
    label: str
    before: str
    after: str


def references(snapshot: dict | None) -> dict[str, set[int]]:
    """{object type: ids} that a snapshot names (its id fields, and the places in `target`)."""
    found: dict[str, set[int]] = {}
    for key, value in (snapshot or {}).items():
        kind = REFERENCES.get(key)
        values = value if isinstance(value, list) else [value]
        if kind is not None:
            found.setdefault(kind, set()).update(v for v in values if isinstance(v, int))
        elif key == "target" and isinstance(value, str):
            ref = _target(value)
            if ref is not None:
                found.setdefault("post" if ref.kind == "post" else "need", set()).add(ref.id)
    return found


def _target(value: str) -> ids.Ref | None:
    try:
        return ids.parse(value)
    except ValueError:
        return None


def _code_table(key: str, entry) -> dict | None:
    tables = CODES.get(key)
    if tables is None:
        return None
    if key == "kind" and entry.action in PROGRAMME_ACTIONS:
        return PROGRAMME_KIND_LABELS
    return tables.get(entry.object_type) or tables.get("*")


def value_text(key: str, value: Any, names: Names, entry) -> str:
    """One stored value as the reader reads it ("—" for nothing)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    kind = REFERENCES.get(key)
    if kind is not None and isinstance(value, (int, list)):
        values = value if isinstance(value, list) else [value]
        return join_list(names.name(kind, v) or f"#{v}" for v in values)
    if key == "roles" and isinstance(value, list):
        return join_list(label_of(ROLE_LABELS, r) for r in value)
    if key == "target" and isinstance(value, str) and (ref := _target(value)) is not None:
        if ref.kind == "slot":
            title = names.name("need", ref.id) or f"#{ref.id}"
            return f"{title} · {weekday_label(ref.weekday or 0)}"
        return names.name(ref.kind, ref.id) or value
    if key == "run" and isinstance(value, int):
        return f"#{value}"
    if key == "cancelled" and isinstance(value, list):
        return str(len(value))
    table = _code_table(key, entry)
    if table is not None and isinstance(value, str):
        return label_of(table, value)
    if key.endswith("_at") and isinstance(value, str):
        try:
            return china_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, dict):
        return join_list(f"{k}: {v}" for k, v in value.items())
    return str(value)


def changes_of(entry, names: Names) -> list[Change]:
    """The fields that differ between before and after (all of after when there is no before).
    A field only in `before` is context (what the action replaced): shown as it was."""
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        if key not in before and new in (None, "", []):
            continue  # nothing to say (e.g. no diff on a first publication)
        label = str(
            NAME_LABELS.get(entry.object_type, FIELD_LABELS["name"])
            if key == "name"
            else FIELD_LABELS.get(key, key.replace("_", " "))
        )
        if key not in after:
            changes.append(Change(label, "", value_text(key, old, names, entry)))
            continue
        shown_before = value_text(key, old, names, entry) if key in before else ""
        changes.append(Change(label, shown_before, value_text(key, new, names, entry)))
    return changes

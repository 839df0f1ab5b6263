"""Translated labels for stored codes (roles, kinds, statuses), for templates and exports."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "home_manager": _l("Home manager"),
    "volunteer": _l("Volunteer"),
}
VOLUNTEER_KIND_LABELS = {
    "surrogate_parent": _l("Surrogate parent"),
    "teacher": _l("Teacher"),
    "college_student": _l("College student"),
    "community": _l("Community member"),
}
VETTING_LABELS = {
    "none": _l("Not vetted"),
    "pending": _l("Vetting pending"),
    "cleared": _l("Cleared"),
    "expired": _l("Clearance expired"),
    "rejected": _l("Rejected"),
}
ROOM_KIND_LABELS = {
    "activity": _l("Activity room"),
    "library": _l("Library"),
    "video_call": _l("Family video-call room"),
    "classroom": _l("Classroom"),
}


# The catalog of each language, and the label tables translated into it, made on first use.
# str() of a lazy string looks the catalog up through Flask-Babel's context-locals (~15 µs); a
# long list showed a few hundred labels. Only the language is looked up per label (it follows
# the request and force_locale); the tables are fixed at import, the catalogs never change.
_CATALOGS: dict[Any, Any] = {}
_TRANSLATED: dict[tuple[int, Any], Any] = {}


def _catalog() -> Any:
    locale = get_locale()
    catalog = _CATALOGS.get(locale)
    if catalog is None:
        catalog = _CATALOGS[locale] = get_translations()
    return catalog


def _(message: str, **variables: Any) -> str:
    """flask_babel.gettext with the cheaper look-up of the catalog."""
    text = _catalog().ugettext(message)
    return text % variables if variables else text


def _translated(labels: dict | tuple) -> Any:
    key = (id(labels), get_locale())
    table = _TRANSLATED.get(key)
    if table is None:
        if isinstance(labels, dict):
            table = {code: str(label) for code, label in labels.items()}
        else:
            table = tuple(str(label) for label in labels)
        _TRANSLATED[key] = table
    return table


def _label(labels: dict, code: str | None) -> str:
    """The translated label of a stored code; an unknown code shows as itself."""
    return _translated(labels).get(code, code) if code else ""


def role_label(code: str) -> str:
    return _label(ROLE_LABELS, code)


def kind_label(code: str) -> str:
    return _label(VOLUNTEER_KIND_LABELS, code)


def room_kind_label(code: str) -> str:
    return _label(ROOM_KIND_LABELS, code)


def vetting_label(volunteer) -> str:
    """The status as it counts today: a lapsed clearance reads as expired."""
    status = volunteer.vetting_status
    if status == "cleared" and not volunteer.is_cleared():
        status = "expired"
    label = str(_translated(VETTING_LABELS).get(status, status))
    if status == "cleared" and volunteer.expires_on:
        return _("%(status)s until %(date)s", status=label, date=volunteer.expires_on.isoformat())
    return label


# --- Children's homes: events and bookings ---------------------------------------------------
EVENT_KIND_LABELS = {
    "tutoring": _l("Tutoring session"),
    "activity": _l("Activity"),
    "video_call": _l("Family video-call session"),
    "reading_club": _l("Reading club"),
    "camp": _l("Camp"),
    "safety_lecture": _l("Safety lecture"),
    "festival": _l("Festival"),
}
AGE_GROUP_LABELS = {
    "3-6": _l("Ages 3–6"),
    "6-8": _l("Ages 6–8"),
    "8-10": _l("Ages 8–10"),
    "10+": _l("Ages 10 and up"),
}
OCCURRENCE_STATUS_LABELS = {
    "requested": _l("Awaiting approval"),
    "confirmed": _l("Confirmed"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
}
OUTBOX_STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}
WEEKDAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


# Entries of a schedule that are no event of a home (webapp/core/commitments/visits.py).
OTHER_ENTRY_LABELS = {"home_visit": _l("Home visit")}


def event_kind_label(code: str) -> str:
    if code in OTHER_ENTRY_LABELS:
        return _label(OTHER_ENTRY_LABELS, code)
    return _label(EVENT_KIND_LABELS, code)


def age_group_label(code: str | None) -> str:
    return _label(AGE_GROUP_LABELS, code)


def occurrence_status_label(code: str) -> str:
    return _label(OCCURRENCE_STATUS_LABELS, code)


def weekday_label(index: int) -> str:
    return _translated(WEEKDAY_LABELS)[index]


def format_moment(moment, tz: str | None = None) -> str:
    """An instant as people read it where it happens: "2026-07-06 (Saturday) 09:00"."""
    from zoneinfo import ZoneInfo

    from webapp.clock import CHINA

    local = moment.astimezone(ZoneInfo(tz) if tz else CHINA)
    return f"{local:%Y-%m-%d} ({weekday_label(local.weekday())}) {local:%H:%M}"


def date_span(first, last, separator: str = "–") -> str:
    """A range of dates as people write it: a single day once, else first–last (ISO dates)."""
    if first is None or last is None:
        return ""
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()}{separator}{last.isoformat()}"


def china_time(moment) -> str:
    """An instant in China time, to the minute: "2026-12-21 16:50"."""
    shown = format_moment(moment)
    return shown[:10] + " " + shown[-5:]


TEMPLATE_HELPERS = {
    "role_label": role_label,
    "kind_label": kind_label,
    "room_kind_label": room_kind_label,
    "vetting_label": vetting_label,
    "event_kind_label": event_kind_label,
    "age_group_label": age_group_label,
    "occurrence_status_label": occurrence_status_label,
    "weekday_label": weekday_label,
    "format_moment": format_moment,
    "local_clock": lambda moment, tz=None: format_moment(moment, tz)[-5:],
    "china_time": china_time,
    "outbox_status_label": lambda code: _label(OUTBOX_STATUS_LABELS, code),
}


# --- Volunteers, availability (the volunteers blueprint), children and pairing (children) -------
TRANSPORT_LABELS = {
    "walk": _l("On foot"),
    "bicycle": _l("Bicycle"),
    "ebike": _l("E-bike"),
    "bus": _l("Bus"),
    "car": _l("Car"),
}
GENDER_LABELS = {"female": _l("Female"), "male": _l("Male")}
DATE_RANGE_KIND_LABELS = {"available": _l("Available"), "away": _l("Away")}
AGE_BAND_LABELS = {
    "under_6": _l("Under 6"),
    "6_to_9": _l("6 to 9"),
    "10_to_13": _l("10 to 13"),
    "14_to_17": _l("14 to 17"),
}
CARE_LOG_KIND_LABELS = {
    "talk": _l("Talk (谈心)"),
    "visit": _l("Home visit (家访)"),
    "call": _l("Phone call"),
    "video_call": _l("Family video call (亲情视频)"),
    "meeting": _l("Meeting"),
    "review": _l("Care plan review"),
    "other": _l("Other contact"),
}
# The child's card (一人一卡) and its duties.
DUTY_KIND_LABELS = {
    "weekly_talk": _l("Weekly talk (每周谈心)"),
    "monthly_visit": _l("Monthly home visit (每月家访)"),
    "teacher_talk": _l("Teacher's monthly talk (每月谈心)"),
    "guardian_call": _l("Monthly call with the guardian"),
    "video_call": _l("Weekly family video call (亲情视频)"),
    "plan_review": _l("Care plan review"),
}
DUTY_STATE_LABELS = {
    "overdue": _l("overdue"),
    "today": _l("due today"),
    "soon": _l("due soon"),
    "later": _l("later"),
    "ended": _l("ended"),
}
SEX_LABELS = {"f": _l("Girl"), "m": _l("Boy")}
GUARDIANSHIP_LABELS = {
    "good": _l("Good (较好)"),
    "fair": _l("Fair (一般)"),
    "poor": _l("Poor (差)"),
}
PRIORITY_LABELS = {
    "red": _l("Red"),
    "yellow": _l("Yellow"),
    "blue": _l("Blue"),
    "green": _l("Green"),
}
PAIRING_ROLE_LABELS = {"surrogate": _l("Surrogate parent"), "teacher": _l("Class teacher")}
MEETING_KIND_LABELS = {
    "guardian_meeting": _l("Guardian meeting (家长会)"),
    "children_meeting": _l("Monthly children's meeting (留守儿童会)"),
}
ACCESS_ACTION_LABELS = {
    "view": _l("viewed"),
    "edit": _l("changed"),
    "export": _l("exported"),
    "erase": _l("erased"),
}
# A child's weekly times (webapp/models/video_calls.py CHILD_TIME_KINDS).
CHILD_TIME_KIND_LABELS = {"parents": _l("Parents free"), "school": _l("At school")}
IMPORT_ACTION_LABELS = {"new": _l("New"), "update": _l("Update"), "error": _l("Error")}


# --- Planning: programmes, plans, solve runs, assignments ------------------------------------------
PROGRAMME_KIND_LABELS = {
    "tutoring": _l("Term tutoring"),
    "summer": _l("Summer posts"),
    "video_calls": _l("Family video-call rota"),
    "home_visits": _l("Summer home visits"),
}
PROGRAMME_STATE_LABELS = {
    "draft": _l("Draft"),
    "solving": _l("Solving"),
    "proposed": _l("Proposal to review"),
    "published": _l("Published"),
}
PLAN_STATE_LABELS = {
    "proposed": _l("Proposed"),
    "published": _l("Published"),
    "superseded": _l("Superseded"),
    "discarded": _l("Discarded"),
}
RUN_KIND_LABELS = {"solve": _l("solve"), "replan": _l("re-plan")}
RUN_STATUS_LABELS = {
    "queued": _l("waiting for a worker"),
    "running": _l("running"),
    "done": _l("done"),
    "failed": _l("failed"),
    "cancelled": _l("cancelled"),
}
ENGINE_STATUS_LABELS = {
    "optimal": _l("optimal (proven best)"),
    "feasible": _l("feasible (not proven best)"),
    "infeasible": _l("infeasible (rules conflict)"),
    "timeout_no_solution": _l("no plan found in time"),
    "invalid": _l("invalid input"),
}
ASSIGNMENT_STATUS_LABELS = {
    "proposed": _l("proposed"),
    "confirmed": _l("confirmed"),
    "declined": _l("Declined"),
    "withdrawn": _l("withdrawn"),
    "waitlisted": _l("waitlist"),
}


def label_of(labels: dict, code: str | None) -> str:
    """The translated label of a stored code in any of the tables above (itself if unknown)."""
    return _label(labels, code)


def join_list(items) -> str:
    """Items as a list in the reader's language: 甲、乙 in Chinese, "a, b" in English."""
    separator = "、" if str(get_locale()).startswith("zh") else ", "
    return separator.join(str(item) for item in items)


TEMPLATE_HELPERS.update(
    {
        "join_list": join_list,
        "date_span": date_span,
        "transport_label": lambda code: _label(TRANSPORT_LABELS, code),
        "gender_label": lambda code: _label(GENDER_LABELS, code),
        "date_range_kind_label": lambda code: _label(DATE_RANGE_KIND_LABELS, code),
        "age_band_label": lambda code: _label(AGE_BAND_LABELS, code),
        "child_time_kind_label": lambda code: _label(CHILD_TIME_KIND_LABELS, code),
        "care_log_kind_label": lambda code: _label(CARE_LOG_KIND_LABELS, code),
        "duty_kind_label": lambda code: _label(DUTY_KIND_LABELS, code),
        "duty_state_label": lambda code: _label(DUTY_STATE_LABELS, code),
        "sex_label": lambda code: _label(SEX_LABELS, code),
        "guardianship_label": lambda code: _label(GUARDIANSHIP_LABELS, code),
        "priority_label": lambda code: _label(PRIORITY_LABELS, code),
        "pairing_role_label": lambda code: _label(PAIRING_ROLE_LABELS, code),
        "meeting_kind_label": lambda code: _label(MEETING_KIND_LABELS, code),
        "access_action_label": lambda code: _label(ACCESS_ACTION_LABELS, code),
        "import_action_label": lambda code: _label(IMPORT_ACTION_LABELS, code),
        "vetting_status_label": lambda code: _label(VETTING_LABELS, code),
    }
)

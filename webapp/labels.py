"""Translated labels for stored codes (roles, kinds, statuses), for templates and exports."""

from __future__ import annotations

from flask_babel import gettext as _
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


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def kind_label(code: str) -> str:
    return str(VOLUNTEER_KIND_LABELS.get(code, code))


def room_kind_label(code: str) -> str:
    return str(ROOM_KIND_LABELS.get(code, code))


def vetting_label(volunteer) -> str:
    """The status as it counts today: a lapsed clearance reads as expired."""
    status = volunteer.vetting_status
    if status == "cleared" and not volunteer.is_cleared():
        status = "expired"
    label = str(VETTING_LABELS.get(status, status))
    if status == "cleared" and volunteer.expires_on:
        return _("%(status)s until %(date)s", status=label, date=volunteer.expires_on.isoformat())
    return label


TEMPLATE_HELPERS = {
    "role_label": role_label,
    "kind_label": kind_label,
    "room_kind_label": room_kind_label,
    "vetting_label": vetting_label,
}

"""Volunteer rules and queries: access and profiles (listing.py holds the searchable list,
availability.py and vetting.py the rest).

Services only flush; the request commits once. A broken rule raises RuleError with the field it
belongs to, so that the view can re-render the form with the message (422) and save nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import audit
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.inputs import parse_id
from webapp.models import (
    Child,
    Pairing,
    Place,
    Skill,
    Team,
    User,
    Volunteer,
)
from webapp.models.accounts import COORDINATOR

PHONE_RE = re.compile(r"^1\d{10}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RuleError(ValueError):
    """A rule was broken; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- Access -------------------------------------------------------------------------------------


def is_coordinator(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(COORDINATOR))


# What the profile page shows of a volunteer, loaded with it instead of one lazy load each: the
# checker and the skills joined (one collection only, so rows do not multiply), the weekly times
# and date ranges (which grow over the years) by their own selects.
PAGE_LOADS = (
    joinedload(Volunteer.checked_by),
    joinedload(Volunteer.skills),
    selectinload(Volunteer.weekly_availability),
    selectinload(Volunteer.date_ranges),
)


# A user's profile, built once: many pages start with it, and building the select (with its
# loader options) on every call cost more than running it.
_PROFILE = select(Volunteer).where(Volunteer.user_id == bindparam("user_id"))
_PROFILE_FOR_PAGE = _PROFILE.options(*PAGE_LOADS)


def profile_of(user: User, *, for_page: bool = False) -> Volunteer | None:
    if for_page:
        result = db.session.execute(_PROFILE_FOR_PAGE, {"user_id": user.id})
        return result.unique().scalar_one_or_none()
    return db.session.scalar(_PROFILE, {"user_id": user.id})


def visible_volunteer(volunteer_id: int, user: User, *, for_page: bool = False) -> Volunteer:
    """A coordinator sees anyone; a volunteer only their own profile. Anything else is 404."""
    volunteer = get_or_404(Volunteer, volunteer_id, *(PAGE_LOADS if for_page else ()))
    if is_coordinator(user) or (volunteer.user_id is not None and volunteer.user_id == user.id):
        return volunteer
    abort(404)


# --- Skills, teams and places ------------------------------------------------------------------


def all_skills() -> list[Skill]:
    return list(db.session.scalars(select(Skill).order_by(Skill.id)))


def all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(*Team.by_name())))


def townships() -> list[Place]:
    """Townships with their villages loaded, for the place picker."""
    return list(
        db.session.scalars(
            select(Place)
            .where(Place.kind == "township")
            .options(selectinload(Place.children))
            .order_by(Place.name)
        )
    )


def picked_place(township_id: str, village_id: str) -> tuple[Place | None, Place | None]:
    """The township and (if it lies in that township) the village chosen in the place picker."""
    township = village = None
    if (township_key := parse_id(township_id)) is not None:
        township = db.session.get(Place, township_key)
        if township is not None and township.kind != "township":
            township = None
    if township is not None and (village_key := parse_id(village_id)) is not None:
        village = db.session.get(Place, village_key)
        if village is None or village.kind != "village" or village.parent_id != township.id:
            village = None
    return township, village


# --- Profiles -----------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "kind",
    "name",
    "phone",
    "email",
    "gender",
    "place_name",
    "lat",
    "lon",
    "transport_mode",
    "max_travel_minutes",
    "max_sessions_per_week",
    "notes",
    "prefers_sms",
)


def normalise_phone(raw: str | None) -> str | None:
    """Digits only; a leading +86 or 86 before an 11-digit mobile number is dropped."""
    if raw is None:
        return None
    digits = re.sub(r"[\s\-()]", "", str(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits or None


def check_contact_unique(volunteer: Volunteer | None, phone: str | None, email: str | None):
    own_id = volunteer.id if volunteer is not None else None
    if phone:
        other = db.session.scalar(select(Volunteer.id).where(Volunteer.phone == phone))
        if other is not None and other != own_id:
            raise RuleError("phone", _("Another volunteer already has this phone number."))
    if email:
        other = db.session.scalar(
            select(Volunteer.id).where(func.lower(Volunteer.email) == email.lower())
        )
        if other is not None and other != own_id:
            raise RuleError("email", _("Another volunteer already has this e-mail address."))


def _snapshot(volunteer: Volunteer) -> dict:
    data = {name: getattr(volunteer, name) for name in PROFILE_FIELDS}
    data["skills"] = sorted(s.code for s in volunteer.skills)
    return data


def save_profile(
    volunteer: Volunteer | None, data: Mapping, skill_codes: Iterable[str]
) -> Volunteer:
    """Create (volunteer None) or update a profile from cleaned form data."""
    phone = normalise_phone(data.get("phone"))
    email = (data.get("email") or "").strip().lower() or None
    if phone and not PHONE_RE.match(phone):
        raise RuleError("phone", _("Enter an 11-digit mobile number."))
    if data.get("prefers_sms") and not phone:
        raise RuleError("phone", _("Give a mobile number to get messages by SMS."))
    check_contact_unique(volunteer, phone, email)
    creating = volunteer is None
    before = None if creating else _snapshot(volunteer)
    if creating:
        volunteer = Volunteer(kind=data["kind"], name=data["name"])
        db.session.add(volunteer)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(volunteer, name, data[name])
    volunteer.phone, volunteer.email = phone, email
    volunteer.gender = data.get("gender") or None
    volunteer.notes = data.get("notes") or ""
    volunteer.place_name = data.get("place_name") or ""
    codes = set(skill_codes)
    volunteer.skills = [s for s in all_skills() if s.code in codes]
    db.session.flush()
    audit.record(
        "volunteer.create" if creating else "volunteer.update",
        "volunteer",
        volunteer.id,
        before=_json_safe(before),
        after=_json_safe(_snapshot(volunteer)),
    )
    return volunteer


def _json_safe(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def add_skill(code: str, name_zh: str, name_en: str) -> Skill:
    code = code.strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
        raise RuleError("code", _("Use 2 to 40 lower-case letters, digits or underscores."))
    if db.session.scalar(select(Skill.id).where(Skill.code == code)):
        raise RuleError("code", _("This skill already exists."))
    skill = Skill(code=code, name_zh=name_zh.strip(), name_en=name_en.strip())
    db.session.add(skill)
    db.session.flush()
    audit.record("skill.create", "skill", skill.id, after={"code": code})
    return skill


# The children paired with a volunteer, for their profile page; built once (every visit reads it).
_PAIRINGS_OF = (
    select(Pairing)
    .where(Pairing.volunteer_id == bindparam("volunteer_id"))
    .options(joinedload(Pairing.child).joinedload(Child.home))
    .order_by(Pairing.ended_on.is_not(None), Pairing.started_on.desc())
)


def pairings_of(volunteer: Volunteer) -> list[Pairing]:
    return list(db.session.scalars(_PAIRINGS_OF, {"volunteer_id": volunteer.id}))

"""Bookings: new, edit, move, cancel, approvals, call slots (and the old outbox address)."""

from __future__ import annotations

import contextlib
from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes import booking, booking_changes, call_slots, roster, services
from webapp.blueprints.homes.booking import BookingError, BookingRequest, NeedSpec
from webapp.blueprints.homes.forms import (
    BookingForm,
    DeclineForm,
    EventDetailsForm,
    MoveForm,
    ReasonForm,
    SlotForm,
)
from webapp.blueprints.homes.views import STAFF, bp
from webapp.blueprints.homes.views.common import home_or_404, minutes_of
from webapp.extensions import db
from webapp.htmx import hx_redirect, render_page_or_partial
from webapp.inputs import parse_date, parse_id
from webapp.models import Home, Skill
from webapp.models.accounts import ADMIN, COORDINATOR
from webapp.models.base import utcnow
from webapp.security import role_required


def _with_skill_choices(form: EventDetailsForm) -> EventDetailsForm:
    skills = db.session.scalars(select(Skill).order_by(Skill.code))
    locale = str(get_locale())
    form.need_skill.choices = [SelectChoice("", _("No volunteers needed"))] + [
        SelectChoice(str(s.id), s.label(locale)) for s in skills
    ]
    return form


def _booking_form(home: Home) -> BookingForm:
    form = BookingForm()
    form.room_id.choices = [SelectChoice(str(r.id), r.name) for r in home.rooms]
    return _with_skill_choices(form)


def _needs_from(form: EventDetailsForm) -> list[NeedSpec]:
    """The form asks for at most one kind of volunteer."""
    if not (form.need_skill.data or form.need_min.data):
        return []
    return [
        NeedSpec(
            skill_id=int(form.need_skill.data) if form.need_skill.data else None,
            min_headcount=form.need_min.data or 1,
            max_headcount=max(form.need_max.data or 1, form.need_min.data or 1),
            vetting_required=bool(form.need_vetting.data),
        )
    ]


def _prefill(form: BookingForm) -> None:
    args = request.args
    if (room_id := parse_id(args.get("room"))) is not None:
        form.room_id.data = room_id
    with contextlib.suppress(ValueError):
        form.date.data = parse_date(args.get("date"))
    for name in ("start", "end"):
        with contextlib.suppress(ValueError):
            getattr(form, name).data = time.fromisoformat(args.get(name, ""))


def _request_from(form: BookingForm, home: Home) -> BookingRequest:
    room = services.room_of(home, form.room_id.data)
    skip = set()
    if request.form.get("skip_conflicts") == "1":
        for raw in request.form.getlist("skip"):
            try:
                skip.add(parse_date(raw))
            except ValueError:
                abort(400)
    repeat = bool(form.repeat.data)
    return BookingRequest(
        room=room,
        title=form.title.data,
        kind=form.kind.data,
        first_date=form.date.data,
        start_minute=minutes_of(form.start.data),
        end_minute=minutes_of(form.end.data),
        capacity=form.capacity.data,
        age_group=form.age_group.data or None,
        notes=form.notes.data or "",
        weekdays=tuple(form.weekdays.data or ()) if repeat else (),
        interval_weeks=(form.interval_weeks.data or 1) if repeat else 1,
        until=form.until.data if repeat else None,
        count=form.count.data if repeat else None,
        skip_dates=frozenset(skip),
        correcting=bool(form.correcting.data),
        slot_minutes=form.slot_minutes.data,
        needs=_needs_from(form),
    )


@bp.route("/<int:home_id>/bookings/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_booking(home_id: int):
    home = home_or_404(home_id)
    form = _booking_form(home)
    if request.method == "GET":
        _prefill(form)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            event = booking.book(_request_from(form, home), current_user)
        except BookingError as refused:
            error, status = refused, refused.status
            if refused.field and refused.status == 422 and hasattr(form, refused.field):
                getattr(form, refused.field).errors.append(refused.message)
        else:
            first = event.occurrences[0]
            flash(
                _(
                    "Booked: %(title)s, %(count)s dates.",
                    title=event.title,
                    count=len(event.occurrences),
                )
                if first.is_confirmed
                else _(
                    "Requested: %(title)s. The home's manager will approve or decline it.",
                    title=event.title,
                ),
                "success",
            )
            return hx_redirect(
                url_for(
                    "homes.week",
                    home_id=home.id,
                    date=av.to_local(home, first.starts_at).date().isoformat(),
                )
            )
    elif request.method == "POST":
        status = 422
    return render_page_or_partial(
        "homes/booking_new.html",
        "homes/_booking_form.html",
        status,
        home=home,
        form=form,
        error=error,
        can_correct=booking.manages(current_user, home),
    )


@bp.get("/<int:home_id>/bookings/<int:occurrence_id>")
@role_required(*STAFF)
def occurrence(home_id: int, occurrence_id: int):
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    return _occurrence_page(home, item, _move_form(home, item))


def _move_form(home, item) -> MoveForm:
    return MoveForm(
        data={
            "date": av.to_local(home, item.starts_at).date(),
            "start": av.to_local(home, item.starts_at).time(),
            "end": av.to_local(home, item.ends_at).time(),
        }
    )


@bp.route("/<int:home_id>/bookings/<int:occurrence_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_event(home_id: int, occurrence_id: int):
    """Title, places, age group, volunteer needs and notes, for every date of the event."""
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    event = item.event
    need = event.needs[0] if event.needs else None
    form = EventDetailsForm(
        data=None
        if request.method == "POST"
        else {
            "title": event.title,
            "age_group": event.age_group or "",
            "capacity": event.capacity,
            "notes": event.notes,
            "need_skill": str(need.skill_id) if need and need.skill_id else "",
            "need_min": need.min_headcount if need else None,
            "need_max": need.max_headcount if need else None,
            "need_vetting": need.vetting_required if need else True,
        }
    )
    _with_skill_choices(form)
    if form.validate_on_submit():
        try:
            booking.update_details(
                event,
                current_user,
                title=form.title.data,
                age_group=form.age_group.data or None,
                capacity=form.capacity.data,
                notes=form.notes.data or "",
                needs=_needs_from(form),
            )
        except BookingError as refused:
            db.session.rollback()
            (getattr(form, refused.field or "", None) or form.title).errors.append(refused.message)
        else:
            flash(_("Saved for every date of this event."), "success")
            return _back_to(home, item)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "homes/event_edit.html", home=home, item=item, event=event, form=form
    ), status


def _occurrence_page(home, item, move_form, status=200, decline_form=None):
    return render_template(
        "homes/occurrence.html",
        home=home,
        item=item,
        event=item.event,
        move_form=move_form,
        reason_form=ReasonForm(),
        decline_form=decline_form or DeclineForm(),
        roster=roster.rosters([item]).get(item.id),
        slot_form=_slot_form(home),
        now=utcnow(),
        can_decide=booking.manages(current_user, home),
    ), status


def _slot_form(home: Home) -> SlotForm:
    form = SlotForm()
    form.child_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(str(c.id), c.pseudonym) for c in call_slots.children_of(home)
    ]
    return form


def _back_to(home: Home, item) -> object:
    return hx_redirect(url_for("homes.occurrence", home_id=home.id, occurrence_id=item.id))


def _require_manager(home: Home) -> None:
    """Approving and declining are the home's managers' decisions (and administrators')."""
    if not booking.manages(current_user, home):
        abort(403, description=_("Only this home's managers approve or decline bookings."))


def _refuse(error: BookingError):
    abort(error.status, description=error.message)


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/move")
@role_required(*STAFF)
def move(home_id: int, occurrence_id: int):
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _occurrence_page(home, item, form, 422)
    try:
        booking_changes.move(
            item,
            form.date.data,
            minutes_of(form.start.data),
            minutes_of(form.end.data),
            current_user,
            bool(form.correcting.data),
        )
    except BookingError as error:
        if error.status == 422:
            field = getattr(form, error.field, None) if error.field else None
            (field if field is not None else form.date).errors.append(error.message)
            db.session.rollback()
            return _occurrence_page(home, services.occurrence_of(home, occurrence_id), form, 422)
        _refuse(error)
    flash(_("Booking moved."), "success")
    return _back_to(home, item)


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/cancel")
@role_required(*STAFF)
def cancel(home_id: int, occurrence_id: int):
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    form = ReasonForm()
    form.validate_on_submit()
    try:
        booking_changes.cancel(item, current_user, form.reason.data or "")
    except BookingError as error:
        _refuse(error)
    flash(_("Booking cancelled."), "success")
    return _back_to(home, item)


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/cancel-series")
@role_required(*STAFF)
def cancel_series(home_id: int, occurrence_id: int):
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    form = ReasonForm()
    form.validate_on_submit()
    cancelled = booking_changes.cancel_series(item.event, current_user, form.reason.data or "")
    flash(
        ngettext("%(num)d date cancelled.", "%(num)d dates cancelled.", len(cancelled)), "success"
    )
    return _back_to(home, item)


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/approve")
@role_required(*STAFF)
def approve(home_id: int, occurrence_id: int):
    home = home_or_404(home_id)
    _require_manager(home)
    item = services.occurrence_of(home, occurrence_id)
    try:
        booking_changes.approve(item, current_user)
    except BookingError as error:
        _refuse(error)
    flash(_("Booking approved."), "success")
    return hx_redirect(
        request.form.get("next_page") == "approvals"
        and url_for("homes.approvals", home_id=home.id)
        or url_for("homes.occurrence", home_id=home.id, occurrence_id=item.id)
    )


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/decline")
@role_required(*STAFF)
def decline(home_id: int, occurrence_id: int):
    home = home_or_404(home_id)
    _require_manager(home)
    item = services.occurrence_of(home, occurrence_id)
    form = DeclineForm()
    on_approvals = request.form.get("next_page") == "approvals"
    if form.validate_on_submit():
        try:
            booking_changes.decline(item, current_user, form.reason.data)
        except BookingError as error:
            if error.status != 422:
                _refuse(error)
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            flash(_("Booking declined."), "success")
            return hx_redirect(
                on_approvals
                and url_for("homes.approvals", home_id=home.id)
                or url_for("homes.occurrence", home_id=home.id, occurrence_id=item.id)
            )
    # No reason (or too long): the same page again, the reason asked for, nothing changed.
    if on_approvals:
        return _approvals_page(home, form, item.id, 422)
    return _occurrence_page(home, item, _move_form(home, item), 422, decline_form=form)


def _approvals_page(home, decline_form=None, declining_id=None, status=200):
    return render_template(
        "homes/approvals.html",
        home=home,
        pending=services.pending_approvals(home),
        decline_form=decline_form or DeclineForm(),
        declining_id=declining_id,
        can_decide=booking.manages(current_user, home),
    ), status


@bp.get("/<int:home_id>/approvals")
@role_required(*STAFF)
def approvals(home_id: int):
    return _approvals_page(home_or_404(home_id))


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/slots/<int:slot_id>")
@role_required(*STAFF)
def sign_up(home_id: int, occurrence_id: int, slot_id: int):
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    form = _slot_form(home)
    child_id = parse_id(form.child_id.data or "") if form.validate_on_submit() else None
    if child_id is None:
        # A child record, not free text: the call then counts for the child and is erased with it.
        abort(422, description=_("Choose a child of this home."))
    try:
        call_slots.sign_up_child(item, slot_id, "", current_user, child_id=child_id)
    except BookingError as error:
        _refuse(error)
    flash(_("Signed up."), "success")
    return _back_to(home, item)


@bp.post("/<int:home_id>/bookings/<int:occurrence_id>/slots/<int:slot_id>/clear")
@role_required(*STAFF)
def clear_slot(home_id: int, occurrence_id: int, slot_id: int):
    home = home_or_404(home_id)
    item = services.occurrence_of(home, occurrence_id)
    call_slots.clear_slot(item, slot_id)
    flash(_("Slot freed."), "success")
    return _back_to(home, item)


@bp.get("/outbox")
@role_required(ADMIN, COORDINATOR)
def outbox():
    """The outbox moved to the notifications blueprint; old links keep working."""
    return redirect(url_for("notifications.outbox"), code=301)

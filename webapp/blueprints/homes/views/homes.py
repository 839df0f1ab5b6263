"""Homes and their rooms."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes import opening_hours, services
from webapp.blueprints.homes.booking import BookingError
from webapp.blueprints.homes.forms import (
    HomeForm,
    NewRoomForm,
    RoomForm,
)
from webapp.blueprints.homes.views import STAFF, bp
from webapp.blueprints.homes.views.common import home_or_404
from webapp.htmx import hx_redirect
from webapp.models import Home
from webapp.models.accounts import ADMIN, COORDINATOR
from webapp.security import role_required


@bp.get("/")
@role_required(*STAFF)
def index():
    return render_template("homes/index.html", homes=services.visible_homes(current_user))


def _home_form(home: Home | None) -> HomeForm:
    form = HomeForm(obj=home)
    form.place_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(p.id), p.full_name) for p in services.place_choices()
    ]
    form.managers.choices = [
        SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in services.manager_candidates()
    ]
    if request.method == "GET" and home is not None:
        form.place_id.data = str(home.place_id) if home.place_id else ""
        form.managers.data = [str(m.id) for m in home.managers]
    return form


def _save_home(home: Home | None, form: HomeForm):
    may_assign = services.sees_all_homes(current_user)
    try:
        return services.save_home(
            home,
            name=form.name.data,
            place_id=int(form.place_id.data) if form.place_id.data else None,
            address=form.address.data or "",
            lat=form.lat.data,
            lon=form.lon.data,
            timezone=form.timezone.data,
            notes=form.notes.data or "",
            manager_ids=[int(i) for i in form.managers.data or []] if may_assign else None,
        ), 200
    except BookingError as error:
        getattr(form, error.field or "name").errors.append(error.message)
        return None, error.status


@bp.route("/new", methods=["GET", "POST"])
@role_required(ADMIN, COORDINATOR)
def new_home():
    form = _home_form(None)
    status = 200
    if form.validate_on_submit():
        home, status = _save_home(None, form)
        if home is not None:
            flash(_("Home created."), "success")
            return hx_redirect(url_for("homes.detail", home_id=home.id))
    elif request.method == "POST":
        status = 422
    return render_template("homes/home_form.html", form=form, home=None, may_assign=True), status


@bp.route("/<int:home_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_home(home_id: int):
    home = home_or_404(home_id)
    form = _home_form(home)
    may_assign = services.sees_all_homes(current_user)
    status = 200
    if form.validate_on_submit():
        saved, status = _save_home(home, form)
        if saved is not None:
            flash(_("Home saved."), "success")
            return hx_redirect(url_for("homes.detail", home_id=home.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "homes/home_form.html", form=form, home=home, may_assign=may_assign
    ), status


@bp.post("/<int:home_id>/rooms")
@role_required(*STAFF)
def add_room(home_id: int):
    home = home_or_404(home_id)
    form = NewRoomForm()
    if not form.validate_on_submit():
        return _detail_page(home, form, 422)
    services.add_room(
        home,
        name=form.name.data,
        kind=form.kind.data,
        capacity=form.capacity.data,
        bookable=form.bookable.data,
        requires_approval=form.requires_approval.data,
    )
    flash(_("Room added."), "success")
    return hx_redirect(url_for("homes.detail", home_id=home.id))


@bp.get("/<int:home_id>")
@role_required(*STAFF)
def detail(home_id: int):
    return _detail_page(home_or_404(home_id), NewRoomForm(formdata=None))


def _detail_page(home: Home, room_form: NewRoomForm, status: int = 200):
    return render_template(
        "homes/detail.html",
        home=home,
        timetables=opening_hours.timetables(home),
        pending=services.pending_approvals(home),
        room_forms={
            room.id: RoomForm(formdata=None, obj=room, prefix=f"room{room.id}")
            for room in home.rooms
        },
        room_form=room_form,
        today=av.to_local_today(home),
    ), status


@bp.post("/<int:home_id>/rooms/<int:room_id>")
@role_required(*STAFF)
def update_room(home_id: int, room_id: int):
    home = home_or_404(home_id)
    room = services.room_of(home, room_id)
    form = RoomForm(prefix=f"room{room.id}")
    affected, status = [], 200
    if form.validate_on_submit():
        try:
            services.update_room(
                room,
                current_user,
                name=form.name.data,
                capacity=form.capacity.data,
                bookable=form.bookable.data,
                requires_approval=form.requires_approval.data,
                cancel_affected=request.form.get("cancel_affected") == "1",
                calls_at_once=form.calls_at_once.data,
            )
        except services.AffectsBookings as asked:
            affected, status = asked.occurrences, 409
    else:
        status = 422
    return render_template(
        "homes/_room_row.html",
        home=home,
        room=room,
        form=form,
        affected=affected,
        saved=status == 200,
    ), status

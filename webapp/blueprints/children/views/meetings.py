"""Guardian meetings and the monthly 留守儿童会, recorded afterwards with who came."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp import clock
from webapp.blueprints.children import access, meetings
from webapp.blueprints.children.views import bp
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.htmx import hx_redirect
from webapp.inputs import parse_date, parse_id
from webapp.models import Home
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER
from webapp.models.child_care import MEETING_KINDS
from webapp.security import role_required

STAFF = (ADMIN, COORDINATOR, HOME_MANAGER)


@bp.get("/meetings")
@role_required(*STAFF)
def meetings_index():
    return render_template(
        "children/meetings.html", meetings=meetings.meetings_seen_by(current_user)
    )


def _homes():
    query = select(Home).order_by(*Home.by_name())
    if not access.sees_all(current_user):
        query = query.where(Home.id.in_(access.managed_home_ids(current_user) or [-1]))
    return list(db.session.scalars(query))


@bp.route("/meetings/new", methods=["GET", "POST"])
@role_required(*STAFF)
def meeting_new():
    values = request.form if request.method == "POST" else request.args
    home_id = parse_id(values.get("home_id"))
    school = (values.get("school") or "").strip()[:100]
    children = meetings.invitable(current_user, home_id, school)
    errors: dict[str, str] = {}
    if request.method == "POST":
        attendance = {
            c.id: (values.get(f"child_{c.id}") == "y", values.get(f"guardian_{c.id}") == "y")
            for c in children
        }
        try:
            try:
                held_on = parse_date(values.get("held_on"))
            except ValueError as error:
                raise RuleError("held_on", _("Enter a date.")) from error
            made = meetings.record_meeting(
                current_user,
                kind=values.get("kind", ""),
                home_id=home_id,
                school=school,
                held_on=held_on,
                title=values.get("title", ""),
                note=values.get("note", ""),
                attendance=attendance,
            )
        except RuleError as error:
            errors[error.field] = error.message
        else:
            flash(
                _("Meeting recorded with %(num)d attending.", num=len(made.attendance)),
                "success",
            )
            return hx_redirect(url_for("children.meetings_index"))
    return render_template(
        "children/meeting_form.html",
        homes=_homes(),
        kinds=MEETING_KINDS,
        children=children,
        values=values,
        home_id=home_id,
        school=school,
        errors=errors,
        today=clock.today(),
    ), (422 if errors else 200)

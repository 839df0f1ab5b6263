"""Copy a programme to a new term: a form, the preview of what it books and leaves out, then
the copy itself (POST), which books everything in one transaction."""

from __future__ import annotations

from datetime import date

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.planning import copying
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.views import bp
from webapp.htmx import hx_redirect
from webapp.inputs import parse_date
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


def _date(text: str | None) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None  # refused with the reason by the service ("give the first and last day")


def _asked(values) -> tuple[str, date | None, date | None]:
    return (
        (values.get("name") or "").strip(),
        _date(values.get("starts_on")),
        _date(values.get("ends_on")),
    )


@bp.route("/programmes/<int:programme_id>/copy", methods=["GET", "POST"])
@role_required(COORDINATOR)
def copy_programme(programme_id: int):
    """GET: the new name and dates, and with them the preview; POST: make the copy."""
    source = svc.programme_or_404(programme_id)
    values = request.form if request.method == "POST" else request.args
    name, starts_on, ends_on = _asked(values)
    preview, error, status = None, None, 200
    if request.method == "POST":
        try:
            programme, done = copying.copy(source, name, starts_on, ends_on, current_user)
        except PlanningError as refused:
            error, status = refused, refused.status
        else:
            flash(_("Copied: %(name)s is a draft, ready to solve.", name=programme.name), "success")
            for s in done.left_out:
                flash(
                    _("Not copied (no date can be booked): %(title)s.", title=s.event.title),
                    "warning",
                )
            return hx_redirect(url_for("planning.programme", programme_id=programme.id))
    elif "name" in values:
        try:
            preview = copying.preview(source, name, starts_on, ends_on)
        except PlanningError as refused:
            error, status = refused, refused.status
    if "name" not in values:
        name, starts_on, ends_on = copying.default_copy(source)
    return render_template(
        "planning/copy.html",
        source=source,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        preview=preview,
        error=error,
    ), status

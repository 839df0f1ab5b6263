"""/me/schedule and what hangs off it: withdraw, swap, hours export, one-event .ics, feed link."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.blueprints.feeds import ical, tokens
from webapp.blueprints.feeds.services import from_commitment
from webapp.blueprints.opportunities import dates, signups, swaps
from webapp.blueprints.opportunities.contacts import contact_text, contacts_for
from webapp.blueprints.opportunities.signups import SignupError
from webapp.blueprints.schedule import changes, services
from webapp.blueprints.volunteers.services import profile_of
from webapp.core.commitments import commitments
from webapp.core.lookup import found_or_404
from webapp.core.spreadsheets import SPREADSHEET_MIMES, attachment
from webapp.extensions import db
from webapp.inputs import parse_id
from webapp.models.accounts import VOLUNTEER
from webapp.offline import keep_offline
from webapp.security import role_required

bp = Blueprint("schedule", __name__, url_prefix="/me")


@bp.record_once
def _hear_other_features(state) -> None:
    """Connect this blueprint's receivers of webapp/core/signals.py when it joins an app."""
    changes.connect_receivers()


def _volunteer():
    volunteer = profile_of(current_user)
    if volunteer is None:
        abort(
            404,
            description=_(
                "You have no volunteer profile yet. Ask a coordinator to link your account to one."
            ),
        )
    return volunteer


# A weekly tutor has a whole term of dates: the page shows the next ones, "show all" the rest
# (the calendar feed carries them all).
UPCOMING_SHOWN = 10


def _page(status: int = 200, error: SignupError | None = None):
    volunteer = _volunteer()
    entries = commitments([volunteer.id])  # every date: the schedule and the hours read them
    cutoff = signups.cutoff_hours()
    rows, past = services.schedule_of(volunteer, cutoff, entries)
    # Cancelled and skipped dates fold away, uncounted: "coming up" is where one goes.
    upcoming = [row for row in rows if not row.entry.cancelled]
    called_off = [row for row in rows if row.entry.cancelled]
    more = services.extras(volunteer)
    incoming, outgoing = swaps.offers_for(volunteer, more.offer_ids)
    by_month, by_year = services.hours_summary(services.served(volunteer, entries=entries))
    row = tokens.ensure("volunteer", volunteer.id, current_user, more.token)
    return render_template(
        "schedule/index.html",
        volunteer=volunteer,
        upcoming=upcoming if request.args.get("all") == "1" else upcoming[:UPCOMING_SHOWN],
        upcoming_total=len(upcoming),
        called_off=called_off,
        past=past,
        waitlisted=more.waitlisted,
        position=signups.waitlist_position,
        incoming=incoming,
        offered=swaps.described(incoming),
        outgoing={(s.assignment_id, s.occurrence_id or 0): s for s in outgoing},
        by_month=by_month,
        by_year=by_year,
        feed_url=tokens.feed_url(row),
        cutoff_hours=cutoff,
        error=error,
        this_year=clock.today().year,
        teams=more.teams,
        # Shown only on the copy kept for reading offline (webapp/offline.py).
        as_of=clock.now().strftime("%Y-%m-%d %H:%M"),
    ), status


@bp.get("/schedule")
@role_required(VOLUNTEER)
def index():
    body, status = _page()
    return keep_offline(make_response(body, status), current_user.id)


SERVICE_WORKER = (Path(__file__).resolve().parents[2] / "static" / "schedule-sw.js").read_text()


@bp.get("/sw.js")
def service_worker():
    """The worker that keeps My schedule readable offline (webapp/offline.py). Served here, not
    under /static/, because a worker's scope is at most its own folder: /me/. Public: it is code,
    and the browser checks it for updates with or without a log-in."""
    response = Response(SERVICE_WORKER, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _refused(error: SignupError):
    if error.status == 404:
        abort(404, description=error.message)
    db.session.rollback()
    return _page(error.status, error)


@bp.post("/assignments/<int:assignment_id>/withdraw")
@role_required(VOLUNTEER)
def withdraw(assignment_id: int):
    volunteer = _volunteer()
    try:
        assignment = signups.own_assignment(volunteer, assignment_id)
        was_waiting = assignment.is_waitlisted
        signups.withdraw(assignment, current_user)
    except SignupError as error:
        return _refused(error)
    flash(
        _("You have left the waitlist.")
        if was_waiting
        else _("You have withdrawn. Thank you for telling us in time."),
        "success",
    )
    return redirect(url_for("schedule.index"), code=303)


@bp.post("/assignments/<int:assignment_id>/skip")
@role_required(VOLUNTEER)
def skip_date(assignment_id: int):
    """Not coming on one date of a weekly assignment; the other dates stay."""
    volunteer = _volunteer()
    try:
        assignment = signups.own_assignment(volunteer, assignment_id)
        entry = dates.skip(assignment, parse_id(request.form.get("occurrence_id")), current_user)
    except SignupError as error:
        return _refused(error)
    flash(
        _(
            "You are not coming on %(day)s; the other dates stay yours. We told %(contact)s.",
            day=entry.first_day.isoformat(),
            contact=contact_text(contacts_for(assignment)),
        ),
        "success",
    )
    return redirect(url_for("schedule.index"), code=303)


@bp.post("/assignments/<int:assignment_id>/swap")
@role_required(VOLUNTEER)
def offer_swap(assignment_id: int):
    """Ask a colleague to take over (every date, or one date). The answer is the same whoever
    the contact belongs to, or none: it tells nothing about other people."""
    volunteer = _volunteer()
    try:
        assignment = signups.own_assignment(volunteer, assignment_id)
        swaps.offer(
            assignment,
            request.form.get("contact", ""),
            request.form.get("note", ""),
            parse_id(request.form.get("occurrence_id")),
        )
    except SignupError as error:
        return _refused(error)
    flash(
        _(
            "Offer sent. If this person has an account, they have been asked; it stays yours until they accept."
        ),
        "success",
    )
    return redirect(url_for("schedule.index"), code=303)


@bp.post("/assignments/<int:assignment_id>/swap/take-back")
@role_required(VOLUNTEER)
def take_back_swap(assignment_id: int):
    """Withdraw one's pending offer of the assignment (or of its one date)."""
    volunteer = _volunteer()
    try:
        assignment = signups.own_assignment(volunteer, assignment_id)
        swaps.cancel(
            swaps.pending_offer_of(assignment, parse_id(request.form.get("occurrence_id")))
        )
    except SignupError as error:
        return _refused(error)
    flash(_("Offer withdrawn."), "success")
    return redirect(url_for("schedule.index"), code=303)


@bp.post("/swaps/<int:swap_id>/<any(accept, decline, cancel):decision>")
@role_required(VOLUNTEER)
def decide_swap(swap_id: int, decision: str):
    volunteer = _volunteer()
    try:
        if decision == "cancel":
            swaps.cancel(swaps.outgoing_offer(volunteer, swap_id))
            flash(_("Offer withdrawn."), "success")
        elif decision == "decline":
            swaps.decline(swaps.incoming_offer(volunteer, swap_id))
            flash(_("Declined. We told your colleague."), "success")
        else:
            swaps.accept(swaps.incoming_offer(volunteer, swap_id), current_user)
            flash(_("It is yours now, and in your schedule."), "success")
    except SignupError as error:
        return _refused(error)
    return redirect(url_for("schedule.index"), code=303)


@bp.post("/calendar/rotate")
@role_required(VOLUNTEER)
def rotate_feed():
    volunteer = _volunteer()
    tokens.rotate("volunteer", volunteer.id, current_user)
    flash(
        _("New link made; the old one no longer works. Subscribe again with the new link."),
        "success",
    )
    return redirect(url_for("schedule.index") + "#calendar-feed", code=303)


@bp.get("/schedule/hours.<any(csv, xlsx):fmt>")
@role_required(VOLUNTEER)
def hours(fmt: str):
    volunteer = _volunteer()
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        year = None
    body = services.hours_export(volunteer, fmt, year)
    return attachment(body, SPREADSHEET_MIMES[fmt], f"volunteer-hours-{year or 'all'}.{fmt}")


@bp.get("/schedule/<string:key>.ics")
@role_required(VOLUNTEER)
def event_ics(key: str):
    """One commitment as a calendar file (key: "o12-n3" for a session date, "p7" for a post)."""
    volunteer = _volunteer()
    entry = found_or_404(next((e for e in commitments([volunteer.id]) if e.key == key), None))
    event = from_commitment(entry)
    body = ical.build(entry.title, [event])
    return keep_offline(attachment(body, "text/calendar", f"shouwang-{key}.ics"), current_user.id)

"""The outbox page for coordinators: what waits, what went, what failed and why (China time)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import periodic
from webapp.blueprints.auth.registration import RELATED_TYPE as REGISTRATION_TYPE
from webapp.blueprints.notifications import commands, sms_delivery
from webapp.blueprints.notifications.delivery import SmtpSettings, retry_now, send_outbox
from webapp.blueprints.notifications.reminders import send_reminders_and_commit
from webapp.core import sms
from webapp.core.lookup import get_or_404
from webapp.models import OutboxMessage
from webapp.models.accounts import ADMIN, COORDINATOR
from webapp.models.notifications import OUTBOX_STATUSES
from webapp.pagination import paginate
from webapp.periodic import PeriodicJob
from webapp.security import role_required

# cli_group=None: its commands keep top-level names (`flask --app webapp.app send-outbox`).
bp = Blueprint("notifications", __name__, url_prefix="/notifications", cli_group=None)
bp.cli.add_command(commands.send_outbox_command)
bp.cli.add_command(commands.send_reminders_command)
bp.cli.add_command(commands.pull_sms_reports_command)


@bp.record_once
def _register_jobs(state) -> None:
    # The outbox by e-mail and SMS (nothing happens while neither is set up); each message is claimed,
    # so several workers never send one twice.
    periodic.register(state.app, PeriodicJob("send-outbox", 60, send_outbox))
    # Day-before and overdue-duty reminders; written once each, so hourly is safe.
    periodic.register(state.app, PeriodicJob("send-reminders", 3600, send_reminders_and_commit))
    # Delivery reports of the SMS sent lately (nothing happens while SMS is not configured).
    periodic.register(state.app, PeriodicJob("pull-sms-reports", 600, sms_delivery.pull_reports))


# Messages whose link lets the reader act as the addressee (finishing a registration): staff see
# that they exist and whether they went out, never their text.
PRIVATE_TYPES = frozenset({REGISTRATION_TYPE})


@bp.app_template_global()
def outbox_report_label(report: str) -> str:
    return {
        "waiting": _("Delivery report awaited"),
        "delivered": _("Delivered to the phone"),
        "undelivered": _("Not delivered"),
    }.get(report, report)


@bp.app_template_global()
def outbox_body_is_private(message: OutboxMessage) -> bool:
    return message.related_type in PRIVATE_TYPES


@bp.get("/outbox")
@role_required(ADMIN, COORDINATOR)
def outbox():
    status = request.args.get("status", "")
    if status not in OUTBOX_STATUSES:
        status = ""
    query = select(OutboxMessage)
    if status:
        query = query.where(OutboxMessage.status == status)
    result = paginate(
        query, request.args.get("page", 1, type=int), (OutboxMessage.id.desc(),), per_page=50
    )
    return render_template(
        "notifications/outbox.html",
        result=result,
        status=status,
        statuses=OUTBOX_STATUSES,
        smtp_configured=bool(SmtpSettings.from_app().host),
        to_log=bool(current_app.config.get("OUTBOX_TO_LOG")),
        sms_configured=sms.configured(),
        sms_today=sms_delivery.sent_today(),
        sms_month=sms_delivery.sent_this_month(),
        sms_cap=sms_delivery.daily_cap(),
    )


@bp.post("/outbox/<int:message_id>/retry")
@role_required(ADMIN, COORDINATOR)
def retry(message_id: int):
    message = get_or_404(OutboxMessage, message_id)
    if not message.can_retry:
        abort(409, description=_("Only a failed message can be sent again."))
    retry_now(message)
    flash(_("The message will be sent again."), "success")
    return redirect(
        url_for("notifications.outbox", status=request.args.get("status", "")), code=303
    )


MAX_DAILY_CAP = 100_000


@bp.post("/outbox/sms-cap")
@role_required(ADMIN)
def sms_cap():
    """An admin sets how many SMS may go out a day (the rest wait for the next day)."""
    raw = request.form.get("cap", "").strip()
    if not raw.isdigit() or int(raw) > MAX_DAILY_CAP:
        abort(422, description=_("Enter a whole number from 0 to %(most)d.", most=MAX_DAILY_CAP))
    sms_delivery.set_daily_cap(int(raw))
    flash(_("At most %(cap)s SMS a day from now on.", cap=int(raw)), "success")
    return redirect(url_for("notifications.outbox"), code=303)

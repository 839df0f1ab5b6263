"""`flask send-outbox`, `flask send-reminders` and `flask pull-sms-reports`: the same functions
the worker calls."""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import with_appcontext

from webapp.extensions import db


@click.command("send-outbox")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
@with_appcontext
def send_outbox_command(limit: int) -> None:
    """Deliver the due outbox messages by e-mail and SMS, once (JSON summary on stdout)."""
    from webapp.blueprints.notifications.delivery import send_outbox

    result = send_outbox(limit=limit)
    if not result.configured:
        click.echo(
            "Neither SMTP_HOST nor the SMS settings are set: nothing was sent; messages stay in"
            " the outbox.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(json.dumps(result.as_dict()))


@click.command("send-reminders")
@click.option("--date", "day", default=None, help="Run as if today were this date (YYYY-MM-DD).")
@with_appcontext
def send_reminders_command(day: str | None) -> None:
    """Write the day-before and overdue-duty reminders into the outbox (once each)."""
    from webapp.blueprints.notifications.reminders import send_reminders

    try:
        today = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
    result = send_reminders(today)
    db.session.commit()
    click.echo(json.dumps(result.as_dict()))


@click.command("pull-sms-reports")
@with_appcontext
def pull_sms_reports_command() -> None:
    """Ask the SMS provider for the delivery reports of the SMS sent lately (JSON on stdout)."""
    from webapp.blueprints.notifications.sms_delivery import pull_reports
    from webapp.core import sms

    if not sms.configured():
        click.echo(
            "SMS is not configured (SMS_ACCESS_KEY_ID, ...): no reports to ask for.", err=True
        )
        raise SystemExit(1)
    click.echo(json.dumps(pull_reports().as_dict()))

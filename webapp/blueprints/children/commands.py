"""`flask --app webapp.app coverage --month YYYY-MM --json`: the coverage report from a shell, the
same service as the page (one JSON object per home and line: counts only, no child named)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from webapp.blueprints.children import coverage
from webapp.extensions import db


@click.command("coverage")
@click.option("--month", default="", help="The month, YYYY-MM (default: the current month).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per home and line.")
@with_appcontext
def coverage_command(month: str, as_json: bool) -> None:
    """Children counted, reached by a talk, a call and a visit, and overdue, per home."""
    try:
        first = coverage.parse_month(month)
    except coverage.MonthError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    report = coverage.month_report(first)
    for home in report.homes:
        if as_json:
            click.echo(json.dumps({"home": home.name, **home.counts.as_dict()}, ensure_ascii=False))
        else:
            c = home.counts
            click.echo(
                f"{home.township or '-'}\t{home.name}\tchildren {c.children}\ttalk {c.talk}"
                f"\tcall {c.call}\tvisit {c.visit}\toverdue {c.overdue}"
            )


@click.command("close-coverage")
@click.option("--month", required=True, help="The month, YYYY-MM (an ended one).")
@with_appcontext
def close_coverage_command(month: str) -> None:
    """Store a month's coverage counts as reported (later erasures leave them as they are)."""
    from webapp.blueprints.children import reported

    try:
        first = coverage.parse_month(month)
        stored = reported.close_month(first)
    except coverage.MonthError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    db.session.commit()
    text = first.strftime("%Y-%m")
    click.echo(f"{text}: counts stored." if stored else f"{text}: already stored; unchanged.")

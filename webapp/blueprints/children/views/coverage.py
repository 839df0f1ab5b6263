"""Coverage for the county: the page (table, six months' chart, the overdue list) and its XLSX."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.blueprints.children import (
    coverage,
    coverage_chart,
    coverage_export,
    coverage_overdue,
    reported,
)
from webapp.blueprints.children.views import bp
from webapp.core.spreadsheets import XLSX_MIME, attachment, to_xlsx
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER
from webapp.security import role_required


def _month_arg():
    try:
        return coverage.parse_month(request.args.get("month"))
    except coverage.MonthError as error:
        abort(400, description=str(error))


def _reach_labels() -> dict[str, str]:
    return {"talk": _("Talk"), "call": _("Call"), "visit": _("Visit")}


@bp.get("/coverage")
@role_required(COORDINATOR, ADMIN, HOME_MANAGER)
def coverage_page():
    """Per township, home and school: counted, reached this month, overdue; six months."""
    month = _month_arg()
    today = clock.today()
    user = current_user._get_current_object()
    scope = coverage.scope_of(user)
    report, history = coverage.with_history(month, scope, today)
    overdue, overdue_total = [], 0
    if user.has_role(COORDINATOR):
        overdue, overdue_total = coverage_overdue.overdue_children(report.as_of, scope)
    this_month = today.replace(day=1)
    return render_template(
        "children/coverage.html",
        report=report,
        chart=coverage_chart.build(history),
        history=history,
        overdue=overdue,
        overdue_total=overdue_total,
        show_overdue=user.has_role(COORDINATOR),
        previous=coverage.previous_month(month),
        following=coverage.next_month(month) if month < this_month else None,
        this_month=this_month,
        reach_labels=_reach_labels(),
        chart_colours=coverage_chart.COLOURS,
        card_endpoint="children.card_page",
    )


@bp.get("/coverage.xlsx")
@role_required(COORDINATOR, ADMIN, HOME_MANAGER)
def coverage_xlsx():
    """The same counts, Chinese headers, no child named; written to the access log."""
    month = _month_arg()
    user = current_user._get_current_object()
    if coverage.is_over(month):
        # The report of an ended month goes out: its counts are stored as reported.
        reported.close_month(month, user)
    report = coverage.month_report(month, coverage.scope_of(user))
    coverage_export.log_export(user, month)
    body = to_xlsx(
        coverage_export.EXPORT_HEADER, coverage_export.export_rows(report), sheet="覆盖情况"
    )
    name = f"留守儿童关爱覆盖-{month.strftime('%Y-%m')}.xlsx"
    return attachment(body, XLSX_MIME, name, fallback=f"coverage-{month.strftime('%Y-%m')}.xlsx")

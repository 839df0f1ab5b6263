"""The coverage report as a file: Chinese headers and counts only (no child is named in it), and
the access log entry every export leaves."""

from __future__ import annotations

from datetime import date

from webapp.blueprints.children import access
from webapp.blueprints.children.coverage import Counts, MonthReport
from webapp.models import User

# Chinese headers, counts only: no child is named in the file.
EXPORT_HEADER = (
    "月份",
    "层级",
    "乡镇",
    "留守儿童之家",
    "学校",
    "统计儿童数",
    "本月谈心",
    "本月通话（含亲情视频）",
    "本月家访",
    "有逾期事项",
)
NO_TOWNSHIP, NO_SCHOOL = "（未归属乡镇）", "（未填学校）"


def export_rows(report: MonthReport) -> list[list]:
    """One row per township, home (under its township) and school (across homes), and the
    total; names of places, numbers."""
    month = report.month.strftime("%Y-%m")

    def row(level: str, township: str, home: str, school: str, c: Counts) -> list:
        return [
            month,
            level,
            township,
            home,
            school,
            c.children,
            c.talk,
            c.call,
            c.visit,
            c.overdue,
        ]

    rows = []
    for township in report.townships:
        place = township.name or NO_TOWNSHIP
        rows.append(row("乡镇", place, "", "", township.counts))
        for home in township.homes:
            rows.append(row("之家", place, home.name, "", home.counts))
    for school in report.schools:
        rows.append(row("学校", "", "", school.school or NO_SCHOOL, school.counts))
    rows.append(row("全县合计", "", "", "", report.total))
    return rows


def log_export(user: User, month: date) -> None:
    """The access log keeps every export: many children, so no child."""
    access.log_access(None, "export", f"coverage {month.strftime('%Y-%m')}", user=user)

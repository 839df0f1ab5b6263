"""The one source of "now" and "today": China time (Asia/Shanghai), whatever the server's zone.

The app, the demo data and the tests all ask here, so that a date such as "expires today" means
the same thing to the page, the rule and the test at 23:30 UTC. Times are stored in UTC
(`utcnow`); dates a person sees or types are China dates (`today`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current instant, aware, in UTC (what the database stores)."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current instant, aware, in China time."""
    return datetime.now(CHINA)


def today() -> date:
    """Today's date in China."""
    return now().date()


def to_china(moment: datetime) -> datetime:
    """An aware instant shown in China time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware datetime")
    return moment.astimezone(CHINA)

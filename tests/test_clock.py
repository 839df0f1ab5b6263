"""One source of "today": China time, whatever the machine's zone and the hour in UTC.

The bug this guards against: factories used `date.today()` (the machine's date) while the app used
China time, so a dashboard test failed every day from 16:00 to 24:00 UTC. Here the machine's clock
and zone are moved (time-machine sets both) and a date-sensitive page is checked at each.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests import factories
from tests.conftest import AuthActions
from webapp import clock

ROOT = Path(__file__).resolve().parent.parent
ZONES = ["UTC", "Etc/GMT+12", "Etc/GMT-14", "America/Los_Angeles"]
UTC_HOURS = [time(3, 0), time(16, 30), time(23, 30)]


def _instant(hour: time, zone: str) -> datetime:
    today = datetime.now(UTC).date()
    return datetime.combine(today, hour, tzinfo=UTC).astimezone(ZoneInfo(zone))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("hour", UTC_HOURS, ids=lambda t: t.strftime("%H%M") + "UTC")
def test_today_is_the_china_date_at_any_hour_in_any_machine_zone(zone, hour):
    moment = _instant(hour, zone)
    with time_machine.travel(moment, tick=False):
        assert clock.today() == moment.astimezone(clock.CHINA).date()
        assert clock.now().utcoffset() == timedelta(hours=8)
        assert clock.utcnow() == moment


@pytest.mark.parametrize("zone", ["Etc/GMT+12", "Etc/GMT-14"])
@pytest.mark.parametrize("hour", [time(16, 30), time(23, 30)], ids=["1630UTC", "2330UTC"])
def test_overdue_duties_count_the_same_days_at_any_hour_in_any_zone(app, zone, hour):
    """Factories and the page agree on "today" (this test failed from 16:00 to 24:00 UTC)."""
    with time_machine.travel(_instant(hour, zone), tick=False):
        user = factories.user(roles=["volunteer"])
        client = app.test_client()
        assert AuthActions(client).login(user.email).status_code == 303
        profile = factories.volunteer(kind="surrogate_parent", user=user)
        factories.pairing(volunteer=profile, child=factories.child(pseudonym="小雨"))
        fine = factories.pairing(volunteer=profile, child=factories.child(pseudonym="小林"))
        factories.care_log(pairing=fine, kind="talk", happened_on=clock.today())
        factories.care_log(pairing=fine, kind="visit", happened_on=clock.today())
        body = client.get("/dashboard").get_data(as_text=True)
    assert "谈心逾期：60 天" in body and "按时" in body


def test_nothing_reads_the_machines_date_or_zone():
    """`date.today()`, naive `datetime.now()` and friends give the machine's date: use webapp.clock."""
    forbidden = re.compile(
        r"date\.today\(\)|datetime\.(now|today)\(\s*\)|datetime\.utcnow|time\.localtime|"
        r"\.astimezone\(\s*\)|fromtimestamp\("
    )
    found = []
    for folder in ("webapp", "tests", "migrations"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "clock.py" or path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if forbidden.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []

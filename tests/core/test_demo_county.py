"""The demo county's shared facts: the summer it plans for, and the login page's hint."""

from __future__ import annotations

from datetime import date

from webapp.core.demo_county import DEMO_MARKER, demo_logins_visible, next_summer
from webapp.models import Setting


def test_the_demo_summer_is_this_years_until_june_then_next_years():
    assert next_summer(date(2027, 6, 30)) == (date(2027, 7, 10), date(2027, 8, 25))
    assert next_summer(date(2027, 7, 1)) == (date(2028, 7, 10), date(2028, 8, 25))


def test_the_demo_log_ins_show_only_while_the_demo_county_is_loaded(app):
    assert demo_logins_visible() == []
    Setting.put(DEMO_MARKER, "1")
    assert [email for email, _role in demo_logins_visible()][:2] == [
        "admin@example.org",
        "coordinator@example.org",
    ]

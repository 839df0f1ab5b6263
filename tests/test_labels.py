"""Labels of stored codes come from tables translated once per language (webapp.labels): they
must follow the request's language, and force_locale (e-mails in the recipient's language)."""

from __future__ import annotations

from flask_babel import force_locale

from webapp import labels


def test_labels_follow_the_language_of_the_moment(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert labels.role_label("volunteer") == "Volunteer"
        assert labels.weekday_label(0) == "Monday"
        with force_locale("zh_CN"):
            assert labels.role_label("volunteer") == str(labels.ROLE_LABELS["volunteer"])
            assert labels.role_label("volunteer") != "Volunteer"
            assert labels.weekday_label(0) == str(labels.WEEKDAY_LABELS[0]) != "Monday"
        assert labels.role_label("volunteer") == "Volunteer"


def test_labels_in_chinese(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert labels.weekday_label(6) == str(labels.WEEKDAY_LABELS[6]) != "Sunday"
        assert labels.kind_label("teacher") == str(labels.VOLUNTEER_KIND_LABELS["teacher"])
        assert labels.kind_label("teacher") != "Teacher"


def test_unknown_and_empty_codes(app):
    with app.test_request_context("/"):
        assert labels.kind_label("astronaut") == "astronaut"
        assert labels.kind_label("") == ""
        assert labels.age_group_label(None) == ""


def test_a_clearance_reads_with_its_date_in_the_language_of_the_moment(app):
    from datetime import timedelta

    from webapp import clock
    from webapp.models import Volunteer

    volunteer = Volunteer(vetting_status="cleared", expires_on=clock.today() + timedelta(days=30))
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        until = volunteer.expires_on.isoformat()
        assert labels.vetting_label(volunteer) == f"Cleared until {until}"
        with force_locale("zh_CN"):
            assert labels.vetting_label(volunteer) != f"Cleared until {until}"
            assert until in labels.vetting_label(volunteer)


def test_lists_are_joined_as_each_language_writes_them(app):
    with force_locale("zh_CN"):
        assert labels.join_list(["甲", "乙", "丙"]) == "甲、乙、丙"
    with force_locale("en"):
        assert labels.join_list(["Ann", "Bo"]) == "Ann, Bo"
        assert labels.join_list([]) == ""


def test_a_one_day_range_is_printed_once():
    from datetime import date

    day = date(2027, 7, 6)
    assert labels.date_span(day, day) == "2027-07-06"
    assert labels.date_span(day, date(2027, 7, 12)) == "2027-07-06–2027-07-12"
    assert labels.date_span(day, date(2027, 7, 12), " – ") == "2027-07-06 – 2027-07-12"
    assert labels.date_span(None, day) == ""


def test_china_time_reads_a_utc_instant_in_china(app):
    from datetime import UTC, datetime

    assert labels.china_time(datetime(2026, 12, 21, 16, 50, tzinfo=UTC)) == "2026-12-22 00:50"

"""A cancelled or moved date reaches exactly the volunteers committed to it: homes signals the
change, schedule's receivers write the messages (webapp/core/signals.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp.blueprints.homes import booking_changes
from webapp.blueprints.homes import services as homes
from webapp.clock import CHINA, today
from webapp.core import signals
from webapp.extensions import db
from webapp.models import OutboxMessage


@pytest.fixture
def admin(app):
    return factories.user(roles=("admin",))


@pytest.fixture
def english(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def _told() -> list[tuple[str, str]]:
    """(address, subject) of every message to a volunteer, in the order written."""
    rows = db.session.execute(
        select(OutboxMessage.to_address, OutboxMessage.subject)
        .where(OutboxMessage.related_type == "occurrence")
        .order_by(OutboxMessage.id)
    )
    return [tuple(row) for row in rows]


def _a_date_with_people():
    """A date with one committed volunteer and three who are not: waitlisted, withdrawn before
    ever being confirmed, and committed to another date."""
    need, occurrence = factories.open_need(title="绘本阅读会", max_headcount=5)
    coming = factories.volunteer_with_login()
    factories.assignment(coming, need_id=need.id, occurrence_id=occurrence.id)
    for status in ("waitlisted", "withdrawn"):
        factories.assignment(
            factories.volunteer_with_login(),
            need_id=need.id,
            occurrence_id=occurrence.id,
            status=status,
        )
    other_need, other_date = factories.open_need(title="手工课")
    factories.assignment(
        factories.volunteer_with_login(), need_id=other_need.id, occurrence_id=other_date.id
    )
    db.session.commit()
    return occurrence, coming


def test_cancelling_a_date_tells_only_the_volunteer_committed_to_it(english, admin):
    occurrence, coming = _a_date_with_people()
    booking_changes.cancel(occurrence, admin, "下雨")
    assert _told() == [(coming.user.email, "已取消：绘本阅读会")]


def test_moving_a_date_tells_the_same_volunteer_once(english, admin):
    occurrence, coming = _a_date_with_people()
    day = occurrence.starts_at.astimezone(CHINA).date() + timedelta(days=1)
    booking_changes.move(occurrence, day, 10 * 60, 11 * 60, admin)
    assert _told() == [(coming.user.email, "时间变更：绘本阅读会")]


def test_a_closure_over_a_date_tells_the_volunteer_committed_to_it(english, admin):
    occurrence, coming = _a_date_with_people()
    day = occurrence.starts_at.astimezone(CHINA).date()
    home = occurrence.room.home
    homes.add_closure(home, admin, day, day, "停电", cancel_affected=True)
    assert _told() == [(coming.user.email, "已取消：绘本阅读会")]
    assert "停电" in db.session.scalar(select(OutboxMessage.body))


def test_cancelling_a_series_tells_a_published_plans_weekly_tutor_once_per_date(english, admin):
    home = factories.home()
    first = today() + timedelta(days=(7 - today().weekday()) % 7 or 7)  # next Monday
    dates = []
    for week in range(3):
        starts = datetime.combine(first + timedelta(weeks=week), time(16), CHINA).astimezone(UTC)
        dates.append(
            factories.booking(home.rooms[0], starts, starts + timedelta(hours=1), title="数学辅导")
        )
    for other in dates[1:]:
        other.event_id = dates[0].event_id
    need, _ = factories.open_need(home)  # only for its Need row, moved onto the series below
    need.event_id = dates[0].event_id
    tutor = factories.volunteer_with_login()
    programme = factories.programme(
        kind="tutoring", starts_on=first, ends_on=first + timedelta(weeks=4)
    )
    factories.assignment(tutor, plan=factories.plan(programme), need_id=need.id, weekday=0)
    db.session.commit()
    cancelled = booking_changes.cancel_series(dates[0].event, admin, "学期结束")
    assert len(cancelled) == 3
    assert _told() == [(tutor.user.email, "已取消：数学辅导")] * 3


def test_the_schedule_blueprint_hears_the_signals_once_the_app_exists(app):
    assert signals.occurrence_cancelled.has_receivers_for(object())
    assert signals.occurrence_moved.has_receivers_for(object())


def _closure_message_to(locale: str, english, admin) -> tuple[str, object]:
    """A one-day closure by an English-reading manager over a date a volunteer reading `locale`
    was coming to, at a home in 石门镇石门村: the body the volunteer gets, and the date."""
    occurrence, coming = _a_date_with_people()
    coming.user.locale = locale
    town = factories.place(name="石门镇", kind="township")
    home = occurrence.room.home
    home.name, home.place = "石门村留守儿童之家", factories.place(name="石门村", parent=town)
    db.session.commit()
    day = occurrence.starts_at.astimezone(CHINA).date()
    homes.add_closure(home, admin, day, day, "停电", cancel_affected=True)
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to_user_id == coming.user_id)
    )
    return body, day


def test_a_closure_message_names_the_place_and_the_day_once_in_chinese(english, admin):
    body, day = _closure_message_to("zh_CN", english, admin)
    written = f"{day.year}年{day.month}月{day.day}日"
    assert "绘本阅读会" in body and "地点：石门村留守儿童之家，石门镇石门村" in body
    assert (
        f"{written}周" in body
        and f"{written}周{'一二三四五六日'[day.weekday()]} 闭馆：停电" in body
    )
    assert body.count(written) == 2  # when, and the closure: a one-day range is written once
    assert "至" not in body and "Closed" not in body


def test_a_closure_message_to_an_english_reader_is_all_english(english, admin):
    body, day = _closure_message_to("en", english, admin)
    written = f"{day:%a}, {day:%b} {day.day}, {day.year}"
    assert f"Closed {written}: 停电" in body
    assert f"When: {written} " in body
    assert "Where: 石门村留守儿童之家, 石门镇石门村" in body
    rest = body.replace("石门村留守儿童之家", "").replace("石门镇石门村", "")
    rest = rest.replace("绘本阅读会", "").replace("停电", "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in rest), body


@pytest.mark.parametrize(
    ("locale", "now", "was"), [("zh_CN", "时间：", "原定："), ("en", "When: ", "It was: ")]
)
def test_a_moved_date_says_the_new_time_and_the_old_one(english, admin, locale, now, was):
    occurrence, coming = _a_date_with_people()
    coming.user.locale = locale
    db.session.commit()
    day = occurrence.starts_at.astimezone(CHINA).date() + timedelta(days=1)
    booking_changes.move(occurrence, day, 10 * 60, 11 * 60, admin)
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to_user_id == coming.user_id)
    )
    (new_line,) = [line for line in body.splitlines() if line.startswith(now)]
    (old_line,) = [line for line in body.splitlines() if line.startswith(was)]
    assert new_line.endswith(" 10:00–11:00") and old_line.endswith(" 09:00–10:30")
    assert str(day.day) in new_line

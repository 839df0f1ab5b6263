"""One date at a time: a weekly tutor skips one date or hands it to a colleague; "withdraw from
all its dates" stays, behind a confirmation; skipped and cancelled dates fold away."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.feeds.helpers import feed_token
from tests.conftest import AuthActions
from webapp.clock import CHINA, today
from webapp.extensions import db
from webapp.models import Assignment, AssignmentSkip, OutboxMessage, Setting, SwapOffer

WEEKS = 12  # more than the ten dates "coming up" shows at first


def _login(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 303
    return client


@pytest.fixture
def weekly(app):
    """李秀兰 tutors 阅读 every Tuesday for WEEKS weeks in a published plan at 石门之家."""
    coordinator = factories.user(roles=("coordinator",), name="周协调")
    manager = factories.user(roles=("home_manager",), name="吴老师")
    home = factories.home(managers=(manager,), name="石门之家")
    monday = today() + timedelta(days=7 - today().weekday())
    event = factories.series(home.rooms[0], first_date=monday, weekdays=(1,), count=WEEKS,
                             needs=({"skill": None},), title="阅读")  # fmt: skip
    programme = factories.programme(kind="tutoring", starts_on=monday,
                                    ends_on=monday + timedelta(weeks=WEEKS))  # fmt: skip
    tutor = factories.volunteer_with_login(name="李秀兰", phone="13700000001")
    assignment = factories.assignment(
        tutor,
        plan=factories.plan(programme, published_by=coordinator),
        need_id=event.needs[0].id,
        weekday=1,
    )
    db.session.commit()
    return tutor, assignment, event, manager, coordinator


def _dates(event):
    return sorted(event.occurrences, key=lambda o: o.starts_at)


def _skip(client, assignment, occurrence):
    return client.post(
        f"/me/assignments/{assignment.id}/skip", data={"occurrence_id": str(occurrence.id)}
    )


def test_skipping_one_date_keeps_the_others_and_folds_it_away(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    second = _dates(event)[1]
    client = _login(app, tutor.user)
    page = client.get("/me/schedule").text
    assert f"显示全部 {WEEKS} 个日期" in page
    assert _skip(client, assignment, second).status_code == 303
    page = client.get("/me/schedule").text
    assert f"显示全部 {WEEKS - 1} 个日期" in page  # the skipped date is not counted
    coming = page.split('id="upcoming-title"')[1].split('id="called-off"')[0]
    assert f"o{second.id}-" not in coming  # not among "coming up"
    folded = page.split('id="called-off"')[1].split("</details>")[0]
    assert "1 个已取消或不来的日期" in folded and f"o{second.id}-" in folded
    assert "本次不来" in folded
    db.session.expire_all()
    assert assignment.status == "confirmed"
    assert db.session.scalar(select(AssignmentSkip.reason)) == "skip"


def test_the_skipped_date_leaves_the_feed_and_the_coordinator_sees_the_gap(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    first, second = _dates(event)[:2]
    client = _login(app, tutor.user)
    token = feed_token(client)
    uid = f"v{tutor.id}-o{second.id}-n{event.needs[0].id}@shouwang"
    before = client.get(f"/feeds/{token}.ics").text
    _skip(client, assignment, second)
    feed = client.get(f"/feeds/{token}.ics").text
    assert feed != before
    block = feed.split(f"UID:{uid}")[1].split("END:VEVENT")[0]
    assert "STATUS:CANCELLED" in block  # calendars take it off
    other = feed.split(f"UID:v{tutor.id}-o{first.id}-")[1].split("END:VEVENT")[0]
    assert "STATUS:CONFIRMED" in other
    # The people to ask are told who is missing, where and when.
    told = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert manager.email in told and coordinator.email in told
    body = told[coordinator.email].body
    assert "李秀兰" in body and "13700000001" in body and "石门之家" in body and "阅读" in body
    local = second.starts_at.astimezone(CHINA)
    assert local.strftime("%Y-%m-%d") in told[coordinator.email].subject
    assert f"{local.year}年{local.month}月{local.day}日周二 16:00–17:30" in body
    # The home's session page and roster show the gap.
    staff = _login(app, manager)
    session = staff.get(f"/homes/{event.home_id}/bookings/{second.id}").text
    assert "缺 1 人" in session and "本次不来" in session and "李秀兰" in session
    assert "缺 1 人" not in staff.get(f"/homes/{event.home_id}/bookings/{first.id}").text


def test_skipping_after_the_cut_off_is_refused_naming_whom_to_ask(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    first = _dates(event)[0]
    Setting.put("withdrawal_cutoff_hours", str(10 * 24))  # the first Tuesday is within it
    db.session.commit()
    client = _login(app, tutor.user)
    entry = client.get("/me/schedule").text.split(f'id="entry-o{first.id}-')[1]
    assert 'id="skip-' not in entry.split("</li>")[0]
    response = _skip(client, assignment, first)
    assert response.status_code == 403 and "吴老师" in response.text
    assert db.session.scalar(select(AssignmentSkip)) is None


def test_skipping_twice_someone_elses_or_a_foreign_date_is_refused(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    second = _dates(event)[1]
    client = _login(app, tutor.user)
    _skip(client, assignment, second)
    assert _skip(client, assignment, second).status_code == 404  # no longer a coming date
    other = factories.volunteer_with_login()
    assert _skip(_login(app, other.user), assignment, second).status_code == 404
    _need, elsewhere = factories.open_need()
    db.session.commit()
    assert _skip(client, assignment, elsewhere).status_code == 404
    bad = client.post(f"/me/assignments/{assignment.id}/skip", data={"occurrence_id": "x"})
    assert bad.status_code == 404


def test_withdrawing_from_all_dates_asks_for_a_confirmation_first(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    client = _login(app, tutor.user)
    page = client.get("/me/schedule").text
    confirm = page.split('class="confirm-withdraw"')[1].split("</details>")[0]
    assert "<summary" in confirm and "不只是这一次" in confirm
    assert "确定退出全部日期" in confirm
    assert client.post(f"/me/assignments/{assignment.id}/withdraw").status_code == 303
    db.session.expire_all()
    assert assignment.status == "withdrawn"


def test_one_date_handed_over_in_a_swap(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    third = _dates(event)[2]
    colleague = factories.volunteer_with_login(name="王丽")
    db.session.commit()
    client = _login(app, tutor.user)
    answer = client.post(
        f"/me/assignments/{assignment.id}/swap",
        data={"contact": colleague.phone, "occurrence_id": str(third.id)},
    )
    assert answer.status_code == 303
    swap = db.session.scalar(select(SwapOffer))
    assert swap.occurrence_id == third.id
    asked = _login(app, colleague.user)
    offers = asked.get("/me/schedule").text.split('id="swap-offers"')[1].split("</section>")[0]
    assert "阅读" in offers and "石门之家" in offers and "仅此一次" in offers
    local = third.starts_at.astimezone(CHINA)
    assert f"{local.year}年{local.month}月{local.day}日周二 16:00–17:30" in offers
    assert asked.post(f"/me/swaps/{swap.id}/accept").status_code == 303
    db.session.expire_all()
    mine = client.get("/me/schedule").text
    assert f"显示全部 {WEEKS - 1} 个日期" in mine
    theirs = asked.get("/me/schedule").text
    assert f"o{third.id}-" in theirs.split('id="upcoming-title"')[1]
    assert "显示全部" not in theirs  # one date only
    new = db.session.scalar(select(Assignment).where(Assignment.volunteer_id == colleague.id))
    assert new.occurrence_id == third.id and new.weekday is None
    # Outside the plan (a re-plan must not take it for the weekly slot), in its programme.
    assert new.plan_id is None and new.programme_id == assignment.programme_id
    assert db.session.scalar(select(AssignmentSkip.reason)) == "swap"
    roster = _login(app, manager).get(f"/homes/{event.home_id}/bookings/{third.id}").text
    assert "王丽" in roster and "缺 1 人" not in roster
    assert "排班" in roster.split("王丽")[1].split("</li>")[0]  # the programme's, not a sign-up
    plan_page = _login(app, coordinator).get(f"/planning/plans/{assignment.plan_id}")
    assert plan_page.status_code == 200 and "王丽" not in plan_page.text


def test_a_cancelled_date_folds_away_and_is_not_counted(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    second = _dates(event)[1]
    second.status = "cancelled"
    db.session.commit()
    page = _login(app, tutor.user).get("/me/schedule").text
    assert f"显示全部 {WEEKS - 1} 个日期" in page
    assert re.search(r"1 个已取消或不来的日期", page)


def test_an_offer_of_every_date_tells_the_colleague_what_where_and_when(app, weekly):
    tutor, assignment, event, manager, coordinator = weekly
    colleague = factories.volunteer_with_login(name="王丽")
    db.session.commit()
    answer = _login(app, tutor.user).post(
        f"/me/assignments/{assignment.id}/swap", data={"contact": colleague.user.email}
    )
    assert answer.status_code == 303
    page = _login(app, colleague.user).get("/me/schedule", headers={"Accept-Language": "en"})
    offers = page.text.split('id="swap-offers"')[1].split("</section>")[0]
    assert "阅读" in offers and "石门之家" in offers and "16:00–17:30" in offers
    assert f"({WEEKS} 个日期)" in offers or f"{WEEKS} dates" in offers

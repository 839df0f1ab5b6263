"""Calendar feeds: RFC 5545 details, two parsers, tokens, conditional GET, no cookies."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.feeds.helpers import feed_token, parse_both
from tests.conftest import AuthActions
from webapp.blueprints.homes import booking_changes
from webapp.clock import CHINA, today
from webapp.extensions import db
from webapp.models import Assignment, Occurrence


def _login(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 303
    return client


@pytest.fixture
def signed_up(app):
    """A volunteer signed up for a reading club next week, logged in."""
    home = factories.home(name="石门村留守儿童之家")
    need, occurrence = factories.open_need(home, title="绘本阅读会", max_headcount=2)
    volunteer = factories.volunteer_with_login(name="李秀兰")
    client = _login(app, volunteer.user)
    assert client.post(f"/opportunities/needs/{need.id}/{occurrence.id}/signup").status_code == 303
    return client, volunteer, need, occurrence


def test_the_private_feed_holds_the_sign_up_and_parses_in_both_parsers(app, signed_up):
    client, volunteer, need, occurrence = signed_up
    token = feed_token(client)
    response = app.test_client().get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    strict, loose = parse_both(response.data)
    assert [e.summary for e in strict.events] == ["绘本阅读会"]
    event = strict.events[0]
    assert event.uid == f"v{volunteer.id}-o{occurrence.id}-n{need.id}@shouwang"
    assert event.dtstart == occurrence.starts_at.astimezone(CHINA)
    assert loose.vevent.summary.value == "绘本阅读会"
    assert loose.vevent.dtstart.value.utcoffset() == timedelta(hours=8)
    text = response.data.decode()
    for line in (
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-WR-CALNAME:李秀兰 · 守望",
        "NAME:李秀兰 · 守望",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Shanghai",
        "DTSTART;TZID=Asia/Shanghai:",
        "STATUS:CONFIRMED",
        "SEQUENCE:0",
    ):
        assert line in text, line


def test_an_unchanged_feed_is_byte_identical_and_answers_304(app, signed_up):
    client, *_ = signed_up
    url = f"/feeds/{feed_token(client)}.ics"
    reader = app.test_client()
    first, second = reader.get(url), reader.get(url)
    assert first.data == second.data
    etag = first.headers["ETag"]
    assert etag == second.headers["ETag"]
    assert reader.get(url, headers={"If-None-Match": etag}).status_code == 304
    modified = first.headers["Last-Modified"]
    assert reader.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    stale = reader.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_feed_responses_set_no_cookie(app, signed_up):
    client, *_ = signed_up
    token = feed_token(client)
    for url in (f"/feeds/{token}.ics", "/feeds/" + "x" * 43 + ".ics", "/feeds/garbage.ics"):
        response = app.test_client().get(url)
        assert "Set-Cookie" not in response.headers, url


def test_a_change_raises_sequence_and_a_cancelled_date_stays_cancelled(app, signed_up):
    client, volunteer, need, occurrence = signed_up
    url = f"/feeds/{feed_token(client)}.ics"
    before = app.test_client().get(url)
    manager = factories.user(roles=("admin",))
    with app.test_request_context("/"):
        booking_changes.cancel(db.session.get(Occurrence, occurrence.id), manager, "下雨")
        db.session.commit()
    after = app.test_client().get(url)
    assert after.headers["ETag"] != before.headers["ETag"]
    strict, loose = parse_both(after.data)
    assert strict.events[0].sequence == 1
    assert str(strict.events[0].status).endswith("CANCELLED")
    assert loose.vevent.status.value == "CANCELLED"
    assert strict.events[0].uid == parse_both(before.data)[0].events[0].uid


def test_a_withdrawal_keeps_the_event_as_cancelled(app, signed_up):
    client, volunteer, need, occurrence = signed_up
    url = f"/feeds/{feed_token(client)}.ics"
    mine = db.session.scalar(select(Assignment).where(Assignment.volunteer_id == volunteer.id))
    assert client.post(f"/me/assignments/{mine.id}/withdraw").status_code == 303
    strict, _loose = parse_both(app.test_client().get(url).data)
    assert str(strict.events[0].status).endswith("CANCELLED")
    assert strict.events[0].sequence == 1


def test_rotating_the_link_makes_the_old_one_the_same_404_as_garbage(app, signed_up):
    client, *_ = signed_up
    old = feed_token(client)
    assert client.post("/me/calendar/rotate").status_code == 303
    new = feed_token(client)
    assert new != old
    reader = app.test_client()
    assert reader.get(f"/feeds/{new}.ics").status_code == 200
    revoked = reader.get(f"/feeds/{old}.ics")
    never = reader.get("/feeds/" + "A" * 43 + ".ics")
    garbage = reader.get("/feeds/%27%3B--.ics")
    assert revoked.status_code == never.status_code == garbage.status_code == 404
    assert revoked.data == never.data == garbage.data
    assert dict(revoked.headers) == dict(never.headers)


def test_only_a_hash_of_the_token_is_stored(app, signed_up):
    client, *_ = signed_up
    token = feed_token(client)
    from webapp.models import CalendarToken

    row = db.session.scalar(select(CalendarToken))
    assert token not in (row.token_hash, row.nonce)
    assert len(token) == 43


def _plan_with_weekly_tutoring(volunteer, weekday_dates=3):
    """A published term plan: the volunteer tutors every Tuesday of a three-week series."""
    from webapp.models import Event, Need

    home = factories.home(name="白云镇中心留守儿童之家")
    first = today() + timedelta(days=(1 - today().weekday()) % 7 or 7)
    occurrences = []
    for week in range(weekday_dates):
        day = first + timedelta(weeks=week)
        starts = datetime.combine(day, time(16, 30), CHINA).astimezone(UTC)
        occurrences.append(
            factories.booking(
                home.rooms[0],
                starts,
                starts + timedelta(minutes=90),
                title="数学作业辅导",
                kind="tutoring",
            )
        )
    # one event for the series
    event = db.session.get(Event, occurrences[0].event_id)
    for other in occurrences[1:]:
        other.event_id = event.id
    need = Need(event_id=event.id, min_headcount=1, max_headcount=2)
    db.session.add(need)
    db.session.commit()
    programme = factories.programme(
        kind="tutoring", starts_on=first, ends_on=first + timedelta(weeks=4)
    )
    plan = factories.plan(programme)
    factories.assignment(volunteer, plan=plan, need_id=need.id, weekday=1)
    return home, need, occurrences, programme, plan


def test_a_published_plans_weekly_assignment_shows_each_date_with_a_uid_that_survives_a_replan(app):
    volunteer = factories.volunteer_with_login()
    home, need, occurrences, programme, plan = _plan_with_weekly_tutoring(volunteer)
    proposed = factories.plan(programme, state="proposed")
    factories.assignment(volunteer, plan=proposed, need_id=need.id, weekday=3, status="proposed")
    client = _login(app, volunteer.user)
    url = f"/feeds/{feed_token(client)}.ics"
    strict, loose = parse_both(app.test_client().get(url).data)
    uids = sorted(e.uid for e in strict.events)
    assert uids == sorted(f"v{volunteer.id}-o{o.id}-n{need.id}@shouwang" for o in occurrences)
    assert len(list(loose.vevent_list)) == 3
    # Re-plan: a new published plan keeps the volunteer; the UIDs do not change.
    plan.state = "superseded"
    db.session.commit()
    replanned = factories.plan(programme)
    factories.assignment(volunteer, plan=replanned, need_id=need.id, weekday=1)
    strict_again, _ = parse_both(app.test_client().get(url).data)
    assert sorted(e.uid for e in strict_again.events) == uids


def test_the_home_feed_has_public_events_only_and_no_child_data(app):
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,), rooms=("activity", "video_call"))
    day = today() + timedelta(days=3)
    starts = datetime.combine(day, time(10), CHINA).astimezone(UTC)
    factories.booking(home.rooms[0], starts, starts + timedelta(hours=1), title="手工美术课")
    call = factories.booking(
        home.rooms[1], starts, starts + timedelta(hours=1), title="周六亲情视频", kind="video_call"
    )
    from webapp.models import CallSlot

    db.session.add(
        CallSlot(
            occurrence_id=call.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=15),
            child_label="小明",
        )
    )
    db.session.commit()
    client = _login(app, manager)
    page = client.get(f"/feeds/homes/{home.id}")
    assert page.status_code == 200
    token = feed_token(client, f"/feeds/homes/{home.id}")
    body = app.test_client().get(f"/feeds/{token}.ics").data
    strict, _loose = parse_both(body)
    assert [e.summary for e in strict.events] == ["手工美术课"]
    assert "小明".encode() not in body and "亲情视频".encode() not in body


def test_another_home_manager_cannot_see_the_home_feed_link(app):
    home = factories.home()
    outsider = factories.user(roles=("home_manager",))
    assert _login(app, outsider).get(f"/feeds/homes/{home.id}").status_code == 404


def test_the_team_feed_lists_the_teams_posts(app):
    members = [factories.volunteer_with_login() for _ in range(2)]
    team = factories.team(members=tuple(members))
    programme = factories.programme()
    post = factories.post(programme, name="高坡村小学驻点")
    plan = factories.plan(programme)
    for member in members:
        factories.assignment(member, plan=plan, post_id=post.id, team_id=team.id)
    client = _login(app, members[0].user)
    token = feed_token(client, f"/feeds/teams/{team.id}")
    strict, loose = parse_both(app.test_client().get(f"/feeds/{token}.ics").data)
    assert len(strict.events) == 1
    assert "高坡村小学驻点" in strict.events[0].summary
    assert strict.events[0].dtstart == post.starts_on
    assert loose.vevent.dtend.value == post.ends_on + timedelta(days=1)
    outsider = factories.volunteer_with_login()
    assert _login(app, outsider.user).get(f"/feeds/teams/{team.id}").status_code == 404


def test_with_the_feed_cache_a_poll_is_answered_from_it_but_a_rotated_token_is_404_at_once(
    app, signed_up
):
    client, *_ = signed_up
    token = feed_token(client)
    url = f"/feeds/{token}.ics"
    app.config["FEED_CACHE_SECONDS"] = 30
    try:
        reader = app.test_client()
        etag = reader.get(url).headers["ETag"]
        assert reader.get(url, headers={"If-None-Match": etag}).status_code == 304
        client.post("/me/calendar/rotate")
        assert reader.get(url, headers={"If-None-Match": etag}).status_code == 404
    finally:
        app.config["FEED_CACHE_SECONDS"] = 0


def test_feed_bench_cleanup_removes_only_its_rows(app):
    from webapp.bench import feeds as bench
    from webapp.models import Home

    kept = factories.home(name="留下的之家")
    bench.cleanup()
    bench._seed(5)
    bench.cleanup()
    assert db.session.scalars(select(Home)).all() == [kept]


def test_a_replan_that_takes_a_volunteer_off_leaves_the_dates_cancelled_in_the_feed(app):
    volunteer = factories.volunteer_with_login()
    home, need, occurrences, programme, plan = _plan_with_weekly_tutoring(volunteer)
    client = _login(app, volunteer.user)
    url = f"/feeds/{feed_token(client)}.ics"
    before, _ = parse_both(app.test_client().get(url).data)
    plan.state = "superseded"
    db.session.commit()
    replanned = factories.plan(programme)
    factories.assignment(factories.volunteer(), plan=replanned, need_id=need.id, weekday=1)
    after, loose = parse_both(app.test_client().get(url).data)
    assert sorted(e.uid for e in after.events) == sorted(e.uid for e in before.events)
    assert all(str(e.status).endswith("CANCELLED") for e in after.events)
    assert all(e.sequence == 1 for e in after.events)
    assert {v.status.value for v in loose.vevent_list} == {"CANCELLED"}


def test_a_volunteers_feed_speaks_their_language_and_chinese_without_one(app, signed_up):
    client, volunteer, *_ = signed_up
    url = f"/feeds/{feed_token(client)}.ics"
    assert "X-WR-CALNAME:李秀兰 · 守望" in app.test_client().get(url).text
    volunteer.user.locale = "en"
    db.session.commit()
    text = app.test_client().get(url).text
    assert "X-WR-CALNAME:李秀兰 · Shouwang" in text
    volunteer.user.locale = None
    db.session.commit()
    assert "X-WR-CALNAME:李秀兰 · 守望" in app.test_client().get(url).text


@pytest.mark.parametrize("cache_seconds", [0, 30])
def test_a_compressed_feed_has_its_own_etag_and_answers_304_to_either(
    app, signed_up, cache_seconds
):
    client, *_ = signed_up
    url = f"/feeds/{feed_token(client)}.ics"
    reader = app.test_client()
    app.config["FEED_CACHE_SECONDS"] = cache_seconds
    try:
        plain = reader.get(url)
        packed = reader.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert packed.headers["Content-Encoding"] == "br"
        tag = plain.headers["ETag"].strip('"')
        assert packed.headers["ETag"] == f'"{tag}:br"'
        for held in (f'"{tag}:br"', f'"{tag}"'):
            again = reader.get(
                url, headers={"If-None-Match": held, "Accept-Encoding": "gzip, deflate, br, zstd"}
            )
            assert again.status_code == 304
            assert again.headers["ETag"] == held
            assert again.data == b""
        assert "Accept-Encoding" in packed.headers["Vary"]
    finally:
        app.config["FEED_CACHE_SECONDS"] = 0

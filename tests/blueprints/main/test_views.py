import pytest

from tests import factories
from webapp import clock


def test_guest_sees_the_landing_page(client):
    body = client.get("/").get_data(as_text=True)
    assert "注册成为志愿者" in body


def test_the_landing_page_says_its_name_once_in_chinese_and_twice_in_english(client):
    chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "守望 · 守望" not in chinese and "<h1>守望</h1>" in chinese
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>守望 · Shouwang</h1>" in english


def test_logged_in_user_is_sent_from_landing_to_dashboard(volunteer_client):
    assert volunteer_client.get("/").headers["Location"] == "/dashboard"


@pytest.mark.parametrize(
    "fixture,visible,hidden",
    [
        ("admin_client", ["用户"], ["志愿者</a>"]),
        ("coordinator_client", ["统筹协调"], ['href="/admin/users"']),
        ("manager_client", ["我管理的之家"], ['href="/admin/users"', "统筹协调"]),
        ("volunteer_client", ["我的志愿服务"], ['href="/admin/users"', "统筹协调"]),
    ],
)
def test_dashboard_shows_each_role_its_own_items(request, fixture, visible, hidden):
    client = request.getfixturevalue(fixture)
    body = client.get("/dashboard").get_data(as_text=True)
    for text in visible:
        assert text in body
    for text in hidden:
        assert text not in body


def test_manager_dashboard_lists_managed_homes(manager_client):
    factories.home(
        name="石门村留守儿童之家", managers=(manager_client.user,), rooms=("activity", "library")
    )
    factories.home(name="别人的之家")
    body = manager_client.get("/dashboard").get_data(as_text=True)
    assert "石门村留守儿童之家" in body and "2 个房间" in body and "别人的之家" not in body


def test_manager_dashboard_links_each_home_and_counts_bookings_awaiting_approval(manager_client):
    from datetime import UTC, datetime, timedelta

    home = factories.home(name="石门村留守儿童之家", managers=(manager_client.user,))
    room = factories.room(home=home, kind="video_call")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    for offset in (0, 1):
        factories.booking(
            room,
            start + timedelta(hours=offset),
            start + timedelta(hours=offset, minutes=50),
            status="requested",
        )
    factories.booking(room, start + timedelta(hours=4), start + timedelta(hours=5))
    body = manager_client.get("/dashboard").get_data(as_text=True)
    assert f'href="/homes/{home.id}/week"' in body
    assert f'href="/homes/{home.id}/approvals"' in body and "2 个预约待审批" in body


def test_volunteer_dashboard_shows_paired_children_and_overdue_duties(volunteer_client):
    from datetime import timedelta

    profile = factories.volunteer(kind="surrogate_parent", user=volunteer_client.user)
    overdue = factories.pairing(volunteer=profile, child=factories.child(pseudonym="小雨"))
    fine = factories.pairing(volunteer=profile, child=factories.child(pseudonym="小林"))
    factories.care_log(pairing=fine, kind="talk", happened_on=clock.today() - timedelta(days=2))
    factories.care_log(pairing=fine, kind="visit", happened_on=clock.today() - timedelta(days=5))
    factories.pairing(child=factories.child(pseudonym="别人的孩子"))  # another volunteer's
    body = volunteer_client.get("/dashboard").get_data(as_text=True)
    assert f'href="/children/pairings/{overdue.id}"' in body
    assert "小雨" in body and "小林" in body and "别人的孩子" not in body
    assert "谈心逾期：60 天" in body and "按时" in body


def test_volunteer_dashboard_counts_the_swap_offers_waiting_for_them(volunteer_client):
    from webapp.extensions import db
    from webapp.models import SwapOffer

    me = factories.volunteer(user=volunteer_client.user)
    colleague, other = factories.volunteer(), factories.volunteer()

    def offer(offered_by, to, status="pending"):
        need, occurrence = factories.open_need()
        assignment = factories.assignment(offered_by, need_id=need.id, occurrence_id=occurrence.id)
        db.session.add(
            SwapOffer(
                assignment_id=assignment.id,
                from_volunteer_id=offered_by.id,
                to_volunteer_id=to.id,
                status=status,
            )
        )

    offer(colleague, me)
    offer(colleague, me, "declined")
    offer(colleague, other)
    offer(me, colleague)
    db.session.commit()
    body = volunteer_client.get("/dashboard").get_data(as_text=True)
    assert 'href="/me/schedule#swap-offers"' in body and "1 位同伴请您接替" in body


def test_coordinator_dashboard_counts_overdue_pairings_with_a_link(coordinator_client):
    factories.pairing()  # started 60 days ago, no talk yet
    body = coordinator_client.get("/dashboard").get_data(as_text=True)
    assert 'href="/children/">1</a>' in body


def test_a_user_without_any_role_is_told_what_to_do_next(app, client, auth):
    user = factories.user(roles=())
    auth.login(user.email)
    body = client.get("/dashboard").get_data(as_text=True)
    assert 'id="no-role"' in body and "协调员" in body and "管理员" in body


def test_a_user_with_a_role_gets_no_such_hint(volunteer_client):
    assert 'id="no-role"' not in volunteer_client.get("/dashboard").get_data(as_text=True)


def test_pages_name_their_icon_and_favicon_ico_answers(client):
    body = client.get("/").get_data(as_text=True)
    hashed = "/static/" + client.application.extensions["static_manifest"]["favicon.svg"]
    assert f'rel="icon" href="{hashed}"' in body
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/favicon.svg")

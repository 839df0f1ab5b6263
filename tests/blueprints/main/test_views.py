import pytest

from tests import factories


def test_guest_sees_the_landing_page(client):
    body = client.get("/").get_data(as_text=True)
    assert "注册成为志愿者" in body


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

from sqlalchemy import select

from tests import factories
from webapp.extensions import db
from webapp.models import AuditLog, User


def test_admin_sees_the_user_list_with_count(admin_client):
    factories.user(name="张老师", email="zhang@example.org")
    body = admin_client.get("/admin/users").get_data(as_text=True)
    assert "张老师" in body and "2 个用户" in body


def test_user_search_filters_by_name_or_email_from_the_query_string(admin_client):
    factories.user(name="张老师", email="zhang@example.org")
    factories.user(name="李阿姨", email="li@example.org")
    body = admin_client.get("/admin/users?q=zhang").get_data(as_text=True)
    assert "张老师" in body and "李阿姨" not in body


def test_user_search_by_role(admin_client):
    factories.user(name="协调员甲", roles=["coordinator"])
    factories.user(name="志愿者乙", roles=["volunteer"])
    body = admin_client.get("/admin/users?role=coordinator").get_data(as_text=True)
    assert "协调员甲" in body and "志愿者乙" not in body


def test_htmx_search_returns_the_table_fragment_only(admin_client):
    response = admin_client.get("/admin/users?q=x", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<table" in body
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_request_gets_the_full_page(admin_client):
    response = admin_client.get(
        "/admin/users", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert "<html" in response.get_data(as_text=True)


def test_user_list_pages_server_side(admin_client):
    for n in range(30):
        factories.user(name=f"用户{n:02d}")
    first = admin_client.get("/admin/users").get_data(as_text=True)
    second = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    assert "第 1 页，共 2 页" in first and "第 2 页，共 2 页" in second


def test_admin_grants_several_roles_and_it_is_audited(admin_client):
    user = factories.user(roles=["volunteer"])
    response = admin_client.post(
        f"/admin/users/{user.id}/roles", data={"roles": ["coordinator", "home_manager"]}
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"coordinator", "home_manager"}
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roles_changed"))
    assert entry.before == {"roles": ["volunteer"]}
    assert entry.after == {"roles": ["coordinator", "home_manager"]}


def test_admin_cannot_remove_own_admin_role(admin_client):
    me = admin_client.user
    response = admin_client.post(f"/admin/users/{me.id}/roles", data={"roles": ["volunteer"]})
    assert response.status_code == 422
    assert "不能移除您自己的管理员角色" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "admin" in db.session.get(User, me.id).roles


def test_unknown_role_is_refused_with_400(admin_client):
    user = factories.user()
    response = admin_client.post(f"/admin/users/{user.id}/roles", data={"roles": ["superuser"]})
    assert response.status_code == 400


def test_roles_of_unknown_user_gets_404(admin_client):
    assert (
        admin_client.post("/admin/users/9999/roles", data={"roles": ["volunteer"]}).status_code
        == 404
    )


def test_coordinator_gets_403_on_user_admin(coordinator_client):
    response = coordinator_client.get("/admin/users")
    assert response.status_code == 403
    assert "无权操作" in response.get_data(as_text=True)


def test_volunteer_cannot_change_roles(volunteer_client):
    me = volunteer_client.user
    response = volunteer_client.post(f"/admin/users/{me.id}/roles", data={"roles": ["admin"]})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, me.id).roles == {"volunteer"}


def test_audit_log_lists_role_changes_newest_first(admin_client):
    user = factories.user(roles=["volunteer"])
    admin_client.post(f"/admin/users/{user.id}/roles", data={"roles": ["coordinator"]})
    body = admin_client.get("/admin/audit?action=user.roles").get_data(as_text=True)
    assert "user.roles_changed" in body and "coordinator" in body


def test_audit_log_is_for_admins_only(coordinator_client):
    assert coordinator_client.get("/admin/audit").status_code == 403

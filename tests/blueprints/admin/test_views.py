import re
from datetime import UTC, datetime

from sqlalchemy import select

from tests import factories
from webapp import audit
from webapp.blueprints.volunteers.vetting import set_vetting
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
    assert "不能移除您自己的系统管理员角色" in response.get_data(as_text=True)
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


def _text(html: str) -> str:
    """The page's text without tags, with runs of whitespace as one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_audit_log_reads_as_sentences_in_the_users_language(app, admin_client):
    coordinator = factories.user(name="王芳", roles=["coordinator"])
    volunteer = factories.volunteer(name="张伟")
    set_vetting(
        volunteer, status="cleared", actor=coordinator, cleared_on=None, expires_on=None, note=""
    )
    target = factories.user(name="吴老师", roles=["volunteer"])
    admin_client.post(f"/admin/users/{target.id}/roles", data={"roles": ["coordinator"]})
    db.session.commit()

    body = admin_client.get("/admin/audit").get_data(as_text=True)
    text = _text(body)
    assert "协调员 王芳 将张伟的审核状态改为已通过审核" in text
    assert "的角色改为协调员" in text and "吴老师" in text
    assert "volunteer.vetting" not in text and "\\u" not in body and "#None" not in body
    assert '<a href="/volunteers/' not in body  # an admin may not open volunteers' profiles
    # Newest first: the role change was recorded after the vetting.
    assert text.index("的角色改为") < text.index("审核状态改为")
    english = admin_client.get("/admin/audit", headers={"Accept-Language": "en"})
    assert "changed the vetting status of" in _text(english.get_data(as_text=True))


def test_audit_entries_link_to_their_object_and_its_history(app, admin_client):
    home = factories.home(name="石门村留守儿童之家")
    audit.record("home.update", "home", home.id, after={"name": home.name}, actor_id=None)
    db.session.commit()
    body = admin_client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/homes/{home.id}"' in body  # admins may open homes
    assert f'href="/admin/audit?object=home:{home.id}"' in body or (
        f'href="/admin/audit?object=home%3A{home.id}"' in body
    )


def test_an_unknown_future_action_still_reads_sensibly(app, admin_client):
    actor = factories.user(name="周明", roles=["coordinator"])
    audit.record(
        "plan.publish",
        "plan",
        7,
        before={"state": "proposed"},
        after={"state": "published"},
        actor_id=actor.id,
    )
    db.session.commit()
    text = _text(admin_client.get("/admin/audit").get_data(as_text=True))
    assert "协调员 周明" in text and "plan.publish" in text and "方案 #7" in text
    assert "状态 待发布 → 已发布" in text  # the stored codes through their labels


def test_audit_log_filters_by_actor_object_and_date_in_the_query_string(app, admin_client):
    first = factories.user(name="甲协调员", email="jia@example.org", roles=["coordinator"])
    second = factories.user(name="乙协调员", roles=["coordinator"])
    team = factories.team(name="春晖队")
    audit.record("team.update", "team", team.id, after={"name": "春晖队"}, actor_id=first.id)
    audit.record("skill.create", "skill", None, after={"code": "x"}, actor_id=second.id)
    old = audit.record("team.update", "team", team.id, after={"name": "旧"}, actor_id=first.id)
    old.created_at = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)  # 2 March in China
    db.session.commit()

    def entries(query: str) -> int:
        body = admin_client.get("/admin/audit" + query).get_data(as_text=True)
        return body.count('class="audit-entry"')

    assert entries("") == 3
    assert entries("?who=jia@") == 2 and entries("?who=乙") == 1
    assert entries(f"?object=team:{team.id}") == 2 and entries("?type=skill") == 1
    assert entries("?from=2025-03-02&to=2025-03-02") == 1  # China dates
    assert entries("?from=2025-03-03") == 2
    assert entries("?from=not-a-date&object=team:x") == 2  # a bad id keeps the type


def test_audit_log_is_for_admins_only(coordinator_client):
    assert coordinator_client.get("/admin/audit").status_code == 403

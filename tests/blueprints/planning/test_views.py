"""The planning pages: programmes, solving in the background, the run page's polling."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from tests.blueprints.planning.helpers import term
from webapp.blueprints.planning import dispatch, runs
from webapp.extensions import db
from webapp.models import Programme, SolveRun
from webapp.models.base import utcnow


def test_only_coordinators_plan(app, volunteer_client, manager_client):
    assert volunteer_client.get("/planning/").status_code == 403
    assert manager_client.get("/planning/").status_code == 403


def test_planning_is_in_the_coordinators_navigation(coordinator_client):
    page = coordinator_client.get("/dashboard").get_data(as_text=True)
    assert 'href="/planning/"' in page


def test_creating_a_programme_and_its_refusals(app, coordinator_client):
    home = factories.home(name="石门村留守儿童之家")
    data = {
        "kind": "tutoring",
        "name": "秋季学期",
        "starts_on": "2027-03-01",
        "ends_on": "2027-02-01",
    }
    response = coordinator_client.post("/planning/new", data=data)
    assert response.status_code == 422
    assert "The last day is before the first." in response.get_data(as_text=True)
    response = coordinator_client.post("/planning/new", data={**data, "ends_on": "2027-06-30"})
    assert response.status_code == 422
    assert "Choose at least one children&#39;s home." in response.get_data(as_text=True)
    assert db.session.query(Programme).count() == 0
    response = coordinator_client.post(
        "/planning/new", data={**data, "ends_on": "2027-06-30", "homes": [str(home.id)]}
    )
    assert response.status_code == 303
    programme = db.session.query(Programme).one()
    assert programme.homes == [home] and programme.state == "draft"
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "秋季学期" in page and "There is nothing to plan" in page


def test_solving_answers_at_once_and_the_run_page_polls_until_done(app, coordinator_client):
    programme, _, _ = term(volunteers=2)
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/solve", data={"time_limit": "10"}
    )
    assert response.status_code == 303
    run_id = int(re.search(r"/planning/runs/(\d+)$", response.headers["Location"]).group(1))
    assert dispatch.wait(run_id, timeout=60)
    page = coordinator_client.get(f"/planning/runs/{run_id}").get_data(as_text=True)
    assert 'data-status="done"' in page and "<svg" in page and "<polyline" in page
    poll = coordinator_client.get(
        f"/planning/runs/{run_id}/progress", headers={"HX-Request": "true"}
    )
    assert poll.status_code == 286  # htmx stops polling
    assert "hx-trigger" not in poll.get_data(as_text=True)
    assert "Review the plan" in poll.get_data(as_text=True)


def test_an_active_run_keeps_polling(app, coordinator_client):
    programme, _, _ = term()
    run = runs.start_run(programme, None, background=False)
    db.session.commit()
    poll = coordinator_client.get(
        f"/planning/runs/{run.id}/progress", headers={"HX-Request": "true"}
    )
    assert poll.status_code == 200
    assert 'hx-trigger="every 1s"' in poll.get_data(as_text=True)


def test_a_second_solve_is_409_and_shows_the_running_one(app, coordinator_client):
    programme, _, _ = term()
    run = runs.start_run(programme, None, background=False)
    db.session.commit()
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/solve", data={"time_limit": "10"}
    )
    assert response.status_code == 409
    assert f'href="/planning/runs/{run.id}"' in response.get_data(as_text=True)
    assert db.session.query(SolveRun).count() == 1
    htmx = coordinator_client.post(
        f"/planning/programmes/{programme.id}/solve",
        data={"time_limit": "10"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 409 and htmx.headers["HX-Retarget"] == "#messages"


def test_solving_nothing_is_422_with_the_reason(app, coordinator_client):
    programme = factories.programme(kind="summer")
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/solve", data={"time_limit": "10"}
    )
    assert response.status_code == 422
    assert "There is nothing to plan" in response.get_data(as_text=True)
    assert db.session.query(SolveRun).count() == 0


def test_a_solve_without_a_time_limit_starts_nothing(app, coordinator_client):
    programme, _, _ = term()
    response = coordinator_client.post(f"/planning/programmes/{programme.id}/solve", data={})
    assert response.status_code == 422
    assert db.session.query(SolveRun).count() == 0


def test_polling_a_run_whose_worker_died_marks_it_failed(app, coordinator_client):
    programme, _, _ = term()
    run = runs.start_run(programme, None, background=False)
    run.status, run.started_at = "running", utcnow() - timedelta(minutes=3)
    run.heartbeat_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    poll = coordinator_client.get(
        f"/planning/runs/{run.id}/progress", headers={"HX-Request": "true"}
    )
    assert poll.status_code == 286
    assert "The worker stopped answering" in poll.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SolveRun, run.id).status == "failed"
    assert db.session.get(Programme, programme.id).state == "draft"


def test_cancel_from_the_run_page(app, coordinator_client):
    programme, _, _ = term()
    run = runs.start_run(programme, None, background=False)
    db.session.commit()
    response = coordinator_client.post(
        f"/planning/runs/{run.id}/cancel", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'data-status="cancelled"' in response.get_data(
        as_text=True
    )
    again = coordinator_client.post(f"/planning/runs/{run.id}/cancel")
    assert again.status_code == 409


def test_posts_are_added_with_their_rules(app, coordinator_client):
    programme = factories.programme(kind="summer")
    home = factories.home()
    url = f"/planning/programmes/{programme.id}/posts/new"
    base = {
        "name": "石门村小学",
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": (programme.starts_on + timedelta(days=6)).isoformat(),
        "beds": "8",
        "min_headcount": "4",
        "max_headcount": "3",
        "home_id": str(home.id),
    }
    response = coordinator_client.post(url, data=base)
    assert response.status_code == 422 and "at least the fewest" in response.get_data(as_text=True)
    response = coordinator_client.post(
        url, data={**base, "max_headcount": "8", "ends_on": "2099-01-01"}
    )
    assert response.status_code == 422 and "within the programme" in response.get_data(as_text=True)
    skill = factories.skill("english")
    response = coordinator_client.post(
        url, data={**base, "max_headcount": "8", f"skill_{skill.id}": "2", "need_leader": "y"}
    )
    assert response.status_code == 303
    (post,) = programme.posts
    assert [(sc.skill_id, sc.count) for sc in post.skill_counts] == [(skill.id, 2)]
    assert post.need_leader and not post.vetting_required


def test_a_programme_and_a_post_are_named_with_mingcheng_not_xingming(app, coordinator_client):
    coordinator_client.user.locale = "zh_CN"
    programme = factories.programme(kind="summer")
    db.session.commit()
    for url in ("/planning/new", f"/planning/programmes/{programme.id}/posts/new"):
        page = coordinator_client.get(url).get_data(as_text=True)
        label = re.search(r'<label for="name"[^>]*>([^<]*)</label>', page)
        assert label and "名称" in label.group(1) and "姓名" not in label.group(1), url


def test_flash_counts_read_in_the_singular_for_one(app, coordinator_client):
    programme = factories.programme(kind="tutoring")
    factories.volunteer(kind="teacher")
    db.session.commit()
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/volunteers/by-kind",
        data={"kind": "teacher"},
        follow_redirects=True,
    )
    assert "1 volunteer added." in response.get_data(as_text=True)

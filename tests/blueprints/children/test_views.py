"""The children blueprint through HTTP: the child record, pairing, the care log, and the old
addresses under /volunteers/ that now redirect here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from webapp import clock
from webapp.blueprints.children.views.moved import MOVED
from webapp.extensions import db
from webapp.models import CareLog, Child, Pairing

HTMX = {"HX-Request": "true"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_volunteer_gets_403_on_every_coordinator_page(volunteer_client):
    factories.volunteer(user=volunteer_client.user)
    found = factories.pairing()
    for method, url in (
        ("get", "/children/"),
        ("get", "/children/new"),
        ("get", "/children/pairings/new"),
        ("post", f"/children/pairings/{found.id}/end"),
        ("get", f"/children/{found.child_id}/export.json"),
        ("post", f"/children/{found.child_id}/erase"),
    ):
        assert getattr(volunteer_client, method)(url).status_code == 403, url


def test_unknown_ids_give_404(coordinator_client):
    for url in ("/children/pairings/9999", "/children/9999/edit", "/children/9999/export.json"):
        assert coordinator_client.get(url).status_code == 404, url


def test_child_form_needs_a_consent_date_when_consent_is_given(coordinator_client):
    home = factories.home()
    response = coordinator_client.post(
        "/children/new",
        data={
            "pseudonym": "X.Y.",
            "age_band": "6_to_9",
            "home_id": home.id,
            "guardian_consent": "y",
        },
    )
    assert response.status_code == 422
    assert count(Child) == 0
    ok = coordinator_client.post(
        "/children/new",
        data={
            "pseudonym": "X.Y.",
            "age_band": "6_to_9",
            "home_id": home.id,
            "guardian_consent": "y",
            "consent_on": (clock.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert ok.status_code == 303 and count(Child) == 1


def test_pairing_a_child_under_14_without_consent_is_refused(coordinator_client):
    parent = factories.volunteer(kind="surrogate_parent")
    child = factories.child(age_band="10_to_13", consent=False)
    response = coordinator_client.post(
        "/children/pairings/new",
        data={"volunteer_id": parent.id, "child_id": child.id, "weekly_talk": "y"},
    )
    assert response.status_code == 422
    assert "consent" in response.get_data(as_text=True) or "同意" in response.get_data(as_text=True)
    assert count(Pairing) == 0


def test_coordinator_pairs_and_the_volunteer_logs_a_contact(coordinator_client, volunteer_client):
    parent = factories.volunteer(kind="surrogate_parent", user=volunteer_client.user)
    child = factories.child(pseudonym="小明")
    response = coordinator_client.post(
        "/children/pairings/new",
        data={
            "volunteer_id": parent.id,
            "child_id": child.id,
            "weekly_talk": "y",
            "monthly_visit": "y",
        },
    )
    assert response.status_code == 303
    pairing_url = response.headers["Location"]
    assert "小明" in volunteer_client.get(pairing_url).get_data(as_text=True)
    logged = volunteer_client.post(
        pairing_url + "/logs",
        data={"happened_on": clock.today().isoformat(), "kind": "talk", "note": "聊了学习"},
        headers=HTMX,
    )
    assert logged.status_code == 200 and "聊了学习" in logged.get_data(as_text=True)
    future = volunteer_client.post(
        pairing_url + "/logs",
        data={"happened_on": (clock.today() + timedelta(days=2)).isoformat(), "kind": "talk"},
        headers=HTMX,
    )
    assert future.status_code == 422
    assert count(CareLog) == 1


def test_child_records_are_hidden_from_other_volunteers(volunteer_client):
    factories.volunteer(user=volunteer_client.user, kind="surrogate_parent")
    someone_elses = factories.pairing()
    assert volunteer_client.get(f"/children/pairings/{someone_elses.id}").status_code == 404
    response = volunteer_client.post(
        f"/children/pairings/{someone_elses.id}/logs",
        data={"happened_on": clock.today().isoformat(), "kind": "talk"},
    )
    assert response.status_code == 404
    assert volunteer_client.get(f"/children/{someone_elses.child_id}/edit").status_code == 403


def test_pairings_page_shows_overdue_duties(coordinator_client):
    late = factories.pairing(started_on=clock.today() - timedelta(days=60))
    factories.care_log(pairing=late, kind="talk", happened_on=clock.today() - timedelta(days=20))
    html = coordinator_client.get("/children/").get_data(as_text=True)
    assert late.child.pseudonym in html and "badge error" in html


def test_ending_a_pairing_stops_new_logs(coordinator_client):
    found = factories.pairing()
    assert coordinator_client.post(f"/children/pairings/{found.id}/end").status_code == 303
    again = coordinator_client.post(f"/children/pairings/{found.id}/end")
    assert again.status_code == 409
    log = coordinator_client.post(
        f"/children/pairings/{found.id}/logs",
        data={"happened_on": clock.today().isoformat(), "kind": "talk"},
    )
    assert log.status_code == 422


# --- The old addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/volunteers/pairings", "/children/"),
        ("/volunteers/pairings/new?child_id=7", "/children/pairings/new?child_id=7"),
        ("/volunteers/pairings/12", "/children/pairings/12"),
        ("/volunteers/children/new", "/children/new"),
        ("/volunteers/children/3/edit", "/children/3/edit"),
        ("/volunteers/children/3/export.json", "/children/3/export.json"),
    ],
)
def test_an_old_address_redirects_permanently_to_the_new_one(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/volunteers/pairings/new", "/children/pairings/new"),
        ("/volunteers/pairings/12/logs", "/children/pairings/12/logs"),
        ("/volunteers/pairings/12/end", "/children/pairings/12/end"),
        ("/volunteers/children/new", "/children/new"),
        ("/volunteers/children/3/edit", "/children/3/edit"),
        ("/volunteers/children/3/erase", "/children/3/erase"),
    ],
)
def test_a_form_posted_to_an_old_address_is_sent_on_with_308(client, old, new):
    response = client.post(old, data={"confirm": "erase"})
    assert response.status_code == 308
    assert response.headers["Location"] == new


def test_every_old_address_is_covered_above(app):
    rules = {r.rule: r.endpoint for r in app.url_map.iter_rules()}
    assert len(MOVED) == 9
    for rule, _methods, endpoint in MOVED:
        assert rules["/volunteers" + rule].startswith("children_moved.")
        assert endpoint in rules.values()


def test_a_bookmarked_pairing_still_opens_for_its_volunteer(volunteer_client):
    parent = factories.volunteer(kind="surrogate_parent", user=volunteer_client.user)
    found = factories.pairing(volunteer=parent, child=factories.child(pseudonym="小草"))
    response = volunteer_client.get(f"/volunteers/pairings/{found.id}", follow_redirects=True)
    assert response.status_code == 200 and "小草" in response.text
    assert response.request.path == f"/children/pairings/{found.id}"


def test_a_care_log_posted_to_the_old_address_is_written_once(volunteer_client):
    parent = factories.volunteer(kind="surrogate_parent", user=volunteer_client.user)
    found = factories.pairing(volunteer=parent)
    data = {"happened_on": clock.today().isoformat(), "kind": "talk", "note": "旧书签"}
    moved = volunteer_client.post(f"/volunteers/pairings/{found.id}/logs", data=data)
    assert moved.status_code == 308 and count(CareLog) == 0
    # A browser sends the same form again to the new address (the test client cannot replay a
    # body it has already read, so the test does it).
    response = volunteer_client.post(moved.headers["Location"], data=data)
    assert response.status_code == 303
    assert db.session.scalar(select(CareLog.note)) == "旧书签" and count(CareLog) == 1

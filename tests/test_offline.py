"""What the service worker may keep of My schedule, and forgetting it (webapp/offline.py); the
browser side is in tests/e2e/test_offline_schedule_e2e.py."""

from __future__ import annotations

import re

from tests import factories
from tests.conftest import AuthActions
from webapp.offline import OWNER_HEADER, owner_key

OWNER_META = re.compile(r'<meta name="offline-owner" content="([^"]*)">')


def _volunteer_client(app):
    home = factories.home()
    need, occurrence = factories.open_need(home, title="绘本阅读会")
    volunteer = factories.volunteer_with_login()
    factories.assignment(volunteer, need=need, occurrence=occurrence)
    client = app.test_client()
    assert AuthActions(client).login(volunteer.user.email).status_code == 303
    return client, volunteer, f"o{occurrence.id}-n{need.id}"


def test_the_schedule_and_its_ics_name_their_owner_and_nothing_else_does(app):
    client, volunteer, key = _volunteer_client(app)
    owner = owner_key(volunteer.user.id)
    page = client.get("/me/schedule")
    assert page.headers[OWNER_HEADER] == owner
    assert f'href="/me/schedule/{key}.ics?v=0"' in page.text
    assert client.get(f"/me/schedule/{key}.ics?v=0").headers[OWNER_HEADER] == owner
    for other in ("/dashboard", "/volunteers/me", "/opportunities/", "/me/schedule/hours.csv"):
        assert OWNER_HEADER not in client.get(other).headers, other


def test_owner_keys_differ_per_person_and_do_not_show_the_id(app):
    keys = {owner_key(user_id) for user_id in range(1, 200)}
    assert len(keys) == 199
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)


def test_every_page_names_who_is_logged_in_and_nobody_when_nobody_is(app, client):
    assert OWNER_META.search(client.get("/auth/login").text).group(1) == ""
    volunteer_client, volunteer, _key = _volunteer_client(app)
    dashboard = volunteer_client.get("/dashboard").text
    assert OWNER_META.search(dashboard).group(1) == owner_key(volunteer.user.id)


def test_an_error_page_leaves_the_kept_copy_alone(app, client):
    """The page of a 404 or a 503 (database away) may not know who is logged in."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "offline-owner" not in response.text


def test_the_schedule_page_says_when_it_was_made_in_china_time_hidden_until_offline(app):
    client, _volunteer, _key = _volunteer_client(app)
    with app.test_request_context():
        from webapp import clock

        now = clock.now().strftime("%Y-%m-%d")
    page = client.get("/me/schedule").text
    note = re.search(r"<p class=\"offline-note\"[^>]*data-offline-note hidden>([^<]*)</p>", page)
    assert note and now in note.group(1)


def test_logging_out_tells_the_browser_to_forget_stored_data(app):
    client, _volunteer, _key = _volunteer_client(app)
    response = AuthActions(client).logout()
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_the_service_worker_is_served_to_anyone_fresh_and_without_a_cookie(client):
    response = client.get("/me/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Set-Cookie" not in response.headers
    assert "Shouwang-Offline" in response.text

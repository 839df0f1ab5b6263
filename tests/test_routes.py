"""Every route, as every demo role and as a guest, with real ids, unknown ids, garbage query
strings and empty forms: nothing may answer with a server error ("a 500 is a bug")."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import AuthActions
from webapp.demo import DEMO_ACCOUNTS, load_demo_county
from webapp.extensions import db
from webapp.models import (
    Assignment,
    CallSlot,
    Child,
    Closure,
    Need,
    Occurrence,
    OpeningHours,
    Pairing,
    Plan,
    Post,
    Programme,
    Room,
    SolveRun,
    Team,
    User,
    Volunteer,
    VolunteerDateRange,
    home_managers,
)

UNKNOWN_ID = 987654
GARBAGE_QUERY = (
    "?page=-3&per_page=abc&sort=%27%3B--&dir=sideways&q=%3Cscript%3E%25_&kind=nope"
    "&vetting=maybe&team=x&from=2026-13-45&to=yesterday&day=31-02-2026&start=25:99&room=x"
)
# Routes that end the session; they are exercised by the auth tests.
SESSION_ENDING = {"auth.logout", "auth.logout_everywhere"}
ROLES = ["guest"] + [email for email, _name, _roles in DEMO_ACCOUNTS]
SHOWN_WITH_DEMO_IDS = {
    "guest": {"auth.login", "auth.register"},
    "admin@example.org": {"admin.users", "admin.audit_log", "homes.week"},
    "coordinator@example.org": {
        "volunteers.detail",
        "volunteers.vetting",
        "volunteers.team_detail",
        "children.pairing_detail",
        "children.child_edit",
        "homes.week",
        "homes.occurrence",
        "notifications.outbox",
        "opportunities.index",
        "planning.index",
        "planning.programme",
        "planning.plan",
        "planning.run",
        "planning.roster",
    },
    "manager@example.org": {
        "homes.week",
        "homes.month",
        "homes.occurrence",
        "homes.hours",
        "feeds.home_link",
    },
    "volunteer@example.org": {
        "volunteers.detail",
        "children.pairing_detail",
        "opportunities.index",
        "schedule.index",
    },
}


def _first_id(statement) -> int:
    return db.session.scalar(statement.limit(1)) or UNKNOWN_ID


def _demo_ids() -> dict[str, int | str]:
    """Real ids for each URL parameter, taken where the manager and volunteer can see them."""
    manager = User.by_email("manager@example.org")
    home_id = _first_id(
        select(home_managers.c.home_id).where(home_managers.c.user_id == manager.id)
    )
    room_id = _first_id(select(Room.id).where(Room.home_id == home_id))
    volunteer_user = User.by_email("volunteer@example.org")
    volunteer_id = _first_id(select(Volunteer.id).where(Volunteer.user_id == volunteer_user.id))
    return {
        "home_id": home_id,
        "room_id": room_id,
        "occurrence_id": _first_id(select(Occurrence.id).where(Occurrence.room_id == room_id)),
        "slot_id": _first_id(select(CallSlot.id)),
        "closure_id": _first_id(select(Closure.id).where(Closure.home_id == home_id)),
        "row_id": _first_id(select(OpeningHours.id).where(OpeningHours.home_id == home_id)),
        "volunteer_id": volunteer_id,
        "range_id": _first_id(
            select(VolunteerDateRange.id).where(VolunteerDateRange.volunteer_id == volunteer_id)
        ),
        "team_id": _first_id(select(Team.id)),
        "pairing_id": _first_id(select(Pairing.id).where(Pairing.volunteer_id == volunteer_id)),
        "child_id": _first_id(select(Child.id)),
        "user_id": volunteer_user.id,
        "programme_id": _first_id(select(Programme.id).where(Programme.kind == "summer")),
        "post_id": _first_id(select(Post.id)),
        # A volunteer plan: its rosters and exports are pages; a rota's are not (404).
        "plan_id": _first_id(
            select(Plan.id)
            .join(Programme, Programme.id == Plan.programme_id)
            .where(Programme.kind.in_(("tutoring", "summer")))
            .order_by(Plan.id)
        ),
        "run_id": _first_id(select(SolveRun.id)),
        "assignment_id": _first_id(select(Assignment.id)),
        "need_id": _first_id(select(Need.id)),
        "token": "not-a-real-token",
        "fmt": "csv",
    }


def _urls(app: Flask, ids: dict, *, methods: set[str]) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        # The app's pages all live in blueprints; other tests add bare test-only routes.
        if "." not in rule.endpoint or rule.endpoint in SESSION_ENDING:
            continue
        if not (rule.methods & methods):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids.get(name, UNKNOWN_ID)), url)
        urls.append((rule.endpoint, url))
    return sorted(urls)


def _client(app: Flask, role: str):
    client = app.test_client()
    if role != "guest":
        response = AuthActions(client).login(role, app.config["DEMO_PASSWORD"])
        assert response.status_code == 303, role
    return client


@pytest.fixture
def demo_ids(app) -> dict:
    load_demo_county()
    db.session.commit()
    ids = _demo_ids()
    db.session.rollback()
    return ids


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_with_a_server_error(app, demo_ids, role):
    client = _client(app, role)
    failures, shown = [], []
    for endpoint, url in _urls(app, demo_ids, methods={"GET"}):
        if client.get(url).status_code == 200:
            shown.append(endpoint)
        for variant, headers in (
            (url, {}),
            (url + GARBAGE_QUERY, {}),
            (url + GARBAGE_QUERY, {"HX-Request": "true"}),
        ):
            status = client.get(variant, headers=headers).status_code
            if status >= 500:
                failures.append((endpoint, variant, headers, status))
    assert failures == []
    assert SHOWN_WITH_DEMO_IDS[role] <= set(shown)  # the ids are real: pages render, not 404


@pytest.mark.parametrize("role", ROLES)
def test_unknown_ids_are_never_found(app, demo_ids, role):
    unknown = {name: UNKNOWN_ID for name in demo_ids} | {"token": "nope", "fmt": "csv"}
    client = _client(app, role)
    found = []
    for endpoint, url in _urls(app, unknown, methods={"GET"}):
        if str(UNKNOWN_ID) not in url:
            continue
        status = client.get(url).status_code
        if status == 200 or status >= 500:
            found.append((endpoint, url, status))
    assert found == []


@pytest.mark.parametrize("role", ROLES)
def test_empty_or_garbage_forms_are_refused_without_a_server_error(app, demo_ids, role):
    client = _client(app, role)
    failures = []
    for endpoint, url in _urls(app, demo_ids, methods={"POST"}):
        for data, headers in (
            ({}, {}),
            ({"starts_at": "x", "ends_at": "", "weekday": "9", "capacity": "-1"}, {}),
            ({}, {"HX-Request": "true"}),
        ):
            status = client.post(url, data=data, headers=headers).status_code
            if status >= 500:
                failures.append((endpoint, url, data, headers, status))
    assert failures == []

"""A small world with one object of every kind the URLs name, and a person for every principal
of the access matrix: the volunteer owns the profile, availability and pairing; the manager runs
the home with the rooms and bookings; the "other" volunteer and manager own look-alikes.

Used by the access matrix, the page checks (CSP) and the fuzz tests, so that a new kind of
object needs adding in one place.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from tests import factories
from tests.blueprints.homes.helpers import at, next_monday
from webapp.blueprints.auth.invitations import token_hash as invitation_hash
from webapp.blueprints.feeds import tokens
from webapp.clock import today
from webapp.extensions import db
from webapp.models import (
    Assignment,
    CallSlot,
    Invitation,
    LoginSession,
    OutboxMessage,
    PendingImport,
    Plan,
    SolveRun,
    SwapOffer,
    User,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
)
from webapp.models.base import utcnow
from webapp.models.child_care import CareGoal
from webapp.models.video_calls import ChildWeeklyTime

PRINCIPALS = (
    "anonymous",
    "volunteer",
    "other_volunteer",
    "manager",
    "other_manager",
    "coordinator",
    "admin",
)
UNKNOWN_ID = 987654


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    # Where one argument name means different things (slot_id, token, volunteer_id).
    per_endpoint: dict[str, dict[str, object]] = field(default_factory=dict)

    def url(self, rule: Rule, unknown: bool = False) -> str:
        """The rule's URL with this world's ids (or ids that exist nowhere)."""
        values = {**self.ids, **self.per_endpoint.get(rule.endpoint, {})}
        url = rule.rule
        for name in rule.arguments:
            value = values.get(name, UNKNOWN_ID)
            if unknown and name not in ("fmt",):
                value = UNKNOWN_ID if isinstance(value, int) else "unknown-token"
            url = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", str(value), url)
        return url


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Log `client` in as `user` without the form: a login session row and its cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=12),
        )
    )
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    client.user = user
    return client


def build(app: Flask) -> World:
    """Every object and person; returns their ids. Commits (requests run in their own sessions)."""
    world = World()
    users = world.users
    users["volunteer"] = factories.user(roles=("volunteer",), name="志愿者甲")
    users["other_volunteer"] = factories.user(roles=("volunteer",), name="志愿者乙")
    users["manager"] = factories.user(roles=("home_manager",), name="管理员甲")
    users["other_manager"] = factories.user(roles=("home_manager",), name="管理员乙")
    users["coordinator"] = factories.user(roles=("coordinator",), name="协调员")
    users["admin"] = factories.user(roles=("admin",), name="管理员")

    mine = factories.volunteer(kind="surrogate_parent", user=users["volunteer"], name="甲")
    factories.volunteer(kind="surrogate_parent", user=users["other_volunteer"], name="乙")
    invited = factories.volunteer(name="待邀请")  # a profile without an account
    mine.weekly_availability.append(
        WeeklyAvailability(weekday=1, start_minute=960, end_minute=1080)
    )
    mine.date_ranges.append(
        VolunteerDateRange(kind="away", starts_on=today(), ends_on=today() + timedelta(days=3))
    )
    db.session.commit()

    home = factories.home(managers=(users["manager"],), rooms=("activity", "video_call"))
    factories.opening_hours(home, (0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")
    factories.home(managers=(users["other_manager"],), rooms=("activity",))
    closure = factories.closure(home, today() + timedelta(days=60), today() + timedelta(days=61))
    day = next_monday()
    activity, video = home.rooms
    occurrence = factories.booking(activity, at(day, "16:00"), at(day, "17:00"))
    call = factories.booking(video, at(day, "10:00"), at(day, "11:00"), kind="video_call")
    slot = CallSlot(occurrence=call, starts_at=call.starts_at, ends_at=call.ends_at)
    db.session.add(slot)
    db.session.commit()

    team = factories.team(members=(mine,))
    child = factories.child(home=home)
    pairing = factories.pairing(volunteer=mine, child=child)
    goal = CareGoal(child_id=child.id, goal="按时完成作业")
    db.session.add(goal)
    weekly_time = ChildWeeklyTime(
        child_id=child.id, kind="parents", weekday=3, start_minute=1170, end_minute=1260
    )
    db.session.add(weekly_time)
    db.session.commit()

    import_token = secrets.token_urlsafe(16)
    db.session.add(
        PendingImport(
            token=import_token,
            created_by_id=users["coordinator"].id,
            filename="people.csv",
            payload={"columns": ["name", "kind", "phone"], "rows": [[2, ["丙", "teacher", ""]]]},
        )
    )
    invite_token = secrets.token_urlsafe(16)
    db.session.add(
        Invitation(
            volunteer_id=invited.id,
            token_hash=invitation_hash(invite_token),
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(days=14),
        )
    )
    db.session.commit()

    # Planning: a summer programme at the home, with a post, a proposal, its run and a row.
    programme = factories.programme(kind="summer")
    programme.homes.append(home)
    programme.volunteers.append(mine)
    post = factories.post(programme, open_for_signup=True)
    plan = Plan(programme=programme, state="proposed")
    plan.assignments.append(
        Assignment(volunteer_id=mine.id, post_id=post.id, programme_id=programme.id)
    )
    db.session.add(plan)
    db.session.flush()
    run = SolveRun(programme_id=programme.id, status="done", plan_id=plan.id)
    db.session.add(run)
    # Self-service: the volunteer's confirmed sign-up on an open need, offered to the other.
    need, session = factories.open_need(home, max_headcount=3)
    signed_up = factories.assignment(mine, need=need, occurrence=session)
    other = db.session.scalar(
        select(Volunteer).where(Volunteer.user_id == users["other_volunteer"].id)
    )
    swap = SwapOffer(
        assignment_id=signed_up.id, from_volunteer_id=mine.id, to_volunteer_id=other.id
    )
    failed = OutboxMessage(
        to_address="someone@example.org", subject="提醒", body="明天见", status="failed"
    )
    db.session.add_all([swap, failed])
    db.session.commit()
    with app.test_request_context():
        feed_token = tokens.token_of(tokens.ensure("volunteer", mine.id, None))
    db.session.commit()

    with app.test_request_context():
        from webapp.blueprints.auth.registration import Registration, make_token

        register_token = make_token(
            Registration(
                email="new@example.org", name="新人", kind="teacher", phone=None, locale=None
            )
        )
    world.ids = {
        "home_id": home.id,
        "room_id": activity.id,
        "occurrence_id": occurrence.id,
        "closure_id": closure.id,
        "row_id": home.opening_hours[0].id,
        "volunteer_id": mine.id,
        "range_id": mine.date_ranges[0].id,
        "team_id": team.id,
        "child_id": child.id,
        "pairing_id": pairing.id,
        "user_id": users["volunteer"].id,
        "fmt": "csv",
        "programme_id": programme.id,
        "post_id": post.id,
        "plan_id": plan.id,
        "run_id": run.id,
        "assignment_id": plan.assignments[0].id,
        "need_id": need.id,
        "swap_id": swap.id,
        "message_id": failed.id,
        "goal_id": goal.id,
    }
    world.per_endpoint = {
        "children.time_remove": {"time_id": weekly_time.id},
        "volunteers.remove_weekly": {"slot_id": mine.weekly_availability[0].id},
        "homes.sign_up": {"occurrence_id": call.id, "slot_id": slot.id},
        "homes.clear_slot": {"occurrence_id": call.id, "slot_id": slot.id},
        "volunteers.import_preview": {"token": import_token},
        "volunteers.import_confirm": {"token": import_token},
        "volunteers.import_discard": {"token": import_token},
        "auth.accept_invitation": {"token": invite_token},
        "auth.finish_registration": {"token": register_token},
        "volunteers.invite": {"volunteer_id": invited.id},
        "opportunities.sign_up_need": {"occurrence_id": session.id},
        "schedule.event_ics": {"key": f"o{session.id}-n{need.id}"},
        "schedule.withdraw": {"assignment_id": signed_up.id},
        "schedule.offer_swap": {"assignment_id": signed_up.id},
        "schedule.take_back_swap": {"assignment_id": signed_up.id},
        "schedule.skip_date": {"assignment_id": signed_up.id},
        "schedule.decide_swap": {"decision": "cancel"},
        "feeds.feed": {"token": feed_token},
    }
    return world


def clients(app: Flask, world: World) -> dict[str, FlaskClient]:
    """A logged-in client per principal (anonymous: none)."""
    found = {"anonymous": app.test_client()}
    for principal, user in world.users.items():
        found[principal] = login(app.test_client(), user)
    return found

"""Who may use which route: one table, checked against the running app for every route of the URL
map, every method, and every principal. A route without a rule fails; so does a stale rule.

Outcomes: OK (the route did its work or refused the empty form: any status but the ones below),
LOGIN (a redirect to the login page that comes back here, or 401 for htmx), NO (403: the role may not), GONE (404:
another person's or another home's object, which must not even be confirmed to exist).

Adding a route: one line in RULES, with one of the rules below (or a new one).
"""

from __future__ import annotations

import pytest

from tests.conftest import empty_all_tables
from tests.world import PRINCIPALS, build, clients
from webapp.extensions import db

OK, LOGIN, NO, GONE = "ok", "login", "403", "404"


def rule(default: str, **outcomes: str) -> dict[str, str]:
    unknown = set(outcomes) - set(PRINCIPALS)
    assert not unknown, unknown
    return {principal: outcomes.get(principal, default) for principal in PRINCIPALS}


PUBLIC = rule(OK)
ANY_USER = rule(OK, anonymous=LOGIN)
ADMIN = rule(NO, anonymous=LOGIN, admin=OK)
COORDINATOR = rule(NO, anonymous=LOGIN, coordinator=OK)
COORDINATOR_OR_ADMIN = rule(NO, anonymous=LOGIN, coordinator=OK, admin=OK)
# Staff pages that list homes: each manager sees their own.
HOME_STAFF = rule(NO, anonymous=LOGIN, manager=OK, other_manager=OK, coordinator=OK, admin=OK)
# One home's pages and objects: its managers, coordinators and admins; another home's manager
# is told nothing (404).
THIS_HOME = rule(NO, anonymous=LOGIN, manager=OK, other_manager=GONE, coordinator=OK, admin=OK)
# Running the home (approving its bookings): its managers and admins, not coordinators.
RUNS_THIS_HOME = rule(NO, anonymous=LOGIN, manager=OK, other_manager=GONE, admin=OK)
# A volunteer's own profile, availability and pairing: the volunteer and coordinators; anyone
# else gets 404.
OWN = rule(GONE, anonymous=LOGIN, volunteer=OK, coordinator=OK)
# Self-service: any volunteer, for themselves.
SELF_SERVICE = rule(NO, anonymous=LOGIN, volunteer=OK, other_volunteer=OK)
# Self-service on one's own commitment: another volunteer is told nothing.
OWN_COMMITMENT = rule(NO, anonymous=LOGIN, volunteer=OK, other_volunteer=GONE)
# The list of open opportunities: volunteers, and staff who open them for sign-up.
OPPORTUNITIES = rule(
    NO, anonymous=LOGIN, volunteer=OK, other_volunteer=OK, coordinator=OK, admin=OK
)
# A team's calendar link: its members, coordinators and admins.
THIS_TEAM = rule(NO, anonymous=LOGIN, volunteer=OK, other_volunteer=GONE, coordinator=OK, admin=OK)
# A child's card: coordinators and admins, the managers of the child's home, the carer paired
# with the child; anyone else is told nothing (404).
THIS_CHILD = rule(GONE, anonymous=LOGIN, volunteer=OK, manager=OK, coordinator=OK, admin=OK)
# The card's care plan: its keepers (staff of the child), not the carer (403).
THIS_CHILDS_STAFF = rule(GONE, anonymous=LOGIN, volunteer=NO, manager=OK, coordinator=OK, admin=OK)
# An old address that moved: a permanent redirect for everyone (it confirms nothing); the new
# address decides who may see the page.
MOVED = rule(OK)

RULES: dict[str, dict[str, str]] = {
    # main
    "main.index": PUBLIC,
    "main.dashboard": ANY_USER,
    "main.healthz": PUBLIC,
    "main.readyz": PUBLIC,
    "main.favicon": PUBLIC,
    # auth (tokens in the URL are the credential; logged-in people are sent to the dashboard)
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "auth.finish_registration": PUBLIC,
    "auth.accept_invitation": PUBLIC,
    "auth.set_language": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.logout_everywhere": ANY_USER,
    "auth.account": ANY_USER,
    # admin
    "admin.users": ADMIN,
    "admin.update_roles": ADMIN,
    "admin.audit_log": ADMIN,
    # homes
    "homes.index": HOME_STAFF,
    "homes.roster": HOME_STAFF,
    "homes.new_home": COORDINATOR_OR_ADMIN,
    "homes.outbox": COORDINATOR_OR_ADMIN,
    "homes.detail": THIS_HOME,
    "homes.edit_home": THIS_HOME,
    "homes.add_room": THIS_HOME,
    "homes.update_room": THIS_HOME,
    "homes.hours": THIS_HOME,
    "homes.delete_hours": THIS_HOME,
    "homes.closures": THIS_HOME,
    "homes.delete_closure": THIS_HOME,
    "homes.week": THIS_HOME,
    # The home's printable week of video calls, and marking a call held (the world's home has
    # no published rota: the week list shows none, and there is no call to mark).
    "homes.video_calls": THIS_HOME,
    "homes.video_call_held": THIS_HOME,
    "homes.month": THIS_HOME,
    "homes.agenda": THIS_HOME,
    "homes.approvals": THIS_HOME,
    "homes.new_booking": THIS_HOME,
    "homes.occurrence": THIS_HOME,
    "homes.edit_event": THIS_HOME,
    "homes.move": THIS_HOME,
    "homes.cancel": THIS_HOME,
    "homes.cancel_series": THIS_HOME,
    "homes.approve": RUNS_THIS_HOME,
    "homes.decline": RUNS_THIS_HOME,
    "homes.sign_up": THIS_HOME,
    "homes.clear_slot": THIS_HOME,
    # volunteers: a volunteer's own things
    "volunteers.my_profile": ANY_USER,
    "volunteers.place_fields": ANY_USER,
    "volunteers.detail": OWN,
    "volunteers.edit": OWN,
    "volunteers.add_weekly": OWN,
    "volunteers.remove_weekly": OWN,
    "volunteers.add_range": OWN,
    "volunteers.remove_range": OWN,
    # volunteers: coordination
    "volunteers.index": COORDINATOR,
    "volunteers.export": COORDINATOR,
    "volunteers.create": COORDINATOR,
    "volunteers.invite": COORDINATOR,
    "volunteers.vetting": COORDINATOR,
    "volunteers.expiring": COORDINATOR,
    "volunteers.skills": COORDINATOR,
    "volunteers.import_upload": COORDINATOR,
    "volunteers.import_template": COORDINATOR,
    "volunteers.import_preview": COORDINATOR,
    "volunteers.import_confirm": COORDINATOR,
    "volunteers.import_discard": COORDINATOR,
    "volunteers.teams": COORDINATOR,
    "volunteers.team_new": COORDINATOR,
    "volunteers.team_detail": COORDINATOR,
    "volunteers.team_edit": COORDINATOR,
    "volunteers.team_candidates": COORDINATOR,
    "volunteers.team_add_member": COORDINATOR,
    "volunteers.team_remove_member": COORDINATOR,
    "volunteers.team_leader": COORDINATOR,
    # children: a pairing is its volunteer's (and coordinators'); the rest is coordination
    "children.pairing_detail": OWN,
    "children.pairing_log": OWN,
    "children.index": COORDINATOR,
    "children.pairing_new": COORDINATOR,
    "children.pairing_end": COORDINATOR,
    "children.child_new": COORDINATOR,
    "children.child_edit": COORDINATOR,
    "children.child_export": COORDINATOR,
    "children.child_erase": COORDINATOR,
    # children: coverage counts; a manager counts their own homes
    "children.coverage_page": HOME_STAFF,
    "children.coverage_xlsx": HOME_STAFF,
    "children.card_page": THIS_CHILD,
    "children.card_contact": THIS_CHILD,
    "children.goal_new": THIS_CHILDS_STAFF,
    "children.goal_edit": THIS_CHILDS_STAFF,
    # The card's video-call times and household: its keepers, not the carer.
    "children.time_add": THIS_CHILDS_STAFF,
    "children.time_remove": THIS_CHILDS_STAFF,
    "children.household_set": THIS_CHILDS_STAFF,
    "children.household_new": THIS_CHILDS_STAFF,
    "children.access_log": ADMIN,
    "children.mine": ANY_USER,
    "children.meetings_index": HOME_STAFF,
    "children.meeting_new": HOME_STAFF,
    "children.mine_contact": rule(GONE, anonymous=LOGIN, volunteer=OK, other_volunteer=OK),
    # children: their old addresses under /volunteers/
    **{
        f"children_moved.{name}": MOVED
        for name in [
            "index",
            "pairing_new",
            "pairing_detail",
            "pairing_log",
            "pairing_end",
            "child_new",
            "child_edit",
            "child_export",
            "child_erase",
        ]
    },
    # notifications
    "notifications.outbox": COORDINATOR_OR_ADMIN,
    "notifications.retry": COORDINATOR_OR_ADMIN,
    "notifications.sms_cap": ADMIN,
    # calendar feeds (the token in the URL is the credential)
    "feeds.feed": PUBLIC,
    "feeds.home_link": THIS_HOME,
    "feeds.rotate_home": THIS_HOME,
    "feeds.team_link": THIS_TEAM,
    "feeds.rotate_team": THIS_TEAM,
    # volunteers' self-service
    "opportunities.index": OPPORTUNITIES,
    "opportunities.open_need": THIS_HOME,
    "opportunities.sign_up_need": SELF_SERVICE,
    "opportunities.sign_up_post": SELF_SERVICE,
    "schedule.index": SELF_SERVICE,
    "schedule.service_worker": PUBLIC,
    "schedule.hours": SELF_SERVICE,
    "schedule.rotate_feed": SELF_SERVICE,
    "schedule.event_ics": OWN_COMMITMENT,
    "schedule.withdraw": OWN_COMMITMENT,
    "schedule.offer_swap": OWN_COMMITMENT,
    "schedule.skip_date": OWN_COMMITMENT,
    "schedule.take_back_swap": OWN_COMMITMENT,
    "schedule.decide_swap": OWN_COMMITMENT,
    # home-visit route sheets: coordinators and the pair's two visitors; the world's plan is no
    # home-visit plan, so 404 for everyone here (test_visit_routes.py checks each person).
    "planning.routes": rule(GONE, anonymous=LOGIN),
    "planning.visit_made": rule(GONE, anonymous=LOGIN),
    # A video-call rota's publish page, and the hand changes on the children's plans: the
    # world's plan is a summer plan with no calls or visits, so a coordinator gets 404.
    **{
        f"planning.{name}": rule(NO, anonymous=LOGIN, coordinator=GONE)
        for name in ["calls_publish", "move_call", "pin_call", "move_visit", "pin_visit"]
    },
    # planning: coordinators
    **{
        f"planning.{name}": COORDINATOR
        for name in [
            "index",
            "new_programme",
            "programme",
            "edit_programme",
            "candidates",
            "add_volunteer",
            "add_by_kind",
            "remove_volunteer",
            "set_teams",
            "new_post",
            "edit_post",
            "cancel_post",
            "post_signup",
            "need_signup",
            "add_session",
            "copy_programme",
            "solve",
            "replan",
            "run",
            "run_progress",
            "cancel",
            "plan",
            "add",
            "resolve",
            "keep_searching",
            "publish",
            "discard",
            "message",
            "export",
            "roster",
            "call_list",
            "call_list_csv",
            "pin",
            "forbid",
            "move",
            "remove",
            "withdraw",
        ]
    },
}


def _app_rules(app):
    # The app's pages all live in blueprints; other tests add bare test-only routes.
    return sorted(
        (r for r in app.url_map.iter_rules() if "." in r.endpoint), key=lambda r: r.endpoint
    )


def outcome(response) -> str:
    status = response.status_code
    if status == 401 or (300 <= status < 400 and "/auth/login?next=" in response.location):
        return LOGIN
    if status == 403:
        return NO
    if status == 404:
        return GONE
    if status >= 500:
        return f"{status}!"
    return OK


def test_every_route_has_exactly_one_declared_rule(app):
    endpoints = {r.endpoint for r in _app_rules(app)}
    assert sorted(endpoints - set(RULES)) == [], "declare who may use these routes in RULES"
    assert sorted(set(RULES) - endpoints) == [], "these rules name no route any more"


def test_every_route_answers_every_principal_as_declared(app):
    world = build(app)
    logged_in = clients(app, world)
    mismatches, checked = [], 0
    for url_rule in _app_rules(app):
        expected = RULES.get(url_rule.endpoint)
        if expected is None:
            continue  # reported by the test above
        for method in sorted(url_rule.methods & {"GET", "POST"}):
            for principal in PRINCIPALS:
                url = world.url(url_rule)
                response = logged_in[principal].open(url, method=method)
                checked += 1
                got = outcome(response)
                if got != expected[principal]:
                    mismatches.append(
                        (url_rule.endpoint, method, principal, expected[principal], got)
                    )
                if method == "POST" and response.status_code < 400 and got == OK:
                    # It did something (cancelled, deleted, logged out): start from a fresh world.
                    db.session.rollback()
                    empty_all_tables()
                    world = build(app)
                    logged_in = clients(app, world)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert checked >= len(RULES) * len(PRINCIPALS)


@pytest.mark.parametrize("principal", ["volunteer", "manager", "coordinator", "admin"])
def test_unknown_objects_are_404_for_everyone_allowed(app, principal):
    world = build(app)
    client = clients(app, world)[principal]
    found = []
    for url_rule in _app_rules(app):
        rule_of = RULES.get(url_rule.endpoint)  # a missing rule is reported by the test above
        if rule_of is None or not (set(url_rule.arguments) - {"fmt"}) or rule_of[principal] != OK:
            continue
        if rule_of is MOVED:
            continue  # redirects without looking: the new address answers 404
        if url_rule.endpoint in ("auth.finish_registration", "auth.accept_invitation"):
            continue  # logged-in people are sent to the dashboard before the token is read
        for method in sorted(url_rule.methods & {"GET", "POST"}):
            response = client.open(world.url(url_rule, unknown=True), method=method)
            if response.status_code != 404:
                found.append((url_rule.endpoint, method, response.status_code))
    assert found == []

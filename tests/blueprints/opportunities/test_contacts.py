"""Whom a volunteer asks about an assignment."""

from __future__ import annotations

from tests import factories
from webapp.blueprints.opportunities.contacts import contact_text, contacts_for, unique_people


def test_each_person_is_named_once_in_the_order_first_named(app):
    a, b = factories.user(name="甲"), factories.user(name="乙")
    assert unique_people([a, None, b, a]) == [a, b]


def test_an_event_names_its_organiser_then_the_homes_managers(app):
    manager = factories.user(roles=("home_manager",), name="王老师")
    organiser = factories.user(roles=("coordinator",), name="组织者")
    need, occurrence = factories.open_need(factories.home(managers=(manager,)))
    need.event.organiser = organiser
    volunteer = factories.volunteer()
    signed_up = factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    assert contacts_for(signed_up) == [organiser, manager]
    assert contact_text([organiser]) == f"组织者 ({organiser.email})"


def test_nobody_known_falls_back_to_a_coordinator(app, english_request):
    assert contact_text([]) == "a coordinator"
    coordinator = factories.user(roles=("coordinator",))
    post = factories.post(factories.programme())
    assert contacts_for(factories.assignment(factories.volunteer(), post_id=post.id)) == [
        coordinator
    ]

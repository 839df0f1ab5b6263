"""Pairing rules: consent, clearance, the per-parent limit, one parent per child, the care log and
overdue duties, and who sees a pairing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories
from webapp import clock
from webapp.blueprints.children import pairing
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db

pytestmark = pytest.mark.usefixtures("english_request")


def test_a_child_under_14_cannot_be_paired_without_recorded_consent(app):
    parent = factories.volunteer(kind="surrogate_parent")
    child = factories.child(age_band="6_to_9", consent=False)
    with pytest.raises(RuleError) as error:
        pairing.pair(parent, child)
    assert error.value.field == "child_id"
    teen = factories.child(age_band="14_to_17", consent=False)
    assert pairing.pair(parent, teen).child_id == teen.id


def test_only_a_cleared_surrogate_parent_can_be_paired(app):
    child = factories.child()
    teacher = factories.volunteer(kind="teacher")
    with pytest.raises(RuleError):
        pairing.pair(teacher, child)
    lapsed = factories.volunteer(kind="surrogate_parent")
    lapsed.expires_on = clock.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(RuleError) as error:
        pairing.pair(lapsed, child)
    assert "expired" in error.value.message


def test_pairing_limit_is_configurable(app):
    parent = factories.volunteer(kind="surrogate_parent")
    for _ in range(3):
        pairing.pair(parent, factories.child())
    with pytest.raises(RuleError):
        pairing.pair(parent, factories.child())
    app.config["PAIRING_MAX_CHILDREN"] = 4
    try:
        pairing.pair(parent, factories.child())
    finally:
        app.config.pop("PAIRING_MAX_CHILDREN")


def test_a_child_has_one_surrogate_parent_at_a_time(app):
    child = factories.child()
    pairing.pair(factories.volunteer(kind="surrogate_parent"), child)
    db.session.commit()
    with pytest.raises(RuleError):
        pairing.pair(factories.volunteer(kind="surrogate_parent"), child)


def test_care_log_rejects_future_dates_and_long_notes(app):
    found = factories.pairing()
    author = factories.user()
    today = clock.today()
    with pytest.raises(RuleError):
        pairing.add_care_log(
            found, happened_on=today + timedelta(days=1), kind="talk", note="", author=author
        )
    with pytest.raises(RuleError):
        pairing.add_care_log(
            found, happened_on=clock.today(), kind="talk", note="很" * 201, author=author
        )
    log = pairing.add_care_log(
        found, happened_on=clock.today(), kind="visit", note="家访\n顺利", author=author
    )
    assert log.note == "家访 顺利"


def test_overdue_duties_after_10_days_without_talk_and_35_without_visit(app):
    today = date(2026, 6, 1)
    fine = factories.pairing(started_on=today - timedelta(days=100))
    factories.care_log(pairing=fine, kind="talk", happened_on=today - timedelta(days=3))
    factories.care_log(pairing=fine, kind="visit", happened_on=today - timedelta(days=20))
    late = factories.pairing(started_on=today - timedelta(days=100))
    factories.care_log(pairing=late, kind="talk", happened_on=today - timedelta(days=11))
    factories.care_log(pairing=late, kind="visit", happened_on=today - timedelta(days=36))
    fresh = factories.pairing(started_on=today - timedelta(days=5))
    overdue = pairing.duty_statuses(today=today, only_overdue=True)
    assert [s.pairing.id for s in overdue] == [late.id]
    assert overdue[0].talk_overdue_days == 11 and overdue[0].visit_overdue_days == 36
    assert fresh.id in {s.pairing.id for s in pairing.duty_statuses(today=today)}


def test_volunteer_sees_only_their_own_pairings(app):
    from werkzeug.exceptions import NotFound

    owner_user = factories.user()
    owner = factories.volunteer(kind="surrogate_parent", user=owner_user)
    found = factories.pairing(volunteer=owner)
    stranger = factories.user()
    factories.volunteer(user=stranger)
    assert pairing.visible_pairing(found.id, owner_user) == found
    with pytest.raises(NotFound):
        pairing.visible_pairing(found.id, stranger)
    assert pairing.visible_pairing(found.id, factories.user(roles=["coordinator"])) == found

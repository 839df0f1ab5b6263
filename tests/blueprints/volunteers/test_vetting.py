"""Vetting rules: who may change it, clearance dates, expiry, the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp.blueprints.volunteers import listing, vetting
from webapp.blueprints.volunteers.list_filters import VolunteerFilters
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import AuditLog

pytestmark = pytest.mark.usefixtures("english_request")


TODAY = date(2026, 6, 1)


def test_default_expiry_is_two_years_and_handles_29_february():
    assert vetting.default_expiry(date(2026, 3, 5)) == date(2028, 3, 5)
    assert vetting.default_expiry(date(2024, 2, 29)) == date(2026, 2, 28)


def test_clearing_defaults_the_expiry_to_two_years_and_is_audited(app):
    coordinator = factories.user(roles=["coordinator"])
    volunteer = factories.volunteer(cleared=False)
    vetting.set_vetting(
        volunteer,
        status="cleared",
        cleared_on=date(2026, 5, 1),
        expires_on=None,
        note="无犯罪记录证明",
        actor=coordinator,
        today=TODAY,
    )
    db.session.commit()
    assert volunteer.expires_on == date(2028, 5, 1)
    assert volunteer.checked_by_id == coordinator.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "volunteer.vetting"))
    assert entry.before["status"] == "none"
    assert entry.after["status"] == "cleared"
    assert entry.actor_id == coordinator.id


def test_only_coordinators_may_change_vetting(app):
    from werkzeug.exceptions import Forbidden

    volunteer_user = factories.user(roles=["volunteer"])
    volunteer = factories.volunteer(user=volunteer_user, cleared=False)
    with pytest.raises(Forbidden):
        vetting.set_vetting(
            volunteer,
            status="cleared",
            cleared_on=None,
            expires_on=None,
            note="",
            actor=volunteer_user,
        )


def test_an_expired_clearance_does_not_count_as_cleared(app):
    volunteer = factories.volunteer(cleared=False)
    volunteer.vetting_status = "cleared"
    volunteer.cleared_on = TODAY - timedelta(days=800)
    volunteer.expires_on = TODAY - timedelta(days=70)
    db.session.commit()
    assert not volunteer.is_cleared(TODAY)
    cleared = listing.search_volunteers(VolunteerFilters(vetting="cleared"), today=TODAY)
    expired = listing.search_volunteers(VolunteerFilters(vetting="expired"), today=TODAY)
    assert volunteer.id not in {row.id for row in cleared.items}
    assert volunteer.id in {row.id for row in expired.items}


def test_clearance_dates_are_checked(app):
    coordinator = factories.user(roles=["coordinator"])
    volunteer = factories.volunteer(cleared=False)
    with pytest.raises(RuleError) as error:
        vetting.set_vetting(
            volunteer,
            status="cleared",
            cleared_on=date(2026, 5, 1),
            expires_on=date(2026, 4, 1),
            note="",
            actor=coordinator,
            today=TODAY,
        )
    assert error.value.field == "expires_on"
    with pytest.raises(RuleError) as error:
        vetting.set_vetting(
            volunteer,
            status="cleared",
            cleared_on=TODAY + timedelta(days=1),
            expires_on=None,
            note="",
            actor=coordinator,
            today=TODAY,
        )
    assert error.value.field == "cleared_on"


def test_expiring_list_holds_clearances_ending_within_30_days_only(app):
    soon = factories.volunteer(name="快到期")
    soon.expires_on = TODAY + timedelta(days=12)
    later = factories.volunteer(name="还早")
    later.expires_on = TODAY + timedelta(days=90)
    lapsed = factories.volunteer(name="已过期")
    lapsed.expires_on = TODAY - timedelta(days=1)
    db.session.commit()
    assert vetting.expiring_clearances(today=TODAY) == [soon]

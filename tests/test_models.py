from datetime import date, timedelta

import pytest

from tests import factories
from webapp.models import Volunteer


def test_user_roles_reject_unknown_codes(app):
    user = factories.user()
    with pytest.raises(ValueError):
        user.set_roles({"superuser"})


def test_expired_clearance_does_not_count_as_cleared():
    today = date(2026, 11, 23)
    volunteer = Volunteer(vetting_status="cleared", expires_on=today - timedelta(days=1))
    assert not volunteer.is_cleared(today)
    volunteer.expires_on = today
    assert volunteer.is_cleared(today)
    volunteer.vetting_status = "pending"
    assert not volunteer.is_cleared(today)


def test_timestamps_come_back_timezone_aware(app):
    user = factories.user()
    assert user.created_at.tzinfo is not None

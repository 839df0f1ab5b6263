"""The demo county gives the volunteer log-in something to sign up for, and something full."""

from __future__ import annotations

from sqlalchemy import select

from webapp.blueprints.opportunities import services
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import User, Volunteer


def test_demo_volunteer_sees_an_open_place_and_a_full_one(app):
    load_demo_county()
    db.session.commit()
    user = User.by_email("volunteer@example.org")
    her = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    with app.test_request_context("/"):
        can, cannot = services.opportunities(her, services.Filters())
    open_ones = [o for o in can if o.mine is None and o.free > 0]
    full_ones = [o for o in can if o.mine is None and o.free == 0]
    assert open_ones and full_ones
    assert any(o.mine is not None for o in can)  # one date is already hers
    assert cannot and all(o.reasons for o in cannot)
    load_demo_county()  # idempotent

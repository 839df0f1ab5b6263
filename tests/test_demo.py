from sqlalchemy import func, select

from tests.conftest import AuthActions
from webapp.demo import DEMO_ACCOUNTS, load_demo_county
from webapp.extensions import db
from webapp.models import AuditLog, Home, Place, Room, Team, User, Volunteer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> dict:
    return {m.__name__: _count(m) for m in (Place, Home, Room, Volunteer, Team, User, AuditLog)}


def test_demo_county_has_the_promised_shape(app):
    result = load_demo_county()
    db.session.commit()
    assert result.created
    assert db.session.scalar(select(func.count()).where(Place.kind == "township")) == 3
    assert _count(Home) == 6 and _count(Team) == 8
    assert 110 <= _count(Volunteer) <= 130
    kinds = set(db.session.scalars(select(Volunteer.kind).distinct()))
    assert kinds == {"surrogate_parent", "teacher", "college_student", "community"}
    assert all(len(team.memberships) >= 4 for team in db.session.scalars(select(Team)))


def test_loading_the_demo_twice_changes_nothing(app):
    load_demo_county()
    db.session.commit()
    before = _snapshot()
    assert not load_demo_county().created
    db.session.commit()
    assert _snapshot() == before


def test_every_demo_account_can_log_in_with_the_demo_password(app):
    load_demo_county()
    db.session.commit()
    for email, _name, roles in DEMO_ACCOUNTS:
        client = app.test_client()
        response = AuthActions(client).login(email, app.config["DEMO_PASSWORD"])
        assert response.status_code == 303, email
        assert User.by_email(email).roles == roles


def test_each_demo_account_has_its_own_salted_hash(app):
    load_demo_county()
    db.session.commit()
    emails = [email for email, _name, _roles in DEMO_ACCOUNTS]
    hashes = list(db.session.scalars(select(User.password_hash).where(User.email.in_(emails))))
    assert len(hashes) == len(emails) == len(set(hashes))
    assert all(h.startswith("$argon2id$") for h in hashes)

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import AuthActions
from webapp import clock
from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.adapter import results
from webapp.demo import DEMO_ACCOUNTS, load_demo_county
from webapp.extensions import db
from webapp.models import AuditLog, Home, Place, Programme, Room, Team, User, Volunteer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> dict:
    return {m.__name__: _count(m) for m in (Place, Home, Room, Volunteer, Team, User, AuditLog)}


def test_demo_county_has_the_promised_shape(app):
    result = load_demo_county()
    db.session.commit()
    assert result.created
    assert db.session.scalar(select(func.count()).where(Place.kind == "township")) == 3
    # The county's own teams and people (the large programme's students come from the city).
    teams = db.session.scalars(select(Team).where(Team.name.not_like("%暑期服务%队"))).all()
    assert _count(Home) == 6 and len(teams) == 8
    county = select(func.count()).where(Volunteer.email.not_like("%@students.example.org"))
    assert 110 <= db.session.scalar(county) <= 130
    kinds = set(db.session.scalars(select(Volunteer.kind).distinct()))
    assert kinds == {"surrogate_parent", "teacher", "college_student", "community"}
    assert all(len(team.memberships) >= 4 for team in teams)


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


def test_the_demo_volunteer_has_served_sessions_to_count_in_hours_records(app):
    """The term began weeks ago: its past dates were served, so hours records can be tried."""
    load_demo_county()
    db.session.commit()
    client = app.test_client()
    AuthActions(client).login("volunteer@example.org", app.config["DEMO_PASSWORD"])
    page = client.get("/me/schedule").get_data(as_text=True)
    hours = page[page.index('id="hours"') :]
    assert "还没有服务时长记录" not in hours and "No hours served yet." not in hours
    csv = client.get("/me/schedule/hours.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = csv.strip().splitlines()[1:-1]  # the header, the sessions, the total
    assert len(rows) >= 3 and all("李秀兰" in row for row in rows)
    published = db.session.scalar(select(Programme).where(Programme.state == "published"))
    assert published.starts_on < clock.today() - timedelta(weeks=4)


def test_the_demo_has_a_programme_large_enough_to_watch_a_solve(app):
    """A city-wide summer: a short solve finds a plan but cannot prove it best, so a solve
    from its page runs on (progress, Cancel) until its time limit."""
    load_demo_county()
    db.session.commit()
    large = db.session.scalar(select(Programme).where(Programme.name.like("%全市大学生%")))
    assert large.state == "draft" and large.kind == "summer"
    people = len(large.volunteers) + sum(len(t.memberships) for t in large.teams)
    assert people >= 250 and len(large.posts) >= 40 and len(large.teams) >= 20
    with app.test_request_context("/"):
        built = adapter.build(large)
        result = results.solve_built(built, {"time_limit": 30, "deterministic_time": 1.0})
    assert result.status == "feasible" and result.assignments

from sqlalchemy import func, select

from webapp import clock
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import CallSlot, Event, Home, Occurrence, OpeningHours


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_county_has_timetables_events_and_a_weekly_video_call(app):
    load_demo_county()
    db.session.commit()
    homes = db.session.scalars(select(Home)).all()
    assert all(home.opening_hours for home in homes)
    labels = {row.label for row in db.session.scalars(select(OpeningHours))}
    # Term and summer hours, and the video-call room's evening hours (planning/demo_children.py).
    assert labels == {"学期", "暑期", "亲情视频"}
    video = db.session.scalar(select(Event).where(Event.title == "周六亲情视频"))
    assert video.weekdays == "5" and len(video.occurrences) >= 10
    assert count(CallSlot) >= 40
    assert count(Occurrence, Occurrence.status == "requested") >= 1
    assert count(Event) >= 5


def test_demo_homes_load_only_once(app):
    load_demo_county()
    db.session.commit()
    before = count(Occurrence)
    from webapp.blueprints.homes.demo import load_demo_homes

    homes = db.session.scalars(select(Home)).all()
    load_demo_homes(homes, homes[0].managers[0], homes[0].managers[0], None)
    assert count(Occurrence) == before


def test_demo_series_skip_the_new_year_closure(app):
    from datetime import date

    from webapp.blueprints.homes.availability import to_local

    load_demo_county()
    db.session.commit()
    tutoring = db.session.scalar(select(Event).where(Event.title == "数学作业辅导"))
    home = tutoring.home
    days = {to_local(home, o.starts_at).date() for o in tutoring.occurrences}
    new_year = date(clock.today().year + 1, 1, 1)
    assert [c.reason for c in home.closures] == ["元旦放假"]
    assert not any(new_year <= d <= new_year.replace(day=3) for d in days)

"""Rules hold when requests race: confirming an import twice at once writes once (the pairing
races are in tests/blueprints/children/test_races.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.blueprints.volunteers.test_views import HEADER, upload
from tests.concurrency import clones, race
from webapp.extensions import db
from webapp.models import AuditLog, Volunteer

THREADS = 10


def test_confirming_an_import_twice_at_once_writes_one_set_of_rows(app, coordinator_client):
    rows = "".join(f"志愿者{n},teacher,138000005{n:02d},,\n" for n in range(20))
    preview_url = upload(coordinator_client, (HEADER + rows).encode()).headers["Location"]
    statuses = race(
        app,
        lambda c, _i: c.post(preview_url + "/confirm"),
        4,
        clients=clones(app, coordinator_client, 4),
    )
    assert statuses == [303] * 4
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 20
    imports = select(func.count()).where(AuditLog.action == "volunteer.import")
    assert db.session.scalar(imports) == 1

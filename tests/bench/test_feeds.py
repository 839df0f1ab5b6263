"""The feed benchmark runs through the app with any request counts, and cleans up after itself."""

from __future__ import annotations

import json

from sqlalchemy import select

from webapp.bench import feeds as bench
from webapp.extensions import db
from webapp.models import Home, Volunteer


def test_no_conditional_requests_give_null_figures_not_a_division_by_zero(app, capsys):
    bench.run(events=4, full_requests=2, conditional_requests=0)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {line["bench"]: line for line in lines}
    assert by_name["feed_full"]["requests"] == 2
    assert by_name["feed_full"]["requests_per_second"] > 0
    for name in ("feed_conditional_304_rebuilt", "feed_conditional_304"):
        assert by_name[name]["requests"] == 0
        assert by_name[name]["requests_per_second"] is None
        assert by_name[name]["p50_ms"] is None and by_name[name]["p95_ms"] is None
    assert db.session.scalars(select(Home).where(Home.name == bench.HOME_NAME)).all() == []
    assert db.session.scalars(select(Volunteer).where(Volunteer.email == bench.EMAIL)).all() == []


def test_a_few_conditional_requests_are_timed_as_304s(app, capsys):
    bench.run(events=3, full_requests=1, conditional_requests=4)
    lines = {
        json.loads(line)["bench"]: json.loads(line) for line in capsys.readouterr().out.splitlines()
    }
    assert lines["feed_conditional_304_rebuilt"]["requests"] == 1
    assert lines["feed_conditional_304"]["requests"] == 4
    assert lines["feed_conditional_304"]["p95_ms"] >= lines["feed_conditional_304"]["p50_ms"] > 0

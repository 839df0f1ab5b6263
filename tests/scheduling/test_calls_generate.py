import json

from webapp.scheduling import bench
from webapp.scheduling.calls_generate import video_call_instance


def test_the_same_seed_gives_the_same_instance_and_another_seed_another():
    assert video_call_instance(seed=4) == video_call_instance(seed=4)
    assert video_call_instance(seed=4) != video_call_instance(seed=5)


def test_the_county_has_twelve_homes_of_two_rooms_and_three_hundred_children():
    p = video_call_instance(seed=1)
    assert len(p.rooms) == 24 and len({r.home_id for r in p.rooms}) == 12
    children = [c for f in p.families for c in f.child_ids]
    assert len(children) == len(set(children)) == 300
    assert len(p.families) < 300  # some siblings call together
    assert any(f.last_slot for f in p.families) and any(f.missed_weeks for f in p.families)
    assert set(p.duty_hours) == {r.home_id for r in p.rooms}


def test_the_benchmark_row_reports_proof_greedy_and_reasons(capsys, monkeypatch):
    small = (lambda s: video_call_instance(2, 40, s), 5.0, "optimal")
    monkeypatch.setitem(bench.GENERATED, "video-calls", small)
    assert bench.main(["generate", "--which", "video-calls", "--seed", "2"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["instance"] == "generated-video-calls" and row["status"] == "optimal"
    assert row["violations"] == 0 and row["greedy_objective"] >= row["objective"]
    assert row["unplaced"] == sum(row["reasons"].values())

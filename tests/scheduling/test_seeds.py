import json

import pytest

from webapp.scheduling import bench
from webapp.scheduling.generate import posts_instance, tutoring_instance
from webapp.scheduling.seeds import markdown, parse_seeds, summarise_family


def test_seed_ranges_lists_and_mixes_are_read_in_order_without_repeats():
    assert parse_seeds("101-103") == [101, 102, 103]
    assert parse_seeds("5,3,5") == [5, 3]
    assert parse_seeds("1-2, 7") == [1, 2, 7]
    with pytest.raises(ValueError):
        parse_seeds("9-3")
    with pytest.raises(ValueError):
        parse_seeds(" , ")


def row(seed, status, seconds, gap, unfilled=0, bound=0):
    return {
        "seed": seed,
        "status": status,
        "seconds": seconds,
        "gap": gap,
        "objective": 1.0,
        "unfilled_min": unfilled,
        "unfilled_min_bound": bound,
        "beats_greedy": True,
        "violations": 0,
    }


def test_a_family_with_one_unproven_run_has_no_worst_time_and_misses_its_goal():
    rows = [row(1, "optimal", 2.0, 0.0), row(2, "optimal", 4.0, 0.0), row(3, "feasible", 15, 0.09)]
    s = summarise_family("generated-tutoring", rows, 15.0, "optimal")
    assert s["proven"] == 2 and s["median_seconds_to_optimal"] == 3.0
    assert s["worst_seconds_to_optimal"] is None and s["worst_gap"] == 0.09
    assert s["goal_met"] is False
    assert "> 15.0" in markdown([s])


def test_unfilled_minimums_above_their_bound_are_counted_as_maybe_fillable():
    rows = [row(1, "feasible", 60, 0.004, unfilled=6, bound=5), row(2, "optimal", 9, 0.0, 3, 3)]
    s = summarise_family("generated-summer-large", rows, 60.0, "gap<=1%")
    assert s["goal_met"] is True
    assert (s["unfilled_min_total"], s["unfilled_min_bound_total"]) == (9, 8)
    assert s["runs_unfilled_above_bound"] == 1


def test_the_bare_command_runs_each_family_over_the_seeds_and_summarises(
    monkeypatch, capsys, tmp_path
):
    # Small instances of both models stand in for the county sizes (same code path).
    monkeypatch.setitem(
        bench.GENERATED, "tutoring", (lambda s: tutoring_instance(30, 12, s), 5.0, "optimal")
    )
    monkeypatch.setitem(
        bench.GENERATED, "summer", (lambda s: posts_instance(20, 4, 1, s), 5.0, "optimal")
    )
    assert (
        bench.main(["--data", str(tmp_path), "--seeds", "101-102", "--which", "tutoring,summer"])
        == 0
    )
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    runs = [x for x in lines if "summary" not in x]
    assert [(r["instance"], r["seed"]) for r in runs] == [
        ("generated-tutoring", 101),
        ("generated-tutoring", 102),
        ("generated-summer", 101),
        ("generated-summer", 102),
    ]
    assert all(r["violations"] == 0 and r["unfilled_min_bound"] is not None for r in runs)
    summaries = {x["summary"]: x for x in lines if "summary" in x}
    assert set(summaries) == {"generated-tutoring", "generated-summer"}  # no GAP data here
    assert summaries["generated-tutoring"]["runs"] == 2
    assert "| generated-summer | 2 |" in out.err


def test_an_unknown_family_is_refused_with_the_known_names(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--which", "winter"])
    assert "summer-large" in capsys.readouterr().err


def test_a_family_without_minimums_reports_families_left_without_a_slot():
    rows = [row(1, "optimal", 0.4, 0.0, None, None) | {"unplaced": 3}]
    rows.append(row(2, "optimal", 0.6, 0.0, None, None) | {"unplaced": 5})
    s = summarise_family("generated-video-calls", rows, 5.0, "optimal")
    assert s["goal_met"] and s["unfilled_min_total"] is None
    assert (s["unplaced_total"], s["unplaced_worst"], s["runs_without_unfilled_bound"]) == (8, 5, 0)
    assert "| 8 families unplaced |" in markdown([s])


def test_home_visit_rows_summarise_households_visited_and_red_left():
    rows = [
        row(1, "feasible", 60, 0.05) | {"visited": 2000, "red_visited": 300, "red": 300},
        row(2, "feasible", 60, 0.2) | {"visited": 1990, "red_visited": 299, "red": 300},
    ]
    for r in rows:
        r["unfilled_min"] = r["unfilled_min_bound"] = None
    s = summarise_family("generated-home-visits", rows, 60.0, "gap<=1%")
    assert (s["median_visited"], s["worst_visited"], s["worst_red_unvisited"]) == (1995, 1990, 1)
    assert s["median_gap"] == 0.125 and s["goal_met"] is False
    assert "visited: median 1995" in markdown([s])

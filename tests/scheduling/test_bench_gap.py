import json
from pathlib import Path

import pytest
from conftest import FAST

from webapp.scheduling import solve
from webapp.scheduling.bench import DEFAULT_DATA, main
from webapp.scheduling.gap import GapInstance, gap_problem, read_gap

# A 2-agent, 3-job GAP small enough to check by hand: agent 1 can hold jobs worth 5 units.
TINY = GapInstance(2, 3, cost=((1, 4, 3), (5, 2, 6)), load=((2, 3, 3), (2, 2, 2)), capacity=(5, 4))


def test_tiny_gap_is_solved_to_its_hand_checked_optimum_in_both_senses():
    low = solve(gap_problem(TINY, "min"), FAST)
    assert low.status == "optimal" and low.objective == 1 + 3 + 2
    high = solve(gap_problem(TINY, "max"), FAST)
    assert high.status == "optimal" and -high.objective == 4 + 5 + 6 - 0  # job2->a1,1&3->a2


def test_reader_handles_both_file_layouts(tmp_path: Path):
    one = tmp_path / "x05100"
    one.write_text("2 3\n1 4 3\n5 2 6\n2 3 3\n2 2 2\n5 4")
    many = tmp_path / "gapx.txt"
    many.write_text(" 2\n 2 3 1 4 3 5 2 6 2 3 3 2 2 2 5 4\n2 3 1 4 3 5 2 6 2 3 3 2 2 2 5 4")
    assert read_gap(one) == [TINY]
    assert read_gap(many) == [TINY, TINY]


@pytest.mark.skipif(not (DEFAULT_DATA / "gap" / "gap1.txt").exists(), reason="no benchdata")
def test_gap1_problem1_matches_or_library_in_both_senses(capsys):
    main(["gap", str(DEFAULT_DATA / "gap" / "gap1.txt"), "--problem", "1"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["sense"], r["status"], r["objective"]) for r in rows] == [
        ("min", "optimal", 261),
        ("max", "optimal", 336),
    ]
    assert set(rows[0]) >= {"instance", "problem", "status", "objective", "bound", "gap", "seconds"}

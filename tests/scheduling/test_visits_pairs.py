"""Forming pairs: a cleared member in each, one woman and one man when asked, only the days both
are free, nobody in two pairs, the most pair-days, and a reason for everyone left unpaired."""

from __future__ import annotations

from datetime import date

from webapp.scheduling.visits import Visitor, VisitRules, form_pairs
from webapp.scheduling.visits_pairs import pairing

D = tuple(date(2026, 7, 13 + i) for i in range(4))


def test_every_pair_has_a_cleared_member_and_only_shared_days():
    people = (
        Visitor("a", D[:3], cleared=True),
        Visitor("b", D[1:], cleared=False),
        Visitor("c", D, cleared=False),
        Visitor("d", D[:2], cleared=True),
    )
    pairs = form_pairs(people, VisitRules())
    by_id = {v.id: v for v in people}
    assert len(pairs) == 2
    members = [m for p in pairs for m in p.member_ids]
    assert sorted(members) == ["a", "b", "c", "d"]
    for p in pairs:
        a, b = (by_id[m] for m in p.member_ids)
        assert a.cleared or b.cleared
        assert set(p.days) == set(a.days) & set(b.days)
    # Both ways to pair all four give 4 pair-days (a+c 3 and d+b 1, or a+b 2 and d+c 2).
    assert sum(len(p.days) for p in pairs) == 4


def test_mixed_pairs_take_one_woman_and_one_man():
    people = (
        Visitor("f1", D, cleared=True, sex="f"),
        Visitor("f2", D, cleared=True, sex="f"),
        Visitor("m1", D, cleared=False, sex="m"),
    )
    result = pairing(people, VisitRules(mixed_pairs=True))
    assert len(result.pairs) == 1
    pair = result.pairs[0]
    assert {m[0] for m in pair.member_ids} == {"f", "m"}
    assert [e.target_id for e in result.unpaired] == ["f2"]
    assert result.unpaired[0].key == "visitor_left_over"


def test_two_uncleared_people_do_not_pair_and_are_told_why():
    people = (Visitor("x", D, cleared=False), Visitor("y", D, cleared=False))
    result = pairing(people, VisitRules())
    assert result.pairs == ()
    assert {e.key for e in result.unpaired} == {"visitor_no_partner"}
    assert "cleared" in result.unpaired[0].text["en"] and result.unpaired[0].text["zh_CN"]


def test_people_without_a_shared_day_do_not_pair():
    people = (Visitor("x", D[:1], cleared=True), Visitor("y", D[1:], cleared=True))
    assert form_pairs(people, VisitRules()) == ()


def test_the_pair_sets_out_from_its_cleared_members_base():
    from webapp.scheduling import Location

    home, school = Location(29.0, 110.0, "home"), Location(29.1, 110.1, "school")
    people = (
        Visitor("x", D, cleared=False, base=home, transport="walk"),
        Visitor("y", D, cleared=True, base=school, transport="car"),
    )
    (pair,) = form_pairs(people, VisitRules())
    assert pair.base == school and pair.transport == "car"


def test_the_same_people_always_give_the_same_pairs():
    people = tuple(
        Visitor(f"v{i}", D[: 1 + i % 4], cleared=i % 3 != 0, sex="fm"[i % 2]) for i in range(30)
    )
    assert form_pairs(people, VisitRules()) == form_pairs(people, VisitRules())

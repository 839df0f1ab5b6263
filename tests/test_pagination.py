"""Paging helpers: pages are clamped, never an error; rows in groups are paged by rows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webapp.pagination import bounds, page_of, page_of_groups


def test_page_numbers_out_of_range_are_clamped():
    assert bounds(0, 5, 10) == (1, 1)
    assert bounds(21, 0, 10) == (1, 3)
    assert bounds(21, 9, 10) == (3, 3)


def test_a_page_of_a_list_holds_its_slice_and_the_totals():
    page = page_of(list(range(25)), 3, per_page=10)
    assert (page.items, page.total, page.page, page.pages) == ([20, 21, 22, 23, 24], 25, 3, 3)


@given(st.lists(st.integers(0, 5), max_size=12), st.integers(-2, 20), st.integers(1, 7))
def test_groups_paged_by_rows_show_exactly_the_rows_of_the_page(sizes, page, per_page):
    groups = [[(g, r) for r in range(n)] for g, n in enumerate(sizes)]
    got, first = page_of_groups(groups, sizes, page, per_page)
    every = [row for g in groups for row in g]
    start = (got.page - 1) * per_page
    shown = [row for g in got.items for row in g][first : first + per_page]
    assert shown == every[start : start + per_page]
    assert got.total == len(every)

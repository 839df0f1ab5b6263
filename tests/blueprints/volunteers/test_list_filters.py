"""The volunteer list's filters: read from the query string, dropped when unknown, and written
back to it unchanged."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from webapp.blueprints.volunteers import list_filters
from webapp.blueprints.volunteers.list_filters import VolunteerFilters


def test_bad_query_string_values_are_dropped_not_errors(app):
    filters = list_filters.filters_from_args(
        {
            "kind": "wizard",
            "vetting": "x",
            "team": "1; drop",
            "sort": "password",
            "dir": "sideways",
            "page": "-4",
            "available_from": "2026-13-40",
            "available_to": "2026-07-01",
        }
    )
    assert filters.kind == filters.vetting == filters.team == ""
    assert (filters.sort, filters.direction, filters.page) == ("name", "asc", 1)
    assert filters.available_from == filters.available_to == date(2026, 7, 1)


filters_strategy = st.builds(
    VolunteerFilters,
    q=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs")), max_size=10),
    kind=st.sampled_from(["", "teacher", "surrogate_parent"]),
    vetting=st.sampled_from(["", "cleared", "expired"]),
    team=st.sampled_from(["", "none", "7"]),
    skill=st.sampled_from(["", "math"]),
    available_from=st.none(),
    available_to=st.none(),
    sort=st.sampled_from(list(list_filters.SORTS)),
    direction=st.sampled_from(["asc", "desc"]),
    page=st.integers(1, 500),
)


@given(filters_strategy)
def test_filters_survive_a_trip_through_the_query_string(filters):
    assert list_filters.filters_from_args(filters.query_args()) == filters


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 10, 1)), st.integers(0, 60))
def test_date_filters_survive_a_trip_through_the_query_string(start, days):
    filters = VolunteerFilters(available_from=start, available_to=start + timedelta(days=days))
    assert list_filters.filters_from_args(filters.query_args()) == filters

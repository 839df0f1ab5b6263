"""Hostile input is refused in one place (webapp.inputs): control characters anywhere, dates off
the calendar, ids beyond 32 bits, unknown time zones; and stored text never breaks an export."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories
from tests.blueprints.homes.helpers import booking_form, next_monday
from webapp import inputs
from webapp.extensions import db
from webapp.models import Closure, Home, Occurrence, Volunteer
from webapp.models.children import Child

HX = {"HX-Request": "true"}


def _volunteer_form(**overrides) -> dict:
    data = {
        "kind": "community",
        "name": "王丽",
        "phone": "13800000001",
        "transport_mode": "bus",
        "max_travel_minutes": "30",
        "max_sessions_per_week": "2",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("bad", ["\x00", "\x0b", "\x1b[31m", "\x7f", "\u0085"])
def test_a_control_character_in_a_form_field_is_a_400_with_the_reason(coordinator_client, bad):
    response = coordinator_client.post(
        "/volunteers/new",
        data=_volunteer_form(name=f"王{bad}丽"),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 0


def test_tab_and_newlines_in_text_are_fine(coordinator_client):
    response = coordinator_client.post(
        "/volunteers/new", data=_volunteer_form(notes="第一行\r\n第二行\t缩进")
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Volunteer.notes)) == "第一行\r\n第二行\t缩进"


@pytest.mark.parametrize(
    "url",
    [
        "/volunteers/?q=%00",
        "/volunteers/?skill=a%0Bb",
        "/volunteers/?bad%00key=1",
        "/admin/users?q=%00",
    ],
)
def test_a_control_character_in_the_query_string_is_a_400(coordinator_client, url):
    assert coordinator_client.get(url).status_code in (400, 403)
    assert coordinator_client.get(url, headers=HX).status_code in (400, 403)


def test_a_control_character_in_the_path_is_a_400(client):
    assert client.get("/auth/invite/abc%00def").status_code == 400


def test_a_control_character_in_an_upload_name_is_a_400(coordinator_client):
    data = {"file": (io.BytesIO(b"name,kind,phone\n"), "a\x00.csv")}
    response = coordinator_client.post("/volunteers/import", data=data)
    assert response.status_code == 400


@given(st.text())
def test_cleaned_text_is_safe_for_postgresql_and_xlsx(text):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assert not inputs.has_control_characters(inputs.strip_control_characters(text))
    assert ILLEGAL_CHARACTERS_RE.search(inputs.xml_safe(text)) is None
    assert "\x00" not in inputs.xml_safe(text)


# --- dates at the ends of the calendar ----------------------------------------------------------


@pytest.fixture
def managed(app, manager_client):
    home = factories.home(managers=(manager_client.user,), rooms=("activity",))
    factories.opening_hours(home, (0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")
    return home


@pytest.mark.parametrize("view", ["week", "month", "list"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_calendar_views_refuse_dates_off_the_calendar(manager_client, managed, view, day):
    response = manager_client.get(f"/homes/{managed.id}/{view}?date={day}")
    assert response.status_code == 400
    assert (
        manager_client.get(f"/homes/{managed.id}/{view}?date={day}", headers=HX).status_code == 400
    )


@pytest.mark.parametrize("view", ["week", "month", "list"])
@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_calendar_views_show_the_first_and_last_sane_dates(manager_client, managed, view, day):
    assert manager_client.get(f"/homes/{managed.id}/{view}?date={day}").status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_closure_off_the_calendar_is_422(manager_client, managed, day):
    data = {"starts_on": day, "ends_on": day, "reason": "放假"}
    response = manager_client.post(f"/homes/{managed.id}/closures", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Closure)) == 0


def test_a_booking_in_year_9999_is_refused(manager_client, managed):
    data = booking_form(managed.rooms[0].id, next_monday(), "16:00", "17:00")
    data["date"] = "9999-12-31"
    response = manager_client.post(f"/homes/{managed.id}/bookings/new", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 0


@pytest.mark.parametrize(
    "end_of_series", [{"until": "9999-12-31"}, {"count": "99999999999999999999"}]
)
def test_a_series_without_a_sane_end_is_refused(manager_client, managed, end_of_series):
    data = booking_form(
        managed.rooms[0].id, next_monday(), "16:00", "17:00", repeat="y", weekdays=["0"]
    )
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new", data={**data, **end_of_series}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 0


def test_prefilled_booking_form_ignores_dates_off_the_calendar(manager_client, managed):
    response = manager_client.get(f"/homes/{managed.id}/bookings/new?date=9999-12-31")
    assert response.status_code == 200


def test_volunteer_filters_ignore_dates_off_the_calendar(coordinator_client):
    for day in ("0001-01-01", "9999-12-31"):
        url = f"/volunteers/?available_from={day}&available_to={day}"
        assert coordinator_client.get(url).status_code == 200


def test_a_consent_date_off_the_calendar_is_422(coordinator_client):
    home = factories.home()
    data = {
        "pseudonym": "小明",
        "age_band": "6_to_9",
        "home_id": str(home.id),
        "guardian_consent": "y",
        "consent_on": "0001-01-01",
    }
    assert coordinator_client.post("/volunteers/children/new", data=data).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Child)) == 0


# --- numbers and ids ----------------------------------------------------------------------------


def _int_routes(app) -> list[str]:
    rules = []
    for rule in app.url_map.iter_rules():
        if "." not in rule.endpoint or not any(
            type(c) is inputs.SqlIntegerConverter for c in rule._converters.values()
        ):
            continue
        rules.append(rule)
    return rules


@pytest.mark.parametrize("huge", [2**31, 2**63, 10**30])
def test_ids_beyond_32_bits_in_urls_are_404(app, coordinator_client, huge):
    found = []
    for rule in _int_routes(app):
        url = re.sub(r"<[^>]+>", str(huge), rule.rule)
        method = "get" if "GET" in rule.methods else "post"
        status = getattr(coordinator_client, method)(url).status_code
        if status != 404:
            found.append((rule.rule, status))
    assert found == []


def test_every_int_route_is_bounded(app):
    assert len(_int_routes(app)) > 30
    for rule in app.url_map.iter_rules():
        for converter in rule._converters.values():
            if isinstance(converter, inputs.IntegerConverter):
                assert converter.max == inputs.SQL_INT_MAX, rule.rule


def test_a_huge_team_filter_is_ignored(coordinator_client):
    assert coordinator_client.get("/volunteers/?team=99999999999999999999").status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999", "1e400", "nan"])
def test_huge_or_odd_numbers_in_forms_are_422(coordinator_client, value):
    data = _volunteer_form(max_travel_minutes=value, lat=value, lon="107.5")
    assert coordinator_client.post("/volunteers/new", data=data).status_code == 422


# --- time zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone", ["x" * 5000, "../../../../etc/passwd", "/etc/localtime", "Asia/Nowhere", "UTC\\x"]
)
def test_an_unknown_time_zone_is_422_and_never_looked_up_as_a_file(coordinator_client, zone):
    data = {"name": "新之家", "timezone": zone}
    response = coordinator_client.post("/homes/new", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Home)) == 0


def test_known_time_zones_are_accepted():
    assert inputs.valid_timezone("Asia/Shanghai")
    assert inputs.valid_timezone("Asia/Urumqi")
    assert not inputs.valid_timezone("asia/shanghai/../shanghai")
    assert inputs.zone("Asia/Shanghai") is inputs.zone("Asia/Shanghai")


# --- exports never fail on stored data ----------------------------------------------------------


def test_xlsx_export_survives_control_characters_already_stored(coordinator_client):
    # Stored before the input guard existed, or by another tool: the export still works.
    factories.volunteer(name="王\x0b丽", notes="第一行\x1f第二行", place_name="石门\x08村")
    response = coordinator_client.get("/volunteers/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["王丽"]
    assert coordinator_client.get("/volunteers/export.csv").status_code == 200


def test_imported_cells_lose_control_characters(coordinator_client):
    body = "name,kind,phone\n王\x0b丽,community,13800000009\n".encode()
    response = coordinator_client.post(
        "/volunteers/import", data={"file": (io.BytesIO(body), "v.csv")}
    )
    assert response.status_code == 303
    token = response.headers["Location"].rsplit("/", 1)[-1]
    assert coordinator_client.post(f"/volunteers/import/{token}/confirm").status_code == 303
    assert db.session.scalar(select(Volunteer.name)) == "王丽"


@pytest.mark.parametrize("raw", ["²", "١٢", "-1", "1.5", " ", "", None, "99999999999", "2147483648"])
def test_parse_id_refuses_what_is_not_a_small_ascii_number(raw):
    assert inputs.parse_id(raw) is None


@given(st.integers(min_value=0, max_value=inputs.SQL_INT_MAX))
def test_parse_id_reads_every_sql_integer_back(number):
    assert inputs.parse_id(f" {number} ") == number


@given(st.text(max_size=12))
def test_parse_id_never_raises(raw):
    value = inputs.parse_id(raw)
    assert value is None or 0 <= value <= inputs.SQL_INT_MAX


@pytest.mark.parametrize("query", ["home=²", "skill=²", "home=١"])
def test_a_unicode_digit_in_the_opportunities_filter_is_ignored(volunteer_client, query):
    assert volunteer_client.get(f"/opportunities/?{query}").status_code == 200

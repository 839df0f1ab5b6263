"""Reading, checking and writing volunteer imports; exporting with formula escaping."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests import factories
from webapp.blueprints.volunteers import exporting, import_cells, import_files, importing
from webapp.blueprints.volunteers.columns import EXPORT_KEYS
from webapp.blueprints.volunteers.import_cells import COLUMNS
from webapp.blueprints.volunteers.import_files import ImportFileError
from webapp.blueprints.volunteers.list_filters import VolunteerFilters
from webapp.blueprints.volunteers.services import PROFILE_FIELDS
from webapp.core import spreadsheets
from webapp.extensions import db
from webapp.models import Volunteer, VolunteerDateRange

HEADER = "name,kind,phone,email,skills,available_from,available_to\n"


pytestmark = pytest.mark.usefixtures("english_request")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading ------------------------------------------------------------------------------------


def test_csv_in_utf8_with_bom_utf8_without_bom_and_gbk_read_the_same(app):
    text = HEADER + "王丽,代理家长,13800000001,,阅读,,\n"
    tables = [
        import_files.read_table("a.csv", data)
        for data in (
            text.encode("utf-8-sig"),
            text.encode("utf-8"),
            text.encode("gbk"),
        )
    ]
    assert all(t.rows == tables[0].rows for t in tables)
    assert tables[0].rows[0][1][0] == "王丽"


def test_xlsx_is_read_with_dates_and_numbers_as_text(app):
    data = xlsx_bytes(
        [
            ["姓名", "类型", "手机", "纬度", "经度", "可服务开始", "可服务结束"],
            ["李明", "大学生", 13800000002, 26.5, 107.4, date(2026, 7, 1), date(2026, 8, 1)],
        ]
    )
    table = import_files.read_table("people.xlsx", data)
    assert table.columns == [
        "name",
        "kind",
        "phone",
        "lat",
        "lon",
        "available_from",
        "available_to",
    ]
    assert table.rows == [
        (2, ["李明", "大学生", "13800000002", "26.5", "107.4", "2026-07-01", "2026-08-01"])
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (HEADER.encode(), "no volunteers"),
        (b"nom,genre\nx,y\n", "columns do not match"),
        (b"name,kind,phone,name\n", "twice"),
        (b"\xff\xfe\x00\x00garbage\x00", "neither UTF-8 nor GBK"),
    ],
)
def test_unreadable_files_get_a_clear_message(app, data, message):
    with pytest.raises(ImportFileError) as error:
        import_files.read_table("x.csv", data)
    assert message in error.value.message


def test_files_over_10_mb_are_refused(app):
    with pytest.raises(ImportFileError) as error:
        import_files.read_table("big.csv", b"a" * (import_files.MAX_BYTES + 1))
    assert "10 MB" in error.value.message


def test_a_broken_xlsx_is_refused(app):
    with pytest.raises(ImportFileError):
        import_files.read_table("broken.xlsx", b"PK\x03\x04 not really a zip")


def test_wrong_headers_name_the_unknown_and_missing_columns(app):
    with pytest.raises(ImportFileError) as error:
        import_files.read_table("x.csv", b"fullname,kind,phone\nx,teacher,13800000000\n")
    assert "fullname" in error.value.message and "name" in error.value.message


# --- Checking cells -----------------------------------------------------------------------------


@given(st.text(max_size=30))
def test_cell_parsing_never_crashes_and_flags_every_formula(_app, text):
    with _app.test_request_context(headers={"Accept-Language": "en"}):
        cells = {c: text for c in import_cells.COLUMNS}
        skills = {"reading": None}
        values, errors = import_cells.parse_cells(cells, skills)  # type: ignore[arg-type]
    assert set(values) | set(errors) <= set(import_cells.COLUMNS)
    if import_cells.looks_like_formula(text):
        assert set(errors) == set(import_cells.COLUMNS)
        assert values == {}


@given(st.sampled_from("=+-@"), st.text(min_size=1, max_size=20))
def test_cells_starting_like_a_formula_are_errors_unless_a_plain_number(_app, first, rest):
    text = first + rest
    expected = not import_cells.PLAIN_NUMBER.match(text)
    assert import_cells.looks_like_formula(text) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_dates_are_read_in_the_usual_chinese_spellings(day):
    for text in (
        day.isoformat(),
        day.strftime("%Y/%m/%d"),
        day.strftime("%Y.%m.%d"),
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert import_cells.parse_date(text) == day


def analyse_csv(text: str):
    return importing.analyse(import_files.read_table("x.csv", text.encode("utf-8")))


def test_each_bad_cell_gets_its_own_reason(app):
    analysis = analyse_csv(
        HEADER
        + "张三,teacher,12345,bad-mail,阅读;魔法,2026-13-01,2026-08-01\n"
        + "=HYPERLINK(1),teacher,13800000003,,,,\n"
    )
    first, second = analysis.rows
    assert set(first.errors) == {"phone", "email", "skills", "available_from"}
    assert "魔法" in first.errors["skills"]
    assert "formula" in second.errors["name"]
    assert analysis.count("error") == 2 and not analysis.ok


def test_rows_are_new_or_update_matched_by_phone_or_email(app):
    factories.volunteer(name="老王", phone="13800000010", email="old@example.org")
    factories.volunteer(name="老李", phone="13800000011", email="li@example.org")
    analysis = analyse_csv(
        HEADER
        + "王,teacher,13800000010,,,,\n"
        + "李,teacher,,LI@example.org,,,\n"
        + "新人,community,13800000012,,,,\n"
        + "混,community,13800000010,li@example.org,,,\n"
    )
    assert [r.action for r in analysis.rows] == ["update", "update", "new", "error"]
    assert "two different volunteers" in analysis.rows[3].errors["email"]


def test_duplicates_within_the_file_are_errors(app):
    analysis = analyse_csv(
        HEADER + "甲,teacher,13800000020,,,,\n" + "乙,teacher,138 0000 0020,,,,\n"
    )
    assert analysis.rows[0].action == "new"
    assert "line 2" in analysis.rows[1].errors["phone"]


# --- Writing ------------------------------------------------------------------------------------


def test_apply_writes_new_and_updates_existing_without_touching_vetting(app):
    coordinator = factories.user(roles=["coordinator"])
    existing = factories.volunteer(name="旧名", phone="13800000030")
    analysis = analyse_csv(
        HEADER
        + "新名,teacher,13800000030,,数学,2026-07-01,2026-08-01\n"
        + "新人,代理家长,13800000031,,阅读、心理辅导,,\n"
    )
    counts = importing.apply(analysis, coordinator)
    db.session.commit()
    assert counts == {"created": 1, "updated": 1}
    db.session.refresh(existing)
    assert existing.name == "新名" and existing.vetting_status == "cleared"
    assert [s.code for s in existing.skills] == ["math"]
    assert [(r.kind, r.starts_on) for r in existing.date_ranges] == [
        ("available", date(2026, 7, 1))
    ]
    newcomer = db.session.scalar(select(Volunteer).where(Volunteer.phone == "13800000031"))
    assert newcomer.kind == "surrogate_parent" and newcomer.vetting_status == "none"
    assert sorted(s.code for s in newcomer.skills) == ["counselling", "reading"]


def test_apply_refuses_an_analysis_with_errors(app):
    analysis = analyse_csv(HEADER + "x,wizard,13800000040,,,,\n")
    with pytest.raises(ValueError):
        importing.apply(analysis, factories.user(roles=["coordinator"]))
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 0


# --- Export -------------------------------------------------------------------------------------


def test_export_escapes_formula_cells_in_csv_and_xlsx(app):
    factories.volunteer(name="=cmd|' /C calc'!A0", notes="@SUM(1)", skills=("math",))
    rows = list(exporting.export_rows(VolunteerFilters(), "en"))
    header = exporting.headers(EXPORT_KEYS)
    csv_text = spreadsheets.to_csv(header, rows).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(csv_text)))
    assert parsed[0][:3] == ["Name", "Kind", "Mobile phone"]
    record = dict(zip(parsed[0], parsed[1], strict=True))
    assert record["Name"].startswith("'=") and record["Notes"] == "'@SUM(1)"
    assert record["Subjects and skills"] == "Mathematics"
    workbook = load_workbook(io.BytesIO(spreadsheets.to_xlsx(header, rows, sheet="Volunteers")))
    cells = [c.value for c in workbook.active[2]]
    assert cells[0].startswith("'=")


def _snapshot(volunteer: Volunteer) -> dict:
    db.session.refresh(volunteer)
    data = {name: getattr(volunteer, name) for name in PROFILE_FIELDS}
    data["skills"] = sorted(s.code for s in volunteer.skills)
    data["ranges"] = [(r.kind, r.starts_on, r.ends_on) for r in volunteer.date_ranges]
    data["vetting"] = (volunteer.vetting_status, volunteer.expires_on)
    return data


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_an_export_imports_back_as_updates_that_change_nothing(app, fmt, locale):
    coordinator = factories.user(roles=["coordinator"])
    full = factories.volunteer(
        name="来回",
        kind="surrogate_parent",
        phone="13800000050",
        email="laihui@example.org",
        gender="female",
        skills=("art", "reading"),
        place_name="石门乡石门村",
        lat=26.645,
        lon=107.432,
        transport_mode="ebike",
        max_travel_minutes=35,
        max_sessions_per_week=3,
        notes="周末有空",
    )
    full.date_ranges.append(
        VolunteerDateRange(kind="available", starts_on=date(2027, 7, 1), ends_on=date(2027, 8, 31))
    )
    bare = factories.volunteer(name="Anna", kind="community", phone=None, email="anna@example.org")
    bare.vetting_status = "pending"
    db.session.commit()
    before = [_snapshot(full), _snapshot(bare)]

    with force_locale(locale):
        header = exporting.headers(EXPORT_KEYS)
        rows = list(exporting.export_rows(VolunteerFilters(), locale))
        data = (
            spreadsheets.to_csv(header, rows)
            if fmt == "csv"
            else spreadsheets.to_xlsx(header, rows, sheet="Volunteers")
        )
    analysis = importing.analyse(import_files.read_table(f"export.{fmt}", data))
    assert [(r.action, r.errors) for r in analysis.rows] == [("update", {}), ("update", {})]
    importing.apply(analysis, coordinator)
    db.session.commit()
    assert [_snapshot(full), _snapshot(bare)] == before


def test_headers_and_codes_are_read_in_chinese_english_or_as_codes(app):
    rows = {
        "zh": "姓名,类型,手机号,性别,交通方式,科目与技能\n甲,代理家长,13800000071,女,电动车,阅读、美术\n",
        "en": "Name,Kind,Mobile phone,Gender,Transport,Subjects and skills\n"
        "乙,Surrogate parent,13800000072,Female,E-bike,Reading; Art\n",
        "codes": "name,kind,phone,gender,transport_mode,skills\n"
        "丙,surrogate_parent,13800000073,female,ebike,reading;art\n",
    }
    for text in rows.values():
        analysis = analyse_csv(text)
        assert analysis.ok, analysis.rows[0].errors
        values = analysis.rows[0].values
        assert values["kind"] == "surrogate_parent" and values["gender"] == "female"
        assert values["transport_mode"] == "ebike" and values["skills"] == ["reading", "art"]


def test_the_template_has_headers_an_example_row_and_notes_in_the_users_language(app):
    with force_locale("zh_CN"):
        csv_rows = list(
            csv.reader(io.StringIO(exporting.template_csv("zh_CN").decode("utf-8-sig")))
        )
        workbook = load_workbook(io.BytesIO(exporting.template_xlsx("zh_CN")))
    assert csv_rows[0][:3] == ["姓名", "类型", "手机号"] and len(csv_rows) == 2
    assert csv_rows[1][1] == "代理家长" and csv_rows[1][9] == "电动车"
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == csv_rows[0]
    assert [c.value for c in sheet[2]] == csv_rows[1]
    assert all(c.comment and c.comment.text for c in sheet[1])  # how to fill each column
    assert "代理家长" in sheet["B1"].comment.text
    notes = workbook.worksheets[1]
    assert [notes.cell(row=i + 2, column=1).value for i in range(len(COLUMNS))] == csv_rows[0]
    with force_locale("en"):
        assert exporting.template_csv("en").decode("utf-8-sig").startswith("Name,Kind,Mobile phone")


def test_the_templates_example_row_is_never_imported(app):
    with force_locale("zh_CN"):
        template = exporting.template_csv("zh_CN")
    with pytest.raises(ImportFileError) as error:
        import_files.read_table("template.csv", template)
    assert "example" in error.value.message
    filled = template + "李四,教师,13800000081,,,,,,,,,,,,\n".encode()
    table = import_files.read_table("filled.csv", filled)
    assert [n for n, _cells in table.rows] == [3] and table.skipped == [2]


def test_a_failure_while_writing_leaves_no_row_behind(app):
    from sqlalchemy.exc import IntegrityError

    coordinator = factories.user(roles=["coordinator"])
    analysis = analyse_csv(HEADER + "先,teacher,13800000060,,,,\n后,teacher,13800000061,,,,\n")
    assert analysis.ok
    # Someone else takes the second phone number between the preview and the confirmation.
    factories.volunteer(name="抢先", phone="13800000061")
    with pytest.raises(IntegrityError):
        importing.apply(analysis, coordinator)
    db.session.rollback()
    names = set(db.session.scalars(select(Volunteer.name)))
    assert names == {"抢先"}

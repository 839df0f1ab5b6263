"""Spreadsheets people open in office software, and how downloads are named (RFC 6266)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from webapp.core.spreadsheets import (
    attachment,
    content_disposition,
    escape_cell,
    to_csv,
    to_xlsx,
)
from webapp.inputs import xml_safe


def test_an_ascii_name_is_given_plainly():
    assert content_disposition("plan-3.csv") == 'attachment; filename="plan-3.csv"'


def test_a_chinese_name_has_an_ascii_fallback_and_a_utf8_name():
    value = content_disposition("志愿者-2026.xlsx", fallback="volunteers-2026.xlsx")
    assert value == (
        'attachment; filename="volunteers-2026.xlsx"; '
        "filename*=UTF-8''%E5%BF%97%E6%84%BF%E8%80%85-2026.xlsx"
    )


def test_quotes_and_backslashes_never_break_out_of_the_fallback():
    value = content_disposition('a"b\\c.csv')
    assert value.startswith("attachment; filename=\"abc.csv\"; filename*=UTF-8''a%22b%5Cc.csv")


def test_a_feed_is_named_inline():
    assert content_disposition("shouwang.ics", inline=True) == 'inline; filename="shouwang.ics"'


@given(st.text(min_size=1, max_size=40))
def test_any_name_gives_a_header_of_visible_ascii_that_round_trips(name):
    value = content_disposition(name)
    assert value.isascii() and value.isprintable()
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in fallback and "\\" not in fallback and fallback
    if "filename*=" in value:
        from urllib.parse import unquote

        assert unquote(value.split("filename*=UTF-8''", 1)[1]) == name


def test_an_attachment_response_carries_type_name_and_body(app):
    response = attachment(b"a,b\r\n", "text/csv", "计划.csv", fallback="plan.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="plan.csv"')
    assert response.get_data() == b"a,b\r\n"


def test_cells_that_would_run_as_formulas_are_quoted():
    assert [escape_cell(v) for v in ("=1+1", "+86 138", "-3", "@x", "text", None, 3)] == [
        "'=1+1",
        "'+86 138",
        "'-3",
        "'@x",
        "text",
        "",
        "3",
    ]


@given(st.text(max_size=20))
def test_escaped_cells_never_start_like_a_formula(text):
    escaped = escape_cell(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert escaped.endswith(xml_safe(text))  # characters XML forbids are dropped, nothing else


def test_csv_starts_with_a_bom_for_excel_and_keeps_chinese():
    data = to_csv(["志愿者", "时长"], [["李秀兰", "2"]])
    assert data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["志愿者", "时长"],
        ["李秀兰", "2"],
    ]


def test_xlsx_has_the_named_sheet_a_header_and_the_rows(app):
    data = to_xlsx(["志愿者", "时长"], [["李秀兰", 2]], sheet="志愿服务时长")
    sheet = load_workbook(io.BytesIO(data))["志愿服务时长"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["志愿者", "时长"],
        ["李秀兰", 2],
    ]
    assert sheet["A1"].font.bold

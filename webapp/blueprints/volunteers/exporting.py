"""Exporting the filtered volunteer list, and the import template, as CSV or XLSX.

The columns are the import template's, so an export can be edited and imported again. Cells that a
spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sqlalchemy.orm import selectinload

from webapp.blueprints.volunteers.importing import COLUMNS
from webapp.blueprints.volunteers.services import VolunteerFilters, filtered_query
from webapp.extensions import db
from webapp.inputs import xml_safe
from webapp.models import Volunteer

EXPORT_COLUMNS = (*COLUMNS, "vetting_status", "expires_on")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value) -> str:
    """Text for a spreadsheet cell that can never be read as a formula, nor break the file:
    characters XML forbids are dropped, whatever is stored (old rows, other tools)."""
    text = "" if value is None else xml_safe(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def volunteer_row(volunteer: Volunteer) -> list[str]:
    available = [r for r in volunteer.date_ranges if r.kind == "available"]
    last = available[-1] if available else None
    values = {
        "name": volunteer.name,
        "kind": volunteer.kind,
        "phone": volunteer.phone,
        "email": volunteer.email,
        "gender": volunteer.gender,
        "skills": ";".join(s.code for s in volunteer.skills),
        "place_name": volunteer.place_name,
        "lat": volunteer.lat,
        "lon": volunteer.lon,
        "transport_mode": volunteer.transport_mode,
        "max_travel_minutes": volunteer.max_travel_minutes,
        "max_sessions_per_week": volunteer.max_sessions_per_week,
        "available_from": last.starts_on.isoformat() if last else "",
        "available_to": last.ends_on.isoformat() if last else "",
        "notes": volunteer.notes,
        "vetting_status": volunteer.vetting_status
        if volunteer.is_cleared() or volunteer.vetting_status != "cleared"
        else "expired",
        "expires_on": volunteer.expires_on.isoformat() if volunteer.expires_on else "",
    }
    return [escape_cell(values[c]) for c in EXPORT_COLUMNS]


def export_rows(filters: VolunteerFilters) -> Iterator[list[str]]:
    query = (
        filtered_query(filters)
        .options(selectinload(Volunteer.skills), selectinload(Volunteer.date_ranges))
        .order_by(Volunteer.name, Volunteer.id)
        .execution_options(yield_per=500)
    )
    for volunteer in db.session.scalars(query):
        yield volunteer_row(volunteer)


def to_csv(header: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a BOM, so that Excel in a Chinese locale opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(header))
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Iterable[str], rows: Iterable[list[str]], sheet: str = "volunteers") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append([xml_safe(str(cell)) for cell in header])
    for row in rows:
        worksheet.append([xml_safe(cell) if isinstance(cell, str) else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATE_EXAMPLE = [
    "王丽",
    "surrogate_parent",
    "13800000000",
    "wangli@example.org",
    "女",
    "阅读;心理辅导",
    "石门乡石门村",
    "26.645",
    "107.432",
    "ebike",
    "30",
    "2",
    "",
    "",
    "",
]


def template_csv() -> bytes:
    return to_csv(COLUMNS, [])


def template_xlsx() -> bytes:
    """The header on the first sheet; an example row on a second sheet, so it is never imported."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    first = workbook.create_sheet("volunteers")
    first.append(list(COLUMNS))
    example = workbook.create_sheet("example")
    example.append(list(COLUMNS))
    example.append(TEMPLATE_EXAMPLE)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Exporting the filtered volunteer list, and the import template, as CSV or XLSX.

Headers and coded values are in the user's language (columns.py), and the columns are the import's
plus the vetting ones, so an export can be edited and imported again in either language. The
files themselves are written by webapp/core/spreadsheets.py (formula-safe cells, BOM, names).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from webapp.blueprints.volunteers import columns
from webapp.blueprints.volunteers.columns import EXPORT_KEYS, IMPORT_KEYS
from webapp.blueprints.volunteers.list_filters import VolunteerFilters, filtered_query
from webapp.blueprints.volunteers.services import all_skills
from webapp.core import spreadsheets
from webapp.core.spreadsheets import to_csv
from webapp.extensions import db
from webapp.models import Volunteer


def headers(keys: Iterable[str]) -> list[str]:
    return [columns.header(key) for key in keys]


def volunteer_row(volunteer: Volunteer, locale: str | None) -> list:
    available = [r for r in volunteer.date_ranges if r.kind == "available"]
    last = available[-1] if available else None
    status = volunteer.vetting_status
    if status == "cleared" and not volunteer.is_cleared():
        status = "expired"
    values = {
        "name": volunteer.name,
        "kind": columns.label("kind", volunteer.kind),
        "phone": volunteer.phone,
        "email": volunteer.email,
        "gender": columns.label("gender", volunteer.gender),
        "skills": columns.skills_text([s.label(locale) for s in volunteer.skills], locale),
        "place_name": volunteer.place_name,
        "lat": volunteer.lat,
        "lon": volunteer.lon,
        "transport_mode": columns.label("transport_mode", volunteer.transport_mode),
        "max_travel_minutes": volunteer.max_travel_minutes,
        "max_sessions_per_week": volunteer.max_sessions_per_week,
        "available_from": last.starts_on.isoformat() if last else "",
        "available_to": last.ends_on.isoformat() if last else "",
        "notes": volunteer.notes,
        "vetting_status": columns.label("vetting_status", status),
        "expires_on": volunteer.expires_on.isoformat() if volunteer.expires_on else "",
    }
    return [spreadsheets.cell(values[c]) for c in EXPORT_KEYS]


def export_rows(filters: VolunteerFilters, locale: str | None = None) -> Iterator[list[str]]:
    query = (
        filtered_query(filters)
        .options(selectinload(Volunteer.skills), selectinload(Volunteer.date_ranges))
        .order_by(Volunteer.name_key, Volunteer.id)
        .execution_options(yield_per=500)
    )
    for volunteer in db.session.scalars(query):
        yield volunteer_row(volunteer, locale)


def _example(locale: str | None) -> list[str]:
    skills = {s.code: s for s in all_skills()}
    names = [skills[c].label(locale) for c in ("reading", "counselling") if c in skills]
    example = columns.example_row(names, locale)
    return [example[key] for key in IMPORT_KEYS]


def template_csv(locale: str | None) -> bytes:
    """The header and one example row (which the import leaves out)."""
    return to_csv(headers(IMPORT_KEYS), [_example(locale)])


def template_xlsx(locale: str | None) -> bytes:
    """The header with a comment on each column, one example row, and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Volunteers")
    sheet.append(headers(IMPORT_KEYS))
    sheet.append(_example(locale))
    sheet.freeze_panes = "A2"
    for cell, key in zip(sheet[1], IMPORT_KEYS, strict=True):
        cell.font = Font(bold=True)
        cell.comment = Comment(columns.note(key), "守望 Shouwang", width=260, height=90)
        sheet.column_dimensions[cell.column_letter].width = 16
    notes = workbook.create_sheet(_("How to fill in"))
    notes.append([_("Column"), _("How to fill it in")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for key in IMPORT_KEYS:
        notes.append([columns.header(key), columns.note(key)])
    notes.append([])
    notes.append(
        [
            _(
                "Row 2 is an example and is never imported. One volunteer per row; volunteers are matched by phone or e-mail."
            )
        ]
    )
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

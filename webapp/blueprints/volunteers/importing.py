"""Importing volunteers from CSV (UTF-8 with or without BOM, or GBK) or XLSX.

Three steps: read the file into text cells (`read_table`), check every row (`analyse`: new, update
matched by phone or e-mail, or error with a reason per cell), and — after the coordinator confirms
the preview — write every row in one transaction (`apply`). Nothing is written before confirming. On an update, an empty cell keeps the stored value.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.volunteers.columns import (
    EXPORT_KEYS,
    IMPORT_KEYS,
    code_for,
    column_for_header,
    is_example,
)
from webapp.blueprints.volunteers.columns import header as column_header
from webapp.blueprints.volunteers.services import (
    EMAIL_RE,
    PHONE_RE,
    PROFILE_FIELDS,
    all_skills,
    normalise_phone,
)
from webapp.extensions import db
from webapp.inputs import in_date_range, strip_control_characters
from webapp.models import PendingImport, Skill, User, Volunteer, VolunteerDateRange
from webapp.models.base import utcnow

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
FORMULA_PREFIXES = ("=", "+", "-", "@")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")

# The columns read from a file, in the template's order (webapp/blueprints/volunteers/columns.py
# holds their headers and codes in both languages).
COLUMNS = IMPORT_KEYS
REQUIRED_COLUMNS = ("name", "kind")
SKILL_SEPARATORS = re.compile(r"[;；,，、|/]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]  # our field names, one per column of the file
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells as text)
    skipped: list[int] = field(default_factory=list)  # lines of the template's example row


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person would type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return strip_control_characters(str(value)).strip()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GBK (as GB18030, its superset)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportFileError(_("The file is neither UTF-8 nor GBK text. Save it as CSV or XLSX."))


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return [
            [strip_control_characters(c).strip() for c in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(reason)s", reason=str(exc))) from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The file is not a valid XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def map_columns(header: list[str]) -> list[str]:
    """Our field name for each header cell; a clear message for unknown or missing columns."""
    columns, unknown = [], []
    for raw in header:
        name = raw.strip().lstrip("\ufeff")
        key = column_for_header(name) if name else ""
        if key is None or (key and key not in EXPORT_KEYS):
            unknown.append(name)
            key = name.lower()
        columns.append(key)
    while columns and columns[-1] == "" and header and not header[len(columns) - 1].strip():
        columns.pop()
    unknown = [u for u in unknown if u]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "phone" not in columns and "email" not in columns:
        missing.append("phone")
    if unknown or missing:
        parts = []
        if missing:
            parts.append(
                _(
                    "missing columns: %(names)s",
                    names=_("; ").join(column_header(c) for c in missing),
                )
            )
        if unknown:
            parts.append(_("unknown columns: %(names)s", names=_("; ").join(unknown)))
        raise ImportFileError(
            _(
                "The columns do not match the template (%(details)s). Download the template and copy your data into it.",
                details="; ".join(parts),
            )
        )
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise ImportFileError(
            _(
                "These columns appear twice: %(names)s.",
                names=_("; ").join(column_header(c) for c in duplicates),
            )
        )
    return columns


def read_table(filename: str, data: bytes) -> Table:
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB. Split it into smaller files."))
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(c for c in row)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    columns = map_columns(rows[0][1])
    body = rows[1:]
    if not body:
        raise ImportFileError(_("The file has a header but no volunteers."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(num)d rows. Split it into smaller files.", num=MAX_ROWS)
        )
    width = len(columns)
    rows = [(number, (row + [""] * width)[:width]) for number, row in body]
    # The template's example row is left out, so that an example kept by mistake adds nobody.
    examples = [n for n, cells in rows if is_example(dict(zip(columns, cells, strict=True)))]
    rows = [(n, cells) for n, cells in rows if n not in examples]
    if not rows:
        raise ImportFileError(
            _("The file has only the template's example row: add volunteers below it.")
        )
    return Table(columns=columns, rows=rows, skipped=examples)


# --- Checking -----------------------------------------------------------------------------------


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula (=, +, -, @ first), unless it is a number."""
    return text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(text)


def parse_date(text: str) -> date | None:
    """A date in one of DATE_FORMATS within the calendar's sane range, else None."""
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        return value if in_date_range(value) else None
    return None


def _number(text: str, low: float, high: float, integer: bool) -> float | int | None:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        if integer:
            try:
                as_float = float(text)
            except ValueError:
                return None
            if not as_float.is_integer():
                return None
            value = int(as_float)
        else:
            return None
    if not (low <= value <= high) or value != value:  # NaN
        return None
    return value


def skill_lookup(skills: list[Skill]) -> dict[str, Skill]:
    lookup = {}
    for skill in skills:
        for key in (skill.code, skill.name_zh, skill.name_en):
            lookup[key.strip().lower()] = skill
    return lookup


def parse_cells(cells: dict[str, str], skills: dict[str, Skill]) -> tuple[dict, dict[str, str]]:
    """Values for the present columns and the reason for each bad cell."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    cells = {k: v for k, v in cells.items() if k in COLUMNS}  # vetting columns are not read
    for name, text in cells.items():
        if looks_like_formula(text):
            errors[name] = _("Starts with %(char)s like a formula; remove it.", char=text[0])
    text = {k: v for k, v in cells.items() if k not in errors}

    if "name" in text:
        name = text["name"]
        if not name:
            errors["name"] = _("The name is missing.")
        elif len(name) > 100:
            errors["name"] = _("The name is longer than 100 characters.")
        else:
            values["name"] = name
    if "kind" in text:
        raw = text["kind"].strip()
        kind = code_for("kind", raw) if raw else None
        if kind is None:
            errors["kind"] = _("Unknown kind “%(value)s”.", value=raw)
        else:
            values["kind"] = kind
    if "phone" in text:
        phone = normalise_phone(text["phone"])
        if phone and not PHONE_RE.match(phone):
            errors["phone"] = _(
                "“%(value)s” is not an 11-digit mobile number.", value=text["phone"]
            )
        else:
            values["phone"] = phone
    if "email" in text:
        email = text["email"].strip().lower() or None
        if email and (not EMAIL_RE.match(email) or len(email) > 254):
            errors["email"] = _("“%(value)s” is not an e-mail address.", value=text["email"])
        else:
            values["email"] = email
    if (
        not values.get("phone")
        and not values.get("email")
        and not ({"phone", "email"} & errors.keys())
    ):
        errors["phone" if "phone" in cells else "email"] = _("Give a phone number or an e-mail.")
    if "gender" in text:
        raw = text["gender"].strip()
        gender = code_for("gender", raw) if raw else None
        if raw and gender is None:
            errors["gender"] = _(
                "Unknown gender “%(value)s”; use 女 or 男, or leave empty.", value=text["gender"]
            )
        else:
            values["gender"] = gender
    if "skills" in text:
        found, unknown = [], []
        for part in SKILL_SEPARATORS.split(text["skills"]):
            key = part.strip().lower()
            if not key:
                continue
            skill = skills.get(key)
            if skill is None:
                unknown.append(part.strip())
            elif skill.code not in found:
                found.append(skill.code)
        if unknown:
            errors["skills"] = _("Unknown skill: %(names)s.", names=", ".join(unknown))
        else:
            values["skills"] = found
    if "place_name" in text:
        if len(text["place_name"]) > 100:
            errors["place_name"] = _("The place is longer than 100 characters.")
        else:
            values["place_name"] = text["place_name"]
    for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        if name in text and text[name]:
            number = _number(text[name], low, high, integer=False)
            if number is None:
                errors[name] = _("“%(value)s” is not a coordinate.", value=text[name])
            else:
                values[name] = number
        elif name in text:
            values[name] = None
    if "transport_mode" in text and text["transport_mode"]:
        mode = code_for("transport_mode", text["transport_mode"])
        if mode is None:
            errors["transport_mode"] = _(
                "Unknown transport “%(value)s”.", value=text["transport_mode"]
            )
        else:
            values["transport_mode"] = mode
    for name, high in (("max_travel_minutes", 300), ("max_sessions_per_week", 21)):
        if name in text and text[name]:
            number = _number(text[name], 0, high, integer=True)
            if number is None:
                errors[name] = _(
                    "“%(value)s” is not a whole number from 0 to %(max)d.",
                    value=text[name],
                    max=high,
                )
            else:
                values[name] = number
    for name in ("available_from", "available_to"):
        if name in text and text[name]:
            parsed = parse_date(text[name])
            if parsed is None:
                errors[name] = _("“%(value)s” is not a date (use 2026-07-01).", value=text[name])
            else:
                values[name] = parsed
    start, end = values.get("available_from"), values.get("available_to")
    if (start is None) != (end is None) and not (
        {"available_from", "available_to"} & errors.keys()
    ):
        missing = "available_to" if start else "available_from"
        errors[missing] = _("Give both the start and the end of the available dates.")
    elif start and end and end < start:
        errors["available_to"] = _("The end is before the start.")
    if "notes" in text:
        if len(text["notes"]) > 2000:
            errors["notes"] = _("The notes are longer than 2000 characters.")
        else:
            values["notes"] = text["notes"]
    return values, errors


@dataclass
class RowResult:
    line: int
    cells: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    target_id: int | None = None

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "update" if self.target_id else "new"


@dataclass
class Analysis:
    columns: list[str]
    rows: list[RowResult]
    skipped: list[int] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not any(r.errors for r in self.rows)


def _lookup_existing(phones: set[str], emails: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    by_phone: dict[str, int] = {}
    by_email: dict[str, int] = {}
    phone_list, email_list = sorted(phones), sorted(emails)
    for i in range(0, len(phone_list), 900):
        chunk = phone_list[i : i + 900]
        for vid, phone in db.session.execute(
            select(Volunteer.id, Volunteer.phone).where(Volunteer.phone.in_(chunk))
        ):
            by_phone[phone] = vid
    for i in range(0, len(email_list), 900):
        chunk = email_list[i : i + 900]
        for vid, email in db.session.execute(
            select(Volunteer.id, func.lower(Volunteer.email)).where(
                func.lower(Volunteer.email).in_(chunk)
            )
        ):
            by_email[email] = vid
    return by_phone, by_email


def analyse(table: Table) -> Analysis:
    skills = skill_lookup(all_skills())
    results = []
    for line, cells in table.rows:
        named = dict(zip(table.columns, cells, strict=True))
        values, errors = parse_cells(named, skills)
        results.append(RowResult(line=line, cells=named, values=values, errors=errors))
    phones = {r.values["phone"] for r in results if r.values.get("phone")}
    emails = {r.values["email"] for r in results if r.values.get("email")}
    by_phone, by_email = _lookup_existing(phones, emails)
    seen_phone: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for row in results:
        phone, email = row.values.get("phone"), row.values.get("email")
        if phone and phone in seen_phone:
            row.errors["phone"] = _(
                "Duplicate in the file (also on line %(line)d).", line=seen_phone[phone]
            )
        if email and email in seen_email:
            row.errors["email"] = _(
                "Duplicate in the file (also on line %(line)d).", line=seen_email[email]
            )
        if phone:
            seen_phone.setdefault(phone, row.line)
        if email:
            seen_email.setdefault(email, row.line)
        phone_match, email_match = by_phone.get(phone or ""), by_email.get(email or "")
        if phone_match and email_match and phone_match != email_match:
            row.errors["email"] = _("The phone and the e-mail belong to two different volunteers.")
        row.target_id = phone_match or email_match
        if row.target_id is None and not row.errors and "kind" not in row.values:
            row.errors["kind"] = _("The kind is missing.")
    return Analysis(columns=table.columns, rows=results, skipped=table.skipped)


# --- Pending imports (server-side, keyed by a random token) --------------------------------------


def store_pending(table: Table, filename: str, user: User) -> PendingImport:
    db.session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - timedelta(days=1))
    )
    pending = PendingImport(
        token=secrets.token_urlsafe(32),
        created_by_id=user.id,
        filename=filename[:200],
        payload={
            "columns": table.columns,
            "rows": [[n, cells] for n, cells in table.rows],
            "skipped": table.skipped,
        },
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def load_pending(token: str, user: User) -> PendingImport | None:
    """Only its creator may see a pending import; anyone else gets nothing (404)."""
    pending = db.session.get(PendingImport, token) if len(token) <= 64 else None
    if pending is None or pending.created_by_id != user.id:
        return None
    return pending


def mark_confirmed(pending: PendingImport, counts: dict[str, int]) -> None:
    """Keep the confirmed import (until the daily clean-up) with its result, so that a repeated
    confirm answers with the same result instead of writing again."""
    pending.confirmed_at = utcnow()
    pending.result = dict(counts)
    pending.payload = {"columns": [], "rows": []}  # the file's cells are not needed any more
    db.session.flush()


def table_of(pending: PendingImport) -> Table:
    payload = pending.payload
    return Table(
        columns=list(payload["columns"]),
        rows=[(n, list(c)) for n, c in payload["rows"]],
        skipped=list(payload.get("skipped", [])),
    )


# --- Writing ------------------------------------------------------------------------------------


def apply(analysis: Analysis, actor: User) -> dict[str, int]:
    """Write every row in the current transaction; the caller refuses when any row has errors."""
    if not analysis.ok:
        raise ValueError("refusing to import rows with errors")
    skills = {s.code: s for s in all_skills()}
    ids = [r.target_id for r in analysis.rows if r.target_id]
    existing: dict[int, Volunteer] = {}
    for i in range(0, len(ids), 900):
        for volunteer in db.session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(ids[i : i + 900]))
            .options(selectinload(Volunteer.skills), selectinload(Volunteer.date_ranges))
        ):
            existing[volunteer.id] = volunteer
    created = updated = 0
    for row in analysis.rows:
        values = row.values
        if row.target_id:
            volunteer = existing[row.target_id]
            updated += 1
        else:
            volunteer = Volunteer(kind=values["kind"], name=values["name"])
            db.session.add(volunteer)
            created += 1
        for name in PROFILE_FIELDS:
            # On an update an empty cell keeps what is stored; a new volunteer takes the defaults.
            if name in values and values[name] not in (None, ""):
                setattr(volunteer, name, values[name])
        if values.get("skills"):
            volunteer.skills = [skills[code] for code in values["skills"]]
        start, end = values.get("available_from"), values.get("available_to")
        if start and end:
            # The file wins: available ranges that overlap the new one are replaced by it.
            for old in list(volunteer.date_ranges):
                if old.kind == "available" and old.starts_on <= end and old.ends_on >= start:
                    volunteer.date_ranges.remove(old)
            volunteer.date_ranges.append(
                VolunteerDateRange(kind="available", starts_on=start, ends_on=end)
            )
    db.session.flush()
    counts = {"created": created, "updated": updated}
    audit.record("volunteer.import", "volunteer", None, after=counts, actor_id=actor.id)
    return counts

"""Reading an import file (CSV in UTF-8 with or without BOM, or GBK; or XLSX) into text cells,
with the columns mapped onto our fields from the template's headers in either language."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from webapp.blueprints.volunteers.columns import EXPORT_KEYS, column_for_header, is_example
from webapp.blueprints.volunteers.columns import header as column_header
from webapp.inputs import strip_control_characters

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED_COLUMNS = ("name", "kind")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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

"""Files people download: CSV and XLSX that office software opens safely, and the one way a
download is named (RFC 6266 Content-Disposition).

Cells that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a single
quote; characters XML forbids are dropped. CSV is UTF-8 with a BOM, so that Excel in a Chinese
locale opens it correctly.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

from webapp.inputs import xml_safe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Flask adds "; charset=utf-8" to text types itself.
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEET_MIMES = {"csv": CSV_MIME, "xlsx": XLSX_MIME}
# RFC 5987 attr-char beyond letters, digits and "-._~" (which quote() always keeps).
_ATTR_CHARS = "!#$&+^`|"


def escape_cell(value) -> str:
    """Text for a spreadsheet cell that can never be read as a formula, nor break the file:
    characters XML forbids are dropped, whatever is stored (old rows, other tools)."""
    text = "" if value is None else xml_safe(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value):
    """A cell as a spreadsheet should hold it: numbers stay numbers (so that they sum and sort),
    anything else is formula-safe text (escape_cell)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return escape_cell(value)


def to_csv(header: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a BOM, so that Excel in a Chinese locale opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(header))
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Column widths in Excel's units (about one Latin character); a CJK character takes two.
MIN_WIDTH, MAX_WIDTH = 6, 50


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(header: list, rows: list[list]) -> list[int]:
    """Each column as wide as its widest cell (header included), within MIN_WIDTH..MAX_WIDTH."""
    widths = [_display_width(h) for h in header]
    for row in rows:
        for index, cell in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(cell))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def to_xlsx(header: Iterable[str], rows: Iterable[list], sheet: str) -> bytes:
    """One sheet: a bold header row kept in view, then the rows; columns as wide as their
    cells. Numbers stay numbers (give them as int or float, not text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, rows = list(header), list(rows)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(header, rows), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    titles = []
    for text in header:
        cell = WriteOnlyCell(worksheet, value=xml_safe(str(text)))
        cell.font = bold
        titles.append(cell)
    worksheet.append(titles)
    for row in rows:
        worksheet.append([xml_safe(cell) if isinstance(cell, str) else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str, fallback: str | None = None, *, inline: bool = False) -> str:
    """RFC 6266: `filename` in plain ASCII for every client and, when the name needs more,
    `filename*` in UTF-8 (RFC 5987) for the clients that read it (all current browsers).

    `fallback`: the ASCII name to use (default: `filename` with what ASCII lacks left out)."""
    plain = _ascii(filename if fallback is None else fallback)
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if plain != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe=_ATTR_CHARS)}"
    return value


def _ascii(name: str) -> str:
    """A name that fits a quoted string: ASCII, printable, without quotes or backslashes."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in text if c.isprintable() and c not in '"\\') or "download"


def attachment(body: bytes, mimetype: str, filename: str, fallback: str | None = None) -> Response:
    """A download: the browser saves `body` as `filename` (see content_disposition)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": content_disposition(filename, fallback)},
    )

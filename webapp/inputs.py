"""Hostile input, refused in one place: control characters, dates off the calendar, ids past 32
bits, unknown time zones, and text a spreadsheet cannot hold.

- `refuse_control_characters` runs before every request: a query parameter, form field or path
  with a control character (NUL, \\x0b ...) is a 400 with the reason; tab, CR and LF are fine.
  PostgreSQL refuses NUL in text, and XLSX cannot store most control characters, so nothing that
  would break later is ever accepted.
- Dates are bounded to DATE_MIN..DATE_MAX wherever they are parsed (forms use the fields in
  webapp.fields; query parameters use `date_arg`), so no date arithmetic runs off the calendar.
- `<int:...>` in URLs stops at 2**31 - 1 (the range of an SQL integer): a larger id is a 404.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map

# C0 controls but tab, LF and CR; DEL; C1 controls; the two non-characters XML refuses.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What an XLSX (XML 1.0) cell cannot hold: C0 controls but tab, LF and CR, lone surrogates and
# the two non-characters. Stored text is cleaned with this on export, whatever its origin.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
SQL_INT_MAX = 2**31 - 1

DATE_RANGE_MESSAGE = _l("Enter a date between 1900-01-01 and 2100-12-31.")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def xml_safe(text: str) -> str:
    """Text a spreadsheet cell can hold: characters XML 1.0 forbids are dropped."""
    return XML_ILLEGAL.sub("", text)


def _values(multidict) -> list[str]:
    values = []
    for key, items in multidict.lists():
        values.append(key)
        values.extend(item for item in items if isinstance(item, str))
    return values


def refuse_control_characters() -> None:
    """before_request: a 400 with the reason when any input carries a control character."""
    texts = [request.path, *_values(request.args)]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        texts.extend(_values(request.form))
        texts.extend(f.filename or "" for f in request.files.values())
    if any(has_control_characters(text) for text in texts):
        abort(
            400,
            description=_(
                "The input contains invisible control characters (such as NUL). Remove them and"
                " try again."
            ),
        )


# --- dates ----------------------------------------------------------------------------------


def in_date_range(value: date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


def parse_date(text: str | None) -> date | None:
    """An ISO date within DATE_MIN..DATE_MAX; None for an empty value; ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    value = date.fromisoformat(text)
    if not in_date_range(value):
        raise ValueError(str(DATE_RANGE_MESSAGE))
    return value


def date_arg(name: str, default: date) -> date:
    """A date from the query string; a 400 with the reason when it is not a date in range."""
    try:
        return parse_date(request.args.get(name)) or default
    except ValueError:
        abort(
            400,
            description=_(
                "The date is not valid (use YYYY-MM-DD, between 1900-01-01 and 2100-12-31)."
            ),
        )


def parse_id(raw: str | None) -> int | None:
    """A non-negative integer written in ASCII digits that fits an SQL integer, else None.

    `str.isdigit()` alone is not enough: it accepts '²' and other digits `int()` refuses."""
    raw = (raw or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= SQL_INT_MAX:
        return int(raw)
    return None


def int_arg(name: str, default: int | None = None) -> int | None:
    """A non-negative integer from the query string that fits an SQL integer, else `default`."""
    value = parse_id(request.args.get(name))
    return default if value is None else value


# --- ids in URLs ----------------------------------------------------------------------------


class SqlIntegerConverter(IntegerConverter):
    """`<int:...>` bounded to an SQL integer, so an overlong id is a 404, not a database error."""

    def __init__(self, map: Map, fixed_digits: int = 0, min=None, max=SQL_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# --- time zones -----------------------------------------------------------------------------


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_timezone(name: str) -> bool:
    """True for an IANA zone name we know; user input never reaches the file system."""
    return name in known_timezones()


@cache
def zone(name: str) -> ZoneInfo:
    """A known zone by name (cached); unknown names are a ValueError."""
    if not valid_timezone(name):
        raise ValueError(f"unknown time zone: {name[:64]!r}")
    return ZoneInfo(name)

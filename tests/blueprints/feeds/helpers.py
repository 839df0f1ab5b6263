"""Feeds parsed by two independent parsers, as calendar apps would."""

from __future__ import annotations

import vobject
from ical.calendar_stream import IcsCalendarStream


def parse_both(body: bytes):
    """(the `ical` package's Calendar, vobject's component); both must accept the feed."""
    text = body.decode("utf-8")
    strict = IcsCalendarStream.calendar_from_ics(text)
    loose = vobject.readOne(text)
    return strict, loose


def feed_token(client, path: str = "/me/schedule") -> str:
    import re

    page = client.get(path).text
    match = re.search(r'href="http://[^"]+/feeds/([A-Za-z0-9_-]{43})\.ics"', page)
    assert match, "no feed link on the page"
    return match.group(1)

"""Walking a role's pages the way a person would: the menu, then the links found on each page.

Shared by the link check (test client) and the phone-width walk (Chromium). One page per URL shape:
a list of 120 volunteers costs one visit to a volunteer's page, not 120.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Links that end the session, download a file or subscribe a calendar are not pages to look at.
NOT_PAGES = re.compile(r"/auth/logout|\.(csv|xlsx|ics|json)(\?|$)|/feeds?/|/static/")
# The menu, the pages it links to, and one more level (forms reached from a detail page).
DEPTH = 2


def url_shape(url: str) -> str:
    """A URL with its numbers and query values blanked."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(keys) if keys else "")


def local_path(href: str, base: str = "") -> str | None:
    """The same-site path and query of a link, or None for another site, a fragment or mailto."""
    href = href.split("#", 1)[0]
    if base and href.startswith(base):
        href = href[len(base) :] or "/"
    if not href.startswith("/") or href.startswith("//"):
        return None
    return href


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.all: list[str] = []
        self._in_header = 0

    def handle_starttag(self, tag, attrs):
        if tag == "header":
            self._in_header += 1
        if tag == "a":
            href = dict(attrs).get("href")
            path = local_path(href or "")
            if path:
                self.all.append(path)
                if self._in_header:
                    self.header.append(path)

    def handle_endtag(self, tag):
        if tag == "header" and self._in_header:
            self._in_header -= 1


def links_in(html: str, *, header_only: bool = False) -> list[str]:
    """Same-site link targets (<a href>) in a page, in order, with &amp; decoded."""
    parser = _Links()
    parser.feed(html)
    return parser.header if header_only else parser.all


def walk(menu: Iterable[str], open_page: Callable[[str], list[str] | None]) -> set[str]:
    """Breadth first from the menu, DEPTH levels below it, one page per shape.

    `open_page(url)` visits a page and returns the links on it (None when it did not open).
    Returns the shapes visited.
    """
    seen: set[str] = set()
    level = list(menu)
    for _depth in range(DEPTH + 1):
        below: list[str] = []
        for url in level:
            if NOT_PAGES.search(url) or url_shape(url) in seen:
                continue
            seen.add(url_shape(url))
            below.extend(open_page(url) or [])
        level = below
    return seen

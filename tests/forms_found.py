"""What a person can send: the forms, htmx actions and query strings found in the app's own pages.

The fuzz tests read every page of the URL map as every principal and collect, from the HTML,
each form (its method, target and fields, with the values a person would start from), each htmx
action outside a form (hx-post/hx-get with hx-vals) and each link or GET form with a query
string. New routes and forms join by themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # text, number, date, time, email, checkbox, radio, select, textarea, file, hidden
    values: list[str] = field(default_factory=list)  # options, or the value shown


@dataclass
class Target:
    method: str  # GET or POST
    path: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.method, self.path, tuple(sorted(self.fields)))


class _Collector(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.targets: list[Target] = []
        self._form: Target | None = None
        self._select: Field | None = None

    def _path(self, raw: str | None) -> str | None:
        url = urljoin(self.page_url, raw or self.page_url)
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _add_query_target(self, raw: str | None) -> None:
        path = self._path(raw)
        if path and "?" in path:
            base, query = path.split("?", 1)
            target = Target("GET", base)
            for name, value in parse_qsl(query, keep_blank_values=True):
                target.fields[name] = Field(name, "text", [value])
            self.targets.append(target)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (
                "POST" if (a.get("method") or "get").lower() == "post" or "hx-post" in a else "GET"
            )
            path = self._path(a.get("hx-post") or a.get("hx-get") or a.get("action"))
            self._form = Target(method, path.split("?")[0]) if path else None
            return
        if tag == "a":
            self._add_query_target(a.get("href"))
            self._add_query_target(a.get("hx-get"))
        if self._form is None and a.get("hx-post"):
            path = self._path(a["hx-post"])
            if path:
                target = Target("POST", path.split("?")[0])
                for name, value in json.loads(a.get("hx-vals") or "{}").items():
                    target.fields[name] = Field(name, "text", [str(value)])
                self.targets.append(target)
        if self._form is None:
            return
        fields = self._form.fields
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                kind = "hidden"
            entry = fields.setdefault(name, Field(name, kind))
            entry.values.append(a.get("value") or ("y" if kind in ("checkbox", "radio") else ""))
        elif tag == "textarea" and name:
            fields.setdefault(name, Field(name, "textarea", [""]))
        elif tag == "select" and name:
            self._select = fields.setdefault(name, Field(name, "select"))
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))
        elif tag == "button" and name:
            fields.setdefault(name, Field(name, "hidden")).values.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._form is not None:
            self.targets.append(self._form)
            self._form = None


def targets_in(html: str, page_url: str) -> list[Target]:
    collector = _Collector(page_url)
    collector.feed(html)
    return collector.targets

"""Security headers on every response, and pages that keep working under the strict CSP: no
page (as any principal, full or htmx fragment) carries an inline script, an on* handler, a
style attribute, a <style> block or a javascript: URL."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.world import PRINCIPALS, build, clients
from webapp.headers import CONTENT_SECURITY_POLICY

HTMX = {"HX-Request": "true"}


class InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            if "src" not in names:
                self.found.append("inline <script>")
            self._in_script = True
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name}= handler on <{tag}>")
            if name == "style":
                self.found.append(f"style= attribute on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")
            if name == "hx-vals" and (value or "").lstrip().startswith("js:"):
                self.found.append("js: in hx-vals (needs eval)")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_what_the_policy_would_block():
    html = '<script>x()</script><a onclick="x()" style="color:red" href="javascript:x()">a</a>'
    assert len(inline_code(html)) == 4
    assert inline_code('<script src="/static/app.js"></script><a href="/x">a</a>') == []


def test_every_page_is_free_of_inline_code_for_every_principal(app):
    world = build(app)
    logged_in = clients(app, world)
    found, pages = [], 0
    for rule in app.url_map.iter_rules():
        if "." not in rule.endpoint or "GET" not in rule.methods:
            continue
        for principal in PRINCIPALS:
            for headers in ({}, HTMX):
                response = logged_in[principal].get(world.url(rule), headers=headers)
                if not response.mimetype.startswith("text/html"):
                    continue
                pages += 1
                for problem in inline_code(response.get_data(as_text=True)):
                    found.append((rule.endpoint, principal, bool(headers), problem))
    assert found == []
    assert pages > 300


def test_csp_allows_only_our_own_scripts_and_styles(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.parametrize("path", ["/", "/auth/login", "/healthz", "/static/app.js", "/nowhere"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://shouwang.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_htmx_runs_without_eval_inline_styles_or_script_tags(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '"includeIndicatorStyles":false' in html
    assert '"allowEval":false' in html
    assert '"allowScriptTags":false' in html

"""Every link a role sees leads to a page it may open: no link to a 403 or a 404.

Each demo role walks its pages (the menu and two levels below, tests/crawl.py) and every distinct
link found on them is requested, downloads included.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import AuthActions
from tests.crawl import NOT_PAGES, links_in, walk
from webapp.demo import DEMO_ACCOUNTS, load_demo_county
from webapp.extensions import db


@pytest.fixture
def demo_county(app):
    load_demo_county()
    db.session.commit()


@pytest.mark.parametrize("email", [email for email, _name, _roles in DEMO_ACCOUNTS])
def test_every_link_a_role_sees_opens(app, demo_county, email):
    client = app.test_client()
    assert AuthActions(client).login(email, app.config["DEMO_PASSWORD"]).status_code == 303
    links: dict[str, str] = {}  # link -> a page it was found on
    flaws: list[str] = []

    def open_page(url: str) -> list[str] | None:
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            return None
        html = response.get_data(as_text=True)
        flaws.extend(f"{url}: {flaw}" for flaw in page_flaws(html))
        found = links_in(html)
        for link in found:
            links.setdefault(link, url)
        return found

    dashboard = client.get("/dashboard").get_data(as_text=True)
    walk(["/dashboard", *links_in(dashboard, header_only=True)], open_page)
    assert len(links) > 5
    broken = []
    for link, source in sorted(links.items()):
        if "/auth/logout" in link:
            continue
        status = client.get(link, follow_redirects=True).status_code
        if status != 200:
            broken.append(f"{link} (linked from {source}) answers {status}")
    assert broken == [], f"{email} sees links that do not open:\n" + "\n".join(broken)
    assert flaws == []


def page_flaws(html: str) -> list[str]:
    """What a new user tripped over on some page: a doubled title, htmx attributes that htmx
    does not read (hx_get=), an icon-less page."""
    flaws = []
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    if title and title.group(1).count("守望") + title.group(1).count("Shouwang") > 1:
        flaws.append(f"doubled title {title.group(1)!r}")
    if re.search(r"\shx_[a-z]+=", html):
        flaws.append("an hx_ attribute (htmx reads hx-)")
    if 'rel="icon"' not in html:
        flaws.append("no icon")
    shown = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", "\n", html, flags=re.S)
    for code in re.findall(rf"^\s*({RAW_CODES})\s*$", shown, flags=re.M):
        flaws.append(f"a raw code shown as text: {code}")
    return flaws


# Stored codes that must reach the reader as labels (labels.py), never as they are stored.
RAW_CODES = (
    "pending|cleared|expired|rejected|requested|confirmed|declined|cancelled|surrogate_parent|"
    "college_student|video_call|reading_club|home_manager|coordinator|ebike|bicycle"
)


def test_page_flaws_finds_what_confused_a_new_user():
    page = '<title>守望 · 守望</title><select hx_get="/x"></select><td>pending</td>'
    assert len(page_flaws(page)) == 4
    assert page_flaws('<title>志愿者 · 守望</title><link rel="icon" href="/i.svg">') == []


def test_the_walk_skips_downloads_and_logout_but_the_links_include_them():
    html = '<header><a href="/x">x</a></header><a href="/v.csv?q=1">csv</a><a href="//evil/">e</a>'
    assert links_in(html) == ["/x", "/v.csv?q=1"]
    assert links_in(html, header_only=True) == ["/x"]
    assert NOT_PAGES.search("/v.csv?q=1") and NOT_PAGES.search("/auth/logout")

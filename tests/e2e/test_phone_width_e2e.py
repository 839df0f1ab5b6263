"""Every page a demo role can reach fits a phone: at 390x844 nothing scrolls sideways.

For each demo role the walk logs in through the form, opens every page of its menu, then follows
the same-site links found on those pages, two levels down (tests/crawl.py: one page per URL shape).
A page fails when `scrollWidth` exceeds the viewport (the message names the page and its widest
element, and a screenshot goes to test-artifacts/) or when it does not open. Pages added later
join the walk by being linked from a page of the menu.
"""

from __future__ import annotations

import pytest

from tests.crawl import local_path, url_shape, walk
from webapp.demo import DEMO_ACCOUNTS, load_demo_county
from webapp.extensions import db

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
WIDEST_ELEMENT = """() => {
  const width = document.documentElement.clientWidth;
  let worst = null, right = width;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > right + 0.5 && clipped(el)) continue;
    if (box.width && box.right > right + 0.5) { right = box.right; worst = el; }
  }
  if (!worst) return null;
  const id = worst.id ? '#' + worst.id : '';
  const cls = worst.classList.length ? '.' + [...worst.classList].join('.') : '';
  return worst.tagName.toLowerCase() + id + cls + ' (right edge ' + Math.round(right) + ' px): '
    + (worst.outerHTML || '').slice(0, 120);
}"""


def links_on(page, scope: str = "body") -> list[str]:
    hrefs = page.eval_on_selector_all(
        f"{scope} a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    return [path for path in map(local_path, hrefs) if path]


def overflow(page) -> str | None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll <= PHONE["width"]:
        return None
    return f"{scroll} px wide; widest: {page.evaluate(WIDEST_ELEMENT)}"


@pytest.fixture
def demo_county(app):
    load_demo_county()
    db.session.commit()


@pytest.mark.parametrize("email", [email for email, _name, _roles in DEMO_ACCOUNTS])
def test_every_page_of_a_role_fits_a_phone_screen(
    _browser, live_server, app, demo_county, email, artifacts_dir
):
    context = _browser.new_context(locale="zh-CN", base_url=live_server, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/auth/login")
        page.fill("#email", email)
        page.fill("#password", app.config["DEMO_PASSWORD"])
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/dashboard")

        failures: list[str] = []

        def open_page(url: str) -> list[str] | None:
            response = page.goto(url)
            if response is None or not response.ok:
                failures.append(f"{url}: answered {response and response.status}")
                return None
            problem = overflow(page)
            if problem:
                failures.append(f"{url}: {problem}")
                name = url_shape(url).strip("/").replace("/", "-").replace("?", "_")[:60]
                page.screenshot(path=str(artifacts_dir / f"too-wide-{name}.png"))
            return links_on(page)

        seen = walk(["/dashboard", *links_on(page, "header")], open_page)
        walked = artifacts_dir / f"phone-walk-{email.split('@')[0]}.txt"
        walked.write_text("\n".join(sorted(seen)) + "\n", encoding="utf-8")
        assert len(seen) > 2, f"{email}: the walk found almost nothing: {sorted(seen)}"
        assert failures == [], f"{email}: pages that fail on a 390 px phone:\n" + "\n".join(
            failures
        )
    finally:
        context.close()

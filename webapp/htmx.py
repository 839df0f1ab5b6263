"""htmx helpers. We wrap htmx-flask here and fix what it gets wrong.

htmx-flask 0.1.0 gives `request.htmx` and `make_response(..., retarget=..., trigger=...)`, but:
- its list of HX-Reswap values glues "beforebegin" and "afterbegin" together and refuses swap
  modifiers ("innerHTML show:top"), so we check the swap style ourselves;
- it never adds `Vary: HX-Request`, so a cache could hand a fragment to a full-page load;
- `bool(request.htmx)` is true for boosted requests and history restores, which want a full page.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Response, g, redirect, render_template, request
from htmx_flask import make_response as _htmx_make_response

SWAP_STYLES = frozenset(
    {
        "innerHTML",
        "outerHTML",
        "textContent",
        "beforebegin",
        "afterbegin",
        "beforeend",
        "afterend",
        "delete",
        "none",
    }
)
# HTTP 286 tells htmx to stop polling.
STOP_POLLING = 286


def is_htmx_request() -> bool:
    return request.headers.get("HX-Request", "").lower() == "true"


def is_fragment_request() -> bool:
    """True when the response should be the partial alone.

    A boosted request or a history restore wants the whole page. The answer differs by header,
    so the response is marked to vary on HX-Request.
    """
    g.vary_on_htmx = True
    if not is_htmx_request():
        return False
    boosted = request.headers.get("HX-Boosted", "").lower() == "true"
    restore = request.headers.get("HX-History-Restore-Request", "").lower() == "true"
    return not (boosted or restore)


def add_vary_header(response: Response) -> Response:
    """after_request hook: add `Vary: HX-Request` where the view looked at it."""
    if g.get("vary_on_htmx"):
        response.vary.add("HX-Request")
    return response


def make_response(*args: Any, reswap: str | None = None, **headers: Any) -> Response:
    """htmx-flask's make_response with a correct check of the swap style (and its modifiers)."""
    response = _htmx_make_response(*args, **headers)
    if reswap is not None:
        style = reswap.split()[0] if reswap.strip() else ""
        if style not in SWAP_STYLES:
            raise ValueError(f"unknown htmx swap style: {reswap!r}")
        response.headers["HX-Reswap"] = reswap
    return response


def hx_redirect(url: str, status: int = 303) -> Response:
    """Redirect the whole page: HX-Redirect for htmx (a 3xx would be followed inside the swap).

    To the page the browser shows, with only another #anchor, a browser just scrolls: then
    HX-Refresh too, so that the page is loaded again (htmx reloads after setting the URL)."""
    if is_htmx_request():
        response = Response("", status=200)
        response.headers["HX-Redirect"] = url
        if _same_document(request.headers.get("HX-Current-URL", ""), url):
            response.headers["HX-Refresh"] = "true"
        return response
    return redirect(url, code=status)


def _same_document(current: str, url: str) -> bool:
    here, there = urlsplit(current), urlsplit(url)
    if there.netloc and there.netloc != here.netloc:
        return False
    return bool(current) and (here.path, here.query) == (there.path, there.query)


def hx_trigger(response: Response, event: str, detail: Any = None) -> Response:
    """Add a client-side event to HX-Trigger, keeping events already set."""
    existing = response.headers.get("HX-Trigger")
    events: dict[str, Any] = {}
    if existing:
        try:
            parsed = json.loads(existing)
            events = parsed if isinstance(parsed, dict) else {existing: None}
        except ValueError:
            events = {name.strip(): None for name in existing.split(",")}
    events[event] = detail
    response.headers["HX-Trigger"] = json.dumps(events, ensure_ascii=False)
    return response


def render_page_or_partial(page: str, partial: str, status: int = 200, **context: Any):
    """The whole page, or the partial alone for an htmx request that wants a fragment."""
    template = partial if is_fragment_request() else page
    return render_template(template, **context), status

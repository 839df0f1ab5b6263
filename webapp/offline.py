"""My schedule without a network: whose copy a phone may keep, and forgetting it at log-out.

A service worker (webapp/static/schedule-sw.js, served as /me/sw.js with the scope /me/) keeps the
volunteer's last My schedule page and its one-event .ics files in the browser's Cache Storage and
shows them, marked "as of <time>", when the network is gone. What it keeps is decided here:
- only answers that name their owner in the OWNER_HEADER are kept (the schedule page and its .ics
  files, which are always the logged-in volunteer's own), in a cache named after that owner;
- every page names the logged-in person in a meta tag (`offline_owner()`, empty for nobody), and
  app.js deletes any kept copy of someone else, so a second person on the same phone never sees
  the first one's schedule;
- logging out answers with `Clear-Site-Data: "storage"`, which makes the browser drop the cache
  and unregister the worker (the page after it, with nobody logged in, deletes the copies too,
  for browsers without that header). Not "cache": pages are never stored in the HTTP cache
  (Cache-Control: no-store), which holds only the public static files; dropping those would make
  the next log-in on a slow network load everything again.
The owner key is an HMAC of the user id, so the cache's name tells nothing about the person.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Response, current_app
from flask_login import current_user

OWNER_HEADER = "Shouwang-Offline"
CLEAR_SITE_DATA = '"storage"'


def owner_key(user_id: int) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"offline-schedule:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def offline_owner() -> str:
    """The logged-in person's key for the page's meta tag; empty when nobody is logged in."""
    user = current_user._get_current_object()
    return owner_key(user.id) if user.is_authenticated else ""


def keep_offline(response: Response, user_id: int) -> Response:
    """Let the service worker keep this answer as the user's own."""
    response.headers[OWNER_HEADER] = owner_key(user_id)
    return response


def forget_offline(response: Response) -> Response:
    """At log-out: the browser drops what the service worker kept, and the worker."""
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response

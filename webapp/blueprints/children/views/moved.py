"""The children's pages lived under /volunteers/ until they got their own blueprint: every old
address answers with a permanent redirect to the new one (GET 301; other methods 308, so that a
form posted to an old address is posted again, unchanged, to the new one). Bookmarks and old
links keep working; the new page checks who may see it."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

old = Blueprint("children_moved", __name__, url_prefix="/volunteers")

# The old rule under /volunteers, the methods it answered, the new page.
MOVED = (
    ("/pairings", ("GET",), "children.index"),
    ("/pairings/new", ("GET", "POST"), "children.pairing_new"),
    ("/pairings/<int:pairing_id>", ("GET",), "children.pairing_detail"),
    ("/pairings/<int:pairing_id>/logs", ("POST",), "children.pairing_log"),
    ("/pairings/<int:pairing_id>/end", ("POST",), "children.pairing_end"),
    ("/children/new", ("GET", "POST"), "children.child_new"),
    ("/children/<int:child_id>/edit", ("GET", "POST"), "children.child_edit"),
    ("/children/<int:child_id>/export.json", ("GET",), "children.child_export"),
    ("/children/<int:child_id>/erase", ("POST",), "children.child_erase"),
)


def _to(endpoint: str):
    def moved(**values):
        # The query string comes along (?child_id= on the pairing form); the path's values win.
        target = url_for(endpoint, **{**request.args.to_dict(flat=False), **values})
        return redirect(target, code=301 if request.method in ("GET", "HEAD") else 308)

    moved.__doc__ = f"Moved permanently to {endpoint}."
    return moved


for rule, methods, endpoint in MOVED:
    old.add_url_rule(rule, endpoint.split(".")[1], _to(endpoint), methods=list(methods))

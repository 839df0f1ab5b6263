"""Our wrapper around htmx-flask, including the things it gets wrong."""

import json

import pytest
from flask import Response

from webapp import htmx


def test_plain_request_is_not_a_fragment_request(app):
    with app.test_request_context("/"):
        assert not htmx.is_fragment_request()


def test_htmx_request_is_a_fragment_request(app):
    with app.test_request_context("/", headers={"HX-Request": "true"}):
        assert htmx.is_fragment_request()


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_boosted_or_history_restore_wants_the_full_page(app, header):
    with app.test_request_context("/", headers={"HX-Request": "true", header: "true"}):
        assert not htmx.is_fragment_request()


def test_vary_header_is_added_only_when_the_view_asked(app):
    with app.test_request_context("/"):
        assert "HX-Request" not in htmx.add_vary_header(Response("x")).vary
        htmx.is_fragment_request()
        assert "HX-Request" in htmx.add_vary_header(Response("x")).vary


@pytest.mark.parametrize("swap", ["beforebegin", "afterbegin", "outerHTML", "innerHTML show:top"])
def test_reswap_accepts_every_swap_style_and_modifiers(app, swap):
    with app.test_request_context("/"):
        assert htmx.make_response("x", reswap=swap).headers["HX-Reswap"] == swap


def test_reswap_rejects_unknown_style(app):
    with app.test_request_context("/"), pytest.raises(ValueError):
        htmx.make_response("x", reswap="sideways")


def test_make_response_passes_retarget_through(app):
    with app.test_request_context("/"):
        assert htmx.make_response("x", retarget="#messages").headers["HX-Retarget"] == "#messages"


def test_hx_redirect_uses_header_for_htmx_and_303_otherwise(app):
    with app.test_request_context("/", headers={"HX-Request": "true"}):
        response = htmx.hx_redirect("/next")
        assert response.status_code == 200 and response.headers["HX-Redirect"] == "/next"
    with app.test_request_context("/"):
        response = htmx.hx_redirect("/next")
        assert response.status_code == 303 and response.headers["Location"] == "/next"


def test_hx_redirect_to_the_shown_page_with_another_anchor_reloads_it(app):
    """A browser only scrolls for a new #anchor on the same page: htmx must reload it."""
    shown = {"HX-Request": "true", "HX-Current-URL": "http://x.test/planning/plans/2?view=board"}
    with app.test_request_context("/", headers=shown):
        same = htmx.hx_redirect("/planning/plans/2?view=board#target-p3")
        other = htmx.hx_redirect("/planning/programmes/1")
    assert same.headers["HX-Refresh"] == "true"
    assert same.headers["HX-Redirect"] == "/planning/plans/2?view=board#target-p3"
    assert "HX-Refresh" not in other.headers


def test_hx_trigger_merges_events(app):
    with app.test_request_context("/"):
        response = htmx.hx_trigger(Response("x"), "saved", {"id": 1})
        response = htmx.hx_trigger(response, "refresh")
        assert json.loads(response.headers["HX-Trigger"]) == {"saved": {"id": 1}, "refresh": None}

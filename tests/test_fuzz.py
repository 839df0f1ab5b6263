"""Fuzz every form and every query string the app's own pages offer, as every principal, with
hostile values: long strings, control characters and NUL, mixed scripts, HTML and SQL fragments,
huge and negative numbers, dates at the ends of the calendar. Nothing may answer 5xx; afterwards
no page shows what was sent unescaped and no stored text holds a control character.

Targets are found in the pages (tests/forms_found.py), so new routes and forms join by
themselves; a POST route that no page offers is fuzzed with every field name seen anywhere.
FUZZ_EXAMPLES (default 12) sets the examples per target.
"""

from __future__ import annotations

import io
import os
from collections import Counter

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.forms_found import Field, Target, targets_in
from tests.test_access_matrix import OK, RULES
from tests.world import build, login
from webapp.extensions import db
from webapp.inputs import CONTROL_CHARACTERS

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZED = ("anonymous", "volunteer", "manager", "coordinator", "admin")
SESSION_ENDING = {"auth.logout", "auth.logout_everywhere"}
MARKER = "<x-fz"
HX = {"HX-Request": "true"}

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x0b",
    "\x1b[31m",
    "\u202egnp.exe",
    "\ufeff",
    "<x-fz>",
    '"><x-fz onmouseover=alert(1)>',
    "</textarea><x-fz>",
    "'; DROP TABLE users; --",
    "%' OR '1'='1",
    "{{7*7}}",
    "${7*7}",
    "javascript:alert(1)",
    "../../../../etc/passwd",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "1900-01-01",
    "2100-12-31",
    "-1",
    "0",
    "2147483648",
    "99999999999999999999",
    "-9999999999",
    "1e309",
    "NaN",
    "-inf",
    "１２３",
    "25:99",
    "23:59",
    "x" * 5000,
    "李" * 300,
    "Ωmixed李Яscript ١٢٣",
    "\U0001f600" * 10,
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(max_size=120).map(lambda s: s + "<x-fz>"),
    st.integers(-(10**20), 10**20).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def _csv(cells: list[str]) -> bytes:
    rows = ["name,kind,phone,email,skills", ",".join(c.replace(",", " ") for c in cells)]
    return "\n".join(rows).encode("utf-8", "surrogatepass")


file_bytes = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.sampled_from(HOSTILE), min_size=5, max_size=5).map(_csv),
)


def _field_values(spec: Field):
    shown = [v for v in spec.values if v is not None] or [""]
    if spec.kind == "file":
        return file_bytes
    start = st.sampled_from(shown)
    if spec.kind == "checkbox":
        return st.one_of(
            st.lists(st.sampled_from(shown), unique=True), st.lists(hostile_text, max_size=3)
        )
    # Mostly the value a person starts from, so that other fields get past validation too.
    return st.one_of(start, start, hostile_text)


def _values(target: Target):
    return st.fixed_dictionaries(
        {name: _field_values(spec) for name, spec in target.fields.items()}
    )


def _send(client, target: Target, values: dict, htmx: bool):
    headers = HX if htmx else {}
    if target.method == "GET":
        return client.get(target.path, query_string=values, headers=headers)
    data = {
        name: (io.BytesIO(value), "people.csv") if isinstance(value, bytes) else value
        for name, value in values.items()
    }
    return client.post(target.path, data=data, headers=headers)


def _endpoint(app, target: Target) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(target.path, method=target.method)
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


def _app_get_rules(app):
    return [r for r in app.url_map.iter_rules() if "." in r.endpoint and "GET" in r.methods]


def _discover(app, world) -> dict[str, list[Target]]:
    """Every target each principal's pages offer, once each."""
    found: dict[str, list[Target]] = {}
    for principal in FUZZED:
        client = _client(app, world, principal)
        seen: dict[tuple, Target] = {}
        for rule in _app_get_rules(app):
            url = world.url(rule)
            response = client.get(url)
            if response.status_code != 200 or not response.mimetype.startswith("text/html"):
                continue
            for target in targets_in(response.get_data(as_text=True), url):
                if _endpoint(app, target) in SESSION_ENDING:
                    continue
                seen.setdefault(target.key, target)
        found[principal] = list(seen.values())
    return found


def _client(app, world, principal: str):
    client = app.test_client()
    if principal != "anonymous":
        login(client, world.users[principal])
    return client


def _fuzz(app, world, principal: str, target: Target, sent: Counter) -> None:
    client = _client(app, world, principal)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values=_values(target), htmx=st.booleans())
    def run(values, htmx):
        response = _send(client, target, values, htmx)
        sent[principal] += 1
        assert response.status_code < 500, (principal, target.method, target.path, values)

    run()


def _post_endpoints_someone_may_use(app) -> set[str]:
    return {
        r.endpoint
        for r in app.url_map.iter_rules()
        if "POST" in r.methods
        and r.endpoint in RULES
        and r.endpoint not in SESSION_ENDING
        and any(outcome == OK for outcome in RULES[r.endpoint].values())
    }


def test_fuzzing_every_form_and_query_string_gives_no_server_error(app):
    world = build(app)
    found = _discover(app, world)
    sent: Counter = Counter()
    offered = {_endpoint(app, t) for targets in found.values() for t in targets}
    for principal in FUZZED:
        for target in found[principal]:
            _fuzz(app, world, principal, target, sent)
    # POST routes no page offers (yet): every field name seen anywhere, as everyone allowed.
    all_fields: dict[str, Field] = {}
    for targets in found.values():
        for target in targets:
            all_fields.update(target.fields)
    unoffered = sorted(_post_endpoints_someone_may_use(app) - offered)
    for endpoint in unoffered:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        target = Target("POST", world.url(rule), dict(all_fields))
        for principal in FUZZED:
            if RULES[endpoint].get(principal) == OK:
                _fuzz(app, world, principal, target, sent)
    print(f"\nfuzz: {sum(sent.values())} requests {dict(sent)}; unoffered POST routes: {unoffered}")
    assert sum(len(t) for t in found.values()) > 50
    assert sum(sent.values()) >= EXAMPLES * 50

    _assert_nothing_shows_unescaped(app, world)
    _assert_no_stored_control_characters()


def _assert_nothing_shows_unescaped(app, world) -> None:
    shown = []
    for principal in FUZZED:
        client = _client(app, world, principal)
        for rule in _app_get_rules(app):
            for headers in ({}, HX):
                response = client.get(world.url(rule), headers=headers)
                if response.mimetype.startswith("text/html") and MARKER in response.get_data(
                    as_text=True
                ):
                    shown.append((principal, rule.endpoint, bool(headers)))
    assert shown == []


def _assert_no_stored_control_characters() -> None:
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.String | sa.Text):
                continue
            for value in db.session.scalars(sa.select(column).where(column.is_not(None))):
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                    found.append((table.name, column.name, value[:40]))
    assert found == []

"""Benchmarks that need the web app or the database (`make bench` runs them; JSON lines out).

They sit above the app: they import the factory, and nothing of the app imports them (the
benchmarks are not flask commands). Each runs as a module in an app built from the environment:
`python -m webapp.bench.volunteers`, `python -m webapp.bench.feeds`, `python -m
webapp.bench.planning` (options: `--help`). The pure solver benchmarks are in
webapp.scheduling.bench.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.testing import FlaskClient


def emit(record: dict) -> None:
    """One JSON line of a benchmark's figures."""
    click.echo(json.dumps(record, ensure_ascii=False))


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank); values not empty."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def logged_in_client(email: str, password: str) -> FlaskClient:
    """The app's test client logged in through the form, CSRF off (a benchmark is not a browser)."""
    app = current_app._get_current_object()
    app.config.update(WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": password})
    if response.status_code not in (302, 303):
        raise click.ClickException(f"bench login failed: {response.status_code}")
    return client


def run_as_script(command: click.Command) -> None:
    """Run a benchmark's click command inside an app made from the environment (DATABASE_URL)."""
    from webapp.app import create_app

    with create_app().app_context():
        command.main(standalone_mode=True)

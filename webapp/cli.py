"""The app-wide `flask --app webapp.app ...` commands: seed-demo, create-admin and worker.

Features register their own commands on their blueprint (`bp.cli`, with cli_group=None so that
the names stay top-level: programmes, solve, import-volunteers, send-outbox, send-reminders).
The benchmarks are not commands of the app: `python -m webapp.bench.volunteers` and friends.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from webapp.extensions import db
from webapp.worker import worker


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load the fictional demo county (idempotent)."""
    from flask import current_app

    from webapp.demo import DEMO_ACCOUNTS, database_is_empty, load_demo_county

    if if_empty and not database_is_empty():
        click.echo("The database already has users; the demo county was not loaded.")
        return
    result = load_demo_county()
    db.session.commit()
    if result.created:
        click.echo(
            f"Loaded the demo county: {result.homes} children's homes, {result.volunteers} volunteers, "
            f"{result.teams} summer teams."
        )
    else:
        click.echo("The demo county is already loaded; nothing changed.")
    click.echo(f"Demo log-ins (password: {current_app.config['DEMO_PASSWORD']}):")
    for email, _name, roles in DEMO_ACCOUNTS:
        click.echo(f"  {email:28} {', '.join(sorted(roles))}")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.option(
    "--password",
    envvar="SHOUWANG_ADMIN_PASSWORD",
    default=None,
    help="Read from SHOUWANG_ADMIN_PASSWORD, else asked for.",
)
@with_appcontext
def create_admin(email: str, name: str, password: str | None) -> None:
    """Create an administrator account, or grant the admin role to an existing one."""
    from webapp.models import User
    from webapp.models.accounts import ADMIN
    from webapp.security import MIN_PASSWORD_LENGTH, hash_password

    user = User.by_email(email)
    if user is not None:
        user.set_roles(user.roles | {ADMIN})
        db.session.commit()
        click.echo(f"{email} already existed; it now has the admin role.")
        return
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"use at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password"
        )
    user = User(email=email.strip().lower(), name=name, password_hash=hash_password(password))
    user.set_roles({ADMIN})
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created administrator {user.email}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(worker)

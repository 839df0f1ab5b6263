"""`flask --app webapp.app import-volunteers FILE --as EMAIL`: the web import, from a shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.extensions import db


@click.command("import-volunteers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "actor_email", required=True, help="The coordinator the audit log names.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@with_appcontext
def import_volunteers(path: Path, actor_email: str, dry_run: bool) -> None:
    """Import volunteers from CSV or XLSX: all rows in one transaction, or none."""
    from flask_babel import force_locale

    with force_locale("en"):  # no request here to choose a language from
        _import(path, actor_email, dry_run)


def _import(path: Path, actor_email: str, dry_run: bool) -> None:
    from webapp.blueprints.volunteers import import_files, importing
    from webapp.models import User

    actor = User.by_email(actor_email)
    if actor is None or not actor.has_role("coordinator"):
        raise click.BadParameter("no coordinator with this e-mail", param_hint="--as")
    try:
        table = import_files.read_table(path.name, path.read_bytes())
    except import_files.ImportFileError as error:
        raise click.ClickException(error.message) from error
    analysis = importing.analyse(table)
    for row in analysis.rows:
        for column, reason in row.errors.items():
            click.echo(f"line {row.line}, {column}: {reason}", err=True)
    click.echo(
        f"{analysis.count('new')} new, {analysis.count('update')} to update, "
        f"{analysis.count('error')} with errors"
    )
    if not analysis.ok:
        raise click.ClickException("nothing was imported: fix the rows above first")
    if dry_run:
        return
    counts = importing.apply(analysis, actor)
    db.session.commit()
    click.echo(f"Imported: {counts['created']} new, {counts['updated']} updated.")

"""Importing volunteers from CSV/XLSX: upload, preview, confirm or discard."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from webapp.blueprints.volunteers import columns, exporting, import_files, importing
from webapp.blueprints.volunteers.forms import (
    ImportForm,
)
from webapp.blueprints.volunteers.views import bp
from webapp.blueprints.volunteers.views.common import current_locale
from webapp.core import spreadsheets
from webapp.core.locking import serialise_on
from webapp.core.lookup import found_or_404
from webapp.extensions import db
from webapp.htmx import hx_redirect
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.route("/import", methods=["GET", "POST"])
@role_required(COORDINATOR)
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.read(import_files.MAX_BYTES + 1)
        finally:
            upload.close()  # large uploads are spooled to a temporary file
        try:
            table = import_files.read_table(upload.filename or "", data)
        except import_files.ImportFileError as error:
            form.file.errors = [*form.file.errors, error.message]
        else:
            pending = importing.store_pending(table, upload.filename or "", current_user)
            return hx_redirect(url_for("volunteers.import_preview", token=pending.token))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/import.html", form=form, columns=columns), status


@bp.get("/import/template.<fmt>")
@role_required(COORDINATOR)
def import_template(fmt: str):
    if fmt == "csv":
        body = exporting.template_csv(current_locale())
    elif fmt == "xlsx":
        body = exporting.template_xlsx(current_locale())
    else:
        abort(404)
    return spreadsheets.attachment(
        body,
        spreadsheets.SPREADSHEET_MIMES[fmt],
        _("volunteers-import-template") + f".{fmt}",
        fallback=f"volunteers-template.{fmt}",
    )


def _pending_or_404(token: str):
    return found_or_404(importing.load_pending(token, current_user))


def _preview(pending, analysis, status=200, message=None):
    errors = [r for r in analysis.rows if r.errors]
    others = [r for r in analysis.rows if not r.errors]
    return render_template(
        "volunteers/import_preview.html",
        pending=pending,
        analysis=analysis,
        error_rows=errors[:500],
        other_rows=others[:200],
        message=message,
        columns=columns,
        importing=importing,
    ), status


def _already_imported(pending):
    """A confirmed import answers every later request with its result: nothing is written twice."""
    counts = pending.result or {"created": 0, "updated": 0}
    flash(
        _(
            "This file was already imported: %(created)d new, %(updated)d updated.",
            created=counts["created"],
            updated=counts["updated"],
        ),
        "info",
    )
    return hx_redirect(url_for("volunteers.index"))


@bp.get("/import/<token>")
@role_required(COORDINATOR)
def import_preview(token: str):
    pending = _pending_or_404(token)
    if pending.confirmed_at is not None:
        return _already_imported(pending)
    analysis = importing.analyse(importing.table_of(pending))
    return _preview(pending, analysis)


@bp.post("/import/<token>/confirm")
@role_required(COORDINATOR)
def import_confirm(token: str):
    pending = _pending_or_404(token)
    # Two confirms at once (a double click, two tabs) take turns here; the second finds the
    # first one's result and writes nothing.
    serialise_on(pending)
    if pending.confirmed_at is not None:
        return _already_imported(pending)
    # Check again: the database may have changed since the preview.
    analysis = importing.analyse(importing.table_of(pending))
    if not analysis.ok:
        message = _("Some rows have errors. Fix the file and upload it again; nothing was saved.")
        return _preview(pending, analysis, 422, message)
    try:
        counts = importing.apply(analysis, current_user)
        importing.mark_confirmed(pending, counts)
    except IntegrityError:
        db.session.rollback()
        abort(409, description=_("Another change clashed with this import; nothing was saved."))
    flash(
        _(
            "Imported: %(created)d new, %(updated)d updated.",
            created=counts["created"],
            updated=counts["updated"],
        ),
        "success",
    )
    return hx_redirect(url_for("volunteers.index"))


@bp.post("/import/<token>/discard")
@role_required(COORDINATOR)
def import_discard(token: str):
    pending = _pending_or_404(token)
    serialise_on(pending)
    if pending.confirmed_at is not None:
        return _already_imported(pending)
    db.session.delete(pending)
    flash(_("The import was discarded."), "success")
    return hx_redirect(url_for("volunteers.import_upload"))

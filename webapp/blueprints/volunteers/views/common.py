"""Helpers shared by the volunteers views."""

from __future__ import annotations

from webapp.blueprints.volunteers.services import RuleError


def form_error(form, error: RuleError) -> None:
    """Attach a broken rule's message to its field (or to the form) for the 422 re-render."""
    target = getattr(form, error.field, None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def current_locale() -> str:
    from webapp.i18n import select_locale

    return select_locale()

"""Object-or-404: the row a URL names, or "not found".

"Not found" is also the answer for a row that exists but belongs elsewhere (a room of another
home, a slot of another session), so that a URL never confirms what it may not show. Who may see
a row (a manager's own homes, a volunteer's own profile) stays with the feature that knows the
rule; these helpers only end the look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from sqlalchemy.orm.interfaces import ORMOption

from webapp.extensions import db

T = TypeVar("T")


def get_or_404(
    model: type[T],
    ident: object,
    *options: ORMOption,
    belongs: Callable[[T], bool] | None = None,
) -> T:
    """The `model` row with primary key `ident` (loaded with `options`); 404 when there is none
    or when `belongs(row)` says it is not the one this URL may reach."""
    row = db.session.get(model, ident, options=options)
    if row is None or (belongs is not None and not belongs(row)):
        abort(404)
    return row


def found_or_404(value: T | None) -> T:
    """`value`, or 404 when a look-up found nothing."""
    if value is None:
        abort(404)
    return value

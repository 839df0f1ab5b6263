"""Helpers shared by the volunteers views."""

from __future__ import annotations


def current_locale() -> str:
    from webapp.i18n import select_locale

    return select_locale()

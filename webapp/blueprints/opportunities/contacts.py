"""Contacts as the opportunities and schedule pages show them (whom to ask is decided in
webapp/core/contacts.py, which messages read too)."""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.core.contacts import contacts_for, unique_people
from webapp.labels import join_list
from webapp.models import User

__all__ = ["contact_text", "contacts_for", "unique_people"]


def contact_text(people: list[User]) -> str:
    if not people:
        return _("a coordinator")
    return join_list(f"{p.name} ({p.email})" for p in people)

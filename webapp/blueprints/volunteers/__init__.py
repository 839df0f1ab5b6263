"""Volunteers, teams, vetting, availability, import/export and surrogate-parent pairing."""

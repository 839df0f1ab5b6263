"""Volunteers: profiles, teams, vetting, availability, import and export (children and pairings:
the children blueprint)."""

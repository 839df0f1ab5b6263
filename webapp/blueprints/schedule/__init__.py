"""My schedule: a volunteer's commitments, hours served and their export, one-event downloads."""

"""Signals between features (blinker, as Flask itself and Indico use it).

A feature lower in the declared order never imports a higher one. When something it did matters
to a feature above it, it sends a signal here, and the feature above connects a receiver: homes
cancels a date, schedule tells the volunteers who were coming.

- The sender computes what receivers cannot find out afterwards (who was committed to a date
  before it was cancelled) and sends it along.
- Receivers run at once, in the sender's request and transaction: they write (flush), never
  commit; whatever fails rolls back with the sender's work.
- Receivers are connected when a blueprint is registered on an app (`bp.record_once`), so the
  web app, the flask commands, the worker and the tests all hear the same signals.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

occurrence_cancelled = _signals.signal(
    "occurrence-cancelled",
    doc="""A date (an Occurrence, the sender) was cancelled: alone, with its series, or by a
    closure of its home or room. Keyword arguments: `volunteer_ids` (the volunteers committed to
    it just before), `reason` (the text the person who cancelled gave, may be empty), `closed`
    (a webapp.core.occasions.Closing when a closure or a closed room cancelled it, else None:
    receivers word it in each reader's language).""",
)

occurrence_moved = _signals.signal(
    "occurrence-moved",
    doc="""A date (an Occurrence, the sender) moved to another time; the sender carries the new
    one. Keyword arguments: `volunteer_ids` (the volunteers committed to it before the move),
    `before` (a webapp.core.occasions.Occasion of the date as it was, or None).""",
)

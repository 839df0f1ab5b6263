"""Object-or-404: a missing row and a row of somewhere else answer alike."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from tests import factories
from webapp.core.lookup import found_or_404, get_or_404
from webapp.models import Room


def test_an_existing_row_is_returned(app):
    room = factories.room()
    assert get_or_404(Room, room.id) is room


def test_a_missing_row_is_404(app):
    with pytest.raises(NotFound):
        get_or_404(Room, 987654)


def test_a_row_that_belongs_elsewhere_is_404_too(app):
    room, other_home = factories.room(), factories.home()
    with pytest.raises(NotFound):
        get_or_404(Room, room.id, belongs=lambda r: r.home_id == other_home.id)
    assert get_or_404(Room, room.id, belongs=lambda r: r.home_id == room.home_id) is room


def test_found_or_404_passes_values_and_refuses_none(app):
    assert found_or_404(0) == 0
    with pytest.raises(NotFound):
        found_or_404(None)

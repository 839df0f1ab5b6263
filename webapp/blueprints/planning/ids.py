"""The engine's string ids for database rows, and back: exact both ways.

"v12" volunteer 12, "t3" team 3, "p7" post 7, "h2" home 2, "n5w1" need 5 on weekday 1 (Tuesday;
one engine slot per weekday of a weekly series). This module knows neither the ORM nor the
engine, so that both sides and the pages can share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A need without a skill in the app still needs one in the engine: everyone has this one.
ANY_SKILL = "*"

_SLOT = re.compile(r"^n(\d+)w([0-6])$")
_PLAIN = re.compile(r"^([vtph])(\d+)$")


def volunteer_id(db_id: int) -> str:
    return f"v{db_id}"


def team_id(db_id: int) -> str:
    return f"t{db_id}"


def post_id(db_id: int) -> str:
    return f"p{db_id}"


def home_id(db_id: int) -> str:
    return f"h{db_id}"


def slot_id(need_id: int, weekday: int) -> str:
    return f"n{need_id}w{weekday}"


def target_id(post: int | None, need: int | None, weekday: int | None) -> str:
    """The engine target of a stored assignment's columns: its post, or its need and weekday."""
    return post_id(post) if post is not None else slot_id(need, weekday or 0)


def target_of(row: object) -> str:
    """The engine target of anything with ``post_id``, ``need_id`` and ``weekday`` (a stored
    assignment, a forbidden pair)."""
    return target_id(row.post_id, row.need_id, row.weekday)


@dataclass(frozen=True)
class Ref:
    """What an engine id names: kind is volunteer | team | post | home | slot."""

    kind: str
    id: int
    weekday: int | None = None


_KINDS = {"v": "volunteer", "t": "team", "p": "post", "h": "home"}


def parse(engine_id: str) -> Ref:
    """The row an engine id names; ValueError for anything else."""
    if match := _SLOT.match(engine_id or ""):
        return Ref("slot", int(match.group(1)), int(match.group(2)))
    if match := _PLAIN.match(engine_id or ""):
        return Ref(_KINDS[match.group(1)], int(match.group(2)))
    raise ValueError(f"not an engine id: {engine_id!r}")


def db_id(engine_id: str, kind: str) -> int:
    ref = parse(engine_id)
    if ref.kind != kind:
        raise ValueError(f"{engine_id!r} is a {ref.kind}, not a {kind}")
    return ref.id

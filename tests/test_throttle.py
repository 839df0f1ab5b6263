"""Growing delays after failed log-ins (webapp.throttle), with the limiter's storage: memory in
tests, Redis in production (checked here on Redis database 3 when one is running)."""

from __future__ import annotations

import socket
import uuid

import pytest

from webapp import throttle
from webapp.extensions import limiter


def test_delays_start_after_the_free_tries_and_double_up_to_a_cap():
    assert [throttle.delay_after(n, 3) for n in range(1, 8)] == [0, 0, 0, 1, 2, 4, 8]
    assert throttle.delay_after(100, 3) == throttle.MAX_DELAY_SECONDS


def _exercise(address: str) -> None:
    email = f"{uuid.uuid4().hex}@example.org"
    for _ in range(throttle.FREE_TRIES_PER_ACCOUNT):
        assert throttle.record_failure(address, email) == 0
        assert throttle.seconds_to_wait(address, email) == 0
    assert throttle.record_failure(address, email) == 1
    assert 0 < throttle.seconds_to_wait(address, email) <= 2  # Redis keeps whole seconds
    assert throttle.seconds_to_wait("198.51.100.1", email) == 0  # another address: no wait
    throttle.record_success(address, email)
    assert throttle.seconds_to_wait(address, email) == 0


def test_counts_in_the_limiters_storage(app):
    _exercise(f"10.{uuid.uuid4().int % 250}.0.1")


def _redis_running() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


def test_counts_in_redis_shared_by_all_workers(app):
    if not _redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    from limits.storage import storage_from_string

    shared = storage_from_string("redis://127.0.0.1:6379/3")
    memory = limiter._storage
    limiter._storage = shared
    try:
        _exercise(f"test-{uuid.uuid4().hex}")  # keys of their own; they expire within the hour
    finally:
        limiter._storage = memory

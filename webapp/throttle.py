"""Growing delays after failed log-ins, counted per address and per address + account.

A lockout per account lets a stranger lock its owner out by typing wrong passwords. Here the
stranger only slows themselves: failures are counted for their address and for their address
with that account; past a few free tries each failure makes them wait longer (1 s, 2 s, 4 s ...
up to 15 minutes) before the next try is even checked. The owner, from their own address, is not
affected. Counters live in the rate limiter's storage (memory, or Redis when REDIS_URL is set, so
that every worker process sees them) and expire an hour after the first failure.
"""

from __future__ import annotations

import hashlib
import math
import time

from webapp.extensions import limiter

FREE_TRIES_PER_ACCOUNT = 3  # from one address, for one account
FREE_TRIES_PER_ADDRESS = 20  # from one address, over all accounts
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 60 * 60


def _keys(address: str, email: str) -> list[tuple[str, int]]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"login-failures:{address}", FREE_TRIES_PER_ADDRESS),
        (f"login-failures:{address}:{account}", FREE_TRIES_PER_ACCOUNT),
    ]


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after the given number of failures: none while free, then doubling."""
    if failures <= free:
        return 0
    return min(2 ** (failures - free - 1), MAX_DELAY_SECONDS)


def seconds_to_wait(address: str, email: str) -> int:
    """How long this address must wait before trying this account again (0: go ahead)."""
    storage = limiter.storage
    now = time.time()
    wait = 0.0
    for key, _free in _keys(address, email):
        if storage.get(f"{key}:blocked"):
            wait = max(wait, storage.get_expiry(f"{key}:blocked") - now)
    return max(0, math.ceil(wait))


def record_failure(address: str, email: str) -> int:
    """Count a failed log-in; returns the delay it causes (seconds)."""
    storage = limiter.storage
    longest = 0
    for key, free in _keys(address, email):
        failures = storage.incr(key, FORGET_AFTER_SECONDS)
        delay = delay_after(failures, free)
        if delay:
            storage.clear(f"{key}:blocked")
            storage.incr(f"{key}:blocked", delay)
            longest = max(longest, delay)
    return longest


def record_success(address: str, email: str) -> None:
    """The right password: this account's failures from this address are forgiven."""
    key, _free = _keys(address, email)[1]
    limiter.storage.clear(key)
    limiter.storage.clear(f"{key}:blocked")

"""Deterministic video-call rota instances for the benchmark (same seed, same instance).

A county's children's homes, each with a video room open on weekday evenings and weekend days
and a second, smaller room (an office) open on a few evenings and weekend afternoons; the duty
manager's hours sometimes end before the room closes. Children go to primary school (day school,
Mon-Fri) or board at middle school (evening self-study Mon-Thu and Sunday evening); siblings call
together and keep the eldest's timetable. Parents work in the cities: day shifts (weekday
evenings and a rest day), evening shifts (a midday break and a rest day, often mid-week), long
shifts on sites (only the rest day's evening), gig work (midday and late evening), night work
(late only: no common time), and a few gave no time yet. Half the families have last week's slot;
some went weeks without a call. Sizes are chosen so that most homes place everyone and a few are
short of weekend time, which is where fairness and the explanations matter.
"""

from __future__ import annotations

import dataclasses
import random

from .calls import CallFamily, CallRoom, VideoCallProblem, call_slots, candidates
from .problem import TimeWindow

WEEKDAYS = range(5)


def _home_rooms(rng: random.Random, home: str, r0: int) -> tuple[CallRoom, ...]:
    open_at = rng.choice((1080, 1110, 1140))  # 18:00, 18:30, 19:00
    close_at = rng.choice((1230, 1260))  # 20:30, 21:00
    main = [TimeWindow(d, open_at, close_at) for d in WEEKDAYS]
    main += [TimeWindow(5, 540, 660), TimeWindow(5, 840, 990)]  # Sat 09:00-11:00, 14:00-16:30
    main += [TimeWindow(6, 840, 1020)] if rng.random() < 0.5 else [TimeWindow(6, 540, 690)]
    evenings = rng.sample(list(WEEKDAYS), 2)
    office = [TimeWindow(d, 1140, 1230) for d in sorted(evenings)]  # 19:00-20:30
    office += [TimeWindow(d, 870, 990) for d in (5, 6) if rng.random() < 0.6]  # 14:30-16:30
    return (
        CallRoom(f"r{r0}", home, tuple(main), rng.choice((1, 1, 2)), "视频室"),
        CallRoom(f"r{r0 + 1}", home, tuple(office), 1, "办公室"),
    )


def _duty(rng: random.Random) -> tuple[TimeWindow, ...]:
    until = rng.choice((1230, 1260, 1260, 1260, 1200))  # some managers leave at 20:00
    out = [TimeWindow(d, 1020, until) for d in WEEKDAYS]
    out += [TimeWindow(5, 510, 1050), TimeWindow(6, 510, 720), TimeWindow(6, 840, 1050)]
    return tuple(out)


def _school(rng: random.Random, boarding: bool) -> tuple[TimeWindow, ...]:
    if not boarding:
        return tuple(TimeWindow(d, 450, 1020) for d in WEEKDAYS)  # 07:30-17:00
    days = [TimeWindow(d, 420, 1240) for d in range(4)]  # 07:00-20:40 with self-study
    return tuple(days + [TimeWindow(4, 420, 990), TimeWindow(6, 1110, 1240)])


def _parents(rng: random.Random) -> tuple[TimeWindow, ...]:
    kind = rng.choices(("day", "evening", "site", "gig", "night", "none"), (40, 22, 22, 10, 4, 2))[
        0
    ]
    rest = rng.choice((6, 6, 6, 5, 2, 3)) if kind != "evening" else rng.choice((1, 2, 3, 5, 6))
    if kind == "day":
        out = [TimeWindow(d, 1170, 1320) for d in range(7) if d != rest]  # 19:30-22:00
        return tuple(out + [TimeWindow(rest, 540, 1260)])
    if kind == "evening":
        out = [TimeWindow(d, 840, 930) for d in range(7) if d != rest]  # 14:00-15:30
        return tuple(out + [TimeWindow(rest, 540, 1260)])
    if kind == "site":
        return (TimeWindow(rest, 900, 1260),)  # 15:00-21:00 on the rest day only
    if kind == "gig":
        return tuple(TimeWindow(d, 1200, 1290) for d in range(7))  # 20:00-21:30
    if kind == "night":
        return tuple(TimeWindow(d, 1260, 1380) for d in range(7))  # 21:00-23:00
    return ()


def video_call_instance(homes: int = 12, children: int = 300, seed: int = 1) -> VideoCallProblem:
    """``homes`` homes with two rooms each and ``children`` children between them."""
    rng = random.Random(f"video-calls-{seed}")
    rooms: list[CallRoom] = []
    duty = {}
    for h in range(1, homes + 1):
        rooms += _home_rooms(rng, f"h{h}", 2 * h - 1)
        duty[f"h{h}"] = _duty(rng)
    sizes = [children // homes] * homes
    for _ in range(homes * 3):  # uneven homes: move children from one to another
        a, b = rng.randrange(homes), rng.randrange(homes)
        if a != b and sizes[a] > 12:
            sizes[a], sizes[b] = sizes[a] - 1, sizes[b] + 1
    families: list[CallFamily] = []
    child = 0
    for h, size in enumerate(sizes, start=1):
        left = size
        while left > 0:
            n = min(left, rng.choices((1, 2, 3), (84, 12, 4))[0])
            ids = tuple(f"c{child + k + 1}" for k in range(n))
            child, left = child + n, left - n
            boarding = rng.random() < 0.5
            families.append(
                CallFamily(
                    ids[0],
                    f"h{h}",
                    ids,
                    _parents(rng),
                    _school(rng, boarding),
                    missed_weeks=rng.choices((0, 1, 2, 3), (75, 15, 7, 3))[0],
                )
            )
    problem = VideoCallProblem(tuple(rooms), tuple(families), duty)
    cands = candidates(problem, call_slots(problem))
    with_last = []
    for f in families:
        options = cands[f.id]
        if options and rng.random() < 0.5:
            f = dataclasses.replace(f, last_slot=rng.choice(options).id)
        with_last.append(f)
    forbidden = tuple(
        (f.id, rng.choice(cands[f.id]).id) for f in with_last if cands[f.id] and rng.random() < 0.03
    )
    return VideoCallProblem(tuple(rooms), tuple(with_last), duty, forbidden=forbidden)

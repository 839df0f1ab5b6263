"""Why a family got no call slot, and why pins cannot hold, in Chinese and English.

For a family left without a slot the reasons are tried in the order a coordinator would check
them, and the first that holds is the explanation (its ``key``):

  no_parent_times  the parents gave no time at all
  no_room          the home has no call room
  no_common_time   the parents' times never meet the room's opening hours (both named)
  no_duty_time     they meet, but the duty manager is not there then
  too_short        they meet, but never for a whole slot (the common times named)
  school_time      the only common slots fall in school hours
  forbidden        the coordinator ruled out every common slot
  free_slot        a common slot is still free (only in a plan not proven optimal)
  room_full        every common slot is taken by other families (the slots named)

``moved`` says, for each placed family whose slot is not last week's, why (kind "moved"):
``last_gone`` (the slot no longer exists: room or duty hours changed), ``last_unfit`` (it no
longer fits the parents' times or school, or was ruled out; the reason named) or ``last_taken``
(other families hold it). The app may show these beside the rota; ``solve_calls`` leaves them out
of the Plan, whose explanations are the families without a slot.

Each Explanation carries ``params`` (family, times as data) for the app's own rendering and
``text`` = {"zh_CN": ..., "en": ...}, in the style of explain.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .calls import CallFamily, CallSlot, fits, parse_slot_id
from .calls_model import Context
from .plan import Assignment, Explanation
from .problem import TimeWindow

DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHOWN = 6  # times named in a sentence before "and N more"

Span = tuple[int, int, int]  # weekday, start, end


def _both(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en}


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans of a weekday joined, sorted by weekday and start."""
    out: list[Span] = []
    for day, start, end in sorted(spans):
        if out and out[-1][0] == day and start <= out[-1][2]:
            out[-1] = (day, out[-1][1], max(end, out[-1][2]))
        else:
            out.append((day, start, end))
    return out


def _spans(windows: Iterable[TimeWindow]) -> list[Span]:
    return merge((w.weekday, w.start, w.end) for w in windows)


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    out = [
        (d1, max(s1, s2), min(e1, e2))
        for d1, s1, e1 in a
        for d2, s2, e2 in b
        if d1 == d2 and max(s1, s2) < min(e1, e2)
    ]
    return merge(out)


def spans_text(spans: Sequence[Span], zh: bool, sep: str | None = None) -> str:
    days = DAYS_ZH if zh else DAYS_EN
    words = [f"{days[d]} {hhmm(s)}-{hhmm(e)}" for d, s, e in spans[:SHOWN]]
    more = len(spans) - SHOWN
    if more > 0:
        words.append(f"等另 {more} 段" if zh else f"and {more} more")
    return (sep or ("、" if zh else ", ")).join(words)


def slot_spans(slots: Iterable[CallSlot]) -> list[Span]:
    return merge((s.weekday, s.start, s.end) for s in slots)


def _label(f: CallFamily) -> str:
    return f.name or f.id


def _explain(f: CallFamily, key: str, zh: str, en: str, **params: object) -> Explanation:
    who = _label(f)
    return Explanation(
        "unfilled",
        key,
        {"family": f.id, "children": list(f.child_ids), **params},
        _both(f"{who} 本周没有视频时段：{zh}", f"{who} has no call slot this week: {en}"),
        f.id,
    )


def _data(spans: Sequence[Span]) -> list[list[int]]:
    return [list(s) for s in spans]


def why_unplaced(ctx: Context, f: CallFamily, load: Counter[str]) -> Explanation:
    """The first reason (module docstring) that keeps family f out, given the slots' load."""
    problem = ctx.problem
    rooms = [r for r in problem.rooms if r.home_id == f.home_id]
    parents = _spans(f.parent_times)
    if not parents:
        return _explain(
            f, "no_parent_times", "父母没有提供可通话的时间", "the parents gave no time"
        )
    if not rooms:
        return _explain(f, "no_room", "所在院舍没有视频室", "the home has no call room")
    home_slots = [s for s in ctx.slots.values() if s.home_id == f.home_id]
    in_times = [
        s for s in home_slots if any(w.covers(s.weekday, s.start, s.end) for w in f.parent_times)
    ]
    if not in_times:
        open_ = _spans(w for r in rooms for w in r.hours)
        common = intersect(parents, open_)
        pz, pe = spans_text(parents, True), spans_text(parents, False)
        if not common:
            days = sorted({d for d, _, _ in parents})
            room_days = [s for s in open_ if s[0] in days]
            closed = [d for d in days if all(s[0] != d for s in open_)]
            rz = "、".join(
                [spans_text(room_days, True)] * bool(room_days)
                + [f"{DAYS_ZH[d]}不开放" for d in closed]
            )
            ren = ", ".join(
                [spans_text(room_days, False)] * bool(room_days)
                + [f"closed {DAYS_EN[d]}" for d in closed]
            )
            return _explain(
                f,
                "no_common_time",
                f"没有共同的时间：父母 {pz}；房间 {rz}",
                f"no common time: parents {pe}; room {ren}",
                parents=_data(parents),
                room=_data(room_days),
            )
        duty = problem.duty_hours.get(f.home_id)
        if duty is not None and not intersect(common, _spans(duty)):
            cz, ce = spans_text(common, True), spans_text(common, False)
            dz, de = spans_text(_spans(duty), True), spans_text(_spans(duty), False)
            return _explain(
                f,
                "no_duty_time",
                f"共同的时间（{cz}）不在值班时间内（值班 {dz}）",
                f"the common times ({ce}) fall outside the duty manager's hours ({de})",
                common=_data(common),
                duty=_data(_spans(duty)),
            )
        n = problem.slot_minutes
        return _explain(
            f,
            "too_short",
            f"共同的时间（{spans_text(common, True)}）不够一次 {n} 分钟的通话",
            f"the common times ({spans_text(common, False)}) are too short for a {n}-minute call",
            common=_data(common),
            minutes=n,
        )
    clear = [s for s in in_times if fits(f, s)]
    if not clear:
        taken = slot_spans(in_times)
        school = _spans(f.school)
        return _explain(
            f,
            "school_time",
            f"共同的时间（{spans_text(taken, True)}）都在上课时间（{spans_text(school, True)}）",
            f"the only common times ({spans_text(taken, False)}) fall in school hours "
            f"({spans_text(school, False)})",
            common=_data(taken),
            school=_data(school),
        )
    allowed = {s.id for s in ctx.cands[f.id]}
    if not allowed:
        spans = slot_spans(clear)
        return _explain(
            f,
            "forbidden",
            f"协调员排除了所有共同的时段（{spans_text(spans, True)}）",
            f"the coordinator ruled out every common slot ({spans_text(spans, False)})",
            common=_data(spans),
        )
    free = [
        s
        for s in ctx.cands[f.id]
        if all(
            sum(load[t.id] for t in ctx.groups[i]) < ctx.capacity[s.room_id]
            for i in ctx.groups_of[s.id]
        )
    ]
    if free:
        spans = slot_spans(free)
        return _explain(
            f,
            "free_slot",
            f"仍有空闲时段（{spans_text(spans, True)}），方案未证明最优",
            f"a common slot is still free ({spans_text(spans, False)}): the plan is not proven best",
            free=_data(spans),
        )
    spans = slot_spans(ctx.cands[f.id])
    return _explain(
        f,
        "room_full",
        f"共同的时段（{spans_text(spans, True)}）都已排给其他孩子",
        f"every common slot ({spans_text(spans, False)}) is taken by other children",
        taken=_data(spans),
    )


def unplaced(ctx: Context, assignments: Sequence[Assignment]) -> tuple[Explanation, ...]:
    """One explanation per family without a slot, in family order."""
    placed = {a.volunteer_id for a in assignments}
    load = Counter(a.target_id for a in assignments)
    return tuple(why_unplaced(ctx, f, load) for f in ctx.problem.families if f.id not in placed)


def moved(ctx: Context, assignments: Sequence[Assignment]) -> tuple[Explanation, ...]:
    """Why each placed family is not in last week's slot (module docstring), in family order."""
    at = {a.volunteer_id: a.target_id for a in assignments}
    holders: dict[str, list[str]] = {}
    for a in assignments:
        holders.setdefault(a.target_id, []).append(a.volunteer_id)
    out = []
    for f in ctx.problem.families:
        now, last = at.get(f.id), f.last_slot
        if now is None or last is None or now == last:
            continue
        params: dict[str, object] = {"family": f.id, "last_slot": last, "slot": now}
        lz, le = slot_words(last, True), slot_words(last, False)
        nz, ne = slot_words(now, True), slot_words(now, False)
        if last not in ctx.slots:
            key, zh, en = "last_gone", "该时段已不再开放", "that slot is no longer open"
        elif all(s.id != last for s in ctx.cands[f.id]):
            key, (zh, en) = "last_unfit", _pin_reason(ctx, f, last)
            zh = "该时段" + zh
        else:
            key = "last_taken"
            others = [
                _label(ctx_f) for ctx_f in ctx.problem.families if ctx_f.id in holders.get(last, [])
            ]
            params["taken_by"] = holders.get(last, [])
            zh = f"该时段已排给 {'、'.join(others)}"
            en = f"{', '.join(others)} {'has' if len(others) == 1 else 'have'} that slot"
        text = _both(
            f"{_label(f)} 的通话从 {lz} 改到 {nz}：{zh}",
            f"{_label(f)} moves from {le} to {ne}: {en}",
        )
        out.append(Explanation("moved", key, params, text, f.id))
    return tuple(out)


def conflict(ctx: Context, key: str, params: dict[str, object]) -> Explanation:
    """Pins that cannot hold (calls_model.pin_conflicts), in words."""
    families = {f.id: f for f in ctx.problem.families}
    if key == "pin_twice":
        who = _label(families[str(params["family"])])
        zh, en = f"{who} 被固定在多个时段", f"{who} is pinned to more than one slot"
    elif key == "pin_outside":
        f, sid = families[str(params["family"])], str(params["slot"])
        why_zh, why_en = _pin_reason(ctx, f, sid)
        zh = f"{_label(f)} 被固定在 {slot_words(sid, True)}，但该时段{why_zh}"
        en = f"{_label(f)} is pinned to {slot_words(sid, False)}, but {why_en}"
    else:  # pins_over_capacity
        sid, n = str(params["slot"]), params["pins"]
        cap = ctx.capacity[parse_slot_id(sid)[0]]
        zh = f"{slot_words(sid, True)} 固定了 {n} 个通话，房间只能同时容纳 {cap} 个"
        en = f"{n} calls are pinned at {slot_words(sid, False)}, the room holds {cap} at once"
    return Explanation("infeasible", key, dict(params), _both(zh, en), params.get("slot"))


def slot_words(sid: str, zh: bool) -> str:
    try:
        room, day, start = parse_slot_id(sid)
    except ValueError:
        return sid
    days = DAYS_ZH if zh else DAYS_EN
    return (
        f"{days[day % 7]} {hhmm(start)}（{room}）"
        if zh
        else f"{days[day % 7]} {hhmm(start)} ({room})"
    )


def _pin_reason(ctx: Context, f: CallFamily, sid: str) -> tuple[str, str]:
    s = ctx.slots.get(sid)
    if s is None:
        return "不在房间开放或值班时间内", "it is outside the room's or duty hours"
    if s.home_id != f.home_id:
        return "是另一家院舍的房间", "it is another home's room"
    if not any(w.covers(s.weekday, s.start, s.end) for w in f.parent_times):
        return "不在父母可通话的时间内", "it is outside the parents' times"
    if not fits(f, s):
        return "是上课时间", "it is in school time"
    return "已被协调员排除", "it was ruled out by the coordinator"

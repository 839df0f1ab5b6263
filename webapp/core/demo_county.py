"""What the demo county's loaders and the login page agree on: its accounts, the summer it plans
for, and whether it is loaded.

webapp/demo.py loads the county and calls each feature's demo loader; the feature loaders and the
login page's hint read these facts here, so that none of them imports webapp/demo.py (which sits
above every blueprint).
"""

from __future__ import annotations

import random
from datetime import date

from webapp.labels import role_label
from webapp.models import Setting
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER

DEMO_MARKER = "demo_county_loaded"

DEMO_ACCOUNTS = [
    ("admin@example.org", "管理员 陈静", {ADMIN}),
    ("coordinator@example.org", "县协调员 周明", {COORDINATOR}),
    ("manager@example.org", "之家管理员 吴老师", {HOME_MANAGER}),
    ("volunteer@example.org", "李秀兰", {VOLUNTEER}),
]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程"
GIVEN = "秀兰桂英玉梅春燕海燕丽华建国志强小红晓明文静子涵雨桐浩然思远欣怡俊杰佳怡梓萱宇航嘉怡明轩若曦一诺"


def person_name(rng: random.Random, used: set[str]) -> str:
    """A made-up Chinese name not in `used` (which it joins): a surname and one or two given
    characters, so that the demo's people read like a county's."""
    while True:
        given_len = rng.choice((1, 2, 2))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))
        if name not in used:
            used.add(name)
            return name


def next_summer(today: date) -> tuple[date, date]:
    """The summer the demo plans for (the homes' summer timetable, the students' availability
    and the summer programme all use it): this year's until June, else next year's."""
    year = today.year if today.month < 7 else today.year + 1
    return date(year, 7, 10), date(year, 8, 25)


def demo_loaded() -> bool:
    return Setting.get(DEMO_MARKER) == "1"


def demo_logins_visible() -> list[tuple[str, str]]:
    """The demo log-ins for the login page, only while the demo county is loaded."""
    if not demo_loaded():
        return []
    return [(email, role_label(next(iter(roles)))) for email, _name, roles in DEMO_ACCOUNTS]

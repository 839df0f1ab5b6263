"""The columns of volunteer files (import template, export, import preview) and their coded values.

Files are for people in county offices: headers and coded values (kind, gender, transport, skills,
vetting) are written in the user's language, Chinese by default, and read in Chinese or English,
or as the stored codes that older files used. So a file exported in one language imports in the
other, and an export imports back as updates (vetting columns are shown, never imported).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.labels import GENDER_LABELS, TRANSPORT_LABELS, VETTING_LABELS, VOLUNTEER_KIND_LABELS

LOCALES = ("zh_CN", "en")


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy string: the header in the current language
    note: object  # how to fill it, for the template's comments and the import page
    required: bool = False
    imported: bool = True  # vetting is exported for information and ignored on import


COLUMN_LIST = (
    Column("name", _l("Name"), _l("The volunteer's full name."), required=True),
    Column("kind", _l("Kind"), _l("One of: %(choices)s."), required=True),
    Column("phone", _l("Mobile phone"), _l("11 digits. A phone or an e-mail is needed.")),
    Column("email", _l("E-mail"), _l("Optional if a phone is given.")),
    Column("gender", _l("Gender"), _l("%(choices)s, or leave empty.")),
    Column(
        "skills",
        _l("Subjects and skills"),
        _l("Names from the skills list, separated by 、 or ;, e.g. “%(example)s”."),
    ),
    Column("place_name", _l("Home base"), _l("Township and village, e.g. 石门乡石门村.")),
    Column("lat", _l("Latitude"), _l("Decimal degrees, e.g. 26.645; may stay empty.")),
    Column("lon", _l("Longitude"), _l("Decimal degrees, e.g. 107.432; may stay empty.")),
    Column("transport_mode", _l("Transport"), _l("One of: %(choices)s.")),
    Column(
        "max_travel_minutes",
        _l("Longest trip (minutes)"),
        _l("A whole number from 0 to 300."),
    ),
    Column(
        "max_sessions_per_week",
        _l("Most sessions per week"),
        _l("A whole number from 0 to 21."),
    ),
    Column("available_from", _l("Available from"), _l("A date such as 2026-07-01.")),
    Column("available_to", _l("Available until"), _l("A date such as 2026-08-31.")),
    Column("notes", _l("Notes"), _l("Free text, up to 2000 characters.")),
    Column(
        "vetting_status",
        _l("Vetting"),
        _l("Shown for information; vetting is never imported."),
        imported=False,
    ),
    Column(
        "expires_on",
        _l("Vetting expires on"),
        _l("Shown for information; vetting is never imported."),
        imported=False,
    ),
)
BY_KEY = {column.key: column for column in COLUMN_LIST}
IMPORT_KEYS = tuple(c.key for c in COLUMN_LIST if c.imported)
EXPORT_KEYS = tuple(c.key for c in COLUMN_LIST)

# Coded columns: the stored code -> its label (translated), per column.
CODED = {
    "kind": VOLUNTEER_KIND_LABELS,
    "gender": GENDER_LABELS,
    "transport_mode": TRANSPORT_LABELS,
    "vetting_status": VETTING_LABELS,
}
# Words people write that are not our labels (older templates, everyday speech).
EXTRA_HEADERS = {
    "类型": "kind",
    "志愿者类型": "kind",
    "手机": "phone",
    "电话": "phone",
    "phone": "phone",
    "电子邮箱": "email",
    "技能": "skills",
    "科目/技能": "skills",
    "常住地": "place_name",
    "地点": "place_name",
    "最长路程(分钟)": "max_travel_minutes",
    "可服务开始": "available_from",
    "可服务结束": "available_to",
    "审核状态": "vetting_status",
    "审核到期日": "expires_on",
}
EXTRA_CODES = {
    "kind": {
        "爱心妈妈": "surrogate_parent",
        "代理妈妈": "surrogate_parent",
        "老师": "teacher",
        "社区": "community",
        "社区志愿者": "community",
    },
    "gender": {"f": "female", "m": "male"},
    "transport_mode": {
        "电瓶车": "ebike",
        "e-bike": "ebike",
        "公交": "bus",
        "自驾": "car",
        "汽车": "car",
    },
    "vetting_status": {},
}


def _key(text: str) -> str:
    """How a header or value is compared: case, spaces and full-width brackets do not matter."""
    return (
        text.strip().lstrip("\ufeff").lower().replace("（", "(").replace("）", ")").replace(" ", "")
    )


@cache
def _header_lookup() -> dict[str, str]:
    lookup = {_key(k): v for k, v in EXTRA_HEADERS.items()}
    for column in COLUMN_LIST:
        lookup[_key(column.key)] = column.key
        for locale in LOCALES:
            with force_locale(locale):
                lookup[_key(str(column.header))] = column.key
    return lookup


@cache
def _code_lookup(column: str) -> dict[str, str]:
    lookup = {_key(k): v for k, v in EXTRA_CODES[column].items()}
    for code, label in CODED[column].items():
        lookup[_key(code)] = code
        for locale in LOCALES:
            with force_locale(locale):
                lookup[_key(str(label))] = code
    return lookup


def column_for_header(text: str) -> str | None:
    """Our key for a header cell written in Chinese, English or as the key itself."""
    return _header_lookup().get(_key(text))


def code_for(column: str, text: str) -> str | None:
    """The stored code for a value written as a label (Chinese or English) or as the code."""
    return _code_lookup(column).get(_key(text))


def header(key: str) -> str:
    """The column's header in the current language."""
    return str(BY_KEY[key].header) if key in BY_KEY else key


def label(column: str, code: str | None) -> str:
    """A stored code as the current language writes it in a file."""
    if not code:
        return ""
    return str(CODED[column].get(code, code))


def skills_text(names: list[str], locale: str | None) -> str:
    return ("; " if (locale or "").startswith("en") else "、").join(names)


def note(key: str) -> str:
    """How to fill a column, in the current language, with its choices spelt out."""
    column = BY_KEY[key]
    choices = _("; ").join(str(v) for v in CODED[key].values()) if key in CODED else ""
    text = str(column.note) % {"choices": choices, "example": _("Reading; Counselling")}
    if column.required:
        return _("Required.") + " " + text
    return text


# The template's example row, written in the user's language; rows like it are never imported.
EXAMPLE_PHONE = "13800000000"
EXAMPLE_NAME = _l("Wang Li (example)")


def example_row(skills: list[str], locale: str | None) -> dict[str, str]:
    return {
        "name": str(EXAMPLE_NAME),
        "kind": label("kind", "surrogate_parent"),
        "phone": EXAMPLE_PHONE,
        "email": "wangli@example.org",
        "gender": label("gender", "female"),
        "skills": skills_text(skills, locale),
        "place_name": "石门乡石门村",
        "lat": "26.645",
        "lon": "107.432",
        "transport_mode": label("transport_mode", "ebike"),
        "max_travel_minutes": "30",
        "max_sessions_per_week": "2",
        "available_from": "2026-07-01",
        "available_to": "2026-08-31",
        "notes": str(_l("Example row: replace it with your volunteers (it is never imported).")),
    }


@cache
def _example_names() -> frozenset[str]:
    names = set()
    for locale in LOCALES:
        with force_locale(locale):
            names.add(_key(str(EXAMPLE_NAME)))
    return frozenset(names)


def is_example(cells: dict[str, str]) -> bool:
    return (
        cells.get("phone", "").strip() == EXAMPLE_PHONE
        and _key(cells.get("name", "")) in _example_names()
    )

"""Sort keys for Chinese names: by pinyin, character by character (何涵曦 before 何欣曦).

Code-point order means nothing to a Chinese reader. The key spells each character as its pinyin
syllable padded to six letters plus the tone digit (1-5), so comparing keys compares syllable by
syllable, then tone, whatever the database's collation: keys hold only a-z and 0-9, which every
collation orders the same way (digits before letters). Latin letters and digits count as one unit
each; spaces and punctuation are left out. The key is stored beside the name (models/base.py) so
that sorting and paging by name stay in the database.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

KEY_LENGTH = 255
UNIT = 7  # six letters of syllable ("zhuang") and a tone digit
# Surnames whose reading differs from the character's most common one.
SURNAMES = {
    "单": "shan4",
    "曾": "zeng1",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "查": "zha1",
    "区": "ou1",
    "乐": "yue4",
    "覃": "qin2",
    "盖": "ge3",
    "缪": "miao4",
    "繁": "po2",
    "员": "yun4",
    "召": "shao4",
    "种": "chong2",
    "秘": "bi4",
    "尉": "yu4",
    "长": "chang2",
    "华": "hua4",
    "任": "ren2",
    "柏": "bai3",
    "薄": "bo2",
    "翟": "zhai2",
}


def _unit(syllable: str) -> str:
    letters = syllable.rstrip("012345")
    tone = syllable[len(letters) :] or "0"
    return letters[:6].ljust(6, "0") + tone[-1]


def sort_key(name: str | None) -> str:
    """The pinyin sort key of a name (a person's, a team's, a home's)."""
    name = (name or "").strip()
    if not name:
        return ""
    readings = lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True, errors=list)
    first = name[0]
    if first in SURNAMES and readings and readings[0] != first:
        readings[0] = SURNAMES[first]
    units = []
    for reading in readings:
        reading = reading.lower()
        if reading.isascii() and reading.isalnum() and reading[:1].isalpha() and len(reading) > 1:
            units.append(_unit(reading))  # a Chinese character as a syllable
        else:
            units.extend(c + "000000" for c in reading if c.isascii() and c.isalnum())
    return "".join(units)[:KEY_LENGTH]


def initial(key: str) -> str:
    """The letter a name is grouped under (A-Z), or # for names without one."""
    first = key[:1]
    return first.upper() if first.isalpha() else "#"

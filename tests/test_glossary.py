"""One word per concept: translations and Chinese source text follow docs/glossary.md."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs/glossary.md"
CATALOG = ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po"


def glossary() -> list[tuple[str, str, list[str]]]:
    """(concept, Chinese term, terms never to use) for each row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("concept", "---"):
            continue
        never = [t.strip() for t in re.split(r"[,，、]", cells[3]) if t.strip()]
        rows.append((cells[0], cells[1], never))
    return rows


def chinese_texts() -> list[tuple[str, str]]:
    """Every Chinese translation, and Chinese text in our source (pure modules carry their own)."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    texts = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [(f"msgid {message.id!r}", s) for s in strings if s]
    for path in [*(ROOT / "webapp").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        texts.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return texts


def test_the_glossary_names_vetting_and_the_known_wrong_terms():
    terms = {concept.split(" (")[0]: (zh, never) for concept, zh, never in glossary()}
    assert terms["vetting"] == ("审核", ["审查"])
    assert "仅限管理员" in terms["administrator"][1]


def test_no_translation_or_chinese_text_uses_a_term_the_glossary_rules_out():
    wrong = []
    for concept, term, never in glossary():
        for where, text in chinese_texts():
            for bad in never:
                if bad in text:
                    wrong.append(f"{where}: “{bad}” (say “{term}” for {concept})")
    assert wrong == []


def test_labels_that_confused_a_new_user_are_specific():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    assert catalog.get("Room name").string == "房间名称"  # not 姓名
    assert catalog.get("Starts at").string == "开始时间"  # a booking's time, not 开始日期
    assert catalog.get("Vetting").string == "审核"

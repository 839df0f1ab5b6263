"""Every UI string has a Chinese translation, and the catalog compiles."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po"


def _extract(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "webapp",
            "templates",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def test_every_ui_string_has_a_chinese_translation(tmp_path):
    source = _extract(tmp_path)
    with CATALOG.open("rb") as handle:
        zh = read_po(handle, locale="zh")
    missing = []
    for message in source:
        if not message.id:
            continue
        translated = zh.get(message.id)
        text = translated.string if translated else None
        if isinstance(text, tuple | list):
            text = text[0]
        if not text or (translated and translated.fuzzy):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert missing == [], "untranslated (run `make translations`, then translate): " + repr(missing)

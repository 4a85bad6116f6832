"""Persian first: every user-facing string in the sources has a Persian translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def persian():
    with (ROOT / "app/translations/fa/LC_MESSAGES/messages.po").open("rb") as fh:
        return read_po(fh, locale="fa")


def test_every_source_string_has_a_persian_translation(persian):
    missing = []
    for message in sorted(_source_messages()):
        entry = persian.get(message)
        text = entry.string if entry is not None else None
        if isinstance(text, (list, tuple)):
            text = text[0]
        if not text or (entry is not None and entry.fuzzy):
            missing.append(message)
    assert missing == [], "Run `make messages` and translate these in app/translations/fa: " + repr(missing)


def test_translations_keep_every_placeholder(persian):
    broken = []
    for entry in persian:
        if not entry.id:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[0]
        text = entry.string if isinstance(entry.string, str) else entry.string[0]
        if text and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            broken.append(source)
    assert broken == []

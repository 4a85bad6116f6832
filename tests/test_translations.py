"""Persian first: every user-facing string in the sources has a Persian translation."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
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


# --- Persian text that is really Persian -----------------------------------------------------

PERSIAN_LETTERS = re.compile(r"[\u0600-\u06ff]")
LETTERS = re.compile(r"[A-Za-z]")


def test_persian_translations_are_written_in_persian(persian):
    """A msgstr copied from the English (or left in it) would pass the completeness test above."""
    english_only = []
    for entry in persian:
        if not entry.id:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[0]
        text = entry.string if isinstance(entry.string, str) else entry.string[0]
        if LETTERS.search(PLACEHOLDER.sub("", source)) and text and not PERSIAN_LETTERS.search(text):
            english_only.append(source)
    assert english_only == []


# --- Text that never reached the catalogue ---------------------------------------------------

_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
_TRANSLATABLE_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-roledescription"}
# Words that are right as they are in every language: each language's own name, and file formats.
_UNTRANSLATED_OK = {"English", "JPEG", "PNG", "WebP", "Leaflet", "OpenStreetMap"}


class _VisibleText(HTMLParser):
    """Collects text nodes and translatable attribute values (outside <script> and <style>)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.found.extend(value for name, value in attrs if name in _TRANSLATABLE_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def _english_words(texts: list[str]) -> set[str]:
    texts = [re.sub(r"\S+@\S+|https?://\S+", " ", text) for text in texts]  # addresses are not words
    words = {word for text in texts for word in re.findall(r"[A-Za-z][A-Za-z'’-]+", text)}
    return words - _UNTRANSLATED_OK


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.html"))
)
def test_templates_have_no_text_outside_the_catalogue(template):
    source = (ROOT / "templates" / template).read_text()
    parser = _VisibleText()
    parser.feed(_JINJA.sub(" ", source))
    assert _english_words(parser.found) == set(), f"wrap these in _() in templates/{template}"


_USER_TEXT_CALLS = {"flash"}
# Raised for programmers, never shown on a page: an assertion, a writer asked for what it does not
# write, a query shape the array ranking hands back to Whoosh (logged, then Whoosh's own path).
_DEVELOPER_ERRORS = {"AssertionError", "NotImplementedError", "UnsupportedQueryError"}
_FORM_CALLS = re.compile(r"(Field|DataRequired|InputRequired|Length|Email|EqualTo|NumberRange|Regexp|Error)$")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@pytest.mark.parametrize("module", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app").rglob("*.py")))
def test_python_messages_for_people_go_through_the_catalogue(module):
    """flash(), exceptions shown to users, form labels and validator messages: never a bare literal."""
    tree = ast.parse((ROOT / module).read_text())
    bare = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in _DEVELOPER_ERRORS or (name not in _USER_TEXT_CALLS and not _FORM_CALLS.search(name)):
            continue
        arguments = list(node.args) + [k.value for k in node.keywords if k.arg in ("message", "label", "description")]
        bare += [
            f"{module}:{node.lineno} {name}({arg.value!r})"
            for arg in arguments
            if isinstance(arg, ast.Constant)
            and isinstance(arg.value, str)
            and re.search(r"[A-Za-z]{3}", arg.value)
            and " " in arg.value.strip()
        ]
    assert bare == []


def test_the_english_catalogue_lists_every_source_string():
    """English text is the msgid itself, but the catalogue must be current (`make messages`)."""
    with (ROOT / "app/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        english = read_po(fh, locale="en")
    assert sorted(m for m in _source_messages() if english.get(m) is None) == []

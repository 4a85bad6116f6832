"""Cleaning what users type and rendering it safely."""

import pytest

from app.core.redirects import is_safe_path
from app.core.text import ascii_digits, clean_text, render_plain


def test_clean_text_folds_arabic_letters_and_spaces():
    assert clean_text("  علي   كريمي \t ") == "علی کریمی"
    assert clean_text("a\x00b") == "a b"
    assert clean_text(None) == ""


def test_clean_text_keeps_paragraphs_in_multiline_text():
    assert clean_text(" یک  \r\n\r\n\r\n\r\nدو \n", multiline=True) == "یک\n\nدو"


def test_ascii_digits_accepts_persian_and_arabic_indic_digits():
    assert ascii_digits("۱۲۳٤٥٦") == "123456"


@pytest.mark.parametrize(
    "hostile",
    [
        "<img src=x onerror=alert(1)>",
        '"><script>alert(1)</script>',
        "javascript:alert(1)",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_render_plain_never_lets_html_through(hostile):
    html = render_plain(hostile)
    assert "<img" not in html and "<script" not in html and 'href="javascript' not in html


def test_render_plain_links_only_web_addresses():
    html = render_plain("see https://mashhad.ir and www.example.com, mail a@b.org")
    assert html.count("<a ") == 2
    assert 'href="http://www.example.com"' in html


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/posts", True),
        ("/posts?x=1#y", True),
        ("//evil.example", False),
        ("https://evil.example", False),
        ("/\\evil", False),
        ("", False),
        (None, False),
        ("posts", False),
        ("/\tx", False),
    ],
)
def test_safe_paths(target, safe):
    assert is_safe_path(target) is safe

"""The maths font the site serves has a glyph for every character of every formula.

book/_static/temml/book-math.woff2 is a subset of Latin Modern Math
(tools/subset-math-font.sh). A formula that uses a character outside the
subset would silently fall back to another font; this test names it instead.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont

from tests.conftest import REPO

pytestmark = pytest.mark.build  # reads the built book

FONT = REPO / "book" / "_static" / "temml" / "book-math.woff2"


def _italic(letter: str) -> str:
    """The mathematical italic letter Chromium draws a one-letter <mi> with."""
    if letter == "h":
        return "\u210e"  # PLANCK CONSTANT: the italic h's place in Unicode
    if "\u03b1" <= letter <= "\u03c9":  # Greek small alpha to omega
        return chr(0x1D6FC + ord(letter) - 0x03B1)
    if "\u0391" <= letter <= "\u03a9":  # Greek capital Alpha to Omega
        return chr(0x1D6E2 + ord(letter) - 0x0391)
    offset = ord(letter) - (ord("A") if letter.isupper() else ord("a") - 26)
    return chr(0x1D434 + offset)


def test_the_maths_font_has_every_character_the_book_uses(built_book):
    cmap = TTFont(FONT).getBestCmap()
    missing: dict[str, set[str]] = {}
    for page in sorted(built_book.html_dir.glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for math in soup.find_all("math"):
            needed = set(re.sub(r"\s", "", math.get_text()))
            for mi in math.find_all("mi"):
                text = mi.get_text()
                one_letter = len(text) == 1 and text.isalpha()
                # Latin and Greek letters; others (bold ones) are drawn as they are
                greek = "\u0391" <= text <= "\u03c9"
                one_letter = one_letter and (text.isascii() or greek)
                if one_letter and mi.get("mathvariant") in (None, "italic"):
                    needed.add(_italic(text))
            for char in needed:
                if ord(char) not in cmap:
                    missing.setdefault(page.stem, set()).add(
                        f"U+{ord(char):04X} {char}"
                    )
    assert missing == {}, (
        f"{missing}: add these characters to tools/subset-math-font.sh and run it"
    )


def test_the_italic_mapping_is_unicodes():
    assert _italic("x") == "\U0001d465"
    assert _italic("A") == "\U0001d434"
    assert _italic("h") == "\u210e"
    assert _italic("\u03b7") == "\U0001d702"  # italic small eta
    assert _italic("\u0394") == "\U0001d6e5"  # italic capital Delta

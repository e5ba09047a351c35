"""Code tokens that every style draws as plain text are written without a span
(bookbuild.highlight); the others keep theirs."""

from __future__ import annotations

import html as html_lib
import re
from typing import ClassVar

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.style import Style
from pygments.styles import get_style_by_name
from pygments.token import Name, Operator, Punctuation, Text

from bookbuild.highlight import book_styles, lexer_with_plain_text, plain_tokens

pytestmark = pytest.mark.tooling

SOURCE = "loss = np.sum((y - target) ** 2)\n"


class _Config:
    html_theme_options: ClassVar[dict[str, str]] = {
        "pygments_light_style": "a11y-high-contrast-light",
        "pygments_dark_style": "a11y-high-contrast-dark",
    }
    pygments_style = None


def _spans(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<span class="([^"]+)">([^<]*)</span>', html)


@pytest.mark.parametrize("language", ["python", "pycon", "ipython3"])
def test_names_and_punctuation_lose_their_spans_and_nothing_else(language):
    plain = plain_tokens(book_styles(_Config()))
    lexer = lexer_with_plain_text(language, plain)()
    source = f">>> {SOURCE}" if language == "pycon" else SOURCE
    html = highlight(source, lexer, HtmlFormatter())
    classes = {css for css, _ in _spans(html)}
    assert {"n", "p"}.isdisjoint(classes), html
    assert {"o", "mi"} <= classes, html  # operators and numbers are coloured
    text = re.sub(r"<[^>]+>", "", html)
    assert html_lib.unescape(text).strip() == source.strip()  # every character


def test_a_token_is_plain_only_when_every_style_draws_it_as_text():
    light = get_style_by_name("a11y-high-contrast-light")
    assert {Name, Punctuation} <= plain_tokens([light])
    assert Operator not in plain_tokens([light])
    assert Text not in plain_tokens([light])

    # A style that colours names keeps their spans, whatever the others do.
    class NamesInRed(Style):
        styles: ClassVar[dict] = {Name: "#ff0000"}

    assert Name not in plain_tokens([light, NamesInRed])
    assert Punctuation in plain_tokens([light, NamesInRed])


def test_the_site_must_name_its_code_styles():
    class Unnamed(_Config):
        html_theme_options: ClassVar[dict[str, str]] = {}

    with pytest.raises(ValueError, match="pygments_light_style"):
        book_styles(Unnamed())

"""Highlighted code with fewer elements: tokens drawn as plain text get no span.

Pygments wraps every token of a code block in a ``<span class="...">``, also
names and punctuation, which every style the book uses draws exactly like
plain text. On a chapter that is a fifth of the page's elements
(cracking-the-box: 639 of 3,107), and a phone spends most of a chapter's load
time on the style and layout of its elements (``benchmarks/bench_site.py``).

:class:`AsPlainText` is a Pygments filter (Pygments' public API for changing
a token stream) that turns those tokens into plain text, which Pygments writes
without a span. The book's lexers get it through Sphinx's ``add_lexer``. Which
tokens are plain is worked out from the styles themselves (the theme's light
and dark styles and the PDF's), so a token that any of them colours keeps its
span.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pygments.filter import Filter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.style import Style
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Text, _TokenType
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.pygments_styles import SphinxStyle

LANGUAGES = {"python": {"stripnl": False}, "pycon": {"stripnl": False}, "ipython3": {}}
"""The languages of the book's code (literalinclude, the docstrings' examples and
code cells), with the options Sphinx's own lexer for each would get."""


def plain_tokens(styles: Iterable[type[Style]]) -> frozenset[_TokenType]:
    """Return the token types that each of ``styles`` draws like plain text."""
    styles = list(styles)
    return frozenset(
        token
        for token in STANDARD_TYPES
        if token is not Text
        and all(s.style_for_token(token) == s.style_for_token(Text) for s in styles)
    )


class AsPlainText(Filter):
    """A Pygments filter that makes the tokens of ``plain`` plain text."""

    def __init__(self, plain: frozenset[_TokenType], **options: Any) -> None:
        super().__init__(**options)
        self.plain = plain

    def filter(
        self, lexer: Lexer, stream: Iterable[tuple[_TokenType, str]]
    ) -> Iterator[tuple[_TokenType, str]]:
        """Yield the tokens of ``stream``, the plain ones as plain text."""
        for token, value in stream:
            yield (Text if token in self.plain else token), value


def lexer_with_plain_text(
    language: str, plain: frozenset[_TokenType], **defaults: Any
) -> type[Lexer]:
    """Pygments' lexer class for ``language``, writing ``plain`` as plain text."""
    base = find_lexer_class_by_name(language)

    def init(self: Lexer, **options: Any) -> None:
        base.__init__(self, **{**defaults, **options})
        self.add_filter(AsPlainText(plain))

    return type(base.__name__, (base,), {"__init__": init})


def book_styles(config: Config) -> list[type[Style]]:
    """Return the Pygments styles of the site (light and dark) and of the PDF."""
    options = config.html_theme_options
    names = [options.get("pygments_light_style"), options.get("pygments_dark_style")]
    if None in names:
        raise ValueError(
            "bookbuild.highlight needs the site's code styles: set "
            "'pygments_light_style' and 'pygments_dark_style' in html_theme_options"
        )
    pdf = config.pygments_style
    pdf_style = SphinxStyle if pdf in (None, "sphinx") else get_style_by_name(pdf)
    return [get_style_by_name(name) for name in names] + [pdf_style]


def _register_lexers(app: Sphinx, config: Config) -> None:
    plain = plain_tokens(book_styles(config))
    for language, defaults in LANGUAGES.items():
        app.add_lexer(language, lexer_with_plain_text(language, plain, **defaults))


def setup(app: Sphinx) -> None:
    """Give the book's languages their lexers once the configuration is read."""
    app.connect("config-inited", _register_lexers)

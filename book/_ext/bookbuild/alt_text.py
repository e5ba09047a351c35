"""Fail the build when an image lacks real alt text.

myst-nb gives every figure produced by a code cell the image's file path as
alt text, which a screen reader reads out as gibberish. Every image must say
what it shows: set it with the cell's ``mystnb: image: alt:`` metadata (or
the ``:alt:`` option of an image/figure directive).

Raw HTML that a cell writes is checked too: every ``<img>`` in it needs an
``alt`` attribute that says something, and every ``<svg>`` picture
``role="img"`` with a name (``aria-label``, or ``aria-labelledby`` pointing at
its ``<title>``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")


def missing_alt_reason(alt: str | None, uri: str) -> str | None:
    """Return why ``alt`` is not real alt text for the image at ``uri``, or None."""
    text = (alt or "").strip()
    if not text:
        return "has no alt text"
    name = PurePosixPath(uri).name
    if text in {uri, name} or text.lower().endswith(IMAGE_SUFFIXES):
        return f"has its file name as alt text ({text!r})"
    return None


class _RawPictures(HTMLParser):
    """Collect what is wrong with the pictures of a piece of raw HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._svg_depth = 0
        self._svg_titled = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            src = values.get("src") or "?"
            reason = missing_alt_reason(values.get("alt"), src)
            if reason:
                self.problems.append(f"raw HTML <img> {src[:60]} {reason}")
        elif tag == "svg":
            if self._svg_depth == 0:
                self._svg_titled = values.get("role") == "img" and bool(
                    values.get("aria-label") or values.get("aria-labelledby")
                )
            self._svg_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
            if self._svg_depth == 0 and not self._svg_titled:
                self.problems.append(
                    'raw HTML <svg> has no accessible name: give it role="img" '
                    "and aria-labelledby pointing at its <title>"
                )


def raw_picture_problems(html: str) -> list[str]:
    """Return what keeps the pictures in ``html`` from being described.

    Examples
    --------
    >>> raw_picture_problems('<img src="a.png">')
    ['raw HTML <img> a.png has no alt text']
    >>> raw_picture_problems('<img src="a.png" alt="A red square">')
    []
    """
    if not re.search(r"<(img|svg)\b", html, re.IGNORECASE):
        return []
    parser = _RawPictures()
    parser.feed(html)
    parser.close()
    return parser.problems


def _check_images(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    # Runs after the post-transforms, when myst-nb has chosen which output
    # of each cell (image or text) the page shows.
    for image in doctree.findall(nodes.image):
        reason = missing_alt_reason(image.get("alt"), image.get("uri", ""))
        if reason:
            LOGGER.warning(
                "image %s: %s. Describe what it shows, e.g. with the cell metadata "
                "'mystnb: {image: {alt: ...}}' or the directive option ':alt:'",
                image.get("uri", "?"),
                reason,
                location=(docname, image.line),
                type="bookbuild",
                subtype="alt_text",
            )
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split():
            continue
        for problem in raw_picture_problems(raw.astext()):
            LOGGER.warning(
                "%s. Describe what it shows",
                problem,
                location=(docname, raw.line),
                type="bookbuild",
                subtype="alt_text",
            )


def setup(app: Sphinx) -> None:
    """Check every image of every page as the page is written."""
    app.connect("doctree-resolved", _check_images)

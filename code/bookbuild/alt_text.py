"""Fail the build when an image lacks real alt text.

myst-nb gives every figure produced by a code cell the image's file path as
alt text, which a screen reader reads out as gibberish. Every image must say
what it shows: set it with the cell's ``mystnb: image: alt:`` metadata (or
the ``:alt:`` option of an image/figure directive).
"""

from __future__ import annotations

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


def setup(app: Sphinx) -> None:
    """Check every image of every page as the page is written."""
    app.connect("doctree-resolved", _check_images)

"""Each page's description and Open Graph tags, from its front matter.

Every page of the book states what it teaches in one sentence, in its front
matter, as MyST's ``html_meta``::

    ---
    myst:
      html_meta:
        description: "Fit a model with two weights to recorded samples: ..."
    ---

MyST makes it the page's ``<meta name="description">`` (what search engines
show), and Sphinx's gettext extracts and translates it like a paragraph, so
the Chinese pages are described in Chinese. This module repeats the
(translated) sentence as ``og:description`` (what a link preview shows), next to
``og:title``, ``og:type``, ``og:url`` (under ``html_baseurl``) and
``og:site_name``. A page without a description, or with one longer than
:data:`MAX_DESCRIPTION` characters (search engines cut it there), is a build
warning naming the page. Pages Sphinx generates (search, general index, 404)
are described by their title and the book's.

(sphinxext-opengraph did this from each page's first paragraph, cut at 200
characters; it imports matplotlib on every build for its social cards, a
quarter of a second of a no-change rebuild even with cards off.)
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from docutils import nodes
from docutils.nodes import Node
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

MAX_DESCRIPTION = 160


def page_description(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: Node | None
) -> str:
    """Return the description of ``pagename``: its front matter's, else its title's.

    Warns when a page of the book (not one Sphinx generates) has none, or one
    longer than :data:`MAX_DESCRIPTION` characters.
    """
    metas = doctree.findall(nodes.meta) if doctree is not None else []
    descriptions = [m["content"] for m in metas if m.get("name") == "description"]
    description = descriptions[0].strip() if descriptions else ""
    if pagename in app.env.found_docs:
        if not description:
            LOGGER.warning(
                "the page has no description: add myst: html_meta: "
                'description: "..." (one sentence, at most %d characters) to '
                "its front matter",
                MAX_DESCRIPTION,
                location=pagename,
                type="bookbuild",
                subtype="description",
            )
        elif len(description) > MAX_DESCRIPTION:
            LOGGER.warning(
                "the description in the front matter has %d characters: search "
                "engines cut it at %d, so shorten it",
                len(description),
                MAX_DESCRIPTION,
                location=pagename,
                type="bookbuild",
                subtype="description",
            )
    if description:
        return description
    title = page_title(context)
    return f"{title}: {app.config.project}" if title else app.config.project


def page_title(context: dict[str, Any]) -> str:
    """Return the page's title as text (Sphinx gives it as HTML)."""
    return re.sub(r"<[^>]+>", "", str(context.get("title", ""))).strip()


def _add_meta_tags(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Node | None,
) -> None:
    description = page_description(app, pagename, context, doctree)
    title = page_title(context)
    tags = {
        ("name", "description"): description,
        ("property", "og:title"): title or app.config.project,
        ("property", "og:type"): "website",
        ("property", "og:url"): context.get("pageurl") or "",
        ("property", "og:site_name"): app.config.project,
        ("property", "og:description"): description,
    }
    metatags = context.get("metatags", "")
    for (attribute, name), content in tags.items():
        if content and f'{attribute}="{name}"' not in metatags:
            metatags += (
                f'\n    <meta {attribute}="{name}" content="{escape(content)}" />'
            )
    context["metatags"] = metatags


def _drop_translated_flag(app: Sphinx, doctree: Node, docname: str) -> None:
    # Since sphinx-doc/sphinx#11502 (Sphinx 7.1) the Locale transform keeps a
    # ``translated`` flag on every translated node, and the HTML writer writes
    # every attribute of a meta node into its tag: <meta translated="True">,
    # which is not HTML.
    for meta in doctree.findall(nodes.meta):
        meta.attributes.pop("translated", None)


def setup(app: Sphinx) -> None:
    """Add the description and Open Graph tags to every HTML page."""
    app.connect("doctree-resolved", _drop_translated_flag)
    app.connect("html-page-context", _add_meta_tags)

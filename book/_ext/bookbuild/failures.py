"""When a cell fails, its report comes alone, not under a wall of knock-on warnings.

A cell that raises stops the chapter's execution, so every number the later
cells would have glued, every figure they would have drawn and every
reference to those figures is missing. Sphinx and myst-nb then warn about
each one: a hundred warnings that bury the one that matters. Once myst-nb
reports that a chapter's execution failed, this filter drops the warnings of
that chapter that follow from it (missing glue values, references to
figures that were never drawn, the notebook the page could not become) and
says at the end how many it left out. Nothing is dropped from a chapter that
executed, so a missing glue key or a broken reference is still reported.
"""

from __future__ import annotations

import logging
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging

LOGGER = sphinx_logging.getLogger(__name__)

# (type, subtype) of the warnings that a failed execution causes; None: any.
KNOCK_ON = {
    ("mystnb", "glue"),
    ("ref", None),
    ("bookbuild", "notebook"),
    ("bookbuild", "alt_text"),
}


def _chapter(location: object) -> str | None:
    """Return the chapter (file stem) a warning's location points at, if any."""
    if isinstance(location, tuple) and location:
        location = location[0]
    elif isinstance(location, nodes.Node):
        location = location.source or ""
    if not location:
        return None
    return Path(str(location).split(":")[0]).stem


class KnockOnFilter(logging.Filter):
    """Drop the warnings that follow from a chapter's failed execution."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: set[str] = set()
        self.dropped: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for a knock-on warning of a chapter that failed."""
        kind = (getattr(record, "type", None), getattr(record, "subtype", None))
        chapter = _chapter(getattr(record, "location", None))
        if chapter is None:
            return True
        if kind == ("mystnb", "exec") and "failed" in str(record.msg):
            self.failed.add(chapter)
            return True
        knock_on = kind in KNOCK_ON or (kind[0], None) in KNOCK_ON
        if chapter in self.failed and knock_on:
            self.dropped[chapter] = self.dropped.get(chapter, 0) + 1
            return False
        return True


def _summary(app: Sphinx, exception: Exception | None) -> None:
    quiet: KnockOnFilter = app._bookbuild_knock_on  # type: ignore[attr-defined]
    dropped, quiet.dropped = quiet.dropped, {}  # said once
    for chapter, count in sorted(dropped.items()):
        LOGGER.info(
            "bookbuild: %d more warnings of %s follow from its failed cell "
            "(missing numbers and figures) and were left out; fix the cell first",
            count,
            chapter,
        )


def setup(app: Sphinx) -> None:
    """Put the filter in front of Sphinx's warning output."""
    quiet = KnockOnFilter()
    app._bookbuild_knock_on = quiet  # type: ignore[attr-defined]
    for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if isinstance(handler, sphinx_logging.WarningStreamHandler):
            # First, so that the warnings it drops are not counted either.
            handler.filters.insert(0, quiet)
    app.connect("build-finished", _summary)

"""Fail the build when a code cell the reader sees does bookkeeping.

A reader should see only code that teaches. Gluing numbers into the prose
(``glue(...)`` and ``from myst_nb import glue``) is bookkeeping: it belongs
in a cell tagged ``remove-cell``. A visible cell (shown, or folded behind a
"show code" button) that glues is reported at its chapter and line, which
fails the build under ``-W``.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

GLUE = re.compile(r"\bglue\s*\(|^\s*from\s+myst_nb\s+import\b.*\bglue\b")


def bookkeeping_lines(source: str) -> list[str]:
    r"""Return the lines of ``source`` that glue values into the prose.

    Examples
    --------
    >>> bookkeeping_lines("x = 1\nglue('x', x, display=False)")
    ["glue('x', x, display=False)"]
    >>> bookkeeping_lines("from myst_nb import glue")
    ['from myst_nb import glue']
    >>> bookkeeping_lines("glued = 2  # not a call")
    []
    """
    return [line.strip() for line in source.splitlines() if GLUE.search(line)]


def _check_cells(app: Sphinx, doctree: nodes.document) -> None:
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code_source":
            continue
        lines = bookkeeping_lines(cell.astext())
        if lines:
            LOGGER.warning(
                "a visible code cell glues values (%s): move the glue calls into "
                "a cell tagged remove-cell, so that readers see only code that "
                "teaches",
                lines[0],
                location=cell,
                type="bookbuild",
                subtype="bookkeeping",
            )


def setup(app: Sphinx) -> None:
    """Check the code cells of every page as it is read."""
    app.connect("doctree-read", _check_cells)

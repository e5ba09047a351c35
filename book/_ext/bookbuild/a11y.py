"""Accessibility fixes that only the build can make (checked by tests/browser/).

myst-nb writes ``<summary aria-label="Toggle hidden content">`` above a cell
whose code is hidden (tag ``hide-input``). The aria-label replaces the text the
toggle shows ("Show code cell source"), so someone using speech input cannot
press it by saying what they see (WCAG 2.5.3; axe: label-content-name-mismatch).
This extension writes myst-nb's HTML without that attribute, so the toggle is
named by its visible text.

Enabled in ``conf.py`` (``extensions.append("bookbuild.a11y")``), after
``myst_nb``, whose HTML visitor it replaces.
"""

from __future__ import annotations

from typing import Any

from myst_nb.sphinx_ import (
    HideCodeCellNode,
    depart_HideCellInput,
    visit_HideCellInput,
)
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

HIDDEN_NAME = ' aria-label="Toggle hidden content"'


def visit_hidden_cell(self: HTML5Translator, node: HideCodeCellNode) -> None:
    """Write myst-nb's toggle for a hidden cell, named by its visible text."""
    start = len(self.body)
    visit_HideCellInput(self, node)
    self.body[start:] = [part.replace(HIDDEN_NAME, "") for part in self.body[start:]]


def setup(app: Sphinx) -> dict[str, Any]:
    """Replace myst-nb's HTML visitor of hidden cells."""
    app.setup_extension("myst_nb")
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(visit_hidden_cell, depart_HideCellInput),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}

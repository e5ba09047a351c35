"""Check the code cells of every chapter: what readers see, and their metadata.

* A reader should see only code that teaches. Gluing numbers into the prose
  (``glue(...)`` and ``from myst_nb import glue``) is bookkeeping: it belongs
  in a cell tagged ``remove-cell``. A visible cell (shown, or folded behind a
  "show code" button) that glues is reported at its chapter and line, which
  fails the build under ``-W``.
* A cell's metadata (the YAML between ``---`` lines at the top of a
  ``{code-cell}``) that is not valid YAML would crash Sphinx with a traceback
  that names no chapter. It is reported at its chapter and line instead, and
  left out so that the rest of the book still builds.
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


CELL_START = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")


def metadata_errors(text: str) -> list[tuple[int, int, str]]:
    r"""Return the cells whose YAML metadata does not parse.

    Each entry is (first line, last line, YAML's complaint) of the metadata
    block, with lines counted from 1.

    Examples
    --------
    >>> cell = ["```{code-cell} ipython3", "---", "a: [1", "---", "x = 1", "```"]
    >>> metadata_errors("\n".join(cell))[0][:2]
    (3, 3)
    >>> cell[2] = "a: [1]"
    >>> metadata_errors("\n".join(cell))
    []
    """
    import yaml

    lines = text.splitlines()
    errors = []
    for number, line in enumerate(lines):
        if not CELL_START.match(line) or number + 1 >= len(lines):
            continue
        if lines[number + 1].strip() != "---":
            continue
        try:
            end = lines.index("---", number + 2)
        except ValueError:
            end = len(lines)
        block = "\n".join(lines[number + 2 : end])
        try:
            yaml.safe_load(block)
        except yaml.YAMLError as error:
            reason = " ".join(str(error).split())
            errors.append((number + 3, end, reason))
    return errors


def _check_metadata(app: Sphinx, docname: str, source: list[str]) -> None:
    errors = metadata_errors(source[0])
    if not errors:
        return
    lines = source[0].split("\n")
    for first, last, reason in errors:
        LOGGER.warning(
            "the metadata of the code cell at line %d is not valid YAML (%s); "
            "the cell is built without it",
            first - 2,
            reason,
            location=(docname, first),
            type="bookbuild",
            subtype="cell_metadata",
        )
        for index in range(first - 1, last):
            lines[index] = "# " + lines[index]  # keeps the line numbers
    source[0] = "\n".join(lines)


def setup(app: Sphinx) -> None:
    """Check the code cells of every page as it is read."""
    app.connect("source-read", _check_metadata, priority=100)
    app.connect("doctree-read", _check_cells)

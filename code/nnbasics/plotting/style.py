"""One look for every figure of the book.

Figures have an opaque white background and dark ink, so they read the same
on the theme's light and dark pages; colours come from a colour-blind-safe
palette (Okabe and Ito) and sizes suit a phone screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure

INK = "#1a1a1a"
MUTED = "#6b6b6b"
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
RED = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"

PALETTE = (BLUE, ORANGE, GREEN, RED, PURPLE, SKY)

RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "nnbasics",
    "svg.fonttype": "path",
}


class BookFigure(Figure):
    """A matplotlib figure that Jupyter shows as an SVG image by itself.

    Plain :class:`~matplotlib.figure.Figure` objects only display as images
    once pyplot's inline backend is active; this one carries its own
    ``_repr_svg_``, so a cell that ends with a figure shows it in the book, in
    Jupyter and in Colab alike, without ``%matplotlib`` or pyplot's global
    state. SVG stays sharp at any zoom and, compressed as web servers send
    it, weighs about a tenth of the PNG at 2× density that the book used to
    show (``make bench`` measures the pages). Neither format holds a
    timestamp or a software version, and the SVG's ids come from
    ``svg.hashsalt``, so the same figure always gives the same bytes.
    """

    def to_png(self, dpi: float = 200) -> bytes:
        """Return the figure as PNG bytes (no metadata that varies)."""
        buffer = io.BytesIO()
        with book_style():
            self.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()

    def to_svg(self) -> str:
        """Return the figure as SVG text (no metadata that varies).

        Text is drawn as paths (``svg.fonttype``), so the figure looks the
        same without the fonts it was made with.
        """
        buffer = io.StringIO()
        with book_style():
            self.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return buffer.getvalue()

    def _repr_svg_(self) -> tuple[str, dict[str, int]]:
        width, height = self.get_size_inches() * 100
        return self.to_svg(), {"width": round(width), "height": round(height)}


@contextmanager
def book_style() -> Iterator[None]:
    """Apply the book's matplotlib settings inside a ``with`` block."""
    with mpl.rc_context(RC):
        yield


def new_figure(width: float = 6.4, height: float = 4.0, **subplots: object) -> Figure:
    """Return a figure in the book's style (not attached to pyplot's state).

    Parameters
    ----------
    width, height : float
        Size in inches; 6.4 × 4 fits a phone at full width.
    **subplots
        Passed to :meth:`matplotlib.figure.Figure.subplots` (e.g. ``ncols=2``).

    Returns
    -------
    BookFigure
        With its axes created; it displays itself in Jupyter.
    """
    with book_style():
        figure = BookFigure(figsize=(width, height), layout="constrained")
        figure.subplots(**subplots)
    return figure

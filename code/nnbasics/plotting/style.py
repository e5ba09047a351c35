"""One look for every figure of the book.

Figures have an opaque white background and dark ink, so they read the same
on the theme's light and dark pages; colours come from a colour-blind-safe
palette (Okabe and Ito) and sizes suit a phone screen.

Sizes for phones: a figure is at most :data:`MAX_WIDTH` inches wide and no
text in it is smaller than :data:`MIN_TEXT_PT` points. Shown at full column
width on a 390 px phone (about 350 px), such a figure's smallest text is at
least 11 CSS pixels tall; the SVG records its smallest text size
(``data-min-text-pt``) so that the browser tests can check exactly that.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.text import Text

from nnbasics.language import current_language
from nnbasics.plotting.cjk_font import needs_cjk, register_cjk_font

__all__ = [
    "MAX_WIDTH",
    "MIN_TEXT_PT",
    "BookFigure",
    "language_rc",
    "book_style",
    "new_figure",
]

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

MAX_WIDTH = 4.8
"""The widest figure, in inches (480 px on the page before it scales down)."""

MIN_TEXT_PT = 11.0
"""The smallest text a figure may hold, in points."""

RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": MIN_TEXT_PT,
    "axes.titlesize": 12,
    "axes.labelsize": MIN_TEXT_PT,
    "xtick.labelsize": MIN_TEXT_PT,
    "ytick.labelsize": MIN_TEXT_PT,
    "legend.fontsize": MIN_TEXT_PT,
    "legend.title_fontsize": MIN_TEXT_PT,
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
            self._set_maths_labels_in_cjk()
            self.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()

    def to_svg(self) -> str:
        """Return the figure as SVG text (no metadata that varies).

        Text is drawn as paths (``svg.fonttype``), so the figure looks the
        same without the fonts it was made with.
        """
        buffer = io.StringIO()
        with book_style():
            self._set_maths_labels_in_cjk()
            self.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        smallest = f' data-min-text-pt="{self.smallest_text_pt():g}"'
        return buffer.getvalue().replace("<svg ", "<svg" + smallest + " ", 1)

    def _set_maths_labels_in_cjk(self) -> None:
        """Set each text that holds both maths and CJK wholly in the CJK font.

        matplotlib sets the words around ``$...$`` in one font, without the
        fallback of ``font.family``: for "输入 $x$" that must be the CJK font
        (which holds Latin letters too). Other texts, and English figures,
        are left as they are.
        """
        if current_language() == "en":
            return
        family = [register_cjk_font(), *mpl.rcParams["font.family"]]
        for text in self.findobj(Text):
            content = text.get_text()
            if "$" in content and any(needs_cjk(c) for c in content):
                text.set_fontfamily(family)

    def smallest_text_pt(self) -> float:
        """Return the size in points of the smallest text the figure draws.

        Counts every visible, non-empty text: titles, labels, tick labels,
        legends and annotations. A figure without text gives ``inf``.
        """
        sizes = [
            text.get_fontsize()
            for text in self.findobj(Text)
            if text.get_visible() and text.get_text().strip()
        ]
        return float(min(sizes, default=float("inf")))

    def _repr_svg_(self) -> tuple[str, dict[str, int]]:
        width, height = self.get_size_inches() * 100
        return self.to_svg(), {"width": round(width), "height": round(height)}


def language_rc() -> dict[str, object]:
    """Return the settings the current language adds to :data:`RC`.

    English adds nothing. Chinese keeps the Latin text in the book's font and
    falls back, for Chinese characters, to the cut Noto Sans CJK SC of
    ``nnbasics.plotting.cjk_font`` (built or reused on first use).
    """
    if current_language() == "en":
        return {}
    family = register_cjk_font()
    latin = [name for name in mpl.rcParams["font.family"] if name != family]
    return {"font.family": [*latin, family]}


@contextmanager
def book_style() -> Iterator[None]:
    """Apply the book's matplotlib settings inside a ``with`` block.

    The settings are :data:`RC` plus those of the current language
    (:func:`language_rc`), so a Chinese figure finds its font.
    """
    with mpl.rc_context(RC | language_rc()):
        yield


def new_figure(
    width: float = MAX_WIDTH, height: float = 3.2, **subplots: object
) -> Figure:
    """Return a figure in the book's style (not attached to pyplot's state).

    Parameters
    ----------
    width, height : float
        Size in inches; at most :data:`MAX_WIDTH` wide, so that text of
        :data:`MIN_TEXT_PT` stays readable on a phone.
    **subplots
        Passed to :meth:`matplotlib.figure.Figure.subplots` (e.g. ``ncols=2``).

    Returns
    -------
    BookFigure
        With its axes created; it displays itself in Jupyter.
    """
    if not 0 < width <= MAX_WIDTH:
        raise ValueError(
            f"width must be between 0 and {MAX_WIDTH} inches (wider figures shrink "
            f"their text below {MIN_TEXT_PT:g} pt on a phone), got {width!r}: "
            "stack panels with nrows= instead of placing them side by side"
        )
    with book_style():
        figure = BookFigure(figsize=(width, height), layout="constrained")
        figure.subplots(**subplots)
    return figure

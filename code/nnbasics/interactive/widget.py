"""The parts every interactive figure shares: controls, frames, a plot panel.

A :class:`Widget` is precomputed: for every combination of its controls'
settings it holds one *frame*, the numbers ``nnbasics`` computed for that
setting, already turned into what the picture shows. Its HTML is a static
SVG picture of the first setting (what a reader without JavaScript sees),
a readout in words, a note that says only one setting is shown (where no
script adds controls: without JavaScript, or in Jupyter), and the frames as
a JSON attribute; the book's script ``book/_static/interactive.js`` removes
the note, adds the controls and, when one moves, copies the matching frame
into the picture. The script computes nothing.

A frame is a list: the readout first, then one value per *part*, a
``(element, attribute)`` pair of the picture (``"text"`` sets an element's
text). Frames are ordered by the controls' positions, the first control
varying slowest. A control made with ``steps=True`` does not pick a frame: it
walks through a frame that is itself a list of such lists (a game, guess by
guess), and its range is that list's length.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics.language import tr, translatable
from nnbasics.plotting.style import INK

__all__ = [
    "WIDTH",
    "TEXT_PX",
    "LIMIT_PX",
    "STATIC_NOTE",
    "escape",
    "number",
    "dot_marker",
    "Control",
    "Element",
    "Widget",
    "Panel",
]

WIDTH = 480
"""Width of every picture in SVG pixels (it scales down to the column)."""

TEXT_PX = 16
"""Text size in SVG pixels: 11 CSS px or more at 350 px wide on a phone."""

LIMIT_PX = 5000.0
"""Points of a run that leave the plot are clamped this far out (clipped)."""

STATIC_NOTE = translatable(
    "This picture shows one setting. On the book's web page, with "
    "JavaScript on, controls here let you try the others."
)
"""Said under the picture until the book's script replaces it with controls."""


def escape(text: str) -> str:
    """Escape ``text`` for SVG or HTML content."""
    return html.escape(str(text), quote=True)


def number(value: float, spec: str = "g") -> str:
    """Format a number with a true minus sign, for the picture and the readout."""
    text = format(float(value), spec)
    if float(text.replace("\u2212", "-")) == 0:
        text = text.removeprefix("-")
    return text.replace("-", "\u2212")


def dot_marker(name: str, colour: str, size: float = 7) -> str:
    """Return an SVG ``<marker>`` named ``name``: a dot at every point of a line."""
    return (
        f'<marker id="{name}" viewBox="0 0 8 8" refX="4" refY="4" '
        f'markerWidth="{size:g}" markerHeight="{size:g}">'
        f'<circle cx="4" cy="4" r="3" fill="{colour}"/></marker>'
    )


@dataclass(frozen=True)
class Control:
    """One control of a figure: a slider over ``values`` or a drop-down list.

    Parameters
    ----------
    name : str
        A short id, unique within the figure.
    label : str
        The visible label.
    values : sequence of str
        What each position means, as the reader sees it.
    initial : int
        The position shown first.
    kind : str
        ``"range"`` (a slider) or ``"select"`` (a list).
    steps : bool
        True for a control that steps through a frame's sequence.
    """

    name: str
    label: str
    values: tuple[str, ...]
    initial: int = 0
    kind: str = "range"
    steps: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(str(v) for v in self.values))
        if self.kind not in ("range", "select"):
            raise ValueError(f"kind must be 'range' or 'select', got {self.kind!r}")
        if not 0 <= self.initial < len(self.values):
            raise ValueError(
                f"initial must index values (0 to {len(self.values) - 1}), "
                f"got {self.initial}"
            )


@dataclass(frozen=True)
class Element:
    """An element of the picture whose attributes change from frame to frame.

    ``dynamic`` names the attributes the frames set, in order; ``static``
    holds the others, written once (e.g. ``'stroke="#000"'``).
    """

    name: str
    tag: str
    dynamic: tuple[str, ...]
    static: str = ""


@dataclass(frozen=True)
class Widget:
    """An interactive figure: its controls, its frames and its picture.

    Build it with :meth:`build`; in Jupyter and in the book it displays
    itself as HTML, in the PDF and the e-book as its static picture (SVG).
    """

    name: str
    title: str
    description: str
    controls: tuple[Control, ...]
    elements: tuple[Element, ...]
    frames: tuple
    layers: tuple[str | Element, ...]
    height: int
    click: dict | None = field(default=None)

    @classmethod
    def build(
        cls,
        name: str,
        *,
        title: str,
        description: str,
        controls: Sequence[Control],
        compute,
        layers: Sequence[str | Element],
        height: int,
        click: dict | None = None,
    ) -> Widget:
        """Compute every frame: ``compute(*positions)`` for each setting.

        ``positions`` are the indices of the controls that pick a frame (not
        the stepping one). ``compute`` returns one frame, or a list of frames
        when a control steps.
        """
        picking = [c for c in controls if not c.steps]
        frames = tuple(
            compute(*positions)
            for positions in product(*(range(len(c.values)) for c in picking))
        )
        elements = tuple(layer for layer in layers if isinstance(layer, Element))
        size = 1 + sum(len(e.dynamic) for e in elements)
        stepping = any(c.steps for c in controls)
        for frame in frames:
            for single in frame if stepping else [frame]:
                if len(single) != size:
                    raise ValueError(
                        f"a frame of {name} has {len(single)} values, expected "
                        f"{size}: the readout and one value per dynamic attribute"
                    )
        return cls(
            name, title, description, tuple(controls), elements, frames,
            tuple(layers), height, click,
        )  # fmt: skip

    def frame(self, positions: Sequence[int] | None = None) -> list:
        """Return the frame shown for ``positions`` (default: the initial ones)."""
        if positions is None:
            positions = [c.initial for c in self.controls]
        index, step = 0, None
        for control, position in zip(self.controls, positions, strict=True):
            if control.steps:
                step = position
            else:
                index = index * len(control.values) + position
        frame = self.frames[index]
        if step is not None:
            frame = frame[min(step, len(frame) - 1)]
        return frame

    def config(self) -> dict:
        """Return what the script needs: controls, parts, frames (and clicks)."""
        config = {
            "controls": [
                {
                    "name": c.name,
                    "label": c.label,
                    "values": list(c.values),
                    "initial": c.initial,
                    "kind": c.kind,
                    "steps": c.steps,
                }
                for c in self.controls
            ],
            "parts": [[e.name, a] for e in self.elements for a in e.dynamic],
            "frames": list(self.frames),
        }
        if self.click:
            config["click"] = self.click
        return config

    def svg(self) -> str:
        """Return the picture in its initial setting: the figure without script."""
        values = iter(self.frame()[1:])
        ids = f"nnb-{self.name}"
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
            f'{self.height}" width="{WIDTH}" height="{self.height}" role="img" '
            f'aria-labelledby="{ids}-title {ids}-desc" class="nnb-picture" '
            'style="display:block;width:100%;max-width:480px;height:auto" '
            f'font-family="sans-serif" font-size="{TEXT_PX}" fill="{INK}">',
            f'<title id="{ids}-title">{escape(self.title)}</title>',
            f'<desc id="{ids}-desc">{escape(self.description)}</desc>',
            f'<rect width="{WIDTH}" height="{self.height}" fill="white"/>',
        ]
        for layer in self.layers:
            if isinstance(layer, str):
                parts.append(layer)
                continue
            attributes, text = [], ""
            for attribute in layer.dynamic:
                value = next(values)
                if attribute == "text":
                    text = escape(value)
                else:
                    attributes.append(f'{attribute}="{escape(value)}"')
            parts.append(
                f'<{layer.tag} data-part="{layer.name}" {" ".join(attributes)} '
                f"{layer.static}>{text}</{layer.tag}>"
            )
        parts.append("</svg>")
        return "".join(parts)

    def to_html(self) -> str:
        """Return the figure's HTML: picture, readout, note and configuration."""
        config = json.dumps(self.config(), separators=(",", ":"), ensure_ascii=False)
        return (
            f'<div class="nnb-interactive" id="nnb-{self.name}" '
            f'data-config="{escape(config)}">'
            f'<div class="nnb-figure">{self.svg()}</div>'
            f'<p class="nnb-readout" aria-live="polite" aria-atomic="true">'
            f"{escape(self.frame()[0])}</p>"
            f'<p class="nnb-static-note">{escape(tr(STATIC_NOTE))}</p></div>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_svg_(self) -> str:
        # The static picture, for what runs no script: the PDF and the e-book
        # (Jupyter and the site prefer the HTML).
        return self.svg()


@dataclass(frozen=True)
class Panel:
    """A plot area of the picture, and the map from data to SVG pixels.

    Parameters
    ----------
    box : tuple of float
        Left, top, right and bottom edges in SVG pixels.
    x, y : tuple of float
        The data ranges shown along each axis.
    log_y : bool
        Whether the vertical axis is logarithmic.

    Examples
    --------
    >>> panel = Panel((60, 20, 460, 220), (0, 10), (0, 1))
    >>> panel.points([0, 5, 5.01, 10], [0, 0.5, 0.5, 1])
    '60,220 260,120 460,20'
    """

    box: tuple[float, float, float, float]
    x: tuple[float, float]
    y: tuple[float, float]
    log_y: bool = False

    def px(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """Return the SVG pixels of the points (x, y), shape (n, 2), clamped."""
        left, top, right, bottom = self.box
        x = np.atleast_1d(np.asarray(x, dtype=float))
        y = np.atleast_1d(np.asarray(y, dtype=float))
        y0, y1 = self.y
        if self.log_y:
            with np.errstate(divide="ignore"):
                y, y0, y1 = np.log10(y), np.log10(y0), np.log10(y1)
        px = left + (x - self.x[0]) / (self.x[1] - self.x[0]) * (right - left)
        py = bottom - (y - y0) / (y1 - y0) * (bottom - top)
        points = np.stack([px, py], axis=-1)
        return np.round(np.clip(points, -LIMIT_PX, LIMIT_PX), 1) + 0.0

    def points(self, x: ArrayLike, y: ArrayLike) -> str:
        """Return the points as an SVG ``points`` list, in whole pixels.

        A point that rounds to the same pixel as the one before it is left
        out: it would be drawn on top of it.
        """
        pixels = np.round(self.px(x, y)).astype(int)
        keep = np.ones(len(pixels), dtype=bool)
        keep[1:] = np.any(pixels[1:] != pixels[:-1], axis=1)
        return " ".join(f"{a},{b}" for a, b in pixels[keep])

    def clip(self, name: str) -> str:
        """Return a clip path named ``name`` that is the panel's area."""
        left, top, right, bottom = self.box
        return (
            f'<clipPath id="{name}"><rect x="{left:g}" y="{top:g}" '
            f'width="{right - left:g}" height="{bottom - top:g}"/></clipPath>'
        )

    def axes(
        self,
        xticks: Sequence[float],
        yticks: Sequence[float],
        xlabel: str,
        ylabel: str,
    ) -> str:
        """Return the frame, ticks and labels of the panel.

        The y label is written above the panel, so that it reads
        horizontally on a phone.
        """
        left, top, right, bottom = self.box
        parts = [
            f'<rect x="{left:g}" y="{top:g}" width="{right - left:g}" '
            f'height="{bottom - top:g}" fill="none" stroke="{INK}"/>'
        ]
        for value in xticks:
            x = self.px([value], [self.y[0]])[0, 0]
            parts.append(
                f'<path d="M{x:g},{bottom:g}v5" stroke="{INK}"/>'
                f'<text x="{x:g}" y="{bottom + 21:g}" text-anchor="middle">'
                f"{number(value)}</text>"
            )
        for value in yticks:
            y = self.px([self.x[0]], [value])[0, 1]
            parts.append(
                f'<path d="M{left - 5:g},{y:g}h5" stroke="{INK}"/>'
                f'<text x="{left - 8:g}" y="{y + 5:g}" text-anchor="end">'
                f"{number(value)}</text>"
            )
        parts.append(
            f'<text x="{(left + right) / 2:g}" y="{bottom + 42:g}" '
            f'text-anchor="middle">{escape(xlabel)}</text>'
        )
        parts.append(f'<text x="{left:g}" y="{top - 8:g}">{escape(ylabel)}</text>')
        return "".join(parts)

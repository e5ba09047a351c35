"""Gradient descent as a moving picture: a small, self-contained animated SVG.

:func:`descent_animation` draws the loss of a two-weight problem as contour
lines and lets a dot walk the path the weights took, one step of the
:class:`~nnbasics.History` after another, each step taking the same time.
The animation is written in SVG's own animation elements (``<animate>``), so
it plays in any browser without a kernel, JavaScript or network access, and
the file stays a few tens of kilobytes (no bitmap frames). The text is
deterministic: the same history gives the same bytes. Readers who ask their
system for reduced motion (``prefers-reduced-motion``) see the finished path
instead of the animation.

A page must show the SVG *inline* (:class:`InlineSVG`) for that to work: an
SVG in an ``<img>`` is a document of its own, which does not see the page's
reduced-motion setting in every browser, and keeps moving.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape

import numpy as np
from contourpy import ContourGenerator, contour_generator
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from nnbasics._validation import positive, positive_int
from nnbasics.language import tr
from nnbasics.plotting.style import BLUE, GREEN, INK, MUTED, ORANGE
from nnbasics.training import History, Problem

__all__ = [
    "WIDTH",
    "HEIGHT",
    "PLOT",
    "MAX_LEVELS",
    "HOLD_SECONDS",
    "TEXT_PX",
    "InlineSVG",
    "descent_animation",
]

WIDTH = 480
"""Width of the picture in SVG pixels (it scales down on narrow screens)."""

HEIGHT = 480
"""Height of the picture in SVG pixels."""

PLOT = (62.0, 82.0, WIDTH - 16.0, HEIGHT - 104.0)
"""The plot area: left, top, right, bottom edges in SVG pixels."""

MAX_LEVELS = 10
"""The most contour lines drawn (each level may be several lines)."""

HOLD_SECONDS = 2.0
"""How long the finished path stays on screen before the animation restarts."""

_CONTOUR_INK = "#9a9a9a"

_PixelMap = Callable[[NDArray[np.float64]], NDArray[np.float64]]

TEXT_PX = 16
"""Size of the smallest text in SVG pixels: 11 CSS px or more when the
picture is drawn 350 px wide on a phone."""

_STYLE = (
    ".nnb-route{stroke-opacity:.3}"
    "@media (prefers-reduced-motion:reduce){.nnb-motion{display:none}"
    ".nnb-route{stroke-opacity:1}}"
)


class InlineSVG:
    """Show an SVG inside the page rather than as an ``<img>`` file.

    Inline, the SVG's own ``@media (prefers-reduced-motion: reduce)`` rule
    sees the reader's setting, so :func:`descent_animation` stands still for
    readers who asked for less motion. An animated SVG comes in a
    ``<div class="nnb-animation">`` that carries the words of a pause
    button, in the current language: the book's script adds the button (moving
    pictures must be stoppable) and holds the picture still while it is out
    of view. Jupyter shows the HTML form; builds that cannot show HTML (PDF,
    e-book) take the SVG form.

    Parameters
    ----------
    svg : str
        A complete SVG document, such as :func:`descent_animation` returns.

    Examples
    --------
    >>> InlineSVG("<svg></svg>")._repr_html_()
    '<svg></svg>'
    >>> InlineSVG("<svg><animate/></svg>")._repr_html_()[:60]
    '<div class="nnb-animation" data-pause="Pause the animation" '
    """

    def __init__(self, svg: str) -> None:
        self.svg = svg

    def _repr_html_(self) -> str:
        if "<animate" not in self.svg:
            return self.svg
        pause, play = (
            escape(tr("Pause the animation")),
            escape(tr("Play the animation")),
        )
        return (
            f'<div class="nnb-animation" data-pause="{pause}" data-play="{play}">'
            f"{self.svg}</div>"
        )

    def _repr_svg_(self) -> str:
        return self.svg


def descent_animation(
    history: History,
    problem: Problem,
    *,
    tolerance: float | None = None,
    seconds: float = 8.0,
    max_points: int = 400,
    grid: int = 81,
    labels: tuple[str, str] = ("w₁", "w₂"),
    title: str | None = None,
) -> str:
    """Return an animated SVG of the weights' path over the loss's contours.

    Parameters
    ----------
    history : History
        A run of :func:`nnbasics.train` on a problem with exactly two
        parameters.
    problem : Problem
        The problem that was trained: its loss is evaluated on a grid around
        the path to draw the contour lines.
    tolerance : float, optional
        The goal's tolerance; its contour is drawn as a dashed line.
    seconds : float, default 8.0
        How long the walk from the first to the last step takes; every step
        gets the same share. The finished path then stays for
        :data:`HOLD_SECONDS` and the animation starts again.
    max_points : int, default 400
        Longer histories are thinned to this many evenly spaced steps (the
        first and the last are always kept), which keeps the file small.
    grid : int, default 81
        The loss is evaluated on a ``grid`` by ``grid`` mesh for the contours.
    labels : tuple of str, default ("w₁", "w₂")
        Names of the two parameters, for the axes.
    title : str, optional
        The heading drawn above the plot; default "Gradient descent on the
        loss surface", in the current language.

    Returns
    -------
    str
        The SVG document. Show it with ``IPython.display.SVG(text)``.

    Raises
    ------
    ValueError
        If the history does not have two parameters, or an option is out
        of range.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> from nnbasics import CurveFit, train
    >>> problem = CurveFit([1.0, 2.0], [2.21, 4.42])
    >>> run = train(problem, (1, 1), learning_rate=0.02)
    >>> svg = descent_animation(run, problem, tolerance=0.001)
    >>> ET.fromstring(svg).tag
    '{http://www.w3.org/2000/svg}svg'
    >>> svg == descent_animation(run, problem, tolerance=0.001)
    True
    """
    params = np.asarray(history.params, dtype=float)
    if params.ndim != 2 or params.shape[1] != 2:
        raise ValueError(
            "history must come from a problem with two parameters (one per "
            f"axis of the picture), got parameters of shape {params.shape[1:]}"
        )
    seconds = positive("seconds", seconds)
    max_points = positive_int("max_points", max_points)
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    grid = positive_int("grid", grid)
    if grid < 5:
        raise ValueError(f"grid must be at least 5 points per axis, got {grid}")
    if tolerance is not None:
        tolerance = positive("tolerance", tolerance)

    if title is None:
        title = tr("Gradient descent on the loss surface")
    shown = _shown_steps(len(params), max_points)
    box = _data_box(params)
    to_px = _pixel_map(box)
    route = to_px(params[shown])

    w1 = _grid_axis(box[0], box[1], params[-1, 0], grid)
    w2 = _grid_axis(box[2], box[3], params[-1, 1], grid)
    surface = np.array(
        [[problem.loss(problem.forward(np.array([a, b]))) for a in w1] for b in w2]
    )
    levels = _levels(surface, history.final_loss, tolerance)
    contours = contour_generator(w1, w2, surface)

    # Ids unique to this picture, so that two of them can share a page.
    description = _description(history, labels)
    key = hashlib.sha256(f"{title}{description}".encode()).hexdigest()[:8]
    ids = f"nnb-{key}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{ids}-title {ids}-desc" '
        'style="max-width:100%;height:auto" '
        f'font-family="sans-serif" font-size="{TEXT_PX}">',
        f'<title id="{ids}-title">{_escape(title)}</title>',
        f'<desc id="{ids}-desc">{_escape(description)}</desc>',
        f"<style>{_STYLE}</style>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{PLOT[0]:g}" y="24" font-size="{TEXT_PX + 2}" fill="{INK}">'
        f"{_escape(title)}</text>",
        f'<clipPath id="{ids}-plot"><rect x="{PLOT[0]:g}" y="{PLOT[1]:g}" '
        f'width="{PLOT[2] - PLOT[0]:g}" height="{PLOT[3] - PLOT[1]:g}"/></clipPath>',
        f'<g clip-path="url(#{ids}-plot)" fill="none">',
    ]
    for level in levels:
        parts += _contour(contours, level, to_px, f'stroke="{_CONTOUR_INK}"')
    if tolerance is not None:
        parts += _contour(
            contours,
            tolerance,
            to_px,
            f'class="nnb-goal" stroke="{GREEN}" stroke-width="2" '
            'stroke-dasharray="6 4"',
        )
    parts += _route_and_walker(route, seconds)
    parts.append("</g>")
    parts += _markers(route)
    parts += _axes(box, to_px, labels)
    parts += _legend(levels, tolerance)
    parts += _progress_bar(history, shown, seconds)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _shown_steps(count: int, max_points: int) -> NDArray[np.int64]:
    if count <= max_points:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, max_points)).astype(np.int64))


def _data_box(params: NDArray[np.float64]) -> tuple[float, float, float, float]:
    """Return a box around the path, padded, with the plot's aspect ratio.

    Equal scales on both axes keep right angles right: each step of gradient
    descent then crosses the contour lines at a right angle, as it should.
    """
    low, high = params.min(axis=0), params.max(axis=0)
    centre = (low + high) / 2
    # A path that barely moves still gets a box of a sensible size to show.
    floor = 0.1 * (1.0 + float(np.max(np.abs(centre))))
    span = max(float(np.max(high - low)), floor) * 1.35
    width, height = PLOT[2] - PLOT[0], PLOT[3] - PLOT[1]
    units_per_px = span / min(width, height)
    half_x, half_y = width * units_per_px / 2, height * units_per_px / 2
    return (
        float(centre[0] - half_x),
        float(centre[0] + half_x),
        float(centre[1] - half_y),
        float(centre[1] + half_y),
    )


def _grid_axis(low: float, high: float, end: float, count: int) -> NDArray[np.float64]:
    """Evenly spaced values, with extra ones near the path's end.

    Near a minimum the contour lines crowd together (the ones of section
    2.0.4 are long thin ellipses), so the grid is refined around the last
    step, where the goal's contour passes.
    """
    radius = 0.1 * (high - low)
    fine = np.linspace(end - radius, end + radius, count // 2)
    values = np.concatenate(
        [np.linspace(low, high, count), fine[(fine > low) & (fine < high)]]
    )
    return np.unique(values)


def _pixel_map(box: tuple[float, float, float, float]) -> _PixelMap:
    x0, x1, y0, y1 = box

    def to_px(points: NDArray[np.float64]) -> NDArray[np.float64]:
        points = np.asarray(points, dtype=float)
        px = PLOT[0] + (points[:, 0] - x0) / (x1 - x0) * (PLOT[2] - PLOT[0])
        py = PLOT[3] - (points[:, 1] - y0) / (y1 - y0) * (PLOT[3] - PLOT[1])
        return np.round(np.stack([px, py], axis=1), 1) + 0.0  # no "-0.0"

    return to_px


def _levels(
    surface: NDArray[np.float64], final_loss: float, tolerance: float | None
) -> list[float]:
    """Return contour levels 1, 3, 10, 30, ... times a power of ten.

    Only levels strictly inside the surface's range are kept, at most
    :data:`MAX_LEVELS` of them (the highest, which frame the path).
    """
    low = max(float(surface.min()), final_loss, 1e-12)
    high = float(surface.max())
    exponents = np.arange(np.floor(2 * np.log10(low)), np.ceil(2 * np.log10(high)) + 1)
    levels = [float(f"{v:.1g}") for v in (10 ** (exponents / 2)).round(12)]
    levels = [v for v in levels if low < v < high and v != tolerance]
    return sorted(set(levels))[-MAX_LEVELS:]


def _simplify(
    points: NDArray[np.float64], tolerance: float = 0.3
) -> NDArray[np.float64]:
    """Drop points that lie within ``tolerance`` pixels of the line (Douglas-Peucker).

    Contour lines come out of the grid with many nearly collinear points; a
    third of a pixel is invisible, and dropping them keeps the file small.
    """
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    pending = [(0, len(points) - 1)]
    while pending:
        first, last = pending.pop()
        if last - first < 2:
            continue
        chord = points[last] - points[first]
        offsets = points[first + 1 : last] - points[first]
        norm = float(np.hypot(*chord))
        if norm > 0:
            distances = (
                np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / norm
            )
        else:
            distances = np.hypot(offsets[:, 0], offsets[:, 1])
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance:
            middle = first + 1 + farthest
            keep[middle] = True
            pending += [(first, middle), (middle, last)]
    return points[keep]


def _contour(
    contours: ContourGenerator, level: float, to_px: _PixelMap, attributes: str
) -> list[str]:
    """Return the contour at ``level`` as one SVG path (or nothing if none)."""
    lines = [_simplify(to_px(line)) for line in contours.lines(level) if len(line) > 1]
    if not lines:
        return []
    return [f'<path d="{" ".join(_path_data(line) for line in lines)}" {attributes}/>']


def _path_data(points: NDArray[np.float64]) -> str:
    coords = " ".join(f"{x:g},{y:g}" for x, y in points)
    return f"M{coords}"


def _route_and_walker(route: NDArray[np.float64], seconds: float) -> list[str]:
    total = seconds + HOLD_SECONDS
    times = np.linspace(0.0, seconds / total, len(route))
    key_times = ";".join(f"{t:.5g}" for t in times) + ";1"
    segments = np.hypot(*np.diff(route, axis=0).T)
    walked = np.concatenate([[0.0], np.cumsum(segments)])
    length = float(np.ceil(walked[-1])) + 1.0
    offsets = ";".join(f"{length - v:.1f}" for v in walked) + ";0"
    xs = ";".join(f"{x:g}" for x in route[:, 0]) + f";{route[-1, 0]:g}"
    ys = ";".join(f"{y:g}" for y in route[:, 1]) + f";{route[-1, 1]:g}"
    timing = f'dur="{total:g}s" repeatCount="indefinite" keyTimes="{key_times}"'
    path = _path_data(route)
    end_x, end_y = route[-1]
    return [
        f'<path class="nnb-route" d="{path}" stroke="{BLUE}" stroke-width="2" '
        'stroke-linejoin="round"/>',
        f'<path class="nnb-motion" d="{path}" stroke="{BLUE}" stroke-width="2.5" '
        f'stroke-linejoin="round" stroke-dasharray="{length:g} {length:g}">'
        f'<animate attributeName="stroke-dashoffset" values="{offsets}" {timing}/>'
        "</path>",
        f'<circle class="nnb-motion" cx="{end_x:g}" cy="{end_y:g}" r="6" '
        f'fill="{ORANGE}" stroke="{INK}" stroke-width="1">'
        f'<animate attributeName="cx" values="{xs}" {timing}/>'
        f'<animate attributeName="cy" values="{ys}" {timing}/>'
        "</circle>",
    ]


def _markers(route: NDArray[np.float64]) -> list[str]:
    (start_x, start_y), (end_x, end_y) = route[0], route[-1]
    start_anchor = "start" if start_x < (PLOT[0] + PLOT[2]) / 2 else "end"
    start_dx = 9 if start_anchor == "start" else -9
    end_anchor = "start" if end_x < (PLOT[0] + PLOT[2]) / 2 else "end"
    end_dx = 9 if end_anchor == "start" else -9
    return [
        f'<circle cx="{start_x:g}" cy="{start_y:g}" r="5" fill="white" '
        f'stroke="{INK}" stroke-width="1.5"/>',
        f'<text x="{start_x + start_dx:g}" y="{start_y - 8:g}" '
        f'text-anchor="{start_anchor}" fill="{INK}">{_escape(tr("start"))}</text>',
        f'<path d="M{end_x - 5:g},{end_y - 5:g} {end_x + 5:g},{end_y + 5:g}'
        f'M{end_x - 5:g},{end_y + 5:g} {end_x + 5:g},{end_y - 5:g}" '
        f'stroke="{INK}" stroke-width="2"/>',
        f'<text x="{end_x + end_dx:g}" y="{end_y + 20:g}" '
        f'text-anchor="{end_anchor}" fill="{INK}">{_escape(tr("end"))}</text>',
    ]


def _axes(
    box: tuple[float, float, float, float], to_px: _PixelMap, labels: tuple[str, str]
) -> list[str]:
    left, top, right, bottom = PLOT
    parts = [
        f'<rect x="{left:g}" y="{top:g}" width="{right - left:g}" '
        f'height="{bottom - top:g}" fill="none" stroke="{INK}" stroke-width="1"/>'
    ]
    locator = MaxNLocator(nbins=5)
    for value in locator.tick_values(box[0], box[1]):
        if box[0] <= value <= box[1]:
            x = to_px(np.array([[value, box[2]]]))[0, 0]
            parts.append(
                f'<path d="M{x:g},{bottom:g} {x:g},{bottom + 5:g}" stroke="{INK}"/>'
                f'<text x="{x:g}" y="{bottom + 20:g}" text-anchor="middle" '
                f'fill="{INK}">{_tick(value)}</text>'
            )
    for value in locator.tick_values(box[2], box[3]):
        if box[2] <= value <= box[3]:
            y = to_px(np.array([[box[0], value]]))[0, 1]
            parts.append(
                f'<path d="M{left - 5:g},{y:g} {left:g},{y:g}" stroke="{INK}"/>'
                f'<text x="{left - 8:g}" y="{y + 4.5:g}" text-anchor="end" '
                f'fill="{INK}">{_tick(value)}</text>'
            )
    parts.append(
        f'<text x="{(left + right) / 2:g}" y="{bottom + 40:g}" text-anchor="middle" '
        f'fill="{INK}">{_escape(labels[0])}</text>'
    )
    parts.append(
        f'<text x="16" y="{(top + bottom) / 2:g}" text-anchor="middle" '
        f'fill="{INK}">{_escape(labels[1])}</text>'
    )
    return parts


def _legend(levels: list[float], tolerance: float | None) -> list[str]:
    text = tr("grey: equal loss")
    if levels:
        text = tr("grey: equal loss, {outer} (outer) to {inner} (inner)").format(
            outer=_tick(levels[-1]), inner=_tick(levels[0])
        )
    parts = [f'<text x="{PLOT[0]:g}" y="47" fill="{MUTED}">{_escape(text)}</text>']
    if tolerance is not None:
        goal = tr("green dashes: the goal, loss {tolerance}")
        goal = goal.format(tolerance=_tick(tolerance))
        parts.append(
            f'<text x="{PLOT[0]:g}" y="68" fill="{GREEN}">{_escape(goal)}</text>'
        )
    return parts


def _progress_bar(
    history: History, shown: NDArray[np.int64], seconds: float
) -> list[str]:
    left, right = PLOT[0], PLOT[2]
    y = HEIGHT - 30
    total = seconds + HOLD_SECONDS
    last = int(history.steps[shown[-1]])
    first_text = tr("step {step}").format(step=0)
    last_text = tr("step {step}, loss {loss:.2g}").format(
        step=last, loss=history.final_loss
    )
    return [
        f'<text x="{left:g}" y="{y - 8:g}" fill="{MUTED}">{_escape(first_text)}</text>',
        f'<text x="{right:g}" y="{y - 8:g}" text-anchor="end" '
        f'fill="{MUTED}">{_escape(last_text)}</text>',
        f'<rect x="{left:g}" y="{y:g}" width="{right - left:g}" height="6" '
        'fill="#e6e6e6"/>',
        f'<rect class="nnb-motion" x="{left:g}" y="{y:g}" width="{right - left:g}" '
        f'height="6" fill="{ORANGE}"><animate attributeName="width" '
        f'values="0;{right - left:g};{right - left:g}" '
        f'keyTimes="0;{seconds / total:.5g};1" dur="{total:g}s" '
        'repeatCount="indefinite"/></rect>',
    ]


def _description(history: History, labels: tuple[str, str]) -> str:
    start, end = history.params[0], history.final_params
    return tr(
        "Gradient descent moves ({w1}, {w2}) from ({start_1:.3g}, {start_2:.3g}) "
        "to ({end_1:.3g}, {end_2:.3g}) in {steps} steps; the loss falls from "
        "{first_loss:.3g} to {final_loss:.3g}."
    ).format(
        w1=labels[0],
        w2=labels[1],
        start_1=start[0],
        start_2=start[1],
        end_1=end[0],
        end_2=end[1],
        steps=len(history) - 1,
        first_loss=history.losses[0],
        final_loss=history.final_loss,
    )


def _tick(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")  # a real minus sign


def _escape(text: str) -> str:
    return escape(text, quote=False)  # element text: quotes need no escaping

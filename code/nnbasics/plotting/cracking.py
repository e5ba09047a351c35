"""Figures of "Cracking the black box": the loss valley and the copied curve."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive
from nnbasics.examples.cracking import Samples
from nnbasics.forward import forward
from nnbasics.language import tr
from nnbasics.plotting.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    RED,
    book_style,
    new_figure,
)

__all__ = ["loss_contours", "fit_inside_and_outside"]


def loss_contours(
    w1: ArrayLike,
    w2: ArrayLike,
    surface: ArrayLike,
    *,
    path: ArrayLike | None = None,
    best: ArrayLike | None = None,
    tolerance: float | None = None,
    detail: tuple[ArrayLike, ArrayLike, ArrayLike] | None = None,
) -> Figure:
    """Draw the loss over the (w1, w2) plane as contours, with a descent path.

    Contour levels are spaced evenly on a log scale (two per power of ten),
    so the deep, flat floor of the valley shows as clearly as its steep walls.

    Parameters
    ----------
    w1, w2 : array_like
        The 1-D grids the surface was computed on.
    surface : array_like
        The loss, shape ``(len(w2), len(w1))``, e.g. from
        :func:`nnbasics.examples.cracking.loss_surface`; every value > 0.
    path : array_like, optional
        Weights visited by training, shape (steps, 2); drawn as a line with
        its start and end marked.
    best : array_like, optional
        The weights of lowest loss, marked with a star.
    tolerance : float, optional
        Draw the contour where the loss equals this value (the goal), dashed.
    detail : tuple of (w1, w2, surface), optional
        A finer grid over a small region, drawn as a second panel under the
        first (with the same colours, path and marks) and outlined in it.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the shapes do not match, a surface has values <= 0, or
        ``tolerance`` is not positive.

    Examples
    --------
    >>> from nnbasics.examples.cracking import loss_surface
    >>> w1, w2 = np.linspace(0.5, 2.5, 30), np.linspace(-0.5, 1.2, 20)
    >>> surface = loss_surface(w1, w2) + 1e-9
    >>> figure = loss_contours(w1, w2, surface, path=[[1, 1], [2, 0.1]])
    >>> figure.axes[0].get_xlabel()
    '$w_1$ (weight of $x$)'
    """
    grid = _grid("", w1, w2, surface)
    zoom = None if detail is None else _grid("detail ", *detail)
    if tolerance is not None:
        tolerance = positive("tolerance", tolerance)
    if path is not None:
        path = as_data("path", path, ndim=2)
        if path.shape[1] != 2:
            raise ValueError(
                f"path must hold one (w1, w2) pair per row, got shape {path.shape}"
            )
    if best is not None:
        best = as_data("best", best, ndim=1)
        if best.shape != (2,):
            raise ValueError(f"best must be one pair (w1, w2), got {best.size} values")

    rows = 1 if zoom is None else 2
    figure = new_figure(
        4.8, 4.6 if zoom is None else 8.2, nrows=rows, squeeze=False,
        height_ratios=[1.2, 1.0][:rows],
    )  # fmt: skip
    panels = figure.axes
    axes = panels[0]
    with book_style():
        exponent = np.log10(grid[2])
        steps = np.arange(np.floor(exponent.min()), np.ceil(exponent.max()) + 0.25, 0.5)
        filled = _draw(axes, grid, steps, path, best, tolerance)
        if zoom is not None:
            detail_axes = panels[1]
            _draw(detail_axes, zoom, steps, path, best, tolerance)
            (w1_low, w1_high), (w2_low, w2_high) = zoom[0][[0, -1]], zoom[1][[0, -1]]
            axes.add_patch(Rectangle((w1_low, w2_low), w1_high - w1_low,
                                     w2_high - w2_low, fill=False, edgecolor=INK,
                                     linewidth=1.2))  # fmt: skip
            detail_axes.set_title(tr("the bottom of the valley, magnified"), loc="left")
            detail_axes.xaxis.set_major_locator(MaxNLocator(4))
            detail_axes.yaxis.set_major_locator(MaxNLocator(4))
        colorbar = figure.colorbar(filled, ax=panels, shrink=0.8)
        colorbar.set_label(tr("mean squared error (log scale)"))
        powers = np.arange(steps[0], steps[-1] + 0.5, 1.0)
        colorbar.set_ticks(powers, labels=[f"$10^{{{p:.0f}}}$" for p in powers])
        for panel in panels:
            if path is not None:
                start = tr("start {point}").format(point=_point(path[0]))
                panel.plot(*path[0], "o", color=INK, markersize=7, label=start)
                stop = tr("stop {point}").format(point=_point(path[-1]))
                panel.plot(*path[-1], "s", color=RED, markersize=8,
                           markerfacecolor="none", markeredgewidth=2,
                           label=stop)  # fmt: skip
            if best is not None:
                lowest = tr("lowest loss {point}").format(point=_point(best))
                panel.plot(*best, "*", color=GREEN, markersize=15,
                           markeredgecolor="white", label=lowest)  # fmt: skip
            panel.set_xlabel(tr("$w_1$ (weight of $x$)"))
            panel.set_ylabel(tr("$w_2$ (weight of $x^2$)"))
        if tolerance is not None:
            goal = tr("loss = {tolerance:g}").format(tolerance=tolerance)
            axes.plot([], [], color=INK, linewidth=1.5, linestyle="--",
                      label=goal)  # fmt: skip
        figure.legend(*axes.get_legend_handles_labels(), loc="outside lower center",
                      ncols=2)  # fmt: skip
    return figure


_Grid = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def _grid(prefix: str, w1: ArrayLike, w2: ArrayLike, surface: ArrayLike) -> _Grid:
    """Check one (w1, w2, surface) grid and return it as arrays."""
    w1 = as_data(f"{prefix}w1", w1, ndim=1)
    w2 = as_data(f"{prefix}w2", w2, ndim=1)
    surface = as_data(f"{prefix}surface", surface, ndim=2)
    if surface.shape != (w2.size, w1.size):
        raise ValueError(
            f"{prefix}surface must have shape (len(w2), len(w1)) = "
            f"{(w2.size, w1.size)}, got {surface.shape}: compute it with "
            "loss_surface(w1, w2)"
        )
    if np.any(surface <= 0):
        raise ValueError(
            f"{prefix}surface has values <= 0, which a log scale cannot show: add a "
            "tiny offset (e.g. surface + 1e-9) or leave out the exact minimum"
        )
    return w1, w2, surface


def _draw(
    axes: Axes,
    grid: _Grid,
    levels: NDArray[np.float64],
    path: NDArray[np.float64] | None,
    best: NDArray[np.float64] | None,
    tolerance: float | None,
) -> QuadContourSet:
    """Draw filled log-contours, the goal's contour and the path on ``axes``."""
    w1, w2, surface = grid
    exponent = np.log10(surface)
    style = {"vmin": levels[0], "vmax": levels[-1], "cmap": "Blues_r"}
    # The shaded bands are drawn as an image inside the SVG (at savefig.dpi):
    # as vector paths, a fine grid's bands weigh hundreds of kilobytes and are
    # slow to paint. The contour lines, the path and the text stay vector.
    filled = axes.contourf(w1, w2, exponent, levels=levels, extend="both",
                           rasterized=True, **style)  # fmt: skip
    axes.contour(w1, w2, exponent, levels=levels, colors="white", linewidths=0.5,
                 negative_linestyles="solid")  # fmt: skip
    if tolerance is not None:
        axes.contour(w1, w2, surface, levels=[tolerance], colors=INK,
                     linewidths=1.5, linestyles="--")  # fmt: skip
    if path is not None:
        axes.plot(path[:, 0], path[:, 1], color=ORANGE, linewidth=1.6, marker="o",
                  markersize=2.5, label=tr("gradient descent"))  # fmt: skip
    axes.set_xlim(w1[0], w1[-1])
    axes.set_ylim(w2[0], w2[-1])
    axes.grid(False)
    return filled


def fit_inside_and_outside(
    samples: Samples,
    weights: ArrayLike,
    *,
    line_slope: float,
    x_max: float = 10.0,
) -> Figure:
    """Compare the fitted curve with the samples' line, near the samples and far away.

    Top: the samples, the fitted curve z = w1·x + w2·x² and the line
    y = ``line_slope``·x over the range the samples cover. Bottom: the same
    two curves from 0 to ``x_max``, with the sampled range shaded.

    Parameters
    ----------
    samples : Samples
        The recorded inputs and outputs.
    weights : array_like
        The trained weights (w1, w2).
    line_slope : float
        The slope c of the line y = c·x the samples lie on.
    x_max : float, default 10.0
        How far the right-hand panel reaches; must exceed every input.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``x_max`` does not exceed the largest input.

    Examples
    --------
    >>> from nnbasics.examples.cracking import TABLE_2_1
    >>> figure = fit_inside_and_outside(TABLE_2_1, (2.13, 0.05), line_slope=2.21)
    >>> [axes.get_title() for axes in figure.axes]
    ['where the samples are', 'beyond the samples']
    """
    line_slope = float(as_data("line_slope", line_slope, ndim=0))
    x_max = positive("x_max", x_max)
    low, high = float(samples.x.min()), float(samples.x.max())
    if x_max <= high:
        raise ValueError(
            f"x_max must exceed the largest input {high:g} to show what lies "
            f"beyond the samples, got {x_max:g}"
        )
    margin = 0.1 * (high - low) if high > low else 0.5
    near = np.linspace(low - margin, high + margin, 200)
    far = np.linspace(0.0, x_max, 200)

    figure = new_figure(4.8, 6.8, nrows=2)
    with book_style():
        for axes, x, title in zip(
            figure.axes,
            (near, far),
            (tr("where the samples are"), tr("beyond the samples")),
            strict=True,
        ):
            if x is far:
                axes.axvspan(low, high, color=MUTED, alpha=0.15, linewidth=0,
                             label=tr("sampled range"))  # fmt: skip
            axes.plot(x, line_slope * x, color=BLUE, linestyle="--",
                      label=f"$y = {line_slope:g}\\,x$")  # fmt: skip
            axes.plot(x, forward(weights, x), color=ORANGE, label=tr("trained model"))
            axes.plot(samples.x, samples.y, "o", color=INK, markersize=5,
                      label=tr("samples"), zorder=3)  # fmt: skip
            axes.set_title(title)
            axes.set_xlabel(tr("input $x$"))
            axes.set_ylabel(tr("output"))
        figure.axes[1].legend(loc="upper left")
    return figure


def _point(weights: ArrayLike) -> str:
    """Format (w1, w2) to three digits, with rounding noise such as -5e-16 as 0."""
    return "(" + ", ".join(f"{round(float(w), 6) + 0.0:.3g}" for w in weights) + ")"

"""Figures of the black box (section 2.0.2): the box, its probes, the step size.

:func:`black_box_diagram` redraws Figure 2-1 of the original (input → box →
output). :func:`probe_plot` shows where a search fed the box and the slope it
measured there; the hidden curve is drawn only when the box is passed in,
which the chapter does after opening it. :func:`outputs_by_step` compares
searches run with different learning rates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from nnbasics.examples.black_box import BlackBox, SearchTable
from nnbasics.language import tr
from nnbasics.plotting.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PURPLE,
    RED,
    SKY,
    book_style,
    new_figure,
)

__all__ = [
    "LINE_COLOURS",
    "black_box_diagram",
    "probe_plot",
    "outputs_by_step",
]

LINE_COLOURS = (BLUE, GREEN, PURPLE, RED, SKY)
"""Colours of the searches in :func:`outputs_by_step` (orange marks the target)."""


def black_box_diagram(
    example: tuple[float, float] | None = None, target: float | None = None
) -> Figure:
    """Draw the black box: an input goes in, an output comes out, nothing shows.

    Parameters
    ----------
    example : tuple of float, optional
        An (input, output) pair to write on the arrows, e.g. ``(1, 2.334)``.
    target : float, optional
        The output the box asks for, written under the box.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> figure = black_box_diagram(example=(1.0, 2.334), target=4.0)
    >>> sorted(t.get_text() for t in figure.axes[0].texts)[:3]
    ['1', '2.334', '?']
    """
    if example is not None:
        if len(example) != 2:
            raise ValueError(
                "example must be an (input, output) pair, e.g. (1, 2.334), "
                f"got {len(example)} value(s)"
            )
        example = (float(example[0]), float(example[1]))
    figure = new_figure(4.8, 2.0)
    axes = figure.axes[0]
    with book_style():
        axes.set_xlim(0, 10)
        axes.set_ylim(0, 4)
        axes.set_aspect("equal")
        axes.axis("off")
        box = FancyBboxPatch(
            (3.6, 0.9),
            2.8,
            2.2,
            boxstyle="round,pad=0.05,rounding_size=0.15",
            facecolor=INK,
            edgecolor=INK,
        )
        axes.add_patch(box)
        axes.text(5.0, 2.0, "?", color="white", fontsize=34, ha="center", va="center")
        for start, end in (((0.6, 2.0), (3.5, 2.0)), ((6.5, 2.0), (9.4, 2.0))):
            arrow = FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=22,
                linewidth=2.2,
                color=BLUE,
            )
            axes.add_patch(arrow)
        axes.text(2.05, 1.6, tr("input"), ha="center", va="top", color=INK)
        axes.text(7.95, 1.6, tr("output"), ha="center", va="top", color=INK)
        if example is not None:
            for x, value in ((2.05, example[0]), (7.95, example[1])):
                axes.text(
                    x,
                    2.35,
                    f"{value:g}",
                    ha="center",
                    va="bottom",
                    fontsize=14,
                    color=BLUE,
                    fontweight="bold",
                )
        if target is not None:
            axes.text(
                5.0,
                0.55,
                tr("wanted: output {target:g}").format(target=float(target)),
                ha="center",
                va="top",
                color=ORANGE,
                fontweight="bold",
            )
    return figure


def probe_plot(table: SearchTable, revealed: BlackBox | None = None) -> Figure:
    """Plot where the search fed the box, what came out and the slope measured.

    Each step is a point (input, output) with a short line of the measured
    slope through it: that line is all the probes tell about the box near the
    point. The target output is a dashed line.

    Parameters
    ----------
    table : SearchTable
        The iterations of the search.
    revealed : BlackBox, optional
        Pass the box once it has been opened to draw its hidden curve
        faintly behind the probes.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnbasics import train
    >>> from nnbasics.examples.black_box import InputSearch, goal_within
    >>> search = InputSearch(BlackBox())
    >>> run = train(search, [1.0], learning_rate=0.05, goal=goal_within())
    >>> table = SearchTable.from_history(search, run)
    >>> hidden = len(probe_plot(table).axes[0].lines)
    >>> revealed = len(probe_plot(table, revealed=BlackBox()).axes[0].lines)
    >>> revealed - hidden
    1
    """
    if not isinstance(table, SearchTable):
        raise TypeError(
            "table must be a SearchTable (SearchTable.from_history(search, history)), "
            f"got {type(table).__name__}"
        )
    if revealed is not None and not isinstance(revealed, BlackBox):
        raise TypeError(f"revealed must be a BlackBox, got {type(revealed).__name__}")
    figure = new_figure(4.8, 5.0)
    axes = figure.axes[0]
    low, high = float(table.inputs.min()), float(table.inputs.max())
    margin = max(0.15 * (high - low), 0.1)
    half_width = 0.35 * margin
    with book_style():
        if revealed is not None:
            x = np.linspace(low - margin, high + margin, 200)
            axes.plot(
                x,
                revealed(x),
                color=MUTED,
                linewidth=1.5,
                alpha=0.6,
                zorder=1,
                label=tr("hidden curve, revealed"),
            )
        axes.axhline(
            table.target,
            color=ORANGE,
            linestyle="--",
            linewidth=1.4,
            label=tr("wanted output {target:g}").format(target=table.target),
        )
        axes.vlines(
            table.inputs,
            table.outputs,
            table.target,
            color=PURPLE,
            linestyle=":",
            linewidth=1.6,
            label=tr("error: output − {target:g}").format(target=table.target),
        )
        for k in range(len(table)):
            x0, y0, slope = table.inputs[k], table.outputs[k], table.slopes[k]
            ends = np.array([x0 - half_width, x0 + half_width])
            axes.plot(
                ends,
                y0 + slope * (ends - x0),
                color=RED,
                linewidth=2.2,
                zorder=2,
                label=tr("measured slope") if k == 0 else None,
            )
        axes.plot(
            table.inputs,
            table.outputs,
            linestyle="none",
            marker="o",
            markersize=7,
            color=BLUE,
            zorder=3,
            label=tr("input fed, output read"),
        )
        for group in _clusters(table.inputs, 0.04 * (high - low + 2 * margin)):
            label = ", ".join(str(int(table.steps[k])) for k in group)
            k = group[0]
            axes.annotate(
                tr("step {step}").format(step=label) if k == 0 else label,
                (table.inputs[k], table.outputs[k]),
                xytext=(-8, 8),
                textcoords="offset points",
                ha="right",
                va="bottom",
                color=INK,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
        axes.set_xlim(low - margin, high + margin)
        axes.set_xlabel(tr("input $x$"))
        axes.set_ylabel(tr("output $f(x)$"))
        figure.legend(loc="outside lower center", ncols=2)
    return figure


def outputs_by_step(tables: Sequence[SearchTable]) -> Figure:
    """Plot the box's output at every step, one panel per search.

    Parameters
    ----------
    tables : sequence of SearchTable
        Searches to compare, e.g. the same search with different learning
        rates; each panel is titled with its learning rate.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnbasics import train
    >>> from nnbasics.examples.black_box import InputSearch, goal_within
    >>> search = InputSearch(BlackBox())
    >>> runs = [train(search, [1.0], learning_rate=r) for r in (0.05, 0.08)]
    >>> len(outputs_by_step([SearchTable.from_history(search, h) for h in runs]).axes)
    2
    """
    tables = list(tables)
    if not tables or not all(isinstance(t, SearchTable) for t in tables):
        raise TypeError(
            "tables must be a non-empty sequence of SearchTable "
            "(SearchTable.from_history(search, history))"
        )
    figure = new_figure(
        4.8, 1.3 + 1.6 * len(tables), nrows=len(tables), sharex=True, sharey=True
    )
    last_step = max(int(t.steps[-1]) for t in tables)
    with book_style():
        for k, (axes, table) in enumerate(zip(figure.axes, tables, strict=True)):
            colour = LINE_COLOURS[k % len(LINE_COLOURS)]
            axes.axhline(table.target, color=ORANGE, linestyle="--", linewidth=1.2)
            axes.plot(
                table.steps, table.outputs, color=colour, marker="o", markersize=4
            )
            verdict = (
                tr("reached the goal in {steps} steps")
                if table.converged
                else tr("not there after {steps} steps")
            ).format(steps=int(table.steps[-1]))
            axes.set_title(
                tr("learning rate {rate:g}: {verdict}").format(
                    rate=table.learning_rate, verdict=verdict
                ),
                loc="left",
                fontsize=11,
            )
            axes.set_ylabel(tr("output"))
            axes.set_xlim(-0.5, last_step + 0.5)
        figure.axes[-1].set_xlabel(tr("step"))
        figure.axes[-1].xaxis.set_major_locator(
            MaxNLocator(integer=True, steps=[1, 2, 5, 10])
        )
    return figure


def _clusters(values: np.ndarray, gap: float) -> list[list[int]]:
    """Group consecutive indices whose values lie within ``gap`` of the group's."""
    groups: list[list[int]] = []
    for k, value in enumerate(values):
        if groups and abs(value - values[groups[-1][0]]) < gap:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups

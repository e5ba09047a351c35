"""Figures of the training loop: its diagram, and how the loss falls step by step."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from nnbasics.language import tr, tr_label, translatable
from nnbasics.plotting.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PALETTE,
    book_style,
    new_figure,
)
from nnbasics.training import History

__all__ = ["loss_curve", "loss_curves", "training_cycle"]


def loss_curve(history: History, tolerance: float | None = None) -> Figure:
    """Plot the loss at every step on a log scale.

    Parameters
    ----------
    history : History
        The result of :func:`nnbasics.train`.
    tolerance : float, optional
        Draw the goal's tolerance as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnbasics import CurveFit, train
    >>> run = train(CurveFit([1.0, 2.0], [2.21, 4.42]), (1, 1), learning_rate=0.02)
    >>> loss_curve(run, tolerance=0.001).axes[0].get_yscale()
    'log'
    """
    figure = new_figure(4.8, 3.2)
    axes = figure.axes[0]
    with book_style():
        axes.plot(history.steps, history.losses, color=BLUE, label=tr("loss"))
        if tolerance is not None:
            axes.axhline(
                tolerance,
                color=MUTED,
                linestyle="--",
                linewidth=1.2,
                label=tr("goal: loss < {tolerance:g}").format(tolerance=tolerance),
            )
        axes.set_yscale("log")
        axes.set_xlabel(tr("step"))
        axes.set_ylabel(tr("loss (log scale)"))
        axes.legend()
    return figure


def loss_curves(
    histories: Mapping[str, History], tolerance: float | None = None
) -> Figure:
    """Plot several runs' losses, one panel per run stacked top to bottom, log scale.

    Parameters
    ----------
    histories : mapping of str to History
        The runs to compare, by the name each panel is titled with (shown
        translated where the catalogue knows it: :func:`~nnbasics.language.tr_label`).
    tolerance : float, optional
        Draw the goal's tolerance in every panel as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``histories`` is empty.

    Examples
    --------
    >>> from nnbasics import CurveFit, train
    >>> problem = CurveFit([1.0, 2.0], [2.21, 4.42])
    >>> runs = {
    ...     "slow": train(problem, (1, 1), learning_rate=0.01),
    ...     "fast": train(problem, (1, 1), learning_rate=0.02),
    ... }
    >>> [axes.get_title() for axes in loss_curves(runs).axes]
    ['slow', 'fast']
    """
    if len(histories) == 0:
        raise ValueError(
            "histories is empty: pass at least one run, e.g. {'run': history}"
        )
    figure = new_figure(4.8, 2.6 * len(histories), nrows=len(histories), sharey=True)
    with book_style():
        for axes, (name, history), colour in zip(
            figure.axes, histories.items(), PALETTE, strict=False
        ):
            axes.plot(
                history.steps,
                history.losses,
                color=colour,
                marker=".",
                markersize=4 if len(history) < 40 else 0,
            )
            if tolerance is not None:
                axes.axhline(tolerance, color=MUTED, linestyle="--", linewidth=1.2)
                axes.annotate(
                    tr("goal: {tolerance:g}").format(tolerance=tolerance),
                    (0.0, tolerance),
                    xycoords=("axes fraction", "data"),
                    xytext=(4, 4),
                    textcoords="offset points",
                    ha="left",
                    va="bottom",
                    color=MUTED,
                    fontsize=11,
                )
            axes.set_yscale("log")
            axes.set_title(tr_label(name))
            axes.set_xlabel(tr("step"))
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
            axes.set_ylabel(tr("loss (log scale)"))
    return figure


def training_cycle() -> Figure:
    """Draw the training loop as a diagram: six boxes, the three ideas coloured.

    Initialization enters the loop once; then forward computation, the loss,
    backpropagation and gradient descent go round until the goal is met.
    The arrows carry what each stage hands to the next, which is how the
    three ideas depend on one another.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> texts = training_cycle().axes[0].texts
    >>> [text.get_text() for text in texts if text.get_weight() == "bold"][:3]
    ['initialization', 'the goal', 'forward computation']
    """
    figure = new_figure(4.8, 4.4)
    axes = figure.axes[0]
    # fmt: off
    boxes = {  # name: (centre x, centre y, subtitle, edge colour, is one of the three)
        translatable("initialization"):
            (2.1, 6.0, tr("a first guess\nat the weights"), MUTED, False),
        translatable("the goal"):
            (7.9, 6.0, tr("is the loss small\nenough? then stop"), MUTED, False),
        translatable("forward computation"):
            (2.1, 3.5, tr("from the weights\nto a prediction a"), MUTED, False),
        translatable("loss function"):
            (7.9, 3.5, tr("how far is a from\nthe truth y?"), ORANGE, True),
        translatable("gradient descent"):
            (2.1, 1.0, tr("step every weight\ndownhill"), BLUE, True),
        translatable("backpropagation"):
            (7.9, 1.0, tr("each weight's share\nof the miss"), GREEN, True),
    }
    # fmt: on
    width, height = 4.0, 1.7

    def box(x: float, y: float, **style: object) -> None:
        corner = (x - width / 2, y - height / 2)
        shape = "round,pad=0,rounding_size=0.2"
        axes.add_patch(FancyBboxPatch(corner, width, height, boxstyle=shape, **style))

    with book_style():
        axes.set_xlim(0, 10)
        axes.set_ylim(0, 7)
        axes.set_axis_off()
        for name, (x, y, subtitle, colour, central) in boxes.items():
            # a tinted fill, then the outline at full strength on top
            fill, tint, line = (colour, 0.14, 2.2) if central else ("white", 1, 1.2)
            box(x, y, facecolor=fill, alpha=tint, edgecolor="none")
            box(x, y, facecolor="none", edgecolor=colour, linewidth=line)
            axes.text(
                x,
                y + 0.42,
                tr(name),
                ha="center",
                va="center",
                fontsize=11,
                fontweight="bold",
                color=INK,
            )
            axes.text(
                x,
                y - 0.22,
                subtitle,
                ha="center",
                va="center",
                fontsize=11,
                color=INK,
                linespacing=1.3,
            )
        arrows = [  # from, to, label, where the label goes
            ("initialization", "forward computation", "", "right"),
            ("forward computation", "loss function", "a", "above"),
            ("loss function", "the goal", tr("loss value"), "right"),
            (
                "loss function",
                "backpropagation",
                tr("not yet: the slope\nof the loss at a"),
                "left",
            ),
            ("backpropagation", "gradient descent", tr("gradient"), "above"),
            ("gradient descent", "forward computation", tr("new weights"), "right"),
        ]
        for start, end, label, side in arrows:
            (x0, y0), (x1, y1) = boxes[start][:2], boxes[end][:2]
            if x0 == x1:  # vertical: from edge to edge
                sign = 1 if y1 > y0 else -1
                tail, head = (x0, y0 + sign * height / 2), (x1, y1 - sign * height / 2)
            else:
                sign = 1 if x1 > x0 else -1
                tail, head = (x0 + sign * width / 2, y0), (x1 - sign * width / 2, y1)
            axes.add_patch(
                FancyArrowPatch(
                    tail,
                    head,
                    arrowstyle="-|>",
                    mutation_scale=16,
                    color=INK,
                    linewidth=1.4,
                    shrinkA=2,
                    shrinkB=2,
                )
            )
            if label:
                mid_x, mid_y = (tail[0] + head[0]) / 2, (tail[1] + head[1]) / 2
                if side == "above":
                    axes.text(
                        mid_x,
                        mid_y + 0.15,
                        label,
                        ha="center",
                        va="bottom",
                        fontsize=11,
                        color=MUTED,
                    )
                else:
                    shift, align = (
                        (0.15, "left") if side == "right" else (-0.2, "right")
                    )
                    axes.text(
                        mid_x + shift,
                        mid_y,
                        label,
                        ha=align,
                        va="center",
                        fontsize=11,
                        color=MUTED,
                    )
    return figure

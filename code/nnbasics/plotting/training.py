"""Figures of a training run: how the loss falls, step by step."""

from __future__ import annotations

from matplotlib.figure import Figure

from nnbasics.plotting.style import BLUE, MUTED, book_style, new_figure
from nnbasics.training import History


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
    figure = new_figure(6.4, 3.6)
    axes = figure.axes[0]
    with book_style():
        axes.plot(history.steps, history.losses, color=BLUE, label="loss")
        if tolerance is not None:
            axes.axhline(tolerance, color=MUTED, linestyle="--", linewidth=1.2,
                         label=f"goal: loss < {tolerance:g}")
        axes.set_yscale("log")
        axes.set_xlabel("step")
        axes.set_ylabel("loss (log scale)")
        axes.legend()
    return figure

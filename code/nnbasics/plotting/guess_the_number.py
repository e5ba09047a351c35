"""Figures of the guessing game: what each reply rules out, and what it costs."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from nnbasics.examples.guess_the_number import (
    HIGH,
    LOW,
    Comparison,
    Game,
    still_possible,
)
from nnbasics.language import tr
from nnbasics.plotting.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PALETTE,
    RED,
    book_style,
    new_figure,
)

__all__ = ["EXCLUDED", "narrowing", "guesses_per_secret"]

EXCLUDED = "#e6e6e6"
"""The fill of a number that the replies have ruled out."""


def narrowing(game: Game, *, low: int = LOW, high: int = HIGH) -> Figure:
    """Draw the numbers still possible before the game and after every reply.

    Each row is a strip of the numbers low..high: coloured cells are still
    possible, grey ones are ruled out. The guess of each round is ringed and
    B's secret is marked by a dashed line.

    Parameters
    ----------
    game : Game
        A game from :func:`~nnbasics.examples.guess_the_number.play` or
        :func:`~nnbasics.examples.guess_the_number.replay`.
    low, high : int, default 1 and 50
        The range B chose from.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnbasics.examples.guess_the_number import replay
    >>> figure = narrowing(replay((5, 50, 30), secret=47))
    >>> len(figure.axes[0].texts)
    4
    """
    numbers = np.arange(low, high + 1)
    rows = len(game.moves) + 1
    figure = new_figure(4.8, 0.85 * rows + 1.0)
    axes = figure.axes[0]
    with book_style():
        for row in range(rows):
            possible = still_possible(game.moves[:row], low=low, high=high)
            inside = np.isin(numbers, possible)
            axes.bar(
                numbers,
                0.5,
                bottom=row - 0.25,
                width=0.9,
                color=np.where(inside, BLUE, EXCLUDED),
                linewidth=0,
            )
            if row == 0:
                label = tr("before any guess: {count} possible").format(
                    count=possible.size
                )
            else:
                guess, reply = game.moves[row - 1]
                label = tr("guess {guess}, “{reply}”: {count} possible").format(
                    guess=guess, reply=reply.text, count=possible.size
                )
                axes.plot(
                    guess,
                    row,
                    marker="o",
                    markersize=9,
                    markerfacecolor="none",
                    markeredgecolor=ORANGE,
                    markeredgewidth=2.2,
                    linestyle="none",
                )
            axes.text(
                low - 0.45,
                row - 0.32,
                label,
                fontsize=11,
                color=INK,
                va="bottom",
                ha="left",
                zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
        axes.axvline(
            game.secret,
            color=RED,
            linestyle="--",
            linewidth=1.2,
            zorder=3,
            label=tr("B's secret ({secret})").format(secret=game.secret),
        )
        axes.set_ylim(rows - 0.5, -0.85)
        axes.set_xlim(low - 0.6, high + 0.6)
        axes.set_yticks([])
        axes.grid(False)
        axes.spines["left"].set_visible(False)
        axes.set_xlabel(tr("the numbers B may have chosen"))
        axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.1)
    return figure


def guesses_per_secret(comparison: Comparison) -> Figure:
    """Bar charts of the guesses each secret needs, one panel per strategy.

    A dashed line marks each strategy's mean over all secrets; the panel
    title gives its worst case and mean.

    Parameters
    ----------
    comparison : Comparison
        From :func:`~nnbasics.examples.guess_the_number.compare_strategies`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnbasics.examples.guess_the_number import compare_strategies
    >>> figure = guesses_per_secret(compare_strategies())
    >>> len(figure.axes)
    3
    """
    results = comparison.results
    figure = new_figure(
        4.8,
        1.9 * len(results) + 0.9,
        nrows=len(results),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    colours = (RED, ORANGE, GREEN, *PALETTE)
    with book_style():
        for axes, result, colour in zip(figure.axes, results, colours, strict=False):
            axes.bar(result.secrets, result.guesses, width=0.8, color=colour)
            mean_line = axes.axhline(
                result.mean, color=INK, linestyle="--", linewidth=1.2
            )
            axes.set_title(
                tr("{name}: worst {worst}, mean {mean:.2f}").format(
                    name=result.label, worst=result.worst, mean=result.mean
                ),
                loc="left",
                fontsize=11,
            )
            axes.set_ylabel(tr("guesses"))
        figure.legend(
            [mean_line], [tr("mean over all secrets")], loc="outside upper right"
        )
        top = max(result.worst for result in results)
        figure.axes[0].set_ylim(0, top + 0.6)
        figure.axes[0].set_yticks(np.arange(0, top + 1, 2 if top > 6 else 1))
        figure.axes[-1].set_xlabel(
            tr("B's secret (first guess {guess})").format(guess=comparison.first_guess)
        )
        figure.axes[-1].set_xlim(comparison.low - 0.8, comparison.high + 0.8)
        for axes in figure.axes:
            axes.grid(axis="x", visible=False)
            axes.tick_params(axis="y", colors=MUTED)
    return figure

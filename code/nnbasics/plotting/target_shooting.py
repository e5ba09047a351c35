"""Figures of target shooting: the record, simulated sessions, bursts, spread."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullLocator

from nnbasics.examples.target_shooting import (
    RINGS,
    BurstComparison,
    Session,
    Shot,
    Target,
    predicted_spread,
)
from nnbasics.language import tr
from nnbasics.plotting.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PALETTE,
    PURPLE,
    RED,
    SKY,
    YELLOW,
    book_style,
    new_figure,
)

__all__ = [
    "BURST_COLOURS",
    "draw_target",
    "shot_record",
    "single_shots",
    "bursts",
    "spread_by_burst",
]

RING_FILLS = ("#f4f4f4", "white")
BURST_COLOURS = (BLUE, ORANGE, PURPLE, SKY, GREEN, MUTED)
"""Colours of successive bursts: no red, which marks the misses."""


def _plain_log_ticks(axes: Axes, subs: tuple[float, ...]) -> None:
    """Label a log-scaled y axis with plain numbers (0.5, 1, 2) at ``subs``."""
    axes.yaxis.set_major_locator(LogLocator(subs=subs))
    axes.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    axes.yaxis.set_minor_locator(NullLocator())


def draw_target(axes: Axes, target: Target) -> None:
    """Draw the ten rings of ``target`` on ``axes``, scores written on the right.

    Parameters
    ----------
    axes : matplotlib.axes.Axes
        Where to draw; its aspect is set to equal and its grid turned off.
    target : Target
        Sets the ring width.

    Examples
    --------
    >>> from nnbasics.plotting.style import new_figure
    >>> figure = new_figure()
    >>> draw_target(figure.axes[0], Target(2.0))
    >>> len(figure.axes[0].patches)
    10
    """
    with book_style():
        for ring in range(1, RINGS + 1):
            _, outer = target.band(ring)
            fill = YELLOW if ring == RINGS else RING_FILLS[ring % 2]
            axes.add_patch(
                Circle((0, 0), outer, facecolor=fill, edgecolor=MUTED, linewidth=0.7,
                       alpha=0.55 if ring == RINGS else 1.0, zorder=0)
            )  # fmt: skip
            if ring < RINGS:
                middle = outer - 0.5 * target.ring_width
                axes.text(middle, 0, str(ring), ha="center", va="center", fontsize=11,
                          color=MUTED, zorder=1)  # fmt: skip
        limit = 1.05 * target.radius
        axes.set_xlim(-limit, limit)
        axes.set_ylim(-limit, limit)
        axes.set_aspect("equal")
        axes.grid(False)
        axes.set_xlabel("x (cm)")
        axes.set_ylabel("y (cm)")


def _number(axes: Axes, point: np.ndarray, text: str) -> None:
    """Write ``text`` just outside ``point``, on the side away from the centre."""
    distance = float(np.hypot(*point))
    outward = point / distance if distance > 0 else np.array([0.7, 0.7])
    axes.annotate(text, point, xytext=tuple(10 * outward), textcoords="offset points",
                  ha="center", va="center", fontsize=11, fontweight="bold", color=INK,
                  zorder=5)  # fmt: skip


def _arrow(axes: Axes, start: np.ndarray, end: np.ndarray, color: str) -> None:
    axes.annotate("", xy=end, xytext=start, zorder=3,
                  arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.6,
                              "shrinkA": 4, "shrinkB": 4})  # fmt: skip


def shot_record(shots: Sequence[Shot], target: Target) -> Figure:
    """Figure 2-2: the five-shot record with its errors and corrections.

    Each hit is numbered in firing order; a red line joins it to the centre
    (the length of its error, the gap) and a green arrow leads to the next hit
    (the correction the shooter made after reading it, if the rifle itself
    behaved the same on both shots).

    Parameters
    ----------
    shots : sequence of Shot
        The record, e.g. :data:`~nnbasics.examples.target_shooting.FIVE_SHOTS`.
    target : Target
        Where the shots are placed.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnbasics.examples.target_shooting import FIVE_SHOTS
    >>> shot_record(FIVE_SHOTS, Target()).axes[0].get_aspect()
    1.0
    """
    hits = target.place(shots)
    figure = new_figure(4.8, 5.6)
    axes = figure.axes[0]
    with book_style():
        draw_target(axes, target)
        for number, hit in enumerate(hits, 1):
            axes.plot([hit[0], 0], [hit[1], 0], color=RED, linewidth=1.4, zorder=2)
            _number(axes, hit, str(number))
        for start, end in itertools.pairwise(hits):
            _arrow(axes, start, end, GREEN)
        axes.plot(hits[:, 0], hits[:, 1], "o", color=BLUE, markersize=6,
                  markeredgecolor="white", zorder=4)  # fmt: skip
        figure.legend(
            handles=[
                Line2D([], [], marker="o", linestyle="", color=BLUE,
                       label=tr("hit, in order")),
                Line2D([], [], color=RED, label=tr("error: centre to hit")),
                Line2D([], [], color=GREEN, marker=">", label=tr("correction")),
            ],
            loc="outside lower center", ncols=2, frameon=False,
        )  # fmt: skip
        axes.set_title(tr("Five single shots (Figure 2-2)"))
    return figure


def single_shots(session: Session, target: Target, numbered: int = 5) -> Figure:
    """Draw a simulated session of single shots: the hits, and the gap of each.

    Parameters
    ----------
    session : Session
        A session with one shot per round (``burst=1``).
    target : Target
        The target to draw.
    numbered : int, default 5
        Write the firing order next to the first ``numbered`` hits (later
        ones crowd the bullseye).

    Returns
    -------
    matplotlib.figure.Figure
        Top: the hits on the target, joined in firing order. Bottom: each
        shot's gap from the centre.

    Examples
    --------
    >>> from nnbasics.examples.target_shooting import Rifle, shoot
    >>> figure = single_shots(shoot(Rifle(), rounds=6, seed=2), Target())
    >>> len(figure.axes)
    2
    """
    if session.burst != 1:
        raise ValueError(
            f"session must be of single shots (burst 1), got bursts of "
            f"{session.burst}: draw it with bursts() instead"
        )
    hits = session.hits[:, 0]
    figure = new_figure(4.8, 8.4, nrows=2, height_ratios=(1.6, 1.0))
    on_target, gap_axes = figure.axes
    shots = np.arange(1, session.rounds + 1)
    with book_style():
        draw_target(on_target, target)
        on_target.plot(hits[:, 0], hits[:, 1], color=MUTED, linewidth=0.8, zorder=2)
        on_target.plot(hits[:, 0], hits[:, 1], "o", color=BLUE, markersize=5,
                       markeredgecolor="white", zorder=4)  # fmt: skip
        for number, hit in zip(shots[:numbered], hits[:numbered], strict=True):
            _number(on_target, hit, str(number))
        on_target.set_title(
            tr("{rounds} single shots (seed {seed})").format(
                rounds=session.rounds, seed=session.seed
            )
        )
        gap_axes.plot(
            shots, session.mean_gaps, "o-", color=BLUE, label=tr("gap of the shot")
        )
        gap_axes.axhline(target.ring_width, color=MUTED, linestyle="--", linewidth=1.2,
                         label=tr("edge of the bullseye"))  # fmt: skip
        gap_axes.set_xlabel(tr("shot"))
        gap_axes.set_ylabel(tr("gap from the centre (cm)"))
        gap_axes.set_ylim(bottom=0)
        gap_axes.set_xticks(shots)
        gap_axes.legend()
        gap_axes.set_title(tr("The error of each shot"))
    return figure


def bursts(session: Session, target: Target, rounds: int = 5) -> Figure:
    """Figure 2-3: bursts of shots, each burst in its own colour.

    Parameters
    ----------
    session : Session
        A session with several shots per round.
    target : Target
        The target to draw.
    rounds : int, default 5
        How many of the session's first rounds to show (at most six).

    Returns
    -------
    matplotlib.figure.Figure
        Every hit of each shown round, a cross at the burst's mean and a red
        line from that mean to the centre: the mean miss the correction uses.

    Examples
    --------
    >>> from nnbasics.examples.target_shooting import Rifle, shoot
    >>> figure = bursts(shoot(Rifle(), rounds=5, burst=3, seed=3), Target())
    >>> figure.axes[0].get_title()
    'Bursts of 3 shots (seed 3)'
    """
    if not 1 <= rounds <= min(session.rounds, len(BURST_COLOURS)):
        raise ValueError(
            f"rounds must be between 1 and {min(session.rounds, len(BURST_COLOURS))} "
            f"for this session, got {rounds}"
        )
    figure = new_figure(4.8, 6.0)
    axes = figure.axes[0]
    handles = []
    with book_style():
        draw_target(axes, target)
        for r in range(rounds):
            color = BURST_COLOURS[r]
            hits = session.hits[r]
            mean = hits.mean(axis=0)
            axes.plot([mean[0], 0], [mean[1], 0], color=RED, linewidth=1.2, zorder=2)
            axes.plot(hits[:, 0], hits[:, 1], "o", color=color, markersize=6,
                      markeredgecolor="white", zorder=4)  # fmt: skip
            axes.plot(*mean, "X", color=color, markersize=9, markeredgecolor=INK,
                      markeredgewidth=0.6, zorder=4)  # fmt: skip
            name = tr("round {round}").format(round=r + 1)
            handles.append(Line2D([], [], marker="o", linestyle="", color=color,
                                  label=name))  # fmt: skip
        handles += [
            Line2D(
                [], [], marker="X", linestyle="", color=MUTED, label=tr("burst mean")
            ),
            Line2D([], [], color=RED, label=tr("mean miss")),
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=3)
        axes.set_title(
            tr("Bursts of {burst} shots (seed {seed})").format(
                burst=session.burst, seed=session.seed
            )
        )
    return figure


def spread_by_burst(comparison: BurstComparison, spread: float) -> Figure:
    """How the burst size damps the noise of the aim.

    Parameters
    ----------
    comparison : BurstComparison
        The result of
        :func:`~nnbasics.examples.target_shooting.compare_bursts`.
    spread : float
        The rifle's spread, for the predicted values.

    Returns
    -------
    matplotlib.figure.Figure
        Top: how far the aim is off after each round (root mean square over
        the runs), one line per burst size. Bottom: the spread of the final aim
        against the burst size on log-log axes, with the predicted 1/√burst.

    Examples
    --------
    >>> from nnbasics.examples.target_shooting import Rifle, compare_bursts
    >>> study = compare_bursts(Rifle(), (1, 4), rounds=10, seeds=range(50))
    >>> spread_by_burst(study, 1.5).axes[1].get_xscale()
    'log'
    """
    figure = new_figure(4.8, 7.0, nrows=2)
    by_round, by_burst = figure.axes
    rounds = np.arange(comparison.rounds + 1)
    with book_style():
        for index, burst in enumerate(comparison.bursts):
            color = PALETTE[index % len(PALETTE)]
            by_round.plot(rounds, comparison.rms_miss[index], color=color,
                          label=tr("burst of {burst}").format(burst=burst))  # fmt: skip
        by_round.set_yscale("log")
        _plain_log_ticks(by_round, (1.0, 2.0, 5.0))
        by_round.xaxis.set_major_locator(MaxNLocator(integer=True))
        by_round.set_xlabel(tr("round"))
        by_round.set_ylabel(tr("aim off by (cm, RMS over runs)"))
        by_round.legend()
        by_round.set_title(tr("{runs} runs each").format(runs=comparison.seeds.size))

        sizes = np.geomspace(comparison.bursts.min(), comparison.bursts.max(), 50)
        single = predicted_spread(
            spread, 1, comparison.learning_rate, comparison.rounds
        )
        predicted = single / np.sqrt(sizes)
        by_burst.plot(sizes, predicted, color=MUTED, linestyle="--",
                      label=tr("predicted, ∝ 1/√burst"))  # fmt: skip
        by_burst.plot(comparison.bursts, comparison.final_spread, "o", color=BLUE,
                      markersize=7, label=tr("measured"))  # fmt: skip
        by_burst.set_xscale("log")
        by_burst.set_yscale("log")
        by_burst.set_xticks(comparison.bursts, [str(b) for b in comparison.bursts])
        by_burst.xaxis.set_minor_locator(NullLocator())
        _plain_log_ticks(by_burst, (1.0, 2.0, 4.0, 6.0))
        by_burst.set_xlabel(tr("burst size"))
        by_burst.set_ylabel(
            tr("spread after {rounds} rounds (cm)").format(rounds=comparison.rounds)
        )
        by_burst.legend()
        by_burst.set_title(tr("Spread of the final aim"))
    return figure

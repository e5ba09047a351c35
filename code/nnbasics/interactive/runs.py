"""Runs of :func:`nnbasics.train` that end in a picture even when they diverge.

:func:`nnbasics.train` raises :class:`~nnbasics.DivergenceError` when the
loss blows up, and keeps no record. A figure must still show how the run got
there, so :func:`run_or_diverge` gives back the longest run ``train`` will
finish without raising, and says whether a longer one diverged.
"""

from __future__ import annotations

from dataclasses import replace

from numpy.typing import ArrayLike

from nnbasics.goal import Goal
from nnbasics.training import DivergenceError, History, Problem, train

__all__ = ["run_or_diverge"]


def run_or_diverge(
    problem: Problem, initial: ArrayLike, learning_rate: float, goal: Goal
) -> tuple[History, bool]:
    """Return ``train``'s run and whether it diverged before ``goal.max_steps``.

    If the whole run diverges, the run returned is the longest one that
    ``train`` finishes with a smaller step budget.

    Examples
    --------
    >>> from nnbasics import CurveFit
    >>> fit = CurveFit([1.0, 2.0], [2.21, 4.42])
    >>> run, diverged = run_or_diverge(fit, (1, 1), 0.5, Goal(max_steps=30))
    >>> diverged, len(run) < 31
    (True, True)
    """
    for steps in range(goal.max_steps, 0, -1):
        try:
            history = train(
                problem,
                initial,
                learning_rate=learning_rate,
                goal=replace(goal, max_steps=steps),
            )
        except DivergenceError:
            continue
        return history, steps < goal.max_steps
    raise DivergenceError(
        f"even one step of learning rate {learning_rate:g} diverges: "
        "choose a smaller one"
    )

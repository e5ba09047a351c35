"""The goal: the rule that says when the model is good enough to stop training.

Training stops when the loss falls below a tolerance (section 2.0.5 suggests
0.001) or when a budget of steps is spent, whichever comes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnbasics._validation import positive, positive_int

__all__ = ["Goal"]


@dataclass(frozen=True)
class Goal:
    """A stopping rule: a loss tolerance and a budget of descent steps.

    Parameters
    ----------
    tolerance : float
        Training has reached its goal once the loss is strictly below this.
    max_steps : int
        The most descent steps the loop may take before it gives up.

    Examples
    --------
    >>> goal = Goal(tolerance=0.001, max_steps=500)
    >>> goal.reached(0.0004), goal.reached(0.02)
    (True, False)
    """

    tolerance: float = 1e-3
    max_steps: int = 10_000

    def __post_init__(self) -> None:
        positive("tolerance", self.tolerance)
        positive_int("max_steps", self.max_steps)

    def reached(self, loss: float) -> bool:
        """Return whether ``loss`` is below the tolerance."""
        return bool(loss < self.tolerance)

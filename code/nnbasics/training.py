"""The training loop of section 2.0.5, the same for every example.

:func:`train` runs the six lenses of the book in the order the code needs
them: 1. the goal (a :class:`~nnbasics.Goal`, checked after every loss),
2. initialization, 3. forward computation, 4. loss, 5. backpropagation,
6. gradient descent, then back to 3 until the goal is reached. What changes
from one example to the next is only the *problem*: what the forward pass
computes, how the loss is measured and how its gradient is found. A problem
is any object with the three methods of :class:`Problem`; :class:`CurveFit`
is the one of section 2.0.4 (fit a model to recorded samples).

``train(problem, initial, *, learning_rate, goal=None)`` takes

``problem`` (:class:`Problem`)
    Supplies the forward pass, the loss and its gradient.
``initial`` (array_like)
    The initialization: the first guess at the parameters (never modified).
``learning_rate`` (float)
    The step size of every descent step, a positive number.
``goal`` (:class:`~nnbasics.Goal`, optional)
    Tolerance and step budget; default ``Goal()`` (loss < 0.001, at most
    10 000 steps).

It returns a :class:`History` of every step's parameters, loss and
gradient, whose ``converged`` is False when the budget ran out first. It
raises :class:`DivergenceError` if the loss becomes NaN or infinite, or
grows :data:`DIVERGENCE_FACTOR`-fold: the learning rate is too large for
the problem. Bad settings raise :class:`TypeError` or :class:`ValueError`
naming the argument.

Examples
--------
>>> history = train(CurveFit([1.0, 2.0], [2.21, 4.42]), (1, 1), learning_rate=0.02)
>>> history.converged, history.final_loss < 0.001
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import paired_samples, positive
from nnbasics.backprop import backprop
from nnbasics.descent import descent_step
from nnbasics.forward import QUADRATIC, PolynomialModel, forward
from nnbasics.goal import Goal
from nnbasics.initialization import from_experience
from nnbasics.loss import MEAN_SQUARED_ERROR, Loss

__all__ = [
    "DIVERGENCE_FACTOR",
    "DivergenceError",
    "Problem",
    "CurveFit",
    "History",
    "train",
]

DIVERGENCE_FACTOR = 1e6
"""Training is declared divergent once the loss exceeds this many times its start."""


class DivergenceError(RuntimeError):
    """Raised when the loss blows up instead of shrinking."""


class Problem(Protocol):
    """What the training loop needs to know about an example."""

    def forward(self, params: NDArray[np.float64]) -> NDArray[np.float64]:
        """Compute the prediction(s) for the current parameters."""
        ...

    def loss(self, prediction: NDArray[np.float64]) -> float:
        """Measure how far the prediction is from the goal, as one number."""
        ...

    def backward(
        self, params: NDArray[np.float64], prediction: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Return d(loss)/d(params) at ``params``."""
        ...


@dataclass(frozen=True)
class CurveFit:
    """Fit a model's weights to recorded samples (x, y).

    Parameters
    ----------
    x, y : array_like
        The recorded inputs and outputs, one pair per sample.
    model : PolynomialModel, default QUADRATIC
        The guessed form of the hidden function.
    loss : Loss, default MEAN_SQUARED_ERROR
        How a batch of predictions is scored against ``y``.

    Examples
    --------
    >>> problem = CurveFit([1.0, 2.0], [2.21, 4.42])
    >>> problem.loss(problem.forward(np.array([2.21, 0.0])))
    0.0
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    model: PolynomialModel = QUADRATIC
    loss_function: Loss = MEAN_SQUARED_ERROR

    def __post_init__(self) -> None:
        x, y = paired_samples(self.x, self.y)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def forward(self, params: NDArray[np.float64]) -> NDArray[np.float64]:
        """Predict every sample's output with weights ``params``."""
        return forward(params, self.x, self.model)

    def loss(self, prediction: NDArray[np.float64]) -> float:
        """Score the predictions against the recorded outputs."""
        return self.loss_function.value(prediction, self.y)

    def backward(
        self, params: NDArray[np.float64], prediction: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Backpropagate the loss to the weights."""
        return backprop(
            params,
            self.x,
            prediction,
            self.y,
            model=self.model,
            loss=self.loss_function,
        ).weights


@dataclass(frozen=True)
class History:
    """Everything the loop saw, one row per step (step 0 is the initial guess).

    Attributes
    ----------
    steps : numpy.ndarray
        0, 1, 2, ...
    params : numpy.ndarray
        The parameters at each step, shape (steps, number of parameters).
    losses : numpy.ndarray
        The loss at each step's parameters.
    gradients : numpy.ndarray
        The gradient at each step's parameters.
    converged : bool
        Whether the last loss reached the goal's tolerance.
    learning_rate : float
        The step size used.
    """

    steps: NDArray[np.int64]
    params: NDArray[np.float64]
    losses: NDArray[np.float64]
    gradients: NDArray[np.float64]
    converged: bool
    learning_rate: float

    def __len__(self) -> int:
        return int(self.steps.size)

    @classmethod
    def from_rows(
        cls,
        rows: list[tuple[NDArray[np.float64], float, NDArray[np.float64]]],
        *,
        converged: bool,
        learning_rate: float,
    ) -> History:
        """Build the record from (params, loss, gradient) rows, one per step."""
        params, losses, gradients = zip(*rows, strict=True)
        return cls(
            steps=np.arange(len(rows)),
            params=np.array(params),
            losses=np.array(losses),
            gradients=np.array(gradients, dtype=float),
            converged=converged,
            learning_rate=learning_rate,
        )

    @property
    def final_params(self) -> NDArray[np.float64]:
        """The parameters the loop stopped at."""
        return self.params[-1]

    @property
    def final_loss(self) -> float:
        """The loss at :attr:`final_params`."""
        return float(self.losses[-1])


def train(
    problem: Problem,
    initial: ArrayLike,
    *,
    learning_rate: float,
    goal: Goal | None = None,
) -> History:
    """Run gradient descent on ``problem`` until ``goal`` is reached."""
    goal, learning_rate = _check_settings(goal, learning_rate)  # 1. the goal
    params = from_experience(initial)  # 2. initialization
    rows = []  # the record: (params, loss, gradient) at every step
    for step in range(goal.max_steps + 1):
        prediction = problem.forward(params)  # 3. forward computation
        loss = float(problem.loss(prediction))  # 4. loss
        _stop_if_diverging(loss, rows, step, learning_rate)
        gradient = problem.backward(params, prediction)  # 5. backpropagation
        rows.append((params, loss, gradient))
        if goal.reached(loss) or step == goal.max_steps:  # 1. good enough? stop
            break
        params = descent_step(params, gradient, learning_rate)  # 6. gradient descent
    return History.from_rows(
        rows, converged=goal.reached(loss), learning_rate=learning_rate
    )


def _check_settings(goal: Goal | None, learning_rate: float) -> tuple[Goal, float]:
    """Return the goal (``Goal()`` if None) and the learning rate, checked."""
    if goal is not None and not isinstance(goal, Goal):
        raise TypeError(f"goal must be an nnbasics.Goal, got {type(goal).__name__}")
    return Goal() if goal is None else goal, positive("learning_rate", learning_rate)


def _stop_if_diverging(loss: float, rows: list, step: int, rate: float) -> None:
    """Raise DivergenceError if the loss is not finite or has grown a million-fold."""
    first = rows[0][1] if rows else loss
    if not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * max(first, 1e-12):
        raise DivergenceError(
            f"training diverged at step {step}: the loss went from {first:.4g} "
            f"to {loss:.4g}. The learning rate {rate:g} is too large for this "
            f"problem; try a smaller one, e.g. {rate / 10:g}."
        )

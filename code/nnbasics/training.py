"""The training loop of section 2.0.5, the same for every example.

1. initialize, 2. forward, 3. loss, 4. backpropagation, 5. gradient descent,
6. repeat until the goal is reached. What changes from one example to the
next is only the *problem*: what the forward pass computes, how the loss is
measured and how its gradient is found. A problem is any object with the
three methods of :class:`Problem`; :class:`CurveFit` is the one of section
2.0.4 (fit a model to recorded samples).
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
    """Run gradient descent on ``problem`` until ``goal`` is reached.

    Parameters
    ----------
    problem : Problem
        Supplies the forward pass, the loss and its gradient.
    initial : array_like
        The initialization: the first guess at the parameters.
    learning_rate : float
        The step size of every descent step.
    goal : Goal, optional
        Tolerance and step budget; default ``Goal()`` (loss < 0.001,
        at most 10 000 steps).

    Returns
    -------
    History
        Every step's parameters, loss and gradient. ``converged`` is False
        when the budget ran out first.

    Raises
    ------
    DivergenceError
        If the loss becomes NaN or infinite, or grows a million-fold: the
        learning rate is too large for this problem.

    Examples
    --------
    >>> history = train(CurveFit([1.0, 2.0], [2.21, 4.42]), (1, 1), learning_rate=0.02)
    >>> history.converged, history.final_loss < 0.001
    (True, True)
    """
    learning_rate = positive("learning_rate", learning_rate)
    goal = Goal() if goal is None else goal
    params = from_experience(initial)  # 1. initialize
    rows: list[tuple[NDArray, float, NDArray]] = []
    for step in range(goal.max_steps + 1):
        prediction = problem.forward(params)  # 2. forward computation
        loss = float(problem.loss(prediction))  # 3. loss
        _stop_if_diverging(loss, rows[0][1] if rows else loss, step, learning_rate)
        gradient = np.asarray(problem.backward(params, prediction), dtype=float)  # 4.
        rows.append((params, loss, gradient))
        if goal.reached(loss) or step == goal.max_steps:  # 6. good enough?
            break
        params = descent_step(params, gradient, learning_rate)  # 5. gradient descent
    return History(
        steps=np.arange(len(rows)),
        params=np.array([row[0] for row in rows]),
        losses=np.array([row[1] for row in rows]),
        gradients=np.array([row[2] for row in rows]),
        converged=goal.reached(rows[-1][1]),
        learning_rate=learning_rate,
    )


def _stop_if_diverging(loss: float, first_loss: float, step: int, rate: float) -> None:
    if not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * max(first_loss, 1e-12):
        raise DivergenceError(
            f"training diverged at step {step}: the loss went from {first_loss:.4g} "
            f"to {loss:.4g}. The learning rate {rate:g} is too large for this "
            f"problem; try a smaller one, e.g. {rate / 10:g}."
        )

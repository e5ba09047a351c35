"""Gradient descent: step the weights against the gradient.

The gradient points to where the loss grows fastest; a small step the other
way lowers it. The learning rate η sets the size of that step.

:func:`descent_step` takes

``weights`` (array_like)
    The current weights.
``gradient`` (array_like)
    dL/dw at the current weights, one value per weight.
``learning_rate`` (float)
    The step size η, a positive number.

and returns the new weights w − η·∇L as a new array (its inputs are left
unchanged). Bad input raises :class:`TypeError` or :class:`ValueError`
naming the argument and the fix.

Examples
--------
A positive slope means "lower the weight", a negative one "raise it":

>>> descent_step([1.0, 1.0], [0.5, -0.2], learning_rate=0.1)
array([0.95, 1.02])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive, same_length

__all__ = ["descent_step"]


def descent_step(
    weights: ArrayLike, gradient: ArrayLike, learning_rate: float
) -> NDArray[np.float64]:
    """Return the weights moved one step against the gradient: w − η·∇L."""
    weights, gradient, learning_rate = _check_step(weights, gradient, learning_rate)
    return weights - learning_rate * gradient


def _check_step(
    weights: ArrayLike, gradient: ArrayLike, learning_rate: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Return the arguments of :func:`descent_step` as checked arrays and a float."""
    weights = as_data("weights", weights, ndim=1)
    gradient = as_data("gradient", gradient, ndim=1)
    same_length("weights", weights, "gradient", gradient)
    return weights, gradient, positive("learning_rate", learning_rate)

"""Gradient descent: step the weights against the gradient.

The gradient points to where the loss grows fastest; a small step the other
way lowers it. The learning rate sets the size of that step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive, same_length


def descent_step(
    weights: ArrayLike, gradient: ArrayLike, learning_rate: float
) -> NDArray[np.float64]:
    """Return the weights moved one step against the gradient: w − η·∇L.

    Parameters
    ----------
    weights : array_like
        Current weights.
    gradient : array_like
        dL/dw at the current weights.
    learning_rate : float
        Step size η, a positive number.

    Returns
    -------
    numpy.ndarray
        New weights (the inputs are left unchanged).

    Examples
    --------
    A positive slope means "lower the weight", a negative one "raise it":

    >>> descent_step([1.0, 1.0], [0.5, -0.2], learning_rate=0.1)
    array([0.95, 1.02])
    """
    weights = as_data("weights", weights, ndim=1)
    gradient = as_data("gradient", gradient, ndim=1)
    same_length("weights", weights, "gradient", gradient)
    learning_rate = positive("learning_rate", learning_rate)
    return weights - learning_rate * gradient

"""Backpropagation: from the loss back to every weight, by the chain rule.

The loss depends on the weights only through the predictions z, so the chain
rule splits the work in two: how the loss changes with each prediction
(the loss's derivative, dL/dz) and how each prediction changes with each
weight (dz/dwₖ = featureₖ(x), since z = Σₖ wₖ·featureₖ(x)). Multiplying
and summing over the batch gives dL/dwₖ. The same pull-back gives dL/dx, how
the loss would change if an *input* moved.

:func:`backprop` takes the ``weights`` the forward pass used, the batch of
inputs ``x``, the forward pass's ``prediction`` for them
(``forward(weights, x, model)``) and the true outputs ``target``, one per
input; keyword arguments name the ``model`` that made the prediction
(default :data:`~nnbasics.forward.QUADRATIC`) and the ``loss`` to
differentiate (default :data:`~nnbasics.loss.MEAN_SQUARED_ERROR`). It returns
:class:`Gradients`, and raises ``ValueError`` naming the argument when the
weights do not fit the model or the predictions do not match the inputs.

Examples
--------
z = x + x² at x = 1 predicts 2 where the truth is 2.21. Raising either weight
would raise z and shrink the miss, so both derivatives are negative:

>>> g = backprop((1, 1), [1.0], [2.0], [2.21])
>>> g.weights.round(2)
array([-0.42, -0.42])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, same_length
from nnbasics.forward import QUADRATIC, PolynomialModel
from nnbasics.loss import MEAN_SQUARED_ERROR, Loss

__all__ = ["Gradients", "backprop"]


@dataclass(frozen=True)
class Gradients:
    """The gradient of the loss, with respect to the weights and the inputs.

    Attributes
    ----------
    weights : numpy.ndarray
        dL/dwₖ, one value per weight: the direction of steepest increase.
    inputs : numpy.ndarray
        dL/dxᵢ, one value per input sample.
    """

    weights: NDArray[np.float64]
    inputs: NDArray[np.float64]


def backprop(
    weights: ArrayLike,
    x: ArrayLike,
    prediction: ArrayLike,
    target: ArrayLike,
    *,
    model: PolynomialModel = QUADRATIC,
    loss: Loss = MEAN_SQUARED_ERROR,
) -> Gradients:
    """Pull the loss's derivative back through the model: dL/dw and dL/dx."""
    weights, x, prediction = _check_backprop(weights, x, prediction, model)
    loss_slope = loss.derivative(prediction, target)  # dL/dz, one per sample
    weights_slope = model.features(x).T @ loss_slope  # Σᵢ dL/dzᵢ · dzᵢ/dwₖ
    inputs_slope = loss_slope * (model.feature_slopes(x) @ weights)  # dL/dzᵢ · dzᵢ/dxᵢ
    return Gradients(weights=weights_slope, inputs=inputs_slope)


def _check_backprop(
    weights: ArrayLike, x: ArrayLike, prediction: ArrayLike, model: PolynomialModel
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return the arguments of :func:`backprop` as arrays, or raise naming the fault."""
    weights = model.check_weights(weights)
    x = as_data("x", x, ndim=1)
    prediction = as_data("prediction", prediction, ndim=1)
    same_length("x", x, "prediction", prediction)
    return weights, x, prediction

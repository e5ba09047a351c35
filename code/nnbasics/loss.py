"""Loss functions: how far the prediction is from the truth, as a number.

Each loss comes with its derivative with respect to the prediction, the
number backpropagation starts from. Per-sample losses return one value per
sample; :func:`mean_squared_error` averages over the batch and returns one
number, the quantity training drives down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, same_length

__all__ = [
    "signed_error",
    "signed_error_derivative",
    "absolute_error",
    "absolute_error_derivative",
    "squared_error",
    "squared_error_derivative",
    "mean_squared_error",
    "mean_squared_error_derivative",
    "Loss",
    "MEAN_SQUARED_ERROR",
]


def _pair(prediction: ArrayLike, target: ArrayLike) -> tuple[NDArray, NDArray]:
    prediction = as_data("prediction", prediction, ndim=1)
    target = as_data("target", target, ndim=1)
    same_length("prediction", prediction, "target", target)
    return prediction, target


def signed_error(prediction: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Output minus target, per sample: the sign says too big or too small.

    Examples
    --------
    The black box of section 2.0.2 answers 2.334 when 4 is wanted:

    >>> signed_error(2.334, 4.0).round(3)
    array([-1.666])
    """
    prediction, target = _pair(prediction, target)
    return prediction - target


def signed_error_derivative(
    prediction: ArrayLike, target: ArrayLike
) -> NDArray[np.float64]:
    """d(a - y)/da = 1 for every sample.

    Examples
    --------
    >>> signed_error_derivative([2.0, 3.0], [1.0, 1.0])
    array([1., 1.])
    """
    prediction, target = _pair(prediction, target)
    return np.ones_like(prediction)


def absolute_error(prediction: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Return the size of the miss, ``|a - y|``, per sample.

    Examples
    --------
    >>> absolute_error([2.0, 5.0], [4.0, 4.0])
    array([2., 1.])
    """
    return np.abs(signed_error(prediction, target))


def absolute_error_derivative(
    prediction: ArrayLike, target: ArrayLike
) -> NDArray[np.float64]:
    """``d|a - y|/da = sign(a - y)`` per sample (0 where the miss is exactly 0).

    Examples
    --------
    >>> absolute_error_derivative([2.0, 5.0, 4.0], [4.0, 4.0, 4.0])
    array([-1.,  1.,  0.])
    """
    return np.sign(signed_error(prediction, target))


def squared_error(prediction: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Return (a - y)² per sample: big misses cost much more than small ones.

    Examples
    --------
    >>> squared_error([2.0, 5.0], [4.0, 4.0])
    array([4., 1.])
    """
    return signed_error(prediction, target) ** 2


def squared_error_derivative(
    prediction: ArrayLike, target: ArrayLike
) -> NDArray[np.float64]:
    """d(a - y)²/da = 2(a - y) per sample.

    Examples
    --------
    >>> squared_error_derivative([2.0, 5.0], [4.0, 4.0])
    array([-4.,  2.])
    """
    return 2.0 * signed_error(prediction, target)


def mean_squared_error(prediction: ArrayLike, target: ArrayLike) -> float:
    """Return the mean of (a - y)² over the batch: one number for the batch.

    Examples
    --------
    >>> mean_squared_error([2.0, 5.0], [4.0, 4.0])
    2.5
    """
    return float(np.mean(squared_error(prediction, target)))


def mean_squared_error_derivative(
    prediction: ArrayLike, target: ArrayLike
) -> NDArray[np.float64]:
    """d(mean squared error)/daᵢ = 2(aᵢ - yᵢ)/n for each sample i.

    Examples
    --------
    >>> mean_squared_error_derivative([2.0, 5.0], [4.0, 4.0])
    array([-2.,  1.])
    """
    error = signed_error(prediction, target)
    return 2.0 * error / error.size


@dataclass(frozen=True)
class Loss:
    """A batch loss paired with its derivative, as training needs them.

    Parameters
    ----------
    name : str
        How the loss is called in tables and plots.
    value : callable
        ``value(prediction, target) -> float``, one number for the batch.
    derivative : callable
        ``derivative(prediction, target) -> array``, d(value)/d(prediction).

    Examples
    --------
    >>> MEAN_SQUARED_ERROR.value([2.0, 5.0], [4.0, 4.0])
    2.5
    """

    name: str
    value: Callable[[ArrayLike, ArrayLike], float]
    derivative: Callable[[ArrayLike, ArrayLike], NDArray[np.float64]]


MEAN_SQUARED_ERROR = Loss(
    "mean squared error", mean_squared_error, mean_squared_error_derivative
)
"""The loss section 2.0.4 averages over all samples, with its derivative."""

"""Finite differences: a slope measured from outside, by probing.

When a function cannot be opened, like the black box of section 2.0.2, its
slope can still be *measured*: nudge the input a little each way and see how
much the output moves. Training uses :mod:`nnbasics.backprop` instead, which is
exact and needs one backward pass rather than two probes per weight; the tests
use this module as the independent reference that backprop is checked against.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive

__all__ = ["central_difference"]


def central_difference(
    function: Callable[[NDArray[np.float64]], float],
    point: ArrayLike,
    step: float = 1e-6,
) -> NDArray[np.float64]:
    """Estimate the gradient of a scalar function by central differences.

    For each coordinate k: (f(p + h·eₖ) − f(p − h·eₖ)) / 2h. The error shrinks
    like h², so small steps are accurate until rounding takes over.

    Parameters
    ----------
    function : callable
        Takes a 1-D float array, returns a number.
    point : array_like
        Where to measure the slope.
    step : float, default 1e-6
        The nudge h.

    Returns
    -------
    numpy.ndarray
        One slope per coordinate of ``point``.

    Examples
    --------
    >>> central_difference(lambda p: float(p[0] ** 2 + 3 * p[1]), [2.0, 0.0]).round(6)
    array([4., 3.])
    """
    point = as_data("point", point, ndim=1)
    step = positive("step", step)
    gradient = np.empty_like(point)
    for k in range(point.size):
        nudge = np.zeros_like(point)
        nudge[k] = step
        gradient[k] = (
            float(function(point + nudge)) - float(function(point - nudge))
        ) / (2 * step)
    return gradient

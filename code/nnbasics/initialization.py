"""Initialization: the first guess at the weights.

Section 2.0 calls the first guess the initialization. It can be taken from
experience (a value the trainer believes is close) or drawn at random; random
draws here always take a seed, so the same call gives the same weights.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive, positive_int

__all__ = ["from_experience", "at_random"]


def from_experience(guess: ArrayLike) -> NDArray[np.float64]:
    """Start from weights chosen by hand.

    Parameters
    ----------
    guess : array_like
        The starting weights, e.g. ``(1, 1)`` for the guess z = x + x².

    Returns
    -------
    numpy.ndarray
        A fresh 1-D float array (changing it never changes ``guess``).

    Examples
    --------
    >>> from_experience((1, 1))
    array([1., 1.])
    """
    return as_data("guess", guess, ndim=1)


def at_random(size: int, *, seed: int, scale: float = 1.0) -> NDArray[np.float64]:
    """Draw starting weights from a normal distribution, reproducibly.

    Parameters
    ----------
    size : int
        How many weights.
    seed : int
        Seed of the random generator: the same seed gives the same weights.
    scale : float, default 1.0
        Standard deviation of the draw.

    Returns
    -------
    numpy.ndarray
        ``size`` weights.

    Examples
    --------
    >>> w = at_random(2, seed=0)
    >>> w.shape, bool(np.all(w == at_random(2, seed=0)))
    ((2,), True)
    """
    size = positive_int("size", size)
    scale = positive("scale", scale)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, got {type(seed).__name__}")
    return np.random.default_rng(seed).normal(0.0, scale, size)

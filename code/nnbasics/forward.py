"""The forward computation: from inputs and weights to a prediction.

The model of section 2.0.4 guesses that the black box computes
z = w1·x + w2·x². It is a *weighted sum of features*: the features are powers
of the input, x and x², and the weights say how much of each to add. The
same code handles any list of powers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data

__all__ = ["PolynomialModel", "QUADRATIC", "forward"]


@dataclass(frozen=True)
class PolynomialModel:
    """A weighted sum of powers of the input: z = Σₖ wₖ·x^pₖ.

    Parameters
    ----------
    powers : tuple of int
        The power of x behind each weight; ``(1, 2)`` is z = w1·x + w2·x².

    Examples
    --------
    >>> model = PolynomialModel((1, 2))
    >>> model.features([1.0, 2.0])
    array([[1., 1.],
           [2., 4.]])
    """

    powers: tuple[int, ...] = (1, 2)

    def __post_init__(self) -> None:
        if len(self.powers) == 0:
            raise ValueError("powers is empty: give at least one power, e.g. (1, 2)")
        if any(
            isinstance(p, bool) or not isinstance(p, int) or p < 0 for p in self.powers
        ):
            raise ValueError(
                f"powers must be whole numbers ≥ 0, e.g. (1, 2), got {self.powers!r}"
            )

    @property
    def size(self) -> int:
        """Number of weights the model takes."""
        return len(self.powers)

    def features(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the features, one row per input: ``[x**p for p in powers]``."""
        x = as_data("x", x, ndim=1)
        return np.stack([x**p for p in self.powers], axis=1)

    def feature_slopes(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return d(feature)/dx for each input: ``[p * x**(p-1) for p in powers]``."""
        x = as_data("x", x, ndim=1)
        return np.stack(
            [p * x ** (p - 1) if p > 0 else np.zeros_like(x) for p in self.powers],
            axis=1,
        )

    def check_weights(self, weights: ArrayLike) -> NDArray[np.float64]:
        """Return ``weights`` as an array, or raise if it does not fit the model."""
        weights = as_data("weights", weights, ndim=1)
        if weights.shape != (self.size,):
            raise ValueError(
                f"weights must hold {self.size} values, one per power {self.powers}, "
                f"got {weights.shape[0]}"
            )
        return weights


QUADRATIC = PolynomialModel((1, 2))
"""The model of section 2.0.4: z = w1·x + w2·x²."""


def forward(
    weights: ArrayLike, x: ArrayLike, model: PolynomialModel = QUADRATIC
) -> NDArray[np.float64]:
    """Compute the model's prediction z for every input in ``x``.

    Parameters
    ----------
    weights : array_like
        One weight per feature, e.g. ``(w1, w2)``.
    x : array_like
        A batch of inputs (a single number is a batch of one).
    model : PolynomialModel, default QUADRATIC
        Which powers of x the weights multiply.

    Returns
    -------
    numpy.ndarray
        z, one prediction per input.

    Examples
    --------
    The first guess of section 2.0.4, z = x + x², at x = 1:

    >>> forward((1, 1), 1.0)
    array([2.])
    """
    weights = model.check_weights(weights)
    return model.features(x) @ weights

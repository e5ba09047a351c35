"""The black box (section 2.0.2): find the input that makes it answer 4.

Only the box's inputs and outputs can be seen. Fed 1 it answers 2.334; fed 2
it answers 5.332. The book's box hides z = 2.002·x + 0.332·x², the one
quadratic of the form w1·x + w2·x² through both of those points (the original
never says what is inside). Since the box cannot be opened, its slope is
*measured* by probing it on either side of the current input
(:func:`nnbasics.central_difference`), and gradient descent moves the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive
from nnbasics.finite_difference import central_difference
from nnbasics.forward import QUADRATIC, forward
from nnbasics.loss import squared_error

HIDDEN_WEIGHTS = (2.002, 0.332)
"""The weights inside the book's box: z = 2.002·x + 0.332·x²."""

TARGET = 4.0
"""The output the box asks for."""


@dataclass(frozen=True)
class BlackBox:
    """A function whose formula is hidden: call it, count the calls, nothing more.

    Examples
    --------
    >>> box = BlackBox()
    >>> box([1.0, 2.0]).round(3)
    array([2.334, 5.332])
    """

    _weights: tuple[float, float] = field(default=HIDDEN_WEIGHTS, repr=False)

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Feed inputs to the box and read its outputs."""
        return forward(self._weights, x, QUADRATIC)

    def reveal(self) -> str:
        """Open the box: return its formula as text (for the end of the chapter)."""
        w1, w2 = self._weights
        return f"z = {w1:g}·x + {w2:g}·x²"


@dataclass(frozen=True)
class InputSearch:
    """The training problem of the black box: which input gives the target?

    The parameter being trained is the *input* (an array of one value). The
    loss is the squared miss (output − target)²; its gradient is
    2·(output − target)·slope, where the slope is measured by probing the box
    ``probe_step`` to either side.

    Examples
    --------
    >>> search = InputSearch(BlackBox(), target=4.0)
    >>> search.loss(search.forward(np.array([1.0]))).__round__(6)
    2.775556
    """

    box: BlackBox
    target: float = TARGET
    probe_step: float = 1e-3

    def __post_init__(self) -> None:
        as_data("target", self.target)
        positive("probe_step", self.probe_step)

    def forward(self, params: NDArray[np.float64]) -> NDArray[np.float64]:
        """Feed the current input to the box."""
        return self.box(params)

    def loss(self, prediction: NDArray[np.float64]) -> float:
        """The squared miss (output − target)²."""
        return float(squared_error(prediction, [self.target])[0])

    def slope(self, params: NDArray[np.float64]) -> NDArray[np.float64]:
        """Measure d(output)/d(input) by probing the box on both sides."""
        return central_difference(lambda p: float(self.box(p)[0]), params, self.probe_step)

    def backward(
        self, params: NDArray[np.float64], prediction: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """d(loss)/d(input) = 2·(output − target)·slope."""
        return 2.0 * (prediction - self.target) * self.slope(params)

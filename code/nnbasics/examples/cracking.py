"""Cracking the black box (section 2.0.4): the recorded samples of Table 2-1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Samples:
    """Recorded inputs and outputs of a black box, one pair per sample."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]


TABLE_2_1 = Samples(
    x=np.array([1.0, 1.1, 1.2, 2.0]),
    y=np.array([2.21, 2.431, 2.652, 4.42]),
)
"""Table 2-1: the four samples recorded from the black box."""

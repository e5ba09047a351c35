"""Checks shared by the public functions: turn bad input into clear errors.

Every public function of :mod:`nnbasics` validates its arguments here, so a
mistake is reported by the argument's name with the fix, instead of surfacing
later as a NaN or a broadcasting error deep inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_data(
    name: str, value: ArrayLike, *, ndim: int | None = None
) -> NDArray[np.float64]:
    """Return ``value`` as a non-empty, finite float array, or raise.

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : array_like
        A number or a sequence of numbers.
    ndim : int, optional
        The number of dimensions required; scalars are promoted to 1-D when
        ``ndim`` is 1.

    Returns
    -------
    numpy.ndarray
        A new float64 array (the caller's data is never modified).

    Raises
    ------
    TypeError
        If ``value`` is not numeric.
    ValueError
        If ``value`` is empty, has the wrong number of dimensions, or holds
        NaN or infinity.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numbers, got the string {value!r}")
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a number or a sequence of numbers, "
            f"got {type(value).__name__}: {error}"
        ) from None
    if ndim == 1 and array.ndim == 0:
        array = array.reshape(1)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: pass at least one value")
    if not np.isfinite(array).all():
        bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s): "
            "clean or drop them before training"
        )
    return array


def same_length(name_a: str, a: NDArray, name_b: str, b: NDArray) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` hold one value per sample."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape "
            f"(one {name_b} per {name_a}), got {a.shape} and {b.shape}"
        )


def paired_samples(x: ArrayLike, y: ArrayLike) -> tuple[NDArray, NDArray]:
    """Return inputs ``x`` and outputs ``y`` as arrays holding one pair per sample."""
    x = as_data("x", x, ndim=1)
    y = as_data("y", y, ndim=1)
    same_length("x", x, "y", y)
    return x, y


def positive(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a finite number above zero."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive, finite number, got {value!r}")
    return float(value)


def positive_int(name: str, value: int) -> int:
    """Return ``value`` if it is a whole number of at least one."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)

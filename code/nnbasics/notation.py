"""Numbers written the way a textbook prints them.

Python prints ``1e-06`` and ``6.1e-13``; a page should say 10⁻⁶ and
6.1 × 10⁻¹³. The chapters glue the strings these functions return, so the
prose shows computed numbers in the book's notation.
"""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value: float, digits: int = 2) -> str:
    """Write ``value`` as m × 10ⁿ with superscript digits.

    Parameters
    ----------
    value : float
        A finite number.
    digits : int
        Significant digits of the mantissa (at least 1). A mantissa that
        rounds to 1 is left out, so ``1e-6`` reads 10⁻⁶.

    Returns
    -------
    str
        ``"0"`` for zero; otherwise the number in scientific notation, with a
        true minus sign (−) for negative numbers.

    Raises
    ------
    ValueError
        If ``value`` is not finite or ``digits`` is below 1.

    Examples
    --------
    >>> scientific(1e-6)
    '10⁻⁶'
    >>> scientific(6.1234e-13)
    '6.1 × 10⁻¹³'
    >>> scientific(-2.5e4, digits=3)
    '−2.5 × 10⁴'
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"scientific() needs a finite number, got {value!r}")
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits!r}")
    if value == 0:
        return "0"
    mantissa_text, exponent_text = f"{abs(value):.{digits - 1}e}".split("e")
    mantissa = mantissa_text.rstrip("0").rstrip(".")
    power = "10" + str(int(exponent_text)).translate(_SUPERSCRIPT)
    sign = "−" if value < 0 else ""
    if mantissa == "1":
        return sign + power
    return f"{sign}{mantissa} × {power}"


def signed(value: float, spec: str = "g") -> str:
    """Format ``value`` with ``spec``, writing its minus sign as − (U+2212).

    Examples
    --------
    >>> signed(-1.666, ".3f")
    '−1.666'
    """
    return format(float(value), spec).replace("-", "−")

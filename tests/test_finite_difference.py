import numpy as np
import pytest

from nnbasics import central_difference


def test_exact_on_quadratics_up_to_rounding():
    def f(p):
        return float(3 * p[0] ** 2 - 2 * p[0] * p[1] + p[1])

    assert central_difference(f, [1.0, 2.0]) == pytest.approx([6 - 4, -2 + 1], abs=1e-7)


def test_error_shrinks_like_the_step_squared():
    errors = [
        abs(
            central_difference(lambda p: float(np.sin(p[0])), [1.0], step=h)[0]
            - np.cos(1.0)
        )
        for h in (1e-1, 1e-2)
    ]
    assert errors[1] == pytest.approx(errors[0] / 100, rel=0.05)


def test_bad_step_is_named():
    with pytest.raises(ValueError, match="step must be a positive"):
        central_difference(lambda p: float(p[0]), [1.0], step=0.0)

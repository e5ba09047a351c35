import numpy as np
import pytest

import nnbasics
from nnbasics import QUADRATIC, PolynomialModel, forward


def test_first_guess_of_section_2_0_4_misses_by_minus_0_21():
    # z = x + x² at x = 1 gives 2; the box said 2.21.
    z = forward((1, 1), 1.0)
    assert z.tolist() == [2.0]
    assert nnbasics.signed_error(z, 2.21)[0] == pytest.approx(-0.21)


def test_second_guess_of_section_2_0_4_gives_2_86_and_misses_by_0_429():
    z = forward((1.5, 1), 1.1)
    assert z[0] == pytest.approx(2.86)
    assert nnbasics.signed_error(z, 2.431)[0] == pytest.approx(0.429)


def test_forward_is_vectorised_over_the_batch():
    x = np.array([1.0, 1.1, 1.2, 2.0])
    z = forward((0.5, -2.0), x)
    assert z == pytest.approx(0.5 * x - 2.0 * x**2)
    assert z.shape == (4,)


def test_other_powers_make_other_weighted_sums():
    model = PolynomialModel((0, 1, 3))
    z = forward((1.0, 2.0, 0.5), [2.0], model)
    assert z[0] == pytest.approx(1.0 + 2.0 * 2.0 + 0.5 * 8.0)


def test_features_and_their_slopes():
    x = [1.0, 3.0]
    assert QUADRATIC.features(x).tolist() == [[1.0, 1.0], [3.0, 9.0]]
    assert QUADRATIC.feature_slopes(x).tolist() == [[1.0, 2.0], [1.0, 6.0]]
    assert PolynomialModel((0,)).feature_slopes(x).tolist() == [[0.0], [0.0]]


def test_forward_leaves_its_arguments_alone():
    weights = np.array([1.0, 1.0])
    x = np.array([1.0, 2.0])
    forward(weights, x)
    assert weights.tolist() == [1.0, 1.0]
    assert x.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("weights", "x", "error", "message"),
    [
        ((1.0, 1.0, 1.0), [1.0], ValueError, "weights must hold 2 values"),
        ((1.0,), [1.0], ValueError, "weights must hold 2 values"),
        ((1.0, 1.0), [], ValueError, "x is empty"),
        ((1.0, 1.0), [1.0, np.nan], ValueError, "x contains 1 NaN"),
        ((1.0, np.inf), [1.0], ValueError, "weights contains 1 NaN or infinite"),
        ((1.0, 1.0), [[1.0, 2.0]], ValueError, "x must be 1-dimensional"),
        ((1.0, 1.0), "1.0", TypeError, "x must be numbers"),
        ((1.0, 1.0), [object()], TypeError, "x must be a number"),
    ],
)
def test_bad_input_is_named(weights, x, error, message):
    with pytest.raises(error, match=message):
        forward(weights, x)


@pytest.mark.parametrize("powers", [(), (1, -1), (1.5,), (True,)])
def test_bad_powers_are_rejected(powers):
    with pytest.raises(ValueError, match="power"):
        PolynomialModel(powers)

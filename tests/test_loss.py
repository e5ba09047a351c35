import numpy as np
import pytest

from nnbasics import (
    MEAN_SQUARED_ERROR,
    absolute_error,
    absolute_error_derivative,
    central_difference,
    mean_squared_error,
    mean_squared_error_derivative,
    signed_error,
    signed_error_derivative,
    squared_error,
    squared_error_derivative,
)

PREDICTION = np.array([2.334, 5.332, 4.0, 1.0])
TARGET = np.array([4.0, 4.0, 4.0, 3.0])


def test_signed_error_of_the_black_box_2_0_2():
    assert signed_error([2.334, 5.332], [4.0, 4.0]) == pytest.approx([-1.666, 1.332])


def test_absolute_and_squared_errors():
    assert absolute_error(PREDICTION, TARGET) == pytest.approx([1.666, 1.332, 0.0, 2.0])
    assert squared_error(PREDICTION, TARGET) == pytest.approx(
        [1.666**2, 1.332**2, 0.0, 4.0]
    )


def test_mean_squared_error_is_one_number_for_the_batch():
    value = mean_squared_error(PREDICTION, TARGET)
    assert isinstance(value, float)
    assert value == pytest.approx((1.666**2 + 1.332**2 + 0 + 4) / 4)
    assert MEAN_SQUARED_ERROR.value(PREDICTION, TARGET) == value


@pytest.mark.parametrize(
    ("per_sample", "derivative"),
    [
        (signed_error, signed_error_derivative),
        (absolute_error, absolute_error_derivative),
        (squared_error, squared_error_derivative),
    ],
)
def test_per_sample_derivatives_match_finite_differences(per_sample, derivative):
    # Away from the kink of |a - y| at a = y.
    prediction = np.array([2.334, 5.332, 1.0])
    target = np.array([4.0, 4.0, 3.0])
    for i in range(prediction.size):

        def one(p, i=i):
            nudged = prediction.copy()
            nudged[i] = p[0]
            return float(per_sample(nudged, target)[i])

        slope = central_difference(one, [prediction[i]])[0]
        assert derivative(prediction, target)[i] == pytest.approx(slope, rel=1e-6)


def test_mean_squared_error_derivative_matches_finite_differences():
    slope = central_difference(lambda p: mean_squared_error(p, TARGET), PREDICTION)
    assert mean_squared_error_derivative(PREDICTION, TARGET) == pytest.approx(slope)


def test_absolute_error_derivative_is_zero_on_target():
    assert absolute_error_derivative([4.0], [4.0]).tolist() == [0.0]


@pytest.mark.parametrize(
    "function",
    [
        signed_error,
        absolute_error,
        squared_error,
        mean_squared_error,
        mean_squared_error_derivative,
        signed_error_derivative,
    ],
)
def test_mismatched_shapes_are_named(function):
    with pytest.raises(
        ValueError, match="prediction and target must have the same shape"
    ):
        function([1.0, 2.0], [1.0, 2.0, 3.0])


def test_nan_target_is_rejected():
    with pytest.raises(ValueError, match="target contains 1 NaN"):
        mean_squared_error([1.0, 2.0], [1.0, np.nan])

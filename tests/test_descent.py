import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbasics import CurveFit, descent_step, forward, mean_squared_error

TABLE_X = np.array([1.0, 1.1, 1.2, 2.0])
TABLE_Y = np.array([2.21, 2.431, 2.652, 4.42])


def test_step_moves_against_the_gradient():
    new = descent_step([1.0, 1.0], [0.5, -0.2], learning_rate=0.1)
    assert new == pytest.approx([0.95, 1.02])


@settings(max_examples=100, deadline=None)
@given(
    w1=st.floats(-3, 3),
    w2=st.floats(-3, 3),
)
def test_one_small_step_lowers_the_loss(w1, w2):
    problem = CurveFit(TABLE_X, TABLE_Y)
    weights = np.array([w1, w2])
    prediction = problem.forward(weights)
    gradient = problem.backward(weights, prediction)
    if np.linalg.norm(gradient) < 1e-9:  # already at the minimum
        return
    after = descent_step(weights, gradient, learning_rate=1e-3)
    assert mean_squared_error(forward(after, TABLE_X), TABLE_Y) < problem.loss(
        prediction
    )


def test_step_does_not_modify_its_inputs():
    weights = np.array([1.0, 1.0])
    descent_step(weights, [1.0, 1.0], 0.5)
    assert weights.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("rate", "error", "message"),
    [
        (0.0, ValueError, "learning_rate must be a positive"),
        (-0.1, ValueError, "learning_rate must be a positive"),
        (float("nan"), ValueError, "learning_rate must be a positive"),
        (float("inf"), ValueError, "learning_rate must be a positive"),
        ("0.1", TypeError, "learning_rate must be a number"),
    ],
)
def test_bad_learning_rate_is_named(rate, error, message):
    with pytest.raises(error, match=message):
        descent_step([1.0], [1.0], rate)


def test_gradient_must_match_the_weights():
    with pytest.raises(
        ValueError, match="weights and gradient must have the same shape"
    ):
        descent_step([1.0, 1.0], [1.0], 0.1)

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnbasics import (
    MEAN_SQUARED_ERROR,
    QUADRATIC,
    Loss,
    PolynomialModel,
    absolute_error_derivative,
    backprop,
    central_difference,
    forward,
    mean_squared_error,
    squared_error,
    squared_error_derivative,
)

finite = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def batches(min_size=1, max_size=8):
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=finite),
            arrays(np.float64, n, elements=finite),
        )
    )


MODELS = st.sampled_from(
    [QUADRATIC, PolynomialModel((1,)), PolynomialModel((0, 1, 2, 3))]
)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), model=MODELS, batch=batches())
def test_weight_gradient_matches_central_differences(data, model, batch):
    x, y = batch
    weights = data.draw(arrays(np.float64, model.size, elements=finite))
    prediction = forward(weights, x, model)
    exact = backprop(weights, x, prediction, y, model=model).weights

    def loss(w):
        return mean_squared_error(forward(w, x, model), y)

    measured = central_difference(loss, weights, step=1e-5)
    assert exact == pytest.approx(measured, rel=1e-6, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), model=MODELS, batch=batches())
def test_input_gradient_matches_central_differences(data, model, batch):
    x, y = batch
    weights = data.draw(arrays(np.float64, model.size, elements=finite))
    exact = backprop(weights, x, forward(weights, x, model), y, model=model).inputs

    def loss(inputs):
        return mean_squared_error(forward(weights, inputs, model), y)

    measured = central_difference(loss, x, step=1e-5)
    assert exact == pytest.approx(measured, rel=1e-6, abs=1e-6)


def test_backprop_follows_the_loss_it_is_given():
    # The sum of squared errors has n times the mean's gradient.
    total = Loss(
        "sum of squared errors",
        lambda a, y: float(np.sum(squared_error(a, y))),
        squared_error_derivative,
    )
    x, y, w = (
        np.array([1.0, 1.1, 1.2, 2.0]),
        np.array([2.21, 2.431, 2.652, 4.42]),
        (1, 1),
    )
    z = forward(w, x)
    mean_grad = backprop(w, x, z, y, loss=MEAN_SQUARED_ERROR).weights
    sum_grad = backprop(w, x, z, y, loss=total).weights
    assert sum_grad == pytest.approx(4 * mean_grad)


def test_sign_of_the_gradient_is_the_rule_of_thumb_of_2_0_4():
    # Too small (error < 0): raise the weights, i.e. the gradient is negative.
    assert np.all(backprop((1, 1), [1.0], [2.0], [2.21]).weights < 0)
    # Too big (error > 0): lower them, i.e. the gradient is positive.
    assert np.all(
        backprop((1.5, 1), [1.1], forward((1.5, 1), 1.1), [2.431]).weights > 0
    )


def test_absolute_loss_gradient_is_the_sign_times_the_features():
    mean_absolute = Loss(
        "mean absolute error",
        lambda a, y: float(np.mean(np.abs(np.subtract(a, y)))),
        lambda a, y: absolute_error_derivative(a, y) / np.size(a),
    )
    g = backprop((1, 1), [1.0, 2.0], [2.0, 6.0], [3.0, 5.0], loss=mean_absolute)
    assert g.weights == pytest.approx([(-1 * 1 + 1 * 2) / 2, (-1 * 1 + 1 * 4) / 2])


def test_prediction_must_match_the_inputs():
    with pytest.raises(ValueError, match="x and prediction must have the same shape"):
        backprop((1, 1), [1.0, 2.0], [2.0], [2.21, 4.42])


def test_weights_must_fit_the_model():
    with pytest.raises(ValueError, match="weights must hold 2 values"):
        backprop((1, 1, 1), [1.0], [2.0], [2.21])

import inspect

import numpy as np
import pytest

from nnbasics import (
    CurveFit,
    DivergenceError,
    Goal,
    History,
    at_random,
    descent_step,
    forward,
    from_experience,
    mean_squared_error,
    train,
)
from nnbasics.examples.cracking import TABLE_2_1


@pytest.fixture(scope="module")
def cracked() -> History:
    return train(CurveFit(TABLE_2_1.x, TABLE_2_1.y), (1, 1), learning_rate=0.1)


def test_table_2_1_from_x_plus_x_squared_reaches_the_goal(cracked):
    assert cracked.converged
    assert cracked.final_loss < 0.001
    # It stops at the first step below the goal, not later.
    assert np.all(cracked.losses[:-1] >= 0.001)


def test_history_starts_at_the_initial_guess(cracked):
    assert cracked.params[0].tolist() == [1.0, 1.0]
    assert cracked.steps.tolist() == list(range(len(cracked)))
    assert cracked.learning_rate == 0.1


def test_recorded_losses_match_a_fresh_forward_pass(cracked):
    for weights, loss in zip(cracked.params, cracked.losses, strict=True):
        assert loss == pytest.approx(
            mean_squared_error(forward(weights, TABLE_2_1.x), TABLE_2_1.y)
        )


def test_each_step_is_a_descent_step_with_the_recorded_gradient(cracked):
    expected = cracked.params[:-1] - cracked.learning_rate * cracked.gradients[:-1]
    assert cracked.params[1:] == pytest.approx(expected)


def test_recorded_gradients_are_the_backprop_gradients(cracked):
    problem = CurveFit(TABLE_2_1.x, TABLE_2_1.y)
    for weights, gradient in zip(cracked.params, cracked.gradients, strict=True):
        assert gradient == pytest.approx(
            problem.backward(weights, problem.forward(weights))
        )


def test_budget_runs_out_without_convergence():
    history = train(
        CurveFit(TABLE_2_1.x, TABLE_2_1.y),
        (1, 1),
        learning_rate=0.1,
        goal=Goal(tolerance=1e-3, max_steps=5),
    )
    assert not history.converged
    assert len(history) == 6  # the start and five steps
    assert history.final_loss > 1e-3


def test_too_large_a_learning_rate_is_reported_as_divergence():
    with pytest.raises(DivergenceError, match=r"smaller one, e\.g\. 0\.05") as caught:
        train(CurveFit(TABLE_2_1.x, TABLE_2_1.y), (1, 1), learning_rate=0.5)
    assert "diverged at step" in str(caught.value)


def test_nan_loss_is_reported_as_divergence():
    class Broken:
        def forward(self, params):
            return params

        def loss(self, prediction):
            return float("nan")

        def backward(self, params, prediction):
            return params

    with pytest.raises(DivergenceError, match=r"learning rate 0\.1 is too large"):
        train(Broken(), [1.0], learning_rate=0.1)


def test_initial_weights_are_not_modified():
    start = np.array([1.0, 1.0])
    train(CurveFit(TABLE_2_1.x, TABLE_2_1.y), start, learning_rate=0.1)
    assert start.tolist() == [1.0, 1.0]


def test_random_start_with_a_seed_trains_the_same_way_twice():
    problem = CurveFit(TABLE_2_1.x, TABLE_2_1.y)
    first = train(problem, at_random(2, seed=7), learning_rate=0.1)
    second = train(problem, at_random(2, seed=7), learning_rate=0.1)
    assert first.converged
    assert np.array_equal(first.params, second.params)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a positive"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate must be a positive"),
        ({"learning_rate": 0.1, "initial": []}, ValueError, "guess is empty"),
        (
            {"learning_rate": 0.1, "initial": [1.0, np.nan]},
            ValueError,
            "guess contains",
        ),
        ({"learning_rate": 0.1, "initial": [1.0]}, ValueError, "weights must hold 2"),
    ],
)
def test_bad_training_arguments_are_named(kwargs, error, message):
    arguments = {"initial": (1, 1), **kwargs}
    with pytest.raises(error, match=message):
        train(CurveFit(TABLE_2_1.x, TABLE_2_1.y), **arguments)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([], [], "x is empty"),
        ([1.0, 2.0], [1.0], "x and y must have the same shape"),
        ([1.0, np.inf], [1.0, 2.0], "x contains 1 NaN or infinite"),
        ([1.0, 2.0], [np.nan, 2.0], "y contains 1 NaN"),
    ],
)
def test_bad_samples_are_named(x, y, message):
    with pytest.raises(ValueError, match=message):
        CurveFit(x, y)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tolerance": 0}, ValueError, "tolerance must be a positive"),
        ({"tolerance": -1e-3}, ValueError, "tolerance must be a positive"),
        ({"max_steps": 0}, ValueError, "max_steps must be at least 1"),
        ({"max_steps": 2.5}, TypeError, "max_steps must be a whole number"),
    ],
)
def test_bad_goals_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        Goal(**kwargs)


def test_goal_is_reached_strictly_below_the_tolerance():
    goal = Goal(tolerance=0.001)
    assert goal.reached(0.000999)
    assert not goal.reached(0.001)


def test_initialization_from_experience_and_at_random():
    assert from_experience((1, 1)).tolist() == [1.0, 1.0]
    assert np.array_equal(at_random(3, seed=1), at_random(3, seed=1))
    assert not np.array_equal(at_random(3, seed=1), at_random(3, seed=2))
    assert at_random(10_000, seed=0, scale=0.5).std() == pytest.approx(0.5, rel=0.05)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        at_random(2, seed=None)
    with pytest.raises(ValueError, match="size must be at least 1"):
        at_random(0, seed=1)


def test_a_goal_that_is_not_a_goal_is_named():
    with pytest.raises(TypeError, match=r"goal must be an nnbasics\.Goal"):
        train(CurveFit(TABLE_2_1.x, TABLE_2_1.y), (1, 1), learning_rate=0.1, goal=0.001)


def test_a_problem_may_return_its_gradient_as_a_list():
    class Line:
        def forward(self, params):
            return params

        def loss(self, prediction):
            return float((prediction[0] - 3.0) ** 2)

        def backward(self, params, prediction):
            return [2.0 * (prediction[0] - 3.0)]

    history = train(Line(), [0.0], learning_rate=0.25)
    assert history.converged
    assert history.gradients.dtype == np.float64
    assert history.gradients.shape == (len(history), 1)


def test_history_from_rows_keeps_every_row_in_order():
    rows = [
        (np.array([1.0]), 4.0, np.array([2.0])),
        (np.array([0.5]), 1.0, np.array([1.0])),
    ]
    history = History.from_rows(rows, converged=False, learning_rate=0.25)
    assert history.steps.tolist() == [0, 1]
    assert history.params.tolist() == [[1.0], [0.5]]
    assert history.losses.tolist() == [4.0, 1.0]
    assert history.gradients.tolist() == [[2.0], [1.0]]
    assert history.final_loss == 1.0
    assert not history.converged


@pytest.mark.parametrize("function", [train, descent_step])
def test_the_functions_the_book_shows_are_short(function):
    source = inspect.getsource(function)
    assert len(source.splitlines()) <= 25
    assert "Parameters" not in source  # the details live in the module docstring

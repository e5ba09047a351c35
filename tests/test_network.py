"""The one-hidden-layer network: its weights, forward pass, backward pass and cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnbasics
from nnbasics import central_difference
from nnbasics.autodiff import forward_mode_gradient, reverse_mode_gradient
from nnbasics.network import (
    Activations,
    Network,
    NetworkFit,
    backward_pass,
    forward_pass,
    gradient_cost,
    tape_loss,
)


@st.composite
def networks_and_samples(draw):
    """A network of 1-4 hidden units, its weights, and 1-6 samples."""
    width = draw(st.integers(1, 4))
    count = draw(st.integers(1, 6))
    number = st.floats(-2.0, 2.0, allow_nan=False)
    params = np.array(draw(st.lists(number, min_size=3 * width + 1,
                                    max_size=3 * width + 1)))  # fmt: skip
    x = np.array(draw(st.lists(st.floats(-3.0, 3.0), min_size=count, max_size=count)))
    y = np.array(draw(st.lists(number, min_size=count, max_size=count)))
    return Network.from_vector(params, width=width), x, y


def loss_of(params, x, y, width):
    network = Network.from_vector(params, width=width)
    return nnbasics.mean_squared_error(forward_pass(network, x).output, y)


# --- the three gradients agree ------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(case=networks_and_samples())
def test_backward_pass_tape_and_finite_differences_agree(case):
    network, x, y = case
    params = network.to_vector()
    by_hand = backward_pass(network, forward_pass(network, x), y).weights.to_vector()
    tape = reverse_mode_gradient(lambda *p: tape_loss(p, x, y), params)
    probed = central_difference(lambda p: loss_of(p, x, y, network.width), params)
    np.testing.assert_allclose(by_hand, tape.gradient, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(by_hand, probed, rtol=1e-6, atol=1e-7)
    assert tape.value == pytest.approx(loss_of(params, x, y, network.width), abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(case=networks_and_samples())
def test_forward_mode_agrees_with_backpropagation(case):
    network, x, y = case
    params = network.to_vector()
    by_hand = backward_pass(network, forward_pass(network, x), y).weights.to_vector()
    forward = forward_mode_gradient(lambda *p: tape_loss(p, x, y), params)
    np.testing.assert_allclose(by_hand, forward.gradient, rtol=1e-10, atol=1e-12)
    assert forward.forward_passes == network.size


@settings(max_examples=40, deadline=None)
@given(case=networks_and_samples())
def test_each_layer_of_the_backward_pass_is_the_chain_rule(case):
    network, x, y = case
    forward = forward_pass(network, x)
    gradients = backward_pass(network, forward, y)
    dz = 2 * (forward.output - y) / x.size
    np.testing.assert_allclose(gradients.output, dz)
    np.testing.assert_allclose(gradients.hidden, dz[:, None] * network.output_weights)
    np.testing.assert_allclose(
        gradients.weighted_sums, gradients.hidden * (1 - forward.hidden**2)
    )
    weights = gradients.weights
    np.testing.assert_allclose(weights.output_weights, forward.hidden.T @ dz)
    assert weights.output_bias == pytest.approx(dz.sum())
    np.testing.assert_allclose(weights.hidden_biases, gradients.weighted_sums.sum(0))
    np.testing.assert_allclose(weights.hidden_weights, x @ gradients.weighted_sums)


# --- the forward pass --------------------------------------------------------------


def test_forward_pass_computes_every_layer():
    network = Network([1.0, -2.0], [0.5, 0.0], [3.0, 1.0], -1.0)
    forward = forward_pass(network, [0.0, 1.0, 2.0])
    for i, x in enumerate([0.0, 1.0, 2.0]):
        s = [1.0 * x + 0.5, -2.0 * x]
        np.testing.assert_allclose(forward.weighted_sums[i], s)
        np.testing.assert_allclose(forward.hidden[i], np.tanh(s))
        expected = 3.0 * np.tanh(s[0]) + np.tanh(s[1]) - 1.0
        assert forward.output[i] == pytest.approx(expected)
    assert tape_loss(network.to_vector().tolist(), [2.0], [0.0]) == pytest.approx(
        forward.output[2] ** 2
    )


@settings(max_examples=30, deadline=None)
@given(case=networks_and_samples())
def test_weights_round_trip_through_one_vector(case):
    network = case[0]
    again = Network.from_vector(network.to_vector(), width=network.width)
    np.testing.assert_array_equal(again.to_vector(), network.to_vector())
    assert again.size == 3 * network.width + 1 == network.to_vector().size


def test_random_networks_are_seeded():
    a, b = Network.at_random(3, seed=7), Network.at_random(3, seed=7)
    np.testing.assert_array_equal(a.to_vector(), b.to_vector())
    np.testing.assert_array_equal(a.to_vector(), nnbasics.at_random(10, seed=7))


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        (([1.0, 2.0], [0.0], [1.0, 1.0], 0.0), "hidden_biases must hold one value per"),
        (([1.0], [0.0], [1.0, 1.0], 0.0), "output_weights must hold one value per"),
        (([1.0, np.nan], [0.0, 0.0], [1.0, 1.0], 0.0), "hidden_weights contains 1 NaN"),
        (([1.0], [0.0], [np.inf], 0.0), "output_weights contains 1 NaN"),
        (([1.0], [0.0], [1.0], np.nan), "output_bias contains 1 NaN"),
        (([1.0], [0.0], [1.0], [0.0, 1.0]), "output_bias must be 0-dimensional"),
        (([], [], [], 0.0), "hidden_weights is empty"),
    ],
)
def test_mismatched_or_broken_layers_are_rejected_by_name(layers, match):
    with pytest.raises(ValueError, match=match):
        Network(*layers)


def test_a_vector_of_the_wrong_length_is_rejected_by_name():
    with pytest.raises(ValueError, match=r"params must hold 3·width \+ 1 = 7"):
        Network.from_vector(np.zeros(6), width=2)
    with pytest.raises(ValueError, match="width must be at least 1"):
        Network.from_vector(np.zeros(1), width=0)
    with pytest.raises(ValueError, match="params must hold 3H"):
        tape_loss([1.0, 2.0], [0.0], [0.0])


def test_forward_pass_rejects_bad_inputs_by_name():
    network = Network([1.0], [0.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="x contains 1 NaN"):
        forward_pass(network, [0.0, np.nan])
    with pytest.raises(TypeError, match=r"network must be an nnbasics\.network"):
        forward_pass([1.0, 0.0, 1.0, 0.0], [0.0])


def test_backward_pass_rejects_activations_of_another_network_or_batch():
    small = Network([1.0], [0.0], [1.0], 0.0)
    wide = Network([1.0, 2.0], [0.0, 0.0], [1.0, 1.0], 0.0)
    forward = forward_pass(small, [0.0, 1.0])
    with pytest.raises(ValueError, match="activations do not fit network"):
        backward_pass(wide, forward, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"activations\.inputs and target must have"):
        backward_pass(small, forward, [0.0])
    with pytest.raises(ValueError, match="target contains 1 NaN"):
        backward_pass(small, forward, [0.0, np.nan])
    with pytest.raises(TypeError, match="activations must be the Activations"):
        backward_pass(small, forward.output, [0.0, 1.0])
    broken = Activations(forward.inputs, forward.weighted_sums, forward.hidden * np.nan,
                         forward.output)  # fmt: skip
    with pytest.raises(ValueError, match=r"activations\.hidden contains 2 NaN"):
        backward_pass(small, broken, [0.0, 1.0])


# --- the problem for the training loop ----------------------------------------------


def test_network_fit_trains_with_the_books_loop():
    x = np.linspace(-2, 2, 9)
    problem = NetworkFit(x, np.tanh(2 * x), width=2)
    run = nnbasics.train(
        problem, Network.at_random(2, seed=1).to_vector(), learning_rate=0.2
    )
    assert run.converged
    assert run.final_loss < 1e-3
    activations = problem.forward(run.final_params)
    assert problem.loss(activations) == pytest.approx(run.final_loss)
    expected = backward_pass(problem.network(run.final_params), activations, problem.y)
    np.testing.assert_allclose(run.gradients[-1], expected.weights.to_vector())


def test_network_fit_rejects_bad_samples_and_widths():
    with pytest.raises(ValueError, match="same shape"):
        NetworkFit([0.0, 1.0], [0.0], width=1)
    with pytest.raises(ValueError, match="width must be at least 1"):
        NetworkFit([0.0], [0.0], width=0)
    with pytest.raises(ValueError, match="params must hold"):
        NetworkFit([0.0], [0.0], width=2).forward(np.zeros(4))


def test_steepest_curvature_at_a_perfect_fit_is_that_of_the_jacobian():
    # With no error left, the Hessian of the mean squared error is 2/N·JᵀJ.
    x = np.array([0.0, 1.0, -0.5])
    network = Network([1.0, -0.5], [0.2, 0.1], [0.7, -1.2], 0.3)
    problem = NetworkFit(x, forward_pass(network, x).output, width=2)
    params = network.to_vector()
    jacobian = np.array([
        central_difference(lambda p, i=i: problem.forward(p).output[i], params)
        for i in range(x.size)
    ])  # fmt: skip
    exact = np.linalg.eigvalsh(2 / x.size * jacobian.T @ jacobian)[-1]
    assert problem.steepest_curvature(params) == pytest.approx(exact, rel=1e-5)


# --- what a gradient costs -----------------------------------------------------------


@pytest.mark.parametrize("width", [1, 3, 8])
def test_gradient_cost_counts_probes_and_tape_operations(width):
    x, y = np.linspace(-1, 1, 4), np.zeros(4)
    cost = gradient_cost(Network.at_random(width, seed=0), x, y)
    assert cost.weights == 3 * width + 1
    assert cost.probing_evaluations == 2 * cost.weights
    assert cost.probing_operations == cost.probing_evaluations * cost.tape_operations
    assert cost.backprop_operations == cost.tape_operations + cost.tape_links
    # per sample and unit: w·x, + b, tanh, v·h, add to z; per sample: z − y,
    # square, add to the total; once: times 1/N for the mean
    assert cost.tape_operations == x.size * (5 * width + 3) + 1
    assert cost.tape_links < 2 * cost.tape_operations


def test_probing_grows_with_the_square_of_the_size_and_backprop_linearly():
    x, y = np.linspace(-1, 1, 3), np.zeros(3)
    small, large = (gradient_cost(Network.at_random(h, seed=0), x, y) for h in (4, 16))
    growth = large.weights / small.weights
    assert large.backprop_operations / small.backprop_operations < 1.2 * growth
    assert large.probing_operations / small.probing_operations > 0.8 * growth**2

"""Automatic differentiation: dual numbers, the tape, and the two gradient functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbasics import central_difference
from nnbasics.autodiff import (
    Dual,
    Node,
    forward_mode_gradient,
    reverse_mode_gradient,
    tan,
    tanh,
    topological_order,
)

moderate = st.floats(-2.0, 2.0, allow_nan=False)

# Every operation, as a function of two numbers of any kind.
OPERATIONS = {
    "add": lambda a, b: a + b,
    "radd": lambda a, b: 2.5 + a,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 2.5 - a,
    "neg": lambda a, b: -a,
    "mul": lambda a, b: a * b,
    "rmul": lambda a, b: 2.5 * a,
    "square": lambda a, b: a * a,
    "tan": lambda a, b: tan(0.5 * a),
    "tanh": lambda a, b: tanh(a),
    "chain": lambda a, b: tanh(a * b - 1.0) * tanh(a) + b,
}


@pytest.mark.parametrize("name", OPERATIONS)
@settings(max_examples=25, deadline=None)
@given(a=moderate, b=moderate)
def test_every_operation_agrees_with_finite_differences_both_ways(name, a, b):
    function = OPERATIONS[name]
    finite = central_difference(lambda p: float(function(*p)), [a, b], step=1e-6)
    forward = forward_mode_gradient(function, [a, b])
    reverse = reverse_mode_gradient(function, [a, b])
    np.testing.assert_allclose(forward.gradient, reverse.gradient, atol=1e-12)
    np.testing.assert_allclose(reverse.gradient, finite, rtol=1e-6, atol=1e-7)
    assert reverse.value == pytest.approx(float(function(a, b)), abs=1e-12)
    assert forward.value == pytest.approx(reverse.value, abs=1e-12)


def test_dual_numbers_carry_the_derivative_of_tanh():
    x = Dual(0.3, 1.0)
    result = x.tanh() - 1.0
    assert result.value == pytest.approx(math.tanh(0.3) - 1.0)
    assert result.slope == pytest.approx(1 - math.tanh(0.3) ** 2)


def test_each_node_stores_its_local_derivatives():
    x = Node(0.5)
    assert [d for _, d in x.tanh().parents] == [pytest.approx(1 - math.tanh(0.5) ** 2)]
    assert [d for _, d in (x * 3.0).parents] == [3.0, 0.5]
    assert [d for _, d in (-x).parents] == [-1.0]
    assert x.tanh().parents[0][0] is x


def test_a_node_used_twice_collects_both_shares():
    x = Node(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.gradient == pytest.approx(7.0)


def test_a_second_backward_pass_starts_afresh():
    x = Node(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.gradient == pytest.approx(4.0)


def test_the_tape_lists_each_node_once_after_its_parents():
    x, y = Node(1.0), Node(2.0)
    shared = x * y
    out = shared.tanh() + shared * x
    order = topological_order(out)
    assert len(order) == len({id(node) for node in order})
    position = {id(node): k for k, node in enumerate(order)}
    for node in order:
        for parent, _ in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is out
    assert {id(x), id(y)} <= set(position)


def test_a_long_tape_does_not_hit_the_recursion_limit():
    x = Node(1.0)
    total = x
    for _ in range(5000):
        total = total + x * 0.001
    total.backward()
    assert x.gradient == pytest.approx(1 + 5000 * 0.001)


def test_topological_order_needs_a_node():
    with pytest.raises(TypeError, match="output must be a Node"):
        topological_order(3.0)


def test_plain_numbers_pass_through_tan_and_tanh():
    assert tanh(0.5) == pytest.approx(math.tanh(0.5))
    assert tan(0.5) == pytest.approx(math.tan(0.5))


def test_gradients_of_a_function_count_their_passes():
    forward = forward_mode_gradient(lambda a, b, c: a * b * c, [1.0, 2.0, 3.0])
    reverse = reverse_mode_gradient(lambda a, b, c: a * b * c, [1.0, 2.0, 3.0])
    assert (forward.forward_passes, forward.backward_passes) == (3, 0)
    assert (reverse.forward_passes, reverse.backward_passes) == (1, 1)
    np.testing.assert_allclose(reverse.gradient, [6.0, 3.0, 2.0])


@pytest.mark.parametrize(
    "function", [forward_mode_gradient, reverse_mode_gradient], ids=["fwd", "rev"]
)
@pytest.mark.parametrize(
    ("point", "match"),
    [([1.0, np.nan], "point contains 1 NaN"), ([], "point is empty")],
)
def test_bad_points_are_rejected_by_name(function, point, match):
    with pytest.raises(ValueError, match=match):
        function(lambda a, b: a * b, point)

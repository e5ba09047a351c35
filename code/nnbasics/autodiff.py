"""Automatic differentiation: the program works out its own derivatives.

A computation is a chain of small operations (add, multiply, tanh, ...), and
the chain rule says that the derivative of the whole is built from the local
derivatives of the links. There are two ways to push derivatives through the
chain:

**Forward mode** (:class:`Dual`) carries, next to every number, its rate of
change along *one* chosen input direction. One pass gives the derivative
with respect to one input; a function of P inputs needs P passes
(:func:`forward_mode_gradient`).

**Reverse mode** (:class:`Node`) runs forward once, writing every number on
a *tape*: each node remembers the nodes it was computed from and the local
derivative of each link. Then :meth:`Node.backward` walks the tape once,
from the result back to the inputs, and leaves the derivative of the result
in every node: all P partial derivatives from a single backward pass
(:func:`reverse_mode_gradient`). Backpropagation is reverse mode applied to
the loss of a network.

Every operation of :class:`Node` has the same few-line shape: compute the
value, and list each number it was computed from with the local derivative
of that link. For tanh, whose derivative is 1 − tanh²:

.. code-block:: python

    def tanh(self) -> Node:
        value = math.tanh(self.value)
        return Node(value, ((self, 1.0 - value * value),))

Adding an operation means writing one more method, or function, of that
shape. The functions :func:`tan` and :func:`tanh` apply the operation to a
plain number, a :class:`Dual` or a :class:`Node` alike, so one formula can be
evaluated in all three ways.

Examples
--------
The loss (w·x − y)² for one sample, and its derivative with respect to the
weight, 2(w·x − y)·x = 2·(6 − 5)·2 = 4:

>>> w = Node(3.0)
>>> loss = (w * 2.0 - 5.0) * (w * 2.0 - 5.0)
>>> loss.backward()
>>> loss.value, w.gradient
(1.0, 4.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data

__all__ = [
    "Dual",
    "Node",
    "topological_order",
    "tan",
    "tanh",
    "Derivative",
    "forward_mode_gradient",
    "reverse_mode_gradient",
]

# --- forward mode --------------------------------------------------------------------


@dataclass(frozen=True)
class Dual:
    """A number that carries its derivative along one chosen direction.

    Arithmetic on duals applies the chain rule as it goes, so one forward
    pass computes a value and its derivative along the seeded direction.

    Attributes
    ----------
    value : float
        The number itself.
    slope : float
        Its derivative along the chosen direction (0 for a constant).

    Examples
    --------
    d(3x²)/dx at x = 2 is 12:

    >>> x = Dual(2.0, 1.0)
    >>> 3 * x * x
    Dual(value=12.0, slope=12.0)
    """

    value: float
    slope: float = 0.0

    def __add__(self, other: Dual | float) -> Dual:
        other = _as_dual(other)
        return Dual(self.value + other.value, self.slope + other.slope)

    __radd__ = __add__

    def __mul__(self, other: Dual | float) -> Dual:
        other = _as_dual(other)
        return Dual(
            self.value * other.value,
            self.slope * other.value + self.value * other.slope,
        )

    __rmul__ = __mul__

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.slope)

    def __sub__(self, other: Dual | float) -> Dual:
        other = _as_dual(other)
        return Dual(self.value - other.value, self.slope - other.slope)

    def __rsub__(self, other: float) -> Dual:
        return _as_dual(other) - self

    def tan(self) -> Dual:
        """tan(u), with slope (1 + tan²u)·u'."""
        value = math.tan(self.value)
        return Dual(value, (1.0 + value * value) * self.slope)

    def tanh(self) -> Dual:
        """tanh(u), with slope (1 − tanh²u)·u'."""
        value = math.tanh(self.value)
        return Dual(value, (1.0 - value * value) * self.slope)


def _as_dual(number: Dual | float) -> Dual:
    """Return ``number`` as a :class:`Dual`; a plain number is a constant (slope 0)."""
    return number if isinstance(number, Dual) else Dual(float(number))


# --- reverse mode --------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """A number on a tape: it remembers which numbers it was computed from.

    After the forward pass, :meth:`backward` walks the tape once, from the
    result back to the inputs, and leaves d(result)/d(node) in every node's
    ``gradient``: all partial derivatives from a single backward pass.

    Attributes
    ----------
    value : float
        The number computed in the forward pass.
    parents : tuple of (Node, float)
        The nodes this one was computed from, each with the local derivative
        d(this node)/d(parent) of the link; empty for an input or a constant.
    gradient : float
        d(result)/d(this node), filled in by the result's :meth:`backward`.

    Examples
    --------
    >>> x, y = Node(2.0), Node(5.0)
    >>> out = 3 * x * x + x * y
    >>> out.backward()
    >>> x.gradient, y.gradient
    (17.0, 2.0)
    """

    value: float
    parents: tuple[tuple[Node, float], ...] = ()
    gradient: float = field(default=0.0, repr=False)

    def __add__(self, other: Node | float) -> Node:
        other = _as_node(other)
        return Node(self.value + other.value, ((self, 1.0), (other, 1.0)))

    __radd__ = __add__

    def __mul__(self, other: Node | float) -> Node:
        other = _as_node(other)
        return Node(
            self.value * other.value, ((self, other.value), (other, self.value))
        )

    __rmul__ = __mul__

    def __neg__(self) -> Node:
        return Node(-self.value, ((self, -1.0),))

    def __sub__(self, other: Node | float) -> Node:
        other = _as_node(other)
        return Node(self.value - other.value, ((self, 1.0), (other, -1.0)))

    def __rsub__(self, other: float) -> Node:
        return _as_node(other) - self

    def tan(self) -> Node:
        """tan(u); its local derivative 1 + tan²u is stored for the backward pass."""
        value = math.tan(self.value)
        return Node(value, ((self, 1.0 + value * value),))

    def tanh(self) -> Node:
        """tanh(u); its local derivative 1 − tanh²u is stored for the backward pass."""
        value = math.tanh(self.value)
        return Node(value, ((self, 1.0 - value * value),))

    def backward(self) -> None:
        """Pull d(self)/d(node) back to every node self was computed from."""
        order = topological_order(self)  # every node after the nodes it came from
        for node in order:
            node.gradient = 0.0
        self.gradient = 1.0
        for node in reversed(order):  # children before parents: the chain rule
            for parent, local_derivative in node.parents:
                parent.gradient += node.gradient * local_derivative


def _as_node(number: Node | float) -> Node:
    """Return ``number`` as a :class:`Node`; a plain number is a constant leaf."""
    return number if isinstance(number, Node) else Node(float(number))


def topological_order(output: Node) -> list[Node]:
    """List the tape of ``output``: every node after the nodes it was computed from.

    A depth-first walk from ``output`` through its parents; each node is
    listed once, however many times it was used. Walking the list backwards
    visits every node before the nodes it was computed from, which is the
    order :meth:`Node.backward` needs. The walk uses its own stack, so a
    long tape does not hit Python's recursion limit.

    Parameters
    ----------
    output : Node
        The result of a computation, e.g. a loss.

    Returns
    -------
    list of Node
        The tape, inputs first and ``output`` last; its length counts the
        operations of the forward pass (inputs and constants included).

    Raises
    ------
    TypeError
        If ``output`` is not a :class:`Node`.

    Examples
    --------
    >>> x = Node(3.0)
    >>> square = x * x
    >>> [node.value for node in topological_order(square + 1.0)]
    [3.0, 9.0, 1.0, 10.0]
    """
    if not isinstance(output, Node):
        raise TypeError(f"output must be a Node, got {type(output).__name__}")
    order: list[Node] = []
    seen: set[int] = {id(output)}
    stack: list[tuple[Node, int]] = [(output, 0)]  # (node, next parent to visit)
    while stack:
        node, next_parent = stack.pop()
        if next_parent < len(node.parents):
            stack.append((node, next_parent + 1))
            parent = node.parents[next_parent][0]
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, 0))
        else:
            order.append(node)  # all its parents are listed: list it
    return order


# --- one formula, three kinds of number ----------------------------------------------


def tan(u: Dual | Node | float) -> Dual | Node | float:
    """Return tan(u) for a plain number, a :class:`Dual` or a :class:`Node`.

    Examples
    --------
    >>> tan(0.0), tan(Dual(0.0, 1.0))
    (0.0, Dual(value=0.0, slope=1.0))
    """
    return u.tan() if isinstance(u, (Dual, Node)) else math.tan(u)


def tanh(u: Dual | Node | float) -> Dual | Node | float:
    """Return tanh(u) for a plain number, a :class:`Dual` or a :class:`Node`.

    Examples
    --------
    >>> tanh(0.0), tanh(Dual(0.0, 1.0))
    (0.0, Dual(value=0.0, slope=1.0))
    """
    return u.tanh() if isinstance(u, (Dual, Node)) else math.tanh(u)


# --- gradients of a function, and what they cost -------------------------------------


@dataclass(frozen=True)
class Derivative:
    """A gradient together with what it cost to compute.

    Attributes
    ----------
    value : float
        The function's value at the point.
    gradient : numpy.ndarray
        One partial derivative per input.
    forward_passes : int
        How many times the function was evaluated.
    backward_passes : int
        How many times a tape was walked backwards.
    """

    value: float
    gradient: NDArray[np.float64]
    forward_passes: int
    backward_passes: int


FunctionOfInputs = Callable[..., object]


def forward_mode_gradient(function: FunctionOfInputs, point: ArrayLike) -> Derivative:
    """Differentiate by walking forward: one pass with dual numbers per input.

    Pass k seeds input k with slope 1 and every other input with slope 0, so
    the output's slope is the partial derivative along input k.

    Parameters
    ----------
    function : callable
        Takes one argument per input and returns a number; written with the
        operations :class:`Dual` knows (+, −, ·, :func:`tan`, :func:`tanh`).
    point : array_like
        Where to take the gradient, one value per input.

    Returns
    -------
    Derivative
        With ``forward_passes`` equal to the number of inputs.

    Examples
    --------
    >>> result = forward_mode_gradient(lambda a, b: a * a * b, [3.0, 2.0])
    >>> result.gradient, result.forward_passes
    (array([12.,  9.]), 2)
    """
    point = as_data("point", point, ndim=1)
    gradient = np.empty_like(point)
    value = 0.0
    for k in range(point.size):  # one forward pass per input direction
        inputs = [Dual(float(p), 1.0 if i == k else 0.0) for i, p in enumerate(point)]
        output = _as_dual(function(*inputs))
        value, gradient[k] = output.value, output.slope
    return Derivative(
        float(value), gradient, forward_passes=point.size, backward_passes=0
    )


def reverse_mode_gradient(function: FunctionOfInputs, point: ArrayLike) -> Derivative:
    """Differentiate by pulling back: one forward pass, one backward pass.

    The forward pass records every intermediate number on a tape
    (:class:`Node`); one walk back along the tape gives the partial derivative
    with respect to every input at once.

    Parameters
    ----------
    function : callable
        As for :func:`forward_mode_gradient`, with the operations of
        :class:`Node`.
    point : array_like
        Where to take the gradient, one value per input.

    Returns
    -------
    Derivative
        With one forward and one backward pass, however many inputs.

    Examples
    --------
    >>> result = reverse_mode_gradient(lambda a, b: a * a * b, [3.0, 2.0])
    >>> result.gradient, result.forward_passes, result.backward_passes
    (array([12.,  9.]), 1, 1)
    """
    point = as_data("point", point, ndim=1)
    inputs = [Node(float(p)) for p in point]
    output = _as_node(function(*inputs))  # one forward pass, recorded on the tape
    output.backward()  # one backward pass, for all inputs
    gradient = np.array([node.gradient for node in inputs])
    return Derivative(
        float(output.value), gradient, forward_passes=1, backward_passes=1
    )

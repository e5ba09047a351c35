"""A network with one hidden layer, and backpropagation through it, layer by layer.

One input x feeds a hidden layer of H units; their outputs feed one output
unit. Each hidden unit j weighs the input, adds a bias and bends the sum
with tanh; the output unit adds up the hidden outputs, each with its own
weight, plus a bias::

    s = w·x + b            weighted sums of the hidden layer   (one per unit)
    h = tanh(s)            outputs of the hidden layer
    z = Σⱼ vⱼ·hⱼ + c       output of the network
    L = mean of (z − y)²   loss over the batch

That makes 3H + 1 weights: w, b and v (H each) and c. :class:`Network` holds
them layer by layer; :func:`forward_pass` computes every layer's values for a
batch of inputs (:class:`Activations`); :func:`backward_pass` carries the
loss's derivative back, one layer at a time, and returns the derivative at
every layer and for every weight (:class:`LayerGradients`). :class:`NetworkFit`
packs the two as a :class:`~nnbasics.Problem` for :func:`nnbasics.train`,
whose parameters are the weights as one vector, in the order w, b, v, c.

:func:`tape_loss` computes the same loss one number at a time, so that
:mod:`nnbasics.autodiff` can differentiate it on its own: the tests check
that both backward passes agree with each other and with central differences.
:func:`gradient_cost` counts what a gradient costs by probing and by
backpropagation.

Examples
--------
>>> network = Network([1.0, -1.0], [0.0, 0.5], [2.0, 1.0], 0.1)
>>> activations = forward_pass(network, [0.0, 1.0])
>>> activations.output.round(3)
array([0.562, 1.161])
>>> gradients = backward_pass(network, activations, [0.0, 2.0])
>>> round(gradients.weights.output_bias, 3)
-0.277
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import (
    as_data,
    paired_samples,
    positive,
    positive_int,
    same_length,
)
from nnbasics.autodiff import Dual, Node, tanh, topological_order
from nnbasics.finite_difference import central_difference
from nnbasics.initialization import at_random
from nnbasics.loss import mean_squared_error, mean_squared_error_derivative

__all__ = [
    "Network",
    "Activations",
    "forward_pass",
    "LayerGradients",
    "backward_pass",
    "NetworkFit",
    "tape_loss",
    "GradientCost",
    "gradient_cost",
]

# --- the weights, layer by layer -----------------------------------------------------


@dataclass(frozen=True)
class Network:
    """The weights of a network with one hidden layer of tanh units.

    Parameters
    ----------
    hidden_weights : array_like
        w, shape (H,): the weight of the input in each hidden unit.
    hidden_biases : array_like
        b, shape (H,): the bias of each hidden unit.
    output_weights : array_like
        v, shape (H,): the weight of each hidden unit's output in the output.
    output_bias : float
        c: the bias of the output unit.

    Raises
    ------
    ValueError
        If a layer's weights hold NaN or infinity, or the three arrays do not
        hold one value per hidden unit each.

    Examples
    --------
    >>> network = Network([1.0, -1.0], [0.0, 0.5], [2.0, 1.0], 0.1)
    >>> network.width, network.size
    (2, 7)
    >>> network.to_vector()
    array([ 1. , -1. ,  0. ,  0.5,  2. ,  1. ,  0.1])
    """

    hidden_weights: NDArray[np.float64]
    hidden_biases: NDArray[np.float64]
    output_weights: NDArray[np.float64]
    output_bias: float

    def __post_init__(self) -> None:
        w = as_data("hidden_weights", self.hidden_weights, ndim=1)
        for name in ("hidden_biases", "output_weights"):
            layer = as_data(name, getattr(self, name), ndim=1)
            if layer.shape != w.shape:
                raise ValueError(
                    f"{name} must hold one value per hidden unit ({w.size}, like "
                    f"hidden_weights), got {layer.size}: the layers do not fit"
                )
            object.__setattr__(self, name, layer)
        object.__setattr__(self, "hidden_weights", w)
        bias = as_data("output_bias", self.output_bias, ndim=0)
        object.__setattr__(self, "output_bias", float(bias))

    @property
    def width(self) -> int:
        """H, the number of hidden units."""
        return int(self.hidden_weights.size)

    @property
    def size(self) -> int:
        """The number of weights, 3H + 1."""
        return 3 * self.width + 1

    def to_vector(self) -> NDArray[np.float64]:
        """Return all weights as one vector, in the order w, b, v, c."""
        return np.concatenate(
            [self.hidden_weights, self.hidden_biases, self.output_weights,
             [self.output_bias]]
        )  # fmt: skip

    @classmethod
    def from_vector(cls, params: ArrayLike, *, width: int) -> Network:
        """Unpack a vector w, b, v, c (3·width + 1 values) into a network.

        Raises
        ------
        ValueError
            If ``params`` does not hold 3·width + 1 finite values.

        Examples
        --------
        >>> Network.from_vector([1, 2, 3, 4], width=1).output_bias
        4.0
        """
        width = positive_int("width", width)
        params = as_data("params", params, ndim=1)
        if params.size != 3 * width + 1:
            raise ValueError(
                f"params must hold 3·width + 1 = {3 * width + 1} weights for "
                f"{width} hidden unit(s) (w, b, v, then c), got {params.size}"
            )
        w, b, v = params[:-1].reshape(3, width)
        return cls(w, b, v, float(params[-1]))

    @classmethod
    def at_random(cls, width: int, *, seed: int, scale: float = 1.0) -> Network:
        """Draw every weight from a normal distribution, reproducibly.

        Examples
        --------
        >>> Network.at_random(3, seed=0).size
        10
        """
        width = positive_int("width", width)
        return cls.from_vector(
            at_random(3 * width + 1, seed=seed, scale=scale), width=width
        )


# --- forward --------------------------------------------------------------------------


@dataclass(frozen=True)
class Activations:
    """Every layer's values in a forward pass, one row per sample.

    Attributes
    ----------
    inputs : numpy.ndarray
        x, shape (N,).
    weighted_sums : numpy.ndarray
        s = w·x + b, shape (N, H).
    hidden : numpy.ndarray
        h = tanh(s), shape (N, H).
    output : numpy.ndarray
        z = h·v + c, shape (N,): the prediction.
    """

    inputs: NDArray[np.float64]
    weighted_sums: NDArray[np.float64]
    hidden: NDArray[np.float64]
    output: NDArray[np.float64]


def forward_pass(network: Network, x: ArrayLike) -> Activations:
    """Compute every layer of ``network`` for the inputs ``x``, one per sample.

    Examples
    --------
    >>> forward_pass(Network([1.0], [0.0], [2.0], 0.5), [0.0]).output
    array([0.5])
    """
    _check_network("network", network)
    x = as_data("x", x, ndim=1)
    s = np.outer(x, network.hidden_weights) + network.hidden_biases  # first layer
    h = np.tanh(s)  # each hidden unit bends its sum
    z = h @ network.output_weights + network.output_bias  # output layer
    return Activations(inputs=x, weighted_sums=s, hidden=h, output=z)


# --- backward -------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerGradients:
    """The loss's derivative at every layer of a forward pass, and at every weight.

    Attributes
    ----------
    output : numpy.ndarray
        dL/dz, shape (N,): where backpropagation starts.
    hidden : numpy.ndarray
        dL/dh, shape (N, H): the hidden layer's share.
    weighted_sums : numpy.ndarray
        dL/ds, shape (N, H): that share, through tanh.
    weights : Network
        dL/d(weight) for every weight, laid out like the network.
    """

    output: NDArray[np.float64]
    hidden: NDArray[np.float64]
    weighted_sums: NDArray[np.float64]
    weights: Network


def backward_pass(
    network: Network, activations: Activations, target: ArrayLike
) -> LayerGradients:
    """Carry dL/dz back through the layers of ``network``: the chain rule, twice."""
    x, h, z, y = _check_backward(network, activations, target)
    dz = mean_squared_error_derivative(z, y)  # at the output: 2(z − y)/N
    dv, dc = h.T @ dz, dz.sum()  # output layer's weights: dz·h and dz
    dh = np.outer(dz, network.output_weights)  # hidden layer's share: dz·v
    ds = dh * (1.0 - h**2)  # through tanh, whose slope is 1 − h²
    dw, db = x @ ds, ds.sum(axis=0)  # first layer's weights: ds·x and ds
    return LayerGradients(dz, dh, ds, Network(dw, db, dv, dc))


def _check_network(name: str, network: object) -> None:
    """Raise TypeError unless ``network`` is a :class:`Network`."""
    if not isinstance(network, Network):
        raise TypeError(
            f"{name} must be an nnbasics.network.Network, got "
            f"{type(network).__name__}: use Network.from_vector(params, width=...)"
        )


def _check_backward(
    network: Network, activations: Activations, target: ArrayLike
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Return x, h, z and the target of a backward pass, or raise naming the fault."""
    _check_network("network", network)
    if not isinstance(activations, Activations):
        raise TypeError(
            "activations must be the Activations of forward_pass(network, x), "
            f"got {type(activations).__name__}"
        )
    x = as_data("activations.inputs", activations.inputs, ndim=1)
    h = as_data("activations.hidden", activations.hidden, ndim=2)
    z = as_data("activations.output", activations.output, ndim=1)
    y = as_data("target", target, ndim=1)
    same_length("activations.inputs", x, "target", y)
    if h.shape != (x.size, network.width) or z.shape != x.shape:
        raise ValueError(
            f"activations do not fit network: a forward pass of {x.size} sample(s) "
            f"through {network.width} hidden unit(s) has hidden shape "
            f"{(x.size, network.width)} and output shape {x.shape}, got "
            f"{h.shape} and {z.shape}; pass forward_pass(network, x)"
        )
    return x, h, z, y


# --- the problem for the training loop ------------------------------------------------


@dataclass(frozen=True)
class NetworkFit:
    """Fit a one-hidden-layer network to recorded samples (x, y).

    A :class:`~nnbasics.Problem` for :func:`nnbasics.train`: the parameters
    are the weights as one vector (:meth:`Network.to_vector`), the forward
    pass returns every layer's values (:class:`Activations`), so that the
    backward pass can use them, and the loss is the mean squared error.

    Parameters
    ----------
    x, y : array_like
        The recorded inputs and outputs, one pair per sample.
    width : int
        H, the number of hidden units.

    Examples
    --------
    >>> problem = NetworkFit([0.0, 1.0], [0.5, 0.5], width=1)
    >>> problem.loss(problem.forward(np.array([1.0, 0.0, 0.0, 0.5])))
    0.0
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    width: int

    def __post_init__(self) -> None:
        x, y = paired_samples(self.x, self.y)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "width", positive_int("width", self.width))

    def network(self, params: ArrayLike) -> Network:
        """Unpack the parameter vector into the network's layers."""
        return Network.from_vector(params, width=self.width)

    def forward(self, params: NDArray[np.float64]) -> Activations:
        """Compute every layer for the recorded inputs."""
        return forward_pass(self.network(params), self.x)

    def loss(self, prediction: Activations) -> float:
        """Score the network's output by its mean squared error."""
        return mean_squared_error(prediction.output, self.y)

    def backward(
        self, params: NDArray[np.float64], prediction: Activations
    ) -> NDArray[np.float64]:
        """Backpropagate through both layers; the gradient as one vector."""
        gradients = backward_pass(self.network(params), prediction, self.y)
        return gradients.weights.to_vector()

    def steepest_curvature(self, params: ArrayLike, step: float = 1e-5) -> float:
        """Return how sharply the loss bends at ``params``, in its steepest direction.

        The largest eigenvalue of the Hessian (the matrix of second
        derivatives), measured by central differences of the backward pass.
        Gradient descent is stable near ``params`` while the learning rate is
        below 2 divided by this number.

        Examples
        --------
        >>> problem = NetworkFit([0.0, 1.0], [0.5, 0.5], width=1)
        >>> round(problem.steepest_curvature([1.0, 0.0, 0.0, 0.5]), 3)
        2.331
        """
        params = as_data("params", params, ndim=1)
        self.network(params)  # the right number of weights?

        def gradient(at: NDArray[np.float64]) -> NDArray[np.float64]:
            return self.backward(at, self.forward(at))

        step = positive("step", step)
        hessian = np.array(  # column k: how the gradient changes along weight k
            [(gradient(params + step * e) - gradient(params - step * e)) / (2 * step)
             for e in np.eye(params.size)]
        )  # fmt: skip
        return float(np.linalg.eigvalsh((hessian + hessian.T) / 2)[-1])


# --- the same loss, one number at a time ----------------------------------------------

Number = Node | Dual | float


def tape_loss(params: Sequence[Number], x: ArrayLike, y: ArrayLike) -> Number:
    """Compute the network's loss one number at a time, for automatic differentiation.

    The same computation as :func:`forward_pass` and the mean squared error,
    written with the operations :mod:`nnbasics.autodiff` knows, so that it
    works on plain numbers, :class:`~nnbasics.autodiff.Dual` numbers and
    :class:`~nnbasics.autodiff.Node` numbers alike.

    Parameters
    ----------
    params : sequence
        The weights w, b, v, c (3H + 1 numbers), as :meth:`Network.to_vector`
        orders them.
    x, y : array_like
        The samples.

    Returns
    -------
    Node, Dual or float
        The mean squared error, of the same kind as ``params``.

    Examples
    --------
    >>> from nnbasics.autodiff import reverse_mode_gradient
    >>> x, y = [0.0, 1.0], [0.0, 2.0]
    >>> params = [1.0, -1.0, 0.0, 0.5, 2.0, 1.0, 0.1]
    >>> result = reverse_mode_gradient(lambda *p: tape_loss(p, x, y), params)
    >>> round(float(result.gradient[-1]), 3)
    -0.277
    """
    x, y = paired_samples(x, y)
    if (len(params) - 1) % 3 or len(params) < 4:
        raise ValueError(
            f"params must hold 3H + 1 weights (w, b, v for H hidden units, then c), "
            f"got {len(params)}"
        )
    width = (len(params) - 1) // 3
    w, b, v, c = (
        params[:width],
        params[width : 2 * width],
        params[2 * width : -1],
        params[-1],
    )
    total: Number = 0.0
    for x_i, y_i in zip(x.tolist(), y.tolist(), strict=True):
        z = c
        for j in range(width):
            z = z + v[j] * tanh(w[j] * x_i + b[j])
        error = z - y_i
        total = total + error * error
    return total * (1.0 / x.size)


# --- what a gradient costs ------------------------------------------------------------


@dataclass(frozen=True)
class GradientCost:
    """What one gradient of a network's loss costs, by probing and by backpropagation.

    Attributes
    ----------
    weights : int
        The number of weights P.
    probing_evaluations : int
        Evaluations of the loss that central differences made: 2P.
    tape_operations : int
        Operations (additions, multiplications, tanh) in one evaluation of
        the loss, as its tape records them; inputs and constants not counted.
    tape_links : int
        Links of the tape, from each operation to the numbers it used: the
        backward pass does one multiply-add per link.
    probing_operations : int
        Operations of all the probes: ``probing_evaluations·tape_operations``.
    backprop_operations : int
        Operations of one forward pass and of one backward pass along its
        tape: ``tape_operations + tape_links``.
    """

    weights: int
    probing_evaluations: int
    tape_operations: int
    tape_links: int
    probing_operations: int
    backprop_operations: int


def gradient_cost(network: Network, x: ArrayLike, y: ArrayLike) -> GradientCost:
    """Count what the gradient of ``network``'s loss on (x, y) costs, two ways.

    Probing calls the loss through :func:`~nnbasics.central_difference` and
    counts the calls; backpropagation records one forward pass on a tape
    (:func:`tape_loss`) and walks it back once.

    Examples
    --------
    >>> cost = gradient_cost(Network.at_random(2, seed=0), [0.0, 1.0], [0.0, 1.0])
    >>> cost.weights, cost.probing_evaluations, cost.tape_operations
    (7, 14, 27)
    >>> cost.probing_operations, cost.backprop_operations
    (378, 77)
    """
    _check_network("network", network)
    x, y = paired_samples(x, y)
    calls = []

    def probed_loss(params: NDArray[np.float64]) -> float:
        calls.append(1)
        return float(tape_loss(params.tolist(), x, y))

    central_difference(probed_loss, network.to_vector())
    tape = topological_order(tape_loss([Node(p) for p in network.to_vector()], x, y))
    operations = sum(1 for node in tape if node.parents)  # not inputs or constants
    links = sum(len(node.parents) for node in tape)
    return GradientCost(
        weights=network.size,
        probing_evaluations=len(calls),
        tape_operations=operations,
        tape_links=links,
        probing_operations=len(calls) * operations,
        backprop_operations=operations + links,
    )

"""Figures of "Back through the layers": the network with its numbers, and the cost.

:func:`network_diagram` draws a one-hidden-layer network for one sample:
forward, with every weight on its edge and every unit's value in its box, or
backward, with every weight's gradient on its edge and the loss's derivative
at every unit. :func:`fit_panels` draws samples and fitted curves, one panel
per stage; :func:`gradient_cost_plot` compares the cost of a gradient by
probing and by backpropagation as the network grows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from numpy.typing import ArrayLike

from nnbasics._validation import as_data
from nnbasics.language import tr, tr_label
from nnbasics.network import (
    Activations,
    GradientCost,
    LayerGradients,
    Network,
    forward_pass,
)
from nnbasics.notation import signed
from nnbasics.plotting.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PALETTE,
    RED,
    book_style,
    new_figure,
)

__all__ = ["network_diagram", "fit_panels", "gradient_cost_plot"]

_COLUMNS = (0.07, 0.5, 0.92)  # where the input, hidden and output units stand


def network_diagram(
    network: Network,
    activations: Activations,
    gradients: LayerGradients | None = None,
) -> Figure:
    """Draw the network for one sample, forward or backward, with numbers on it.

    Forward (no ``gradients``): each edge carries its weight (w from the
    input, v to the output), each box the unit's value (x, hⱼ, z), and each
    box's bias is written above it. Backward: each edge carries the loss's
    derivative with respect to its weight, each box the loss's derivative
    with respect to the unit's value, each bias label the derivative with
    respect to the bias, and the arrows point back, from the output to the
    input.

    Parameters
    ----------
    network : Network
        The weights.
    activations : Activations
        ``forward_pass(network, [x])`` for one sample.
    gradients : LayerGradients, optional
        ``backward_pass(network, activations, [y])``: draw the backward pass.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``activations`` (or ``gradients``) hold more than one sample or do
        not fit ``network``.

    Examples
    --------
    >>> from nnbasics.network import backward_pass
    >>> network = Network([1.0, -1.0], [0.0, 0.5], [2.0, 1.0], 0.1)
    >>> forward = forward_pass(network, [1.0])
    >>> network_diagram(network, forward).axes[0].get_title(loc="left")
    'forward: weights on the edges, values in the boxes'
    >>> backward = backward_pass(network, forward, [0.0])
    >>> network_diagram(network, forward, backward).axes[0].get_title(loc="left")
    'backward: gradients on the edges and in the boxes'
    """
    _check_one_sample(network, activations, gradients)
    width = network.width
    rows = np.linspace(0.88, 0.12, width) if width > 1 else np.array([0.5])
    figure = new_figure(4.8, 1.2 + 1.0 * width)
    axes = figure.axes[0]
    if gradients is None:
        title = tr("forward: weights on the edges, values in the boxes")
        units = (
            f"$x$\n{_number(activations.inputs[0], 2)}",
            [f"$h_{j + 1}$\n{_number(h, 2)}"
             for j, h in enumerate(activations.hidden[0])],
            f"$z$\n{_number(activations.output[0], 2)}",
        )  # fmt: skip
        edges = network.hidden_weights, network.output_weights
        biases = network.hidden_biases, network.output_bias
        names = "$w_j$", "$v_j$", "$b_{j}$ =", "$c$ ="
    else:
        weights = gradients.weights
        title = tr("backward: gradients on the edges and in the boxes")
        units = (
            f"$x$\n{_number(activations.inputs[0], 2)}",
            [f"$∂L/∂h_{j + 1}$\n{_number(d, 3)}"
             for j, d in enumerate(gradients.hidden[0])],
            f"$∂L/∂z$\n{_number(gradients.output[0], 3)}",
        )  # fmt: skip
        edges = weights.hidden_weights, weights.output_weights
        biases = weights.hidden_biases, weights.output_bias
        names = "$∂L/∂w_j$", "$∂L/∂v_j$", "$∂L/∂b_{j}$ =", "$∂L/∂c$ ="
    digits = 2 if gradients is None else 3
    with book_style():
        _draw_network(axes, rows, units, edges, biases, names, digits,
                      backwards=gradients is not None)  # fmt: skip
        axes.set_title(title, loc="left")
    return figure


def _draw_network(
    axes: Axes,
    rows: np.ndarray,
    units: tuple[str, list[str], str],
    edges: tuple[np.ndarray, np.ndarray],
    biases: tuple[np.ndarray, float],
    names: tuple[str, str, str, str],
    digits: int,
    *,
    backwards: bool,
) -> None:
    """Draw the boxes, the labelled edges and the bias labels on ``axes``."""
    left, middle, right = _COLUMNS
    box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "linewidth": 1.4}
    tag = {"boxstyle": "round,pad=0.15", "facecolor": "white", "linewidth": 0}
    colour = RED if backwards else BLUE

    def unit(x: float, y: float, text: str, edge: str) -> None:
        axes.text(x, y, text, ha="center", va="center", zorder=3,
                  bbox={**box, "edgecolor": edge})  # fmt: skip

    def edge(start: tuple[float, float], end: tuple[float, float], at: float,
             text: str) -> None:  # fmt: skip
        tail, head = (end, start) if backwards else (start, end)
        axes.add_patch(FancyArrowPatch(tail, head, arrowstyle="-|>", color=colour,
                                       mutation_scale=12, linewidth=1.3,
                                       shrinkA=22, shrinkB=24, zorder=1))  # fmt: skip
        x = start[0] + at * (end[0] - start[0])
        y = start[1] + at * (end[1] - start[1])
        axes.text(x, y, text, ha="center", va="center", color=colour,
                  bbox=tag, zorder=2)  # fmt: skip

    weight_name, out_name, bias_name, out_bias_name = names
    unit(left, 0.5, units[0], INK)
    unit(right, 0.5, units[2], GREEN)
    for j, y in enumerate(rows):
        unit(middle, y, units[1][j], ORANGE)
        edge((left, 0.5), (middle, y), 0.5, _number(edges[0][j], digits))
        edge((middle, y), (right, 0.5), 0.5, _number(edges[1][j], digits))
        label = bias_name.replace("{j}", str(j + 1))
        axes.text(middle, y + 0.085, f"{label} {_number(biases[0][j], digits)}",
                  ha="center", va="bottom", color=MUTED)  # fmt: skip
    above = 0.14 if backwards else 0.085  # clear of the arrows' start
    axes.text(right, 0.5 + above, f"{out_bias_name} {_number(biases[1], digits)}",
              ha="center", va="bottom", color=MUTED)  # fmt: skip
    edges_text = tr("edges: {name}")
    axes.text(0.29, 0.0, edges_text.format(name=weight_name), ha="center",
              va="bottom", color=colour)  # fmt: skip
    axes.text(0.71, 0.0, edges_text.format(name=out_name), ha="center",
              va="bottom", color=colour)  # fmt: skip
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.02, 1.0)
    axes.axis("off")


def _number(value: float, digits: int) -> str:
    """Format a weight or a gradient with a true minus sign."""
    return signed(float(value), f".{digits}f")


def _check_one_sample(
    network: Network, activations: Activations, gradients: LayerGradients | None
) -> None:
    """Raise ValueError unless the pass is one sample through ``network``."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network, got {type(network).__name__}")
    if not isinstance(activations, Activations):
        raise TypeError(
            "activations must be forward_pass(network, [x]), got "
            f"{type(activations).__name__}"
        )
    if activations.hidden.shape != (1, network.width):
        raise ValueError(
            f"activations must be one sample through {network.width} hidden "
            f"unit(s), shape (1, {network.width}), got {activations.hidden.shape}: "
            "pass forward_pass(network, [x]) for a single x"
        )
    if gradients is not None and (
        not isinstance(gradients, LayerGradients)
        or gradients.hidden.shape != activations.hidden.shape
    ):
        raise ValueError(
            "gradients must be backward_pass(network, activations, [y]) for the "
            "same single sample"
        )


def fit_panels(
    x: ArrayLike,
    y: ArrayLike,
    panels: Mapping[str, Mapping[str, Network | ArrayLike]],
    *,
    grid: ArrayLike | None = None,
) -> Figure:
    """Draw the samples and fitted curves, one titled panel per stage, stacked.

    Parameters
    ----------
    x, y : array_like
        The samples, drawn as dots in every panel.
    panels : mapping of str to mapping of str to curve
        For each panel (by title), its curves by label; titles and labels are
        shown translated where the catalogue knows them
        (:func:`~nnbasics.language.tr_label`). A curve is a
        :class:`~nnbasics.network.Network` (drawn as its output over ``grid``)
        or an array of values over ``grid``. The first curve of a panel is
        drawn thick; the others thinner and dashed.
    grid : array_like, optional
        The inputs the curves are drawn over; default 200 points spanning x.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``panels`` is empty or a curve has not one value per grid point.

    Examples
    --------
    >>> x = np.linspace(-1, 1, 5)
    >>> figure = fit_panels(x, x**2, {"a line": {"z = x": x}}, grid=x)
    >>> [axes.get_title(loc="left") for axes in figure.axes]
    ['a line']
    """
    x = as_data("x", x, ndim=1)
    y = as_data("y", y, ndim=1)
    if len(panels) == 0:
        raise ValueError("panels is empty: pass at least one {title: {label: curve}}")
    grid = np.linspace(x.min(), x.max(), 200) if grid is None else grid
    grid = as_data("grid", grid, ndim=1)
    figure = new_figure(4.8, 0.6 + 2.9 * len(panels), nrows=len(panels),
                        squeeze=False, sharex=True)  # fmt: skip
    with book_style():
        for axes, (title, curves) in zip(figure.axes, panels.items(), strict=True):
            for k, (label, curve) in enumerate(curves.items()):
                values = _curve_values(label, curve, grid)
                style = {"linewidth": 2.2} if k == 0 else {
                    "linewidth": 1.3, "linestyle": (0, (4, 2))}  # fmt: skip
                axes.plot(grid, values, color=PALETTE[k % len(PALETTE)],
                          label=tr_label(label), **style)  # fmt: skip
            axes.plot(x, y, "o", color=INK, markersize=4, label=tr("samples"), zorder=3)
            axes.set_title(tr_label(title), loc="left")
            axes.set_ylabel(tr("output"))
            low, high = axes.get_ylim()
            axes.set_ylim(low, high + 0.5 * (high - low))  # room for the legend
            axes.legend(loc="upper left", ncols=2, handlelength=1.6)
        figure.axes[-1].set_xlabel(tr("input $x$"))
    return figure


def _curve_values(label: str, curve: Network | ArrayLike, grid: np.ndarray):
    """Return a curve's values over ``grid``: a network's output, or the values."""
    if isinstance(curve, Network):
        return forward_pass(curve, grid).output
    values = as_data(f"curve {label!r}", curve, ndim=1)
    if values.shape != grid.shape:
        raise ValueError(
            f"curve {label!r} must hold one value per grid point ({grid.size}), "
            f"got {values.size}"
        )
    return values


def gradient_cost_plot(costs: Sequence[GradientCost]) -> Figure:
    """Plot what a gradient costs against the number of weights, on log-log axes.

    Top: evaluations of the loss (probing) and passes through the network
    (backpropagation: one forward, one backward). Bottom: elementary
    operations, counted on the tape.

    Parameters
    ----------
    costs : sequence of GradientCost
        One per network size, from :func:`nnbasics.network.gradient_cost`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``costs`` is empty.

    Examples
    --------
    >>> from nnbasics.network import gradient_cost
    >>> costs = [gradient_cost(Network.at_random(h, seed=0), [0.0], [1.0])
    ...          for h in (1, 2, 4)]
    >>> [axes.get_yscale() for axes in gradient_cost_plot(costs).axes]
    ['log', 'log']
    """
    if len(costs) == 0:
        raise ValueError("costs is empty: pass one GradientCost per network size")
    weights = np.array([c.weights for c in costs])
    figure = new_figure(4.8, 6.4, nrows=2, sharex=True)
    passes, operations = figure.axes
    with book_style():
        passes.plot(weights, [c.probing_evaluations for c in costs], "o-",
                    color=ORANGE, label=tr("probing: 2 per weight"))  # fmt: skip
        passes.plot(weights, np.full(weights.shape, 2), "s-", color=BLUE,
                    label=tr("backprop: 1 forward + 1 backward"))  # fmt: skip
        passes.set_ylabel(tr("passes per gradient"))
        passes.set_ylim(1, 20 * max(c.probing_evaluations for c in costs))
        passes.set_title(tr("passes through the network"), loc="left")
        operations.plot(weights, [c.probing_operations for c in costs], "o-",
                        color=ORANGE, label=tr("probing"))  # fmt: skip
        operations.plot(weights, [c.backprop_operations for c in costs], "s-",
                        color=BLUE, label=tr("backpropagation"))  # fmt: skip
        operations.set_ylabel(tr("operations per gradient"))
        operations.set_title(tr("operations, counted on the tape"), loc="left")
        operations.set_xlabel(tr("number of weights (log scale)"))
        for axes in figure.axes:
            axes.set_xscale("log")
            axes.set_yscale("log")
            axes.legend(loc="upper left")
    return figure

"""Cracking the black box (section 2.0.4): copy a box from its recorded answers.

A box is fed a few inputs and its answers are written down (Table 2-1). It is
a second box, not the one of section 2.0.2 (:mod:`~nnbasics.examples.black_box`):
fed 1, that one answers 2.334, this one 2.21. The original calls both "the
black box"; the book keeps them apart. A model z = w1·x + w2·x² is then tuned
until its outputs match the recorded ones: first by hand, one sample at a
time, then by gradient descent on the mean squared error over all samples.
This module holds the samples, the hand walkthrough, and the measurements the
chapter uses to ask what "cracked" really means: the loss surface over the
two weights, its curvature, and how alike the two features x and x² are on
the samples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, paired_samples
from nnbasics.backprop import backprop
from nnbasics.forward import QUADRATIC, PolynomialModel, forward
from nnbasics.language import tr
from nnbasics.loss import signed_error

__all__ = [
    "Samples",
    "TABLE_2_1",
    "HAND_WEIGHTS",
    "HandStep",
    "hand_walkthrough",
    "w1_for_each_sample",
    "output_ratios",
    "loss_surface",
    "least_squares_weights",
    "Curvature",
    "loss_curvature",
    "feature_correlation",
    "markdown_table",
]


@dataclass(frozen=True)
class Samples:
    """Recorded inputs and outputs of a black box, one pair per sample.

    Parameters
    ----------
    x : array_like
        The inputs fed to the box (the features).
    y : array_like
        What the box answered (the labels), one per input.

    Examples
    --------
    >>> samples = Samples([1.0, 2.0], [2.21, 4.42])
    >>> len(samples), samples.y
    (2, array([2.21, 4.42]))
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]

    def __post_init__(self) -> None:
        x, y = paired_samples(self.x, self.y)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)


TABLE_2_1 = Samples(
    x=np.array([1.0, 1.1, 1.2, 2.0]),
    y=np.array([2.21, 2.431, 2.652, 4.42]),
)
"""Table 2-1: the four samples recorded from the black box."""

HAND_WEIGHTS: tuple[tuple[float, float], ...] = (
    (1.0, 1.0),
    (1.5, 1.0),
    (1.2, 1.0),
    (1.1, 1.0),
)
"""The weights (w1, w2) tried by hand, one pair per sample of Table 2-1.

The first three are the original's: z = x + x², then 1.5x + x², then
1.2x + x². The original stops at "adjust again, input 2"; the fourth pair,
1.1x + x², is the book's choice: the third error was positive, so the rule of
thumb says to lower w1 once more.
"""


@dataclass(frozen=True)
class HandStep:
    """One step of tuning by hand: one sample, one forward pass, one error.

    Attributes
    ----------
    sample : int
        The sample's id in the table (1-based).
    weights : numpy.ndarray
        The weights (w1, w2) used for this sample.
    x, target : float
        The sample's input and recorded output.
    prediction : float
        The model's output z for ``x``.
    error : float
        ``prediction - target``: positive means too big, negative too small.
    gradient : numpy.ndarray
        d(error²)/d(w1, w2) for this one sample, found by backpropagation.
    """

    sample: int
    weights: NDArray[np.float64]
    x: float
    target: float
    prediction: float
    error: float
    gradient: NDArray[np.float64]

    @property
    def verdict(self) -> str:
        """``"too big"``, ``"too small"`` or ``"exact"``, from the error's sign.

        In the current language (``nnbasics.use_language``).
        """
        if self.error > 0:
            return tr("too big")
        if self.error < 0:
            return tr("too small")
        return tr("exact")

    @property
    def advice(self) -> str:
        """What gradient descent says to do with the weights: the gradient's sign."""
        if np.all(self.gradient > 0):
            return "lower"
        if np.all(self.gradient < 0):
            return "raise"
        return "mixed" if np.any(self.gradient) else "keep"


def hand_walkthrough(
    weights_by_step: Sequence[ArrayLike] = HAND_WEIGHTS,
    samples: Samples = TABLE_2_1,
) -> list[HandStep]:
    """Try each pair of weights on the next sample, as one would by hand.

    Step k feeds sample k to z = w1·x + w2·x² with the k-th pair of weights,
    compares the output with the recorded one, and backpropagates that one
    sample's squared error to the weights.

    Parameters
    ----------
    weights_by_step : sequence of array_like, default HAND_WEIGHTS
        One pair (w1, w2) per step; at most one step per sample.
    samples : Samples, default TABLE_2_1
        The recorded inputs and outputs, used in order.

    Returns
    -------
    list of HandStep
        One entry per step.

    Raises
    ------
    ValueError
        If there are no steps, more steps than samples, or a pair of weights
        does not hold two finite numbers.

    Examples
    --------
    The first step of the original: z = x + x² at x = 1 gives 2, truth 2.21.

    >>> first = hand_walkthrough([(1, 1)])[0]
    >>> first.prediction, round(first.error, 2), first.verdict, first.advice
    (2.0, -0.21, 'too small', 'raise')
    """
    steps = list(weights_by_step)
    if not steps:
        raise ValueError("weights_by_step is empty: give at least one pair (w1, w2)")
    if len(steps) > len(samples):
        raise ValueError(
            f"weights_by_step has {len(steps)} pairs but there are only "
            f"{len(samples)} samples: give at most one pair per sample"
        )
    walkthrough = []
    for index, pair in enumerate(steps):
        weights = QUADRATIC.check_weights(pair)
        x, target = samples.x[index : index + 1], samples.y[index : index + 1]
        prediction = forward(weights, x)
        gradient = backprop(weights, x, prediction, target).weights
        walkthrough.append(
            HandStep(
                sample=index + 1,
                weights=weights,
                x=float(x[0]),
                target=float(target[0]),
                prediction=float(prediction[0]),
                error=float(signed_error(prediction, target)[0]),
                gradient=gradient,
            )
        )
    return walkthrough


def w1_for_each_sample(
    samples: Samples = TABLE_2_1, w2: float = 1.0
) -> NDArray[np.float64]:
    """Return the w1 that makes each sample's error exactly zero, w2 held fixed.

    From w1·x + w2·x² = y: w1 = (y - w2·x²) / x, one value per sample. When
    the values differ, no single w1 satisfies every sample: tuning w1 for one
    sample spoils it for the others.

    Parameters
    ----------
    samples : Samples, default TABLE_2_1
        The recorded inputs and outputs; no input may be 0.
    w2 : float, default 1.0
        The weight of x², held fixed.

    Returns
    -------
    numpy.ndarray
        One w1 per sample.

    Raises
    ------
    ValueError
        If an input is 0 (then w1 has no effect on that sample) or ``w2`` is
        not a finite number.

    Examples
    --------
    With w2 = 1 the four samples of Table 2-1 each want a different w1:

    >>> w1_for_each_sample().round(2)
    array([1.21, 1.11, 1.01, 0.21])
    """
    w2 = float(as_data("w2", w2, ndim=0))
    x = _nonzero_inputs(samples)
    return (samples.y - w2 * x**2) / x


def output_ratios(samples: Samples = TABLE_2_1) -> NDArray[np.float64]:
    """Return y / x for every sample: equal ratios mean the box is a line y = c·x.

    Parameters
    ----------
    samples : Samples, default TABLE_2_1
        The recorded inputs and outputs; no input may be 0.

    Returns
    -------
    numpy.ndarray
        One ratio per sample.

    Raises
    ------
    ValueError
        If an input is 0.

    Examples
    --------
    >>> output_ratios().round(12)
    array([2.21, 2.21, 2.21, 2.21])
    """
    return samples.y / _nonzero_inputs(samples)


def loss_surface(
    w1: ArrayLike, w2: ArrayLike, samples: Samples = TABLE_2_1
) -> NDArray[np.float64]:
    """Return the mean squared error of z = w1·x + w2·x² over a grid of weights.

    Every grid point is scored at once: the features of the samples are
    computed once, and the predictions of all weight pairs come from one
    broadcast product.

    Parameters
    ----------
    w1, w2 : array_like
        1-D grids of values for w1 and for w2.
    samples : Samples, default TABLE_2_1
        The recorded inputs and outputs the loss is measured on.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(w2), len(w1))``: row i, column j is the loss at
        (w1[j], w2[i]), the layout :meth:`~matplotlib.axes.Axes.contour` expects.

    Raises
    ------
    ValueError
        If a grid is empty, not 1-D, or holds NaN or infinity.

    Examples
    --------
    The first guess w = (1, 1), and the line y = 2.21·x that fits exactly:

    >>> loss_surface([1.0, 2.21], [0.0, 1.0]).round(4)
    array([[2.8001, 0.    ],
           [0.6388, 5.1344]])
    """
    w1 = as_data("w1", w1, ndim=1)
    w2 = as_data("w2", w2, ndim=1)
    features = QUADRATIC.features(samples.x)  # (samples, 2): x and x²
    predictions = (
        w1[np.newaxis, :, np.newaxis] * features[:, 0]
        + w2[:, np.newaxis, np.newaxis] * features[:, 1]
    )  # (len(w2), len(w1), samples)
    return np.mean((predictions - samples.y) ** 2, axis=-1)


def least_squares_weights(
    samples: Samples = TABLE_2_1, model: PolynomialModel = QUADRATIC
) -> NDArray[np.float64]:
    """Return the weights of lowest mean squared error, solved directly.

    The model is linear in its weights, so the bottom of the loss can be
    found in one step by least squares, without any descent. Training is
    not needed for this tiny problem; the chapter uses the answer to mark
    where descent is heading.

    Parameters
    ----------
    samples : Samples, default TABLE_2_1
        The recorded inputs and outputs.
    model : PolynomialModel, default QUADRATIC
        The model whose weights are fitted.

    Returns
    -------
    numpy.ndarray
        One weight per feature of ``model``.

    Examples
    --------
    The samples of Table 2-1 lie exactly on y = 2.21·x:

    >>> least_squares_weights().round(10) + 0.0
    array([2.21, 0.  ])
    """
    features = model.features(samples.x)
    weights, *_ = np.linalg.lstsq(features, samples.y, rcond=None)
    return weights


@dataclass(frozen=True)
class Curvature:
    """How sharply the loss bends around its lowest point, direction by direction.

    For the mean squared error of a weighted sum of features, the second
    derivative of the loss (the Hessian) is the same everywhere:
    (2/n)·FᵀF, F holding one row of features per sample. Its eigenvalues are
    the curvatures along the eigenvectors.

    Attributes
    ----------
    values : numpy.ndarray
        The curvatures, smallest first.
    directions : numpy.ndarray
        Unit vectors in weight space, one column per curvature.
    """

    values: NDArray[np.float64]
    directions: NDArray[np.float64]

    @property
    def ratio(self) -> float:
        """Sharpest curvature over flattest: how long and narrow the valley is."""
        return float(self.values[-1] / self.values[0])

    @property
    def largest_stable_learning_rate(self) -> float:
        """Gradient descent diverges for learning rates above 2 / steepest curvature."""
        return float(2.0 / self.values[-1])


def loss_curvature(
    samples: Samples = TABLE_2_1, model: PolynomialModel = QUADRATIC
) -> Curvature:
    """Return the curvature of the mean squared error over the model's weights.

    Parameters
    ----------
    samples : Samples, default TABLE_2_1
        The recorded inputs and outputs.
    model : PolynomialModel, default QUADRATIC
        The model whose weights the loss depends on.

    Returns
    -------
    Curvature
        Curvatures (smallest first) and their directions.

    Examples
    --------
    On Table 2-1 the loss curves about 66 times more sharply across its
    valley than along it:

    >>> curvature = loss_curvature()
    >>> curvature.values.round(2), round(curvature.ratio)
    (array([ 0.21, 13.88]), 66)
    """
    features = model.features(samples.x)
    hessian = 2.0 / len(samples) * features.T @ features
    values, directions = np.linalg.eigh(hessian)
    return Curvature(values=values, directions=directions)


def feature_correlation(samples: Samples = TABLE_2_1) -> float:
    """Return the correlation between the features x and x² over the samples.

    A value near 1 means the two features rise and fall together on the
    samples, so the loss can barely tell w1 from w2.

    Parameters
    ----------
    samples : Samples, default TABLE_2_1
        At least two samples with different inputs.

    Returns
    -------
    float
        Pearson's correlation coefficient, between -1 and 1.

    Raises
    ------
    ValueError
        If all inputs are equal (the correlation is undefined).

    Examples
    --------
    >>> round(feature_correlation(), 4)
    0.9987
    """
    if np.ptp(samples.x) == 0:
        raise ValueError(
            "samples has no spread in x: the correlation needs at least two "
            "different inputs"
        )
    features = QUADRATIC.features(samples.x)
    return float(np.corrcoef(features[:, 0], features[:, 1])[0, 1])


def markdown_table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    formats: Sequence[str] | None = None,
) -> str:
    """Return a Markdown table: numbers in the rows are formatted, not typed.

    Parameters
    ----------
    header : sequence of str
        Column titles.
    rows : iterable of sequences
        One sequence per row, one entry per column.
    formats : sequence of str, optional
        A format spec per column (e.g. ``".3f"``), applied to numbers;
        default ``"g"`` for every column. Text entries are shown as they are.

    Returns
    -------
    str
        The table, ready for :class:`IPython.display.Markdown`; negative
        numbers carry a true minus sign (−).

    Raises
    ------
    ValueError
        If ``header`` is empty, or a row or ``formats`` has the wrong length.

    Examples
    --------
    >>> table = markdown_table(["id", "x", "y"], [[1, 1.1, 2.431]], ["d", "g", ".2f"])
    >>> print(table)
    | id | x | y |
    |---|---|---|
    | 1 | 1.1 | 2.43 |
    """
    header = [str(title) for title in header]
    if not header:
        raise ValueError("header is empty: give one title per column")
    formats = ["g"] * len(header) if formats is None else list(formats)
    if len(formats) != len(header):
        raise ValueError(
            f"formats has {len(formats)} entries but header has {len(header)} "
            "columns: give one format per column"
        )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for number, row in enumerate(rows, start=1):
        row = list(row)
        if len(row) != len(header):
            raise ValueError(
                f"row {number} has {len(row)} entries but header has "
                f"{len(header)} columns: give one entry per column"
            )
        cells = [_cell(value, spec) for value, spec in zip(row, formats, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: object, spec: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return str(value)
    number = int(value) if isinstance(value, (int, np.integer)) else float(value)
    text = format(number, spec)
    if float(text) == 0:
        return text.removeprefix("-")  # no "-0.000"
    return text.replace("-", "\N{MINUS SIGN}", 1)  # print a true minus sign


def _nonzero_inputs(samples: Samples) -> NDArray[np.float64]:
    if np.any(samples.x == 0):
        raise ValueError(
            "samples has an input x = 0, where the ratio is undefined: "
            "drop that sample first"
        )
    return samples.x

"""The black box (section 2.0.2): find the input that makes it answer 4.

Only the box's inputs and outputs can be seen. Fed 1 it answers 2.334; fed 2
it answers 5.332. The book's box hides z = 2.002·x + 0.332·x², the one
quadratic of the form w1·x + w2·x² through both of those points (the original
never says what is inside). It is not the box of Table 2-1
(:mod:`nnbasics.examples.cracking`), which answers 2.21 when fed 1: the
original calls both "the black box", the book keeps them apart.

Since the box cannot be opened, its slope is *measured* by probing it on
either side of the current input (a central difference), and gradient
descent moves the input. :class:`InputSearch` is that training problem: its
error is f(x) - t, its loss the squared error (f(x) - t)². Its settings are
checked when it is made:

>>> search = InputSearch(BlackBox(), target=4.0)
>>> x = np.array([1.0])
>>> round(search.loss(search.forward(x)), 6), search.slope(x).round(3)
(2.775556, array([2.666]))
>>> InputSearch(BlackBox(), probe_step=0.0)
Traceback (most recent call last):
...
ValueError: probe_step must be a positive, finite number, got 0.0

:class:`SearchTable` turns a run into the chapter's table of iterations,
:class:`RecordingBox` counts what the probing costs, :class:`SignOnlySearch`
is the search told only "too big" or "too small", and :func:`step_factor`
explains when the learning rate is too large.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive, positive_int
from nnbasics.forward import QUADRATIC, forward
from nnbasics.goal import Goal
from nnbasics.language import tr
from nnbasics.loss import signed_error, squared_error
from nnbasics.training import History

__all__ = [
    "Array",
    "HIDDEN_WEIGHTS",
    "TARGET",
    "START",
    "OUTPUT_TOLERANCE",
    "BlackBox",
    "RecordingBox",
    "InputSearch",
    "SignOnlySearch",
    "goal_within",
    "step_factor",
    "SearchTable",
]

Array = NDArray[np.float64]
"""A NumPy array of floats: inputs, outputs, slopes."""

HIDDEN_WEIGHTS = (2.002, 0.332)
"""The weights inside the book's box: z = 2.002·x + 0.332·x²."""

TARGET = 4.0
"""The output the box asks for."""

START = 1.0
"""The initialization: the first input fed to the box."""

OUTPUT_TOLERANCE = 1e-3
"""The search is done once the output is this close to the target."""


@dataclass(frozen=True)
class BlackBox:
    """A function whose formula is hidden: call it, count the calls, nothing more.

    Examples
    --------
    >>> box = BlackBox()
    >>> box([1.0, 2.0]).round(3)
    array([2.334, 5.332])
    """

    _weights: tuple[float, float] = field(default=HIDDEN_WEIGHTS, repr=False)

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Feed inputs to the box and read its outputs."""
        return forward(self._weights, x, QUADRATIC)

    def reveal(self) -> str:
        """Open the box: return its formula as text (for the end of the chapter)."""
        w1, w2 = self._weights
        return f"z = {w1:g}·x + {w2:g}·x²"

    def exact_slope(self, x: ArrayLike) -> NDArray[np.float64]:
        """Open the box: d(output)/d(input) from its formula, to check the probes.

        Examples
        --------
        >>> BlackBox().exact_slope([1.0, 2.0]).round(3)
        array([2.666, 3.33 ])
        """
        return QUADRATIC.feature_slopes(x) @ np.asarray(self._weights, dtype=float)


@dataclass(frozen=True)
class RecordingBox(BlackBox):
    """A black box that writes every input it is fed into a logbook.

    Probing has a price: every measurement is one more call of the box. This
    box counts the calls, so the price can be read off after a search.

    Examples
    --------
    >>> box = RecordingBox()
    >>> _ = box([1.0]), box([1.999, 2.001])
    >>> box.calls, box.inputs
    (2, array([1.   , 1.999, 2.001]))
    """

    log: list[NDArray[np.float64]] = field(
        default_factory=list, repr=False, compare=False
    )

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Feed inputs to the box, note them in the logbook, read the outputs."""
        x = as_data("x", x, ndim=1)
        self.log.append(x.copy())
        return super().__call__(x)

    @property
    def calls(self) -> int:
        """How many times the box has been called."""
        return len(self.log)

    @property
    def inputs(self) -> NDArray[np.float64]:
        """Every input fed to the box so far, in order."""
        if not self.log:
            return np.empty(0)
        return np.concatenate(self.log)


class _CheckedSettings:
    """Check a search's settings when it is made: a clear error, not a NaN later."""

    def __post_init__(self) -> None:
        as_data("target", self.target)  # type: ignore[attr-defined]
        if hasattr(self, "probe_step"):
            positive("probe_step", self.probe_step)


@dataclass(frozen=True)
class InputSearch(_CheckedSettings):
    """The black box as a training problem: the parameter trained is the input."""

    box: BlackBox
    target: float = TARGET
    probe_step: float = 1e-3  # h: how far to either side the slope is probed

    def forward(self, x: Array) -> Array:
        """Feed the input to the box and read the output f(x)."""
        return self.box(x)

    def loss(self, output: Array) -> float:
        """Return the loss: the squared error (f(x) - t)²."""
        return float((output[0] - self.target) ** 2)

    def slope(self, x: Array) -> Array:
        """Measure f'(x) from outside: probe the box h to either side of x."""
        h = self.probe_step
        return (self.box(x + h) - self.box(x - h)) / (2 * h)

    def backward(self, x: Array, output: Array) -> Array:
        """dL/dx = 2·(f(x) - t)·f'(x): twice the error times the slope."""
        return 2.0 * (output - self.target) * self.slope(x)


@dataclass(frozen=True)
class SignOnlySearch(_CheckedSettings):
    """A search that is told only *whether* the output is too big or too small.

    Like the reply of the guessing game, the step ignores the size of the
    miss: the input moves by the learning rate, down when the output is too
    big and up when it is too small (this assumes the output grows with the
    input, as it does near the answer). The loss is the same squared miss as
    in :class:`InputSearch`, so the same :class:`~nnbasics.Goal` applies. The
    box is called once per step: no probes.

    Examples
    --------
    >>> search = SignOnlySearch(BlackBox())
    >>> x = np.array([1.0])
    >>> search.backward(x, search.forward(x))
    array([-1.])
    """

    box: BlackBox
    target: float = TARGET

    def forward(self, params: NDArray[np.float64]) -> NDArray[np.float64]:
        """Feed the current input to the box."""
        return self.box(params)

    def loss(self, prediction: NDArray[np.float64]) -> float:
        """Return the squared miss (output - target)²."""
        return float(squared_error(prediction, [self.target])[0])

    def backward(
        self, params: NDArray[np.float64], prediction: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Return only the sign of output - target: +1 too big, -1 too small."""
        return np.sign(signed_error(prediction, [self.target]))


def goal_within(
    output_tolerance: float = OUTPUT_TOLERANCE, *, max_steps: int = 100
) -> Goal:
    """Return the stopping rule "output within ``output_tolerance`` of the target".

    The loss is the squared miss, so ``abs(output - target) < t`` is the same as
    loss < t²: the returned goal's tolerance is ``output_tolerance ** 2``.

    Parameters
    ----------
    output_tolerance : float, default OUTPUT_TOLERANCE
        How close the output must come to the target.
    max_steps : int, default 100
        The most descent steps the search may take.

    Returns
    -------
    Goal

    Examples
    --------
    >>> goal_within(0.001).tolerance
    1e-06
    """
    output_tolerance = positive("output_tolerance", output_tolerance)
    return Goal(
        tolerance=output_tolerance**2, max_steps=positive_int("max_steps", max_steps)
    )


def step_factor(learning_rate: float, slope: ArrayLike) -> NDArray[np.float64]:
    """How one descent step scales the input's distance to the answer, near it.

    Close to the answer x*, the box is nearly a straight line of slope s, so
    output - target ≈ s·(x - x*) and the step x - η·2·(output - target)·s
    leaves x - x* multiplied by 1 - 2·η·s². A factor between 0 and 1 creeps
    up on the answer, between -1 and 0 overshoots but closes in, below -1
    overshoots further every step.

    Parameters
    ----------
    learning_rate : float
        The step size η.
    slope : array_like
        The box's slope near the answer (one or several values).

    Returns
    -------
    numpy.ndarray
        1 - 2·η·s², one value per slope.

    Examples
    --------
    >>> step_factor(0.05, [3.0]).round(3)
    array([0.1])
    >>> step_factor(0.12, [3.0]).round(3)
    array([-1.16])
    """
    learning_rate = positive("learning_rate", learning_rate)
    slope = as_data("slope", slope, ndim=1)
    return 1.0 - 2.0 * learning_rate * slope**2


@dataclass(frozen=True)
class SearchTable:
    """The iterations of an input search, one row per step, ready to print.

    Build it with :meth:`from_history`. The last row has no next input
    (``nan``): the search stopped there.

    Attributes
    ----------
    steps : numpy.ndarray
        0, 1, 2, ... (step 0 is the initialization).
    inputs : numpy.ndarray
        The input fed to the box at each step.
    outputs : numpy.ndarray
        What the box answered.
    signed_errors : numpy.ndarray
        Output minus target: the sign says too big or too small.
    slopes : numpy.ndarray
        The slope measured by probing either side of the input.
    next_inputs : numpy.ndarray
        The input the descent step chose (``nan`` on the last row).
    target : float
        The output the search aimed for.
    learning_rate : float
        The step size of the search.
    converged : bool
        Whether the search reached its goal.
    """

    steps: NDArray[np.int64]
    inputs: NDArray[np.float64]
    outputs: NDArray[np.float64]
    signed_errors: NDArray[np.float64]
    slopes: NDArray[np.float64]
    next_inputs: NDArray[np.float64]
    target: float
    learning_rate: float
    converged: bool

    @classmethod
    def from_history(cls, search: InputSearch, history: History) -> SearchTable:
        """Tabulate the run ``history`` of ``search`` (from :func:`nnbasics.train`).

        The outputs and slopes are read again from the box at the recorded
        inputs (three calls per row); the next inputs are the History's own.

        Parameters
        ----------
        search : InputSearch
            The problem the History was trained on.
        history : History
            The result of ``train(search, ...)``.

        Returns
        -------
        SearchTable

        Raises
        ------
        TypeError
            If ``search`` is not an :class:`InputSearch` or ``history`` not a
            :class:`~nnbasics.History`.
        ValueError
            If the History trained more than one parameter (it does not
            come from an input search).

        Examples
        --------
        >>> from nnbasics import train
        >>> search = InputSearch(BlackBox())
        >>> run = train(search, [1.0], learning_rate=0.05, goal=goal_within(0.001))
        >>> table = SearchTable.from_history(search, run)
        >>> print(table.inputs[0], table.outputs[0], table.slopes[0].round(3))
        1.0 2.334 2.666
        """
        if not isinstance(search, InputSearch):
            raise TypeError(
                f"search must be an InputSearch, got {type(search).__name__}"
            )
        if not isinstance(history, History):
            raise TypeError(
                "history must be the History returned by nnbasics.train, "
                f"got {type(history).__name__}"
            )
        if history.params.ndim != 2 or history.params.shape[1] != 1:
            raise ValueError(
                "history must come from an input search (one parameter, the input), "
                f"got parameters of shape {history.params.shape}"
            )
        inputs = history.params[:, 0].copy()
        outputs = np.array([search.forward(row)[0] for row in history.params])
        slopes = np.array([search.slope(row)[0] for row in history.params])
        next_inputs = np.append(inputs[1:], np.nan)
        return cls(
            steps=history.steps.copy(),
            inputs=inputs,
            outputs=outputs,
            signed_errors=signed_error(outputs, np.full_like(outputs, search.target)),
            slopes=slopes,
            next_inputs=next_inputs,
            target=float(search.target),
            learning_rate=history.learning_rate,
            converged=history.converged,
        )

    def __len__(self) -> int:
        return int(self.steps.size)

    def to_markdown(self, digits: int = 4) -> str:
        """Return the table as Markdown, numbers rounded to ``digits`` decimals.

        The header is in the current language (``nnbasics.use_language``).

        Four narrow columns (they fit a phone): the step, the input, the
        error f(x) - target and the measured slope. The output is the target
        plus the error; the next input is the next row's input.

        Examples
        --------
        >>> from nnbasics import train
        >>> search = InputSearch(BlackBox())
        >>> run = train(search, [1.0], learning_rate=0.05, goal=goal_within(0.001))
        >>> print(SearchTable.from_history(search, run).to_markdown(3).splitlines()[2])
        | 0 | 1.000 | \u22121.666 | 2.666 |
        """
        digits = positive_int("digits", digits)

        def number(value: float) -> str:
            return f"{value:.{digits}f}".replace("-", "\u2212")

        header = tr(
            "| step | input $x$ | error $f(x) - {target:g}$ | slope $f'(x)$ |"
        ).format(target=self.target)
        rows = [header, "|---:|---:|---:|---:|"]
        for k in range(len(self)):
            cells = (self.inputs[k], self.signed_errors[k], self.slopes[k])
            rows.append(
                f"| {self.steps[k]} | " + " | ".join(number(c) for c in cells) + " |"
            )
        return "\n".join(rows)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

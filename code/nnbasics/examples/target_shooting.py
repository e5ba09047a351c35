"""Target shooting (section 2.0.3): correct the aim by the observed miss.

A rifle with a bad sight fires at a target 100 m away. After each shot the
target is pulled back, the miss is read off (how far from the centre, and in
which direction), and the aim is moved against it. This module rebuilds the
example in four parts:

1. The original's five-shot record (:data:`FIVE_SHOTS`): each shot as a ring
   and a direction angle, placed on a :class:`Target` whose ten rings have
   equal widths; the score deficits 10 - ring are derived from it.
2. A simulated :class:`Rifle` with a sight offset the shooter does not know and
   a random disturbance on every shot. :func:`zero_in` corrects the aim round
   by round by gradient descent; :func:`shoot` runs one seeded session of it.
3. Bursts of several shots per round, and :func:`compare_bursts`, which
   measures over many seeded runs how the burst size damps the noise of the
   aim: the mini-batch idea.
4. A small aside on differentiation: :func:`aim_loss`, differentiated by
   :func:`~nnbasics.autodiff.forward_mode_gradient` (dual numbers, one pass
   per input) and :func:`~nnbasics.autodiff.reverse_mode_gradient` (a tiny
   tape, one backward pass for all inputs) from :mod:`nnbasics.autodiff`.

Units and conventions, used everywhere in this module:

* Every position and distance on the target is in centimetres. The centre of
  the target is (0, 0), x points right and y points up.
* A direction on the target is an angle in degrees, counted counter-clockwise
  from the positive x axis (3 o'clock): 90° is straight up (12 o'clock),
  180° is straight left (9 o'clock).
* The shooter's *aim* is the point on the target the rifle is pointed at
  (cm). A correction moves that point; at the range of 100 m, turning the
  rifle by one milliradian moves it by 10 cm, which is how :func:`aim_loss`
  turns angles at the rifle into centimetres on the target.
* The **error** of a shot is its signed miss, the vector e = hit - centre =
  hit; its length is the shot's *gap* (:func:`gaps`). The **loss** of a
  burst is the mean squared error, the mean of the squared gaps
  (:func:`mean_squared_gap`), and for a single shot simply its squared gap.
  The original scores a burst by its mean gap (:func:`mean_gap`), which the
  book keeps as a readable score in centimetres.

:func:`aim_loss` and :func:`zero_in`, which the chapter shows, keep their
docstrings to one line; their arguments are these.

``aim_loss(azimuth, elevation, *, sight_offset=SIGHT_OFFSET, distance=RANGE)``
    The two angles of the rifle in milliradians (left-right and up-down).
    Turning the rifle by an angle moves the point it aims at by
    distance·tan(angle) on the target; the hit is that plus the sight offset
    (cm), and the loss is its squared gap (cm²). Works on plain numbers,
    :class:`~nnbasics.autodiff.Dual` numbers and
    :class:`~nnbasics.autodiff.Node` numbers alike.
``zero_in(rifle, disturbances, initial_aim, learning_rate, gradient=...)``
    Runs many sessions at once. ``disturbances`` has shape
    (runs, rounds, burst, 2), as drawn by :meth:`Rifle.disturbances`;
    ``initial_aim`` is the first aim point (x, y); every round the aim steps
    by -learning_rate·gradient, the gradient coming from ``gradient(hits)``
    (by default :func:`squared_gap_gradient`). Returns the aims, shape
    (runs, rounds + 1, 2), the hits, shape (runs, rounds, burst, 2), and the
    gradients, shape (runs, rounds, 2).

Examples
--------
Aimed straight (both angles 0), the rifle hits at its sight offset, 15 cm
from the centre:

>>> aim_loss(0.0, 0.0, sight_offset=(-12.0, 9.0))
225.0

Without disturbance, each round with learning rate 0.25 halves the miss:

>>> aims, hits, _ = zero_in(Rifle(spread=0.0), np.zeros((1, 3, 1, 2)), (0, 0), 0.25)
>>> gaps(hits[0, :, 0]).tolist()
[15.0, 7.5, 3.75]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import as_data, positive, positive_int
from nnbasics.autodiff import Dual, Node, tan
from nnbasics.language import tr
from nnbasics.loss import squared_error_derivative

__all__ = [
    "RINGS",
    "RING_WIDTH",
    "RANGE",
    "MILLIRADIAN",
    "SIGHT_OFFSET",
    "SPREAD",
    "Shot",
    "FIVE_SHOTS",
    "direction_name",
    "Target",
    "score_deficits",
    "record_table",
    "gaps",
    "mean_gap",
    "mean_squared_gap",
    "squared_gap_gradient",
    "gap_gradient",
    "Rifle",
    "zero_in",
    "Session",
    "shoot",
    "BurstComparison",
    "compare_bursts",
    "predicted_spread",
    "aim_loss",
]

RINGS = 10
"""Rings of the target: 1 is the outermost, 10 the bullseye."""

RING_WIDTH = 2.0
"""The width of every ring, in centimetres (the target's radius is 20 cm)."""

RANGE = 10_000.0
"""The distance from rifle to target, in centimetres (100 m)."""

MILLIRADIAN = 1e-3
"""One milliradian in radians: the unit of the rifle's aim angles."""

SIGHT_OFFSET = (-12.0, 9.0)
"""Where the book's rifle hits, on average, when aimed at the centre (cm)."""

SPREAD = 1.5
"""Standard deviation of the book's rifle's random disturbance, per axis (cm)."""


# --- 1. The five-shot record ----------------------------------------------------


def _check_ring(name: str, ring: int) -> int:
    if isinstance(ring, bool) or not isinstance(ring, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(ring).__name__}")
    if not 1 <= ring <= RINGS:
        raise ValueError(
            f"{name} must be between 1 (outermost ring) and {RINGS} (bullseye), "
            f"got {ring}"
        )
    return int(ring)


@dataclass(frozen=True)
class Shot:
    """One hit as a shooter reports it: the ring it scored and its direction.

    Parameters
    ----------
    ring : int
        The score, 1 (outermost ring) to 10 (bullseye).
    angle : float or None
        The direction of the hit as seen from the centre, in degrees
        counter-clockwise from the positive x axis (3 o'clock): 90 is
        straight up, 180 is straight left. ``None`` only for the bullseye,
        which the book places at the centre.

    Examples
    --------
    >>> Shot(7, 180.0).direction
    'left'
    >>> Shot(11, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: ring must be between 1 (outermost ring) and 10 (bullseye), got 11
    """

    ring: int
    angle: float | None = None

    def __post_init__(self) -> None:
        _check_ring("ring", self.ring)
        if self.angle is None:
            if self.ring != RINGS:
                raise ValueError(
                    f"angle is missing for a hit in ring {self.ring}: only a "
                    f"bullseye (ring {RINGS}) may leave it out"
                )
        else:
            angle = float(as_data("angle", self.angle, ndim=0))
            object.__setattr__(self, "angle", angle)

    @property
    def deficit(self) -> int:
        """How many points short of the bullseye: 10 - ring."""
        return RINGS - self.ring

    @property
    def direction(self) -> str:
        """The direction in words, as the original says it (:func:`direction_name`)."""
        return direction_name(None if self.ring == RINGS else self.angle)


FIVE_SHOTS = (
    Shot(1, 135.0),
    Shot(6, 165.0),
    Shot(7, 180.0),
    Shot(8, 195.0),
    Shot(10),
)
"""The original's record of five single shots (its Figure 2-2): ring 1 upper
left 45°, ring 6 upper left 15°, ring 7 left, ring 8 lower left 15°, bullseye."""


def direction_name(angle: float | None) -> str:
    """Say a direction the way the original does: "upper left 15°", "left", ...

    In the current language (``nnbasics.use_language``).

    Parameters
    ----------
    angle : float or None
        Degrees counter-clockwise from the positive x axis (3 o'clock);
        ``None`` means the centre.

    Returns
    -------
    str
        The side (left or right), raised or lowered by an angle from the
        horizontal; "up", "down" or "centre" for the special cases.

    Examples
    --------
    >>> [direction_name(b) for b in (135, 165, 180, 195, None)]
    ['upper left 45°', 'upper left 15°', 'left', 'lower left 15°', 'centre']
    """
    if angle is None:
        return tr("centre")
    angle = round((float(angle) + 180.0) % 360.0 - 180.0, 6)  # in [-180, 180)
    if abs(angle) == 90.0:
        return tr("up") if angle > 0 else tr("down")
    right = abs(angle) < 90.0
    elevation = angle if right else math.copysign(180.0 - abs(angle), angle)
    if elevation == 0.0:
        return tr("right") if right else tr("left")
    if elevation > 0:
        name = tr("upper right {degrees}°") if right else tr("upper left {degrees}°")
    else:
        name = tr("lower right {degrees}°") if right else tr("lower left {degrees}°")
    return name.format(degrees=f"{abs(elevation):g}")


@dataclass(frozen=True)
class Target:
    """A target of ten rings of equal width around the bullseye.

    Ring r covers the distances from (10 - r)·w to (11 - r)·w from the centre,
    so the bullseye (ring 10) is a disc of radius w and ring 1 is the outer band.

    Parameters
    ----------
    ring_width : float, default RING_WIDTH
        The width w of every ring, in centimetres.

    Examples
    --------
    >>> target = Target(ring_width=2.0)
    >>> target.radius, target.band(1)
    (20.0, (18.0, 20.0))
    >>> target.ring_at([[0.5, 0.0], [0.0, -19.0], [30.0, 0.0]])
    array([10,  1,  0])
    """

    ring_width: float = RING_WIDTH

    def __post_init__(self) -> None:
        positive("ring_width", self.ring_width)

    @property
    def radius(self) -> float:
        """The distance from the centre to the outer edge of ring 1."""
        return RINGS * self.ring_width

    def band(self, ring: int) -> tuple[float, float]:
        """Return the inner and outer radius of ``ring``."""
        ring = _check_ring("ring", ring)
        return ((RINGS - ring) * self.ring_width, (RINGS + 1 - ring) * self.ring_width)

    def ring_at(self, points: ArrayLike) -> NDArray[np.int64]:
        """Return the ring each point (x, y) lies in; 0 means off the target.

        Parameters
        ----------
        points : array_like
            Hit positions, shape (..., 2).

        Returns
        -------
        numpy.ndarray
            One whole number per point, 0 to 10.
        """
        distance = gaps(points)
        rings = RINGS - np.floor(distance / self.ring_width).astype(np.int64)
        return np.where(distance < self.radius, rings, 0)

    def place(self, shots: Iterable[Shot]) -> NDArray[np.float64]:
        """Turn reported shots into positions (x, y) on this target.

        Each hit goes to the middle of its ring's band, in the direction of its
        angle; a bullseye goes to the centre.

        Parameters
        ----------
        shots : iterable of Shot
            The record, in the order the shots were fired.

        Returns
        -------
        numpy.ndarray
            Shape (number of shots, 2), in centimetres.

        Examples
        --------
        >>> Target(2.0).place([Shot(7, 180.0), Shot(10)])
        array([[-7.,  0.],
               [ 0.,  0.]])
        """
        shots = _check_shots(shots)
        positions = np.zeros((len(shots), 2))
        for row, shot in enumerate(shots):
            if shot.ring == RINGS:
                continue
            inner, outer = self.band(shot.ring)
            angle = math.radians(shot.angle)
            positions[row] = (
                0.5 * (inner + outer) * np.array([math.cos(angle), math.sin(angle)])
            )
        return positions.round(12) + 0.0  # exact zeros, no "-0."


def _check_shots(shots: Iterable[Shot]) -> list[Shot]:
    shots = list(shots)
    if not shots:
        raise ValueError("shots is empty: pass at least one Shot")
    for shot in shots:
        if not isinstance(shot, Shot):
            raise TypeError(
                f"shots must hold Shot records, e.g. Shot(7, 180.0), "
                f"got {type(shot).__name__}"
            )
    return shots


def score_deficits(shots: Iterable[Shot]) -> NDArray[np.int64]:
    """Return how many points each shot fell short of the bullseye: 10 - ring.

    Examples
    --------
    >>> score_deficits(FIVE_SHOTS)
    array([9, 4, 3, 2, 0])
    """
    return np.array([shot.deficit for shot in _check_shots(shots)], dtype=np.int64)


def record_table(shots: Iterable[Shot], target: Target) -> str:
    """Return the record as a narrow Markdown table: shot, ring, direction, gap.

    Titles and directions are in the current language.

    Examples
    --------
    >>> print(record_table([Shot(7, 180.0)], Target(2.0)))
    | shot | ring | direction | gap (cm) |
    |---:|---:|:---|---:|
    | 1 | 7 | left | 7.0 |
    """
    shots = _check_shots(shots)
    distances = gaps(target.place(shots))
    rows = [tr("| shot | ring | direction | gap (cm) |"), "|---:|---:|:---|---:|"]
    for number, (shot, gap) in enumerate(zip(shots, distances, strict=True), 1):
        rows.append(f"| {number} | {shot.ring} | {shot.direction} | {gap:.1f} |")
    return "\n".join(rows)


# --- 2. The loss of a shot and its gradient ----------------------------------------


def _as_hits(hits: ArrayLike) -> NDArray[np.float64]:
    hits = as_data("hits", hits)
    if hits.ndim == 0 or hits.shape[-1] != 2:
        raise ValueError(
            f"hits must be points (x, y), shape (..., 2), got shape {hits.shape}"
        )
    return hits


def gaps(hits: ArrayLike) -> NDArray[np.float64]:
    """Return each shot's gap: the length of its error, its distance from the centre.

    Parameters
    ----------
    hits : array_like
        Hit positions, shape (..., 2).

    Returns
    -------
    numpy.ndarray
        One distance per hit, shape (...), in cm.

    Examples
    --------
    >>> gaps([[3.0, 4.0], [0.0, -2.0]])
    array([5., 2.])
    """
    hits = _as_hits(hits)
    return np.hypot(hits[..., 0], hits[..., 1])


def mean_gap(hits: ArrayLike) -> NDArray[np.float64] | float:
    """Score a burst the original's way: the mean gap of its hits, in cm.

    Parameters
    ----------
    hits : array_like
        One burst, shape (burst, 2), or many, shape (..., burst, 2).

    Returns
    -------
    float or numpy.ndarray
        One number per burst.

    Examples
    --------
    >>> mean_gap([[3.0, 4.0], [0.0, -2.0], [1.0, 0.0]])
    2.6666666666666665
    """
    hits = _as_hits(hits)
    if hits.ndim < 2:
        raise ValueError(f"hits must hold a burst, shape (burst, 2), got {hits.shape}")
    score = gaps(hits).mean(axis=-1)
    return float(score) if score.ndim == 0 else score


def mean_squared_gap(hits: ArrayLike) -> NDArray[np.float64] | float:
    """Return a burst's loss: the mean squared error, the mean of the squared gaps.

    For a single shot it is that shot's squared gap, in cm².

    Parameters
    ----------
    hits : array_like
        One burst, shape (burst, 2), or many, shape (..., burst, 2).

    Returns
    -------
    float or numpy.ndarray
        One number per burst, in cm².

    Examples
    --------
    >>> mean_squared_gap([[3.0, 4.0], [0.0, -2.0], [1.0, 0.0]])
    10.0
    """
    hits = _as_hits(hits)
    if hits.ndim < 2:
        raise ValueError(f"hits must hold a burst, shape (burst, 2), got {hits.shape}")
    loss = (gaps(hits) ** 2).mean(axis=-1)
    return float(loss) if loss.ndim == 0 else loss


def squared_gap_gradient(hits: ArrayLike) -> NDArray[np.float64]:
    """Gradient, with respect to the aim, of the burst's loss (mean squared gap).

    A hit lands at aim + sight offset + disturbance, so moving the aim moves
    every hit by the same amount: d(hit)/d(aim) is the identity, and the
    gradient of the mean of ‖hit‖² is the mean of 2·hit, twice the burst's
    mean error. It is a vector: it says how far and in which direction.

    Parameters
    ----------
    hits : array_like
        One burst, shape (burst, 2), or many, shape (..., burst, 2).

    Returns
    -------
    numpy.ndarray
        Shape (..., 2): one 2-D gradient per burst.

    Examples
    --------
    >>> squared_gap_gradient([[-4.0, 1.0], [-2.0, 3.0]])
    array([-6.,  4.])
    """
    hits = _as_hits(hits)
    if hits.ndim < 2:
        raise ValueError(f"hits must hold a burst, shape (burst, 2), got {hits.shape}")
    # d‖h‖²/dh = 2h: the squared error's derivative, one coordinate at a time.
    slopes = squared_error_derivative(hits.ravel(), np.zeros(hits.size))
    return slopes.reshape(hits.shape).mean(axis=-2)


def gap_gradient(hits: ArrayLike) -> NDArray[np.float64]:
    """Gradient, with respect to the aim, of the burst's mean gap itself.

    d‖h‖/dh = h/‖h‖, a unit vector pointing away from the centre: it gives the
    direction of each miss but not its size (0 for a hit dead centre).

    Parameters
    ----------
    hits : array_like
        One burst, shape (burst, 2), or many, shape (..., burst, 2).

    Returns
    -------
    numpy.ndarray
        Shape (..., 2).

    Examples
    --------
    >>> gap_gradient([[-4.0, 3.0], [0.0, 0.0]])
    array([-0.4,  0.3])
    """
    hits = _as_hits(hits)
    if hits.ndim < 2:
        raise ValueError(f"hits must hold a burst, shape (burst, 2), got {hits.shape}")
    distance = gaps(hits)[..., np.newaxis]
    units = np.divide(hits, distance, out=np.zeros_like(hits), where=distance > 0)
    return units.mean(axis=-2)


# --- 3. The simulated rifle and the shooting session --------------------------------


def _check_seed(name: str, seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {type(seed).__name__}")
    return int(seed)


@dataclass(frozen=True)
class Rifle:
    """A rifle whose sight is off, fired through a random disturbance.

    A shot aimed at ``aim`` lands at aim + ``sight_offset`` + disturbance,
    where the disturbance (wind gusts, a shaky hand) is drawn afresh for every
    shot from a normal distribution of standard deviation ``spread`` per axis.
    The shooter never sees the offset, only where the bullets land.

    Parameters
    ----------
    sight_offset : pair of float, default SIGHT_OFFSET
        Where the rifle hits on average when aimed at the centre, in cm.
    spread : float, default SPREAD
        Standard deviation of the disturbance per axis, in cm (0: none).

    Examples
    --------
    >>> rifle = Rifle(sight_offset=(-12.0, 9.0), spread=0.0)
    >>> rifle.fire(aim=[2.0, -1.0], disturbances=np.zeros((1, 2)))
    array([[-10.,   8.]])
    """

    sight_offset: tuple[float, float] = SIGHT_OFFSET
    spread: float = SPREAD

    def __post_init__(self) -> None:
        offset = as_data("sight_offset", self.sight_offset, ndim=1)
        if offset.shape != (2,):
            raise ValueError(
                f"sight_offset must be one point (x, y), got {offset.size} values"
            )
        object.__setattr__(self, "sight_offset", (float(offset[0]), float(offset[1])))
        spread = float(as_data("spread", self.spread, ndim=0))
        if spread < 0:
            raise ValueError(f"spread must be 0 or more, got {spread!r}")
        object.__setattr__(self, "spread", spread)

    def disturbances(
        self, rounds: int, burst: int, *, seed: int
    ) -> NDArray[np.float64]:
        """Draw the random part of every shot of a session, reproducibly.

        Parameters
        ----------
        rounds : int
            How many rounds (looks at the target) the session has.
        burst : int
            Shots per round.
        seed : int
            Seed of ``numpy.random.default_rng``: same seed, same shots.

        Returns
        -------
        numpy.ndarray
            Shape (rounds, burst, 2), in cm.
        """
        rounds = positive_int("rounds", rounds)
        burst = positive_int("burst", burst)
        rng = np.random.default_rng(_check_seed("seed", seed))
        return rng.normal(0.0, 1.0, size=(rounds, burst, 2)) * self.spread

    def fire(self, aim: ArrayLike, disturbances: ArrayLike) -> NDArray[np.float64]:
        """Fire a burst at ``aim`` (the forward computation), return where it lands.

        Parameters
        ----------
        aim : array_like
            The aim point (x, y), shape (..., 2).
        disturbances : array_like
            One disturbance per shot, shape (..., burst, 2).

        Returns
        -------
        numpy.ndarray
            The hits, shape (..., burst, 2).
        """
        aim = _as_hits(aim)
        disturbances = _as_hits(disturbances)
        return aim[..., np.newaxis, :] + np.asarray(self.sight_offset) + disturbances


GradientRule = Callable[[ArrayLike], NDArray[np.float64]]


def _check_practice(
    disturbances: ArrayLike, initial_aim: ArrayLike, learning_rate: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Check the arguments of :func:`zero_in`; return them as arrays."""
    disturbances = as_data("disturbances", disturbances, ndim=4)
    if disturbances.shape[-1] != 2:
        raise ValueError(
            "disturbances must have shape (runs, rounds, burst, 2), got "
            f"{disturbances.shape}: draw them with Rifle.disturbances"
        )
    positive("learning_rate", learning_rate)
    return disturbances, _check_aim(initial_aim)


def zero_in(
    rifle: Rifle,
    disturbances: ArrayLike,
    initial_aim: ArrayLike,
    learning_rate: float,
    gradient: GradientRule = squared_gap_gradient,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Fire round after round, stepping the aim against the gradient after each."""
    disturbances, initial_aim = _check_practice(
        disturbances, initial_aim, learning_rate
    )
    runs, rounds = disturbances.shape[:2]
    aims = np.empty((runs, rounds + 1, 2))
    hits = np.empty_like(disturbances)
    gradients = np.empty((runs, rounds, 2))
    aims[:, 0] = initial_aim  # initialization
    for r in range(rounds):
        hits[:, r] = rifle.fire(aims[:, r], disturbances[:, r])  # forward: they fly
        gradients[:, r] = gradient(hits[:, r])  # pull the target back and read it
        aims[:, r + 1] = aims[:, r] - learning_rate * gradients[:, r]  # descent
    return aims, hits, gradients


@dataclass(frozen=True)
class Session:
    """Every round of one shooting session.

    Attributes
    ----------
    rifle : Rifle
        The rifle that was fired.
    aims : numpy.ndarray
        The aim before each round, and after the last correction: shape
        (rounds + 1, 2).
    hits : numpy.ndarray
        Where every bullet landed, shape (rounds, burst, 2).
    gradients : numpy.ndarray
        The gradient read off each round, shape (rounds, 2).
    learning_rate : float
        The step size of every correction.
    seed : int
        The seed the disturbances were drawn with.
    """

    rifle: Rifle
    aims: NDArray[np.float64]
    hits: NDArray[np.float64]
    gradients: NDArray[np.float64]
    learning_rate: float
    seed: int

    @property
    def rounds(self) -> int:
        """How many times the target was pulled back and read."""
        return int(self.hits.shape[0])

    @property
    def burst(self) -> int:
        """Shots per round."""
        return int(self.hits.shape[1])

    @property
    def losses(self) -> NDArray[np.float64]:
        """Each round's loss: the mean squared gap of its burst, in cm²."""
        return np.atleast_1d(mean_squared_gap(self.hits))

    @property
    def mean_gaps(self) -> NDArray[np.float64]:
        """Each round's mean gap in cm (for one shot, simply its gap)."""
        return np.atleast_1d(mean_gap(self.hits))

    @property
    def mean_points(self) -> NDArray[np.float64]:
        """Where the rifle would hit on average for each aim: aim + sight offset."""
        return self.aims + np.asarray(self.rifle.sight_offset)


def shoot(
    rifle: Rifle,
    *,
    rounds: int,
    burst: int = 1,
    learning_rate: float = 0.25,
    seed: int,
    initial_aim: ArrayLike = (0.0, 0.0),
    gradient: GradientRule = squared_gap_gradient,
) -> Session:
    """Shoot ``rounds`` bursts, correcting the aim by gradient descent after each.

    A thin wrapper around :func:`zero_in` for one run: every round, fire a
    burst (forward), read the hits off the target and take the gradient of
    the loss with respect to the aim (backpropagation), and step the aim
    against it (gradient descent).

    Parameters
    ----------
    rifle : Rifle
        The rifle, with its hidden sight offset and its spread.
    rounds : int
        How many bursts to fire.
    burst : int, default 1
        Shots per round; 1 is single shots.
    learning_rate : float, default 0.25
        Step size η: the aim moves by -η·gradient. With the squared gap the
        gradient is twice the mean miss, so 0.25 moves the aim half the miss.
    seed : int
        Seed of the disturbances: the same seed fires the same shots.
    initial_aim : pair of float, default (0, 0)
        The initialization: the first aim, at the centre.
    gradient : callable, default squared_gap_gradient
        Turns a burst's hits into the gradient the aim steps against.

    Returns
    -------
    Session
        Aims, hits and gradients of every round.

    Examples
    --------
    >>> session = shoot(Rifle(), rounds=10, seed=2)
    >>> bool(session.mean_gaps[0] > 10 > 3 > session.mean_gaps[-1])
    True
    """
    rounds = positive_int("rounds", rounds)
    burst = positive_int("burst", burst)
    learning_rate = positive("learning_rate", learning_rate)
    initial_aim = _check_aim(initial_aim)
    disturbances = rifle.disturbances(rounds, burst, seed=seed)
    aims, hits, gradients = zero_in(
        rifle, disturbances[np.newaxis], initial_aim, learning_rate, gradient
    )
    return Session(rifle, aims[0], hits[0], gradients[0], learning_rate, int(seed))


def _check_aim(aim: ArrayLike) -> NDArray[np.float64]:
    aim = as_data("initial_aim", aim, ndim=1)
    if aim.shape != (2,):
        raise ValueError(f"initial_aim must be one point (x, y), got {aim.size} values")
    return aim


# --- 4. Bursts versus single shots, over many runs ---------------------------------


@dataclass(frozen=True)
class BurstComparison:
    """Where the rifle points after every round, for many runs and burst sizes.

    Attributes
    ----------
    bursts : numpy.ndarray
        The burst sizes compared, shape (b,).
    seeds : numpy.ndarray
        One seed per run, shape (runs,); run ``i`` of every burst size equals
        ``shoot(..., seed=seeds[i])``.
    mean_points : numpy.ndarray
        The mean point of impact (aim + sight offset) before each round and
        after the last, shape (b, runs, rounds + 1, 2).
    learning_rate : float
        The step size used.
    """

    bursts: NDArray[np.int64]
    seeds: NDArray[np.int64]
    mean_points: NDArray[np.float64]
    learning_rate: float

    @property
    def rounds(self) -> int:
        """Rounds per run."""
        return int(self.mean_points.shape[2] - 1)

    @property
    def spread(self) -> NDArray[np.float64]:
        """How much the aim scatters from run to run, shape (b, rounds + 1).

        The root-mean-square distance of the runs' mean points of impact from
        their average: the noise left in the aim after each round.
        """
        centred = self.mean_points - self.mean_points.mean(axis=1, keepdims=True)
        return np.sqrt((centred**2).sum(axis=-1).mean(axis=1))

    @property
    def rms_miss(self) -> NDArray[np.float64]:
        """Root-mean-square distance of the mean point of impact from the centre."""
        return np.sqrt((self.mean_points**2).sum(axis=-1).mean(axis=1))

    @property
    def final_spread(self) -> NDArray[np.float64]:
        """The spread of the aim after the last round, one value per burst size."""
        return self.spread[:, -1]

    def table(self, spread: float) -> str:
        """Return a Markdown table of the final spread per burst size.

        The titles are in the current language.

        Parameters
        ----------
        spread : float
            The rifle's spread, for the predicted column
            (:func:`predicted_spread`).
        """
        rows = [
            tr("| burst | spread (cm) | predicted (cm) | spread × √burst |"),
            "|---:|---:|---:|---:|",
        ]
        for burst, measured in zip(self.bursts, self.final_spread, strict=True):
            predicted = predicted_spread(
                spread, int(burst), self.learning_rate, self.rounds
            )
            rows.append(
                f"| {burst} | {measured:.3f} | {predicted:.3f} "
                f"| {measured * math.sqrt(burst):.3f} |"
            )
        return "\n".join(rows)


def compare_bursts(
    rifle: Rifle,
    bursts: Sequence[int] = (1, 3, 10),
    *,
    rounds: int,
    learning_rate: float = 0.25,
    seeds: Iterable[int],
) -> BurstComparison:
    """Run many seeded sessions for each burst size, all runs at once.

    Parameters
    ----------
    rifle : Rifle
        The rifle every run fires.
    bursts : sequence of int, default (1, 3, 10)
        The burst sizes to compare, each at least 1.
    rounds : int
        Rounds per run.
    learning_rate : float, default 0.25
        Step size of every correction.
    seeds : iterable of int
        One seed per run, e.g. ``range(500)``.

    Returns
    -------
    BurstComparison
        The mean point of impact of every run after every round.

    Examples
    --------
    >>> study = compare_bursts(Rifle(), (1, 4), rounds=15, seeds=range(200))
    >>> bool(study.final_spread[1] < study.final_spread[0])
    True
    """
    bursts = [positive_int("burst size", b) for b in bursts]
    if not bursts:
        raise ValueError("bursts is empty: give at least one burst size, e.g. (1, 3)")
    rounds = positive_int("rounds", rounds)
    learning_rate = positive("learning_rate", learning_rate)
    seeds = [_check_seed("seeds", s) for s in seeds]
    if not seeds:
        raise ValueError("seeds is empty: give one seed per run, e.g. range(500)")
    mean_points = []
    for burst in bursts:
        disturbances = np.stack(
            [rifle.disturbances(rounds, burst, seed=s) for s in seeds]
        )
        aims, _, _ = zero_in(rifle, disturbances, np.zeros(2), learning_rate)
        mean_points.append(aims + np.asarray(rifle.sight_offset))
    return BurstComparison(
        bursts=np.array(bursts, dtype=np.int64),
        seeds=np.array(seeds, dtype=np.int64),
        mean_points=np.array(mean_points),
        learning_rate=learning_rate,
    )


def predicted_spread(
    spread: float, burst: int, learning_rate: float, rounds: int
) -> float:
    """Predict from theory the spread of the aim after ``rounds`` rounds.

    With the squared gap, each round moves the aim's error e (the mean point
    of impact) to (1 - a)·e - a·n̄, with a = 2η and n̄ the burst's mean
    disturbance, whose variance per axis is sigma²/burst. Summing the noise of
    every round gives the variance per axis
    a²·sigma²/burst · (1 - (1 - a)^(2k)) / (1 - (1 - a)²); the spread in the plane
    is the square root of twice that. It shrinks like 1/√burst.

    Parameters
    ----------
    spread : float
        The rifle's spread sigma per axis.
    burst : int
        Shots per round.
    learning_rate : float
        The step size η (between 0 and 1, exclusive, for the aim to settle).
    rounds : int
        The number of rounds k.

    Examples
    --------
    Correcting by the full miss (η = 0.5) leaves the aim off by the last
    burst's mean disturbance, of spread sigma·√(2/burst):

    >>> round(predicted_spread(1.5, 1, 0.5, 20), 4), round(1.5 * 2**0.5, 4)
    (2.1213, 2.1213)
    """
    spread = float(as_data("spread", spread, ndim=0))
    burst = positive_int("burst", burst)
    learning_rate = positive("learning_rate", learning_rate)
    rounds = positive_int("rounds", rounds)
    if learning_rate >= 1:
        raise ValueError(
            f"learning_rate must be below 1 for the aim to settle, got {learning_rate}"
        )
    step = 2.0 * learning_rate
    shrink = (1.0 - step) ** 2
    variance = step**2 * spread**2 / burst * (1.0 - shrink**rounds) / (1.0 - shrink)
    return math.sqrt(2.0 * variance)


# --- 5. Aside: forward- and reverse-mode differentiation ----------------------------
#
# Dual numbers, the tape (Node) and the two gradient functions live in
# nnbasics.autodiff; aim_loss is written with their operations, so it works on
# plain numbers, Dual numbers and Node numbers alike.


def aim_loss(
    azimuth: Dual | Node | float,
    elevation: Dual | Node | float,
    *,
    sight_offset: tuple[float, float] = SIGHT_OFFSET,
    distance: float = RANGE,
) -> Dual | Node | float:
    """Squared gap (cm²) of a noiseless shot fired at two angles in milliradians."""
    x = distance * tan(MILLIRADIAN * azimuth) + sight_offset[0]  # cm on the target
    y = distance * tan(MILLIRADIAN * elevation) + sight_offset[1]
    return x * x + y * y

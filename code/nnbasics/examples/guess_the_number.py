"""Guess the number (section 2.0.1): what a reply is worth to the guesser.

B thinks of a whole number between 1 and 50 and A guesses it. After every
guess B measures the **error** of the guess, e = guess - secret
(:func:`nnbasics.signed_error`); the game is won when e = 0, that is when the
loss e² is 0. What B *hands back* is a coarser or finer report of e:

* :func:`direction_only`: just the sign ("too big", "too small", "right");
* :func:`fuzzy`: the sign and a vague degree ("a bit", plain, "far"), one
  word for each band of distances in :data:`FUZZY_BANDS`;
* :func:`exact`: the error e itself.

A always plays the same way (:func:`play`): guess the middle of the numbers
that are still possible given every reply so far. Only B's feedback differs,
so :func:`compare_strategies` measures what each kind of feedback is worth
in guesses.

:func:`worst_case_bound` gives the fewest guesses any guesser needs in the
worst case when every reply is one of three ("too big", "too small",
"right"). A guess splits the numbers left into itself ("right") and the two
sides, so k guesses settle at most 1 + 2·(2**(k-1) - 1) = 2**k - 1 numbers;
the bound is the smallest k with 2**k - 1 >= count, which is
ceil(log2(count + 1)). Bisection (``play`` with :func:`direction_only` and
the middle as first guess) reaches it.

The functions the chapter shows are kept short; their arguments are these.

``fuzzy(guess, secret, bands=FUZZY_BANDS)``
    ``guess`` and ``secret`` are whole numbers; ``bands`` is a sequence of
    :class:`Band` that covers the distances 1, 2, 3, ... in order, the last
    band without an upper limit. Returns a :class:`Reply` with ``band`` set,
    unless the guess is right.
``play(secret, feedback, first_guess=None, *, low=1, high=50)``
    ``secret`` lies in [low, high]; ``feedback(guess, secret)`` returns a
    :class:`Reply` (e.g. :func:`direction_only`, :func:`fuzzy`,
    :func:`exact`); ``first_guess`` is the initialization, by default the
    middle of [low, high]. Returns a :class:`Game` that ends on the right
    guess or, if the replies contradict each other (a lying B), when no
    number is left; then ``found`` is False.

Examples
--------
>>> [fuzzy(guess, 47).text for guess in (5, 50, 30)]
['far too small', 'a bit too big', 'too small']
>>> play(47, direction_only).guesses
(25, 38, 44, 47)
>>> play(47, exact).guesses
(25, 47)
>>> [worst_case_bound(count) for count in (1, 2, 3, 50, 1000)]
[1, 2, 2, 6, 10]
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnbasics._validation import positive
from nnbasics.language import in_language, tr, tr_label, translatable
from nnbasics.loss import signed_error

__all__ = [
    "LOW",
    "HIGH",
    "ORIGINAL_GUESSES",
    "ORIGINAL_REPLIES",
    "SECRET",
    "Band",
    "FUZZY_BANDS",
    "Reply",
    "Feedback",
    "direction_only",
    "fuzzy",
    "exact",
    "sometimes_lying",
    "Move",
    "Game",
    "still_possible",
    "middle",
    "replay",
    "play",
    "worst_case_bound",
    "guesses_needed",
    "distinct_replies",
    "Strategy",
    "STRATEGIES",
    "StrategyResult",
    "COLUMNS",
    "Comparison",
    "compare_strategies",
]

LOW = 1
"""The smallest number B may think of."""

HIGH = 50
"""The largest number B may think of."""

ORIGINAL_GUESSES = (5, 50, 30)
"""A's three guesses in the original dialogue."""

ORIGINAL_REPLIES = ("far too small", "a bit too big", "too small")
"""B's three replies in the original dialogue."""

SECRET = 47
"""The book's choice of B's number: one that makes :data:`FUZZY_BANDS` give
exactly :data:`ORIGINAL_REPLIES` (the original never reveals the number)."""


def _whole(name: str, value: object) -> int:
    """Return ``value`` as an int if it is a whole number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a whole number such as 25, got "
            f"{type(value).__name__} {value!r}"
        )
    return int(value)


def _range(low: object, high: object) -> tuple[int, int]:
    """Validate the range [low, high] of allowed numbers."""
    low, high = _whole("low", low), _whole("high", high)
    if low > high:
        raise ValueError(
            f"low must not exceed high, got low={low} and high={high}: "
            "swap them or widen the range"
        )
    return low, high


def _in_range(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is a whole number in [low, high]."""
    value = _whole(name, value)
    if not low <= value <= high:
        raise ValueError(
            f"{name} must lie in [{low}, {high}], got {value}: "
            "pick a number inside the range or change low/high"
        )
    return value


@dataclass(frozen=True)
class Band:
    """One word of a fuzzy degree: it covers distances ``smallest..largest``.

    Parameters
    ----------
    word : str
        What B says, e.g. ``"a bit"`` or ``"far"``; ``""`` for the plain
        reply ("too big" with no qualifier).
    smallest : int
        The smallest distance ``|guess - secret|`` the word is used for (≥ 1).
    largest : int or None
        The largest such distance; ``None`` for no upper limit.

    Examples
    --------
    >>> Band("a bit", 1, 5).contains(np.array([1, 5, 6]))
    array([ True,  True, False])
    """

    word: str
    smallest: int
    largest: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.word, str):
            raise TypeError(f"word must be a string, got {type(self.word).__name__}")
        smallest = _whole("smallest", self.smallest)
        if smallest < 1:
            raise ValueError(
                f"smallest must be at least 1 (a distance of 0 is 'right'), "
                f"got {smallest}"
            )
        if self.largest is not None and _whole("largest", self.largest) < smallest:
            raise ValueError(
                f"largest must be at least smallest ({smallest}) or None, "
                f"got {self.largest}"
            )

    def contains(self, distance: ArrayLike) -> NDArray[np.bool_]:
        """Return which distances this word describes."""
        distance = np.asarray(distance)
        inside = distance >= self.smallest
        if self.largest is not None:
            inside &= distance <= self.largest
        return inside


FUZZY_BANDS = (
    Band(translatable("a bit"), 1, 5),
    Band("", 6, 20),
    Band(translatable("far"), 21, None),
)
"""The book's fuzzy degree: "a bit" for misses of 1 to 5, plain for 6 to 20,
"far" beyond 20. With :data:`SECRET` they reproduce the original's replies."""


def _check_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    """Return ``bands`` as a tuple if they cover 1, 2, 3, ... without gaps."""
    bands = tuple(bands)
    if not bands or not all(isinstance(band, Band) for band in bands):
        raise TypeError("bands must be a non-empty sequence of Band objects")
    expected = 1
    for band in bands[:-1]:
        if band.smallest != expected or band.largest is None:
            raise ValueError(
                f"bands must cover the distances 1, 2, 3, ... in order without "
                f"gaps or overlaps; the band {band.word!r} should start at "
                f"{expected} and have a largest distance"
            )
        expected = band.largest + 1
    last = bands[-1]
    if last.smallest != expected or last.largest is not None:
        raise ValueError(
            f"the last band ({last.word!r}) must start at {expected} and have "
            "largest=None, so that every distance gets a word"
        )
    return bands


@dataclass(frozen=True)
class Reply:
    """What B hands back after one guess.

    Parameters
    ----------
    direction : int
        The sign of guess - secret: +1 too big, -1 too small, 0 right.
    band : Band, optional
        The fuzzy degree of the miss, if B gives one.
    difference : int, optional
        The exact signed error guess - secret, if B gives it.

    Examples
    --------
    >>> Reply(-1, band=FUZZY_BANDS[2]).text
    'far too small'
    >>> Reply(1, difference=3).text
    'too big by 3'
    """

    direction: int
    band: Band | None = None
    difference: int | None = None

    def __post_init__(self) -> None:
        if _whole("direction", self.direction) not in (-1, 0, 1):
            raise ValueError(
                f"direction must be -1 (too small), 0 (right) or +1 (too big), "
                f"got {self.direction}"
            )
        if (
            self.difference is not None
            and np.sign(_whole("difference", self.difference)) != self.direction
        ):
            raise ValueError(
                f"difference {self.difference} and direction {self.direction} "
                "disagree: the direction is the sign of the difference"
            )

    @property
    def text(self) -> str:
        """The reply in words, as B would say it, in the current language.

        A band's word is translated too: in a language other than English,
        a :class:`Band` of one's own needs its word in the catalogue.
        """
        if self.direction == 0:
            return tr("right", context="guess")
        side = tr("too big") if self.direction > 0 else tr("too small")
        if self.difference is not None:
            distance = abs(self.difference)
            return tr("{side} by {distance}").format(side=side, distance=distance)
        if self.band is not None and self.band.word:
            if self.direction > 0:
                verdict = tr("{degree} too big")
            else:
                verdict = tr("{degree} too small")
            return verdict.format(degree=tr(self.band.word))
        return side

    def allows(self, guess: int, candidates: ArrayLike) -> NDArray[np.bool_]:
        """Return which candidate secrets would have drawn this reply to ``guess``.

        Examples
        --------
        >>> Reply(1, band=FUZZY_BANDS[0]).allows(50, np.arange(43, 51))
        array([False, False,  True,  True,  True,  True,  True, False])
        """
        error = guess - np.asarray(candidates)
        allowed = np.sign(error) == self.direction
        if self.band is not None:
            allowed &= self.band.contains(np.abs(error))
        if self.difference is not None:
            allowed &= error == self.difference
        return allowed

    def flipped(self) -> Reply:
        """Return the same reply with its direction reversed: a lie.

        Examples
        --------
        >>> Reply(1, band=FUZZY_BANDS[0]).flipped().text
        'a bit too small'
        """
        difference = None if self.difference is None else -self.difference
        return Reply(-self.direction, self.band, difference)


Feedback = Callable[[int, int], Reply]
"""How B answers: ``feedback(guess, secret) -> Reply``."""


def _error(guess: object, secret: object) -> int:
    """Return the error of one guess, e = guess - secret, after checking both."""
    guess, secret = _whole("guess", guess), _whole("secret", secret)
    return int(signed_error(guess, secret)[0])


def direction_only(guess: int, secret: int) -> Reply:
    """B says only "too big", "too small" or "right": the sign of the error.

    Examples
    --------
    >>> direction_only(30, 47).text
    'too small'
    """
    return Reply(int(np.sign(_error(guess, secret))))


def fuzzy(guess: int, secret: int, bands: Sequence[Band] = FUZZY_BANDS) -> Reply:
    """B says the direction and a vague degree: "far too small", "a bit too big"."""
    bands = _check_bands(bands)
    error = _error(guess, secret)
    if error == 0:
        return Reply(0)
    band = next(band for band in bands if band.contains(abs(error)))
    return Reply(int(np.sign(error)), band=band)


def exact(guess: int, secret: int) -> Reply:
    """B hands back the error e = guess - secret itself.

    Examples
    --------
    >>> exact(25, 47).difference, exact(25, 47).text
    (-22, 'too small by 22')
    """
    error = _error(guess, secret)
    return Reply(int(np.sign(error)), difference=error)


def sometimes_lying(feedback: Feedback, probability: float, *, seed: int) -> Feedback:
    """Wrap ``feedback`` so that B reverses the direction of some replies.

    A "right" is always told truthfully; any other reply is flipped with the
    given probability, drawn from ``np.random.default_rng(seed)``.

    Parameters
    ----------
    feedback : callable
        The honest feedback, e.g. :func:`direction_only`.
    probability : float
        The chance that a reply is a lie, in (0, 1].
    seed : int
        Seed of the random generator: the same seed gives the same lies.

    Returns
    -------
    callable
        A feedback function with its own random generator.

    Examples
    --------
    >>> liar = sometimes_lying(direction_only, 1.0, seed=0)
    >>> liar(30, 47).text
    'too big'
    """
    probability = positive("probability", probability)
    if probability > 1:
        raise ValueError(f"probability must be at most 1, got {probability}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number, got {type(seed).__name__}")
    rng = np.random.default_rng(seed)

    def lying_feedback(guess: int, secret: int) -> Reply:
        reply = feedback(guess, secret)
        if reply.direction != 0 and rng.random() < probability:
            return reply.flipped()
        return reply

    return lying_feedback


class Move(NamedTuple):
    """One round of the game: A's guess and B's reply."""

    guess: int
    reply: Reply


@dataclass(frozen=True)
class Game:
    """A game from the first guess to the last reply.

    Attributes
    ----------
    secret : int
        B's number.
    moves : tuple of Move
        Every (guess, reply), in order.
    """

    secret: int
    moves: tuple[Move, ...]

    def __len__(self) -> int:
        """Return the number of guesses, the final right one included."""
        return len(self.moves)

    @property
    def guesses(self) -> tuple[int, ...]:
        """A's guesses, in order."""
        return tuple(move.guess for move in self.moves)

    @property
    def replies(self) -> tuple[str, ...]:
        """B's replies in English words, in order, as :data:`ORIGINAL_REPLIES`.

        English in every language, so that a game can be checked against the
        original dialogue; :attr:`Reply.text` gives the words to show.
        """
        with in_language("en"):
            return tuple(move.reply.text for move in self.moves)

    @property
    def found(self) -> bool:
        """Whether the game ended with a right guess."""
        return bool(self.moves) and self.moves[-1].reply.direction == 0

    def transcript(self) -> str:
        """Return the game as a dialogue, one line per speaker, in the current language.

        Examples
        --------
        >>> print(replay((30,), secret=47).transcript())
        A: 30
        B: too small
        """
        lines = []
        for guess, reply in self.moves:
            lines += [
                tr("A: {guess}").format(guess=guess),
                tr("B: {reply}").format(reply=reply.text),
            ]
        return "\n".join(lines)


def still_possible(
    moves: Sequence[Move], *, low: int = LOW, high: int = HIGH
) -> NDArray[np.int64]:
    """Return the numbers in [low, high] that agree with every reply.

    Examples
    --------
    After the original's three replies only five numbers are left:

    >>> still_possible(replay(ORIGINAL_GUESSES, secret=SECRET).moves)
    array([45, 46, 47, 48, 49])
    """
    low, high = _range(low, high)
    candidates = np.arange(low, high + 1)
    for guess, reply in moves:
        candidates = candidates[reply.allows(guess, candidates)]
    return candidates


def middle(candidates: ArrayLike) -> int:
    """A's rule for the next guess: the middle of the numbers still possible.

    With an even count it takes the lower of the two middle numbers, so the
    middle of 1..50 is 25.

    Examples
    --------
    >>> middle(np.arange(1, 51)), middle([45, 46, 47, 48, 49])
    (25, 47)
    """
    candidates = np.asarray(candidates)
    if candidates.size == 0:
        raise ValueError("no candidates left: the replies contradict each other")
    return int(candidates[(candidates.size - 1) // 2])


def replay(guesses: Sequence[int], *, secret: int, feedback: Feedback = fuzzy) -> Game:
    """Let B answer a fixed list of guesses, e.g. the original's 5, 50, 30.

    Examples
    --------
    >>> replay(ORIGINAL_GUESSES, secret=SECRET).replies
    ('far too small', 'a bit too big', 'too small')
    """
    secret = _whole("secret", secret)
    moves = tuple(
        Move(_whole("guess", guess), feedback(guess, secret)) for guess in guesses
    )
    return Game(secret, moves)


def _check_game(
    secret: object, first_guess: object, low: object, high: object
) -> tuple[int, int, NDArray[np.int64]]:
    """Check the arguments of :func:`play`; return secret, first guess, candidates."""
    low, high = _range(low, high)
    secret = _in_range("secret", secret, low, high)
    candidates = np.arange(low, high + 1)
    guess = middle(candidates) if first_guess is None else first_guess
    return secret, _in_range("first_guess", guess, low, high), candidates


def play(
    secret: int,
    feedback: Feedback,
    first_guess: int | None = None,
    *,
    low: int = LOW,
    high: int = HIGH,
) -> Game:
    """Play one game: A guesses the middle of what is still possible until right."""
    secret, guess, candidates = _check_game(secret, first_guess, low, high)
    moves = []
    while True:
        reply = feedback(guess, secret)
        moves.append(Move(guess, reply))
        candidates = candidates[reply.allows(guess, candidates)]
        if reply.direction == 0 or candidates.size == 0:
            return Game(secret, tuple(moves))
        guess = middle(candidates)


def _check_count(count: object) -> int:
    """Return ``count`` if it is a whole number of at least 1."""
    count = _whole("count", count)
    if count < 1:
        raise ValueError(f"count must be at least 1 (one number to find), got {count}")
    return count


def worst_case_bound(count: int) -> int:
    """Return the fewest guesses that settle ``count`` numbers in the worst case."""
    count = _check_count(count)
    guesses = 0
    while 2**guesses - 1 < count:  # k guesses settle at most 2**k - 1 numbers
        guesses += 1
    return guesses


def guesses_needed(
    feedback: Feedback,
    first_guess: int | None = None,
    *,
    low: int = LOW,
    high: int = HIGH,
) -> NDArray[np.int64]:
    """Play one game per secret in [low, high]; return each game's length.

    Examples
    --------
    >>> guesses_needed(exact, low=1, high=5)
    array([2, 2, 1, 2, 2])
    """
    low, high = _range(low, high)
    counts = []
    for secret in range(low, high + 1):
        game = play(secret, feedback, first_guess, low=low, high=high)
        if not game.found:
            raise ValueError(
                f"the game for secret {secret} never found it: the feedback "
                "contradicted itself. guesses_needed needs honest feedback; "
                "use play() to study a lying one"
            )
        counts.append(len(game))
    return np.array(counts, dtype=np.int64)


def distinct_replies(
    feedback: Feedback, guess: int, *, low: int = LOW, high: int = HIGH
) -> int:
    """How many different replies ``guess`` can draw, over all secrets.

    Examples
    --------
    >>> distinct_replies(direction_only, 25), distinct_replies(fuzzy, 25)
    (3, 7)
    """
    low, high = _range(low, high)
    guess = _whole("guess", guess)
    return len({feedback(guess, secret) for secret in range(low, high + 1)})


class Strategy(NamedTuple):
    """A named kind of feedback, for tables and plots."""

    name: str
    feedback: Feedback

    @property
    def label(self) -> str:
        """The name to show, in the current language where the catalogue knows it."""
        return tr_label(self.name)


STRATEGIES = (
    Strategy(translatable("direction only"), direction_only),
    Strategy(translatable("direction + fuzzy degree"), fuzzy),
    Strategy(translatable("exact signed error"), exact),
)
"""The chapter's three kinds of feedback, from least to most informative."""


@dataclass(frozen=True)
class StrategyResult:
    """How one kind of feedback fared over every secret.

    Attributes
    ----------
    name : str
        The strategy's name.
    secrets : numpy.ndarray
        low, low + 1, ..., high.
    guesses : numpy.ndarray
        The guesses needed for each secret, the final right one included.
    replies_to_first_guess : int
        How many different replies the first guess can draw.
    """

    name: str
    secrets: NDArray[np.int64]
    guesses: NDArray[np.int64]
    replies_to_first_guess: int

    @property
    def label(self) -> str:
        """The name to show, in the current language where the catalogue knows it."""
        return tr_label(self.name)

    @property
    def worst(self) -> int:
        """The most guesses any secret needs."""
        return int(self.guesses.max())

    @property
    def mean(self) -> float:
        """The mean number of guesses over all secrets."""
        return float(self.guesses.mean())


COLUMNS = (
    translatable("feedback"),
    translatable("replies"),
    translatable("worst"),
    translatable("mean"),
)
"""The column titles of a :class:`Comparison` table: the kind of feedback, how
many different replies the first guess can draw, and the worst and mean
number of guesses over every secret."""


@dataclass(frozen=True)
class Comparison:
    """The results of several strategies on the same range and first guess.

    In Jupyter and in the book it displays itself as an HTML table.
    """

    low: int
    high: int
    first_guess: int
    results: tuple[StrategyResult, ...]

    def __getitem__(self, name: str) -> StrategyResult:
        """Look a result up by its strategy's name."""
        for result in self.results:
            if result.name == name:
                return result
        names = ", ".join(repr(result.name) for result in self.results)
        raise KeyError(f"no strategy named {name!r}; the names are {names}")

    def to_markdown(self) -> str:
        """Return the comparison as a Markdown table (replies, worst case, mean).

        Titles, and the names the catalogue knows, are in the current language.
        """
        rows = [
            "| " + " | ".join(tr(c) for c in COLUMNS) + " |",
            "|---|---:|---:|---:|",
        ]
        rows += [
            f"| {r.label} | {r.replies_to_first_guess} | {r.worst} | {r.mean:.2f} |"
            for r in self.results
        ]
        return "\n".join(rows)

    def to_html(self) -> str:
        """Return the comparison as an HTML table, as the book shows it.

        Titles, and the names the catalogue knows, are in the current language.

        Examples
        --------
        >>> compare_strategies().to_html().count("<tr>")
        4
        """
        right = ' style="text-align: right"'
        header = "".join(
            f"<th{right if column else ''}>{html.escape(tr(title))}</th>"
            for column, title in enumerate(COLUMNS)
        )
        body = "".join(
            f"<tr><td>{html.escape(r.label)}</td>"
            f"<td{right}>{r.replies_to_first_guess}</td>"
            f"<td{right}>{r.worst}</td><td{right}>{r.mean:.2f}</td></tr>"
            for r in self.results
        )
        return (
            f'<table class="table"><thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def compare_strategies(
    strategies: Sequence[Strategy] = STRATEGIES,
    first_guess: int | None = None,
    *,
    low: int = LOW,
    high: int = HIGH,
) -> Comparison:
    """Play every secret in [low, high] with each strategy, from one first guess.

    Examples
    --------
    >>> table = compare_strategies()
    >>> table.first_guess, [r.worst for r in table.results]
    (25, [6, 5, 2])
    """
    low, high = _range(low, high)
    secrets = np.arange(low, high + 1)
    if first_guess is None:
        first_guess = middle(secrets)
    first_guess = _in_range("first_guess", first_guess, low, high)
    results = []
    for strategy in strategies:
        if not isinstance(strategy, Strategy):
            raise TypeError(
                "strategies must hold Strategy(name, feedback) pairs, got "
                f"{type(strategy).__name__}"
            )
        results.append(
            StrategyResult(
                name=strategy.name,
                secrets=secrets,
                guesses=guesses_needed(
                    strategy.feedback, first_guess, low=low, high=high
                ),
                replies_to_first_guess=distinct_replies(
                    strategy.feedback, first_guess, low=low, high=high
                ),
            )
        )
    return Comparison(low, high, first_guess, tuple(results))

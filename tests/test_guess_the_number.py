"""Tests of the guessing game (section 2.0.1) and of its chapter."""

from __future__ import annotations

import math
from functools import partial

import jupytext
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbasics.examples import guess_the_number as gtn
from nnbasics.examples.guess_the_number import (
    Band,
    Move,
    Reply,
    Strategy,
    compare_strategies,
    direction_only,
    distinct_replies,
    exact,
    fuzzy,
    guesses_needed,
    middle,
    play,
    replay,
    sometimes_lying,
    still_possible,
    worst_case_bound,
)
from nnbasics.plotting.guess_the_number import guesses_per_secret, narrowing
from tests.conftest import REPO

CHAPTER = REPO / "book" / "guess-the-number.md"
FEEDBACKS = [direction_only, fuzzy, exact]
SECRETS = range(gtn.LOW, gtn.HIGH + 1)


# --- the original dialogue ---------------------------------------------------


def test_replay_reproduces_the_original_replies():
    game = replay(gtn.ORIGINAL_GUESSES, secret=gtn.SECRET)
    assert game.guesses == (5, 50, 30)
    assert game.replies == ("far too small", "a bit too big", "too small")
    assert game.replies == gtn.ORIGINAL_REPLIES


def test_only_45_to_49_fit_the_original_replies():
    fitting = [
        secret
        for secret in SECRETS
        if replay(gtn.ORIGINAL_GUESSES, secret=secret).replies == gtn.ORIGINAL_REPLIES
    ]
    assert fitting == [45, 46, 47, 48, 49]
    moves = replay(gtn.ORIGINAL_GUESSES, secret=gtn.SECRET).moves
    assert still_possible(moves).tolist() == fitting


def test_transcript_alternates_speakers():
    text = replay(gtn.ORIGINAL_GUESSES, secret=gtn.SECRET).transcript()
    assert text.splitlines() == [
        "A: 5",
        "B: far too small",
        "A: 50",
        "B: a bit too big",
        "A: 30",
        "B: too small",
    ]


# --- the three kinds of feedback ---------------------------------------------


def test_direction_only_gives_the_sign():
    assert direction_only(30, 47) == Reply(-1)
    assert direction_only(50, 47) == Reply(1)
    assert direction_only(47, 47) == Reply(0)
    assert [direction_only(g, 10).text for g in (3, 10, 40)] == [
        "too small",
        "right",
        "too big",
    ]


@pytest.mark.parametrize(
    ("miss", "text"),
    [
        (1, "a bit too big"),
        (5, "a bit too big"),
        (6, "too big"),
        (20, "too big"),
        (21, "far too big"),
        (-1, "a bit too small"),
        (-20, "too small"),
        (-21, "far too small"),
        (0, "right"),
    ],
)
def test_fuzzy_band_edges(miss, text):
    assert fuzzy(25 + miss, 25).text == text


def test_exact_hands_back_the_signed_error():
    for guess in (1, 25, 50):
        for secret in SECRETS:
            reply = exact(guess, secret)
            assert reply.difference == guess - secret
            assert reply.direction == np.sign(guess - secret)
    assert exact(25, 47).text == "too small by 22"


def test_reply_allows_exactly_the_secrets_that_draw_it():
    candidates = np.arange(1, 51)
    for feedback in FEEDBACKS:
        for secret in (1, 17, 47):
            reply = feedback(30, secret)
            expected = [feedback(30, c) == reply for c in candidates]
            assert reply.allows(30, candidates).tolist() == expected


def test_flipped_reverses_direction_and_difference():
    assert exact(30, 47).flipped() == Reply(1, difference=17)
    assert fuzzy(5, 47).flipped().text == "far too big"


def test_distinct_replies_counts_what_a_reply_can_say():
    assert distinct_replies(direction_only, 25) == 3
    assert distinct_replies(fuzzy, 25) == 7
    assert distinct_replies(exact, 25) == 50
    assert distinct_replies(direction_only, 1) == 2  # nothing is below 1


# --- the games -----------------------------------------------------------------


@pytest.mark.parametrize("feedback", FEEDBACKS)
def test_every_game_ends_on_the_secret(feedback):
    for secret in SECRETS:
        game = play(secret, feedback, 25)
        assert game.found
        assert game.guesses[-1] == secret
        assert len(set(game.guesses)) == len(game)  # never the same guess twice


@settings(max_examples=60, deadline=None)
@given(
    low=st.integers(-30, 30),
    size=st.integers(1, 80),
    data=st.data(),
)
def test_games_end_on_the_secret_in_any_range(low, size, data):
    high = low + size - 1
    secret = data.draw(st.integers(low, high))
    first = data.draw(st.integers(low, high))
    for feedback in FEEDBACKS:
        game = play(secret, feedback, first, low=low, high=high)
        assert game.found
        assert game.guesses[0] == first
        assert game.guesses[-1] == secret


def test_default_first_guess_is_the_middle():
    assert play(47, direction_only).guesses[0] == 25
    assert middle(np.arange(1, 51)) == 25
    assert middle([45, 46, 47, 48, 49]) == 47


def test_direction_only_is_bisection():
    counts = guesses_needed(direction_only, 25)
    assert counts.max() == worst_case_bound(50) == 6
    assert play(47, direction_only).guesses == (25, 38, 44, 47)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 50, 63, 64, 100, 1000, 1023, 1024])
def test_worst_case_bound_is_ceil_log2_of_count_plus_one(count):
    bound = worst_case_bound(count)
    assert bound == math.ceil(math.log2(count + 1))
    assert 2 ** (bound - 1) - 1 < count <= 2**bound - 1


@pytest.mark.parametrize("high", [1, 2, 3, 7, 8, 31, 32, 50, 64, 100, 1000])
def test_bisection_reaches_the_bound_exactly(high):
    counts = guesses_needed(direction_only, low=1, high=high)
    assert counts.max() == worst_case_bound(high)


def test_no_first_guess_beats_the_bound():
    # the counting argument holds for any opening, not only the middle
    for first in (1, 10, 25, 40, 50):
        assert guesses_needed(direction_only, first).max() >= worst_case_bound(50)


@pytest.mark.parametrize(
    ("count", "error", "match"),
    [(0, ValueError, "count must be at least 1"), (2.5, TypeError, "whole number")],
)
def test_worst_case_bound_rejects_bad_counts(count, error, match):
    with pytest.raises(error, match=match):
        worst_case_bound(count)


def test_exact_feedback_finds_every_number_in_two_guesses():
    counts = guesses_needed(exact, 25)
    assert counts.max() == 2
    assert counts.tolist().count(1) == 1  # only the secret 25 itself
    assert counts[25 - 1] == 1


def test_fuzzy_mean_lies_strictly_between_exact_and_direction_only():
    table = compare_strategies(first_guess=25)
    direction, fuzzy_result, exact_result = table.results
    assert exact_result.mean < fuzzy_result.mean < direction.mean
    assert exact_result.worst <= fuzzy_result.worst <= direction.worst


def test_compare_strategies_agrees_with_guesses_needed():
    table = compare_strategies()
    assert table.first_guess == 25
    assert (table.low, table.high) == (1, 50)
    for strategy, result in zip(gtn.STRATEGIES, table.results, strict=True):
        counts = guesses_needed(strategy.feedback, 25)
        assert result.name == strategy.name
        assert result.guesses.tolist() == counts.tolist()
        assert result.worst == counts.max()
        assert result.mean == pytest.approx(counts.mean())
        assert result.secrets.tolist() == list(SECRETS)
    assert table["exact signed error"].worst == 2
    assert table.results[0].mean == pytest.approx(4.86)
    assert table.results[1].mean == pytest.approx(3.54)
    assert table.results[2].mean == pytest.approx(1.98)


def test_to_markdown_lists_every_strategy():
    lines = compare_strategies().to_markdown().splitlines()
    assert len(lines) == 2 + len(gtn.STRATEGIES)
    assert lines[0] == "| feedback | replies | worst | mean |"
    assert lines[2] == "| direction only | 3 | 6 | 4.86 |"
    assert lines[4] == "| exact signed error | 50 | 2 | 1.98 |"


def test_to_html_is_a_table_of_the_results():
    table = compare_strategies()
    page = table.to_html()
    assert page == table._repr_html_()
    assert page.startswith('<table class="table">')
    assert page.count("<tr>") == 1 + len(table.results)
    assert '<td style="text-align: right">4.86</td>' in page
    escaped = compare_strategies((Strategy("<b>", exact),)).to_html()
    assert "<td>&lt;b&gt;</td>" in escaped


def test_finer_bands_need_fewer_guesses():
    finer = (
        Band("a hair", 1, 2),
        Band("a bit", 3, 5),
        Band("", 6, 10),
        Band("well", 11, 20),
        Band("far", 21),
    )
    table = compare_strategies(
        (
            Strategy("three words", fuzzy),
            Strategy("five words", partial(fuzzy, bands=finer)),
        )
    )
    assert table["five words"].mean < table["three words"].mean


# --- a lying B -----------------------------------------------------------------


def test_lying_is_reproducible_and_can_lose_the_secret():
    def run(seed):
        liar = sometimes_lying(direction_only, 0.1, seed=seed)
        return [play(secret, liar, 25) for secret in SECRETS]

    first, again = run(2026), run(2026)
    assert [g.moves for g in first] == [g.moves for g in again]
    lost = [game for game in first if not game.found]
    assert lost
    assert all(game.secret not in still_possible(game.moves) for game in lost)


def test_a_certain_liar_flips_everything_but_right():
    liar = sometimes_lying(fuzzy, 1.0, seed=0)
    assert liar(30, 47).text == "too big"
    assert liar(47, 47).text == "right"
    game = play(47, liar, 25)
    assert not game.found


def test_guesses_needed_refuses_lying_feedback():
    liar = sometimes_lying(direction_only, 1.0, seed=0)
    with pytest.raises(ValueError, match="contradicted itself"):
        guesses_needed(liar)


# --- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"secret": 51}, ValueError, r"secret must lie in \[1, 50\]"),
        ({"secret": 0}, ValueError, r"secret must lie in \[1, 50\]"),
        ({"secret": 10, "low": 20, "high": 5}, ValueError, "low must not exceed"),
        ({"secret": 47.0}, TypeError, "secret must be a whole number"),
        ({"secret": "47"}, TypeError, "secret must be a whole number"),
        ({"secret": True}, TypeError, "secret must be a whole number"),
        ({"secret": 47, "first_guess": 60}, ValueError, "first_guess must lie"),
        ({"secret": 47, "first_guess": 2.5}, TypeError, "first_guess must be"),
        ({"secret": 4, "low": 1.0, "high": 5}, TypeError, "low must be"),
    ],
)
def test_play_rejects_bad_input(kwargs, error, match):
    kwargs.setdefault("feedback", direction_only)
    with pytest.raises(error, match=match):
        play(**kwargs)


def test_feedback_rejects_non_integers():
    with pytest.raises(TypeError, match="guess must be a whole number"):
        exact(2.5, 3)
    with pytest.raises(TypeError, match="secret must be a whole number"):
        direction_only(2, None)
    with pytest.raises(TypeError, match="guess must be a whole number"):
        replay([5, 7.5], secret=47)


def test_numpy_integers_are_whole_numbers():
    assert play(np.int64(47), fuzzy, np.int32(25)).found


@pytest.mark.parametrize(
    ("bands", "error", "match"),
    [
        ((), TypeError, "non-empty sequence of Band"),
        (("a bit",), TypeError, "non-empty sequence of Band"),
        ((Band("a bit", 2, 5), Band("far", 6)), ValueError, "should start at 1"),
        ((Band("a bit", 1, 5), Band("far", 8)), ValueError, "must start at 6"),
        ((Band("a bit", 1, 5), Band("", 4, 9), Band("far", 10)), ValueError, "start"),
        ((Band("a bit", 1, 5), Band("far", 6, 30)), ValueError, "largest=None"),
        ((Band("far", 1), Band("very far", 2)), ValueError, "have a largest"),
    ],
)
def test_fuzzy_rejects_bands_with_gaps(bands, error, match):
    with pytest.raises(error, match=match):
        fuzzy(5, 47, bands=bands)


def test_band_rejects_bad_limits():
    with pytest.raises(ValueError, match="smallest must be at least 1"):
        Band("right", 0, 0)
    with pytest.raises(ValueError, match="largest must be at least smallest"):
        Band("odd", 5, 3)
    with pytest.raises(TypeError, match="word must be a string"):
        Band(3, 1, 2)
    with pytest.raises(TypeError, match="smallest must be a whole number"):
        Band("a bit", 1.5, 5)


def test_reply_rejects_inconsistent_fields():
    with pytest.raises(ValueError, match="direction must be -1"):
        Reply(2)
    with pytest.raises(ValueError, match="disagree"):
        Reply(1, difference=-3)


def test_middle_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no candidates left"):
        middle([])


@pytest.mark.parametrize(
    ("probability", "seed", "error", "match"),
    [
        (0.0, 1, ValueError, "probability must be a positive"),
        (1.5, 1, ValueError, "probability must be at most 1"),
        ("often", 1, TypeError, "probability must be a number"),
        (0.1, 1.5, TypeError, "seed must be a whole number"),
    ],
)
def test_sometimes_lying_rejects_bad_input(probability, seed, error, match):
    with pytest.raises(error, match=match):
        sometimes_lying(direction_only, probability, seed=seed)


def test_compare_strategies_rejects_bad_input():
    with pytest.raises(TypeError, match="Strategy"):
        compare_strategies([direction_only])
    with pytest.raises(ValueError, match="first_guess must lie"):
        compare_strategies(first_guess=0)
    with pytest.raises(KeyError, match="no strategy named 'psychic'"):
        compare_strategies()["psychic"]


def test_game_records_moves():
    game = play(47, exact, 25)
    assert game.moves[0] == Move(25, Reply(-1, difference=-22))
    assert len(game) == 2
    assert game.found
    assert not replay([5], secret=47).found


# --- figures ---------------------------------------------------------------------


def test_narrowing_draws_one_strip_per_stage():
    game = replay(gtn.ORIGINAL_GUESSES, secret=gtn.SECRET)
    figure = narrowing(game)
    axes = figure.axes[0]
    labels = [text.get_text() for text in axes.texts]
    assert len(labels) == 4
    assert labels[0] == "before any guess: 50 possible"
    assert labels[1] == "guess 5, “far too small”: 25 possible"
    assert labels[3].endswith("5 possible")
    assert len(axes.patches) == 4 * 50


def test_guesses_per_secret_has_a_panel_per_strategy():
    table = compare_strategies()
    figure = guesses_per_secret(table)
    assert len(figure.axes) == 3
    titles = [axes.get_title(loc="left") for axes in figure.axes]
    assert titles[0] == "direction only: worst 6, mean 4.86"
    assert titles[2] == "exact signed error: worst 2, mean 1.98"
    heights = [patch.get_height() for patch in figure.axes[1].patches]
    assert heights == table.results[1].guesses.tolist()


def test_glue_calls_stay_out_of_sight() -> None:
    """Every glue call of the chapter sits in a cell tagged remove-cell."""
    notebook = jupytext.read(CHAPTER)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        hidden = "remove-cell" in cell.metadata.get("tags", [])
        if "glue(" in cell.source or "myst_nb" in cell.source:
            assert hidden, cell.source[:200]


# --- the chapter -----------------------------------------------------------------


@pytest.mark.build
def test_chapter_replays_the_original_dialogue(built_book):
    glued = built_book.glued("guess-the-number")
    assert [glued[f"gtn_guess_{k}"] for k in (1, 2, 3)] == [5, 50, 30]
    assert [glued[f"gtn_reply_{k}"] for k in (1, 2, 3)] == [
        "far too small",
        "a bit too big",
        "too small",
    ]
    assert (glued["gtn_low"], glued["gtn_high"]) == (1, 50)
    assert (glued["gtn_left_smallest"], glued["gtn_left_largest"]) == (45, 49)
    assert glued["gtn_left_count"] == 5
    html = built_book.html("guess-the-number")
    assert "B: far too small" in html
    assert "B: a bit too big" in html


@pytest.mark.build
def test_chapter_numbers_match_a_fresh_comparison(built_book):
    glued = built_book.glued("guess-the-number")
    fresh = compare_strategies(first_guess=glued["gtn_first_guess"])
    for key, result in zip(("dir", "fuzzy", "exact"), fresh.results, strict=True):
        assert glued[f"gtn_{key}_worst"] == result.worst
        assert glued[f"gtn_{key}_mean"] == pytest.approx(result.mean)
        assert glued[f"gtn_{key}_replies"] == result.replies_to_first_guess
    assert glued["gtn_first_guess"] == 25
    assert glued["gtn_bisection_bound"] == math.ceil(math.log2(50 + 1)) == 6
    assert glued["gtn_dir_worst"] == glued["gtn_bisection_bound"]
    assert glued["gtn_bound_less_settles"] < 50 <= glued["gtn_bound_settles"]
    assert glued["gtn_jump_rate"] == 0.5  # the loss e² has no ½: dL/da = 2e
    html = built_book.html("guess-the-number")
    for result in fresh.results:
        assert f"{result.mean:.2f}" in html
    assert "| direction only |" not in html  # the table is rendered, not raw
    assert "<td>direction only</td>" in html


@pytest.mark.build
def test_chapter_exercises_match_fresh_computations(built_book):
    glued = built_book.glued("guess-the-number")
    wide = compare_strategies(low=1, high=1000)
    assert glued["gtn_wide_dir_worst"] == wide["direction only"].worst == 10
    assert glued["gtn_wide_bound"] == worst_case_bound(1000) == 10
    assert (glued["gtn_wide_less_settles"], glued["gtn_wide_settles"]) == (511, 1023)
    liar = sometimes_lying(direction_only, 0.1, seed=2026)
    games = [play(secret, liar, 25) for secret in SECRETS]
    found = sum(game.found for game in games)
    assert glued["gtn_lying_found"] == found
    assert glued["gtn_lying_lost"] == len(games) - found
    lost = next(game for game in games if not game.found)
    assert glued["gtn_lie_secret"] == lost.secret

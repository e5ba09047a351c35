"""The black box of section 2.0.2: the package's search and the chapter on it."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from bs4 import BeautifulSoup
from matplotlib.text import Text

import nnbasics
from nnbasics import CurveFit, DivergenceError, History, central_difference, train
from nnbasics.examples import black_box as bb
from nnbasics.plotting.black_box import black_box_diagram, outputs_by_step, probe_plot

W1, W2 = bb.HIDDEN_WEIGHTS


def true_slope(x):
    return W1 + 2 * W2 * np.asarray(x, dtype=float)


def true_answer() -> float:
    """The positive root of W2·x² + W1·x - 4, from the formula."""
    return (-W1 + math.sqrt(W1**2 + 4 * W2 * bb.TARGET)) / (2 * W2)


@pytest.fixture(scope="module")
def search() -> bb.InputSearch:
    return bb.InputSearch(bb.BlackBox(), target=bb.TARGET)


@pytest.fixture(scope="module")
def run(search) -> History:
    return train(search, [bb.START], learning_rate=0.05, goal=bb.goal_within())


@pytest.fixture(scope="module")
def table(search, run) -> bb.SearchTable:
    return bb.SearchTable.from_history(search, run)


# --- the box and the original's two tries --------------------------------------


def test_the_box_gives_the_original_outputs_to_three_decimals():
    outputs = bb.BlackBox()([1.0, 2.0])
    assert outputs.round(3).tolist() == [2.334, 5.332]
    assert outputs == pytest.approx([2.334, 5.332], abs=1e-12)


def test_the_signed_losses_of_the_two_tries():
    outputs = bb.BlackBox()([bb.START, 2.0])
    misses = nnbasics.signed_error(outputs, [bb.TARGET, bb.TARGET])
    assert misses.round(3).tolist() == [-1.666, 1.332]


def test_the_box_wants_four_and_starts_at_one():
    assert bb.TARGET == 4.0
    assert bb.START == 1.0


def test_the_box_rejects_input_that_is_not_numbers():
    with pytest.raises(TypeError, match="x must be numbers"):
        bb.BlackBox()("one")
    with pytest.raises(ValueError, match="x contains 1 NaN"):
        bb.BlackBox()([1.0, float("nan")])


def test_reveal_shows_the_hidden_formula():
    assert bb.BlackBox().reveal() == "z = 2.002·x + 0.332·x²"


def test_exact_slope_is_the_derivative_of_the_formula():
    x = np.random.default_rng(7).uniform(-5, 5, 20)
    assert bb.BlackBox().exact_slope(x) == pytest.approx(true_slope(x), abs=1e-12)


# --- probing ---------------------------------------------------------------------


@pytest.mark.parametrize("x", [-3.0, 0.0, 1.0, 1.5826, 2.0, 7.5])
def test_the_probed_slope_matches_the_true_derivative(search, x):
    assert search.slope(np.array([x]))[0] == pytest.approx(true_slope(x), abs=1e-8)


def test_a_wide_probe_around_one_and_a_half_is_the_secant_of_the_two_tries():
    def box_output(x):
        return float(bb.BlackBox()(x)[0])

    secant = central_difference(box_output, [1.5], step=0.5)[0]
    assert secant == pytest.approx(5.332 - 2.334)


def test_input_search_rejects_bad_settings():
    with pytest.raises(ValueError, match="probe_step must be a positive"):
        bb.InputSearch(bb.BlackBox(), probe_step=0.0)
    with pytest.raises(TypeError, match="target must be numbers"):
        bb.InputSearch(bb.BlackBox(), target="four")
    with pytest.raises(ValueError, match="target contains 1 NaN"):
        bb.InputSearch(bb.BlackBox(), target=float("nan"))


# --- the search ------------------------------------------------------------------


def test_goal_within_squares_the_output_tolerance():
    goal = bb.goal_within(0.001, max_steps=7)
    assert goal.tolerance == pytest.approx(1e-6)
    assert goal.max_steps == 7
    assert bb.goal_within().tolerance == pytest.approx(bb.OUTPUT_TOLERANCE**2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"output_tolerance": 0.0}, ValueError, "output_tolerance must be a positive"),
        ({"output_tolerance": "0.1"}, TypeError, "output_tolerance must be a number"),
        ({"max_steps": 0}, ValueError, "max_steps must be at least 1"),
        ({"max_steps": 2.5}, TypeError, "max_steps must be a whole number"),
    ],
)
def test_goal_within_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        bb.goal_within(**kwargs)


def test_the_search_reaches_the_stated_tolerance(run):
    assert run.converged
    final_output = bb.BlackBox()(run.final_params)[0]
    assert abs(final_output - bb.TARGET) < bb.OUTPUT_TOLERANCE
    assert run.final_loss < 1e-6


def test_the_search_stops_at_the_first_step_within_the_tolerance(run):
    outputs = bb.BlackBox()(run.params[:, 0])
    assert np.all(np.abs(outputs[:-1] - bb.TARGET) >= bb.OUTPUT_TOLERANCE)
    assert len(run) == 5  # the start and four steps


def test_the_search_lands_next_to_the_true_answer(run):
    # |f(x) - 4| < 0.001 and a slope of about 3 put x within 0.001 / 3.
    assert run.final_params[0] == pytest.approx(true_answer(), abs=0.001 / 3)


def test_the_gradient_is_twice_the_miss_times_the_true_slope(search, run):
    x = run.params[:, 0]
    miss = bb.BlackBox()(x) - bb.TARGET
    assert run.gradients[:, 0] == pytest.approx(2 * miss * true_slope(x), rel=1e-8)


def test_the_first_step_of_the_search(run):
    assert run.gradients[0, 0] == pytest.approx(2 * -1.666 * 2.666)
    assert run.params[1, 0] == pytest.approx(1 + 0.05 * 2 * 1.666 * 2.666)


def test_a_much_larger_learning_rate_diverges(search):
    with pytest.raises(DivergenceError, match=r"learning rate 0\.3 is too large"):
        train(search, [bb.START], learning_rate=0.3, goal=bb.goal_within())


def test_a_learning_rate_above_one_over_slope_squared_never_settles(search):
    bounce = train(
        search, [bb.START], learning_rate=0.12, goal=bb.goal_within(max_steps=200)
    )
    assert not bounce.converged
    outputs = bb.BlackBox()(bounce.params[-2:, 0])
    assert outputs.min() < 2  # still on both sides of 4
    assert outputs.max() > 5


# --- step_factor -----------------------------------------------------------------


def test_step_factor_is_one_minus_two_rate_slope_squared():
    assert bb.step_factor(0.05, [3.0, 1.0]) == pytest.approx([0.1, 0.9])


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.08])
def test_step_factor_predicts_how_fast_the_distance_shrinks(search, rate):
    history = train(
        search, [bb.START], learning_rate=rate, goal=bb.goal_within(1e-7, max_steps=500)
    )
    distance = history.params[:, 0] - true_answer()
    ratios = distance[1:] / distance[:-1]
    predicted = bb.step_factor(rate, [true_slope(true_answer())])[0]
    assert ratios[-1] == pytest.approx(predicted, abs=0.01)


def test_step_factor_rejects_bad_arguments():
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        bb.step_factor(-0.1, [3.0])
    with pytest.raises(ValueError, match="slope contains 1 NaN"):
        bb.step_factor(0.1, [float("nan")])


# --- the iteration table -----------------------------------------------------------


def test_the_table_has_one_row_per_history_row(run, table):
    assert len(table) == len(run)
    assert table.steps.tolist() == run.steps.tolist()
    assert table.inputs.tolist() == run.params[:, 0].tolist()
    assert table.learning_rate == run.learning_rate
    assert table.converged is run.converged
    assert table.target == bb.TARGET


def test_the_table_columns_agree_with_the_history(run, table):
    assert table.outputs == pytest.approx(bb.BlackBox()(table.inputs))
    assert table.signed_errors == pytest.approx(table.outputs - bb.TARGET)
    assert table.slopes == pytest.approx(true_slope(table.inputs), abs=1e-8)
    # The recorded gradient is 2·(signed error)·(measured slope) ...
    assert run.gradients[:, 0] == pytest.approx(2 * table.signed_errors * table.slopes)
    # ... and the next input is one descent step from the current one.
    stepped = table.inputs[:-1] - run.learning_rate * run.gradients[:-1, 0]
    assert table.next_inputs[:-1] == pytest.approx(stepped)
    assert table.next_inputs[:-1].tolist() == table.inputs[1:].tolist()
    assert np.isnan(table.next_inputs[-1])


def test_the_first_row_is_the_original_first_try(table):
    assert table.outputs[0] == pytest.approx(2.334)
    assert table.signed_errors[0] == pytest.approx(-1.666)


def test_the_markdown_table_has_four_narrow_columns(table):
    lines = table.to_markdown().splitlines()
    assert len(lines) == len(table) + 2
    assert lines[0] == "| step | input $x$ | error $f(x) - 4$ | slope $f'(x)$ |"
    assert lines[2] == "| 0 | 1.0000 | \u22121.6660 | 2.6660 |"
    assert all(line.count("|") == 5 for line in lines)  # fits a phone
    assert table._repr_markdown_() == table.to_markdown()
    assert table.to_markdown(2).splitlines()[3] == "| 1 | 1.44 | \u22120.42 | 2.96 |"


def test_the_markdown_table_rejects_bad_digits(table):
    with pytest.raises(ValueError, match="digits must be at least 1"):
        table.to_markdown(0)


def test_from_history_rejects_what_is_not_an_input_search(search, run):
    with pytest.raises(TypeError, match="search must be an InputSearch"):
        bb.SearchTable.from_history(bb.SignOnlySearch(bb.BlackBox()), run)
    with pytest.raises(TypeError, match="history must be the History"):
        bb.SearchTable.from_history(search, {"params": run.params})
    fit = train(CurveFit([1.0, 2.0], [2.21, 4.42]), (1, 1), learning_rate=0.02)
    with pytest.raises(ValueError, match="history must come from an input search"):
        bb.SearchTable.from_history(search, fit)


# --- the recording box -------------------------------------------------------------


def test_the_recording_box_answers_like_the_box_and_logs_every_input():
    logged = bb.RecordingBox()
    assert logged([1.0, 2.0]) == pytest.approx(bb.BlackBox()([1.0, 2.0]))
    logged(1.5)
    assert logged.calls == 2
    assert logged.inputs.tolist() == [1.0, 2.0, 1.5]


def test_a_fresh_recording_box_has_an_empty_log():
    assert bb.RecordingBox().calls == 0
    assert bb.RecordingBox().inputs.size == 0


def test_the_recording_box_does_not_log_rejected_input():
    logged = bb.RecordingBox()
    with pytest.raises(TypeError, match="x must be numbers"):
        logged("two")
    assert logged.calls == 0


def test_the_search_costs_three_box_calls_per_row():
    logged = bb.RecordingBox()
    history = train(
        bb.InputSearch(logged), [bb.START], learning_rate=0.05, goal=bb.goal_within()
    )
    assert logged.calls == 3 * len(history) == 15
    # Each row: the input itself, then one probe either side of it.
    h = bb.InputSearch(logged).probe_step
    x = history.params[:, 0]
    expected = np.column_stack([x, x + h, x - h]).ravel()
    assert logged.inputs == pytest.approx(expected)


# --- sign only ---------------------------------------------------------------------


def test_sign_only_steps_by_the_learning_rate_and_never_settles():
    logged = bb.RecordingBox()
    history = train(
        bb.SignOnlySearch(logged), [bb.START], learning_rate=0.05,
        goal=bb.goal_within(max_steps=40),
    )  # fmt: skip
    assert not history.converged
    assert np.abs(np.diff(history.params[:, 0])) == pytest.approx(np.full(40, 0.05))
    assert history.params[-2:, 0] == pytest.approx([1.55, 1.6])
    assert logged.calls == len(history)  # no probes
    best_miss = np.min(np.abs(bb.BlackBox()(history.params[-2:, 0]) - bb.TARGET))
    assert best_miss > bb.OUTPUT_TOLERANCE


def test_sign_only_backward_is_the_sign_of_the_miss():
    search = bb.SignOnlySearch(bb.BlackBox())
    for x, sign in ((1.0, -1.0), (2.0, 1.0)):
        params = np.array([x])
        assert search.backward(params, search.forward(params)).tolist() == [sign]
    assert search.loss(np.array([5.0])) == pytest.approx(1.0)


def test_sign_only_rejects_a_bad_target():
    with pytest.raises(TypeError, match="target must be numbers"):
        bb.SignOnlySearch(bb.BlackBox(), target="4")


# --- figures -----------------------------------------------------------------------


def test_the_diagram_writes_the_example_and_the_target():
    texts = {t.get_text() for t in black_box_diagram((1.0, 2.334), 4.0).axes[0].texts}
    assert {"?", "input", "output", "1", "2.334", "wanted: output 4"} <= texts
    bare = {t.get_text() for t in black_box_diagram().axes[0].texts}
    assert bare == {"?", "input", "output"}


def test_the_diagram_rejects_an_example_that_is_not_a_pair():
    with pytest.raises(ValueError, match=r"example must be an \(input, output\) pair"):
        black_box_diagram(example=(1.0, 2.334, 5.332))


def test_the_probe_plot_draws_every_step_and_hides_the_curve(table):
    axes = probe_plot(table).axes[0]
    points = [line for line in axes.lines if line.get_marker() == "o"]
    assert len(points) == 1
    assert points[0].get_xdata().tolist() == table.inputs.tolist()
    labels = [line.get_label() for line in axes.lines]
    assert not any("hidden curve" in label for label in labels)


def test_the_revealed_probe_plot_draws_the_box_curve(table):
    axes = probe_plot(table, revealed=bb.BlackBox()).axes[0]
    (curve,) = [line for line in axes.lines if "hidden curve" in line.get_label()]
    assert curve.get_ydata() == pytest.approx(bb.BlackBox()(curve.get_xdata()))


def test_the_probe_plot_rejects_wrong_arguments(table, run):
    with pytest.raises(TypeError, match="table must be a SearchTable"):
        probe_plot(run)
    with pytest.raises(TypeError, match="revealed must be a BlackBox"):
        probe_plot(table, revealed=lambda x: x)


def test_outputs_by_step_has_one_titled_panel_per_search(search, table):
    other = bb.SearchTable.from_history(
        search,
        train(search, [bb.START], learning_rate=0.12, goal=bb.goal_within(max_steps=6)),
    )
    figure = outputs_by_step([table, other])
    titles = [axes.get_title(loc="left") for axes in figure.axes]
    assert titles == [
        "learning rate 0.05: reached the goal in 4 steps",
        "learning rate 0.12: not there after 6 steps",
    ]


def test_outputs_by_step_rejects_an_empty_or_wrong_list(run):
    with pytest.raises(TypeError, match="non-empty sequence of SearchTable"):
        outputs_by_step([])
    with pytest.raises(TypeError, match="non-empty sequence of SearchTable"):
        outputs_by_step([run])


# --- the chapter, built ------------------------------------------------------------


def page_text(built_book) -> str:
    article = BeautifulSoup(built_book.html("black-box"), "html.parser").select_one(
        "article"
    )
    return " ".join(article.get_text(" ").split())


@pytest.mark.build
def test_the_chapter_glues_the_original_numbers(built_book):
    glued = built_book.glued("black-box")
    assert glued["bb_f1"] == pytest.approx(2.334)
    assert glued["bb_f2"] == pytest.approx(5.332)
    assert glued["bb_first_error"] == pytest.approx(-1.666)
    assert glued["bb_second_error"] == pytest.approx(1.332)
    assert glued["bb_table_first"] == pytest.approx(2.21)  # the other box
    assert glued["bb_target"] == 4.0
    assert glued["bb_start"] == 1.0


@pytest.mark.build
def test_the_chapter_glues_the_search_it_ran(built_book, run, table):
    glued = built_book.glued("black-box")
    assert glued["bb_output_tolerance"] == pytest.approx(0.001)
    assert glued["bb_loss_tolerance"] == pytest.approx(1e-6)
    assert glued["bb_loss_tolerance_text"] == "10\u207b\u2076"
    assert glued["bb_stable_limit"] == pytest.approx(
        1 / true_slope(true_answer()) ** 2, rel=1e-3
    )
    assert glued["bb_converged"] is True
    assert glued["bb_steps"] == len(run) - 1 == 4
    assert glued["bb_final_miss"] < glued["bb_output_tolerance"]
    assert glued["bb_final_input"] == pytest.approx(table.inputs[-1], rel=1e-12)
    assert glued["bb_first_gradient"] == pytest.approx(run.gradients[0, 0], rel=1e-12)
    assert glued["bb_slope_at_start"] == pytest.approx(true_slope(1.0), abs=1e-8)
    assert glued["bb_secant_slope"] == pytest.approx(2.998)
    assert glued["bb_calls"] == 15
    assert glued["bb_probe_calls"] == 10
    assert glued["bb_max_slope_error"] < 1e-8
    assert glued["bb_max_backprop_gap"] < 1e-8
    assert glued["bb_revealed"] == bb.BlackBox().reveal()


@pytest.mark.build
def test_the_chapter_shows_the_numbers_formatted(built_book):
    text = page_text(built_book)
    assert "Pushing in 1 brings out 2.334 , short" in text
    assert "The two errors are \u22121.666 and 1.332" in text
    assert "within 0.001 of 4" in text
    assert "a loss below 10\u207b\u2076" in text
    prose = BeautifulSoup(built_book.html("black-box"), "html.parser").select_one(
        "article"
    )
    for cell in prose.select("div.cell, div.highlight"):  # code and its output
        cell.decompose()
    assert not re.search(r"\de-\d", prose.get_text(" "))  # 10⁻⁶, never 1e-06


@pytest.mark.build
def test_the_chapter_shows_the_iteration_table_of_the_search(built_book, table):
    page = BeautifulSoup(built_book.html("black-box"), "html.parser")
    tables = page.select("article table")
    (shown,) = [t for t in tables if "slope" in t.get_text() and "step" in t.get_text()]
    rows = [[cell.get_text(strip=True) for cell in row.select("td")]
            for row in shown.select("tbody tr")]  # fmt: skip
    expected = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table.to_markdown().splitlines()[2:]
    ]
    assert rows == expected


@pytest.mark.build
def test_the_chapter_has_its_figures_the_lens_table_and_exercises(built_book):
    page = BeautifulSoup(built_book.html("black-box"), "html.parser")
    for name in ("fig-bb-box", "fig-bb-probes", "fig-bb-rates", "fig-bb-revealed"):
        (image,) = page.select(f"figure#{name} img")
        assert len(image["alt"]) > 40
    text = page_text(built_book)
    assert "lens in the black box goal" in text
    assert "Key takeaways" in text
    assert len(page.select("div.exercise")) >= 2


def test_the_figures_fit_a_phone(search, table):
    """At most 4.8 inches wide, and no text smaller than 11 pt (after drawing)."""
    other = bb.SearchTable.from_history(
        search, train(search, [bb.START], learning_rate=0.12, goal=bb.goal_within())
    )
    figures = [
        black_box_diagram((1.0, 2.334), 4.0),
        probe_plot(table),
        probe_plot(table, revealed=bb.BlackBox()),
        outputs_by_step([table, other]),
    ]
    for figure in figures:
        figure.to_png(dpi=50)  # draw, so that tick labels exist
        assert figure.get_size_inches()[0] <= 4.8
        sizes = [
            text.get_fontsize() for text in figure.findobj(Text) if text.get_text()
        ]
        assert min(sizes) >= 11

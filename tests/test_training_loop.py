"""Tests of the opening and "The training loop" chapters and of their figures.

Unit tests cover the functions the two chapters add to the package (the loss
curves, the diagram of the loop and the animated SVG of gradient descent);
the build tests check every glued number against a fresh run of the package.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from bs4 import BeautifulSoup
from matplotlib.colors import to_rgb

import nnbasics
from nnbasics.examples import black_box
from nnbasics.examples.black_box import BlackBox, InputSearch
from nnbasics.examples.cracking import TABLE_2_1, loss_curvature
from nnbasics.plotting.animation import HOLD_SECONDS, descent_animation
from nnbasics.plotting.style import BLUE, GREEN, ORANGE
from nnbasics.plotting.training import loss_curves, training_cycle

SVG = "{http://www.w3.org/2000/svg}"
SIZE_BOUND = 60_000  # bytes: the animation must stay light


@pytest.fixture(scope="module")
def fit() -> nnbasics.CurveFit:
    return nnbasics.CurveFit(TABLE_2_1.x, TABLE_2_1.y)


@pytest.fixture(scope="module")
def fit_run(fit) -> nnbasics.History:
    return nnbasics.train(fit, (1, 1), learning_rate=0.1)


@pytest.fixture(scope="module")
def box_run() -> nnbasics.History:
    search = InputSearch(BlackBox(), target=black_box.TARGET)
    return nnbasics.train(search, (black_box.START,), learning_rate=0.05)


@pytest.fixture(scope="module")
def animation(fit, fit_run) -> str:
    return descent_animation(fit_run, fit, tolerance=0.001)


def points(path_data: str) -> np.ndarray:
    """The (x, y) points of an SVG path made of M and implicit line-to commands."""
    numbers = re.findall(r"-?\d+(?:\.\d+)?", path_data)
    return np.array(numbers, dtype=float).reshape(-1, 2)


def route(svg: str) -> np.ndarray:
    root = ET.fromstring(svg)
    (path,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "nnb-route"]
    return points(path.get("d"))


def assert_affine_image(pixels: np.ndarray, params: np.ndarray) -> None:
    """Assert that ``pixels`` are ``params`` mapped by one scale and shift per axis."""
    for axis in (0, 1):
        design = np.stack([params[:, axis], np.ones(len(params))], axis=1)
        (scale, _), *_ = np.linalg.lstsq(design, pixels[:, axis], rcond=None)
        fitted = design @ np.linalg.lstsq(design, pixels[:, axis], rcond=None)[0]
        assert np.max(np.abs(fitted - pixels[:, axis])) <= 0.06  # rounding to 0.1 px
        assert (scale > 0) if axis == 0 else (scale < 0)  # w2 grows upwards


# --- the animated SVG ------------------------------------------------------------


def test_animation_is_valid_svg(animation):
    root = ET.fromstring(animation)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title").text
    assert "131 steps" in root.find(f"{SVG}desc").text


def test_animation_is_deterministic(fit, fit_run, animation):
    again = descent_animation(fit_run, fit, tolerance=0.001)
    assert again.encode() == animation.encode()


def test_animation_is_small(animation):
    assert len(animation.encode()) < SIZE_BOUND


def test_a_long_history_is_thinned_to_stay_small(fit):
    slow = nnbasics.train(fit, (1, 1), learning_rate=0.01)
    assert len(slow) > 1000
    svg = descent_animation(slow, fit, max_points=300)
    assert len(svg.encode()) < SIZE_BOUND
    shown = route(svg)
    assert len(shown) == 300
    steps = np.unique(np.round(np.linspace(0, len(slow) - 1, 300)).astype(int))
    assert_affine_image(shown, slow.params[steps])


def test_animation_draws_the_path_of_the_history(fit_run, animation):
    shown = route(animation)
    assert len(shown) == len(fit_run)  # one point per step, none dropped
    assert_affine_image(shown, fit_run.params)


def test_both_axes_have_the_same_scale(fit_run, animation):
    shown = route(animation)
    moved_px = np.hypot(*(shown[-1] - shown[0]))
    moved = np.hypot(*(fit_run.params[-1] - fit_run.params[0]))
    x_scale = (shown[-1, 0] - shown[0, 0]) / (
        fit_run.params[-1, 0] - fit_run.params[0, 0]
    )
    assert moved_px / moved == pytest.approx(abs(x_scale), rel=1e-3)


def test_the_dot_visits_every_step_in_equal_time(fit_run, animation):
    root = ET.fromstring(animation)
    (dot,) = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "nnb-motion"]
    cx, cy = dot.findall(f"{SVG}animate")
    xs = np.array(cx.get("values").split(";"), dtype=float)
    ys = np.array(cy.get("values").split(";"), dtype=float)
    assert np.column_stack([xs, ys])[:-1] == pytest.approx(route(animation))
    times = np.array(cx.get("keyTimes").split(";"), dtype=float)
    total = float(cx.get("dur").rstrip("s"))
    walk = times[:-1] * total  # the last key time is the hold at the end
    assert np.diff(walk) == pytest.approx(
        np.full(len(fit_run) - 1, np.diff(walk)[0]), abs=1e-3
    )
    assert total - walk[-1] == pytest.approx(HOLD_SECONDS, abs=1e-3)


def test_every_animation_has_matching_values_and_key_times(animation):
    root = ET.fromstring(animation)
    animations = list(root.iter(f"{SVG}animate"))
    assert len(animations) == 4  # trail, dot x, dot y, progress bar
    for element in animations:
        values = element.get("values").split(";")
        times = [float(t) for t in element.get("keyTimes").split(";")]
        assert len(values) == len(times)
        assert times[0] == 0
        assert times[-1] == 1
        assert all(b >= a for a, b in itertools.pairwise(times))
        assert element.get("repeatCount") == "indefinite"


def test_reduced_motion_hides_everything_that_moves(animation):
    root = ET.fromstring(animation)
    style = root.find(f"{SVG}style").text
    assert "prefers-reduced-motion:reduce" in style
    assert ".nnb-motion{display:none}" in style
    for element in root.iter():
        if element.find(f"{SVG}animate") is not None:
            assert element.get("class") == "nnb-motion", element.tag


def test_animation_needs_nothing_from_outside(animation):
    assert "<script" not in animation
    assert "<image" not in animation
    assert "href" not in animation
    assert re.findall(r"https?://[^\"]+", animation) == ["http://www.w3.org/2000/svg"]


def test_goal_contour_is_drawn_only_when_asked(fit, fit_run, animation):
    def goal_paths(svg: str) -> list[ET.Element]:
        return [
            p
            for p in ET.fromstring(svg).iter(f"{SVG}path")
            if p.get("class") == "nnb-goal"
        ]

    (goal,) = goal_paths(animation)
    assert goal.get("stroke") == GREEN
    assert goal_paths(descent_animation(fit_run, fit)) == []


def test_the_path_stops_where_it_reaches_the_goal_contour(animation):
    # The goal's contour surrounds the minimum; the last step has just reached it.
    root = ET.fromstring(animation)
    (goal,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "nnb-goal"]
    outline = points(goal.get("d"))
    path = route(animation)

    def distance(point: np.ndarray) -> float:
        return float(np.min(np.hypot(*(outline - point).T)))

    assert distance(path[-1]) < 2.0  # pixels
    assert distance(path[0]) > 100.0


def test_animation_rejects_a_history_without_two_parameters(box_run):
    search = InputSearch(BlackBox())
    with pytest.raises(ValueError, match="two parameters"):
        descent_animation(box_run, search)


@pytest.mark.parametrize(
    ("option", "value", "error", "message"),
    [
        ("seconds", 0, ValueError, "seconds must be a positive"),
        ("seconds", "8", TypeError, "seconds must be a number"),
        ("max_points", 1, ValueError, "max_points must be at least 2"),
        ("grid", 4, ValueError, "grid must be at least 5"),
        ("grid", 2.5, TypeError, "grid must be a whole number"),
        ("tolerance", -0.001, ValueError, "tolerance must be a positive"),
    ],
)
def test_animation_rejects_bad_options(fit, fit_run, option, value, error, message):
    with pytest.raises(error, match=message):
        descent_animation(fit_run, fit, **{option: value})


# --- the loss curves and the diagram -----------------------------------------------


def test_loss_curves_draws_one_log_panel_per_run(fit_run, box_run):
    figure = loss_curves({"box": box_run, "fit": fit_run}, tolerance=0.001)
    assert [axes.get_title() for axes in figure.axes] == ["box", "fit"]
    for axes, run in zip(figure.axes, (box_run, fit_run), strict=True):
        assert axes.get_yscale() == "log"
        curve, goal = axes.get_lines()
        assert curve.get_ydata() == pytest.approx(run.losses)
        assert list(goal.get_ydata()) == [0.001, 0.001]


def test_loss_curves_without_tolerance_draws_no_goal_line(fit_run):
    (axes,) = loss_curves({"fit": fit_run}).axes
    assert len(axes.get_lines()) == 1


def test_loss_curves_needs_a_run():
    with pytest.raises(ValueError, match="histories is empty"):
        loss_curves({})


def test_training_cycle_shows_the_six_lenses_and_colours_the_three_ideas():
    figure = training_cycle()
    axes = figure.axes[0]
    titles = [t.get_text() for t in axes.texts if t.get_weight() == "bold"]
    assert sorted(titles) == sorted(
        ["initialization", "the goal", "forward computation", "loss function",
         "gradient descent", "backpropagation"]
    )  # fmt: skip
    edges = {
        patch.get_edgecolor()[:3]
        for patch in axes.patches
        if patch.get_facecolor()[3] == 0  # the outlines
    }
    assert {to_rgb(ORANGE), to_rgb(GREEN), to_rgb(BLUE)} <= edges
    assert figure.to_png() == training_cycle().to_png()  # deterministic


# --- the training-loop examples, fresh ------------------------------------------------


def test_one_loop_solves_the_black_box(box_run):
    assert box_run.converged
    assert box_run.final_loss < 0.001
    output = BlackBox()(box_run.final_params)[0]
    assert abs(output - black_box.TARGET) < np.sqrt(0.001)


def test_one_loop_cracks_the_box(fit_run):
    assert fit_run.converged
    assert fit_run.final_loss < 0.001
    assert len(fit_run) - 1 == 131


def test_too_large_a_learning_rate_diverges_with_advice(fit):
    with pytest.raises(
        nnbasics.DivergenceError, match=r"try a smaller one, e\.g\. 0\.02"
    ):
        nnbasics.train(fit, (1, 1), learning_rate=0.2)


# --- the built chapters ---------------------------------------------------------------


def page_text(built_book, docname: str) -> str:
    soup = BeautifulSoup(built_book.html(docname), "html.parser")
    return " ".join(soup.find("main").get_text(" ").split())


@pytest.mark.build
def test_opening_glues_one_round_of_guess_compare_adjust(built_book):
    glued = built_book.glued("opening")
    assert glued["op_x"] == 1.0
    assert glued["op_y"] == pytest.approx(2.21)
    assert glued["op_a"] == 2.0
    assert glued["op_miss"] == pytest.approx(-0.21)
    assert glued["op_loss"] == pytest.approx(0.0441)
    assert glued["op_grad_w1"] == pytest.approx(-0.42)
    assert glued["op_grad_w2"] == pytest.approx(-0.42)
    assert glued["op_new_w1"] == pytest.approx(1.042)
    assert glued["op_new_a"] == pytest.approx(2.084)
    assert glued["op_new_miss"] == pytest.approx(-0.126)
    assert glued["op_shrink"] == pytest.approx(1 - 4 * glued["op_rate"])


@pytest.mark.build
def test_opening_glues_the_repeated_rounds_and_the_initializations(built_book):
    glued = built_book.glued("opening")
    problem = nnbasics.CurveFit(TABLE_2_1.x[:1], TABLE_2_1.y[:1])
    fresh = nnbasics.train(
        problem, (1, 1), learning_rate=glued["op_rate"],
        goal=nnbasics.Goal(tolerance=glued["op_tolerance"]),
    )  # fmt: skip
    assert glued["op_rounds"] == len(fresh) - 1
    assert glued["op_final_miss"] == pytest.approx(
        float(nnbasics.forward(fresh.final_params, TABLE_2_1.x[:1])[0]) - 2.21
    )
    assert abs(glued["op_final_miss"]) < np.sqrt(glued["op_tolerance"])
    random = nnbasics.at_random(2, seed=glued["op_seed"])
    assert [glued["op_random_w1"], glued["op_random_w2"]] == pytest.approx(random)
    assert glued["op_same_again"] is True
    assert glued["op_default_tolerance"] == nnbasics.Goal().tolerance


@pytest.mark.build
def test_opening_page_shows_the_numbers_the_diagram_and_the_map(built_book):
    text = page_text(built_book, "opening")
    for shown in ("= 2 .", "= −0.21", "0.0441", "−0.42", "1.042", "2.084", "−0.126"):
        assert shown in text, shown
    soup = BeautifulSoup(built_book.html("opening"), "html.parser")
    assert soup.find(id="fig-op-cycle").find("img")["alt"].startswith("Diagram of six")
    links = {
        a["href"].split("#")[0] for a in soup.find("main").find_all("a", href=True)
    }
    for chapter in ("guess-the-number", "black-box", "target-shooting",
                    "cracking-the-box", "training-loop", "api"):  # fmt: skip
        assert f"{chapter}.html" in links, chapter
    assert len(soup.select("main .exercise")) >= 2
    assert "<table" in built_book.html("opening")


@pytest.mark.build
def test_training_loop_glues_both_runs_of_the_same_loop(built_book, box_run, fit_run):
    glued = built_book.glued("training-loop")
    assert glued["loop_tolerance"] == 0.001
    assert glued["loop_bb_target"] == black_box.TARGET
    assert glued["loop_bb_start"] == black_box.START
    for prefix, run in (("bb", box_run), ("cr", fit_run)):
        assert glued[f"loop_{prefix}_steps"] == len(run) - 1
        assert glued[f"loop_{prefix}_rate"] == run.learning_rate
        assert glued[f"loop_{prefix}_first_loss"] == pytest.approx(run.losses[0])
        assert glued[f"loop_{prefix}_final_loss"] == pytest.approx(run.final_loss)
        assert glued[f"loop_{prefix}_final_loss"] < glued["loop_tolerance"]
        assert glued[f"loop_{prefix}_converged"] is True
    assert glued["loop_bb_first_loss"] == pytest.approx((2.334 - 4) ** 2)
    assert glued["loop_bb_final_output"] == pytest.approx(4, abs=0.032)
    assert glued["loop_cr_first_loss"] == pytest.approx(0.63882125)
    assert [glued["loop_cr_w1"], glued["loop_cr_w2"]] == pytest.approx(
        fit_run.final_params
    )
    assert glued["loop_slope"] == pytest.approx(2.21)


@pytest.mark.build
def test_training_loop_shows_the_divergence_message(built_book):
    glued = built_book.glued("training-loop")
    assert glued["loop_bad_rate"] == pytest.approx(0.2)
    message = glued["loop_divergence_message"]
    assert "diverged" in message
    assert "try a smaller one" in message
    assert message in page_text(built_book, "training-loop")


@pytest.mark.build
def test_training_loop_page_shows_the_numbers(built_book):
    glued = built_book.glued("training-loop")
    text = page_text(built_book, "training-loop")
    for shown in (
        f"after {glued['loop_bb_steps']} steps",
        f"needs {glued['loop_cr_steps']} steps",
        glued["loop_bb_final_loss_text"],
        f"{glued['loop_cr_final_loss']:.5f}",
        f"{glued['loop_cr_w1']:.3f}",
        "10⁶ times",
    ):
        assert shown in text, shown


@pytest.mark.build
def test_training_loop_animation_is_a_light_svg_with_alt_text(built_book, animation):
    soup = BeautifulSoup(built_book.html("training-loop"), "html.parser")
    # Inline, so that the page's reduced-motion setting reaches its styles.
    svg = soup.find(id="fig-loop-descent").find("svg")
    assert svg["role"] == "img"
    title_id, description_id = svg["aria-labelledby"].split()
    assert svg.find(id=title_id).get_text().startswith("Gradient descent")
    assert "steps" in svg.find(id=description_id).get_text()
    assert len(str(svg).encode()) < SIZE_BOUND
    assert route(str(svg)) == pytest.approx(route(animation))
    glued = built_book.glued("training-loop")
    assert glued["loop_svg_kb"] == pytest.approx(len(animation.encode()) / 1000)
    assert len(soup.select("main .exercise")) >= 2


@pytest.mark.build
def test_training_loop_shows_the_real_source_of_the_loop(built_book):
    soup = BeautifulSoup(built_book.html("training-loop"), "html.parser")
    code = "\n".join(pre.get_text() for pre in soup.select("div.highlight pre"))
    for line in (
        "params = from_experience(initial)",
        "params = descent_step(params, gradient, learning_rate)",
        "class Problem(Protocol):",
        "return weights - learning_rate * gradient",
    ):
        assert line in code, line


# --- the regimes the chapter's prose states -----------------------------------------


def test_each_rate_of_the_same_loop_is_below_its_stability_limit(box_run, fit_run):
    search = InputSearch(BlackBox())
    slope = float(search.slope(box_run.final_params)[0])
    assert box_run.learning_rate < 1 / slope**2
    assert 0 < black_box.step_factor(box_run.learning_rate, [slope])[0] < 0.1
    limit = loss_curvature(TABLE_2_1).largest_stable_learning_rate
    assert fit_run.learning_rate < limit < 2 * fit_run.learning_rate


def test_every_tenfold_stricter_goal_costs_the_same_extra_steps(fit):
    flattest = loss_curvature(TABLE_2_1).values[0]
    predicted = np.log(10) / (-2 * np.log(1 - 0.1 * flattest))
    steps = [
        len(nnbasics.train(fit, (1, 1), learning_rate=0.1,
                           goal=nnbasics.Goal(tolerance=10.0**-k, max_steps=100_000)))
        for k in range(2, 9)
    ]  # fmt: skip
    assert np.all(np.abs(np.diff(steps) - predicted) <= 1)


def test_a_start_left_of_the_hump_finds_the_other_answer():
    box = BlackBox()
    search = InputSearch(box)
    run = nnbasics.train(
        search, (-5.0,), learning_rate=0.05, goal=nnbasics.Goal(tolerance=0.001)
    )
    assert run.converged
    assert run.final_params[0] < -7  # the negative answer, near -7.61
    slope = search.slope(run.final_params)
    assert abs(black_box.step_factor(0.05, slope)[0]) < 1


def test_at_rate_0_2_neither_answer_of_the_box_is_stable():
    search = InputSearch(BlackBox())
    answers = []
    for start in (1.0, -5.0):
        run = nnbasics.train(
            search, (start,), learning_rate=0.05, goal=nnbasics.Goal(tolerance=1e-12)
        )
        answers.append(float(search.slope(run.final_params)[0]))
    assert np.all(black_box.step_factor(0.2, answers) < -1)

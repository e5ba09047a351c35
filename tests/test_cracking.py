"""Tests of "Cracking the black box" (section 2.0.4) and of its chapter."""

from __future__ import annotations

import numpy as np
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.text import Text

import nnbasics
from nnbasics.examples import cracking
from nnbasics.examples.cracking import (
    HAND_WEIGHTS,
    TABLE_2_1,
    Samples,
    feature_correlation,
    hand_walkthrough,
    least_squares_weights,
    loss_curvature,
    loss_surface,
    markdown_table,
    output_ratios,
    w1_for_each_sample,
)
from nnbasics.plotting.cracking import fit_inside_and_outside, loss_contours

DOC = "cracking-the-box"


@pytest.fixture(scope="module")
def history() -> nnbasics.History:
    problem = nnbasics.CurveFit(TABLE_2_1.x, TABLE_2_1.y)
    return nnbasics.train(problem, (1, 1), learning_rate=0.1)


# --- the samples ---------------------------------------------------------------


def test_table_2_1_holds_the_original_samples():
    assert TABLE_2_1.x.tolist() == [1.0, 1.1, 1.2, 2.0]
    assert TABLE_2_1.y.tolist() == [2.21, 2.431, 2.652, 4.42]
    assert len(TABLE_2_1) == 4


def test_every_sample_lies_on_y_equals_2_21_x():
    assert output_ratios(TABLE_2_1) == pytest.approx([2.21] * 4, abs=1e-12)
    assert TABLE_2_1.y == pytest.approx(2.21 * TABLE_2_1.x, abs=1e-12)


def test_samples_are_copied_to_float_arrays():
    x = [1, 2]
    samples = Samples(x, [3, 4])
    assert samples.x.dtype == np.float64
    samples.x[0] = 99.0
    assert x == [1, 2]


@pytest.mark.parametrize(
    ("x", "y", "error", "match"),
    [
        ([1.0, 2.0], [1.0], ValueError, "same shape"),
        ([], [], ValueError, "empty"),
        ([1.0, np.nan], [1.0, 2.0], ValueError, "NaN"),
        ("12", [1.0, 2.0], TypeError, "string"),
        ([[1.0, 2.0]], [[1.0, 2.0]], ValueError, "1-dimensional"),
    ],
)
def test_bad_samples_are_rejected(x, y, error, match):
    with pytest.raises(error, match=match):
        Samples(x, y)


# --- the hand walkthrough --------------------------------------------------------


def test_walkthrough_reproduces_the_originals_numbers():
    steps = hand_walkthrough()
    assert [s.sample for s in steps] == [1, 2, 3, 4]
    assert [s.x for s in steps] == [1.0, 1.1, 1.2, 2.0]
    assert [s.prediction for s in steps] == pytest.approx([2.0, 2.86, 2.88, 6.2])
    assert [s.error for s in steps] == pytest.approx([-0.21, 0.429, 0.228, 1.78])
    assert [s.verdict for s in steps] == ["too small", "too big", "too big", "too big"]


def test_walkthrough_uses_forward_and_signed_error():
    for step, weights in zip(hand_walkthrough(), HAND_WEIGHTS, strict=True):
        z = nnbasics.forward(weights, step.x)
        assert step.prediction == float(z[0])
        assert step.error == float(nnbasics.signed_error(z, step.target)[0])


def test_hand_gradient_has_the_sign_of_the_error():
    # The rule of thumb: positive error -> lower the weights, negative -> raise.
    for step in hand_walkthrough():
        assert np.all(np.sign(step.gradient) == np.sign(step.error))
        assert step.advice == ("lower" if step.error > 0 else "raise")
        # d(e²)/dw = 2·e·(x, x²) for one sample
        expected = 2 * step.error * np.array([step.x, step.x**2])
        assert step.gradient == pytest.approx(expected)


def test_hand_gradient_matches_a_finite_difference():
    step = hand_walkthrough()[2]
    x, y = np.array([step.x]), np.array([step.target])

    def squared_miss(w):
        return float(nnbasics.squared_error(nnbasics.forward(w, x), y)[0])

    measured = nnbasics.central_difference(squared_miss, step.weights)
    assert step.gradient == pytest.approx(measured, rel=1e-6)


def test_verdict_and_advice_for_an_exact_hit():
    step = hand_walkthrough([(2.21, 0.0)])[0]
    assert step.error == pytest.approx(0.0, abs=1e-12)
    exact = cracking.HandStep(1, np.zeros(2), 1.0, 1.0, 1.0, 0.0, np.zeros(2))
    assert exact.verdict == "exact"
    assert exact.advice == "keep"
    mixed = cracking.HandStep(1, np.zeros(2), 1.0, 1.0, 1.0, 0.5, np.array([1.0, -1]))
    assert mixed.advice == "mixed"


@pytest.mark.parametrize(
    ("steps", "match"),
    [
        ([], "empty"),
        ([(1, 1)] * 5, "at most one pair per sample"),
        ([(1, 1, 1)], "2 values"),
        ([(1, np.inf)], "NaN or infinite"),
    ],
)
def test_bad_walkthroughs_are_rejected(steps, match):
    with pytest.raises(ValueError, match=match):
        hand_walkthrough(steps)


def test_each_sample_wants_a_different_w1():
    wanted = w1_for_each_sample(TABLE_2_1, w2=1.0)
    assert wanted == pytest.approx([1.21, 1.11, 1.01, 0.21])
    # Each w1 really zeroes its own sample's error, and no other.
    for k, w1 in enumerate(wanted):
        errors = nnbasics.signed_error(
            nnbasics.forward((w1, 1.0), TABLE_2_1.x), TABLE_2_1.y
        )
        assert errors[k] == pytest.approx(0.0, abs=1e-12)
        assert np.count_nonzero(np.abs(errors) > 1e-9) == 3
    # With w2 = 0 they all agree: the line y = 2.21 x.
    assert w1_for_each_sample(TABLE_2_1, w2=0.0) == pytest.approx([2.21] * 4)


def test_inputs_of_zero_are_rejected():
    with pytest.raises(ValueError, match="x = 0"):
        output_ratios(Samples([0.0, 1.0], [0.0, 2.0]))
    with pytest.raises(ValueError, match="x = 0"):
        w1_for_each_sample(Samples([0.0, 1.0], [0.0, 2.0]))
    with pytest.raises(ValueError, match="w2"):
        w1_for_each_sample(TABLE_2_1, w2=[1.0, 2.0])


# --- training and the loss surface ---------------------------------------------


def test_training_reaches_the_goal_at_learning_rate_0_1(history):
    assert history.converged
    assert history.final_loss < 0.001
    assert history.params[0].tolist() == [1.0, 1.0]


def test_history_is_consistent_with_fresh_forward_passes(history):
    for weights, loss, gradient in zip(
        history.params, history.losses, history.gradients, strict=True
    ):
        prediction = nnbasics.forward(weights, TABLE_2_1.x)
        assert loss == pytest.approx(
            nnbasics.mean_squared_error(prediction, TABLE_2_1.y)
        )
        fresh = nnbasics.backprop(weights, TABLE_2_1.x, prediction, TABLE_2_1.y)
        assert gradient == pytest.approx(fresh.weights)
    # and every step is one descent step
    for before, after, gradient in zip(
        history.params[:-1], history.params[1:], history.gradients[:-1], strict=True
    ):
        assert after == pytest.approx(nnbasics.descent_step(before, gradient, 0.1))


def test_trained_weights_copy_the_samples_but_not_the_line(history):
    w1, w2 = history.final_params
    assert abs(w1 - 2.21) > 0.05
    assert abs(w2) > 0.03
    inside = nnbasics.forward(history.final_params, TABLE_2_1.x)
    assert np.max(np.abs(inside - TABLE_2_1.y)) < 0.05
    at_ten = nnbasics.forward(history.final_params, 10.0)[0]
    assert at_ten - 22.1 > 3.0


def test_loss_surface_agrees_with_mean_squared_error():
    w1 = np.array([0.5, 1.0, 2.21, 3.0])
    w2 = np.array([-0.2, 0.0, 1.0])
    surface = loss_surface(w1, w2, TABLE_2_1)
    assert surface.shape == (3, 4)
    for i, b in enumerate(w2):
        for j, a in enumerate(w1):
            expected = nnbasics.mean_squared_error(
                nnbasics.forward((a, b), TABLE_2_1.x), TABLE_2_1.y
            )
            assert surface[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(-5, 5, allow_nan=False),
    st.floats(-5, 5, allow_nan=False),
)
def test_loss_surface_agrees_at_any_weights(a, b):
    expected = nnbasics.mean_squared_error(
        nnbasics.forward((a, b), TABLE_2_1.x), TABLE_2_1.y
    )
    assert loss_surface([a], [b])[0, 0] == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize(
    ("w1", "w2", "match"),
    [
        ([], [1.0], "w1 is empty"),
        ([1.0], [[1.0]], "w2 must be 1-dimensional"),
        ([np.nan], [1.0], "NaN"),
    ],
)
def test_bad_grids_are_rejected(w1, w2, match):
    with pytest.raises(ValueError, match=match):
        loss_surface(w1, w2)


def test_least_squares_finds_the_line():
    assert least_squares_weights(TABLE_2_1) == pytest.approx([2.21, 0.0], abs=1e-10)
    line_model = nnbasics.PolynomialModel((1,))
    assert least_squares_weights(TABLE_2_1, line_model) == pytest.approx([2.21])


def test_curvature_is_the_constant_hessian_of_the_loss():
    curvature = loss_curvature(TABLE_2_1)
    assert curvature.values == pytest.approx([0.2105758, 13.8832742], rel=1e-6)
    assert curvature.ratio == pytest.approx(13.8832742 / 0.2105758, rel=1e-6)
    # The loss is exactly quadratic: L(w* + t·v) = ½·λ·t² along a direction v.
    best = least_squares_weights(TABLE_2_1)
    for value, direction in zip(curvature.values, curvature.directions.T, strict=True):
        w = best + 0.1 * direction
        loss = nnbasics.mean_squared_error(
            nnbasics.forward(w, TABLE_2_1.x), TABLE_2_1.y
        )
        assert loss == pytest.approx(0.5 * value * 0.01, rel=1e-6)


def test_learning_rate_limit_separates_convergence_from_divergence():
    limit = loss_curvature(TABLE_2_1).largest_stable_learning_rate
    assert limit == pytest.approx(2 / 13.8832742, rel=1e-6)
    problem = nnbasics.CurveFit(TABLE_2_1.x, TABLE_2_1.y)
    assert nnbasics.train(problem, (1, 1), learning_rate=0.99 * limit).converged
    with pytest.raises(nnbasics.DivergenceError, match="too large"):
        nnbasics.train(problem, (1, 1), learning_rate=1.01 * limit)


def test_features_are_nearly_collinear_on_the_samples():
    assert feature_correlation(TABLE_2_1) == pytest.approx(0.99869, abs=1e-5)
    spread = Samples([1.0, 10.0, 100.0], [1.0, 2.0, 3.0])
    assert feature_correlation(spread) < feature_correlation(TABLE_2_1)
    with pytest.raises(ValueError, match="no spread"):
        feature_correlation(Samples([2.0, 2.0], [1.0, 1.0]))


# --- tables ------------------------------------------------------------------------


def test_markdown_table_formats_numbers_and_keeps_text():
    table = markdown_table(
        ["id", "x", "verdict"],
        [(1, -0.0001, "too big"), (2, 2.5, "ok"), (3, -1.5, "too small")],
        formats=["d", ".2f", ""],
    )  # fmt: skip
    assert table.splitlines() == [
        "| id | x | verdict |",
        "|---|---|---|",
        "| 1 | 0.00 | too big |",
        "| 2 | 2.50 | ok |",
        "| 3 | \u22121.50 | too small |",
    ]


@pytest.mark.parametrize(
    ("header", "rows", "formats", "match"),
    [
        ([], [], None, "header is empty"),
        (["a", "b"], [(1,)], None, "row 1 has 1 entries"),
        (["a", "b"], [(1, 2)], ["g"], "formats has 1 entries"),
    ],
)
def test_bad_tables_are_rejected(header, rows, formats, match):
    with pytest.raises(ValueError, match=match):
        markdown_table(header, rows, formats)


# --- figures -------------------------------------------------------------------


def test_loss_contours_draws_the_path_and_the_magnified_panel(history):
    w1, w2 = np.linspace(0.6, 2.6, 40), np.linspace(-0.3, 1.2, 30)
    f1, f2 = np.linspace(2.05, 2.37, 20), np.linspace(-0.08, 0.12, 20)
    figure = loss_contours(
        w1, w2, loss_surface(w1, w2), path=history.params, best=(2.21, 0.0),
        tolerance=0.001, detail=(f1, f2, loss_surface(f1, f2) + 1e-12),
    )  # fmt: skip
    main = figure.axes[0]
    labels = main.get_legend_handles_labels()[1]
    assert labels[0] == "gradient descent"
    assert "start (1, 1)" in labels
    assert "lowest loss (2.21, 0)" in labels
    assert "loss = 0.001" in labels
    assert main.get_xlim() == (0.6, 2.6)
    assert len(figure.axes) == 3  # the loss, the magnified bottom, the colour bar
    detail = figure.axes[1]
    assert detail.get_xlim() == (2.05, 2.37)
    assert (
        detail.get_position().y1 <= main.get_position().y0
    )  # stacked, not side by side
    assert len(figure.to_png()) > 10_000


def test_loss_contours_stays_light_on_the_chapters_fine_grid():
    # The chapter's grid: 301 x 301. As vector paths its shaded bands made
    # this SVG 289 kB (and the chapter's, with its magnified panel, 520 kB);
    # drawn as an image they leave about a quarter of that, while the white
    # contour lines stay sharp vector paths.
    w1, w2 = np.linspace(0.6, 2.6, 301), np.linspace(-0.3, 1.2, 301)
    svg = loss_contours(w1, w2, loss_surface(w1, w2)).to_svg()
    assert svg.count("<image ") == 1
    assert len(svg) < 200_000, f"{len(svg):,} characters"
    assert svg.count("stroke: #ffffff") >= 5  # the contour lines


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"surface": np.ones((3, 3))}, "shape"),
        ({"surface": np.zeros((2, 3))}, "<= 0"),
        ({"path": [1.0, 2.0]}, "path must be 2-dimensional"),
        ({"path": [[1.0, 2.0, 3.0]]}, "one \\(w1, w2\\) pair"),
        ({"best": [1.0]}, "best must be one pair"),
        ({"tolerance": -1.0}, "tolerance must be a positive"),
        ({"detail": ([1.0], [1.0], [[0.0]])}, "detail surface has values <= 0"),
    ],
)
def test_loss_contours_rejects_bad_input(kwargs, match):
    arguments = {"w1": [1.0, 2.0, 3.0], "w2": [0.0, 1.0], "surface": np.ones((2, 3))}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        loss_contours(arguments.pop("w1"), arguments.pop("w2"), **arguments)


def test_fit_figure_compares_model_and_line(history):
    figure = fit_inside_and_outside(TABLE_2_1, history.final_params, line_slope=2.21)
    far = figure.axes[1]
    assert far.get_xlim()[1] >= 10.0
    model_line = next(
        line for line in far.get_lines() if line.get_label() == "trained model"
    )
    assert model_line.get_ydata()[-1] == pytest.approx(
        nnbasics.forward(history.final_params, 10.0)[0]
    )
    with pytest.raises(ValueError, match="x_max must exceed"):
        fit_inside_and_outside(TABLE_2_1, (2.0, 0.1), line_slope=2.21, x_max=1.5)


# --- the chapter -------------------------------------------------------------------


def page_text(built_book) -> str:
    soup = BeautifulSoup(built_book.html(DOC), "html.parser")
    return " ".join(soup.select_one("article").get_text(" ").split())


@pytest.mark.build
def test_chapter_glues_the_hand_walkthrough(built_book):
    glued = built_book.glued(DOC)
    steps = hand_walkthrough()
    assert glued["cr_step1_z"] == pytest.approx(2.0)
    assert glued["cr_step1_error"] == pytest.approx(-0.21)
    assert glued["cr_step2_z"] == pytest.approx(2.86)
    assert glued["cr_step2_error"] == pytest.approx(0.429)
    assert glued["cr_step3_z"] == pytest.approx(2.88)
    assert glued["cr_step3_error"] == pytest.approx(0.228)
    for k, step in enumerate(steps, start=1):
        assert glued[f"cr_step{k}_z"] == step.prediction
        assert glued[f"cr_step{k}_error"] == step.error
    assert glued["cr_rule_agrees"] == 4
    assert glued["cr_initial"] == "(1, 1)"
    text = page_text(built_book)
    for shown in (
        "The error is \u22120.21",
        "gives 2.86 against a truth of 2.431 : an error of 0.429",
        "gives 2.88 against 2.652 : an error of 0.228",
    ):
        assert shown in text


@pytest.mark.build
def test_chapter_glues_the_training_run(built_book, history):
    glued = built_book.glued(DOC)
    assert glued["cr_final_loss"] < 0.001
    assert glued["cr_final_loss"] == pytest.approx(history.final_loss, rel=1e-12)
    assert glued["cr_steps"] == len(history) - 1
    assert glued["cr_learning_rate"] == 0.1
    assert glued["cr_final_w1"] == pytest.approx(history.final_params[0], rel=1e-12)
    text = page_text(built_book)
    assert f"falls below 0.001 after {len(history) - 1} steps" in text
    assert f"ending at {history.final_loss:.5f}" in text


@pytest.mark.build
def test_chapter_shows_the_line_and_the_extrapolation(built_book, history):
    glued = built_book.glued(DOC)
    assert glued["cr_ratio"] == pytest.approx(2.21)
    assert glued["cr_ratios_equal"] is True
    assert glued["cr_best"] == "(2.21, 0)"
    at_ten = float(nnbasics.forward(history.final_params, 10.0)[0])
    assert glued["cr_at10_model"] == pytest.approx(at_ten)
    assert glued["cr_at10_line"] == pytest.approx(22.1)
    assert glued["cr_correlation"] == pytest.approx(feature_correlation(TABLE_2_1))
    assert glued["cr_max_rate"] == pytest.approx(
        loss_curvature(TABLE_2_1).largest_stable_learning_rate
    )
    text = page_text(built_book)
    assert "Every sample gives the same ratio, 2.21" in text
    assert f"it answers {at_ten:.2f} where the line gives 22.10" in text


@pytest.mark.build
def test_chapter_tables_are_rendered_as_tables(built_book):
    soup = BeautifulSoup(built_book.html(DOC), "html.parser")
    tables = soup.select("article table")
    # Table 2-1, hand steps, wanted w1, gradient signs, extrapolation,
    # six lenses, learning rates (exercise)
    assert len(tables) == 7
    first = [
        [c.get_text(strip=True) for c in row.select("td")]
        for row in tables[0].select("tbody tr")
    ]
    assert first == [
        ["1", "1", "2.21"],
        ["2", "1.1", "2.431"],
        ["3", "1.2", "2.652"],
        ["4", "2", "4.42"],
    ]
    assert "|---|" not in page_text(built_book)


@pytest.mark.build
def test_chapter_has_figures_exercises_and_the_backprop_source(built_book):
    soup = BeautifulSoup(built_book.html(DOC), "html.parser")
    for name in ("fig-cr-loss", "fig-cr-valley", "fig-cr-beyond"):
        image = soup.select_one(f"figure#{name} img")
        assert image is not None, name
        assert len(image["alt"]) > 60
    assert len(soup.select("div.exercise")) >= 2
    assert "loss_slope = loss.derivative(prediction, target)" in soup.get_text()
    assert soup.select_one("#equation-cr-chain-rule") is not None


def test_the_figures_fit_a_phone(history):
    """At most 4.8 inches wide, and no text smaller than 11 pt (after drawing)."""
    w1, w2 = np.linspace(0.6, 2.6, 40), np.linspace(-0.3, 1.2, 30)
    f1, f2 = np.linspace(2.05, 2.37, 20), np.linspace(-0.08, 0.12, 20)
    figures = [
        loss_contours(w1, w2, loss_surface(w1, w2), path=history.params,
                      best=(2.21, 0.0), tolerance=0.001,
                      detail=(f1, f2, loss_surface(f1, f2) + 1e-12)),
        fit_inside_and_outside(TABLE_2_1, history.final_params, line_slope=2.21),
    ]  # fmt: skip
    for figure in figures:
        figure.to_png(dpi=50)  # draw, so that tick labels exist
        assert figure.get_size_inches()[0] <= 4.8
        sizes = [
            text.get_fontsize() for text in figure.findobj(Text) if text.get_text()
        ]
        assert min(sizes) >= 11

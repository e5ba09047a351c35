"""Tests of "Back through the layers": its claims, its figures and its page."""

from __future__ import annotations

import numpy as np
import pytest
from bs4 import BeautifulSoup
from matplotlib.text import Text

import nnbasics
from nnbasics.examples.cracking import Samples, least_squares_weights, loss_curvature
from nnbasics.forward import PolynomialModel
from nnbasics.network import (
    Network,
    NetworkFit,
    backward_pass,
    forward_pass,
    gradient_cost,
)
from nnbasics.plotting.layers import fit_panels, gradient_cost_plot, network_diagram
from nnbasics.plotting.style import MAX_WIDTH, MIN_TEXT_PT

DOC = "layers"
SEED = 2026  # the chapter's seed
X = np.linspace(-3, 3, 25)
Y = np.exp(-(X**2))
GOAL = nnbasics.Goal(tolerance=0.001)


@pytest.fixture(scope="module")
def start() -> Network:
    return Network.at_random(3, seed=SEED)


@pytest.fixture(scope="module")
def run(start) -> nnbasics.History:
    return nnbasics.train(
        NetworkFit(X, Y, width=3), start.to_vector(), learning_rate=0.2, goal=GOAL
    )


# --- the claims of the chapter, fresh -----------------------------------------------


def test_no_quadratic_gets_near_the_goal_and_training_cannot_change_that():
    best = least_squares_weights(Samples(X, Y))
    best_loss = nnbasics.mean_squared_error(nnbasics.forward(best, X), Y)
    assert best_loss > 100 * GOAL.tolerance
    with_constant = PolynomialModel((0, 1, 2))
    constant = least_squares_weights(Samples(X, Y), with_constant)
    constant_loss = nnbasics.mean_squared_error(
        nnbasics.forward(constant, X, with_constant), Y
    )
    assert constant_loss > 10 * GOAL.tolerance
    limit = loss_curvature(Samples(X, Y)).largest_stable_learning_rate
    assert limit > 0.05
    one_layer = nnbasics.train(nnbasics.CurveFit(X, Y), (1, 1), learning_rate=0.05)
    assert not one_layer.converged
    assert one_layer.final_loss == pytest.approx(best_loss, abs=1e-9)


def test_the_network_reaches_the_goal_with_a_rate_below_half_the_limit(run):
    fit = NetworkFit(X, Y, width=3)
    assert run.converged
    assert run.final_loss < GOAL.tolerance
    assert np.all(np.diff(run.losses) < 0)
    steepest = max(fit.steepest_curvature(p) for p in run.params[::10])
    assert run.learning_rate < 1 / steepest  # half of 2 / steepest


def test_the_three_gradients_of_the_chapter_agree(start):
    by_hand = backward_pass(start, forward_pass(start, X), Y).weights.to_vector()
    tape = nnbasics.autodiff.reverse_mode_gradient(
        lambda *p: nnbasics.network.tape_loss(p, X, Y), start.to_vector()
    )
    np.testing.assert_allclose(by_hand, tape.gradient, rtol=1e-12, atol=1e-14)


def test_probing_costs_grow_faster_than_backprop():
    costs = [gradient_cost(Network.at_random(h, seed=SEED), X, Y) for h in (1, 4, 16)]
    ratios = [c.probing_operations / c.backprop_operations for c in costs]
    assert ratios == sorted(ratios)
    assert ratios[-1] > 10 * ratios[0]


# --- the figures ---------------------------------------------------------------------


def draw_everything(start, run):
    one = forward_pass(start, X[15:16])
    back = backward_pass(start, one, Y[15:16])
    trained = Network.from_vector(run.final_params, width=3)
    costs = [gradient_cost(Network.at_random(h, seed=SEED), X, Y) for h in (1, 2, 4)]
    panel = {"network": trained, "a share": np.full(X.shape, 0.5)}
    return [
        network_diagram(start, one),
        network_diagram(start, one, back),
        fit_panels(X, Y, {"before": {"network": start}, "after": panel}, grid=X),
        gradient_cost_plot(costs),
    ]


def test_the_figures_fit_a_phone(start, run):
    for figure in draw_everything(start, run):
        figure.to_png(dpi=50)  # draw, so that tick labels exist
        assert figure.get_size_inches()[0] <= MAX_WIDTH
        sizes = [t.get_fontsize() for t in figure.findobj(Text) if t.get_text()]
        assert min(sizes) >= MIN_TEXT_PT


def test_the_diagrams_carry_the_weights_and_the_gradients(start):
    one = forward_pass(start, X[15:16])
    back = backward_pass(start, one, Y[15:16])
    forward_text = {t.get_text() for t in network_diagram(start, one).findobj(Text)}
    backward_text = {
        t.get_text() for t in network_diagram(start, one, back).findobj(Text)
    }
    for w in (*start.hidden_weights, *start.output_weights):
        assert f"{w:.2f}".replace("-", "−") in forward_text
    for g in (*back.weights.hidden_weights, *back.weights.output_weights):
        assert f"{g:.3f}".replace("-", "−") in backward_text


def test_the_figures_reject_bad_input(start):
    batch = forward_pass(start, X[:2])
    with pytest.raises(ValueError, match="activations must be one sample"):
        network_diagram(start, batch)
    wide = Network.at_random(4, seed=0)
    with pytest.raises(ValueError, match="activations must be one sample"):
        network_diagram(wide, forward_pass(start, X[:1]))
    with pytest.raises(ValueError, match="panels is empty"):
        fit_panels(X, Y, {})
    with pytest.raises(ValueError, match="must hold one value per grid point"):
        fit_panels(X, Y, {"p": {"short": [1.0, 2.0]}}, grid=X)
    with pytest.raises(ValueError, match="costs is empty"):
        gradient_cost_plot([])


# --- the built page ------------------------------------------------------------------


def page_text(built_book) -> str:
    soup = BeautifulSoup(built_book.html(DOC), "html.parser")
    return " ".join(soup.find("main").get_text(" ").split())


@pytest.mark.build
def test_chapter_glues_the_one_layer_failure_and_the_network_run(built_book, run):
    glued = built_book.glued(DOC)
    assert glued["ly_samples"] == X.size
    assert glued["ly_tolerance"] == GOAL.tolerance
    assert glued["ly_best_loss"] > 100 * glued["ly_tolerance"]
    assert glued["ly_one_layer_rate"] < glued["ly_one_layer_limit"]
    assert glued["ly_one_layer_steps"] == GOAL.max_steps
    assert glued["ly_seed"] == SEED
    assert glued["ly_weights"] == 10
    assert glued["ly_steps"] == len(run) - 1
    assert glued["ly_final_loss"] == pytest.approx(run.final_loss)
    assert glued["ly_rate"] == run.learning_rate
    assert glued["ly_rate"] < glued["ly_limit"] / 2
    text = page_text(built_book)
    assert f"in {glued['ly_steps']} steps" in text
    assert f"{glued['ly_best_loss']:.4f}" in text


@pytest.mark.build
def test_chapter_walks_one_backward_pass_by_the_chain_rule(built_book, start):
    glued = built_book.glued(DOC)
    one = forward_pass(start, X[15:16])
    back = backward_pass(start, one, Y[15:16])
    assert glued["ly_dz"] == f"{back.output[0]:.3f}".replace("-", "−")
    assert glued["ly_dv1"] == f"{back.weights.output_weights[0]:.3f}".replace("-", "−")
    assert glued["ly_dw1"] == f"{back.weights.hidden_weights[0]:.3f}".replace("-", "−")
    assert glued["ly_one_loss"] == pytest.approx(float((one.output[0] - Y[15]) ** 2))


@pytest.mark.build
def test_chapter_counts_the_cost_without_printing_times(built_book):
    glued = built_book.glued(DOC)
    largest = gradient_cost(Network.at_random(64, seed=SEED), X, Y)
    assert glued["ly_largest_weights"] == largest.weights == 193
    assert glued["ly_largest_probes"] == 2 * largest.weights
    ratio = largest.probing_operations / largest.backprop_operations
    assert glued["ly_largest_ratio"] == pytest.approx(ratio)
    assert glued["ly_time_margin"] >= 10
    text = page_text(built_book)
    assert f"{largest.probing_operations:,}" in text
    assert " seconds" not in text  # times vary from build to build


@pytest.mark.build
def test_chapter_has_its_figures_exercises_and_sources(built_book):
    soup = BeautifulSoup(built_book.html(DOC), "html.parser")
    for name in ("fig-ly-one-layer", "fig-ly-forward", "fig-ly-backward",
                 "fig-ly-fit", "fig-ly-cost"):  # fmt: skip
        image = soup.select_one(f"figure#{name} img")
        assert image is not None, name
        assert len(image["alt"]) > 60
    assert len(soup.select("div.exercise")) >= 3
    code = "\n".join(pre.get_text() for pre in soup.select("div.highlight pre"))
    for line in (
        "dh = np.outer(dz, network.output_weights)",
        "ds = dh * (1.0 - h**2)",
        "return Node(value, ((self, 1.0 - value * value),))",
    ):
        assert line in code, line


@pytest.mark.build
def test_the_map_and_the_loop_link_to_the_chapter(built_book):
    for page in ("opening", "training-loop", "target-shooting", "index"):
        soup = BeautifulSoup(built_book.html(page), "html.parser")
        links = {a["href"].split("#")[0] for a in soup.find("main").find_all("a")
                 if a.get("href")}  # fmt: skip
        assert "layers.html" in links, page

"""Every figure, widget and display text the chapters show, built as they build it.

Used by ``tests/test_language.py``: each entry of :func:`chapter_outputs`
returns what one chapter cell shows (a matplotlib figure, a widget, an SVG
string or a text), with the chapter's own arguments (``book/*.md``), labels
included: a chapter passes its panel titles and strategy names in English and
the package shows them translated (``nnbasics.language.tr_label``). What the
built Chinese pages show is checked as well, in ``tests/test_i18n.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial

import numpy as np

import nnbasics
from nnbasics.examples import black_box as bb
from nnbasics.examples import cracking
from nnbasics.examples import guess_the_number as gtn
from nnbasics.examples import target_shooting as ts
from nnbasics.examples.cracking import TABLE_2_1

ALLOWED = {"cm", "mrad", "nnbasics"}
"""Latin words a Chinese figure may hold: units and the package's name."""

MATHS = re.compile(r"\$[^$]*\$")
WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str) -> list[str]:
    """Return the English words of ``text``, outside ``$...$`` maths."""
    return [w for w in WORD.findall(MATHS.sub("", text)) if w not in ALLOWED]


def _black_box() -> dict[str, Callable[[], object]]:
    from nnbasics.plotting import black_box as plots

    box = bb.BlackBox()
    search = bb.InputSearch(box, target=bb.TARGET)
    goal = bb.goal_within(bb.OUTPUT_TOLERANCE)
    history = nnbasics.train(search, [bb.START], learning_rate=0.05, goal=goal)
    table = bb.SearchTable.from_history(search, history)
    budget = bb.goal_within(bb.OUTPUT_TOLERANCE, max_steps=20)
    runs = [
        nnbasics.train(search, [bb.START], learning_rate=rate, goal=budget)
        for rate in (0.05, 0.08, 0.12)
    ]
    tables = [bb.SearchTable.from_history(search, run) for run in runs]
    first = float(box([bb.START])[0])
    return {
        "black_box_diagram": lambda: plots.black_box_diagram(
            example=(bb.START, first), target=bb.TARGET
        ),
        "probe_plot": lambda: plots.probe_plot(table),
        "outputs_by_step": lambda: plots.outputs_by_step(tables),
        "probe_plot_revealed": lambda: plots.probe_plot(table, revealed=box),
        "search_table": table.to_markdown,
    }


def _cracking() -> dict[str, Callable[[], object]]:
    from nnbasics.plotting.cracking import fit_inside_and_outside, loss_contours
    from nnbasics.plotting.training import loss_curve

    problem = nnbasics.CurveFit(TABLE_2_1.x, TABLE_2_1.y)
    goal = nnbasics.Goal(tolerance=0.001)
    history = nnbasics.train(problem, initial=(1.0, 1.0), learning_rate=0.1, goal=goal)
    grid_w1, grid_w2 = np.linspace(0.6, 2.6, 301), np.linspace(-0.3, 1.2, 301)
    zoom_w1, zoom_w2 = np.linspace(2.05, 2.37, 201), np.linspace(-0.08, 0.12, 201)
    best = cracking.least_squares_weights(TABLE_2_1).round(10) + 0.0
    slope = float(cracking.output_ratios(TABLE_2_1)[0])
    steps = cracking.hand_walkthrough(cracking.HAND_WEIGHTS, TABLE_2_1)
    return {
        "loss_curve": lambda: loss_curve(history, tolerance=goal.tolerance),
        "loss_contours": lambda: loss_contours(
            grid_w1,
            grid_w2,
            cracking.loss_surface(grid_w1, grid_w2, TABLE_2_1),
            path=history.params,
            best=best,
            tolerance=goal.tolerance,
            detail=(
                zoom_w1,
                zoom_w2,
                cracking.loss_surface(zoom_w1, zoom_w2, TABLE_2_1) + 1e-12,
            ),
        ),
        "fit_inside_and_outside": lambda: fit_inside_and_outside(
            TABLE_2_1, history.final_params, line_slope=slope, x_max=10.0
        ),
        "hand_verdicts": lambda: " ".join(step.verdict for step in steps),
    }


def _training_loop() -> dict[str, Callable[[], object]]:
    from nnbasics.plotting.animation import descent_animation
    from nnbasics.plotting.training import loss_curves, training_cycle

    goal = nnbasics.Goal(tolerance=0.001)
    search = bb.InputSearch(bb.BlackBox(), target=bb.TARGET)
    box_run = nnbasics.train(search, initial=(bb.START,), learning_rate=0.05, goal=goal)
    fit = nnbasics.CurveFit(TABLE_2_1.x, TABLE_2_1.y)
    fit_run = nnbasics.train(fit, initial=(1, 1), learning_rate=0.1, goal=goal)
    return {
        "training_cycle": training_cycle,
        "loss_curves": lambda: loss_curves(
            {"the black box": box_run, "cracking the box": fit_run},
            tolerance=goal.tolerance,
        ),
        "descent_animation": lambda: descent_animation(
            fit_run, fit, tolerance=goal.tolerance
        ),
    }


def _guess_the_number() -> dict[str, Callable[[], object]]:
    from nnbasics.plotting.guess_the_number import guesses_per_secret, narrowing

    original = gtn.replay(gtn.ORIGINAL_GUESSES, secret=gtn.SECRET, feedback=gtn.fuzzy)
    liar = gtn.sometimes_lying(gtn.direction_only, 0.1, seed=2026)
    games = [gtn.play(s, liar, 25) for s in range(gtn.LOW, gtn.HIGH + 1)]
    lost = next(game for game in games if not game.found)
    finer = (
        gtn.Band("a hair", 1, 2),
        gtn.Band("a bit", 3, 5),
        gtn.Band("", 6, 10),
        gtn.Band("well", 11, 20),
        gtn.Band("far", 21),
    )
    strategies = (
        *gtn.STRATEGIES,
        gtn.Strategy("five words", partial(gtn.fuzzy, bands=finer)),
    )

    def replies_by_strategy() -> str:
        return "\n".join(
            f"{s.label}: "
            + ", ".join(
                f"{guess} ({reply.text})"
                for guess, reply in gtn.play(gtn.SECRET, s.feedback, 25).moves
            )
            for s in gtn.STRATEGIES
        )

    return {
        "transcript": original.transcript,
        "narrowing": lambda: narrowing(original),
        "narrowing_lie": lambda: narrowing(lost),
        "lie_transcript": lost.transcript,
        "replies": replies_by_strategy,
        "comparison": lambda: gtn.compare_strategies(first_guess=25).to_html(),
        "comparison_markdown": lambda: gtn.compare_strategies().to_markdown(),
        "finer_table": lambda: gtn.compare_strategies(
            strategies, first_guess=25
        ).to_html(),
        "guesses_per_secret": lambda: guesses_per_secret(
            gtn.compare_strategies(first_guess=25)
        ),
    }


def _target_shooting() -> dict[str, Callable[[], object]]:
    from nnbasics.plotting import target_shooting as plots

    target = ts.Target()
    rifle = ts.Rifle(sight_offset=(-12.0, 9.0), spread=1.5)
    single = ts.shoot(rifle, rounds=10, burst=1, learning_rate=0.25, seed=2)
    volley = ts.shoot(rifle, rounds=8, burst=3, learning_rate=0.25, seed=3)
    study = ts.compare_bursts(
        rifle, bursts=(1, 3, 10), rounds=20, learning_rate=0.25, seeds=range(100)
    )
    return {
        "record_table": lambda: ts.record_table(ts.FIVE_SHOTS, target),
        "shot_record": lambda: plots.shot_record(ts.FIVE_SHOTS, target),
        "single_shots": lambda: plots.single_shots(single, target),
        "bursts": lambda: plots.bursts(volley, target, rounds=5),
        "burst_table": lambda: study.table(spread=rifle.spread),
        "spread_by_burst": lambda: plots.spread_by_burst(study, spread=rifle.spread),
    }


def _layers() -> dict[str, Callable[[], object]]:
    from nnbasics.network import Network, NetworkFit, forward_pass, gradient_cost
    from nnbasics.plotting.layers import fit_panels, gradient_cost_plot, network_diagram

    x = np.linspace(-3, 3, 25)
    y = np.exp(-(x**2))
    grid = np.linspace(-3, 3, 200)
    network = Network.at_random(3, seed=2026)
    one = forward_pass(network, x[15:16])
    from nnbasics.network import backward_pass

    back = backward_pass(network, one, y[15:16])
    fit = NetworkFit(x, y, width=3)
    goal = nnbasics.Goal(tolerance=0.001)
    run = nnbasics.train(fit, network.to_vector(), learning_rate=0.2, goal=goal)
    trained = fit.network(run.final_params)
    hidden = forward_pass(trained, grid).hidden
    shares = {
        f"$v_{j + 1}h_{j + 1}$": trained.output_weights[j] * hidden[:, j]
        for j in range(trained.width)
    }
    costs = [gradient_cost(Network.at_random(h, seed=2026), x, y) for h in (1, 4, 16)]
    return {
        "network_forward": lambda: network_diagram(network, one),
        "network_backward": lambda: network_diagram(network, one, back),
        "fit_panels_one_layer": lambda: fit_panels(
            x,
            y,
            {
                "one layer of weights, at its best": {
                    "$w_1x + w_2x^2$": np.zeros_like(grid),  # only the words count
                    "$w_0 + w_1x + w_2x^2$": np.ones_like(grid),
                }
            },
            grid=grid,
        ),
        "fit_panels": lambda: fit_panels(
            x,
            y,
            {
                "before training": {"network": network},
                "after training": {"network": trained, **shares},
            },
            grid=grid,
        ),
        "gradient_cost_plot": lambda: gradient_cost_plot(costs),
    }


def _widgets() -> dict[str, Callable[[], object]]:
    from nnbasics import interactive

    return {
        "step_size_explorer": interactive.step_size_explorer,
        "contour_explorer": interactive.contour_explorer,
        "guessing_explorer": interactive.guessing_explorer,
        "learning_rate_explorer": interactive.learning_rate_explorer,
        "burst_explorer": lambda: interactive.burst_explorer(
            seeds=range(2), study_seeds=range(20)
        ),
    }


@cache
def chapter_outputs() -> dict[str, Callable[[], object]]:
    """Return, by name, a function that builds each output the chapters show.

    The data (runs, games, tables) are computed once, in any language; the
    functions draw or write them in the current language.
    """
    return (
        _black_box()
        | _cracking()
        | _training_loop()
        | _guess_the_number()
        | _target_shooting()
        | _layers()
        | _widgets()
    )

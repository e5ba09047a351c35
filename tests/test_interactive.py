"""The interactive figures show what nnbasics computes (nnbasics.interactive)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from math import prod

import numpy as np
import pytest

from bookbuild.alt_text import raw_picture_problems
from nnbasics import CurveFit, DivergenceError, Goal, train
from nnbasics.examples import black_box as bb
from nnbasics.examples import cracking as cr
from nnbasics.examples import guess_the_number as gtn
from nnbasics.examples import target_shooting as ts
from nnbasics.interactive import (
    Widget,
    burst_explorer,
    contour_explorer,
    guessing_explorer,
    learning_rate_explorer,
    step_size_explorer,
)
from nnbasics.interactive import black_box as ibb
from nnbasics.interactive import cracking as icr
from nnbasics.interactive import shooting as its
from nnbasics.interactive import training as iloop
from nnbasics.interactive.runs import run_or_diverge
from nnbasics.interactive.widget import (
    STATIC_NOTE,
    Control,
    Element,
    Panel,
    escape,
    number,
)

# The seeds book/target-shooting.md passes to burst_explorer.
SEEDS = range(4)
STUDY_SEEDS = range(200)

EXPLORERS = {
    "guess-the-number": guessing_explorer,
    "black-box": step_size_explorer,
    "target-shooting": lambda: burst_explorer(SEEDS, STUDY_SEEDS),
    "cracking-the-box": contour_explorer,
    "training-loop": learning_rate_explorer,
}


@pytest.fixture(scope="module")
def widgets() -> dict[str, Widget]:
    return {name: make() for name, make in EXPLORERS.items()}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# --- the widget: HTML, configuration, frames -------------------------------------


@pytest.mark.parametrize("name", EXPLORERS)
def test_the_html_carries_the_picture_the_readout_and_the_frames(widgets, name):
    widget = widgets[name]
    html = widget.to_html()
    assert raw_picture_problems(html) == []  # the build's alt-text check
    tags = _tags(html)
    container = tags[0][1]
    assert container["class"] == "nnb-interactive"
    config = json.loads(container["data-config"])
    assert config == json.loads(json.dumps(widget.config()))
    svg = next(attrs for tag, attrs in tags if tag == "svg")
    assert svg["role"] == "img"
    assert svg["aria-labelledby"]
    readout = next(attrs for tag, attrs in tags if tag == "p")
    assert readout["aria-live"] == "polite"
    assert widget.frame()[0] in html  # the static figure's readout
    # No controls in the HTML: the script adds them, so none show without it,
    # and a note says that the picture is one setting only.
    assert not any(tag in ("input", "select") for tag, _ in tags)
    note = [attrs for tag, attrs in tags if attrs.get("class") == "nnb-static-note"]
    assert len(note) == 1
    assert escape(STATIC_NOTE) in html


@pytest.mark.parametrize("name", EXPLORERS)
def test_there_is_one_frame_per_setting_and_one_value_per_part(widgets, name):
    widget = widgets[name]
    config = widget.config()
    picking = [c for c in config["controls"] if not c["steps"]]
    assert len(config["frames"]) == prod(len(c["values"]) for c in picking)
    stepping = any(c["steps"] for c in config["controls"])
    for frame in config["frames"]:
        for single in frame if stepping else [frame]:
            assert len(single) == 1 + len(config["parts"])
            assert isinstance(single[0], str)
            assert single[0]


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_dynamic_part_is_in_the_picture(widgets, name):
    svg = widgets[name].svg()
    for part, _ in widgets[name].config()["parts"]:
        assert f'data-part="{part}"' in svg


def test_the_widgets_are_deterministic():
    assert step_size_explorer().to_html() == step_size_explorer().to_html()
    assert (
        burst_explorer(SEEDS, STUDY_SEEDS).to_html()
        == burst_explorer(SEEDS, STUDY_SEEDS).to_html()
    )


def test_each_page_gets_less_than_40_kb_compressed(widgets):
    import gzip

    for name, widget in widgets.items():
        size = len(gzip.compress(widget.to_html().encode()))
        assert size < 40_000, f"{name}: {size} bytes"


def test_a_frame_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="expected 2"):
        Widget.build(
            "bad",
            title="t",
            description="d",
            controls=[Control("a", "A", ["1", "2"])],
            compute=lambda a: ["readout"],
            layers=[Element("e", "text", ("text",))],
            height=10,
        )


def test_a_control_names_its_mistakes():
    with pytest.raises(ValueError, match="kind must be"):
        Control("a", "A", ["1"], kind="knob")
    with pytest.raises(ValueError, match="initial must index values"):
        Control("a", "A", ["1"], initial=3)


def test_the_panel_maps_data_to_pixels_and_clamps_runaway_points():
    panel = Panel((0, 0, 100, 100), (0, 10), (0, 10))
    assert panel.px([5], [5]).tolist() == [[50.0, 50.0]]
    assert panel.px([1e9], [0])[0, 0] == 5000.0
    assert number(-0.5) == "\u22120.5"
    assert number(-0.0001, ".2f") == "0.00"


def test_a_diverging_run_is_cut_before_it_blows_up():
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    run, diverged = run_or_diverge(fit, (1, 1), 0.5, Goal(max_steps=40))
    assert diverged
    with pytest.raises(DivergenceError):
        train(fit, (1, 1), learning_rate=0.5, goal=Goal(max_steps=len(run)))


# --- the numbers are nnbasics' numbers ------------------------------------------


def test_every_guessing_game_is_played_by_nnbasics(widgets):
    widget = widgets["guess-the-number"]
    for reply, strategy in enumerate(gtn.STRATEGIES):
        for secret in range(gtn.LOW, gtn.HIGH + 1):
            game = gtn.play(secret, strategy.feedback)
            frames = widget.frames[reply * 50 + secret - 1]
            assert len(frames) == len(game) + 1
            for stage, (guess, answer) in enumerate(game.moves, start=1):
                left = gtn.still_possible(game.moves[:stage])
                readout = frames[stage][0]
                assert f": {guess}, “{answer.text}”" in readout
                if answer.direction != 0 and left.size > 1:
                    assert f"{left.size} numbers are possible" in readout


def test_the_black_box_runs_are_nnbasics_runs(widgets):
    widget = widgets["black-box"]
    search = bb.InputSearch(bb.BlackBox())
    regimes = set()
    for s, start in enumerate(ibb.STARTS):
        for r, rate in enumerate(ibb.RATES):
            readout = widget.frame([s, r])[0]
            goal = bb.goal_within(max_steps=ibb.STEPS)
            try:
                run = train(search, [start], learning_rate=rate, goal=goal)
            except DivergenceError:
                assert "diverges" in readout
                regimes.add("diverges")
                continue
            assert f"the input is {number(run.params[-1, 0], '.4f')}" in readout
            assert f"After {len(run) - 1} step" in readout
            regimes.add(readout.split(": ")[1].split(".")[0])
    assert regimes == {
        "converges",
        "converges while oscillating",
        "never settles",
        "creeps, not there yet",
        "diverges",
    }


def test_the_shooting_sessions_and_spreads_are_nnbasics_ones(widgets):
    widget = widgets["target-shooting"]
    for s, spread in enumerate(its.SPREADS[::2]):
        study = ts.compare_bursts(
            ts.Rifle(spread=spread),
            its.BURSTS,
            rounds=its.ROUNDS,
            learning_rate=its.LEARNING_RATE,
            seeds=STUDY_SEEDS,
        )
        for b, burst in enumerate(its.BURSTS):
            session = ts.shoot(
                ts.Rifle(spread=spread), rounds=its.ROUNDS, burst=burst, seed=1
            )
            readout = widget.frame([b, 2 * s, 1])[0]
            final = float(np.hypot(*session.mean_points[-1]))
            assert f"{number(final, '.2f')} cm from the centre" in readout
            measured = number(study.final_spread[b], ".3f")
            assert f"it scatters {measured} cm" in readout


def test_the_contour_paths_are_nnbasics_runs(widgets):
    widget = widgets["cracking-the-box"]
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    names = set()
    for a, w1 in enumerate(icr.W1):
        for b, w2 in enumerate(icr.W2):
            for r, rate in enumerate(icr.RATES):
                readout = widget.frame([a, b, r])[0]
                goal = Goal(tolerance=1e-3, max_steps=icr.STEPS)
                try:
                    run = train(fit, (w1, w2), learning_rate=rate, goal=goal)
                except DivergenceError:
                    assert "diverges" in readout
                    continue
                w = run.params[-1]
                assert f"w = ({number(w[0], '.4f')}, {number(w[1], '.4f')})" in readout
                names.add(re.sub(r" in \d+ steps", "", readout.split("descent ")[1]))
    assert any("diverges" in n for n in names)
    assert any("reaches loss" in n for n in names)


def test_the_loss_curves_are_nnbasics_runs(widgets):
    widget = widgets["training-loop"]
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    limit = cr.loss_curvature().largest_stable_learning_rate
    for r, rate in enumerate(iloop.RATES):
        readout = widget.frame([r])[0]
        goal = Goal(tolerance=iloop.TOLERANCE, max_steps=iloop.STEPS)
        try:
            run = train(fit, iloop.START, learning_rate=rate, goal=goal)
        except DivergenceError:
            assert "diverges" in readout
            continue
        assert number(run.losses[-1], ".4g") in readout
        assert ("diverges" in readout) == (rate > limit)

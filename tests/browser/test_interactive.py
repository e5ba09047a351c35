"""The interactive figures in a real browser (nnbasics.interactive, interactive.js).

Each figure is operated by keyboard as a reader would, and what it then
shows is compared with what nnbasics computes for that setting, in this
test, from scratch.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnbasics import CurveFit, DivergenceError, Goal, train
from nnbasics.examples import black_box as bb
from nnbasics.examples import cracking as cr
from nnbasics.examples import guess_the_number as gtn
from nnbasics.examples import target_shooting as ts
from nnbasics.interactive import black_box as ibb
from nnbasics.interactive import cracking as icr
from nnbasics.interactive import shooting as its
from nnbasics.interactive import training as iloop
from nnbasics.interactive.widget import STATIC_NOTE, number
from tests.browser.harness import PageLog, format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.build]

FIGURES = {
    "guess-the-number": "nnb-gtn-play",
    "black-box": "nnb-bb-step-size",
    "target-shooting": "nnb-ts-bursts",
    "cracking-the-box": "nnb-cr-contours",
    "training-loop": "nnb-loop-rate",
}


@pytest.fixture
def figure(new_context, site):
    def open_page(chapter: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        page = new_context(**options).new_page()
        log = PageLog()
        log.listen(page)
        page.goto(site.page_url(chapter))
        page.wait_for_selector(f"#{FIGURES[chapter]}.nnb-ready")
        page.locator(f"#{FIGURES[chapter]}").scroll_into_view_if_needed()
        return page, log

    return open_page


def _readout(page, chapter: str) -> str:
    return page.locator(f"#{FIGURES[chapter]} .nnb-readout").inner_text()


def _part(page, chapter: str, name: str, attribute: str) -> str:
    element = page.locator(f'#{FIGURES[chapter]} [data-part="{name}"]')
    return element.get_attribute(attribute)


def _press(page, chapter: str, control: str, *keys: str) -> None:
    page.focus(f"#{FIGURES[chapter]}-{control}")
    for key in keys:
        page.keyboard.press(key)


def _move_to(page, chapter: str, control: str, position: int) -> None:
    """Move a slider to ``position`` with the keyboard: Home, then arrows."""
    _press(page, chapter, control, "Home", *["ArrowRight"] * position)
    assert page.input_value(f"#{FIGURES[chapter]}-{control}") == str(position)


# --- each figure shows nnbasics' numbers for the setting the keyboard chose ---------


def test_black_box_sliders_show_nnbasics_runs(figure):
    page, log = figure("black-box")
    search = bb.InputSearch(bb.BlackBox())
    seen_regimes = set()
    for start_at, rate_at in [(2, 4), (0, 7), (6, 11), (2, 13), (2, 17)]:
        before = _part(page, "black-box", "inputs", "points")
        _move_to(page, "black-box", "start", start_at)
        _move_to(page, "black-box", "rate", rate_at)
        start, rate = ibb.STARTS[start_at], ibb.RATES[rate_at]
        readout = _readout(page, "black-box")
        assert readout.startswith(
            f"Start x = {number(start)}, learning rate η = {number(rate)}: "
        )
        goal = bb.goal_within(max_steps=ibb.STEPS)
        try:
            run = train(search, [start], learning_rate=rate, goal=goal)
        except DivergenceError:
            assert "diverges" in readout
            seen_regimes.add("diverges")
        else:
            assert f"the input is {number(run.params[-1, 0], '.4f')}" in readout
            seen_regimes.add(readout.split(": ")[1].split(".")[0])
        if (start_at, rate_at) != (2, 4):
            assert _part(page, "black-box", "inputs", "points") != before
    assert {"diverges", "never settles", "converges while oscillating"} <= seen_regimes
    assert log.console_errors == []


def test_guessing_game_steps_through_nnbasics_games(figure):
    page, log = figure("guess-the-number")
    _move_to(page, "guess-the-number", "secret", 12)  # secret 13
    page.select_option("#nnb-gtn-play-reply", "0")
    game = gtn.play(13, gtn.direction_only)
    for stage, (guess, reply) in enumerate(game.moves, start=1):
        _move_to(page, "guess-the-number", "step", stage)
        readout = _readout(page, "guess-the-number")
        assert readout.startswith(f"Secret 13. Guess {stage} of {len(game)}: {guess},")
        assert f"“{reply.text}”" in readout
    # A different kind of reply, chosen by keyboard: a shorter game.
    _press(page, "guess-the-number", "reply", "ArrowDown", "ArrowDown")
    assert page.input_value("#nnb-gtn-play-reply") == "2"
    exact_game = gtn.play(13, gtn.exact)
    assert page.get_attribute("#nnb-gtn-play-step", "max") == str(len(exact_game))
    assert f"of {len(exact_game)}:" in _readout(page, "guess-the-number")
    assert log.console_errors == []


def test_shooting_sliders_show_nnbasics_sessions(figure):
    page, log = figure("target-shooting")
    before = _part(page, "target-shooting", "path", "points")
    _move_to(page, "target-shooting", "burst", 4)  # bursts of 10
    _move_to(page, "target-shooting", "spread", 4)  # 3 cm
    _move_to(page, "target-shooting", "seed", 2)  # run 3
    assert _part(page, "target-shooting", "path", "points") != before
    burst, spread = its.BURSTS[4], its.SPREADS[4]
    session = ts.shoot(ts.Rifle(spread=spread), rounds=its.ROUNDS, burst=burst, seed=2)
    study = ts.compare_bursts(
        ts.Rifle(spread=spread), its.BURSTS, rounds=its.ROUNDS, seeds=range(200)
    )
    readout = _readout(page, "target-shooting")
    final = float(np.hypot(*session.mean_points[-1]))
    assert f"{number(final, '.2f')} cm from the centre" in readout
    assert f"it scatters {number(study.final_spread[4], '.3f')} cm" in readout
    assert log.console_errors == []


def test_contour_map_follows_sliders_and_clicks(figure):
    page, log = figure("cracking-the-box")
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    _move_to(page, "cracking-the-box", "rate", 3)  # beyond the limit
    assert "diverges" in _readout(page, "cracking-the-box")
    _move_to(page, "cracking-the-box", "rate", 1)
    # A click near the grid point (3, -1) starts there.
    svg = page.locator("#nnb-cr-contours svg")
    box = svg.bounding_box()
    scale = box["width"] / 480
    x, y = icr.MAP.px([3.0], [-1.0])[0]
    svg.click(position={"x": (x + 4) * scale, "y": (y - 3) * scale})
    assert page.input_value("#nnb-cr-contours-w1") == str(icr.W1.index(3.0))
    assert page.input_value("#nnb-cr-contours-w2") == str(icr.W2.index(-1.0))
    run = train(fit, (3.0, -1.0), learning_rate=0.1, goal=Goal(1e-3, icr.STEPS))
    w = run.params[-1]
    readout = _readout(page, "cracking-the-box")
    assert readout.startswith("Start (w1, w2) = (3, −1), η = 0.1:")
    assert f"w = ({number(w[0], '.4f')}, {number(w[1], '.4f')})" in readout
    start = icr.MAP.px([3.0], [-1.0])[0]
    assert float(_part(page, "cracking-the-box", "start", "cx")) == start[0]
    assert log.console_errors == []


def test_learning_rate_slider_shows_nnbasics_loss_curves(figure):
    page, log = figure("training-loop")
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    limit = cr.loss_curvature().largest_stable_learning_rate
    for position in (0, 5, 13, 15):
        before = _part(page, "training-loop", "curve", "points")
        _move_to(page, "training-loop", "rate", position)
        rate = iloop.RATES[position]
        readout = _readout(page, "training-loop")
        assert readout.startswith(f"Learning rate η = {number(rate)}:")
        assert ("diverges" in readout) == (rate > limit)
        goal = Goal(tolerance=iloop.TOLERANCE, max_steps=iloop.STEPS)
        try:
            run = train(fit, iloop.START, learning_rate=rate, goal=goal)
        except DivergenceError:
            assert "diverges" in readout
        else:
            assert number(run.losses[-1], ".4g") in readout
        assert _part(page, "training-loop", "curve", "points") != before
        value = page.get_attribute("#nnb-loop-rate-rate", "aria-valuetext")
        assert value == number(rate)
    assert log.console_errors == []


# --- for everyone ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("chapter", FIGURES)
def test_figure_is_labelled_announced_and_passes_axe(figure, chapter, mode):
    page, log = figure(chapter, color_scheme=mode)
    widget = f"#{FIGURES[chapter]}"
    controls = page.locator(f"{widget} input, {widget} select")
    assert controls.count() >= 1
    for k in range(controls.count()):
        control = controls.nth(k)
        label = page.locator(f"label[for='{control.get_attribute('id')}']")
        assert label.is_visible()
        assert label.inner_text().strip()
        assert control.is_visible()
    assert page.get_attribute(f"{widget} .nnb-readout", "aria-live") == "polite"
    first = controls.first
    first.focus()
    page.keyboard.press("End")
    # Before axe, which requests a stylesheet of its own from a wrong address
    # (dequelabs/axe-core#5268, see harness.audit_page).
    assert log.console_errors == []
    result = run_axe(page, widget)
    assert result["violations"] == [], format_violations(result["violations"])


@pytest.mark.parametrize("chapter", FIGURES)
def test_figure_fits_a_360_px_phone(figure, chapter):
    page, _ = figure(chapter, viewport={"width": 360, "height": 780}, is_mobile=True)
    widget = page.locator(f"#{FIGURES[chapter]}")
    width = page.evaluate("() => document.documentElement.clientWidth")
    for part in ("svg", ".nnb-controls", ".nnb-readout"):
        box = widget.locator(part).first.bounding_box()
        assert box["x"] >= 0, part
        assert box["x"] + box["width"] <= width + 0.5, part


def test_nothing_moves_when_reduced_motion_is_asked(figure):
    page, _ = figure("black-box", reduced_motion="reduce")
    _press(page, "black-box", "rate", "ArrowRight", "ArrowRight")
    running = page.evaluate(
        "() => document.getAnimations().filter((a) =>"
        " a.effect && a.effect.target && a.effect.target.closest"
        " && a.effect.target.closest('.nnb-interactive')).length"
    )
    assert running == 0


def test_without_javascript_the_static_figure_and_its_text_show(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site.page_url("black-box"))
    widget = page.locator("#nnb-bb-step-size")
    assert widget.locator("svg[role=img]").is_visible()
    assert widget.locator("input, select").count() == 0
    assert _readout(page, "black-box").startswith("Start x = 1, learning rate")
    note = widget.locator(".nnb-static-note")
    assert note.is_visible()
    assert note.inner_text() == STATIC_NOTE  # the prose's "try ... below" is moot


@pytest.mark.parametrize("chapter", FIGURES)
def test_with_javascript_the_controls_replace_the_note(figure, chapter):
    page, _ = figure(chapter)
    widget = page.locator(f"#{FIGURES[chapter]}")
    assert widget.locator("input, select").count() > 0
    assert widget.locator(".nnb-static-note").count() == 0

"""The black box's search, for any start and learning rate.

Each run is :func:`nnbasics.train` on
:class:`~nnbasics.examples.black_box.InputSearch` (slopes probed from outside)
with the chapter's goal :func:`~nnbasics.examples.black_box.goal_within`;
the regimes' borders come from
:func:`~nnbasics.examples.black_box.step_factor` at the answer.
"""

from __future__ import annotations

import numpy as np

from nnbasics.examples import black_box as bb
from nnbasics.interactive.runs import run_or_diverge
from nnbasics.interactive.widget import (
    Control,
    Element,
    Panel,
    Widget,
    dot_marker,
    escape,
    number,
)
from nnbasics.language import tr
from nnbasics.plotting.style import BLUE, GREEN, INK, ORANGE, RED

__all__ = [
    "STEPS",
    "answer",
    "regime",
    "step_size_explorer",
]

STARTS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
RATES = (*(round(0.01 * k, 2) for k in range(1, 16)), 0.2, 0.25, 0.3)
STEPS = 20
"""The most descent steps shown."""

CURVE = Panel((62, 40, 462, 200), (-1.0, 4.0), (-2.0, 14.0))
INPUTS = Panel((62, 290, 462, 400), (0, STEPS), (-1.0, 4.0))
RATE_BAR = Panel((62, 478, 462, 490), (0.0, 0.31), (0, 1))


def answer() -> float:
    """Return the input at which the book's box answers 4 (the positive root)."""
    w1, w2 = bb.HIDDEN_WEIGHTS
    return float((-w1 + np.sqrt(w1**2 + 4 * w2 * bb.TARGET)) / (2 * w2))


def regime(errors: np.ndarray, converged: bool, diverged: bool) -> str:
    """Name what a run did, from its signed errors f(x) - target.

    Examples
    --------
    >>> regime(np.array([-1.0, 0.5, -0.1]), True, False)
    'converges while oscillating'
    """
    crossed = bool(np.any(np.sign(errors[1:]) * np.sign(errors[:-1]) < 0))
    if diverged:
        return tr("diverges")
    if converged:
        return tr("converges while oscillating") if crossed else tr("converges")
    return tr("never settles") if crossed else tr("creeps, not there yet")


def _frame(start: float, rate: float) -> list:
    search = bb.InputSearch(bb.BlackBox())
    goal = bb.goal_within(max_steps=STEPS)
    run, diverged = run_or_diverge(search, [start], rate, goal)
    x = run.params[:, 0]
    outputs = np.array([search.forward(row)[0] for row in run.params])
    name = regime(outputs - search.target, run.converged, diverged)
    steps = len(run) - 1
    readout = tr(
        "Start x = {start}, learning rate η = {rate}: {regime}. After {steps} "
        "{step_word} the input is {x} and the box answers {output} (wanted: "
        "{target})."
    ).format(
        start=number(start),
        rate=number(rate),
        regime=name,
        steps=steps,
        step_word=tr("step") if steps == 1 else tr("steps"),
        x=number(x[-1], ".4f"),
        output=number(outputs[-1], ".4f"),
        target=number(search.target),
    )
    if diverged:
        readout += tr(" Step {step} would blow the loss up a million-fold.").format(
            step=steps + 1
        )
    marker = RATE_BAR.px([rate], [0])[0, 0]
    status = tr("η = {rate}: {regime}").format(rate=number(rate), regime=name)
    return [
        readout,
        CURVE.points(x, outputs),
        INPUTS.points(run.steps, x),
        status,
        float(marker),
    ]


def step_size_explorer() -> Widget:
    """Return the black box's input search, with sliders for start and learning rate.

    Examples
    --------
    >>> print(step_size_explorer().frame()[0])
    Start x = 1, learning rate η = 0.05: converges. After 4 steps the input is
    1.5826 and the box answers 3.9998 (wanted: 4).
    """
    star = answer()
    slope = float(bb.BlackBox().exact_slope([star])[0])
    creep_limit = 1 / (2 * slope**2)  # step factor 0: below it no overshoot
    limit = 1 / slope**2  # step factor -1: beyond it, divergence
    assert np.isclose(bb.step_factor(limit, [slope])[0], -1.0)
    grid = np.linspace(*CURVE.x, 101)
    box = bb.BlackBox()
    _, top, _, bottom = RATE_BAR.box
    bands = [
        (0.0, creep_limit, GREEN),
        (creep_limit, limit, ORANGE),
        (limit, RATE_BAR.x[1], RED),
    ]
    bar = "".join(
        f'<rect x="{RATE_BAR.px([a], [0])[0, 0]:g}" y="{top}" height="{bottom - top}" '
        f'width="{RATE_BAR.px([b], [0])[0, 0] - RATE_BAR.px([a], [0])[0, 0]:g}" '
        f'fill="{colour}"/>'
        for a, b, colour in bands
    )
    limit_x = RATE_BAR.px([limit], [0])[0, 0]
    limit_text = tr("limit {limit}").format(limit=number(limit, ".3f"))
    layers = [
        f"<defs>{dot_marker('nnb-bb-dot', BLUE, 8)}{CURVE.clip('nnb-bb-c1')}"
        f"{INPUTS.clip('nnb-bb-c2')}</defs>",
        CURVE.axes(
            [-1, 0, 1, 2, 3, 4],
            [0, 4, 8, 12],
            tr("input x"),
            tr("the box's output f(x)"),
        ),
        f'<polyline points="{CURVE.points(grid, box(grid))}" fill="none" '
        'stroke="#9a9a9a" stroke-width="3"/>',
        f'<path d="M{CURVE.box[0]},{CURVE.px([0], [4])[0, 1]:g}H{CURVE.box[2]}" '
        f'stroke="{GREEN}" stroke-dasharray="6 4" stroke-width="2"/>',
        Element(
            "path",
            "polyline",
            ("points",),
            f'fill="none" stroke="{BLUE}" stroke-width="1.5" '
            'clip-path="url(#nnb-bb-c1)" marker-start="url(#nnb-bb-dot)" '
            'marker-mid="url(#nnb-bb-dot)" marker-end="url(#nnb-bb-dot)"',
        ),
        INPUTS.axes(
            [0, 5, 10, 15, 20], [0, 1, 2, 3], tr("step"), tr("input x at each step")
        ),
        "<path "
        f'd="M{INPUTS.box[0]},{INPUTS.px([0], [star])[0, 1]:g}H{INPUTS.box[2]}" '
        f'stroke="{GREEN}" stroke-dasharray="6 4" stroke-width="2"/>',
        Element(
            "inputs",
            "polyline",
            ("points",),
            f'fill="none" stroke="{BLUE}" stroke-width="2" '
            'clip-path="url(#nnb-bb-c2)" marker-start="url(#nnb-bb-dot)" '
            'marker-mid="url(#nnb-bb-dot)" marker-end="url(#nnb-bb-dot)"',
        ),
        Element("status", "text", ("text",), 'x="62" y="468"'),
        bar,
        f'<path d="M{limit_x:g},{top - 4}V{bottom + 4}" stroke="{INK}" '
        'stroke-width="2"/>',
        f'<text x="{limit_x:g}" y="{bottom + 22}" text-anchor="middle">'
        f"{escape(limit_text)}</text>",
        f'<text x="62" y="{bottom + 22}">0</text>',
        Element(
            "rate",
            "circle",
            ("cx",),
            f'cy="{(top + bottom) / 2}" r="8" fill="white" stroke="{INK}" '
            'stroke-width="3"',
        ),
    ]
    controls = (
        Control(
            "start", tr("Start x"), [number(s) for s in STARTS], STARTS.index(bb.START)
        ),
        Control(
            "rate",
            tr("Learning rate η"),
            [number(r) for r in RATES],
            RATES.index(0.05),
        ),
    )
    return Widget.build(
        "bb-step-size",
        title=tr("The black box's search for any step size"),
        description=tr(
            "Top: the box's output against its input (grey curve), the wanted "
            "output 4 (green dashes) and the search's inputs on the curve "
            "(blue dots, joined in order). Middle: the input at each step, "
            "with the answer {answer} dashed. Bottom: a bar of learning rates, "
            "green up to {creep_limit} (the input creeps up on the answer), "
            "orange up to {limit} (it overshoots but settles), red beyond (it "
            "diverges), with a ring at the chosen rate. The text under the "
            "figure gives the run's numbers."
        ).format(
            answer=number(star, ".3f"),
            creep_limit=number(creep_limit, ".3f"),
            limit=number(limit, ".3f"),
        ),
        controls=controls,
        compute=lambda s, r: _frame(STARTS[s], RATES[r]),
        layers=layers,
        height=520,
    )

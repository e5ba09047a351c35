"""The training loop's learning rate against its loss curve.

Each curve is :func:`nnbasics.train` on :class:`nnbasics.CurveFit` of
Table 2-1 from (1, 1); the stability limit is
:attr:`~nnbasics.examples.cracking.Curvature.largest_stable_learning_rate`.
"""

from __future__ import annotations

from nnbasics.examples import cracking as cr
from nnbasics.goal import Goal
from nnbasics.interactive.runs import run_or_diverge
from nnbasics.interactive.widget import Control, Element, Panel, Widget, escape, number
from nnbasics.language import tr
from nnbasics.plotting.style import BLUE, GREEN, INK, ORANGE, RED
from nnbasics.training import CurveFit

__all__ = ["learning_rate_explorer"]

RATES = tuple(round(0.01 * k, 2) for k in range(1, 17))
STEPS = 100
START = (1.0, 1.0)
TOLERANCE = 1e-3

CURVE = Panel((62, 40, 462, 240), (0, STEPS), (1e-4, 1e4), log_y=True)
RATE_BAR = Panel((62, 330, 462, 342), (0.0, 0.17), (0, 1))


def learning_rate_explorer() -> Widget:
    """Return the loss curve of cracking the box for a learning rate of choice.

    Examples
    --------
    >>> learning_rate_explorer().frame()[0].split(":")[0]
    'Learning rate η = 0.1'
    """
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    limit = cr.loss_curvature().largest_stable_learning_rate

    def compute(r: int) -> list:
        rate = RATES[r]
        run, diverged = run_or_diverge(
            fit, START, rate, Goal(tolerance=TOLERANCE, max_steps=STEPS)
        )
        steps = len(run) - 1
        loss = number(run.losses[-1], ".4g")
        if diverged or run.losses[-1] > run.losses[0]:
            name = tr("diverges; by step {step} the loss is {loss}")
        elif run.converged:
            name = tr("reaches the goal at step {step}, loss {loss} < {tolerance}")
        else:
            name = tr("after {step} steps the loss is still {loss}")
        name = name.format(step=steps, loss=loss, tolerance=number(TOLERANCE))
        readout = tr("Learning rate η = {rate}: {outcome} (it starts at {first}).")
        readout = readout.format(
            rate=number(rate), outcome=name, first=number(run.losses[0], ".4g")
        )
        return [
            readout,
            CURVE.points(run.steps, run.losses),
            f"η = {number(rate)}",
            float(RATE_BAR.px([rate], [0])[0, 0]),
        ]

    left, top, right, bottom = RATE_BAR.box
    limit_x = RATE_BAR.px([limit], [0])[0, 0]
    goal_y = CURVE.px([0], [TOLERANCE])[0, 1]
    limit_text = tr("limit {limit}").format(limit=number(limit, ".3f"))
    layers = [
        f"<defs>{CURVE.clip('nnb-loop-c')}</defs>",
        CURVE.axes(
            [0, 25, 50, 75, 100],
            [1e-4, 1e-2, 1, 1e2, 1e4],
            tr("step"),
            tr("loss (log scale)"),
        ),
        f'<path d="M{CURVE.box[0]},{goal_y:g}H{CURVE.box[2]}" stroke="{GREEN}" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        Element(
            "curve",
            "polyline",
            ("points",),
            f'fill="none" stroke="{BLUE}" stroke-width="2.5" '
            'clip-path="url(#nnb-loop-c)"',
        ),
        Element(
            "status",
            "text",
            ("text",),
            f'x="{CURVE.box[2] - 4}" y="{CURVE.box[1] + 22}" text-anchor="end"',
        ),
        f'<text x="62" y="{bottom - 24}">{escape(tr("learning rate; "))}<tspan '
        f'fill="#00785a">{escape(tr("dashes: the goal"))}</tspan></text>',
        f'<rect x="{left}" y="{top}" width="{limit_x - left:g}" '
        f'height="{bottom - top}" fill="{ORANGE}"/>',
        f'<rect x="{limit_x:g}" y="{top}" width="{right - limit_x:g}" '
        f'height="{bottom - top}" fill="{RED}"/>',
        f'<path d="M{limit_x:g},{top - 4}V{bottom + 4}" stroke="{INK}" '
        'stroke-width="2"/>',
        f'<text x="{limit_x:g}" y="{bottom + 22}" text-anchor="middle">'
        f"{escape(limit_text)}</text>",
        f'<text x="{left}" y="{bottom + 22}">0</text>',
        Element(
            "rate",
            "circle",
            ("cx",),
            f'cy="{(top + bottom) / 2}" r="8" fill="white" stroke="{INK}" '
            'stroke-width="3"',
        ),
    ]
    return Widget.build(
        "loop-rate",
        title=tr("The learning rate against the loss curve"),
        description=tr(
            "The loss of cracking the box, on a log scale, over the first "
            "{steps} steps of training from (1, 1) (blue), with the goal "
            "{tolerance} dashed. Below, a bar of learning rates: training is "
            "stable up to {limit} (orange) and diverges beyond (red); a ring "
            "marks the chosen rate. The text under the figure gives the run's "
            "numbers."
        ).format(steps=STEPS, tolerance=number(TOLERANCE), limit=number(limit, ".3f")),
        controls=(
            Control(
                "rate",
                tr("Learning rate η"),
                [number(r) for r in RATES],
                RATES.index(0.1),
            ),
        ),
        compute=compute,
        layers=layers,
        height=370,
    )

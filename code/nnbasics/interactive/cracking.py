"""Cracking the box: gradient descent on the loss's contours, from any start.

Each path is :func:`nnbasics.train` on :class:`nnbasics.CurveFit` of
Table 2-1; the contours are
:func:`~nnbasics.examples.cracking.loss_surface`, the stability limit
:attr:`~nnbasics.examples.cracking.Curvature.largest_stable_learning_rate`.
"""

from __future__ import annotations

import numpy as np
from contourpy import contour_generator

from nnbasics.examples import cracking as cr
from nnbasics.goal import Goal
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
from nnbasics.plotting.style import BLUE, GREEN, INK
from nnbasics.training import CurveFit

__all__ = ["contour_explorer"]

W1 = (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0)
W2 = (-1.0, 0.0, 1.0, 2.0, 3.0)
RATES = (0.02, 0.1, 0.14, 0.15)
STEPS = 50
LEVELS = (0.01, 0.1, 1.0, 3.0, 10.0, 30.0, 100.0)

MAP = Panel((62, 40, 462, 373), (-1.5, 4.5), (-1.5, 3.5))


def _contours() -> str:
    w1, w2 = np.linspace(*MAP.x, 121), np.linspace(*MAP.y, 101)
    lines = contour_generator(w1, w2, cr.loss_surface(w1, w2))
    paths = []
    for level in LEVELS:
        for line in lines.lines(level):
            points = MAP.px(line[:, 0], line[:, 1])[::2]
            paths.append("M" + " ".join(f"{x:g},{y:g}" for x, y in points))
    return f'<path d="{"".join(paths)}" fill="none" stroke="#9a9a9a"/>'


def _frame(fit: CurveFit, start: tuple[float, float], rate: float, best) -> list:
    goal = Goal(tolerance=1e-3, max_steps=STEPS)
    run, diverged = run_or_diverge(fit, start, rate, goal)
    w = run.params[-1]
    steep = cr.loss_curvature().directions[:, -1]
    across = (run.params - best) @ steep
    zigzag = bool(np.any(across[1:] * across[:-1] < 0))
    blew_up = diverged or run.losses[-1] > run.losses[0]
    if blew_up:
        name = tr("diverges")
    elif run.converged:
        name = tr("reaches loss < 0.001 in {steps} steps").format(steps=len(run) - 1)
    else:
        name = tr("has loss {loss} after {steps} steps").format(
            loss=number(run.losses[-1], ".4g"), steps=STEPS
        )
    if zigzag and not blew_up:
        name = tr("{outcome}, zigzagging across the valley").format(outcome=name)
    readout = tr(
        "Start (w1, w2) = ({w1}, {w2}), η = {rate}: gradient descent {outcome}. "
        "Last step {step}: w = ({last_w1}, {last_w2}), loss {loss}."
    ).format(
        w1=number(start[0]),
        w2=number(start[1]),
        rate=number(rate),
        outcome=name,
        step=len(run) - 1,
        last_w1=number(w[0], ".4f"),
        last_w2=number(w[1], ".4f"),
        loss=number(run.losses[-1], ".4g"),
    )
    start_px = MAP.px([start[0]], [start[1]])[0]
    return [readout, MAP.points(*run.params.T), float(start_px[0]), float(start_px[1])]


def contour_explorer() -> Widget:
    """Return gradient descent on Table 2-1's loss from a start of the reader's.

    Examples
    --------
    >>> widget = contour_explorer()
    >>> widget.frame()[0].split(":")[1].split(",")[0]
    ' gradient descent has loss 0.03019 after 50 steps'
    """
    fit = CurveFit(cr.TABLE_2_1.x, cr.TABLE_2_1.y)
    best = cr.least_squares_weights()
    limit = cr.loss_curvature().largest_stable_learning_rate
    star = MAP.px([best[0]], [best[1]])[0]
    diverges = tr("; diverges for η > {limit}").format(limit=number(limit, ".3f"))
    layers = [
        f"<defs>{dot_marker('nnb-cr-dot', BLUE, 6)}{MAP.clip('nnb-cr-c')}</defs>",
        f'<g clip-path="url(#nnb-cr-c)">{_contours()}</g>',
        MAP.axes(
            [-1, 0, 1, 2, 3, 4],
            [-1, 0, 1, 2, 3],
            "w1",
            tr("w2 (grey: equal loss; click to start)"),
        ),
        f'<path d="M{star[0] - 6:g},{star[1] - 6:g}l12,12m0-12l-12,12" '
        f'stroke="{GREEN}" stroke-width="3"/>',
        Element(
            "path",
            "polyline",
            ("points",),
            f'fill="none" stroke="{BLUE}" stroke-width="1.5" '
            'clip-path="url(#nnb-cr-c)" marker-start="url(#nnb-cr-dot)" '
            'marker-mid="url(#nnb-cr-dot)" marker-end="url(#nnb-cr-dot)"',
        ),
        Element(
            "start",
            "circle",
            ("cx", "cy"),
            f'r="7" fill="white" stroke="{INK}" stroke-width="2"',
        ),
        f'<text x="62" y="440">{escape(tr("ring: start; "))}<tspan fill="#00785a">'
        f"{escape(tr('cross: lowest loss'))}</tspan>{escape(diverges)}</text>",
    ]
    controls = (
        Control("w1", tr("Start w1"), [number(v) for v in W1], W1.index(1.0)),
        Control("w2", tr("Start w2"), [number(v) for v in W2], W2.index(1.0)),
        Control(
            "rate", tr("Learning rate η"), [number(r) for r in RATES], RATES.index(0.1)
        ),
    )
    return Widget.build(
        "cr-contours",
        title=tr("Gradient descent on the loss of Table 2-1"),
        description=tr(
            "Contour lines of the mean squared error over the weights w1 "
            "(across) and w2 (up): a long, narrow valley whose lowest point, "
            "marked by a green cross, is at ({best_w1}, {best_w2}). A blue path "
            "of dots shows up to {steps} steps of gradient descent from the "
            "start, which is ringed. The text under the figure gives the run's "
            "numbers."
        ).format(
            best_w1=number(best[0], ".2f"), best_w2=number(best[1], ".2f"), steps=STEPS
        ),
        controls=controls,
        compute=lambda a, b, r: _frame(fit, (W1[a], W2[b]), RATES[r], best),
        layers=layers,
        height=450,
        click={
            "x": 0,
            "y": 1,
            "px": [float(v) for v in MAP.px(W1, [0] * len(W1))[:, 0]],
            "py": [float(v) for v in MAP.px([0] * len(W2), W2)[:, 1]],
        },
    )

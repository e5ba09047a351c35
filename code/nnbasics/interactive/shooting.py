"""Target shooting with any burst size and noise: the aim's path and its spread.

One session is :func:`~nnbasics.examples.target_shooting.shoot`; the spread
of the aim over many seeded runs is
:func:`~nnbasics.examples.target_shooting.compare_bursts`, drawn against
the single shots' spread divided by √k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nnbasics.examples import target_shooting as ts
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

__all__ = ["burst_explorer"]

BURSTS = (1, 2, 3, 5, 10)
SPREADS = (0.5, 1.0, 1.5, 2.0, 3.0)
ROUNDS = 15
LEARNING_RATE = 0.25

TARGET = Panel((130, 40, 350, 260), (-22.0, 22.0), (-22.0, 22.0))
SPREAD = Panel((62, 330, 462, 450), (0, 11), (0.0, 3.0))


def _hits(points: np.ndarray) -> str:
    """Small circles at the hits, as one path."""
    return "".join(f"M{x - 3:g},{y:g}a3,3 0 1 0 6,0a3,3 0 1 0-6,0" for x, y in points)


def burst_explorer(seeds: Sequence[int], study_seeds: Sequence[int]) -> Widget:
    """Return shooting sessions for several burst sizes, noise levels and seeds.

    Parameters
    ----------
    seeds : sequence of int
        One seed per session the reader can pick ("Run 1", "Run 2", ...).
    study_seeds : sequence of int
        The seeded runs over which the aim's spread is measured.

    Examples
    --------
    >>> burst_explorer(seeds=[0, 1], study_seeds=range(20)).frame()[0].split(".")[0]
    'Bursts of 3, spread 1'
    """
    seeds, study_seeds = list(seeds), list(study_seeds)
    if not seeds or not study_seeds:
        raise ValueError("seeds and study_seeds each need at least one seed")
    runs = len(study_seeds)
    studies = {
        spread: ts.compare_bursts(
            ts.Rifle(spread=spread),
            BURSTS,
            rounds=ROUNDS,
            learning_rate=LEARNING_RATE,
            seeds=study_seeds,
        )
        for spread in SPREADS
    }

    def compute(b: int, s: int, seed: int) -> list:
        burst, spread = BURSTS[b], SPREADS[s]
        session = ts.shoot(
            ts.Rifle(spread=spread),
            rounds=ROUNDS,
            burst=burst,
            learning_rate=LEARNING_RATE,
            seed=seeds[seed],
        )
        study = studies[spread]
        measured = study.final_spread
        single = float(measured[0])
        path = TARGET.points(*session.mean_points.T)
        last = TARGET.px(*session.hits[-1].T)
        final = float(np.hypot(*session.mean_points[-1]))
        readout = tr(
            "Bursts of {burst}, spread {spread} cm, run {run}: after {rounds} "
            "rounds the mean point of impact is {final} cm from the centre. Over "
            "{runs} runs it scatters {measured} cm; single shots scatter {single} "
            "cm, and {single}/√{burst} = {predicted} cm."
        ).format(
            burst=burst,
            spread=number(spread),
            run=seed + 1,
            rounds=ROUNDS,
            final=number(final, ".2f"),
            runs=runs,
            measured=number(measured[b], ".3f"),
            single=number(single, ".3f"),
            predicted=number(single / math.sqrt(burst), ".3f"),
        )
        here = SPREAD.px([burst], [measured[b]])[0]
        k = np.linspace(1, 10, 46)
        return [
            readout,
            path,
            _hits(last),
            SPREAD.points(k, single / np.sqrt(k)),
            SPREAD.points(BURSTS, measured),
            float(here[0]),
            float(here[1]),
        ]

    rings = "".join(
        f'<circle cx="{TARGET.px([0], [0])[0, 0]:g}" '
        f'cy="{TARGET.px([0], [0])[0, 1]:g}" '
        f'r="{TARGET.px([r], [0])[0, 0] - TARGET.px([0], [0])[0, 0]:g}" fill="none" '
        f'stroke="#9a9a9a"/>'
        for r in np.arange(1, ts.RINGS + 1) * ts.RING_WIDTH
    )
    layers = [
        f"<defs>{dot_marker('nnb-ts-dot', BLUE, 7)}{TARGET.clip('nnb-ts-c')}</defs>",
        '<text x="62" y="26">'
        f"{escape(tr('the target (cm); blue: where the rifle points'))}</text>",
        rings,
        Element(
            "path",
            "polyline",
            ("points",),
            f'fill="none" stroke="{BLUE}" stroke-width="2" '
            'clip-path="url(#nnb-ts-c)" marker-start="url(#nnb-ts-dot)" '
            'marker-mid="url(#nnb-ts-dot)" marker-end="url(#nnb-ts-dot)"',
        ),
        Element(
            "hits",
            "path",
            ("d",),
            f'fill="{ORANGE}" stroke="{INK}" clip-path="url(#nnb-ts-c)"',
        ),
        f'<text x="62" y="285" fill="{INK}"><tspan fill="#a35f00">'
        f"{escape(tr('orange: the last round'))}</tspan></text>",
        SPREAD.axes(
            [1, 2, 3, 5, 10],
            [0, 1, 2, 3],
            tr("shots per round k"),
            tr("spread of the aim over {runs} runs (cm)").format(runs=runs),
        ),
        Element(
            "curve",
            "polyline",
            ("points",),
            f'fill="none" stroke="{GREEN}" stroke-width="2" stroke-dasharray="6 4"',
        ),
        Element(
            "measured",
            "polyline",
            ("points",),
            f'fill="none" stroke="{BLUE}" stroke-width="2" '
            'marker-start="url(#nnb-ts-dot)" marker-mid="url(#nnb-ts-dot)" '
            'marker-end="url(#nnb-ts-dot)"',
        ),
        Element(
            "here",
            "circle",
            ("cx", "cy"),
            f'r="8" fill="none" stroke="{RED}" stroke-width="3"',
        ),
        f'<text x="62" y="515"><tspan fill="{BLUE}">{escape(tr("measured"))}</tspan>'
        f'{escape(tr("; "))}<tspan fill="#00785a">'
        f"{escape(tr('dashes: single shots / √k'))}</tspan></text>",
    ]
    controls = (
        Control("burst", tr("Shots per round k"), [str(b) for b in BURSTS], 2),
        Control(
            "spread", tr("Spread of the rifle (cm)"), [number(s) for s in SPREADS], 2
        ),
        Control("seed", tr("Run"), [str(n + 1) for n in range(len(seeds))], 0),
    )
    return Widget.build(
        "ts-bursts",
        title=tr("How the burst size damps the noise of the aim"),
        description=tr(
            "Top: the target's rings, the path of the rifle's mean point of "
            "impact over {rounds} rounds (blue) and the last round's hits "
            "(orange). Bottom: the spread of the aim after the last round "
            "over {runs} runs for each number of shots per round k (blue), "
            "against the single shots' spread divided by √k (green dashes); "
            "a red ring marks the chosen k. The text under the figure gives "
            "the numbers."
        ).format(rounds=ROUNDS, runs=runs),
        controls=controls,
        compute=compute,
        layers=layers,
        height=525,
    )

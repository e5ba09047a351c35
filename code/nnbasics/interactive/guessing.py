"""Guess the number, played out: pick B's secret and reply, step through A's guesses.

Every game is played by :func:`~nnbasics.examples.guess_the_number.play`,
and the candidates after each reply come from
:func:`~nnbasics.examples.guess_the_number.still_possible`.
"""

from __future__ import annotations

from nnbasics.examples import guess_the_number as gtn
from nnbasics.interactive.widget import Control, Element, Panel, Widget, escape
from nnbasics.language import tr
from nnbasics.plotting.style import BLUE, INK, ORANGE, RED

__all__ = ["guessing_explorer"]

STRIP = Panel((30, 60, 460, 100), (gtn.LOW - 0.5, gtn.HIGH + 0.5), (0, 1))


def _frames(game: gtn.Game) -> list[list]:
    """One frame per stage of the game: before any guess, then after each reply."""
    frames = []
    for stage in range(len(game) + 1):
        possible = gtn.still_possible(game.moves[:stage])
        low, high = int(possible.min()), int(possible.max())
        assert possible.size == high - low + 1  # these replies leave an interval
        x0, x1 = STRIP.px([low - 0.5, high + 0.5], [0, 0])[:, 0]
        if stage == 0:
            status = tr("before any guess: {count} possible").format(
                count=possible.size
            )
            readout = tr(
                "Secret {secret}. Before any guess all {count} numbers are possible."
            ).format(secret=game.secret, count=possible.size)
            ring, hidden = STRIP.px([gtn.middle(possible)], [0])[0, 0], "hidden"
        else:
            guess, reply = game.moves[stage - 1]
            ring, hidden = STRIP.px([guess], [0])[0, 0], "visible"
            status = tr("guess {guess}, “{reply}”: {count} possible").format(
                guess=guess, reply=reply.text, count=possible.size
            )
            if reply.direction == 0:
                left = tr("found in {count} guesses").format(count=stage)
            elif possible.size == 1:
                left = tr("only {number} is possible").format(number=low)
            else:
                left = tr("{count} numbers are possible, {low} to {high}").format(
                    count=possible.size, low=low, high=high
                )
            readout = tr(
                "Secret {secret}. Guess {stage} of {stages}: {guess}, “{reply}”; "
                "{left}."
            ).format(
                secret=game.secret,
                stage=stage,
                stages=len(game),
                guess=guess,
                reply=reply.text,
                left=left,
            )
        trail = "".join(
            f"M{STRIP.px([g], [0])[0, 0]:g},104v10" for g in game.guesses[: stage - 1]
        )
        width = round(float(x1 - x0), 1)
        frames.append([readout, status, float(x0), width, trail, float(ring), hidden])
    return frames


def guessing_explorer() -> Widget:
    """Return the guessing game for any secret and kind of reply, guess by guess.

    Examples
    --------
    >>> widget = guessing_explorer()
    >>> widget.frame()[0]
    'Secret 47. Guess 4 of 4: 47, “right”; found in 4 guesses.'
    """
    games = [
        [gtn.play(secret, strategy.feedback) for secret in range(gtn.LOW, gtn.HIGH + 1)]
        for strategy in gtn.STRATEGIES
    ]
    longest = max(len(game) for row in games for game in row)
    controls = (
        Control(
            "reply", tr("B's reply"), [tr(s.name) for s in gtn.STRATEGIES], 0, "select"
        ),
        Control(
            "secret", tr("B's secret"), range(gtn.LOW, gtn.HIGH + 1), gtn.SECRET - 1
        ),
        Control(
            "step",
            tr("Step"),
            [
                tr("before any guess"),
                *(tr("guess {number}").format(number=k) for k in range(1, longest + 1)),
            ],
            longest,
            steps=True,
        ),
    )
    left, top, right, bottom = STRIP.box
    cells = "".join(
        f"M{STRIP.px([n + 0.5], [0])[0, 0]:g},{top:g}V{bottom:g}"
        for n in range(gtn.LOW, gtn.HIGH)
    )
    layers = [
        Element("status", "text", ("text",), 'x="30" y="30"'),
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        'fill="#e6e6e6"/>',
        Element(
            "possible",
            "rect",
            ("x", "width"),
            f'y="{top}" height="{bottom - top}" fill="{BLUE}"',
        ),
        f'<path d="{cells}" stroke="white" stroke-width="1.5"/>',
        Element("trail", "path", ("d",), f'stroke="{INK}" stroke-width="2"'),
        Element(
            "guess",
            "circle",
            ("cx", "visibility"),
            f'cy="80" r="8" fill="none" stroke="{ORANGE}" stroke-width="3"',
        ),
        Element(
            "secret",
            "path",
            ("d",),
            f'stroke="{RED}" stroke-width="2" stroke-dasharray="5 3"',
        ),
        STRIP.axes(
            [1, 10, 20, 30, 40, 50], [], tr("the numbers B may have chosen"), ""
        ),
        f'<text x="30" y="182">{escape(tr("blue: still possible; ring: the guess; "))}'
        f'<tspan fill="{RED}">{escape(tr("dashes: the secret"))}</tspan></text>',
    ]

    def compute(reply: int, secret: int) -> list[list]:
        game = games[reply][secret]
        x = STRIP.px([game.secret], [0])[0, 0]
        return [[*frame, f"M{x:g},52V108"] for frame in _frames(game)]

    return Widget.build(
        "gtn-play",
        title=tr("Guess the number, guess by guess"),
        description=tr(
            "A strip of the numbers 1 to 50. Blue cells are the numbers still "
            "possible after the replies so far, an orange ring marks the "
            "current guess, short ticks below the strip the earlier guesses, "
            "and a dashed line B's secret. The text under the figure says the "
            "same in words."
        ),
        controls=controls,
        compute=compute,
        layers=layers,
        height=195,
    )

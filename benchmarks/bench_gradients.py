"""Time one gradient of a network's loss: by probing, and by backpropagation.

The chapter "Back through the layers" counts what a gradient costs (loss
evaluations, and operations on the tape); a page must be the same bytes on
every build, so it does not print times. This script times the same
comparison on this machine, for networks of growing width, on the chapter's
task (25 samples of the bump y = exp(−x²) on [−3, 3]):

* probing: :func:`nnbasics.central_difference` of the vectorised loss, two
  evaluations per weight;
* backpropagation: one vectorised forward pass and one backward pass
  (:func:`nnbasics.network.forward_pass`, :func:`nnbasics.network.backward_pass`);
* the tape: :func:`nnbasics.autodiff.reverse_mode_gradient` of
  :func:`nnbasics.network.tape_loss`, one Python number at a time (the same
  backpropagation, unvectorised, so slower by a constant factor).

Each time is the best of ``--repeats`` rounds (the least disturbed by other
work on the machine). Run with ``.venv/bin/python benchmarks/bench_gradients.py``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnbasics import central_difference, mean_squared_error
from nnbasics.autodiff import reverse_mode_gradient
from nnbasics.network import Network, backward_pass, forward_pass, tape_loss

REPO = Path(__file__).resolve().parents[1]
WIDTHS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
SEED = 2026
X = np.linspace(-3, 3, 25)
Y = np.exp(-(X**2))


def best_time(action: Callable[[], object], repeats: int) -> float:
    """The shortest wall time of ``action`` over ``repeats`` rounds, in seconds.

    A round runs ``action`` often enough to last about 0.05 s, so that short
    actions are not lost in the clock's resolution.
    """
    start = time.perf_counter()
    action()
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(0.05 / once))
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            action()
        rounds.append((time.perf_counter() - start) / number)
    return min(rounds)


def measure(width: int, repeats: int) -> dict[str, float]:
    """Time the three gradients of one network of ``width`` hidden units."""
    network = Network.at_random(width, seed=SEED)
    params = network.to_vector()
    evaluations = []

    def loss(p: np.ndarray) -> float:
        evaluations.append(1)
        return mean_squared_error(forward_pass(Network.from_vector(p, width=width),
                                               X).output, Y)  # fmt: skip

    def backprop() -> np.ndarray:
        return backward_pass(network, forward_pass(network, X), Y).weights.to_vector()

    def tape() -> np.ndarray:
        return reverse_mode_gradient(lambda *p: tape_loss(p, X, Y), params).gradient

    probed = central_difference(loss, params)
    count = len(evaluations)
    np.testing.assert_allclose(backprop(), probed, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(backprop(), tape(), rtol=1e-10, atol=1e-12)
    return {
        "width": width,
        "weights": network.size,
        "probing_evaluations": count,
        "probing_s": best_time(lambda: central_difference(loss, params), repeats),
        "backprop_s": best_time(backprop, repeats),
        "tape_s": best_time(tape, max(1, repeats // 2)),
    }


def table(rows: list[dict[str, float]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| hidden units | weights | probing: evaluations | backprop: passes "
        "| probing s | backprop s | tape s | probing / backprop |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['width']} | {r['weights']} | {r['probing_evaluations']} | 1 + 1 "
            f"| {r['probing_s']:.2e} | {r['backprop_s']:.2e} | {r['tape_s']:.2e} "
            f"| {r['probing_s'] / r['backprop_s']:.0f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None,
                        help="also write the rows to this file")  # fmt: skip
    args = parser.parse_args()
    rows = [measure(width, args.repeats) for width in WIDTHS]
    print(table(rows))
    print()
    print(
        f"{X.size} samples; seed {SEED}; best of {args.repeats} rounds per time; "
        "s = seconds per gradient."
    )
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

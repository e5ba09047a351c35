"""What a chapter's kernel costs to start: ordinary, and forked warm.

Executes a notebook that starts as every chapter does (``import nnbasics``
and a Matplotlib figure) ``RUNS`` times in ordinary kernels
(``python -m ipykernel_launcher``) and ``RUNS`` times in kernels forked from
the warm process of ``bookbuild.kernel`` (``WarmKernels``), the two kinds in
turn, the way myst-nb's cache mode executes a chapter. Prints the median wall
time and processor time (every process on the machine, from
``/proc/stat``) per notebook::

    .venv/bin/python benchmarks/bench_kernels.py --runs 8

The processor time is what a parallel build runs short of: the book's
``-j`` workers keep both cores busy while the chapters execute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELL = "import nnbasics\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"


def busy_seconds() -> float:
    """Processor time used by the whole machine so far (Linux)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def execute_once() -> tuple[float, float]:
    """Execute the notebook once; return its wall and processor seconds."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    notebook.metadata.kernelspec = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    busy, start = busy_seconds(), time.perf_counter()
    NotebookClient(notebook, timeout=60).execute()
    return time.perf_counter() - start, busy_seconds() - busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=8)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    os.environ["PYTHONPATH"] = str(ROOT / "code")  # as the build's kernels
    from bookbuild.kernel import WarmKernels

    results: dict[str, list[tuple[float, float]]] = {"ordinary": [], "warm": []}
    for _ in range(runs):
        results["ordinary"].append(execute_once())
        warm = WarmKernels()
        try:
            execute_once()  # waits for the warm process to be ready
            results["warm"].append(execute_once())
        finally:
            warm.stop()
    print("| kernel | wall s (median) | processor s (median) | runs |")
    print("|---|---:|---:|---:|")
    for kind, times in results.items():
        wall = statistics.median(t[0] for t in times)
        busy = statistics.median(t[1] for t in times)
        print(f"| {kind} | {wall:.2f} | {busy:.2f} | {len(times)} |")


if __name__ == "__main__":
    main()

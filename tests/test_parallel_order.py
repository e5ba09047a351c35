"""bookbuild.parallel: Sphinx's chunks of pages to read cost about the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.util.parallel import make_chunks

from bookbuild.parallel import balanced_order
from tests.conftest import build_small_project

pytestmark = pytest.mark.tooling

# Costs like the book's: the API page and a few heavy chapters, light pages.
COSTS = {
    "api": 30, "black-box": 14, "cracking-the-box": 22, "guess-the-number": 12,
    "index": 1, "layers": 18, "opening": 9, "target-shooting": 16,
    "training-loop": 11, "genindex-like": 1, "extra": 2,
}  # fmt: skip


def chunk_costs(order: list[str], workers: int) -> list[int]:
    return [sum(COSTS[n] for n in chunk) for chunk in make_chunks(order, workers)]


def test_the_short_chunk_at_the_end_gets_the_cheapest_pages():
    # 11 pages on 2 workers: chunks of 5, 5 and 1; the last one runs after a
    # full one, so a costly page there would finish long after the rest.
    order = balanced_order(COSTS, 2)
    chunks = list(make_chunks(order, 2))
    assert [len(c) for c in chunks] == [5, 5, 1]
    assert chunks[-1] == ["genindex-like"]  # the cheapest (ties by name)
    assert sorted(order) == sorted(COSTS)


def test_the_full_chunks_cost_about_the_same_and_less_than_in_name_order():
    order = balanced_order(COSTS, 2)
    full = chunk_costs(order, 2)[:2]
    assert max(full) - min(full) <= max(COSTS.values()) // 2
    assert max(chunk_costs(order, 2)) < max(chunk_costs(sorted(COSTS), 2))


def test_the_order_is_reproducible():
    assert balanced_order(COSTS, 2) == balanced_order(dict(reversed(COSTS.items())), 2)


# --- who reads and who writes: a small project built with -j 2 ---------------

RECORDER = """
import os
from pathlib import Path

import bookbuild.parallel


def _note(what, name):
    with open(Path(__file__).parent / "pids.txt", "a") as log:
        log.write(f"{what} {name} {os.getpid()}\\n")


def setup(app):
    bookbuild.parallel.setup(app)
    app.connect("source-read", lambda app, doc, src: _note("read", doc))
    app.connect(
        "html-page-context",
        lambda app, page, template, context, doctree: _note("write", page),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def build_with_two_jobs(project: Path) -> dict[str, set[int]]:
    """Build ``project`` with ``-j 2``; the process ids that read and wrote."""
    (project / "pids.txt").unlink(missing_ok=True)
    build_small_project(project, "extensions = ['recorder']\n", parallel=2)
    pids: dict[str, set[int]] = {"read": set(), "write": set()}
    for line in (project / "pids.txt").read_text().splitlines():
        what, _, pid = line.split()
        pids[what].add(int(pid))
    return pids


def test_one_page_is_read_and_written_in_process_and_several_by_workers(
    tmp_path: Path,
):
    # bookbuild.parallel sets app.parallel when reading and writing start;
    # this fails loudly if a new Sphinx stops reading it then.
    import os

    (tmp_path / "recorder.py").write_text(RECORDER)
    pages = ["one", "two", "three", "four", "five", "six"]
    (tmp_path / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n" + "".join(f"   {p}\n" for p in pages)
    )
    for page in pages:
        (tmp_path / f"{page}.rst").write_text(f"{page.title()}\n=====\n\nText.\n")

    cold = build_with_two_jobs(tmp_path)
    assert os.getpid() not in cold["read"], "seven pages were not read by workers"
    assert len(cold["write"] - {os.getpid()}) == 2, (
        "seven pages were not written by two workers (-j 2 + 1 processes)"
    )

    (tmp_path / "three.rst").write_text("Three\n=====\n\nEdited.\n")
    edit = build_with_two_jobs(tmp_path)
    assert edit["read"] == {os.getpid()}, "one edited page was read by a worker"
    assert edit["write"] == {os.getpid()}, "one edited page was written by a worker"

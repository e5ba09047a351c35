"""bookbuild.gc_freeze: the collector skips what a build holds, and only then."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO, build_small_project

pytestmark = pytest.mark.tooling

RECORDER = """
import gc
from pathlib import Path

import bookbuild.gc_freeze


def _note(what):
    with open(Path(__file__).parent / "frozen.txt", "a") as log:
        log.write(f"{what} {gc.get_freeze_count()}\\n")


def setup(app):
    bookbuild.gc_freeze.setup(app)
    app.connect("source-read", lambda app, doc, source: _note("read"))
    app.connect("env-updated", lambda app, env: _note("read-all"), priority=1000)
    app.connect(
        "html-page-context",
        lambda app, page, template, context, doctree: _note("write"),
    )
    return {"parallel_read_safe": True}
"""


def test_a_build_runs_frozen_and_leaves_nothing_frozen(tmp_path: Path):
    (tmp_path / "recorder.py").write_text(RECORDER)
    (tmp_path / "index.rst").write_text("Index\n=====\n\nText.\n")
    assert gc.get_freeze_count() == 0
    build_small_project(tmp_path, "extensions = ['recorder']\n")

    counts: dict[str, list[int]] = {}
    for line in (tmp_path / "frozen.txt").read_text().splitlines():
        what, count = line.split()
        counts.setdefault(what, []).append(int(count))
    # Frozen from the start: every module Sphinx and the extensions loaded.
    assert min(counts["read"]) > 10_000, counts
    # Frozen again once every page is read: more than at the start.
    assert min(counts["read-all"]) > max(counts["read"]), counts
    assert min(counts["write"]) > min(counts["read"]), counts  # still frozen
    # Thawed when the build finished, so a process that goes on collects
    # its garbage as before.
    assert gc.get_freeze_count() == 0


def test_the_process_freezes_at_exit_before_the_last_collection():
    # atexit runs the last registered function first: the probe, registered
    # before the extension, sees what Python's final collection will see.
    script = textwrap.dedent(
        """
        import atexit, gc, sys
        atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count()))
        sys.path.insert(0, "book/_ext")
        import bookbuild.gc_freeze

        class App:
            def connect(self, *args, **kwargs):
                pass

        bookbuild.gc_freeze.setup(App())
        bookbuild.gc_freeze.setup(App())  # a second build: still one freeze
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    frozen = int(result.stdout.split("frozen at exit:")[1])
    assert frozen > 10_000, result.stdout

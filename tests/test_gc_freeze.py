"""bookbuild.gc_freeze: the collector skips what a build holds, and only then."""

from __future__ import annotations

import gc
import runpy
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


LATER = """
import gc
from pathlib import Path


def _note(what):
    with open(Path(__file__).parent / "collector.txt", "a") as log:
        log.write(f"{what} {'on' if gc.isenabled() else 'off'}\\n")


_note("imported")


def setup(app):
    _note("set-up")
    app.connect("config-inited", lambda app, config: _note("config-inited"))
    return {"parallel_read_safe": True}
"""


@pytest.mark.parametrize("on_before", [True, False])
def test_listed_first_it_pauses_the_collector_while_later_extensions_load(
    tmp_path: Path, on_before: bool
):
    (tmp_path / "later.py").write_text(LATER)
    (tmp_path / "index.rst").write_text("Index\n=====\n\nText.\n")
    if not on_before:
        gc.disable()
    try:
        conf = "extensions = ['bookbuild.gc_freeze', 'later']\n"
        build_small_project(tmp_path, conf)
        after = gc.isenabled()
    finally:
        gc.enable()
    log = (tmp_path / "collector.txt").read_text().splitlines()
    # Off while the later extension is imported and set up; on again (if it
    # was on) by the time the configuration is read, and after the build.
    on = "on" if on_before else "off"
    assert log == ["imported off", "set-up off", f"config-inited {on}"]
    assert after is on_before


def test_the_book_pauses_the_collector_before_importing_any_other_extension():
    assert runpy.run_path(str(REPO / "conf.py"))["extensions"][0] == (
        "bookbuild.gc_freeze"
    )
    # Importing it imports none of the other extensions, nor the rest of
    # bookbuild (which would import myst-nb before the collector is paused).
    script = (
        "import sys; sys.path.insert(0, 'book/_ext'); import bookbuild.gc_freeze; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'myst_nb', 'myst_parser', 'bookbuild'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == "['bookbuild', 'bookbuild.gc_freeze']"

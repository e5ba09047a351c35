"""No stale page after an interrupted, failed or concurrent build (bookbuild.freshness).

Each test changes a copy of the book, disturbs a build of it (a signal at a
chosen point, a failing cell, a second build at the same time) and then runs
the plain build: every page must show the current text, and no error report
may be left in the site.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import (
    MYSTNB_PAGES,
    git,
    read_search_index,
    run_sphinx,
    sphinx_command,
)

pytestmark = pytest.mark.build

CHAPTER = "black-box"
NEW_TEXT = "This sentence was added after the first build."

# What Sphinx prints when it reaches each point of the build.
POINTS = {
    "reading": "reading sources",
    "after pickling": "checking consistency",  # printed once the pickle is done
    # Sphinx copies the assets, then writes the pages ("writing output..."
    # alone is also printed before reading, by the [mo] step).
    "writing": "copying assets: done",
}


ANSI_CODE = re.compile(rb"\x1b\[[0-9;]*[A-Za-z]")


def _edit(project: Path, text: str = NEW_TEXT) -> None:
    page = project / "book" / f"{CHAPTER}.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def _start_until(
    project: Path, point: str, **options
) -> tuple[subprocess.Popen, bytes]:
    """Start a build in a process group of its own; return it once it prints
    ``point``, with what it printed so far. ``options`` go to Popen."""
    command, env = sphinx_command(project, project / "_build")
    env["PYTHONUNBUFFERED"] = "1"
    build = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
        **options,
    )
    seen = b""
    assert build.stdout is not None
    deadline = time.monotonic() + 600
    # (with CI set, Sphinx colours its messages: compare the plain text)
    while POINTS[point].encode() not in ANSI_CODE.sub(b"", seen):
        chunk = build.stdout.read1(4096)
        if not chunk or time.monotonic() > deadline:
            os.killpg(build.pid, signal.SIGKILL)
            pytest.fail(f"the build ended before {point!r}:\n{seen.decode()[-3000:]}")
        seen += chunk
    return build, seen


def _stop_at(project: Path, point: str, signum: int) -> str:
    """Start a build and send it ``signum`` once it prints ``point``.

    The signal goes to the build's whole process group, its ``-j`` workers
    included, as Ctrl-C in a terminal (or a killed CI job) does.
    """
    build, seen = _start_until(
        project,
        point,
        # A shell without job control starts its background commands with
        # Ctrl-C ignored, and they pass that on: a terminal's build has it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.killpg(build.pid, signum)
    try:
        rest, _ = build.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        pytest.fail(f"the build did not stop on signal {signum}")
    assert build.returncode != 0, "the build was not stopped"
    return (seen + rest).decode(errors="replace")


@pytest.mark.parametrize(
    ("point", "signum"),
    [
        ("reading", signal.SIGINT),
        ("after pickling", signal.SIGKILL),
        ("writing", signal.SIGKILL),
        ("writing", signal.SIGINT),
    ],
    ids=["int-reading", "kill-after-pickling", "kill-writing", "int-writing"],
)
def test_a_stopped_build_is_followed_by_a_complete_one(book_copy, point, signum):
    _edit(book_copy)
    _stop_at(book_copy, point, signum)
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode == 0, build.log[-3000:]
    assert NEW_TEXT in build.html(CHAPTER)
    for page in MYSTNB_PAGES:
        assert (build.html_dir / f"{page}.html").is_file(), page
    assert build.executed() == [], "outputs should come from the cache"
    # And the build after that has nothing left to do.
    again = run_sphinx(book_copy, book_copy / "_build")
    assert "0 added, 0 changed, 0 removed" in again.log


def _processes_in(group: int) -> dict[int, str]:
    """The live processes of process group ``group``: pid and command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            # /proc/PID/stat: "PID (NAME) STATE PPID PGRP ..."
            state, _, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == group and state != "Z":
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(entry.name)] = command.decode(errors="replace")
        except (OSError, ValueError):
            continue
    return found


ON_LINUX = pytest.mark.skipif(sys.platform != "linux", reason="prctl and /proc")


@ON_LINUX
@pytest.mark.parametrize("point", ["reading", "after pickling", "writing"])
def test_a_build_killed_alone_leaves_no_process_behind(book_copy, point):
    """The out-of-memory killer, or ``kill -9 PID``, stops the build process
    alone, not its process group. What it forked (the ``-j`` workers,
    sphinx-sitemap's manager) must end too, and the next build must neither
    wait for them nor keep a stale page."""
    _edit(book_copy)
    killed, _ = _start_until(book_copy, point)
    try:
        forked = _processes_in(killed.pid)
        forked.pop(killed.pid, None)
        assert forked, "the build had forked nothing to leave behind"
        os.kill(killed.pid, signal.SIGKILL)  # the build process, not its group
        killed.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (left := _processes_in(killed.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, f"the killed build left {left} (it had forked {forked})"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(killed.pid, signal.SIGKILL)
        killed.stdout.close()
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode == 0, build.log[-3000:]
    assert NEW_TEXT in build.html(CHAPTER)


LOCKING = """
import os, sys, time, types
sys.path.insert(0, {ext!r})
from bookbuild import freshness
freshness._lock(types.SimpleNamespace(doctreedir={doctrees!r}))
print("locked", flush=True)
"""


@ON_LINUX
def test_a_process_forked_by_a_build_does_not_hold_its_lock(tmp_path):
    """Without bookbuild.forks (another system, or a fork from another thread)
    a forked process may outlive the build: the next build must not wait."""
    locking = LOCKING.format(
        ext=str(Path(__file__).parents[1] / "book" / "_ext"), doctrees=str(tmp_path)
    )
    forking = "if os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\nos._exit(0)\n"
    holder = subprocess.Popen(
        [sys.executable, "-c", locking + forking],  # locks, forks, ends
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        holder.wait(timeout=30)
        assert _processes_in(holder.pid), "the forked process should still run"
        try:  # the next build takes the lock at once, or waits
            subprocess.run(
                [sys.executable, "-c", locking],
                check=True,
                timeout=20,
                capture_output=True,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("the next build waits for a process the last one forked")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(holder.pid, signal.SIGKILL)


# The case of the report that asked for this module: a complete build, then a
# change to the package alone (the page's source keeps its date), then a build
# stopped once the environment is pickled. Sphinx's own check (is the HTML
# older than its source?) cannot see it; the unfinished-build marker and the
# execution records (bookbuild.cache writes them when a build has finished)
# make the next build write the page anyway.
PROBE_MODULE = "_freshness_probe"
PROBE_CELL = (
    "\n```{code-cell} ipython3\n"
    f"from nnbasics.{PROBE_MODULE} import TEXT\nprint(TEXT)\n```\n"
)


def _write_probe(project: Path, text: str) -> None:
    module = project / "code" / "nnbasics" / f"{PROBE_MODULE}.py"
    module.write_text(f"TEXT = {text!r}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("point", "signum"),
    [("after pickling", signal.SIGKILL), ("writing", signal.SIGKILL)],
    ids=["kill-after-pickling", "kill-writing"],
)
def test_a_package_change_survives_a_stopped_build(book_copy, point, signum):
    _write_probe(book_copy, "output of the old package")
    _edit(book_copy, PROBE_CELL)
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    assert "output of the old package" in first.html(CHAPTER)

    _write_probe(book_copy, "output of the new package")
    log = _stop_at(book_copy, point, signum)
    assert f"{CHAPTER}.md: Executed notebook" in log  # the change was seen
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode == 0, build.log[-3000:]
    assert "output of the new package" in build.html(CHAPTER)
    assert "output of the old package" not in build.html(CHAPTER)
    assert build.executed() == [], "outputs should come from the cache"


FAILING_CELL = (
    "\n```{code-cell} ipython3\nraise RuntimeError('broken on purpose')\n```\n"
)


def test_a_fixed_error_leaves_no_report_behind(book_copy):
    page = book_copy / "book" / f"{CHAPTER}.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + FAILING_CELL, encoding="utf-8")
    failed = run_sphinx(book_copy, book_copy / "_build")
    assert failed.returncode != 0
    kept = book_copy / "_build" / "reports" / f"{CHAPTER}.err.log"
    assert "broken on purpose" in kept.read_text(encoding="utf-8")
    assert not (failed.html_dir / "reports").exists(), "reports must not be published"

    page.write_text(original, encoding="utf-8")
    fixed = run_sphinx(book_copy, book_copy / "_build")
    assert fixed.returncode == 0, fixed.log[-3000:]
    assert not kept.exists()
    assert not (fixed.html_dir / "reports").exists()


def test_two_builds_of_one_folder_take_turns(book_copy):
    _edit(book_copy)
    builds = {}

    def build(name: str) -> None:
        builds[name] = run_sphinx(book_copy, book_copy / "_build")

    first = threading.Thread(target=build, args=("first",))
    first.start()
    time.sleep(2)  # the second starts while the first is reading
    build("second")
    first.join()
    assert builds["first"].returncode == 0, builds["first"].log[-3000:]
    assert builds["second"].returncode == 0, builds["second"].log[-3000:]
    assert "another build of" in builds["second"].log
    assert NEW_TEXT in builds["second"].html(CHAPTER)


EXTRA_PAGE = """\
---
myst:
  html_meta:
    description: "A page that the test deletes again."
orphan: true
---

# An extra page

The words of a page that a contributor deleted (quetzalcoatlus: no other
page has that word), and its figure.

![The figure of a deleted page](extra-figure.svg)
"""


def test_a_deleted_page_leaves_nothing_in_the_site(book_copy):
    source = book_copy / "book" / "extra-page.md"
    source.write_text(EXTRA_PAGE, encoding="utf-8")
    figure = book_copy / "book" / "_static" / "logo.svg"
    (source.parent / "extra-figure.svg").write_bytes(figure.read_bytes())
    # Committed, so that the page gets a copy of its source (the theme shows
    # no source of a file git does not track), as a real page does.
    git(book_copy, "init", "-q")
    git(book_copy, "add", "-A")
    commit = ["-c", "user.name=test", "-c", "user.email=test@localhost"]
    git(book_copy, *commit, "commit", "-q", "-m", "The book and an extra page")
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    site = first.html_dir
    written = [
        site / "extra-page.html",
        site / "_sources" / "extra-page.md",
        site / "_images" / "extra-figure.svg",  # no page shows it afterwards
    ]
    assert all(path.is_file() for path in written)

    # The build that sees the source gone is killed while it writes.
    source.unlink()
    _stop_at(book_copy, "writing", signal.SIGKILL)
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode == 0, build.log[-3000:]
    assert [path for path in written if path.exists()] == []
    assert "extra-page" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "extra-page" not in (site / "searchindex.js").read_text(encoding="utf-8")
    # Sphinx kept each word of the page, with no page to find it in.
    index = read_search_index(site)
    assert "quetzalcoatlus" not in index["terms"]
    empty = [
        w for key in ("terms", "titleterms") for w, p in index[key].items() if p == []
    ]
    assert empty == [], "search terms that no page contains"


# Appended to the copy's extension: a page context hook that adds a tag.
EXTENSION_EDIT = """

_setup_before_the_edit = setup


def setup(app):
    def probe(app, pagename, templatename, context, doctree):
        context["metatags"] = context.get("metatags", "") + PROBE_TAG

    app.connect("html-page-context", probe)
    return _setup_before_the_edit(app)


PROBE_TAG = '<meta name="bookbuild-probe" content="the edited extension">'
"""


def test_an_edit_to_the_extension_writes_every_page_again(book_copy):
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    extension = book_copy / "book" / "_ext" / "bookbuild" / "__init__.py"
    extension.write_text(extension.read_text(encoding="utf-8") + EXTENSION_EDIT)
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode == 0, build.log[-3000:]
    pages = sorted(p.stem for p in (book_copy / "book").glob("*.md"))
    stale = [p for p in pages if "bookbuild-probe" not in build.html(p)]
    assert stale == [], "pages written by the extension before its edit"
    assert build.executed() == [], "an extension edit executes nothing"

"""No stale page after an interrupted, failed or concurrent build (bookbuild.freshness).

Each test changes a copy of the book, disturbs a build of it (a signal at a
chosen point, a failing cell, a second build at the same time) and then runs
the plain build: every page must show the current text, and no error report
may be left in the site.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import MYSTNB_PAGES, run_sphinx, sphinx_command

pytestmark = pytest.mark.build

CHAPTER = "black-box"
NEW_TEXT = "This sentence was added after the first build."

# What Sphinx prints when it reaches each point of the build.
POINTS = {
    "reading": "reading sources",
    "after pickling": "checking consistency",  # printed once the pickle is done
    "writing": "writing output",
}


def _edit(project: Path, text: str = NEW_TEXT) -> None:
    page = project / "book" / f"{CHAPTER}.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def _stop_at(project: Path, point: str, signum: int) -> str:
    """Start a build and send it ``signum`` once it prints ``point``.

    The signal goes to the build's whole process group, its ``-j`` workers
    included, as Ctrl-C in a terminal (or a killed CI job) does.
    """
    command, env = sphinx_command(project, project / "_build")
    env["PYTHONUNBUFFERED"] = "1"
    build = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    seen = b""
    assert build.stdout is not None
    deadline = time.monotonic() + 600
    while POINTS[point].encode() not in seen:
        chunk = build.stdout.read1(4096)
        if not chunk or time.monotonic() > deadline:
            os.killpg(build.pid, signal.SIGKILL)
            pytest.fail(f"the build ended before {point!r}:\n{seen.decode()[-3000:]}")
        seen += chunk
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

"""Parallel builds use every core, never fail, and write what a serial build writes.

How many full builds, and why
-----------------------------
``sphinx-build -j 2`` once failed now and then with ``table settings already
exists``: two worker processes both created the execution cache's database.
Full cold builds only rarely hit that race (it needs the two workers to
open the database within milliseconds of each other: 0 failures in 4 cold
``-j 2`` builds with the fix removed), so repeating them buys little
confidence for ~30 s each. Instead:

* a fast test opens a freshly keyed cache from several processes at once,
  released together by a barrier, many rounds over. Without the fix
  (the database created in the main process by
  :func:`bookbuild.cache._key_cache_on_code`) it fails in about a third of
  the rounds; with it, never.
* The session has three cold parallel builds, each in a fresh folder with an
  empty cache, and each must execute every chapter and write the same bytes:
  ``built_book`` (``-j auto``), the twin of ``test_reproducible.py``
  (``-j 4``) and the ``-j 2`` build here.
* One serial build (``-j 1``), warm (the parallelism under test is Sphinx's
  reading and writing, which a warm build does in full; only the execution
  is cached), must write what the parallel builds wrote.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from types import SimpleNamespace

import pytest

from bookbuild import cache
from tests.conftest import CODE_PAGES, REPO, Build
from tests.test_reproducible import (
    assert_every_chapter_ran,
    assert_same_site,
    build_copy,
    clone_project,
)

pytestmark = pytest.mark.tooling

PROCESSES = 4
ROUNDS = 10


def _open_cache(path: str, barrier) -> str | None:
    from jupyter_cache import get_cache

    barrier.wait()
    try:
        get_cache(path).list_cache_records()
    except Exception as error:  # any failure is the finding
        return f"{type(error).__name__}: {error}"[:300]
    return None


def test_workers_opening_a_new_cache_together_never_fail(tmp_path: Path):
    context = multiprocessing.get_context("spawn")
    failures = []
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        for round_ in range(ROUNDS):
            outdir = tmp_path / f"round-{round_}" / "html"
            config = SimpleNamespace(bookbuild_code_dir="code", language="en")
            app = SimpleNamespace(
                confdir=str(REPO),
                outdir=str(outdir),
                doctreedir=str(outdir.parent / "doctrees"),
                config=config,
            )
            cache._set_up(app, config)  # what the main process does
            barrier = manager.Barrier(PROCESSES)
            path = config.nb_execution_cache_path
            results = pool.starmap(_open_cache, [(path, barrier)] * PROCESSES)
            failures += [r for r in results if r is not None]
    assert not failures, failures[:3]


@pytest.mark.build
def test_a_cold_parallel_build_executes_everything_and_matches(
    built_book: Build, tmp_path: Path
):
    build = build_copy(clone_project(tmp_path / "project"), jobs="2")
    assert_every_chapter_ran(build)
    assert set(build.executed()) >= CODE_PAGES  # cold: nothing from a cache
    assert_same_site(built_book, build)


@pytest.mark.build
def test_a_serial_build_writes_what_a_parallel_build_writes(
    built_book: Build, tmp_path: Path
):
    build = build_copy(
        clone_project(tmp_path / "project"), jobs="1", cache_from=built_book
    )
    assert_every_chapter_ran(build)
    assert_same_site(built_book, build)

"""Never a stale page: after a stopped, failed or concurrent build, or an edit.

Sphinx stores its environment (which pages are up to date) *before* it
writes the pages. A build stopped in between, by Ctrl-C or a kill, leaves an
environment that calls every page up to date and HTML that is not, and the
next build would keep that HTML for good. These rules close the gaps:

* **A build that did not finish is followed by a full one.** At the start a
  marker, ``bookbuild-unfinished``, is written next to the doctrees; only a
  build that reaches its end without an exception removes it. If the marker
  is still there when the next build starts, that build reads and writes
  every page again (through Sphinx's ``env-get-outdated`` event), taking the
  executed outputs from the cache, so nothing is executed twice.
* **One build of a folder at a time.** A build takes an exclusive lock on
  ``bookbuild.lock`` next to the doctrees before Sphinx loads its
  environment; a second build (``make livehtml`` beside ``make html``) waits
  for the first, says so, and then sees what the first wrote. The lock is a
  POSIX record lock (``fcntl.lockf``): it belongs to the build process
  alone, not to the processes it forks (the ``-j`` workers, sphinx-sitemap's
  manager). An ``flock`` lock is shared with them, so a build killed alone
  (``kill -9`` of its process, or the out-of-memory killer) left the
  manager holding it, and every later build waited forever
  (:mod:`bookbuild.forks` now also ends those processes with the build). A
  record lock goes when the process closes any of its handles on the file:
  nothing else here opens ``bookbuild.lock``.
* **Error reports are never published.** When a cell raises, myst-nb writes
  its traceback to ``<site>/reports/<page>.err.log``. Those files are moved to
  ``reports/`` beside the site (``_build/reports``) when the build ends, and
  the reports of an earlier build are removed when the next one starts, so a
  fixed error leaves nothing behind.
* **A removed page leaves no page behind.** Sphinx forgets a page whose
  source is deleted but leaves its HTML and its copied source in the site,
  where they would be published. The pages of the last finished build are
  listed next to the doctrees (``bookbuild-pages.json``); a finished build
  deletes the output of every page listed there that is no longer a source,
  also when the build that first saw it gone was stopped. (The notebooks keep
  a manifest of their own.)
* **An image no page shows is not published.** Sphinx copies each page's
  images to ``_images`` (and its downloads to ``_downloads``) but never
  removes one: a figure whose cell output changed, or the figures of a
  removed page, stayed in the site for good. A finished build deletes every
  file there that no page of the environment uses (``env.images``,
  ``env.dlfiles``).
* **A word no page contains is not in the search index.** A finished build
  drops the words that Sphinx keeps with no page after a page was deleted
  or an edit undone (:func:`bookbuild.upstream.remove_search_terms_without_page`).
* **A change to this extension writes every page again.** Sphinx does not
  know the code of a local extension, and after an edit to ``bookbuild`` it
  would keep every page as the old code wrote it. A digest of the
  extension's files is a configuration value that only the HTML output
  depends on (``bookbuild_code_digest``): a new digest makes Sphinx write every
  page, without reading or executing any again.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import IO

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from bookbuild import upstream
from bookbuild.folders import build_folder, suffix

LOGGER = logging.getLogger(__name__)

MARKER = "bookbuild-unfinished"
LOCK = "bookbuild.lock"
PAGES = "bookbuild-pages.json"
REPORTS = "reports"

# The open lock file: the lock lasts as long as the build process.
_held: dict[str, IO[str]] = {}


def reports_folder(app: Sphinx) -> Path:
    """Where the error reports of the last build are kept (beside the site)."""
    return build_folder(app) / (REPORTS + suffix(app))


def _lock(app: Sphinx) -> None:
    doctrees = Path(app.doctreedir)
    doctrees.mkdir(parents=True, exist_ok=True)
    if str(doctrees) in _held:  # held already (a second build in this process)
        return
    handle = (doctrees / LOCK).open("a+")
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EAGAIN):
            raise
        LOGGER.info(
            "bookbuild: another build of %s is running; waiting for it to end",
            doctrees.parent,
        )
        fcntl.lockf(handle, fcntl.LOCK_EX)
    _held[str(doctrees)] = handle


def _start(app: Sphinx, config: Config) -> None:
    # config-inited: before Sphinx loads the environment that another build
    # may still be writing.
    _lock(app)
    marker = Path(app.doctreedir) / MARKER
    app.bookbuild_unfinished_before = marker.is_file()  # type: ignore[attr-defined]
    if app.bookbuild_unfinished_before:  # type: ignore[attr-defined]
        LOGGER.info(
            "bookbuild: the last build did not finish; every page is read and "
            "written again (executed outputs come from the cache)"
        )
    marker.write_text(f"build started by process {os.getpid()}\n", encoding="utf-8")
    for old in (Path(app.outdir) / REPORTS, reports_folder(app)):
        shutil.rmtree(old, ignore_errors=True)


def _everything_if_unfinished(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    if not getattr(app, "bookbuild_unfinished_before", False):
        return []
    return sorted(env.found_docs - added - changed - removed)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    published = Path(app.outdir) / REPORTS
    if published.is_dir():
        kept = reports_folder(app)
        shutil.rmtree(kept, ignore_errors=True)
        shutil.move(str(published), str(kept))
        LOGGER.info("bookbuild: tracebacks of failed cells are in %s", kept)
    if exception is None:
        _remove_pages_without_source(app)
        remove_files_without_page(app)
        upstream.remove_search_terms_without_page(app)
        (Path(app.doctreedir) / MARKER).unlink(missing_ok=True)


def _remove_pages_without_source(app: Sphinx) -> None:
    if app.builder.name != "html":
        return
    record = Path(app.doctreedir) / PAGES
    try:
        before = set(json.loads(record.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        before = set()
    now = set(app.env.found_docs)
    site = Path(app.outdir)
    for docname in sorted(before - now):
        page = site / f"{docname}{app.builder.out_suffix}"
        sources = (site / "_sources").glob(f"{docname}.*")
        for path in (page, *sources):
            if path.is_file():
                path.unlink()
                LOGGER.info("bookbuild: removed %s (its source is gone)", path)
    record.write_text(json.dumps(sorted(now), indent=0), encoding="utf-8")


def remove_files_without_page(app: Sphinx) -> None:
    """Delete the images and downloads of the site that no page uses any more."""
    if app.builder.name != "html":
        return
    site = Path(app.outdir)
    images = {unique for _, unique in app.env.images.values()}
    downloads = {Path(dest).parts[0] for _, dest in app.env.dlfiles.values()}
    for folder, used in ((site / "_images", images), (site / "_downloads", downloads)):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.name not in used:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                LOGGER.info("bookbuild: removed %s (no page uses it)", path)


def code_digest(folder: Path = Path(__file__).parent) -> str:
    """Return a digest of every file of the extension (its code and vendored files)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def setup(app: Sphinx) -> None:
    """Lock the build folder, mark the build unfinished until it ends."""
    app.add_config_value("bookbuild_code_digest", code_digest(), "html", str)
    app.connect("config-inited", _start, priority=100)
    app.connect("env-get-outdated", _everything_if_unfinished)
    # Before bookbuild.reproducible looks for build paths in the site.
    app.connect("build-finished", _finish, priority=100)

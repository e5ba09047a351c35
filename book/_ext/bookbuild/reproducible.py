"""Reproducible builds: the same commit gives the same site, byte for byte.

Two builds of one commit, made in different folders, at different times, in
different time zones, serially or with ``-j N``, write identical files to
``_build/html`` (``tests/test_reproducible.py`` checks it). What the rest of
the build already guarantees:

* figures carry no timestamp or software version
  (:meth:`nnbasics.plotting.style.BookFigure.to_png`, ``svg.hashsalt``) and
  are named by a hash of their content;
* the clean notebooks have content-derived cell ids and no outputs
  (:mod:`bookbuild.notebooks`);
* dates on the pages are the commit dates of the sources, in UTC
  (``git_last_updated_timezone`` in ``conf.py``); ``make html`` and the tests'
  builds set ``SOURCE_DATE_EPOCH`` to the date of the last commit, which Sphinx
  (copyright year, ``|today|``) and matplotlib (SVG and PDF dates) use instead
  of the clock.

This module adds the two rules that need code:

* **Sitemap order.** sphinx-sitemap lists the pages in the order in which the
  writer processes finish them; with ``-j 3`` or more they finish in a
  different order each time. The pages are put in the order of their URLs
  before the sitemap is written.
* **No build paths in the output.** When the build has finished, every file
  of the output folder is searched for the absolute paths of the project, the
  sources and the build folder; each one found is a warning (an error under
  ``-W``) naming the file, since it would make the site depend on where it
  was built and tell every reader the builder's folder layout.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from bookbuild import upstream
from bookbuild.assets import is_website

LOGGER = logging.getLogger(__name__)


def build_paths(app: Sphinx) -> list[str]:
    """Return the absolute folders of this build, which the output must not hold.

    The project (configuration) folder, the sources, the output folder, the
    build folder that holds it (execution cache, executed notebooks) and the
    doctrees, each as given and with symbolic links resolved. A folder inside
    another one of the list is left out: finding it means finding the other.
    """
    folders: set[str] = set()
    outdir = Path(app.outdir)
    for folder in (app.confdir, app.srcdir, outdir, outdir.parent, app.doctreedir):
        for form in (Path(os.path.abspath(folder)), Path(folder).resolve()):
            if len(form.parts) > 2:  # "/" and "/tmp" say nothing about a build
                folders.add(form.as_posix())
    kept: list[str] = []
    for folder in sorted(folders, key=len):
        if not any(folder == k or folder.startswith(k + "/") for k in kept):
            kept.append(folder)
    return kept


def find_paths(outdir: Path, paths: Iterable[str]) -> list[tuple[str, str]]:
    """Return ``(file, path)`` for every file of ``outdir`` that holds a path.

    Files are read as bytes (images and fonts included); each path is looked
    for as UTF-8 and, for JSON and JavaScript, with escaped slashes.
    """
    needles = []
    for path in paths:
        for form in {path, path.replace("/", "\\/")}:
            needles.append((path, form.encode()))
    found = []
    for file in sorted(p for p in Path(outdir).rglob("*") if p.is_file()):
        data = file.read_bytes()
        for path, needle in needles:
            if needle in data:
                found.append((file.relative_to(outdir).as_posix(), path))
                break
    return found


def _check_no_build_paths(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_website(app):
        return
    for file, path in find_paths(Path(app.outdir), build_paths(app)):
        LOGGER.warning(
            "%s contains the absolute path %s of this build: the site would "
            "depend on where it was built. Use a path relative to the page or "
            "the sources instead",
            file,
            path,
            type="bookbuild",
            subtype="reproducible",
        )


def setup(app: Sphinx) -> None:
    """Sort the sitemap and check the output for build paths after a build."""
    # Before sphinx-sitemap writes the file (its handler has priority 500).
    app.connect("build-finished", upstream.sort_sitemap_links, priority=400)
    # After every other writer (the notebooks, the sitemap) has finished.
    app.connect("build-finished", _check_no_build_paths, priority=900)

"""Let a rebuild that reads no page skip the passes over the whole book.

Sphinx numbers every figure, table and exercise again on every build: it
unpickles every page's doctree and walks all of its nodes, even when no page
was read. Here that costs about 0.3 s of a 2 s no-change rebuild, most of it
the API page's 16,000 nodes. The numbers depend only on the doctrees and the
table of contents, which change only when a page is read or removed (a
change of configuration makes Sphinx read every page), so a build that read
and removed nothing keeps the numbers it stored in the environment last time.

Sphinx stores the environment before it writes the pages, but fills the
search index's "index entries" (the API's functions and classes, which the
search page lists first) while writing them, so a rebuild that writes fewer
pages than all loses the others' entries (Sphinx issue 12599). Each build
therefore keeps the entries in ``bookbuild-index-entries.json`` in the
doctree folder and gives the pages it does not write their entries back.

Every build also renders the index, search and 404 pages, and Jinja compiles
the theme's templates for them anew (about 0.1 s): a bytecode cache in the
doctree folder keeps the compiled templates between builds (Jinja checks each
template's source against its cached code).

:func:`pages_changed` gives the pages this build read again or removed.
(The notebooks of :mod:`bookbuild.notebooks` keep a manifest of their own.)
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from bookbuild import upstream

LOGGER = logging.getLogger(__name__)

_CHANGED = "bookbuild_pages_changed"


def pages_changed(env: BuildEnvironment) -> set[str]:
    """Return the pages this build read again or removed (none: a no-change rebuild)."""
    if not hasattr(env, _CHANGED):
        setattr(env, _CHANGED, set())
    return getattr(env, _CHANGED)


def _start_build(app: Sphinx) -> None:
    # The environment comes back from the last build's pickle: forget its pages.
    setattr(app.env, _CHANGED, set())


def _note_change(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    # Sphinx purges a page before it reads it again and when it is removed.
    pages_changed(env).add(docname)


def _cache_compiled_templates(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None:  # not a Jinja-templated builder
        return
    folder = Path(app.doctreedir) / "jinja-bytecode"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> None:
    """Track the pages each build changes; number figures only after a change."""
    app.connect("builder-inited", _cache_compiled_templates)
    app.connect("builder-inited", _start_build)
    keep_numbers = upstream.keep_figure_numbers_when_nothing_changed
    app.connect("builder-inited", partial(keep_numbers, changed=pages_changed))
    app.connect("env-purge-doc", _note_change)
    app.connect("env-updated", upstream.restore_index_entries)
    app.connect("build-finished", upstream.keep_index_entries)

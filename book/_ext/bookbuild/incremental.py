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

import json
from functools import partial
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import logging

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


def _numbers_when_pages_changed(
    collector: TocTreeCollector, app: Sphinx, env: BuildEnvironment
) -> list[str]:
    if pages_changed(env):
        return collector.get_updated_docs(app, env)
    LOGGER.info("bookbuild: no page changed; figure numbers kept from the last build")
    return collector.assign_section_numbers(env)


def _wrap_figure_numbering(app: Sphinx) -> None:
    listeners = app.events.listeners["env-get-updated"]
    for listener in list(listeners):
        collector = getattr(listener.handler, "__self__", None)
        if isinstance(collector, TocTreeCollector):
            app.disconnect(listener.id)
            app.connect(
                "env-get-updated",
                partial(_numbers_when_pages_changed, collector),
                priority=listener.priority,
            )
            return
    LOGGER.warning(
        "bookbuild: Sphinx's TocTreeCollector is not listening to env-get-updated "
        "(a new Sphinx?), so figure numbers are no longer kept on no-change "
        "rebuilds: update book/_ext/bookbuild/incremental.py",
        type="bookbuild",
        subtype="incremental",
    )


INDEX_ENTRIES = "bookbuild-index-entries.json"


def _index_entries(env: BuildEnvironment) -> dict[str, list] | None:
    # Sphinx's own store (``BuildEnvironment._search_index_index_entries``);
    # None if a new Sphinx keeps them elsewhere (then nothing is restored).
    entries = getattr(env, "_search_index_index_entries", None)
    return entries if isinstance(entries, dict) else None


def _restore_index_entries(app: Sphinx, env: BuildEnvironment) -> None:
    entries = _index_entries(env)
    path = Path(app.doctreedir) / INDEX_ENTRIES
    if entries is None or not path.is_file():
        return
    kept = json.loads(path.read_text(encoding="utf-8"))
    for docname, page_entries in kept.items():
        # pages written in this build are indexed afresh, over these
        if docname in env.all_docs and docname not in entries:
            entries[docname] = [tuple(entry) for entry in page_entries]


def _keep_index_entries(app: Sphinx, exception: Exception | None) -> None:
    entries = _index_entries(app.env)
    website = app.builder.name in {"html", "dirhtml"}
    if exception is not None or not website or entries is None:
        return
    text = json.dumps(entries, indent=0, sort_keys=True)
    path = Path(app.doctreedir) / INDEX_ENTRIES
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


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
    app.connect("builder-inited", _wrap_figure_numbering)
    app.connect("env-purge-doc", _note_change)
    app.connect("env-updated", _restore_index_entries)
    app.connect("build-finished", _keep_index_entries)

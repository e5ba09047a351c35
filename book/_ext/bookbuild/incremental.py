"""Let a rebuild that reads no page skip the passes over the whole book.

Sphinx numbers every figure, table and exercise again on every build: it
unpickles every page's doctree and walks all of its nodes, even when no page
was read (about 0.4 s of a 4 s prose-edit rebuild). The numbers depend only
on what :func:`bookbuild.upstream.numbering_skeleton` lists of each page (its
numbered nodes, their sections, its toctrees), on the section numbers and on
the ``numfig`` settings. Each page's skeleton is kept in the environment when
the page is read; a build whose pages read again all kept their skeleton,
that removed no page and changed no ``numfig`` setting, keeps the numbers it
stored in the environment last time (:func:`numbers_hold`). A prose edit or
a code-cell edit keeps them; a new, moved or renamed figure numbers again.

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

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from docutils import nodes
from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from bookbuild import upstream

LOGGER = logging.getLogger(__name__)

# What the book keeps on Sphinx's environment (pickled with it between builds):
_CHANGED = "bookbuild_pages_changed"  # pages this build read again or removed
_MOVED = "bookbuild_numbering_moved"  # pages read whose skeleton changed
_PURGED = "bookbuild_purged_numbers"  # {page: (section numbers, figure numbers)}
_SKELETONS = "bookbuild_numbering_skeletons"  # {page: skeleton}, kept across builds
_NUMFIG = "bookbuild_numfig_settings"  # the numfig settings they were made with
_PER_BUILD = {_CHANGED: set, _MOVED: set, _PURGED: dict}


def _kept(env: BuildEnvironment, name: str, empty: Callable[[], Any]) -> Any:
    """Return the environment's value ``name``, made ``empty()`` if it has none."""
    if not hasattr(env, name):
        setattr(env, name, empty())
    return getattr(env, name)


def pages_changed(env: BuildEnvironment) -> set[str]:
    """Return the pages this build read again or removed (none: a no-change rebuild)."""
    return _kept(env, _CHANGED, set)


def numbers_hold(env: BuildEnvironment, sections_renumbered: list[str]) -> bool:
    """Return whether the last build's figure numbers still hold (see above).

    Sphinx has just numbered the sections again (``sections_renumbered``:
    the pages whose section numbers it found changed). If the numbers hold,
    the pages read again get back the figure numbers Sphinx dropped when it
    purged them.
    """
    skeletons = _kept(env, _SKELETONS, dict)
    settings = [env.config.numfig, env.config.numfig_secnum_depth]
    pages = pages_changed(env)
    before = _kept(env, _PURGED, dict)
    hold = (
        getattr(env, _NUMFIG, None) == settings
        and not _kept(env, _MOVED, set)
        and all(page in env.all_docs and page in before for page in pages)
        and set(sections_renumbered) <= pages
        and all(before[page][0] == env.toc_secnumbers.get(page) for page in pages)
    )
    setattr(env, _NUMFIG, settings)
    for page in [p for p in skeletons if p not in env.all_docs]:
        del skeletons[page]
    if hold:
        for page in pages:
            if before[page][1] is not None:
                env.toc_fignumbers[page] = before[page][1]
    return hold


def _start_build(app: Sphinx) -> None:
    # The environment comes back from the last build's pickle: forget its pages.
    for name, empty in _PER_BUILD.items():
        setattr(app.env, name, empty())


def _note_change(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    # Sphinx purges a page before it reads it again and when it is removed;
    # this runs before its TocTreeCollector drops the page's numbers.
    pages_changed(env).add(docname)
    _kept(env, _PURGED, dict).setdefault(
        docname, (env.toc_secnumbers.get(docname), env.toc_fignumbers.get(docname))
    )


def _note_skeleton(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    skeleton = upstream.numbering_skeleton(env, doctree)
    skeletons = _kept(env, _SKELETONS, dict)
    if skeletons.get(env.docname) != skeleton:
        skeletons[env.docname] = skeleton
        _kept(env, _MOVED, set).add(env.docname)


def _merge_skeletons(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    # A -j worker read ``docnames`` in its own copy of the environment.
    theirs = _kept(other, _SKELETONS, dict)
    ours = _kept(env, _SKELETONS, dict)
    ours.update({page: theirs[page] for page in docnames if page in theirs})
    _kept(env, _MOVED, set).update(_kept(other, _MOVED, set) & set(docnames))


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
    app.connect("builder-inited", partial(keep_numbers, numbers_hold=numbers_hold))
    app.connect("env-purge-doc", _note_change, priority=100)
    app.connect("doctree-read", _note_skeleton)
    app.connect("env-merge-info", _merge_skeletons)
    app.connect("env-updated", upstream.restore_index_entries)
    app.connect("build-finished", upstream.keep_index_entries)

"""Workarounds that reach into another project's private code: all of them here.

Each one names the upstream problem it works around and the test that fails
loudly when the upstream code it relies on changes shape, so that an upgrade
never breaks the book silently. Remove a workaround when upstream fixes its
problem.

* **jupyter-cache truncates records another writer is adding.**
  ``JupyterCacheBase.truncate_caches`` runs after every cached notebook: it
  lists the records to keep, then, in a second query, deletes every record
  not in that list. Under ``sphinx-build -j`` a record that another worker
  inserts between the two queries is deleted before its notebook is
  written, and that worker fails with "Notebook file does not exist for
  cache record". jupyter-cache does not support concurrent writers
  (executablebooks/jupyter-cache#37; the sibling race on creating the
  database is sphinx-doc/sphinx#12481, worked around in bookbuild.cache with
  public calls). The book keeps a handful of records per page, far below the
  1,000 that truncation enforces, so truncation is switched off. Guarded by
  ``tests/test_upstream.py::test_jupyter_cache_still_truncates_in_two_queries``.
* **myst-nb merges printed output differently by how the kernel chunked it.**
  ``myst_nb.core.render.coalesce_streams`` strips the end of every chunk
  and adds a newline before joining, so a run whose kernel flushed
  mid-line shows a blank line another run does not: the same commit built
  twice gave different pages (no upstream issue found; to be reported). The
  chunks of each stream are joined first (:func:`join_chunks`), then
  myst-nb's merge runs. Guarded by
  ``test_myst_nb_still_merges_streams_in_coalesce_streams``.
* **Sphinx keeps a word with no page in an updated search index.** An
  incremental build loads ``searchindex.js``, removes the pages it writes
  again from each word's set of pages, and then adds what it reads; a word
  that only those pages had keeps an empty set, written as ``"word":[]``
  (``IndexBuilder.get_terms``; no upstream issue found; to be reported).
  After a page was deleted, or an edit undone, the site differed from a
  full build's. :func:`remove_search_terms_without_page` drops those words
  through the HTML builder's ``indexer``, ``indexer_format`` and
  ``searchindex_filename`` (undocumented attributes). Guarded by
  ``test_sphinx_still_keeps_words_without_pages_in_the_search_index`` and
  tests/test_freshness.py (a deleted page's words leave the index).
* **sphinx-sitemap lists pages in the order the writers finish them**, which
  differs between ``-j`` builds (no upstream issue found). Its queue,
  ``app.sitemap_links``, is sorted before it writes the file. Guarded by
  ``test_sphinx_sitemap_still_queues_links_on_the_app``.
* **Sphinx drops the search index's entries of pages it does not write**
  (sphinx-doc/sphinx#12599: the environment is pickled before the entries
  are filled in). The entries of ``BuildEnvironment._search_index_index_entries``
  are kept in the doctree folder when a build finishes, and given back to
  the next build over the pickle's (which predate the pages the last build
  wrote). Guarded by
  ``test_sphinx_still_keeps_index_entries_on_the_environment``,
  ``test_index_entries_of_a_page_edited_last_build_stay_in_search`` and
  tests/test_incremental.py.
* **Sphinx numbers every figure again on every rebuild.** Not a bug, a
  cost: it unpickles every page's doctree and walks all its nodes (about
  0.4 s of a 4 s prose-edit rebuild). The ``TocTreeCollector`` listener of
  ``env-get-updated`` is swapped for one that keeps the numbers when no page
  was read or removed, or when every page read again has the same
  :func:`numbering_skeleton` as before (a prose edit) and no section number
  moved. The skeleton asks each domain which nodes it numbers, as Sphinx's
  walk does. If a new Sphinx no longer registers that listener the build
  warns (an error under ``-W``). Guarded by
  ``test_sphinx_still_numbers_figures_in_the_toctree_collector`` and by
  tests/test_incremental.py (an added figure renumbers, a sentence does not).
* **Sphinx's Chinese search never finishes** (sphinx-doc/sphinx#14229, fixed
  in Sphinx 9.1, which needs Python 3.12): ``language_data.js`` ends with
  ``window.Stemmer = ChineseStemmer;`` but the stemmer it ships for Chinese
  is ``EnglishStemmer``, so the search page throws "ChineseStemmer is not
  defined". :func:`fix_chinese_stemmer` points it at the class the file
  defines. Guarded by ``test_sphinx_chinese_stemmer_still_needs_the_fix``
  (which fails once the fix is no longer needed) and by the Chinese search
  tests in the browser.
* **myst-nb writes a page's figures beside the output folder**
  (``<outdir>/../jupyter_execute``, fixed in ``myst_nb.sphinx_ext``): for the
  Chinese site in ``_build/html/zh`` that is inside the English site, which
  would publish it. :func:`keep_outputs_out_of_the_site` points
  ``env.mystnb_config.output_folder`` at ``_build/jupyter_execute-zh_CN``
  once myst-nb has set it. Guarded by
  ``test_myst_nb_still_writes_outputs_beside_the_output_folder``.
* **MyST's ``{eval-rst}`` leaves its nodes on a throw-away document that
  holds the whole build environment.** ``render_restructuredtext`` in
  ``myst_parser.mdit_to_docutils.base`` parses the block into a new document
  that shares the page's settings, then moves the top nodes over; every node
  below them still names the new document, whose ``settings.env`` Sphinx
  never clears, so pickling the page's doctree pickled the environment too,
  with every chapter's doctree that sphinx-exercise keeps in it (no upstream
  issue found; to be reported). Each API page's doctree was 0.9 to 2.4 MB
  instead of 0.1 to 0.4 MB, and every rebuild that reads a page loads them
  all (Sphinx numbers figures across the book). :func:`adopt_every_node`
  gives each node the page's document, with docutils' public
  ``Node.document``. Guarded by
  ``test_myst_parser_still_leaves_eval_rst_nodes_on_another_document``.
* **Two kernels started at once can pick the same port.** A Jupyter client
  picks five free TCP ports, closes them, writes them into the connection
  file and starts the kernel, which binds them a moment later; anything
  that opens a socket in between (the other ``-j`` worker's kernel and
  client) can take one, and that kernel dies with "Address already in use"
  before replying to ``kernel_info``, failing its chapter
  (jupyter/jupyter_client#276 and #154, nteract/papermill#511; JEP 66's
  handshake would remove the gap). Measured here: 3 failures in 5 cold
  ``-j 2`` builds while other kernels were starting. On POSIX systems
  :func:`kernels_over_ipc` makes the build's kernels talk over Unix
  sockets in a folder of their own, so no port is ever picked: myst-nb's
  ``cache`` mode calls ``single_nb_execution`` from jupyter-cache, whose
  keyword arguments reach nbclient's ``NotebookClient`` and, through its
  ``config``, the ``KernelManager``. The folder (in the system's temporary
  folder: a socket's path may not be much longer than 100 bytes) is named
  after the build process; one left behind by a killed build is removed by
  the next build. Guarded by
  ``test_myst_nb_still_executes_through_single_nb_execution`` and by
  ``test_the_build_kernels_talk_over_unix_sockets`` (a real build).
* **myst-nb's ``{glue:text}`` finds no value in a translated paragraph.**
  Sphinx parses each translated message in a fresh document, which has none
  of the page's glue data (no upstream issue found; the document-qualified
  form ``page.md::key`` is myst-nb's documented way to glue across
  documents). :func:`glue_text_from_this_page` subclasses myst-nb's
  ``PasteTextRole`` to add the page's own name to a key that lacks one, only
  where the document has no glue data. Guarded by
  ``test_myst_nb_glue_text_role_still_reads_the_document_it_is_in`` and by
  tests/test_i18n.py (every glued number on the Chinese pages).
"""

from __future__ import annotations

import copy
import json
import os
import queue
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from docutils import nodes
from nbformat import NotebookNode
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import logging

from bookbuild.assets import is_website

LOGGER = logging.getLogger(__name__)


def _never_truncate(cache: object) -> None:
    """Keep every record (see the module docstring)."""


def switch_off_cache_truncation() -> None:
    """Replace ``JupyterCacheBase.truncate_caches`` by a no-op."""
    from jupyter_cache.cache.main import JupyterCacheBase

    JupyterCacheBase.truncate_caches = _never_truncate  # type: ignore[method-assign]


# --- printed output -----------------------------------------------------------

Merge = Callable[[list[NotebookNode]], list[NotebookNode]]


def join_chunks(outputs: list[NotebookNode]) -> list[NotebookNode]:
    r"""Join the chunks of each named stream, in order, at its first position.

    Parameters
    ----------
    outputs : list of NotebookNode
        A code cell's outputs; they are not modified.

    Returns
    -------
    list of NotebookNode
        The same outputs with one stream output per stream name.

    Examples
    --------
    >>> from nbformat.v4 import new_output
    >>> texts = ("a\nb", "\nc\n")
    >>> chunks = [new_output("stream", name="stdout", text=t) for t in texts]
    >>> [o["text"] for o in join_chunks(chunks)]
    ['a\nb\nc\n']
    """
    joined: list[NotebookNode] = []
    streams: dict[str, NotebookNode] = {}
    for output in outputs:
        if output.get("output_type") != "stream":
            joined.append(output)
        elif output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            streams[output["name"]] = copy.deepcopy(output)
            joined.append(streams[output["name"]])
    return joined


def deterministic(merge: Merge) -> Merge:
    """Return ``merge`` applied to the outputs after :func:`join_chunks`."""

    def merge_joined(outputs: list[NotebookNode]) -> list[NotebookNode]:
        return merge(join_chunks(outputs))

    merge_joined.__wrapped__ = merge  # type: ignore[attr-defined]
    return merge_joined


def deterministic_stream_merge() -> None:
    """Make myst-nb's stream merge independent of how the output was chunked."""
    from myst_nb.core import render

    if not hasattr(render.coalesce_streams, "__wrapped__"):
        render.coalesce_streams = deterministic(render.coalesce_streams)


# --- kernel ports ---------------------------------------------------------------


KERNEL_FOLDER = "bookbuild-kernel-"  # then the build's process id, "-", a random part


def kernel_folder_prefix(pid: int) -> str:
    """Return the start of the name of a kernel folder made by process ``pid``."""
    return f"{KERNEL_FOLDER}{pid}-"


def over_ipc(execute: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``execute`` run with a kernel on Unix sockets in a fresh folder."""
    from traitlets.config import Config

    def execute_over_ipc(*args: Any, **kwargs: Any) -> Any:
        prefix = kernel_folder_prefix(os.getpid())
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            sockets = {"transport": "ipc", "ip": os.path.join(folder, "kernel")}
            kwargs["config"] = Config({"KernelManager": sockets})
            return execute(*args, **kwargs)

    execute_over_ipc.__wrapped__ = execute  # type: ignore[attr-defined]
    return execute_over_ipc


def remove_kernel_folders_of_dead_builds(temp: Path) -> None:
    """Remove the kernels' folders in ``temp`` whose build process is gone.

    A build stopped by SIGKILL cannot remove the folder of a kernel it runs.
    """
    for folder in temp.glob(f"{KERNEL_FOLDER}*-*"):
        pid = folder.name.removeprefix(KERNEL_FOLDER).partition("-")[0]
        try:
            os.kill(int(pid), 0)  # signal 0: is the process there?
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, OSError):
            pass  # not a build's folder, or another user's live process


def kernels_over_ipc() -> None:
    """Make myst-nb's cache mode start its kernels without picking TCP ports."""
    from myst_nb.core.execute import cache

    if os.name == "posix" and not hasattr(cache.single_nb_execution, "__wrapped__"):
        remove_kernel_folders_of_dead_builds(Path(tempfile.gettempdir()))
        cache.single_nb_execution = over_ipc(cache.single_nb_execution)


# --- Sphinx -------------------------------------------------------------------


def numbering_skeleton(
    env: BuildEnvironment, doctree: nodes.document
) -> list[list[str]]:
    """Return what Sphinx's figure numbering reads of one page, in order.

    Each numbered node (a captioned figure, table, code block or exercise:
    whatever a domain numbers) as ``[type, id, section id]``, and each
    toctree as ``["toctree", *pages]``. Two doctrees with the same skeleton
    get the same figure numbers (``TocTreeCollector.assign_figure_numbers``).
    """
    std = env.domains.standard_domain
    domains = list(env.domains.sorted())

    def figtype(node: nodes.Element) -> str | None:  # as Sphinx's get_figtype
        for domain in domains:
            kind = domain.get_enumerable_node_type(node)
            if domain is std and not std.get_numfig_title(node):
                continue
            if kind:
                return kind
        return None

    skeleton: list[list[str]] = []

    def walk(parent: nodes.Element, section: str) -> None:
        for node in parent.children:
            if isinstance(node, nodes.section):
                walk(node, node["ids"][0] if node["ids"] else section)
            elif isinstance(node, addnodes.toctree):
                skeleton.append(["toctree", *(name for _, name in node["entries"])])
            elif isinstance(node, nodes.Element):
                kind = figtype(node)
                if kind and node["ids"]:
                    skeleton.append([kind, node["ids"][0], section])
                walk(node, section)

    walk(doctree, "")
    return skeleton


def _numbers_when_pages_changed(
    numbers_hold: Callable[[BuildEnvironment, list[str]], bool],
    collector: TocTreeCollector,
    app: Sphinx,
    env: BuildEnvironment,
) -> list[str]:
    # What collector.get_updated_docs does, minus the walk when numbers hold.
    sections = collector.assign_section_numbers(env)
    if numbers_hold(env, sections):
        LOGGER.info(
            "bookbuild: no figure, table or section moved; "
            "figure numbers kept from the last build"
        )
        return sections
    return [*sections, *collector.assign_figure_numbers(env)]


def keep_figure_numbers_when_nothing_changed(
    app: Sphinx, numbers_hold: Callable[[BuildEnvironment, list[str]], bool]
) -> None:
    """Make Sphinx number figures only when ``numbers_hold(env, pages)`` is false.

    ``pages`` are those whose section numbers changed.
    """
    listeners = app.events.listeners["env-get-updated"]
    for listener in list(listeners):
        collector = getattr(listener.handler, "__self__", None)
        if isinstance(collector, TocTreeCollector):
            app.disconnect(listener.id)
            app.connect(
                "env-get-updated",
                partial(_numbers_when_pages_changed, numbers_hold, collector),
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


def restore_index_entries(app: Sphinx, env: BuildEnvironment) -> None:
    """Give the pages this build does not write their kept index entries."""
    entries = _index_entries(env)
    path = Path(app.doctreedir) / INDEX_ENTRIES
    if entries is None or not path.is_file():
        return
    kept = json.loads(path.read_text(encoding="utf-8"))
    for docname, page_entries in kept.items():
        # The kept entries are those of the last finished build, and win over
        # the pickle's, which are from before that build wrote its pages.
        # Pages written in this build are indexed afresh, over these.
        if docname in env.all_docs:
            entries[docname] = [tuple(entry) for entry in page_entries]


def keep_index_entries(app: Sphinx, exception: Exception | None) -> None:
    """Keep every page's index entries in the doctree folder."""
    entries = _index_entries(app.env)
    if exception is not None or not is_website(app) or entries is None:
        return
    text = json.dumps(entries, indent=0, sort_keys=True)
    path = Path(app.doctreedir) / INDEX_ENTRIES
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def remove_search_terms_without_page(app: Sphinx) -> None:
    """Drop the words of the site's search index that no page contains any more."""
    index_format = getattr(app.builder, "indexer_format", None)
    if index_format is None or app.builder.indexer is None:
        return  # not an HTML builder, or html_search off
    path = Path(app.outdir) / app.builder.searchindex_filename
    text = path.read_text(encoding="utf-8")
    if '":[]' not in text:
        return  # the usual case: no word without a page, nothing to parse
    index = index_format.loads(text)
    for key in ("terms", "titleterms"):
        index[key] = {word: pages for word, pages in index[key].items() if pages != []}
    kept = index_format.dumps(index)
    if kept != text:
        path.write_text(kept, encoding="utf-8")


# --- sphinx-sitemap -----------------------------------------------------------


def sort_sitemap_links(app: Sphinx, exception: Exception | None) -> None:
    """Put sphinx-sitemap's queue of pages in the order of their URLs."""
    links = getattr(app, "sitemap_links", None)
    if exception is not None or links is None:
        return
    entries = []
    while True:
        try:
            entries.append(links.get_nowait())
        except queue.Empty:
            break
    for entry in sorted(entries, key=lambda e: (str(e[0]), str(e[1]))):
        links.put(entry)


# --- Sphinx's Chinese search --------------------------------------------------

BROKEN_STEMMER = "window.Stemmer = ChineseStemmer;"
FIXED_STEMMER = "window.Stemmer = EnglishStemmer;"


def fix_chinese_stemmer(app: Sphinx, exception: Exception | None) -> None:
    """Make the Chinese search's ``language_data.js`` name a stemmer it defines."""
    if exception is not None or not is_website(app):
        return
    path = Path(app.outdir) / "_static" / "language_data.js"
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    if BROKEN_STEMMER in text and "EnglishStemmer" in text:
        path.write_text(text.replace(BROKEN_STEMMER, FIXED_STEMMER), encoding="utf-8")


# --- MyST's eval-rst ----------------------------------------------------------


def adopt_every_node(app: Sphinx, doctree: nodes.document) -> None:
    """Make every node of ``doctree`` belong to it, before it is pickled."""
    for node in doctree.findall():
        if node.document is not doctree:
            node.document = doctree


# --- myst-nb's output folder --------------------------------------------------


def keep_outputs_out_of_the_site(app: Sphinx, folder: Path) -> None:
    """Make myst-nb write the pages' output files to ``folder``."""
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


# --- myst-nb's glue role in translated paragraphs ----------------------------


def glue_text_from_this_page() -> Any:
    """Return a ``{glue:text}`` role that also works in a translated paragraph."""
    from myst_nb.ext.glue.roles import PasteTextRole

    class GlueTextFromThisPage(PasteTextRole):
        def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
            if "::" not in self.text and "nb_renderer" not in self.document:
                env = self.document.settings.env
                page = Path(env.doc2path(env.docname)).name
                # myst-nb reads what follows the last colon as the format.
                fmt = "" if ":" in self.text else ":s"
                self.text = f"{page}::{self.text}{fmt}"
            return super().run()

    return GlueTextFromThisPage()

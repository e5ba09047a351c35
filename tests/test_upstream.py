"""The private upstream code bookbuild.upstream relies on is still there, as it was.

Each test fails loudly when an upgrade changes what a workaround assumes:
then remove the workaround (if upstream fixed the problem) or adapt it.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tests.conftest import REPO, build_small_project, read_search_index

pytestmark = pytest.mark.tooling


def test_jupyter_cache_still_truncates_in_two_queries():
    from jupyter_cache.cache.db import NbCacheRecord
    from jupyter_cache.cache.main import JupyterCacheBase

    import bookbuild.upstream

    source = inspect.getsource(NbCacheRecord.records_to_delete)
    assert "notin_(pks_to_keep)" in source, (
        "jupyter-cache changed records_to_delete: check whether the truncation "
        "race is fixed and bookbuild.upstream.switch_off_cache_truncation can go"
    )
    bookbuild.upstream.switch_off_cache_truncation()
    assert JupyterCacheBase.truncate_caches is bookbuild.upstream._never_truncate


def test_myst_nb_still_merges_streams_in_coalesce_streams():
    from myst_nb.core import render

    import bookbuild.upstream

    bookbuild.upstream.deterministic_stream_merge()
    wrapped = getattr(render.coalesce_streams, "__wrapped__", None)
    assert wrapped is not None, "myst-nb no longer calls render.coalesce_streams"
    # What the workaround is for: myst-nb's own merge still depends on chunks.
    from nbformat.v4 import new_output

    def stream(*texts):
        return [new_output("stream", name="stdout", text=t) for t in texts]

    assert (
        wrapped(stream("a\nb", "\nc\n"))[0]["text"]
        != wrapped(stream("a\nb\nc\n"))[0]["text"]
    ), "myst-nb now merges chunks alike: remove the workaround"


def test_sphinx_sitemap_still_queues_links_on_the_app():
    import sphinx_sitemap

    source = inspect.getsource(sphinx_sitemap)
    assert "app.sitemap_links" in source or "sitemap_links" in source, (
        "sphinx-sitemap no longer keeps its pages in app.sitemap_links: "
        "bookbuild.upstream.sort_sitemap_links sorts nothing"
    )


def test_sphinx_still_keeps_index_entries_on_the_environment():
    from sphinx.environment import BuildEnvironment

    source = inspect.getsource(BuildEnvironment)
    assert "_search_index_index_entries" in source, (
        "Sphinx moved the search index entries (issue 12599 fixed?): check "
        "bookbuild.upstream.keep_index_entries"
    )


def test_sphinx_still_keeps_words_without_pages_in_the_search_index():
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.search import IndexBuilder

    for name in ("indexer_format", "searchindex_filename"):
        assert hasattr(StandaloneHTMLBuilder, name), (
            f"Sphinx's HTML builder has no {name} any more: "
            "bookbuild.upstream.remove_search_terms_without_page drops nothing"
        )
    # What an updated index holds once the only page with "gone" was pruned.
    index = IndexBuilder.__new__(IndexBuilder)
    index._mapping = {"gone": set(), "kept": {"page"}}
    index._title_mapping = {}
    terms, _ = index.get_terms({"page": 0})
    assert terms == {"gone": [], "kept": 0}, (
        "Sphinx no longer writes words without pages: remove "
        "bookbuild.upstream.remove_search_terms_without_page"
    )


def test_sphinx_still_numbers_figures_in_the_toctree_collector():
    from sphinx.environment.collectors import EnvironmentCollector
    from sphinx.environment.collectors.toctree import TocTreeCollector

    assert "get_updated_docs" in vars(TocTreeCollector)
    assert hasattr(TocTreeCollector, "assign_section_numbers")
    source = inspect.getsource(EnvironmentCollector.enable)
    assert "'env-get-updated'" in source or '"env-get-updated"' in source, (
        "Sphinx's TocTreeCollector no longer listens to env-get-updated: "
        "bookbuild.upstream.keep_figure_numbers_when_nothing_changed does nothing"
    )
    # bookbuild.upstream.numbering_skeleton asks the domains what Sphinx asks
    numbering = inspect.getsource(TocTreeCollector.assign_figure_numbers)
    calls = ("env.domains.sorted()", "get_enumerable_node_type", "get_numfig_title")
    for call in calls:
        assert call in numbering, f"Sphinx's figure numbering no longer uses {call}"


def test_sphinx_chinese_stemmer_still_needs_the_fix():
    """Sphinx 9.1 fixes sphinx-doc/sphinx#14229: then drop fix_chinese_stemmer."""
    from sphinx.search import zh

    import bookbuild.upstream

    assert zh.SearchChinese.js_stemmer_rawcode == "english-stemmer.js"
    assert zh.SearchChinese.language_name == "Chinese", (
        "Sphinx changed its Chinese search: check whether language_data.js still "
        "names ChineseStemmer, and remove bookbuild.upstream.fix_chinese_stemmer"
    )
    from sphinx.search import IndexBuilder

    source = inspect.getsource(IndexBuilder.get_js_stemmer_code)
    # The line that names {language_name}Stemmer, i.e. ChineseStemmer.
    assert "window.Stemmer = {self.lang.language_name}Stemmer;" in source
    assert bookbuild.upstream.BROKEN_STEMMER == "window.Stemmer = ChineseStemmer;"


def test_myst_nb_still_writes_outputs_beside_the_output_folder():
    from myst_nb import sphinx_ext

    source = inspect.getsource(sphinx_ext.create_mystnb_config)
    assert "Path(app.outdir).parent.joinpath(OUTPUT_FOLDER)" in source, (
        "myst-nb changed where it writes outputs: check whether "
        "bookbuild.upstream.keep_outputs_out_of_the_site is still needed"
    )
    assert hasattr(sphinx_ext, "OUTPUT_FOLDER")


def test_myst_nb_glue_text_role_still_reads_the_document_it_is_in():
    from myst_nb.ext.glue import roles, utils

    import bookbuild.upstream

    source = inspect.getsource(utils.retrieve_glue_data)
    assert '"nb_renderer" not in document' in source
    run = inspect.getsource(roles.PasteTextRole.run)
    assert 'self.text.rsplit(":", 1)' in run
    assert 'key.split("::", 1)' in run
    role = bookbuild.upstream.glue_text_from_this_page()
    assert isinstance(role, roles.PasteTextRole)


EVAL_RST_PAGE = """# Page

```{eval-rst}
.. autofunction:: textwrap.dedent
```
"""


def build_eval_rst_page(project, extensions: list[str]):
    """Build one MyST page whose ``{eval-rst}`` runs autodoc; its pickled doctree."""
    import pickle

    from tests.conftest import build_small_project

    (project / "index.md").write_text(EVAL_RST_PAGE)
    doctrees = build_small_project(project, f"extensions = {extensions!r}\n")
    data = (doctrees / "index.doctree").read_bytes()
    return pickle.loads(data), data


def test_myst_parser_still_leaves_eval_rst_nodes_on_another_document(tmp_path):
    # Without the workaround: nodes below the block name a document of their
    # own, and the page's pickle carries the whole build environment.
    doctree, data = build_eval_rst_page(tmp_path, ["myst_parser", "sphinx.ext.autodoc"])
    strays = [n for n in doctree.findall() if n.document is not doctree]
    fixed = (
        "myst-parser's {eval-rst} nodes now belong to the page: "
        "bookbuild.upstream.adopt_every_node can go"
    )
    assert strays, fixed
    assert b"BuildEnvironment" in data, fixed


def test_with_the_workaround_every_node_belongs_to_its_page(tmp_path):
    (tmp_path / "adopt.py").write_text(
        "import bookbuild.upstream\n\n"
        "def setup(app):\n"
        "    app.connect('doctree-read', bookbuild.upstream.adopt_every_node)\n"
        "    return {'parallel_read_safe': True}\n"
    )
    extensions = ["myst_parser", "sphinx.ext.autodoc", "adopt"]
    doctree, data = build_eval_rst_page(tmp_path, extensions)
    assert all(n.document is doctree for n in doctree.findall())
    assert b"BuildEnvironment" not in data
    assert "common leading whitespace" in doctree.astext()


def test_myst_nb_still_executes_through_single_nb_execution():
    # bookbuild.upstream.kernels_over_ipc replaces this module-level name; the
    # keyword arguments it adds must still reach nbclient's NotebookClient.
    from jupyter_cache.executors import utils
    from myst_nb.core.execute import cache

    start = inspect.getsource(cache.NotebookClientCache.start_client)
    assert "result = single_nb_execution(" in start
    execute = inspect.getsource(utils.single_nb_execution)
    assert "**kwargs: Any" in execute
    assert "**kwargs," in execute


KERNEL_PAGE = """# Page

```{code-cell} ipython3
from ipykernel.kernelapp import IPKernelApp

kernel = IPKernelApp.instance()
print("transport:", kernel.transport, kernel.ip)
```
"""


def test_the_build_kernels_talk_over_unix_sockets(tmp_path):
    # A real myst-nb build in cache mode, as the book's, in a process of its
    # own: its kernel must bind no TCP port (the port race of
    # jupyter/jupyter_client#276), and its socket folder is gone afterwards.
    import subprocess

    from tests.conftest import MYSTNB_FRONT_MATTER, sphinx_command

    (tmp_path / "ipc.py").write_text(
        "import bookbuild.upstream\n\n"
        "def setup(app):\n"
        "    bookbuild.upstream.kernels_over_ipc()\n"
        "    return {'parallel_read_safe': True}\n"
    )
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "index.md").write_text(MYSTNB_FRONT_MATTER + KERNEL_PAGE)
    (tmp_path / "conf.py").write_text(
        "import os, sys\n"
        "sys.path.insert(0, os.path.dirname(__file__))\n"
        f"sys.path.insert(0, {str(REPO / 'book' / '_ext')!r})\n"
        "extensions = ['myst_nb', 'ipc']\n"
        "nb_execution_mode = 'cache'\n"
    )
    command, environment = sphinx_command(tmp_path, tmp_path / "_build", jobs="1")
    build = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stderr[-3000:]
    out = tmp_path / "_build" / "html"
    printed = re.search(r"transport: (\w+) (\S+)", (out / "index.html").read_text())
    assert printed, "the page's cell printed nothing"
    assert printed[1] == "ipc", f"the kernel listened on {printed[1]}, not Unix sockets"
    assert "bookbuild-kernel-" in printed[2]
    assert not Path(printed[2]).parent.exists(), "the socket folder was left behind"


def test_the_kernel_folder_of_a_killed_build_is_removed(tmp_path):
    # A build stopped by SIGKILL leaves its kernels' socket folder behind;
    # kernels_over_ipc, as a build starts, removes it and keeps those of builds
    # still running.
    import os
    import subprocess
    import sys

    from bookbuild.upstream import (
        kernel_folder_prefix,
        remove_kernel_folders_of_dead_builds,
    )

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / (kernel_folder_prefix(int(gone.stdout)) + "abc123")
    alive = tmp_path / (kernel_folder_prefix(os.getpid()) + "def456")
    other = tmp_path / "bookbuild-kernel-notapid-ghi789"
    for folder in (dead, alive, other):
        folder.mkdir()
        (folder / "kernel-1").write_text("")
    remove_kernel_folders_of_dead_builds(tmp_path)
    assert not dead.exists(), "the killed build's folder was left behind"
    assert alive.exists(), "a running build's folder was removed"
    assert other.exists(), "a folder that names no process was removed"


def _index_entries(site: Path) -> dict:
    return read_search_index(site)["indexentries"]


def test_index_entries_of_a_page_edited_last_build_stay_in_search(tmp_path: Path):
    # Sphinx pickles the environment before it indexes the pages it writes,
    # so after a build that changed a page's index entries the pickle holds
    # the old ones; a later build that does not write that page must still
    # put the new ones in the search index (sphinx-doc/sphinx#12599).
    conf = "extensions = ['bookbuild.incremental']\n"
    (tmp_path / "index.rst").write_text(
        "Index\n=====\n\n.. index:: firstentry\n\n.. toctree::\n\n   two\n"
    )
    two = tmp_path / "two.rst"
    two.write_text("Two\n===\n\n.. index:: twoentry\n\nText.\n")
    build_small_project(tmp_path, conf)
    site = tmp_path / "_build" / "html"
    assert "twoentry" in _index_entries(site)

    two.write_text("Two\n===\n\n.. index:: twoentry\n.. index:: addedentry\n\nT.\n")
    build_small_project(tmp_path, conf)  # writes "two" again
    edited = _index_entries(site)
    assert {"twoentry", "addedentry", "firstentry"} <= edited.keys()

    build_small_project(tmp_path, conf)  # writes neither page
    assert _index_entries(site) == edited
    build_small_project(tmp_path, conf)
    assert _index_entries(site) == edited

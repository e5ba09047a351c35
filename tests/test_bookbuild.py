"""The book's Sphinx extension, tested without building the book."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from sphinx.util.parallel import make_chunks

from bookbuild.alt_text import missing_alt_reason
from bookbuild.cache import files_hash, library_versions
from bookbuild.parallel import balanced_order, page_cost

pytestmark = pytest.mark.tooling

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def code_tree(tmp_path: Path) -> Path:
    root = tmp_path / "code"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("X = 1\n")
    (root / "pkg" / "more.py").write_text("Y = 2\n")
    return root


FILES = ["pkg/__init__.py", "pkg/more.py"]


def test_hash_is_stable_for_the_same_files(code_tree, tmp_path):
    copy = tmp_path / "elsewhere" / "code"
    shutil.copytree(code_tree, copy)
    assert files_hash(code_tree, FILES) == files_hash(copy, FILES)
    assert files_hash(code_tree, FILES) == files_hash(code_tree, FILES[::-1])


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "pkg" / "more.py").write_text("Y = 3\n"),
        lambda root: (root / "pkg" / "more.py").unlink(),
        lambda root: (root / "pkg" / "more.py").rename(root / "pkg" / "other.py"),
    ],
    ids=["edit", "delete", "rename"],
)
def test_hash_changes_when_a_used_file_changes(code_tree, change):
    before = files_hash(code_tree, FILES)
    change(code_tree)
    assert files_hash(code_tree, FILES) != before


def test_hash_ignores_files_not_used(code_tree):
    before = files_hash(code_tree, FILES)
    (code_tree / "pkg" / "unused.py").write_text("Z = 1\n")
    assert files_hash(code_tree, FILES) == before


def test_library_versions_name_python_and_each_library():
    versions = library_versions(["numpy", "no-such-library"])
    assert versions.startswith("python 3.")
    assert f"numpy {np.__version__}" in versions
    assert "no-such-library missing" in versions


@pytest.mark.parametrize(
    ("alt", "uri", "problem"),
    [
        (None, "_images/a.png", "has no alt text"),
        ("  ", "_images/a.png", "has no alt text"),
        ("_images/a.png", "_images/a.png", "file name"),
        ("a.png", "_images/a.png", "file name"),
        ("../build/0f3c.svg", "_images/0f3c.svg", "file name"),
    ],
)
def test_alt_text_that_says_nothing_is_refused(alt, uri, problem):
    assert problem in missing_alt_reason(alt, uri)


def test_real_alt_text_is_accepted():
    assert (
        missing_alt_reason("Line chart of the loss falling below 0.001.", "x.png")
        is None
    )


def test_code_is_the_standard_library_module_not_ours():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import code, nnbasics; print(code.__file__); print(nnbasics.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    code_file, nnbasics_file = result.stdout.split()
    assert Path(code_file).name == "code.py"
    assert REPO not in Path(code_file).parents
    assert Path(nnbasics_file).parent == REPO / "code" / "nnbasics"
    assert not (REPO / "code" / "__init__.py").exists()


def test_every_declared_dependency_is_pinned_in_the_lock_file():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    lock = (REPO / "requirements.lock").read_text().lower()
    for requirement in declared:
        name = requirement.split(">")[0].split("=")[0].split("[")[0].strip().lower()
        assert f"\n{name}==" in lock, f"{name} is not pinned in requirements.lock"


def test_printed_output_merges_the_same_however_the_kernel_chunked_it():
    from myst_nb.core.utils import coalesce_streams
    from nbformat.v4 import new_output

    from bookbuild.upstream import deterministic

    def stdout(*texts):
        return [new_output("stream", name="stdout", text=t) for t in texts]

    merge = deterministic(coalesce_streams)
    whole = merge(stdout("rate 0.144 : 3681 steps\nrate 0.145 : diverged\n"))
    # The kernel's flush timer cut the same text in two places.
    chunked = merge(stdout("rate 0.144 : 3681 steps", "\nrate 0.145 : diverged\n"))
    assert [o["text"] for o in chunked] == [o["text"] for o in whole]
    # myst-nb's own merge alone shows the difference this fixes.
    raw = coalesce_streams(
        stdout("rate 0.144 : 3681 steps", "\nrate 0.145 : diverged\n")
    )
    assert raw[0]["text"] != whole[0]["text"]


def test_caching_a_notebook_never_deletes_records(tmp_path):
    # jupyter-cache's truncation deletes records another -j worker is still
    # writing; bookbuild.upstream switches it off.
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    import bookbuild.upstream

    bookbuild.upstream.switch_off_cache_truncation()
    cache = get_cache(str(tmp_path / "cache"))
    cache.change_cache_limit(1)
    for number in range(3):
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(f"x = {number}")]
        )
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, f"page{number}.md"), check_validity=False
        )
    assert len(cache.list_cache_records()) == 3


# --- bookbuild.parallel: an even share of the pages for each -j worker ----------


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_each_worker_gets_an_even_share_of_the_books_pages(workers):
    costs = {
        path.stem: page_cost(path.read_text(encoding="utf-8"))
        for path in (REPO / "book").glob("*.md")
    }
    order = balanced_order(costs, workers)
    assert sorted(order) == sorted(costs)

    def finish_time(pages: list[str]) -> float:
        """When the last worker is done, the chunks going to free workers in turn."""
        busy = [0.0] * workers
        for chunk in make_chunks(pages, workers):
            free = busy.index(min(busy))
            busy[free] += sum(costs[p] for p in chunk)
        return max(busy)

    ideal = sum(costs.values()) / workers
    # as even as whole pages allow, and never worse than alphabetical order
    assert finish_time(order) <= ideal + max(costs.values())
    assert finish_time(order) <= finish_time(sorted(costs))


def test_page_cost_counts_code_cells_and_autodoc_directives():
    source = (
        "```{code-cell} ipython3\n1\n```\n```{code-cell}\n2\n```\n"
        "```{eval-rst}\n.. automodule:: nnbasics\n.. autofunction:: f\n```\n"
        "A ```{code-cell}``` quoted in the text does not count.\n"
    )
    assert page_cost(source) == 5
    assert page_cost("") == 1

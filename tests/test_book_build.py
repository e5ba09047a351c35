"""Build the book with Sphinx and check what a reader gets.

The session fixture ``built_book`` builds the repository's book once; the
other tests build a copy that starts from its execution cache, so only what
a test changes is executed again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import nnbasics
from nnbasics.examples.cracking import TABLE_2_1
from tests.conftest import (
    CODE_PAGES,
    MYSTNB_FRONT_MATTER,
    MYSTNB_PAGES,
    REPO,
    Build,
    run_sphinx,
)

pytestmark = pytest.mark.build

CHAPTERS = sorted(p.stem for p in (REPO / "book").glob("*.md"))


def soup(build: Build, docname: str) -> BeautifulSoup:
    return BeautifulSoup(build.html(docname), "html.parser")


def test_landing_page_is_the_root_of_the_site(built_book):
    assert (built_book.html_dir / "index.html").is_file()
    assert "Guess, Compare, Adjust" in built_book.html("index")


def test_landing_page_glues_the_loss_of_a_real_training_run(built_book):
    run = nnbasics.train(
        nnbasics.CurveFit(TABLE_2_1.x, TABLE_2_1.y), (1, 1), learning_rate=0.1
    )
    glued = built_book.glued("index")
    assert glued["taste_final_loss"] == pytest.approx(run.final_loss, rel=1e-12)
    assert glued["taste_steps"] == len(run) - 1
    text = soup(built_book, "index").get_text(" ")
    assert f"the loss is {run.final_loss:.5f}" in " ".join(text.split())


def test_landing_page_shows_the_executed_figure_with_alt_text(built_book):
    images = soup(built_book, "index").select("figure#fig-taste-loss img")
    assert len(images) == 1
    image = images[0]
    assert (built_book.html_dir / image["src"]).stat().st_size > 10_000
    assert "loss" in image["alt"].lower()
    assert not image["alt"].endswith(".png")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_chapter_is_in_the_navigation(built_book, docname):
    if docname == "index":
        return
    navigation = soup(built_book, "index").select_one("nav.bd-links")
    links = {a["href"].split("#")[0] for a in navigation.select("a[href]")}
    assert f"{docname}.html" in links


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_image_has_real_alt_text(built_book, docname):
    for image in soup(built_book, docname).select("article img"):
        alt = image.get("alt", "").strip()
        assert alt, f"{docname}: an image has no alt text"
        assert not re.search(r"\.(png|svg|jpe?g)$", alt), (
            f"{docname}: alt is a file name"
        )


def test_every_notebook_page_was_executed(built_book):
    assert (
        sorted(built_book.executed() + built_book.served_from_cache()) == MYSTNB_PAGES
    )
    assert set(built_book.executed()) >= CODE_PAGES


def test_unchanged_pages_come_from_the_cache(book_copy, tmp_path):
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode == 0, build.log[-3000:]
    assert build.executed() == []
    assert build.served_from_cache() == MYSTNB_PAGES


def test_a_prose_edit_executes_nothing(book_copy):
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    page = book_copy / "book" / "index.md"
    page.write_text(
        page.read_text().replace(
            "Every neural network learns", "Every neural network, however large, learns"
        )
    )
    second = run_sphinx(book_copy, book_copy / "_build")
    assert second.returncode == 0, second.log[-3000:]
    assert second.executed() == []
    assert second.served_from_cache() == ["index"]  # re-read, outputs from the cache
    assert "however large" in second.html("index")


def test_a_module_edit_re_executes_only_the_chapters_that_import_it(book_copy):
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    module = book_copy / "code" / "nnbasics" / "plotting" / "black_box.py"
    module.write_text(module.read_text() + "\n# an edit to one module\n")
    second = run_sphinx(book_copy, book_copy / "_build")
    assert second.returncode == 0, second.log[-3000:]
    assert second.executed() == ["black-box"]
    # The next build has nothing to execute: the new key is recorded.
    third = run_sphinx(book_copy, book_copy / "_build")
    assert third.executed() == []


def test_an_edit_outside_the_package_executes_nothing(book_copy):
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    extension = book_copy / "book" / "_ext" / "bookbuild" / "meta.py"
    extension.write_text(extension.read_text() + "\n# an edit to the extension\n")
    chapter = book_copy / "book" / "black-box.md"
    chapter.write_text(chapter.read_text() + "\nA sentence more.\n")
    second = run_sphinx(book_copy, book_copy / "_build")
    assert second.returncode == 0, second.log[-3000:]
    assert second.executed() == []


def test_other_library_versions_re_execute_every_chapter(book_copy):
    first = run_sphinx(book_copy, book_copy / "_build")
    assert first.returncode == 0, first.log[-3000:]
    # A library the kernels use that is not installed counts as a new version.
    conf = book_copy / "conf.py"
    conf.write_text(
        conf.read_text()
        + '\nbookbuild_execution_libraries = ("numpy", "a-library-not-installed")\n'
    )
    second = run_sphinx(book_copy, book_copy / "_build")
    assert second.returncode == 0, second.log[-3000:]
    assert set(second.executed()) >= CODE_PAGES


BROKEN_CHAPTER = (
    MYSTNB_FRONT_MATTER
    + """
# A broken chapter

```{code-cell} ipython3
import nnbasics
nnbasics.train(nnbasics.CurveFit([1.0], [2.0]), (1, 1), learning_rate=-1)
```
"""
)


def add_to_toctree(project: Path, docname: str) -> None:
    index = project / "book" / "index.md"
    index.write_text(
        index.read_text().replace("\nopening\n", f"\nopening\n{docname}\n")
    )


def test_a_failing_cell_fails_the_build_and_names_chapter_and_cell(book_copy):
    (book_copy / "book" / "broken-chapter.md").write_text(BROKEN_CHAPTER)
    add_to_toctree(book_copy, "broken-chapter")
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert "broken-chapter.md" in build.log
    assert "Executing notebook failed" in build.log
    assert "learning_rate=-1" in build.log  # the cell's source
    assert "learning_rate must be a positive" in build.log  # and its error
    assert build.executed() == []  # nothing else was executed again


def test_a_broken_cross_reference_fails_the_build(book_copy):
    page = book_copy / "book" / "index.md"
    page.write_text(
        page.read_text() + "\nSee {ref}`no-such-label` and {doc}`no-such-page`.\n"
    )
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert "no-such-label" in build.log
    assert "no-such-page" in build.log


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ("", "has no alt text"),
        ("mystnb:\n  figure:\n    caption: A loss.\n", "has no alt text"),
    ],
    ids=["no-metadata", "caption-only"],
)
def test_a_figure_without_alt_text_fails_the_build(book_copy, metadata, reason):
    page = book_copy / "book" / "index.md"
    text = page.read_text()
    start = text.index("mystnb:\n  image:")
    end = text.index("---\n", start)
    page.write_text(text[:start] + metadata + text[end:])
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert re.search(rf"index\.md: WARNING: image .*{reason}", build.log), build.log[
        -3000:
    ]


def test_a_visible_cell_that_glues_fails_the_build_naming_the_chapter(book_copy):
    page = book_copy / "book" / "black-box.md"
    # A cell readers see, appended after the chapter's last section.
    cell = '```{code-cell} ipython3\nfrom myst_nb import glue\n\nglue("x", 1)\n```\n'
    page.write_text(page.read_text() + "\n" + cell)
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert re.search(
        r"black-box\.md:\d+: WARNING: a visible code cell glues values "
        r"\(from myst_nb import glue\)",
        build.log,
    ), build.log[-3000:]


def test_a_raw_html_image_without_alt_text_fails_the_build(book_copy):
    page = book_copy / "book" / "black-box.md"
    page.write_text(
        page.read_text()
        + "\n```{code-cell} ipython3\nfrom IPython.display import HTML\n\n"
        "HTML('<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">')\n```\n"
    )
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert re.search(
        r"black-box\.md:\d+: WARNING: raw HTML <img> .* has no alt text", build.log
    ), build.log[-3000:]


# Python's way of writing 0.000001 or 6.1 × 10⁻¹³, which a page must not show
# in its prose (code and program output may).
PYTHON_EXPONENT = re.compile(r"\b\d+(\.\d+)?e[-+]?\d+\b")


@pytest.mark.parametrize("docname", [c for c in CHAPTERS if not c.startswith("api")])
def test_prose_writes_powers_of_ten_as_a_textbook_does(built_book, docname):
    # (The API reference quotes Python: its signatures may say 1e-06.)
    page = soup(built_book, docname).select_one("article")
    for code in page.select("pre, code, .cell_output, .highlight, math, script"):
        code.decompose()
    found = PYTHON_EXPONENT.findall(page.get_text(" "))
    assert not PYTHON_EXPONENT.search(page.get_text(" ")), (
        f"{docname} shows numbers like 1e-06 in its text ({found[:3]}): glue "
        "nnbasics.notation.scientific(value) instead"
    )


@pytest.mark.parametrize("builder", ["epub", "latex"])
def test_the_books_extension_works_with_other_builders(book_copy, builder):
    # Building the PDF and the e-book themselves is another matter; here the
    # book's extension must simply not be what stops them.
    build = run_sphinx(book_copy, book_copy / "_build", builder=builder, jobs="1")
    for crash in ("Extension error", "Theme error", "Exception occurred"):
        assert crash not in build.log, build.log[-3000:]
    assert any((book_copy / "_build" / builder).iterdir())


def _insert_before_first_cell(page: Path, cell: str) -> None:
    text = page.read_text(encoding="utf-8")
    at = text.index("```{code-cell}")
    page.write_text(text[:at] + cell + "\n" + text[at:], encoding="utf-8")


def test_cell_metadata_that_is_not_yaml_names_the_chapter_and_line(book_copy):
    page = book_copy / "book" / "black-box.md"
    _insert_before_first_cell(
        page, "```{code-cell} ipython3\n---\nmystnb: [oops\n---\nx = 1\n```\n"
    )
    line = page.read_text().splitlines().index("mystnb: [oops") + 1
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert f"black-box.md:{line}: WARNING: the metadata of the code cell" in build.log
    for crash in ("Exception occurred", "Extension error", "Traceback"):
        assert crash not in build.log, build.log[-3000:]


def test_a_failing_cell_is_reported_alone(book_copy):
    page = book_copy / "book" / "black-box.md"
    _insert_before_first_cell(
        page, "```{code-cell} ipython3\nraise ValueError('on purpose')\n```\n"
    )
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    warnings = [line for line in build.log.splitlines() if "WARNING:" in line]
    assert "Executing notebook failed" in warnings[0]
    assert len(warnings) <= 3, "\n".join(warnings[:20])
    assert "follow from its failed cell" in build.log

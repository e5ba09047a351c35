"""Rebuilds do only the work a change calls for, and never serve stale pages.

``bookbuild.incremental`` keeps figure numbers, ``bookbuild.notebooks`` keeps
the notebooks of unchanged pages and Jinja keeps compiled templates between
builds; ``bookbuild.meta`` takes each page's description from its front
matter. Each test builds a copy of the book that starts from the session's
execution cache.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Build, run_sphinx

pytestmark = pytest.mark.build

KEPT = "figure numbers kept from the last build"
NOTEBOOKS = re.compile(
    r"bookbuild: (\d+) notebooks in .* \((\d+) converted, (\d+) unchanged\)"
)
FIGURE_NUMBER = re.compile(
    r'caption-number">Fig\. ([\d.]+) </span><span class="caption-text">([^<]*)'
)


def notebooks_converted(build: Build) -> tuple[int, int]:
    """(converted, unchanged) notebooks, as the build's log reports them."""
    match = NOTEBOOKS.search(build.log)
    assert match is not None, build.log[-3000:]
    return int(match[2]), int(match[3])


def site_files(build: Build) -> dict[str, bytes]:
    return {
        path.relative_to(build.html_dir).as_posix(): path.read_bytes()
        for path in sorted(build.html_dir.rglob("*"))
        if path.is_file()
    }


def built(project: Path) -> Build:
    build = run_sphinx(project, project / "_build")
    assert build.returncode == 0, build.log[-3000:]
    return build


def test_a_no_change_rebuild_keeps_numbers_and_notebooks_and_changes_no_byte(
    book_copy,
):
    first = built(book_copy)
    assert KEPT not in first.log  # every page was read: numbered afresh
    converted, unchanged = notebooks_converted(first)
    assert converted > 0
    assert unchanged == 0
    before = site_files(first)

    second = built(book_copy)
    assert KEPT in second.log
    assert notebooks_converted(second) == (0, converted)
    after = site_files(second)
    assert after.keys() == before.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []

    # a notebook deleted by hand is written again, the same
    notebook = second.html_dir / "notebooks" / "black-box.ipynb"
    notebook.unlink()
    third = built(book_copy)
    assert notebooks_converted(third) == (1, converted - 1)
    assert notebook.read_bytes() == before["notebooks/black-box.ipynb"]


NEW_FIGURE = """
:::{figure} _static/logo.svg
:alt: The book's logo, put first by a test
:name: test-first-figure

A figure the test puts first.
:::
"""


def test_figure_numbers_and_templates_follow_an_edit(book_copy):
    first = built(book_copy)
    numbers = FIGURE_NUMBER.findall(first.html("black-box"))
    assert [n for n, _ in numbers] == [f"3.{i}" for i in range(1, len(numbers) + 1)]

    page = book_copy / "book" / "black-box.md"
    heading = "# The black box\n"
    page.write_text(page.read_text().replace(heading, heading + NEW_FIGURE, 1))
    layout = book_copy / "book" / "_templates" / "layout.html"
    end = "{% endblock extrahead %}"
    layout.write_text(layout.read_text().replace(end, "<!-- edited -->" + end))
    second = built(book_copy)

    assert KEPT not in second.log
    renumbered = FIGURE_NUMBER.findall(second.html("black-box"))
    assert renumbered[0] == ("3.1", "A figure the test puts first.")
    # every old figure moved one number up
    assert [n for n, _ in renumbered[1:]] == [
        f"3.{i}" for i in range(2, len(numbers) + 2)
    ]
    assert [t for _, t in renumbered[1:]] == [t for _, t in numbers]
    # the compiled-template cache did not serve the old layout
    for name in ("genindex", "search", "404", "black-box", "opening"):
        assert "<!-- edited -->" in second.html(name), name


def test_a_page_without_a_short_description_fails_the_build(book_copy):
    missing = book_copy / "book" / "opening.md"
    text = missing.read_text()
    missing.write_text(
        re.sub(r"^myst:\n  html_meta:\n    description: .*\n", "", text, flags=re.M)
    )
    too_long = book_copy / "book" / "api.md"
    too_long.write_text(
        re.sub(
            r'^    description: "',
            '    description: "' + "Far too long a description. " * 6,
            too_long.read_text(),
            count=1,
            flags=re.M,
        )
    )
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert re.search(r"opening(\.md)?: WARNING: the page has no description", build.log)
    assert re.search(
        r"api(\.md)?: WARNING: the description in the front matter has \d+ characters",
        build.log,
    )


NUMBERED = re.compile(
    r'caption-number">Fig\. [\d.]+ |std-numref">Fig\. [\d.]+|Exercise [\d.]+'
)


def test_a_prose_edit_keeps_every_number_without_renumbering(book_copy):
    # bookbuild.incremental: a page read again with the same figures, tables,
    # exercises and sections keeps the numbers Sphinx dropped when it purged it.
    first = built(book_copy)
    numbers = {
        name: NUMBERED.findall(first.html(name)) for name in ("black-box", "layers")
    }
    assert len(numbers["black-box"]) > 10  # figures, references, exercises

    page = book_copy / "book" / "black-box.md"
    page.write_text(page.read_text() + "\nA sentence added by a test.\n")
    second = built(book_copy)
    assert "Using cached notebook" in second.log  # the page was read again
    assert KEPT in second.log
    assert "A sentence added by a test." in second.html("black-box")
    for name, before in numbers.items():
        assert NUMBERED.findall(second.html(name)) == before, name

    # a figure renamed: the skeleton changed, so Sphinx numbers again
    page.write_text(page.read_text().replace("fig-bb-probes", "fig-bb-probes-renamed"))
    third = built(book_copy)
    assert KEPT not in third.log
    assert NUMBERED.findall(third.html("black-box")) == numbers["black-box"]
    assert 'id="fig-bb-probes-renamed"' in third.html("black-box")

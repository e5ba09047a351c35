"""The clean notebooks of the chapters (bookbuild.notebooks).

Unit tests convert small MyST snippets; the tests marked ``build`` check the
notebooks of the real book (session fixture ``built_book``) and execute each
one in a fresh kernel, as a reader who downloads it would.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from bs4 import BeautifulSoup
from IPython.core.inputtransformer2 import TransformerManager
from sphinx.directives.code import LiteralIncludeReader

from bookbuild.myst_syntax import find_myst, md_parser
from bookbuild.notebook_converter import myst_to_notebook
from bookbuild.notebook_parts import (
    GLUE_STAND_IN,
    Book,
    NotebookConversionError,
    colab_url,
    install_cell_source,
    notebook_bytes,
)
from tests.conftest import MYSTNB_FRONT_MATTER, MYSTNB_PAGES, REPO, git, run_sphinx

pytestmark = pytest.mark.tooling

REPOSITORY = "https://github.com/owner/repo"
BOOK = Book(title="A Book", repository_url=REPOSITORY, repository_branch="main")
MYST_LEFTOVERS = re.compile(
    r"```\{|:::\{|\{glue|\{doc\}|^\([\w.-]+\)=\s*$", re.MULTILINE
)


def convert(body: str, *, glued=None, book: Book = BOOK, **kwargs):
    """Convert a page made of the front matter and ``body``."""
    page = MYSTNB_FRONT_MATTER + body
    return myst_to_notebook(
        page, glued={} if glued is None else glued, book=book, **kwargs
    )


def markdown(notebook) -> str:
    """The chapter's Markdown (the title cell left out), as one text."""
    return "\n\n".join(
        c.source for c in notebook.cells[1:] if c.cell_type == "markdown"
    )


def chapter_code(notebook) -> list[str]:
    """The chapter's code cells (the install cell and the glue stand-in left out)."""
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    return [c for c in cells[1:] if c != GLUE_STAND_IN]


# --- the frame: title, install cell, metadata --------------------------------


def test_first_cells_are_title_link_licence_and_install():
    notebook = convert("(ch-label)=\n# A chapter\n\nSome text.\n", docname="ch")
    title, install = notebook.cells[0], notebook.cells[1]
    assert title.cell_type == "markdown"
    assert title.source.startswith("# A chapter\n")
    assert "(ch.html)" in title.source
    assert "CC BY 4.0" in title.source
    assert "MIT" in title.source
    assert install.cell_type == "code"
    assert install.source == (
        "try:\n"
        "    import nnbasics\n"
        "except ImportError:  # e.g. on Colab\n"
        '    %pip install --quiet "nnbasics @ git+https://github.com/owner/repo@main"'
    )
    # the page's own title is not repeated, nor its front matter or target
    assert notebook.cells[2].source == "Some text."
    assert "file_format" not in json.dumps(notebook)


def test_the_title_links_to_the_published_page_under_the_base_url():
    book = Book(repository_url=REPOSITORY, base_url="https://example.org/book/")
    notebook = convert("# A chapter\n", docname="ch", book=book)
    assert "https://example.org/book/ch.html" in notebook.cells[0].source


def test_install_cell_is_valid_ipython_and_installs_from_the_repository():
    source = install_cell_source("https://github.com/owner/repo/", "dev")
    python = TransformerManager().transform_cell(source)
    compile(python, "<install cell>", "exec")  # the magic inside `except` is fine
    assert "run_line_magic('pip'" in python
    assert "git+https://github.com/owner/repo@dev" in python


def test_install_cell_needs_a_repository():
    with pytest.raises(ValueError, match="bookbuild_repository_url"):
        install_cell_source("", "main")


def test_notebook_is_valid_nbformat_4_with_a_python3_kernel_and_no_outputs():
    notebook = convert("# T\n\n```{code-cell} ipython3\nprint(1)\n```\n")
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    assert notebook.metadata.kernelspec.name == "python3"
    assert set(notebook.metadata) == {"kernelspec", "language_info"}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


def test_same_page_gives_the_same_bytes():
    page = "# T\n\n```{code-cell} ipython3\nx = 1\n```\n\nText.\n\n"
    page += "```{code-cell}\nx\n```\n"
    first = notebook_bytes(convert(page))
    second = notebook_bytes(convert(page))
    assert first == second
    assert first.endswith(b"}\n")
    text = first.decode()
    assert '"execution_count": null' in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text)  # no timestamps
    assert list(json.loads(text)) == sorted(json.loads(text))  # sorted keys


def test_cell_ids_are_unique_and_do_not_depend_on_position():
    page = "# T\n\n```{code-cell}\nx = 1\n```\n\n```{code-cell}\nx = 1\n```\n"
    notebook = convert(page)
    ids = [c.id for c in notebook.cells]
    assert len(set(ids)) == len(ids)
    moved = convert("# T\n\nA new paragraph.\n\n" + page.removeprefix("# T\n\n"))
    assert {c.id for c in notebook.cells if c.cell_type == "code"} <= {
        c.id for c in moved.cells
    }


# --- code cells --------------------------------------------------------------

FIGURE_CELL = """\
# T

```{code-cell} ipython3
---
tags: [hide-input]
mystnb:
  image:
    alt: A line falling.
  figure:
    caption: The loss of each step.
    name: fig-loss
---
print("plot")
```
"""


def test_code_cells_keep_source_and_tags_and_drop_mystnb_metadata():
    notebook = convert(FIGURE_CELL)
    (cell,) = [c for c in notebook.cells if c.source == 'print("plot")']
    assert cell.cell_type == "code"
    assert cell.metadata == {"tags": ["hide-input"], "jupyter": {"source_hidden": True}}


def test_a_figure_caption_becomes_a_markdown_cell_below_the_figure():
    notebook = convert(FIGURE_CELL)
    index = next(i for i, c in enumerate(notebook.cells) if c.source == 'print("plot")')
    assert notebook.cells[index + 1].source == "The loss of each step."
    numbered = Book(repository_url=REPOSITORY, numbers={"fig-loss": ("Fig. %s", "2.1")})
    notebook = convert(FIGURE_CELL, book=numbered)
    assert notebook.cells[index + 1].source == "**Fig. 2.1.** The loss of each step."


def test_glue_import_is_replaced_by_a_stand_in_that_runs_without_myst_nb():
    page = (
        "# T\n\n```{code-cell}\nimport nnbasics\nfrom myst_nb import glue\n\n"
        'glue("x", 1, display=False)\n```\n'
    )
    notebook = convert(page)
    assert GLUE_STAND_IN in [c.source for c in notebook.cells[:3]]
    assert chapter_code(notebook) == ['import nnbasics\n\nglue("x", 1, display=False)']
    namespace: dict = {}
    exec(GLUE_STAND_IN, namespace)
    assert namespace["glue"]("x", 1, display=False) is None


def test_other_uses_of_myst_nb_are_refused():
    page = "# T\n\n```{code-cell}\nimport myst_nb\n```\n"
    with pytest.raises(
        NotebookConversionError, match=r"ch\.md:10: a code cell uses myst_nb"
    ):
        convert(page, docname="ch")


# --- literalinclude ----------------------------------------------------------


def include(path: str, *options: str) -> str:
    lines = "".join(f"{o}\n" for o in options)
    return f"# T\n\n```{{literalinclude}} {path}\n{lines}```\n"


def test_literalinclude_of_an_object_prints_its_installed_source():
    page = include("../code/nnbasics/descent.py", ":pyobject: descent_step")
    notebook = convert(page, source_path=REPO / "book" / "page.md")
    (code,) = chapter_code(notebook)
    assert code == (
        "import importlib\nimport inspect\n\n"
        'print(inspect.getsource(importlib.import_module("nnbasics.descent").descent_step)'
        ', end="")'
    )


def test_literalinclude_outside_a_package_is_refused(tmp_path):
    (tmp_path / "script.py").write_text("x = 1\n")
    page = include("script.py")
    with pytest.raises(NotebookConversionError, match="not part of a package"):
        convert(page, source_path=tmp_path / "page.md")


def test_literalinclude_options_without_a_notebook_form_are_refused():
    page = include("../code/nnbasics/descent.py", ":lines: 1-3")
    with pytest.raises(NotebookConversionError, match=r"page\.md:9: .*options lines"):
        convert(page, source_path=REPO / "book" / "page.md")


def test_literalinclude_in_a_list_item_splits_the_list_and_keeps_the_rest():
    page = (
        "# T\n\n- First item, with code:\n\n"
        "  ```{literalinclude} ../code/nnbasics/descent.py\n"
        "  :pyobject: descent_step\n  ```\n\n"
        "  The rest of the item.\n\n- Second item.\n"
    )
    notebook = convert(page, source_path=REPO / "book" / "page.md")
    kinds = [c.cell_type for c in notebook.cells[2:]]
    assert kinds == ["markdown", "code", "markdown"]
    assert notebook.cells[4].source == "The rest of the item.\n\n- Second item."


def literalincludes() -> list[tuple[str, str]]:
    """Every ``{literalinclude}`` of the book: (chapter, directive text)."""
    found = []
    for path in sorted((REPO / "book").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for token in md_parser(Book().myst_extensions).parse(text):
            if token.type == "fence" and token.info.startswith("{literalinclude}"):
                block = f"```{token.info}\n{token.content}```\n"
                found.append((path.name, block))
    return found


@pytest.mark.parametrize(
    ("chapter", "directive"),
    literalincludes() or [pytest.param("", "", marks=pytest.mark.skip("none"))],
    ids=lambda value: value if value.endswith(".md") else "",
)
def test_every_listing_of_the_book_prints_what_its_page_shows(chapter, directive):
    source_path = REPO / "book" / chapter
    notebook = convert("# T\n\n" + directive, source_path=source_path)
    (code,) = chapter_code(notebook)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {})
    # What Sphinx's literalinclude puts on the page, from the same options.
    token = md_parser(Book().myst_extensions).parse(directive)[0]
    options = {}
    for line in token.content.splitlines():
        key, _, value = line.lstrip(":").partition(": ")
        options[key.rstrip(":")] = value.strip().strip("'")
    path = (source_path.parent / token.info.split()[1]).resolve()
    config = SimpleNamespace(source_encoding="utf-8-sig")
    shown, _ = LiteralIncludeReader(str(path), options, config).read()
    assert printed.getvalue() == shown


# --- Markdown rewrites -------------------------------------------------------


def test_admonitions_become_block_quotes_with_a_bold_title():
    page = (
        "# T\n\n:::{admonition} What you will learn\n:class: tip\n\n"
        "- one\n- two\n:::\n\n"
        "```{note}\nA *note*.\n```\n\n```{important}\nMind this.\n```\n"
    )
    text = markdown(convert(page))
    assert "> **What you will learn**\n>\n> - one\n> - two" in text
    assert "> **Note**\n>\n> A *note*." in text
    assert "> **Important**\n>\n> Mind this." in text


def test_exercises_and_gated_solutions_become_headings_with_runnable_code():
    page = (
        "# T\n\n## Exercises\n\n```{exercise}\n:label: ex-a\n\nDo this.\n```\n\n"
        "```{solution-start} ex-a\n:class: dropdown\n```\n\nLike so:\n\n"
        "```{code-cell} ipython3\nanswer = 42\n```\n\n```{solution-end}\n```\n\n"
        "```{exercise} A title\n:label: ex-b\n\nAnd this.\n```\n"
    )
    notebook = convert(page)
    text = markdown(notebook)
    assert "### Exercise 1\n\nDo this." in text
    assert "#### Solution to Exercise 1\n\nLike so:" in text
    assert "### Exercise 2 (A title)\n\nAnd this." in text
    assert chapter_code(notebook) == ["answer = 42"]
    numbered = Book(
        repository_url=REPOSITORY,
        numbers={"ex-a": ("Exercise %s", "3.1"), "ex-b": ("Exercise %s", "3.2")},
    )
    text = markdown(convert(page, book=numbered))
    assert "### Exercise 3.1\n" in text
    assert "#### Solution to Exercise 3.1\n" in text


def test_a_solution_of_an_unknown_exercise_is_refused():
    page = "# T\n\n```{solution-start} nope\n```\n\n```{solution-end}\n```\n"
    with pytest.raises(NotebookConversionError, match="no exercise labelled 'nope'"):
        convert(page)


@pytest.mark.parametrize(
    ("role", "bundle", "expected"),
    [
        ("{glue:text}`loss:.3f`", {"text/plain": "0.63882125"}, "0.639"),
        ("{glue:text}`steps`", {"text/plain": "131"}, "131"),
        ("{glue:text}`name`", {"text/plain": "'a_b'"}, r"a\_b"),
        ("{glue}`steps`", {"text/plain": "131"}, "131"),
        ("{glue:}`steps`", "131", "131"),
        ("{glue:md}`table`", {"text/markdown": "**x**", "text/plain": "x"}, "**x**"),
    ],
)
def test_glue_roles_become_the_values_computed_in_the_build(role, bundle, expected):
    key = re.search(r"`(\w+)", role)[1]
    text = markdown(convert(f"# T\n\nThe value is {role}.\n", glued={key: bundle}))
    assert text == f"The value is {expected}."


def test_a_missing_glued_value_names_the_chapter_and_line():
    page = "# T\n\nFirst line.\nThe value {glue:text}`nope:.2f` here.\n"
    with pytest.raises(NotebookConversionError) as error:
        convert(page, glued={}, source_path=Path("/b/ch.md"))
    assert str(error.value).startswith("/b/ch.md:10: ")
    assert "'nope'" in str(error.value)


def test_glue_without_any_glued_values_says_the_page_was_not_executed():
    page = MYSTNB_FRONT_MATTER + "{glue:text}`x`\n"
    with pytest.raises(NotebookConversionError, match="was it executed"):
        myst_to_notebook(page, glued=None, book=BOOK)


LINKED_BOOK = Book(
    repository_url=REPOSITORY,
    base_url="https://example.org/book",
    titles={"ch": "This chapter", "other": "The other chapter", "api": "API"},
    labels={
        "fig-a": ("other", "fig-a", "A figure caption"),
        "sec-b": ("other", "sec-b", "A section"),
        "ex-c": ("ch", "ex-c", "Exercise"),
    },
    numbers={"fig-a": ("Fig. %s", "4"), "ex-c": ("Exercise %s", "1.2")},
    equations={"eq-d": ("other", "7")},
    api={"nnbasics.train": ("api", "nnbasics.train")},
)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("{doc}`other`", "[The other chapter](https://example.org/book/other.html)"),
        ("{doc}`see this <other>`", "[see this](https://example.org/book/other.html)"),
        ("{ref}`sec-b`", "[A section](https://example.org/book/other.html#sec-b)"),
        ("{ref}`that <fig-a>`", "[that](https://example.org/book/other.html#fig-a)"),
        ("{ref}`ex-c`", "[Exercise 1.2](https://example.org/book/ch.html#ex-c)"),
        ("{numref}`fig-a`", "[Fig. 4](https://example.org/book/other.html#fig-a)"),
        ("{numref}`Figure %s <fig-a>`", "[Figure 4](https://example.org/book/other.html#fig-a)"),
        ("{eq}`eq-d`", "[(7)](https://example.org/book/other.html#equation-eq-d)"),
        ("{py:func}`nnbasics.train`", "[`nnbasics.train()`](https://example.org/book/api.html#nnbasics.train)"),
        ("{py:func}`~nnbasics.train`", "[`train()`](https://example.org/book/api.html#nnbasics.train)"),
        ("{py:class}`nnbasics.Unknown`", "`nnbasics.Unknown`"),
        ("{func}`nnbasics.train`", "[`nnbasics.train()`](https://example.org/book/api.html#nnbasics.train)"),
        ("{math}`x^2`", "$x^2$"),
        ("{sub}`2`", "<sub>2</sub>"),
    ],
)  # fmt: skip
def test_cross_reference_roles_become_links_to_the_published_pages(role, expected):
    text = markdown(convert(f"# T\n\nSee {role}.\n", docname="ch", book=LINKED_BOOK))
    assert text == f"See {expected}."


def test_links_are_relative_pages_without_a_base_url():
    text = markdown(convert("# T\n\nSee {doc}`other` and {ref}`lab`.\n", docname="ch"))
    assert text == "See [other](other.html) and [lab](ch.html#lab)."


def test_a_reference_to_an_unknown_label_is_refused_when_the_book_is_known():
    with pytest.raises(NotebookConversionError, match="no label 'nope'"):
        convert("# T\n\n{ref}`nope`\n", book=LINKED_BOOK)


def test_code_spans_that_show_myst_syntax_are_left_alone():
    page = "# T\n\nWrite `` {glue:text}`name:.2f` `` or `{doc}`.\n"
    assert markdown(convert(page)) == "Write `` {glue:text}`name:.2f` `` or `{doc}`."


def test_targets_are_dropped_and_labelled_equations_keep_their_number():
    page = "# T\n\n(sec-x)=\n## Section\n\n$$\na = b\n$$ (eq-d)\n\nAnd $c$.\n"
    text = markdown(convert(page, book=LINKED_BOOK))
    assert text == "## Section\n\n$$\na = b\n\\tag{7}\n$$\n\nAnd $c$."
    assert markdown(convert(page)) == "## Section\n\n$$\na = b\n$$\n\nAnd $c$."


def test_tables_and_maths_are_kept():
    page = "# T\n\n| a | $b$ |\n|---|---|\n| 1 | 2 |\n\n$$\n\\frac{1}{2}\n$$\n"
    assert markdown(convert(page)) == page.removeprefix("# T\n\n").rstrip("\n")


def test_figures_and_images_become_markdown_images_with_alt_text():
    page = (
        "# T\n\n```{figure} img/plot.png\n:alt: A rising line.\n:name: fig-a\n\n"
        "The caption.\n```\n\n```{image} /img/b.png\n:alt: Dots.\n```\n"
    )
    book = Book(
        repository_url=REPOSITORY,
        numbers={"fig-a": ("Fig. %s", "4")},
        images={"img/plot.png": "_images/plot.png"},
    )
    text = markdown(convert(page, book=book, docname="ch"))
    assert "![A rising line.](_images/plot.png)\n\n**Fig. 4.** The caption." in text
    assert "![Dots.](img/b.png)" in text


def test_an_image_without_alt_text_is_refused():
    with pytest.raises(NotebookConversionError, match="no :alt:"):
        convert("# T\n\n```{image} a.png\n```\n")


def test_toctrees_are_dropped():
    page = "# T\n\nText.\n\n```{toctree}\n:maxdepth: 2\n\nother\n```\n"
    assert markdown(convert(page)) == "Text."


def test_list_tables_become_pipe_tables():
    page = (
        "# T\n\n```{list-table} The caption.\n:header-rows: 1\n\n"
        "* - Lens\n  - Here\n* - Goal\n  - A long cell\n    on two lines, $a|b$.\n```\n"
    )
    text = markdown(convert(page))
    assert text == (
        "**The caption.**\n\n| Lens | Here |\n| --- | --- |\n"
        "| Goal | A long cell on two lines, $a\\|b$. |"
    )


def test_definition_lists_become_bullet_lists():
    page = "# T\n\ngoal\n: When to stop,\n  and why.\n\nloss\n: How wrong.\n"
    assert markdown(convert(page)) == (
        "- **goal**: When to stop,\n  and why.\n\n- **loss**: How wrong."
    )


def test_grids_and_cards_become_their_content_with_linked_titles():
    page = (
        "# T\n\n::::{grid} 1 2\n:gutter: 3\n\n:::{grid-item-card} Other chapter\n"
        ":link: other\n:link-type: doc\n\nWhat it is about.\n:::\n::::\n"
    )
    text = markdown(convert(page, book=LINKED_BOOK, docname="ch"))
    assert text == (
        "**[Other chapter](https://example.org/book/other.html)**\n\nWhat it is about."
    )


@pytest.mark.parametrize(
    ("body", "line", "what"),
    [
        ("```{unknown-thing} arg\ncontent\n```\n", 9, "directive {unknown-thing}"),
        (":::{unknown-thing}\ncontent\n:::\n", 9, "directive {unknown-thing}"),
        ("```{eval-rst}\n.. note:: x\n```\n", 9, "directive {eval-rst}"),
        ("Text with {kbdx}`x` here.\n", 9, "role {kbdx}"),
        ("Line.\n\nText with\na {weird:role}`x`.\n", 12, "role {weird:role}"),
        ("```{note}\nLine one.\n\nA {bad}`role`.\n```\n", 12, "role {bad}"),
        ("- item\n\n  ```{unknown-thing}\n  ```\n", 11, "directive {unknown-thing}"),
    ],
    ids=["fence", "colon-fence", "eval-rst", "role", "role-later", "nested", "in-list"],
)
def test_unknown_myst_names_the_chapter_and_line(body, line, what):
    with pytest.raises(NotebookConversionError) as error:
        convert("# T\n\n" + body, source_path=Path("book/ch.md"))
    message = str(error.value)
    assert message.startswith(f"book/ch.md:{line}: the {what} has no notebook form")
    assert error.value.line == line


def test_find_myst_reports_leftovers_and_ignores_code():
    assert find_myst("Plain *text*, `{doc}` and\n\n```\n```{note}\n```\n") == []
    left = find_myst("(a)=\n# T\n\n{ref}`a`\n\n```{note}\nx\n```\n")
    assert any("myst_target" in x for x in left)
    assert any("role {ref}" in x for x in left)
    assert any("directive {note}" in x for x in left)


def test_colab_url_points_at_the_notebooks_branch_on_github():
    assert colab_url("https://github.com/owner/repo", "black-box") == (
        "https://colab.research.google.com/github/owner/repo/blob/notebooks/black-box.ipynb"
    )
    assert colab_url("https://github.com/owner/repo.git/", "a", "nb").endswith(
        "/owner/repo/blob/nb/a.ipynb"
    )
    assert colab_url("https://gitlab.com/owner/repo", "a") is None


# --- the built book ----------------------------------------------------------


def built_notebook_path(built_book, docname: str) -> Path:
    """The notebook the page's download button links, checked to exist."""
    soup = BeautifulSoup(built_book.html(docname), "html.parser")
    links = soup.select("a.btn-download-notebook-button")
    assert len(links) == 1, f"{docname}: no .ipynb download button"
    href = links[0]["href"]
    assert href == f"notebooks/{docname}.ipynb"
    path = built_book.html_dir / href
    assert path.is_file(), f"{docname}: the download button links a missing {href}"
    return path


def conf_settings() -> dict[str, str]:
    """repository_url and repository_branch, as conf.py sets them."""
    text = (REPO / "conf.py").read_text(encoding="utf-8")
    return {
        key: re.search(rf'^{key} = "([^"]+)"', text, re.MULTILINE)[1]
        for key in ("repository_url", "repository_branch")
    }


@pytest.mark.build
@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_every_chapter_has_a_clean_notebook_download(built_book, docname):
    path = built_notebook_path(built_book, docname)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        assert not MYST_LEFTOVERS.search(cell.source), (docname, cell.source[:300])
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None
        else:
            assert not find_myst(cell.source), (docname, cell.source[:300])
    settings = conf_settings()
    install = notebook.cells[1].source
    # the commit the book was built from (conf.py: bookbuild_repository_branch)
    commit = git(REPO, "rev-parse", "HEAD")
    assert f"git+{settings['repository_url']}@{commit}" in install
    # the page's own .md stays downloadable
    soup = BeautifulSoup(built_book.html(docname), "html.parser")
    (source,) = soup.select("a.btn-download-source-button")
    assert (built_book.html_dir / source["href"]).is_file()


@pytest.mark.build
@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_every_chapter_has_a_colab_button_for_its_notebook(built_book, docname):
    soup = BeautifulSoup(built_book.html(docname), "html.parser")
    links = soup.select(".dropdown-launch-buttons a.btn-colab-button")
    assert len(links) == 1, f"{docname}: no Colab button"
    owner_repo = conf_settings()["repository_url"].removeprefix("https://github.com/")
    assert links[0]["href"] == (
        f"https://colab.research.google.com/github/{owner_repo}/blob/notebooks/"
        f"{docname}.ipynb"
    )


@pytest.mark.build
def test_only_notebook_pages_get_notebooks(built_book):
    written = sorted(
        p.stem for p in (built_book.html_dir / "notebooks").glob("*.ipynb")
    )
    assert written == MYSTNB_PAGES
    for page in sorted(p.stem for p in (REPO / "book").glob("*.md")):
        if page not in MYSTNB_PAGES:
            assert "btn-download-notebook-button" not in built_book.html(page)


@pytest.mark.build
def test_notebooks_paste_the_values_of_the_executed_notebook(built_book):
    # The converter reads myst-nb's glue store; it must agree with the cache.
    for docname in MYSTNB_PAGES:
        store = built_book.out / "jupyter_execute" / f"{docname}.glue.json"
        if not store.is_file():
            continue
        from_store = {
            name: output["data"]["text/plain"]
            for name, output in json.loads(store.read_text("utf-8")).items()
        }
        from_cache = built_book.glued(docname)
        assert set(from_store) == set(from_cache), docname
    path = built_notebook_path(built_book, "index")
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    glued = built_book.glued("index")
    assert f"the loss is {glued['taste_final_loss']:.5f}" in " ".join(text.split())


@pytest.mark.build
def test_a_directive_without_a_notebook_form_fails_the_build(book_copy):
    page = book_copy / "book" / "index.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n```{versionadded} 0.1\nAdded.\n```\n", encoding="utf-8")
    line = text.count("\n") + 2
    build = run_sphinx(book_copy, book_copy / "_build")
    assert build.returncode != 0
    assert re.search(
        rf"index\.md:{line}: WARNING: no notebook for this page: the directive "
        r"\{versionadded\} has no notebook form",
        build.log,
    ), build.log[-3000:]
    assert not (build.html_dir / "notebooks" / "index.ipynb").exists()


@pytest.mark.build
@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_every_notebook_runs_in_a_fresh_kernel(built_book, docname, tmp_path):
    from nbclient import NotebookClient

    notebook = nbformat.read(built_notebook_path(built_book, docname), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # run in an empty folder
    )
    client.execute()  # raises CellExecutionError, with the cell, on any error
    install = notebook.cells[1]
    assert install.outputs == [], "nnbasics should be importable: nothing to install"
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert errors == []


@pytest.mark.build
def test_a_built_notebook_installs_the_commit_it_was_built_from(built_book):
    notebook = json.loads(
        (built_book.html_dir / "notebooks" / "black-box.ipynb").read_text("utf-8")
    )
    install = "".join(notebook["cells"][1]["source"])
    head = git(REPO, "rev-parse", "HEAD")
    assert f"@{head}" in install
    assert "@main" not in install

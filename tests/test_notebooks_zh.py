"""The Chinese notebooks of the chapters (bookbuild.notebooks in the Chinese build).

Unit tests give :func:`myst_to_notebook` a small MyST page and a dictionary
as its catalogue; the tests marked ``build`` compare the notebooks of the
Chinese edition (``built_book_zh``, in ``html/zh``) with the English ones of
the same session build.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from myst_nb.core.variables import format_plain_text

from bookbuild.myst_roles import escape_markdown
from bookbuild.myst_syntax import message_id
from bookbuild.notebook_converter import myst_to_notebook
from bookbuild.notebook_parts import (
    GLUE_STAND_IN,
    Book,
    colab_url,
    install_cell_source,
    language_cell_source,
    notebook_bytes,
)
from tests.conftest import MYSTNB_FRONT_MATTER, MYSTNB_PAGES, REPO
from tests.test_notebooks import built_notebook_path, conf_settings

pytestmark = pytest.mark.tooling

CHINESE = "zh_CN"
BOOK_ZH = Book(
    title="A Book",
    repository_url="https://github.com/owner/repo",
    language=CHINESE,
)
LANGUAGE_CELL = 'import nnbasics\nnnbasics.use_language("zh_CN")'
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>\w+))?\}`(?P<content>[^`]+)`")

PAGE = """\
(ch)=
# A chapter

Some text that goes
on, with {glue:text}`x:.2f`.

- An item that
  wraps.
- A second item.

:::{admonition} What you will learn
:class: tip
- A point.
:::

:::{note}
A note.
:::

Term
: Its definition.

```{list-table} The lenses.
:header-rows: 1

* - Lens
  - Here
* - Goal
  - A goal that
    wraps.
```

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: >-
      What the figure
      shows.
    name: fig-a
---
print(1)
```

## Exercises

```{exercise} A title
:label: ex-a

Do this.
```

```{solution-start} ex-a
```

Like so.

```{solution-end}
```

Left in English, as no one translated it.
"""

CATALOGUE = {
    "A chapter": "一章",
    "Some text that goes on, with {glue:text}`x:.2f`.": "文字{glue:text}`x:.2f`。",
    "An item that wraps.": "第一项。",
    "A second item.": "第二项。",
    "What you will learn": "你将学到",
    "A point.": "一点。",
    "A note.": "一条注。",
    "Term": "术语",
    "Its definition.": "它的定义。",
    "The lenses.": "视角。",
    "Lens": "视角",
    "Here": "本例",
    "Goal": "目标",
    "A goal that wraps.": "一个目标。",
    "What the figure shows.": "图所示。",
    "Exercises": "练习",
    "A title": "一个标题",
    "Do this.": "做这个。",
    "Like so.": "这样。",
}
WORDS = {
    "A page of *{book}*; read it online, with its figures and outputs, at {link}.": (
        "《{book}》的一页：{link}。"
    ),
    "Text and figures: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/); "
    "code: [MIT licence](https://opensource.org/license/mit).": "许可。",
    "Exercise {number}": "练习 {number}",
    "Solution to {exercise}": "{exercise} 的解答",
    "Note": "注",
    "A Book": "一本书",
}


def convert(body: str, **kwargs) -> nbformat.NotebookNode:
    """Convert a page made of the front matter and ``body``."""
    return myst_to_notebook(
        MYSTNB_FRONT_MATTER + body,
        glued={"x": {"text/plain": "1.2345"}},
        docname="ch",
        **kwargs,
    )


def text_of(notebook: nbformat.NotebookNode, kind: str = "markdown") -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == kind)


def prose_words(markdown: str) -> list[str]:
    """The English words of Markdown prose: code, maths, URLs and HTML left out."""
    text = re.sub(r"```.*?```|\$\$.*?\$\$", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]*\$|`[^`\n]*`|<[^>\n]*>", " ", text)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # link targets
    return ENGLISH_WORD.findall(text)


# --- the translate hook of myst_to_notebook ---------------------------------------


def test_every_kind_of_message_is_looked_up_by_its_sphinx_msgid_and_translated():
    asked: list[str] = []

    def translate(msgid: str) -> str:
        asked.append(msgid)
        return CATALOGUE.get(msgid, msgid)

    notebook = convert(
        PAGE, book=BOOK_ZH, translate=translate, interface=lambda m: WORDS.get(m, m)
    )
    text = text_of(notebook)
    assert notebook.cells[0].source.startswith("# 一章\n\n《一本书》的一页：[ch.html]")
    assert "许可。" in notebook.cells[0].source
    assert "文字1.23。" in text  # the glue role of the translation is pasted
    assert "- 第一项。\n- 第二项。" in text  # the item's second line is gone
    assert "> **你将学到**\n>\n> - 一点。" in text
    assert "> **注**\n>\n> 一条注。" in text  # a default title: interface words
    assert "- **术语**: 它的定义。" in text
    assert "**视角。**\n\n| 视角 | 本例 |\n| --- | --- |\n| 目标 | 一个目标。 |" in text
    assert "图所示。" in text
    assert "## 练习\n\n### 练习 1 (一个标题)\n\n做这个。" in text
    assert "#### 练习 1 的解答\n\n这样。" in text
    # A message without a translation stays as it is.
    assert "Left in English, as no one translated it." in text
    # The msgids are the messages' MyST source with their lines joined, as
    # Sphinx extracts them (the .po files hold the same).
    assert set(CATALOGUE) <= set(asked)
    assert "Left in English, as no one translated it." in asked
    assert not [m for m in asked if "\n" in m or m != m.strip()]


def test_without_a_catalogue_nothing_changes_and_no_language_cell_is_added():
    english = convert(PAGE, book=Book(repository_url="https://github.com/owner/repo"))
    identity = convert(
        PAGE,
        book=Book(repository_url="https://github.com/owner/repo"),
        translate=lambda m: m,
        interface=lambda m: m,
    )
    assert notebook_bytes(english) == notebook_bytes(identity)
    assert LANGUAGE_CELL not in text_of(english, "code")
    assert "Some text that goes\non, with 1.23." in text_of(english)


def test_the_language_cell_follows_the_install_cell_in_other_languages():
    notebook = convert(PAGE, book=Book(repository_url="https://github.com/owner/repo"))
    chinese = convert(
        PAGE + "\n```{code-cell} ipython3\nfrom myst_nb import glue\n```\n",
        book=BOOK_ZH,
    )
    assert language_cell_source(CHINESE) == LANGUAGE_CELL
    assert chinese.cells[2].source == LANGUAGE_CELL
    assert chinese.cells[3].source == GLUE_STAND_IN
    assert all(c.source != LANGUAGE_CELL for c in notebook.cells)


def test_message_ids_join_lines_and_drop_hard_break_backslashes_as_sphinx_does():
    from sphinx.util.nodes import _clean_extracted_message

    for source in ("One line.", "Two\nlines.", "A hard \\\nbreak.", "  x  \n y\\"):
        assert message_id(source) == _clean_extracted_message(source)


@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_the_msgids_asked_for_a_chapter_are_those_of_its_catalogue(docname):
    """Every message the converter looks up is one Sphinx extracted for the page."""
    text = (REPO / "book" / f"{docname}.md").read_text(encoding="utf-8")
    glued = {}
    for role in GLUE_ROLE.finditer(text):
        key = role["content"].rsplit(":", 1)[0] if role["kind"] == "text" else ""
        glued[key or role["content"]] = {"text/plain": "1"}
    po = REPO / "locales" / CHINESE / "LC_MESSAGES" / f"{docname}.po"
    with po.open("rb") as file:
        msgids = {str(m.id) for m in read_po(file) if m.id}
    asked: list[str] = []

    def translate(msgid: str) -> str:
        asked.append(msgid)
        return msgid

    myst_to_notebook(
        text,
        glued=glued,
        docname=docname,
        source_path=REPO / "book" / f"{docname}.md",
        book=Book(repository_url="https://github.com/o/r", srcdir=REPO / "book"),
        translate=translate,
    )
    assert asked
    unknown = sorted(set(asked) - msgids)
    assert unknown == [], f"{docname}: msgids not in {po.name} (run make update-po?)"


def test_the_colab_url_of_a_language_points_into_its_folder():
    url = colab_url("https://github.com/owner/repo", "a", "notebooks", "zh/")
    assert url == (
        "https://colab.research.google.com/github/owner/repo/blob/notebooks/zh/a.ipynb"
    )


# --- the built book -----------------------------------------------------------------


def pasted_values(build, docname: str) -> list[tuple[str, str, bool]]:
    """Every ``{glue:text}`` role of a page: the role, its text, whether a number.

    The text is the build's glued value, formatted as myst-nb formats it on
    the page (and escaped as the converter pastes it).
    """
    store = build.out / f"jupyter_execute{build.suffix}" / f"{docname}.glue.json"
    values = json.loads(store.read_text("utf-8")) if store.is_file() else {}
    page = (REPO / "book" / f"{docname}.md").read_text(encoding="utf-8")
    pasted = []
    for role in GLUE_ROLE.finditer(page):
        if role["kind"] != "text":
            continue
        key, _, fmt = role["content"].rpartition(":")
        if not key:
            key, fmt = role["content"], "s"
        plain = values[key]["data"]["text/plain"]
        try:
            float(plain)
        except ValueError:
            number = False
        else:
            number = True
        pasted.append((role[0], escape_markdown(format_plain_text(plain, fmt)), number))
    return pasted


def _with_the_chinese_extra(install: str) -> str:
    """The English install cell as the Chinese notebook has it: nnbasics[zh]."""
    return install.replace('"nnbasics @', '"nnbasics[zh] @')


def notebook_pair(built_book, built_book_zh, docname: str):
    """The English and the Chinese notebook of a page, as the buttons link them."""
    english = nbformat.read(built_notebook_path(built_book, docname), as_version=4)
    chinese = nbformat.read(built_notebook_path(built_book_zh, docname), as_version=4)
    return english, chinese


@pytest.mark.build
@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_chinese_notebooks_are_chinese_with_no_english_paragraph_left(
    built_book, built_book_zh, docname
):
    english, chinese = notebook_pair(built_book, built_book_zh, docname)
    cells = [c for c in chinese.cells if c.source != LANGUAGE_CELL]
    assert [c.cell_type for c in cells] == [c.cell_type for c in english.cells]
    chinese_text = " ".join(text_of(chinese).split())
    for number, (en, zh) in enumerate(zip(english.cells, cells, strict=True)):
        if en.cell_type != "markdown" or not prose_words(en.source):
            continue
        assert CJK.search(zh.source), f"{docname}, cell {number}: {zh.source[:300]}"
        for paragraph in re.split(r"\n\s*\n", en.source):
            if len(prose_words(paragraph)) >= 3:
                flat = " ".join(paragraph.split())
                assert flat not in chinese_text, f"{docname}: left in English: {flat}"


@pytest.mark.build
@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_chinese_notebooks_keep_the_code_and_the_glued_values(
    built_book, built_book_zh, docname
):
    english, chinese = notebook_pair(built_book, built_book_zh, docname)
    code = [c.source for c in chinese.cells if c.cell_type == "code"]
    assert code.count(LANGUAGE_CELL) == 1
    # The same code, apart from the language cell and the install cell's
    # extra (nnbasics[zh]: the Chinese figures' font).
    install = english.cells[1].source
    assert install.startswith("try:\n    import nnbasics")
    assert [c for c in code if c != LANGUAGE_CELL] == [
        _with_the_chinese_extra(c.source) if c.source == install else c.source
        for c in english.cells
        if c.cell_type == "code"
    ]
    chinese_text = text_of(chinese)
    english_values = pasted_values(built_book, docname)
    chinese_values = pasted_values(built_book_zh, docname)
    assert len(chinese_values) == len(english_values)
    for (role, english_value, number), (_, chinese_value, _) in zip(
        english_values, chinese_values, strict=True
    ):
        # What the Chinese page pastes; words glued by nnbasics are Chinese,
        # numbers are those of the English edition.
        assert chinese_value in chinese_text, f"{docname}: {role} -> {chinese_value}"
        if number:
            assert chinese_value == english_value, f"{docname}: {role}"


@pytest.mark.build
def test_only_chinese_notebooks_set_the_language(built_book, built_book_zh):
    for docname in MYSTNB_PAGES:
        english, chinese = notebook_pair(built_book, built_book_zh, docname)
        assert not [c for c in english.cells if "use_language" in c.source], docname
        assert chinese.cells[2].source == LANGUAGE_CELL, docname
        # The install cell, with the Chinese figures' font.
        assert chinese.cells[1].source == _with_the_chinese_extra(
            english.cells[1].source
        )


@pytest.mark.build
@pytest.mark.parametrize("docname", MYSTNB_PAGES)
def test_the_colab_button_of_a_chinese_page_opens_the_chinese_notebook(
    built_book_zh, docname
):
    soup = BeautifulSoup(built_book_zh.html(docname), "html.parser")
    (link,) = soup.select(".dropdown-launch-buttons a.btn-colab-button")
    owner_repo = conf_settings()["repository_url"].removeprefix("https://github.com/")
    assert link["href"] == (
        f"https://colab.research.google.com/github/{owner_repo}/blob/notebooks/"
        f"zh/{docname}.ipynb"
    )
    chinese = nbformat.read(built_notebook_path(built_book_zh, docname), as_version=4)
    assert f"/book/zh/{docname}.html" in chinese.cells[0].source


# Every English notebook runs in a fresh kernel (tests/test_notebooks.py); a
# Chinese one differs only by its Markdown and its language cell, so two
# chapters with figures and an interactive figure stand for all (each run
# executes a whole chapter: about 20 s).
RUN_IN_A_KERNEL = ["black-box", "guess-the-number"]


@pytest.mark.build
@pytest.mark.parametrize("docname", RUN_IN_A_KERNEL)
def test_chinese_notebooks_run_and_draw_in_chinese(built_book_zh, docname, tmp_path):
    from nbclient import NotebookClient

    path = built_notebook_path(built_book_zh, docname)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # run in an empty folder
    )
    client.execute()  # raises CellExecutionError, with the cell, on any error
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.output_type == "error"] == []
    figures = [
        o.data["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})
    ]
    if figures:  # drawn after the language cell: their words are Chinese
        assert any(CJK.search(svg) for svg in figures), docname


def test_a_chinese_notebook_installs_the_font_of_its_figures():
    """Chinese figures need Noto Sans CJK: the install cell asks for nnbasics[zh]."""
    url = "https://github.com/owner/book"
    english = install_cell_source(url, "abc")
    chinese = install_cell_source(url, "abc", extra="zh")
    assert '"nnbasics @ git+https://github.com/owner/book@abc"' in english
    assert '"nnbasics[zh] @ git+https://github.com/owner/book@abc"' in chinese

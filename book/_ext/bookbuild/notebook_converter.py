r"""A MyST Markdown notebook page, converted into a clean Jupyter notebook.

myst-nb's own ``.ipynb`` of a MyST Markdown page keeps the MyST syntax
(directives, roles, targets) that Jupyter and Colab cannot render (myst-nb
issue 148, Jupyter Book issue 752). :func:`myst_to_notebook` is a pure
converter from the page's text to a :class:`nbformat.NotebookNode`, which
:mod:`bookbuild.notebooks` calls after a build. myst-nb's reader splits the
page into cells, as myst-nb does to build the page; every MyST construct
of the Markdown cells is then rewritten into plain Markdown (or into a code
cell), and any construct it does not know raises a
:class:`NotebookConversionError` naming the chapter and the line, so that no
MyST syntax ever reaches a reader silently.

What a notebook contains
------------------------
1. A Markdown cell with the chapter's title, a link to its page and the
   licence line; then a code cell that installs :mod:`nnbasics` from the
   repository when it is missing (on Colab, say); then, if the chapter glues
   values, a stand-in for ``myst_nb.glue`` (the ``from myst_nb import glue``
   lines of the chapter's cells are removed, so that the notebook runs without
   myst-nb).
2. The chapter's cells, in order. Code cells keep their source and their
   ``tags``; the tags that hide things on the page (``hide-input``,
   ``remove-cell``, ...) also set Jupyter's ``source_hidden`` /
   ``outputs_hidden``. A figure caption from the ``mystnb`` metadata becomes
   a Markdown cell below the figure's cell, numbered as on the page.
3. No outputs, no execution counts, no timestamps: the same page gives the
   same bytes (:func:`notebook_bytes`).

The Chinese edition
-------------------
The Chinese build (``-D language=zh_CN``) writes Chinese notebooks to
``<outdir>/notebooks`` (``_build/html/zh/notebooks``): every message of the
page (paragraph, heading, list item, table cell, admonition title, caption,
alt text...) is looked up in the page's compiled catalogue
(``locales/<language>/LC_MESSAGES/<docname>.mo``) under the msgid that Sphinx
extracts for it (the message's MyST source, its lines joined), exactly as
Sphinx translates the page, and the translated MyST is then rewritten as
above. A message without a translation stays English. The converter's own
words ("Exercise 3", "Solution to ...", the title cell's lines) come from the
book's ``bookbuild`` catalogue (:data:`INTERFACE_MESSAGES`). After the
install cell, a code cell calls ``nnbasics.use_language`` so that figures
drawn in Jupyter are in the notebook's language too; the Colab button opens
the notebook from ``<language folder>`` of the notebooks branch (``zh/``).

How MyST is rewritten
---------------------
Front matter, ``(label)=`` targets, ``%`` comments and ``+++`` breaks are
dropped; labelled display maths ``$$ ... $$ (label)`` loses the label and gains
the page's equation number as ``\tag{5}``; definition lists (which Jupyter
does not render) become bullet lists. Directives are rewritten by
:mod:`bookbuild.myst_directives`, roles by :mod:`bookbuild.myst_roles`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from markdown_it.token import Token
from myst_nb.core.read import read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig

from .folders import ENGLISH
from .myst_directives import Block, DirectiveRewriter, merge_blocks
from .myst_roles import RoleRewriter
from .myst_syntax import definition_list_as_bullets, find_myst, md_parser, message_id
from .notebook_parts import (
    GLUE_STAND_IN,
    LANGUAGE_EXTRAS,
    LICENCE_LINE,
    TITLE_LINE,
    Book,
    NotebookConversionError,
    install_cell_source,
    language_cell_source,
    number_cells,
)

_GLUE_IMPORT = re.compile(r"^[ \t]*from myst_nb import glue[ \t]*(#.*)?$")
_MYST_NB_USE = re.compile(r"\bmyst_nb\b")

_TAG_FLAGS = {
    "hide-input": ("source_hidden",),
    "remove-input": ("source_hidden",),
    "hide-output": ("outputs_hidden",),
    "remove-output": ("outputs_hidden",),
    "hide-cell": ("source_hidden", "outputs_hidden"),
    "remove-cell": ("source_hidden", "outputs_hidden"),
}
"""Cell tags that hide part of a cell on the page, and Jupyter's equivalents."""

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")


def myst_to_notebook(
    text: str,
    *,
    glued: Mapping[str, Mapping[str, Any] | str] | None,
    docname: str = "chapter",
    source_path: Path | None = None,
    book: Book | None = None,
    translate: Callable[[str], str] | None = None,
    interface: Callable[[str], str] | None = None,
) -> nbformat.NotebookNode:
    """Convert a MyST Markdown notebook page into a clean Jupyter notebook.

    Parameters
    ----------
    text
        The page's source (MyST Markdown with ``file_format: mystnb``).
    glued
        The values the page glued, ``name -> mime bundle`` (see
        :func:`glue_data`), or ``name -> text/plain``; None if the page was
        not executed (a glue role then raises).
    docname
        The page's document name (``black-box``), for links and the title.
    source_path
        The page's source file, for error messages and ``{literalinclude}``
        paths.
    book
        What is known about the book (links, numbers, repository).
    translate
        ``msgid -> translation`` of the page's messages (the page's
        catalogue, e.g. ``GNUTranslations.gettext``): every message is
        replaced by its translation before its MyST is rewritten. A message
        it returns unchanged stays as it is. None: no translation.
    interface
        ``msgid -> translation`` of the converter's own words
        (:data:`INTERFACE_MESSAGES`, the default admonition titles). None:
        English.

    Returns
    -------
    nbformat.NotebookNode
        A valid nbformat 4 notebook with a ``python3`` kernelspec, no outputs.

    Raises
    ------
    NotebookConversionError
        If the page uses a directive or role the converter does not know, or
        a value it needs (a glued name, an included object) is missing.
    """
    converter = Converter(
        text=text,
        glued={} if glued is None else dict(glued),
        has_glue=glued is not None,
        docname=docname,
        source_path=source_path,
        book=book or Book(),
        translate=translate,
        interface=interface,
    )
    return converter.convert()


class Converter(DirectiveRewriter, RoleRewriter):
    """Convert one page: its cells in order, each Markdown cell rewritten.

    The directives (:class:`~bookbuild.myst_directives.DirectiveRewriter`)
    and roles (:class:`~bookbuild.myst_roles.RoleRewriter`) are mixed in;
    this class splits the page into cells, translates each message, finds the
    MyST constructs of a Markdown text and puts the rewritten pieces together.
    """

    def __init__(
        self,
        *,
        text: str,
        glued: dict[str, Mapping[str, Any] | str],
        has_glue: bool,
        docname: str,
        source_path: Path | None,
        book: Book,
        translate: Callable[[str], str] | None = None,
        interface: Callable[[str], str] | None = None,
    ) -> None:
        self.text = text
        self.translate = translate
        self.word: Callable[[str], str] = interface or str
        self.glued = glued
        self.has_glue = has_glue
        self.docname = docname
        self.source_path = source_path
        self.book = book
        self.chapter = str(source_path) if source_path else f"{docname}.md"
        self.parser = md_parser(frozenset(book.myst_extensions))
        self.section_level = 1
        self.exercises = 0
        self.exercise_names: dict[str, str] = {}
        self.uses_glue = False

    # -- errors ----------------------------------------------------------------

    def error(self, line: int | None, message: str) -> NotebookConversionError:
        """Return the error to raise for ``message`` about line ``line`` of the page."""
        return NotebookConversionError(self.chapter, line, message)

    # -- the notebook ----------------------------------------------------------

    def convert(self) -> nbformat.NotebookNode:
        """Return the page as a notebook: header cells, then the page's cells."""
        # The reader myst-nb builds the page with: the same cells as on the page.
        source = read_myst_markdown_notebook(
            self.text, MdParserConfig(enable_extensions=set(self.book.myst_extensions))
        )
        cells: list[nbformat.NotebookNode] = []
        position = 0
        for cell in source.cells:
            line, position = self._locate(cell.source, position)
            if cell.cell_type == "code":
                cells.extend(self._code_cell(cell, line))
            elif cell.cell_type == "markdown":
                cells.extend(self._cells(self.markdown(cell.source, line)))
            else:  # raw cells pass through
                cells.append(nbformat.v4.new_raw_cell(cell.source))
        title = self._take_title(cells)
        header = [
            nbformat.v4.new_markdown_cell(self._title_cell(title)),
            nbformat.v4.new_code_cell(
                install_cell_source(
                    self.book.repository_url,
                    self.book.repository_branch,
                    extra=LANGUAGE_EXTRAS.get(self.book.language, ""),
                )
            ),
        ]
        if self.book.language != ENGLISH:
            header.append(
                nbformat.v4.new_code_cell(language_cell_source(self.book.language))
            )
        if self.uses_glue:
            header.append(nbformat.v4.new_code_cell(GLUE_STAND_IN))
        notebook = nbformat.v4.new_notebook(
            cells=header + cells,
            metadata={
                "kernelspec": {
                    "display_name": "Python 3",
                    "language": "python",
                    "name": "python3",
                },
                "language_info": {"name": "python"},
            },
        )
        self._check(notebook)
        number_cells(notebook)
        nbformat.validate(notebook)
        return notebook

    def _locate(self, source: str, position: int) -> tuple[int | None, int]:
        """Return the page line where a cell's source starts, and where to go on."""
        probe = source.strip("\n")
        found = self.text.find(probe, position) if probe else -1
        if found < 0:
            return None, position
        line = self.text.count("\n", 0, found) + 1
        return line, found + len(probe)

    def _title_cell(self, title: str) -> str:
        page = self.book.page_url(self.docname, from_doc=self.docname)
        link = (
            f"<{page}>"
            if page.startswith(("http://", "https://"))
            else f"[{page}]({page})"
        )
        line = self.word(TITLE_LINE).format(book=self.word(self.book.title), link=link)
        return f"# {title}\n\n{line}\n\n{self.word(LICENCE_LINE)}"

    def _take_title(self, cells: list[nbformat.NotebookNode]) -> str:
        """Remove the page's ``# Title`` from the first cell and return the title."""
        fallback = self.book.titles.get(self.docname, self.docname)
        if not cells or cells[0].cell_type != "markdown":
            return fallback
        first, _, rest = cells[0].source.lstrip("\n").partition("\n")
        match = _HEADING.match(first)
        if not match or len(match["hashes"]) != 1:
            return fallback
        if rest.strip():
            cells[0].source = rest.strip("\n")
        else:
            del cells[0]
        return match["title"]

    def _check(self, notebook: nbformat.NotebookNode) -> None:
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            left = find_myst(cell.source, self.book.myst_extensions)
            if left:
                raise self.error(
                    None,
                    "MyST syntax left in the notebook: "
                    + ", ".join(left)
                    + " (a bug of bookbuild.notebook_converter: please report it)",
                )

    def _cells(self, blocks: list[Block]) -> list[nbformat.NotebookNode]:
        cells = []
        for block in merge_blocks(blocks):
            text = block.text.strip("\n")
            if not text.strip():
                continue
            if block.kind == "code":
                cells.append(nbformat.v4.new_code_cell(text))
            else:
                cells.append(nbformat.v4.new_markdown_cell(text))
        return cells

    # -- code cells --------------------------------------------------------------

    def _code_cell(self, cell: nbformat.NotebookNode, line: int | None) -> list[Any]:
        lines = []
        for offset, code in enumerate(cell.source.splitlines()):
            if _GLUE_IMPORT.match(code):
                self.uses_glue = True
                continue
            if _MYST_NB_USE.search(code):
                raise self.error(
                    None if line is None else line + offset,
                    "a code cell uses myst_nb beyond 'from myst_nb import glue', which "
                    "a reader's Jupyter does not have",
                )
            lines.append(code)
        source = "\n".join(lines).strip("\n")
        metadata: dict[str, Any] = {}
        tags = list(cell.metadata.get("tags", []))
        if tags:
            metadata["tags"] = tags
        flags = sorted({flag for tag in tags for flag in _TAG_FLAGS.get(tag, ())})
        if flags:
            metadata["jupyter"] = dict.fromkeys(flags, True)
        result: list[Any] = []
        if source:
            result.append(nbformat.v4.new_code_cell(source, metadata=metadata))
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        caption = str(figure.get("caption", "") or "").strip()
        if caption:
            number = self._number(figure.get("name"))
            text = self.inline(self.message(" ".join(caption.split())), line)
            result.append(
                nbformat.v4.new_markdown_cell(
                    f"**{number}.** {text}" if number else text
                )
            )
        return result

    # -- translation -----------------------------------------------------------

    def message(self, text: str) -> str:
        """Return the translation of the message whose MyST source is ``text``.

        ``text`` itself when there is no translation (or no catalogue).
        """
        msgid = message_id(text)
        if self.translate is None or not msgid:
            return text
        translated = self.translate(msgid)
        return text if not translated or translated == msgid else translated

    def _translated_lines(
        self, tokens: list[Token], lines: list[str]
    ) -> tuple[list[str], set[int]]:
        """Put the translation of every message of a Markdown text in its lines.

        A message is the content of an ``inline`` token (a paragraph, a
        heading, a list item's paragraph, a term, a table cell), as Sphinx
        extracts it. Its translation takes the place of its first line after
        the line's prefix (``- ``, ``## ``, ``> ``, indentation); its other
        lines are returned as dropped.
        """
        lines = list(lines)
        dropped: set[int] = set()
        cursor: dict[int, int] = {}
        for token in tokens:
            if token.type != "inline" or token.map is None:
                continue
            translated = self.message(token.content)
            if translated == token.content:
                continue
            start, end = token.map
            end = max(end, start + 1)
            content = token.content.split("\n")
            if len(content) != end - start or start >= len(lines):
                continue  # not where the tokens say: leave it untranslated
            first = content[0]
            at = lines[start].find(first, cursor.get(start, 0))
            if at < 0:
                continue
            text = " ".join(translated.splitlines())
            if len(content) == 1:
                rest = lines[start][at + len(first) :]
            else:
                rest = ""
                dropped.update(range(start + 1, end))
            lines[start] = lines[start][:at] + text + rest
            cursor[start] = at + len(text)
        return lines, dropped

    # -- Markdown --------------------------------------------------------------

    def markdown(self, text: str, line: int | None) -> list[Block]:
        """Rewrite a Markdown text starting at page ``line`` into blocks."""
        lines = text.splitlines()
        tokens = self.parser.parse(text)
        dropped: set[int] = set()
        if self.translate is not None:
            lines, dropped = self._translated_lines(tokens, lines)
        edits: dict[int, tuple[int, list[Block] | None]] = {}  # start -> (end, blocks)
        verbatim: set[int] = set()
        consumed_until = -1
        for token in tokens:
            if token.map is None:
                continue
            start, end = token.map
            if start < consumed_until:
                continue
            at = None if line is None else line + start
            kind = token.type
            if kind == "heading_open":
                self.section_level = int(token.tag[1])
            elif kind in {"fence", "colon_fence"} and token.info.strip().startswith(
                "{"
            ):
                indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
                directive = self._directive(token, lines, start, at)
                edits[start] = (end, self._rewrite_directive(directive, indent))
                consumed_until = end
            elif kind in {"fence", "code_block", "math_block", "amsmath", "html_block"}:
                verbatim.update(range(start, end))
            elif kind == "math_block_label":
                edits[start] = (
                    end,
                    [Block("markdown", self._labelled_math(token, lines))],
                )
                consumed_until = end
            elif kind in {"myst_target", "myst_line_comment", "myst_block_break"}:
                edits[start] = (end, None)
            elif kind == "front_matter":
                edits[start] = (end, None)
                consumed_until = end
            elif kind == "dl_open":
                kept = [lines[i] for i in range(start, end) if i not in dropped]
                prose = self.inline("\n".join(kept), at)
                edits[start] = (
                    end,
                    [Block("markdown", definition_list_as_bullets(prose))],
                )
                consumed_until = end
        return self._assemble(lines, edits, verbatim, line, dropped)

    def _assemble(
        self,
        lines: list[str],
        edits: dict[int, tuple[int, list[Block] | None]],
        verbatim: set[int],
        line: int | None,
        dropped: set[int],
    ) -> list[Block]:
        blocks: list[Block] = []
        prose: list[str] = []
        prose_start = 0
        dedent = ""

        def flush() -> None:
            if prose:
                at = None if line is None else line + prose_start
                blocks.append(
                    Block("markdown", self.inline("\n".join(prose), at) + "\n")
                )
                prose.clear()

        index = 0
        while index < len(lines):
            if index in edits:
                flush()
                end, replacement = edits[index]
                for block in replacement or []:
                    blocks.append(block)
                    if block.kind == "code":
                        dedent = block.indent
                index = max(end, index + 1)
                prose_start = index
                continue
            if index in dropped:  # a line of a message whose translation is above
                index += 1
                continue
            text = lines[index]
            if dedent:  # the rest of a list item split by a code cell
                if text.startswith(dedent):
                    text = text[len(dedent) :]
                elif text.strip():
                    dedent = ""
            if index in verbatim:
                flush()
                blocks.append(Block("markdown", text + "\n"))
                prose_start = index + 1
            else:
                if not prose:
                    prose_start = index
                prose.append(text)
            index += 1
        flush()
        return blocks

    def _labelled_math(self, token: Token, lines: list[str]) -> str:
        start, end = token.map  # type: ignore[misc]
        label = token.info
        block = "\n".join(lines[start:end])
        tail = re.compile(r"\$\$\s*\(" + re.escape(label) + r"\)\s*$")
        number = self.book.equations.get(label, (None, None))[1]
        tag = f" \\tag{{{number}}}" if number else ""
        return (
            tail.sub(lambda _: f"{tag.strip()}\n$$" if tag else "$$", block.rstrip())
            + "\n"
        )

"""MyST directives, rewritten into Markdown blocks and code cells.

Mixed into the converter (:class:`bookbuild.notebook_converter.Converter`):
a directive's content is Markdown again, which the converter's ``markdown``
rewrites (admonitions, exercises, cards and tables nest); its ``inline``,
``message``, ``word`` and ``error`` rewrite roles, translate, and report.

* ``{toctree}``, ``{index}`` and the like are dropped.
* Admonitions become block quotes with a bold title; exercises and solutions
  become "Exercise N" / "Solution to Exercise N" headings (solution code
  cells stay runnable code cells); figures and images become Markdown images
  with their alt text; list tables become pipe tables; sphinx-design grids
  and cards become their content.
* ``{literalinclude}`` of a module of an installed package becomes a code
  cell that prints the listing with :func:`inspect.getsource`, e.g.
  ``print(inspect.getsource(nnbasics.examples.black_box.InputSearch))``.
  A fenced block holding the text read at build time would show the code of
  the build, while the reader's kernel runs whatever ``nnbasics`` is
  installed (the install cell keeps an existing installation). Printing the
  source from the kernel's own package keeps "shown code = run code" true for
  every reader; the ``:start-at:`` / ``:end-before:`` ... options are applied
  to that source by the cell itself, with Sphinx's rules.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml
from myst_parser.parsers.directives import is_option_line
from myst_parser.parsers.options import TokenizeError, options_to_items

from .myst_roles import escape_markdown
from .notebook_parts import (
    EXERCISE,
    EXERCISE_NUMBER,
    LITERALINCLUDE_OPTIONS,
    SOLUTION_TO,
    listing_code,
)

if TYPE_CHECKING:
    from pathlib import Path

    from markdown_it.token import Token

    from .notebook_parts import Book

ADMONITIONS = {
    "admonition": "",
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "dropdown": "",
    "topic": "",
    "sidebar": "",
    "margin": "",
    "epigraph": "",
}
"""Directives shown as a block quote, with their default title."""

CONTAINERS = {"grid", "grid-item", "container", "div", "tab-set"}
"""Directives whose content is shown as it is."""

CARDS = {"card", "grid-item-card", "tab-item"}
"""Directives shown as a bold (linked) title above their content."""

DROPPED = {"toctree", "tableofcontents", "contents", "index", "exercise-end"}
"""Directives that mean nothing in a notebook."""
_FENCE_INFO = re.compile(r"^\{(?P<name>[^}\s]*)\}\s*(?P<argument>.*)$")


@dataclass
class Block:
    """A piece of the output: Markdown text, or the source of a code cell."""

    kind: str  # "markdown" or "code"
    text: str
    indent: str = ""  # indentation of the directive a code block replaced


@dataclass
class Directive:
    """A directive of the page: ``{name} argument``, its options and content."""

    name: str
    argument: str
    options: dict[str, str]
    content: str
    line: int  # 1-based line of the page where the directive starts
    content_line: int  # ... and where its content starts


def _indent(text: str, prefix: str) -> str:
    return "".join(
        prefix + line if line.strip() else line for line in text.splitlines(True)
    )


def merge_blocks(blocks: list[Block]) -> list[Block]:
    """Join neighbouring Markdown blocks, with at most one blank line in a row."""
    merged: list[Block] = []
    for block in blocks:
        if merged and block.kind == "markdown" and merged[-1].kind == "markdown":
            merged[-1] = Block("markdown", merged[-1].text + block.text)
        else:
            merged.append(Block(block.kind, block.text, block.indent))
    for block in merged:
        if block.kind == "markdown":
            block.text = re.sub(r"\n{3,}", "\n\n", block.text)
    return merged


def _list_table_rows(
    content: str, translate: Callable[[str], str] = str
) -> list[list[str]]:
    """Return the cells of a list table, each as one line of Markdown.

    ``translate`` maps the MyST source of each paragraph of a cell to its
    translation (or returns it as it is).
    """
    rows: list[list[list[str]]] = []  # the lines of every cell of every row
    cell: list[str] | None = None
    for raw in content.splitlines():
        row_start = re.match(r"^[*-]\s+[*-]\s+(.*)$", raw)
        cell_start = re.match(r"^\s+[*-]\s+(.*)$", raw)
        if row_start:
            cell = [row_start[1]]
            rows.append([cell])
        elif cell_start and rows:
            cell = [cell_start[1]]
            rows[-1].append(cell)
        elif cell is not None:
            cell.append(raw.strip())
    return [[_table_cell(lines, translate) for lines in row] for row in rows]


def _table_cell(lines: list[str], translate: Callable[[str], str]) -> str:
    """Return a list table's cell as one line of a pipe table."""
    paragraphs = [translate(p.strip("\n")) for p in "\n".join(lines).split("\n\n")]
    joined = "<br><br>".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return joined.replace("|", "\\|")


class DirectiveRewriter:
    """Rewrite one MyST directive (a fence whose info is ``{name}``) into blocks."""

    book: Book
    docname: str
    source_path: Path | None
    section_level: int
    exercises: int
    exercise_names: dict[str, str]
    word: Callable[[str], str]

    def _directive(
        self, token: Token, lines: list[str], start: int, at: int | None
    ) -> Directive:
        match = _FENCE_INFO.match(token.info.strip())
        if match is None:  # pragma: no cover - the token says it starts with "{"
            raise self.error(at, f"cannot read the directive {token.info!r}")
        body = token.content.splitlines()
        options: dict[str, str] = {}
        skip = 0
        if body and body[0].strip() == "---":
            close = next(
                (i for i in range(1, len(body)) if body[i].strip() == "---"), None
            )
            if close is None:
                raise self.error(
                    at, f"the options of {{{match['name']}}} are never closed"
                )
            loaded = yaml.safe_load("\n".join(body[1:close])) or {}
            options = {str(k): "" if v is None else str(v) for k, v in loaded.items()}
            skip = close + 1
        else:  # ":key: value" lines, read as MyST reads them (values are YAML)
            while skip < len(body) and is_option_line(body[skip]):
                skip += 1
            block = "\n".join(x.lstrip()[1:] for x in body[:skip])
            try:
                items, _ = options_to_items(block)
            except TokenizeError as exc:
                raise self.error(at, f"cannot read the options: {exc}") from exc
            options = {str(k): "" if v is None else str(v) for k, v in items}
        while skip < len(body) and not body[skip].strip():
            skip += 1
        return Directive(
            name=match["name"],
            argument=match["argument"].strip(),
            options=options,
            content="\n".join(body[skip:]),
            line=at if at is not None else 0,
            content_line=(at + 1 + skip) if at is not None else 0,
        )

    def _rewrite_directive(self, directive: Directive, indent: str) -> list[Block]:
        name = directive.name
        if name in DROPPED:
            return []
        if name in ADMONITIONS:
            return self._quote(directive, indent)
        if name in CONTAINERS:
            return self._reindent(self._content(directive), indent)
        if name in CARDS:
            return self._card(directive, indent)
        handler: Callable[[Directive, str], list[Block]] | None = {
            "literalinclude": self._literalinclude,
            "exercise": self._exercise,
            "exercise-start": self._exercise,
            "solution": self._solution,
            "solution-start": self._solution,
            "solution-end": lambda _d, _i: [],
            "figure": self._figure,
            "image": self._figure,
            "list-table": self._list_table,
            "table": self._table,
            "math": self._math,
            "code-block": self._code_block,
            "code": self._code_block,
            "sourcecode": self._code_block,
        }.get(name)
        if handler is None:
            at = directive.line or None
            raise self.error(
                at,
                f"the directive {{{name}}} has no notebook form: Jupyter would show it "
                "as raw MyST. Teach book/_ext/bookbuild/myst_directives.py to "
                "rewrite it, or use another directive",
            )
        return handler(directive, indent)

    def _content(self, directive: Directive) -> list[Block]:
        return self.markdown(directive.content, directive.content_line or None)

    def _reindent(self, blocks: list[Block], indent: str) -> list[Block]:
        if not indent:
            return blocks
        return [
            Block("markdown", _indent(b.text, indent)) if b.kind == "markdown" else b
            for b in blocks
        ]

    def _quote(self, directive: Directive, indent: str) -> list[Block]:
        if directive.argument:
            title = self.message(directive.argument)
        else:
            title = (
                self.word(ADMONITIONS[directive.name])
                if ADMONITIONS[directive.name]
                else ""
            )
        title_text = self.inline(title, directive.line or None) if title else ""
        blocks = []
        first = True
        for block in merge_blocks(self._content(directive)):
            if block.kind == "code":
                blocks.append(block)
                continue
            body = block.text.strip("\n")
            if first and title_text:
                body = f"**{title_text}**\n\n{body}" if body else f"**{title_text}**"
            first = False
            quoted = "\n".join(
                f"> {x}" if x.strip() else ">" for x in body.splitlines()
            )
            blocks.append(Block("markdown", "\n" + _indent(quoted, indent) + "\n\n"))
        if first and title_text:
            blocks.insert(0, Block("markdown", f"\n{indent}> **{title_text}**\n\n"))
        return blocks

    def _card(self, directive: Directive, indent: str) -> list[Block]:
        title = self.inline(self.message(directive.argument), directive.line or None)
        link = directive.options.get("link", "")
        if title and link:
            url = self._card_link(
                link, directive.options.get("link-type", "url"), directive
            )
            title = f"[{title}]({url})"
        head = [Block("markdown", f"\n{indent}**{title}**\n\n")] if title else []
        return head + self._reindent(self._content(directive), indent)

    def _card_link(self, link: str, link_type: str, directive: Directive) -> str:
        if link_type == "doc":
            return self.book.page_url(self._docname(link), from_doc=self.docname)
        if link_type == "ref":
            docname, anchor, _ = self._label(link, directive.line or None)
            return self.book.page_url(docname, anchor, from_doc=self.docname)
        return link

    def _exercise(self, directive: Directive, indent: str) -> list[Block]:
        self.exercises += 1
        label = directive.options.get("label", "")
        known = self.book.numbers.get(label) if label else None
        if "nonumber" in directive.options:
            name = self.word(EXERCISE)
        elif known:
            name = known[0] % known[1]
        else:  # numbered on the page, as sphinx-exercise does without numfig
            name = self.word(EXERCISE_NUMBER).format(number=self.exercises)
        if label:
            self.exercise_names[label] = name
        heading = name
        if directive.argument:
            argument = self.message(directive.argument)
            heading += f" ({self.inline(argument, directive.line or None)})"
        return self._headed(directive, indent, self.section_level + 1, heading)

    def _solution(self, directive: Directive, indent: str) -> list[Block]:
        label = directive.argument
        known = self.book.numbers.get(label)
        if label in self.exercise_names:
            exercise = self.exercise_names[label]
        elif known:
            exercise = known[0] % known[1]
        else:
            raise self.error(
                directive.line or None,
                f"{{{directive.name}}} {label}: no exercise labelled {label!r} above",
            )
        heading = self.word(SOLUTION_TO).format(exercise=exercise)
        return self._headed(directive, indent, self.section_level + 2, heading)

    def _headed(
        self, directive: Directive, indent: str, level: int, heading: str
    ) -> list[Block]:
        """Return a heading at ``level``, then the directive's content.

        The ``*-start`` form has no content: its cells follow on the page.
        """
        head = Block("markdown", f"\n{indent}{'#' * min(level, 6)} {heading}\n\n")
        if directive.name.endswith("-start"):
            return [head]
        return [head, *self._reindent(self._content(directive), indent)]

    def _figure(self, directive: Directive, indent: str) -> list[Block]:
        alt = self.message(directive.options.get("alt", "")).strip()
        if not alt:
            raise self.error(
                directive.line or None, f"the {{{directive.name}}} has no :alt:"
            )
        url = self._image_url(directive.argument)
        text = f"![{escape_markdown(' '.join(alt.split()))}]({url})\n"
        if directive.name == "figure" and directive.content.strip():
            caption = self.inline(
                self.message(directive.content.strip()), directive.content_line or None
            )
            number = self._number(directive.options.get("name"))
            text += f"\n**{number}.** {caption}\n" if number else f"\n{caption}\n"
        return [Block("markdown", "\n" + _indent(text, indent) + "\n")]

    def _image_url(self, path: str) -> str:
        if re.match(r"^[a-z]+://", path):
            return path
        if path.startswith("/"):
            relative = path.lstrip("/")
        else:
            relative = posixpath.normpath(
                posixpath.join(posixpath.dirname(self.docname), path)
            )
        target = self.book.images.get(relative, relative)
        return self.book.url(target, from_doc=self.docname)

    def _math(self, directive: Directive, indent: str) -> list[Block]:
        label = directive.options.get("label") or directive.options.get("name")
        number = self.book.equations.get(label, (None, None))[1] if label else None
        tag = f"\n\\tag{{{number}}}" if number else ""
        body = (directive.argument + "\n" + directive.content).strip()
        return [
            Block("markdown", "\n" + _indent(f"$$\n{body}{tag}\n$$\n", indent) + "\n")
        ]

    def _code_block(self, directive: Directive, indent: str) -> list[Block]:
        language = directive.argument or "python"
        fence = "````" if "```" in directive.content else "```"
        text = f"{fence}{language}\n{directive.content}\n{fence}\n"
        return [Block("markdown", "\n" + _indent(text, indent) + "\n")]

    def _table(self, directive: Directive, indent: str) -> list[Block]:
        caption = self._table_caption(directive)
        return [*caption, *self._reindent(self._content(directive), indent)]

    def _table_caption(self, directive: Directive) -> list[Block]:
        if not directive.argument:
            return []
        caption = self.inline(self.message(directive.argument), directive.line or None)
        number = self._number(directive.options.get("name"))
        text = f"**{number}.** {caption}" if number else f"**{caption}**"
        return [Block("markdown", f"\n{text}\n\n")]

    def _list_table(self, directive: Directive, indent: str) -> list[Block]:
        rows = _list_table_rows(directive.content, self.message)
        at = directive.line or None
        if not rows:
            raise self.error(at, "the {list-table} has no rows")
        width = max(len(row) for row in rows)
        header_rows = int(directive.options.get("header-rows", "0") or 0)
        if header_rows > 1:
            raise self.error(
                at,
                "a {list-table} with more than one header row has no pipe-table form",
            )
        rows = [row + [""] * (width - len(row)) for row in rows]
        header = rows[0] if header_rows else [""] * width
        body = rows[1:] if header_rows else rows
        table = [header, ["---"] * width, *body]
        text = "\n".join("| " + " | ".join(row) + " |" for row in table)
        text = self.inline(text, directive.content_line or None)
        return [
            *self._table_caption(directive),
            Block("markdown", "\n" + _indent(text + "\n", indent) + "\n"),
        ]

    def _literalinclude(self, directive: Directive, indent: str) -> list[Block]:
        at = directive.line or None
        options = directive.options
        unsupported = sorted(set(options) - LITERALINCLUDE_OPTIONS)
        if unsupported:
            raise self.error(
                at,
                f"the {{literalinclude}} options {', '.join(unsupported)} have no "
                "notebook form (a notebook prints the source with "
                "inspect.getsource)",
            )
        module = self._module_of(directive.argument, at)
        code = listing_code(module, options.get("pyobject", ""), options)
        blocks = []
        if options.get("caption"):
            caption = self.inline(self.message(options["caption"]), at)
            blocks.append(Block("markdown", f"\n{indent}*{caption}*\n\n"))
        blocks.append(Block("code", code, indent=indent))
        return blocks

    def _module_of(self, argument: str, at: int | None) -> str:
        """Return the importable module name of an included file."""
        base = self.book.srcdir or (
            self.source_path.parent if self.source_path else None
        )
        if argument.startswith("/"):
            root = self.book.srcdir or base
            path = (root / argument.lstrip("/")) if root else None
        else:
            directory = self.source_path.parent if self.source_path else base
            path = (directory / argument) if directory else None
        if path is None:
            raise self.error(
                at, f"cannot find {argument!r}: the page's source path is unknown"
            )
        path = path.resolve()
        if path.suffix != ".py" or not path.is_file():
            raise self.error(
                at, f"{{literalinclude}} {argument}: {path} is not a Python file"
            )
        parts = [] if path.stem == "__init__" else [path.stem]
        folder = path.parent
        while (folder / "__init__.py").is_file():
            parts.insert(0, folder.name)
            folder = folder.parent
        if len(parts) < 2 and not (path.parent / "__init__.py").is_file():
            raise self.error(
                at,
                f"{{literalinclude}} {argument} is not part of a package, so a "
                "notebook cannot import it: include code of nnbasics",
            )
        return ".".join(parts)

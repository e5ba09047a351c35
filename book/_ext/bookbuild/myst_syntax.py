"""Reading MyST: the parser, the constructs left in a text, a message's id.

The converter (:mod:`bookbuild.notebook_converter`) parses Markdown cells as
myst-parser does, checks that no MyST is left in what it wrote, and looks up
messages under the msgid Sphinx extracts for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from .notebook_parts import DEFAULT_MYST_EXTENSIONS


def message_id(text: str) -> str:
    """Return the msgid Sphinx extracts for a message whose MyST source is ``text``.

    As ``sphinx.util.nodes.extract_messages`` forms it from a node's raw
    source: a backslash ending a line (a hard line break) is dropped with the
    blanks around it, the lines are joined by spaces and the ends stripped.
    """
    lines = (re.sub(r"[ \t]*\\[ \t]*$", "", x) for x in text.splitlines())
    return " ".join(lines).strip() if "\\" in text else text.replace("\n", " ").strip()


def find_myst(
    markdown: str, extensions: Iterable[str] = DEFAULT_MYST_EXTENSIONS
) -> list[str]:
    """Return the MyST constructs left in a Markdown text (empty when clean).

    The text is parsed as MyST would parse it, so code spans and fenced code
    that merely show MyST syntax are not reported.
    """
    parser = md_parser(frozenset(extensions))
    found = []
    for token in walk(parser.parse(markdown)):
        line = f" (line {token.map[0] + 1})" if token.map else ""
        if token.type in {"fence", "colon_fence"} and token.info.strip().startswith(
            "{"
        ):
            found.append(f"directive {token.info.split()[0]}{line}")
        elif token.type == "myst_role":
            found.append(f"role {{{token.meta.get('name')}}}`{token.content}`")
        elif token.type in {"myst_target", "math_block_label", "myst_line_comment"}:
            found.append(f"{token.type} {token.content or token.info}{line}")
        elif token.type == "dl_open":
            found.append(f"definition list{line}")
    return found


def md_parser(extensions: frozenset[str]) -> MarkdownIt:
    """Return myst-parser's Markdown parser with ``extensions`` (made once)."""
    return _PARSERS.get(extensions) or _PARSERS.setdefault(
        extensions,
        create_md_parser(
            MdParserConfig(enable_extensions=set(extensions)), RendererHTML
        ),
    )


_PARSERS: dict[frozenset[str], MarkdownIt] = {}


def walk(tokens: Iterable[Token]) -> Iterable[Token]:
    """Yield every token of ``tokens`` and, depth first, of their children."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def definition_list_as_bullets(text: str) -> str:
    """Rewrite a definition list (not rendered by Jupyter) as a bullet list."""
    lines = text.splitlines()
    base = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    out: list[str] = []
    term_open = False  # the last item has a term and no definition yet
    for raw in lines:
        line = raw[base:] if raw[:base].strip() == "" else raw.lstrip()
        definition = re.match(r"^[:~]\s+(.*)$", line)
        if not line.strip():
            continue
        if definition:
            if term_open:
                out[-1] += f": {definition[1]}"
                term_open = False
            else:
                out += ["", f"  {definition[1]}"]
        elif line.startswith(" "):  # continuation of a definition
            out.append("  " + line.strip())
        else:
            if out:
                out.append("")
            out.append(f"- **{line.strip()}**")
            term_open = True
    prefix = " " * base
    return "\n" + "\n".join(prefix + x if x else x for x in out) + "\n\n"

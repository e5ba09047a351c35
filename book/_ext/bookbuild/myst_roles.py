"""MyST roles, rewritten into the Markdown that Jupyter renders.

Mixed into the converter (:class:`bookbuild.notebook_converter.Converter`),
whose ``book``, ``docname``, ``glued``, ``has_glue`` and ``error`` it uses.

* ``{glue:text}`name:fmt``` and ``{glue}`name``` become the value the build
  computed (read from myst-nb's glue store of the page, the same data that
  myst-nb pastes into the HTML), formatted exactly as myst-nb formats it.
* ``{doc}``, ``{ref}``, ``{numref}`` and ``{eq}`` become Markdown links to the
  published page, with the text the page shows ("Fig. 6", "Exercise 14",
  "(5)"); Python roles (``{py:func}`` ...) become inline code, linked to the
  API page when the build knows the object.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from myst_nb.core.variables import format_plain_text

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .notebook_parts import Book, NotebookConversionError

PYTHON_ROLES = {
    "func", "meth", "class", "data", "attr", "mod", "obj", "exc", "const",
    "type", "property", "function", "method",
}  # fmt: skip
"""Roles of the Python domain (with or without the ``py:`` prefix)."""

_CALLABLE_ROLES = {"func", "meth", "function", "method"}

_INLINE = re.compile(
    r"\{(?P<role>[A-Za-z][\w:.+-]*)\}(?P<rticks>`+)(?P<content>.+?)(?P=rticks)"
    r"|(?P<ticks>`+).+?(?P=ticks)",
    re.DOTALL,
)
"""A MyST role, or an inline code span (left alone)."""

_TITLED_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>$|])")


def escape_markdown(text: str) -> str:
    """Escape a pasted value, so that Markdown shows it as it is."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _split_title(content: str) -> tuple[str, str]:
    """Split ``title <target>`` into its parts (title "" when there is none)."""
    match = _TITLED_TARGET.match(content.strip())
    if match and match["title"]:
        return " ".join(match["title"].split()), match["target"].strip()
    return "", content.strip()


class RoleRewriter:
    """Rewrite the roles of a Markdown text: glue, cross-references, Python objects."""

    book: Book
    docname: str
    glued: dict[str, Mapping[str, Any] | str]
    has_glue: bool

    def error(self, line: int | None, message: str) -> NotebookConversionError:
        """Return the error to raise (the converter's)."""
        raise NotImplementedError

    def inline(self, text: str, line: int | None) -> str:
        """Rewrite the MyST roles of a Markdown text (code spans are left alone)."""

        def replace(match: re.Match[str]) -> str:
            if match["role"] is None:
                return match[0]
            at = None if line is None else line + text.count("\n", 0, match.start())
            return self._role(match["role"], match["content"], at)

        return _INLINE.sub(replace, text)

    def _role(self, name: str, content: str, at: int | None) -> str:
        domain, _, role = name.rpartition(":")
        if name.startswith("glue"):
            return self._glue(name, content, at)
        if name == "doc":
            title, target = _split_title(content)
            docname = self._docname(target)
            if docname not in self.book.titles and self.book.titles:
                raise self.error(at, f"{{doc}}`{content}`: no page {docname!r}")
            text = title or self.book.titles.get(docname, docname)
            return f"[{text}]({self.book.page_url(docname, from_doc=self.docname)})"
        if name == "ref":
            title, label = _split_title(content)
            docname, anchor, label_title = self._label(label, at)
            number = self.book.numbers.get(label)
            if title:
                text = title
            elif number and (
                number[0] == self.book.exercise_format
                or number[0].startswith("Exercise")
            ):
                text = number[0] % number[1]
            else:
                text = label_title or label
            return self._link(text, docname, anchor)
        if name == "numref":
            title, label = _split_title(content)
            docname, anchor, label_title = self._label(label, at)
            fmt, number = self.book.numbers.get(label, ("%s", ""))
            if not number:
                text = title.replace("%s", "").strip() or label_title or label
            elif title:
                text = title.replace("%s", number).replace("{number}", number)
                text = text.replace("{name}", label_title)
            else:
                text = fmt % number
            return self._link(text, docname, anchor)
        if name == "eq":
            docname, number = self.book.equations.get(content, (None, None))
            if docname is None:
                return f"({content})"
            url = self.book.page_url(
                docname, f"equation-{content}", from_doc=self.docname
            )
            return f"[({number})]({url})"
        if domain in {"", "py"} and role in PYTHON_ROLES:
            return self._python(role, content)
        if name in {"code", "literal", "samp", "file", "command", "kbd"}:
            return f"`{content}`"
        if name == "math":
            return f"${content}$"
        if name in {"sub", "sup"}:
            return f"<{name}>{content}</{name}>"
        if name in {"strong"}:
            return f"**{content}**"
        if name in {"emphasis", "dfn", "term"}:
            return f"*{_split_title(content)[0] or content}*"
        if name == "abbr":
            return re.sub(r"\s*\(.*\)$", "", content)
        raise self.error(
            at,
            f"the role {{{name}}} has no notebook form: Jupyter would show it as raw "
            "MyST. Teach book/_ext/bookbuild/myst_roles.py to rewrite it, or use "
            "another role",
        )

    def _glue(self, name: str, content: str, at: int | None) -> str:
        kind = name.partition(":")[2] or "any"
        if kind not in {"any", "text", "md"}:
            raise self.error(at, f"the role {{{name}}} has no notebook form")
        key, fmt = content, "s"
        if kind == "text" and ":" in content:  # as myst-nb reads "key:format"
            key, fmt = content.rsplit(":", 1)
        if "::" in key:
            raise self.error(
                at, f"{{{name}}}`{content}`: glue from another page is not supported"
            )
        if not self.has_glue:
            raise self.error(
                at,
                f"{{{name}}}`{content}` needs the page's glued values, and the page "
                "has none (was it executed?)",
            )
        if key not in self.glued:
            raise self.error(
                at, f"{{{name}}}`{content}`: the page glued no value {key!r}"
            )
        bundle = self.glued[key]
        if isinstance(bundle, str):
            bundle = {"text/plain": bundle}
        if kind == "md":
            if "text/markdown" not in bundle:
                raise self.error(at, f"glued value {key!r} has no text/markdown")
            return str(bundle["text/markdown"]).strip()
        if kind == "any" and "text/markdown" in bundle:
            return str(bundle["text/markdown"]).strip()
        if "text/plain" not in bundle:
            raise self.error(at, f"glued value {key!r} has no text/plain to paste")
        plain = str(bundle["text/plain"])
        if kind == "any":
            return escape_markdown(plain)
        try:
            return escape_markdown(format_plain_text(plain, fmt))
        except (ValueError, TypeError) as exc:
            raise self.error(
                at, f"cannot format glued {key!r} ({plain!r}) with {fmt!r}: {exc}"
            ) from exc

    def _python(self, role: str, content: str) -> str:
        title, target = _split_title(content)
        target = target.lstrip("!")
        short = target.startswith("~")
        target = target.lstrip("~.")
        text = title or (target.rsplit(".", 1)[-1] if short else target)
        if not title and role in _CALLABLE_ROLES:
            text += "()"
        found = self.book.api.get(target)
        if found is None:
            matches = [v for k, v in self.book.api.items() if k.endswith("." + target)]
            found = matches[0] if len(matches) == 1 else None
        if found is None:
            return f"`{text}`"
        docname, anchor = found
        return (
            f"[`{text}`]({self.book.page_url(docname, anchor, from_doc=self.docname)})"
        )

    def _link(self, text: str, docname: str, anchor: str = "") -> str:
        return f"[{text}]({self.book.page_url(docname, anchor, from_doc=self.docname)})"

    def _docname(self, target: str) -> str:
        target = target.removesuffix(".md")
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(
            posixpath.join(posixpath.dirname(self.docname), target)
        )

    def _label(self, label: str, at: int | None) -> tuple[str, str, str]:
        label = label.lower() if label not in self.book.labels else label
        if label in self.book.labels:
            return self.book.labels[label]
        if self.book.labels:
            raise self.error(at, f"no label {label!r} in the book")
        return self.docname, label, ""

    def _number(self, label: str | None) -> str:
        if not label or label not in self.book.numbers:
            return ""
        fmt, number = self.book.numbers[label]
        return fmt % number

r"""Clean Jupyter notebooks of the chapters, shipped with the site.

myst-nb's own ``.ipynb`` of a MyST Markdown page keeps the MyST syntax
(directives, roles, targets) that Jupyter and Colab cannot render (myst-nb
issue 148, Jupyter Book issue 752). This module turns every MyST-NB page into
a real notebook at build time:

* :func:`myst_to_notebook` is a pure converter from the page's text to a
  :class:`nbformat.NotebookNode`. jupytext splits the page into cells; every
  MyST construct of the Markdown cells is then rewritten into plain Markdown
  (or into a code cell), and any construct it does not know raises a
  :class:`NotebookConversionError` naming the chapter and the line, so that
  no MyST syntax ever reaches a reader silently.
* The Sphinx hooks (:func:`setup`) write ``<outdir>/notebooks/<docname>.ipynb``
  for every MyST-NB page once the HTML build has succeeded, point the theme's
  ``.ipynb`` download button at that file and add a Colab launch button.
  Colab opens notebooks from GitHub, so the deploy workflow pushes
  ``_build/html/notebooks/*.ipynb`` to the root of the branch
  ``bookbuild_notebooks_branch`` (default ``notebooks``).

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
* Front matter, ``(label)=`` targets, ``%`` comments, ``+++`` breaks and
  ``{toctree}`` / ``{index}`` directives are dropped.
* ``{glue:text}`name:fmt``` and ``{glue}`name``` become the value the build
  computed (read from myst-nb's glue store of the page, the same data that
  myst-nb pastes into the HTML), formatted exactly as myst-nb formats it.
* ``{doc}``, ``{ref}``, ``{numref}`` and ``{eq}`` become Markdown links to the
  published page, with the text the page shows ("Fig. 6", "Exercise 14",
  "(5)"); Python roles (``{py:func}`` ...) become inline code, linked to the
  API page when the build knows the object.
* Labelled display maths ``$$ ... $$ (label)`` loses the label and gains the
  page's equation number as ``\tag{5}``.
* Admonitions become block quotes with a bold title; exercises and solutions
  become "Exercise N" / "Solution to Exercise N" headings (solution code
  cells stay runnable code cells); figures and images become Markdown images
  with their alt text; list tables become pipe tables; definition lists
  (which Jupyter does not render) become bullet lists; sphinx-design grids
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

import gettext
import hashlib
import io
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
import yaml
from docutils import nodes
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_nb.core.read import is_myst_markdown_notebook
from myst_nb.core.variables import format_plain_text
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import is_option_line
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.options import TokenizeError, options_to_items
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain

from .folders import ENGLISH
from .i18n import CATALOGUE, LANGUAGES, language_of

NOTEBOOKS_DIR = "notebooks"
"""Folder of the site (under the HTML output folder) that holds the notebooks."""

COLAB_URL = "https://colab.research.google.com/github"

LICENCE_LINE = (
    "Text and figures: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/); "
    "code: [MIT licence](https://opensource.org/license/mit)."
)

TITLE_LINE = (
    "A page of *{book}*; read it online, with its figures and outputs, at {link}."
)
EXERCISE = "Exercise"
EXERCISE_NUMBER = "Exercise {number}"
SOLUTION_TO = "Solution to {exercise}"
DOWNLOAD_TOOLTIP = "Download the notebook (runs in Jupyter and Colab)"
COLAB_TOOLTIP = "Launch on Colab"
LAUNCH_TOOLTIP = "Launch interactive content"
INTERFACE_MESSAGES = (
    TITLE_LINE, LICENCE_LINE, EXERCISE, EXERCISE_NUMBER, SOLUTION_TO,
    DOWNLOAD_TOOLTIP, COLAB_TOOLTIP, LAUNCH_TOOLTIP,
)  # fmt: skip
"""The converter's own words: msgids of the ``bookbuild`` catalogue.

(The default titles of admonitions, "Note", "Tip"..., are Sphinx's own
words; a Sphinx build looks them up in Sphinx's catalogue.)
"""


# The optional dependencies of nnbasics that a language's figures need.
LANGUAGE_EXTRAS = {"zh_CN": "zh"}


def language_cell_source(language: str) -> str:
    """Return the code cell that makes :mod:`nnbasics` speak ``language``."""
    return f"import nnbasics\nnnbasics.use_language({_python_string(language)})"


def message_id(text: str) -> str:
    """Return the msgid Sphinx extracts for a message whose MyST source is ``text``.

    As ``sphinx.util.nodes.extract_messages`` forms it from a node's raw
    source: a backslash ending a line (a hard line break) is dropped with the
    blanks around it, the lines are joined by spaces and the ends stripped.
    """
    lines = (re.sub(r"[ \t]*\\[ \t]*$", "", x) for x in text.splitlines())
    return " ".join(lines).strip() if "\\" in text else text.replace("\n", " ").strip()


DEFAULT_MYST_EXTENSIONS = frozenset({"dollarmath", "amsmath", "colon_fence", "deflist"})

GLUE_STAND_IN = '''\
def glue(name, value, display=True):
    """Stand in for myst_nb.glue, which the book uses to paste values into its text.

    The text of this notebook already holds the values computed when the book
    was built, so recording them is not needed here.
    """
    if display:
        from IPython.display import display as show

        show(value)'''

_GLUE_IMPORT = re.compile(r"^[ \t]*from myst_nb import glue[ \t]*(#.*)?$")
_MYST_NB_USE = re.compile(r"\bmyst_nb\b")

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

PYTHON_ROLES = {
    "func", "meth", "class", "data", "attr", "mod", "obj", "exc", "const",
    "type", "property", "function", "method",
}  # fmt: skip
"""Roles of the Python domain (with or without the ``py:`` prefix)."""

_CALLABLE_ROLES = {"func", "meth", "function", "method"}

_TAG_FLAGS = {
    "hide-input": ("source_hidden",),
    "remove-input": ("source_hidden",),
    "hide-output": ("outputs_hidden",),
    "remove-output": ("outputs_hidden",),
    "hide-cell": ("source_hidden", "outputs_hidden"),
    "remove-cell": ("source_hidden", "outputs_hidden"),
}
"""Cell tags that hide part of a cell on the page, and Jupyter's equivalents."""

_INLINE = re.compile(
    r"\{(?P<role>[A-Za-z][\w:.+-]*)\}(?P<rticks>`+)(?P<content>.+?)(?P=rticks)"
    r"|(?P<ticks>`+).+?(?P=ticks)",
    re.DOTALL,
)
"""A MyST role, or an inline code span (left alone)."""

_TITLED_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_FENCE_INFO = re.compile(r"^\{(?P<name>[^}\s]*)\}\s*(?P<argument>.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>$|])")


class NotebookConversionError(ValueError):
    """A page holds MyST syntax that the converter cannot turn into a notebook.

    Parameters
    ----------
    chapter
        The page's source file (or document name).
    line
        The 1-based line of the page, when known.
    message
        What is wrong and what to do about it.
    """

    def __init__(self, chapter: str, line: int | None, message: str) -> None:
        self.chapter = chapter
        self.line = line
        self.message = message
        where = f"{chapter}:{line}" if line is not None else chapter
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Book:
    """What the converter knows about the book around a page.

    Every field has a default, so a page can be converted on its own (links
    then point at ``<docname>.html`` and numbers are counted on the page).

    Parameters
    ----------
    title
        The book's title, for the first cell.
    repository_url
        The book's repository (``https://github.com/<owner>/<repo>``): the
        install cell installs :mod:`nnbasics` from it.
    repository_branch
        The branch to install from.
    base_url
        The published site's root URL (``html_baseurl``). Links are absolute
        under it when set, else relative (``page.html``).
    srcdir
        The Sphinx source folder (for ``{literalinclude} /path``).
    myst_extensions
        The MyST extensions the book enables (``myst_enable_extensions``).
    titles
        Page titles, by document name.
    labels
        ``label -> (docname, anchor, title)`` for ``{ref}``.
    numbers
        ``label -> (format, number)`` of numbered things, e.g.
        ``("Fig. %s", "6")`` or ``("Exercise %s", "14")``.
    equations
        ``label -> (docname, number)`` of labelled equations.
    api
        ``python name -> (docname, anchor)`` of documented objects.
    images
        ``source path (relative to srcdir) -> URL path`` of images the build
        copied (``_images/...``).
    language
        The page's language (``en``, ``zh_CN``): any other than English gets
        a cell that calls ``nnbasics.use_language`` after the install cell.
    exercise_format
        The number format of exercises (``numfig_format["exercise"]``), by
        which ``{ref}`` to an exercise shows its number as the page does.
    """

    title: str = "the book"
    repository_url: str = ""
    repository_branch: str = "main"
    base_url: str = ""
    srcdir: Path | None = None
    myst_extensions: frozenset[str] = DEFAULT_MYST_EXTENSIONS
    titles: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    numbers: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    equations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    api: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    images: Mapping[str, str] = field(default_factory=dict)
    language: str = ENGLISH
    exercise_format: str = "Exercise %s"

    def url(self, path: str, *, from_doc: str) -> str:
        """Return the URL of ``path`` (relative to the site root) for a notebook.

        Absolute under :attr:`base_url` when it is set; otherwise relative to
        the page ``from_doc``.
        """
        if self.base_url:
            return self.base_url.rstrip("/") + "/" + path
        return posixpath.relpath(path, posixpath.dirname(from_doc) or ".")

    def page_url(self, docname: str, anchor: str = "", *, from_doc: str) -> str:
        """Return the URL of the page ``docname`` (and ``#anchor``)."""
        url = self.url(f"{docname}.html", from_doc=from_doc)
        return f"{url}#{anchor}" if anchor else url


def install_cell_source(repository_url: str, branch: str, extra: str = "") -> str:
    """Return the code of the cell that installs :mod:`nnbasics` when missing.

    Parameters
    ----------
    repository_url
        The repository to install from (``https://github.com/<owner>/<repo>``).
    branch
        The branch to install.
    extra
        An optional dependency group of nnbasics to install with it (``zh``:
        the font of the Chinese figures).
    """
    if not repository_url:
        raise ValueError(
            "no repository URL to install nnbasics from: set bookbuild_repository_url "
            "(or html_theme_options['repository_url']) in conf.py"
        )
    name = f"nnbasics[{extra}]" if extra else "nnbasics"
    requirement = f"{name} @ git+{repository_url.rstrip('/')}@{branch}"
    return (
        "try:\n"
        "    import nnbasics\n"
        "except ImportError:  # e.g. on Colab\n"
        f'    %pip install --quiet "{requirement}"'
    )


def colab_url(
    repository_url: str, docname: str, branch: str = "notebooks", folder: str = ""
) -> str | None:
    """Return the Colab URL of a page's notebook, or None off GitHub.

    The notebooks are pushed to ``folder`` (the root, or ``zh/`` for the
    Chinese ones) of ``branch`` of the repository, where Colab opens them:
    ``<COLAB_URL>/<owner>/<repo>/blob/<branch>/<folder><docname>.ipynb``.
    """
    parts = urlsplit(repository_url)
    path = [p for p in parts.path.split("/") if p]
    if parts.netloc.lower() not in {"github.com", "www.github.com"} or len(path) < 2:
        return None
    owner, repo = path[0], path[1].removesuffix(".git")
    folder = folder.strip("/") + "/" if folder.strip("/") else ""
    return f"{COLAB_URL}/{owner}/{repo}/blob/{branch}/{folder}{docname}.ipynb"


def glue_data(glue_store: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return ``name -> mime bundle`` from myst-nb's glue store of a page.

    myst-nb writes the glued outputs of ``<docname>`` to
    ``<output folder>/<docname>.glue.json`` (``name -> output``), the data it
    pastes into the page; this keeps each output's ``data``.
    """
    return {name: dict(output.get("data", {})) for name, output in glue_store.items()}


def notebook_bytes(notebook: nbformat.NotebookNode) -> bytes:
    """Serialize a notebook deterministically (sorted keys, one trailing newline)."""
    text = nbformat.writes(notebook, version=4)
    return (text.rstrip("\n") + "\n").encode("utf-8")


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
    converter = _Converter(
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


def find_myst(
    markdown: str, extensions: Iterable[str] = DEFAULT_MYST_EXTENSIONS
) -> list[str]:
    """Return the MyST constructs left in a Markdown text (empty when clean).

    The text is parsed as MyST would parse it, so code spans and fenced code
    that merely show MyST syntax are not reported.
    """
    parser = _parser(frozenset(extensions))
    found = []
    for token in _walk(parser.parse(markdown)):
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


LITERALINCLUDE_OPTIONS = frozenset({
    "pyobject", "start-at", "start-after", "end-before", "end-at",  # applied
    "language", "caption", "name", "class", "linenos", "lineno-match",  # display
    "lineno-start", "emphasize-lines", "force", "encoding",
})  # fmt: skip
"""The ``{literalinclude}`` options a notebook can honour."""


def listing_code(module: str, pyobject: str, options: Mapping[str, str]) -> str:
    """Return a code cell that prints what ``{literalinclude}`` shows on the page.

    Parameters
    ----------
    module
        The module the page includes (``nnbasics.training``).
    pyobject
        The object of the module to show (``train``, ``CurveFit.backward``),
        or "" for the whole module.
    options
        The directive's options: ``start-at``, ``start-after``,
        ``end-before`` and ``end-at`` cut the source as Sphinx does (which
        ignores an ``end-before`` match on the first line).
    """
    # import_module, because a package may export a function under the name
    # of its module (nnbasics.backprop is a function, nnbasics/backprop.py too).
    target = f"importlib.import_module({_python_string(module)})"
    target += f".{pyobject}" if pyobject else ""
    code = ["import importlib", "import inspect", ""]
    cuts = []
    for key, offset in (("start-at", ""), ("start-after", " + 1")):
        if key in options:
            text = _python_string(options[key])
            cuts += [
                "start = next(",
                f"    i for i, line in enumerate(listing) if {text} in line",
                ")",
                f"listing = listing[start{offset} :]"
                if offset
                else "listing = listing[start:]",
            ]
    for key, offset, guard in (
        ("end-before", "", "i > 0 and "),
        ("end-at", " + 1", ""),
    ):
        if key in options:
            text = _python_string(options[key])
            cuts += [
                "end = next(",
                f"    i for i, line in enumerate(listing) if {guard}{text} in line",
                ")",
                f"listing = listing[: end{offset}]"
                if offset
                else "listing = listing[:end]",
            ]
    if not cuts:
        return "\n".join([*code, f'print(inspect.getsource({target}), end="")'])
    # In a function, so that the notebook's own variables are left alone.
    return "\n".join([
        *code,
        "",
        "def listing_of(obj):",
        '    """Return the lines of the listing, cut as on the book\'s page."""',
        "    listing = inspect.getsource(obj).splitlines(keepends=True)",
        *(f"    {line}" for line in cuts),
        '    return "".join(listing)',
        "",
        "",
        f'print(listing_of({target}), end="")',
    ])  # fmt: skip


def _python_string(text: str) -> str:
    """Return a Python literal of ``text``, in double quotes when possible."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return repr(text)


# --- the converter ---------------------------------------------------------------


@dataclass
class _Block:
    """A piece of the output: Markdown text, or the source of a code cell."""

    kind: str  # "markdown" or "code"
    text: str
    indent: str = ""  # indentation of the directive a code block replaced


@dataclass
class _Directive:
    name: str
    argument: str
    options: dict[str, str]
    content: str
    line: int  # 1-based line of the page where the directive starts
    content_line: int  # ... and where its content starts


def _parser(extensions: frozenset[str]) -> MarkdownIt:
    return _PARSERS.get(extensions) or _PARSERS.setdefault(
        extensions,
        create_md_parser(
            MdParserConfig(enable_extensions=set(extensions)), RendererHTML
        ),
    )


_PARSERS: dict[frozenset[str], MarkdownIt] = {}


def _walk(tokens: Iterable[Token]) -> Iterable[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _escape(text: str) -> str:
    """Escape a pasted value, so that Markdown shows it as it is."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _indent(text: str, prefix: str) -> str:
    return "".join(
        prefix + line if line.strip() else line for line in text.splitlines(True)
    )


class _Converter:
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
        self.parser = _parser(frozenset(book.myst_extensions))
        self.section_level = 1
        self.exercises = 0
        self.exercise_names: dict[str, str] = {}
        self.uses_glue = False

    # -- errors ----------------------------------------------------------------

    def error(self, line: int | None, message: str) -> NotebookConversionError:
        return NotebookConversionError(self.chapter, line, message)

    # -- the notebook ----------------------------------------------------------

    def convert(self) -> nbformat.NotebookNode:
        # Imported here: a rebuild that converts no page never needs it.
        import jupytext

        source = jupytext.reads(self.text, fmt="md:myst")
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
        _number_cells(notebook)
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
                    + " (a bug of bookbuild.notebooks: please report it)",
                )

    def _cells(self, blocks: list[_Block]) -> list[nbformat.NotebookNode]:
        cells = []
        for block in _merge(blocks):
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

    def markdown(self, text: str, line: int | None) -> list[_Block]:
        """Rewrite a Markdown text starting at page ``line`` into blocks."""
        lines = text.splitlines()
        tokens = self.parser.parse(text)
        dropped: set[int] = set()
        if self.translate is not None:
            lines, dropped = self._translated_lines(tokens, lines)
        edits: dict[int, tuple[int, list[_Block] | None]] = {}  # start -> (end, blocks)
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
                    [_Block("markdown", self._labelled_math(token, lines))],
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
                edits[start] = (end, [_Block("markdown", _definition_list(prose))])
                consumed_until = end
        return self._assemble(lines, edits, verbatim, line, dropped)

    def _assemble(
        self,
        lines: list[str],
        edits: dict[int, tuple[int, list[_Block] | None]],
        verbatim: set[int],
        line: int | None,
        dropped: set[int],
    ) -> list[_Block]:
        blocks: list[_Block] = []
        prose: list[str] = []
        prose_start = 0
        dedent = ""

        def flush() -> None:
            if prose:
                at = None if line is None else line + prose_start
                blocks.append(
                    _Block("markdown", self.inline("\n".join(prose), at) + "\n")
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
                blocks.append(_Block("markdown", text + "\n"))
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

    # -- directives --------------------------------------------------------------

    def _directive(
        self, token: Token, lines: list[str], start: int, at: int | None
    ) -> _Directive:
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
        return _Directive(
            name=match["name"],
            argument=match["argument"].strip(),
            options=options,
            content="\n".join(body[skip:]),
            line=at if at is not None else 0,
            content_line=(at + 1 + skip) if at is not None else 0,
        )

    def _rewrite_directive(self, directive: _Directive, indent: str) -> list[_Block]:
        name = directive.name
        if name in DROPPED:
            return []
        if name in ADMONITIONS:
            return self._quote(directive, indent)
        if name in CONTAINERS:
            return self._reindent(self._content(directive), indent)
        if name in CARDS:
            return self._card(directive, indent)
        handler: Callable[[_Directive, str], list[_Block]] | None = {
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
                "as raw MyST. Teach bookbuild/notebooks.py to rewrite it, or use "
                "another directive",
            )
        return handler(directive, indent)

    def _content(self, directive: _Directive) -> list[_Block]:
        return self.markdown(directive.content, directive.content_line or None)

    def _reindent(self, blocks: list[_Block], indent: str) -> list[_Block]:
        if not indent:
            return blocks
        return [
            _Block("markdown", _indent(b.text, indent)) if b.kind == "markdown" else b
            for b in blocks
        ]

    def _quote(self, directive: _Directive, indent: str) -> list[_Block]:
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
        for block in _merge(self._content(directive)):
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
            blocks.append(_Block("markdown", "\n" + _indent(quoted, indent) + "\n\n"))
        if first and title_text:
            blocks.insert(0, _Block("markdown", f"\n{indent}> **{title_text}**\n\n"))
        return blocks

    def _card(self, directive: _Directive, indent: str) -> list[_Block]:
        title = self.inline(self.message(directive.argument), directive.line or None)
        link = directive.options.get("link", "")
        if title and link:
            url = self._card_link(
                link, directive.options.get("link-type", "url"), directive
            )
            title = f"[{title}]({url})"
        head = [_Block("markdown", f"\n{indent}**{title}**\n\n")] if title else []
        return head + self._reindent(self._content(directive), indent)

    def _card_link(self, link: str, link_type: str, directive: _Directive) -> str:
        if link_type == "doc":
            return self.book.page_url(self._docname(link), from_doc=self.docname)
        if link_type == "ref":
            docname, anchor, _ = self._label(link, directive.line or None)
            return self.book.page_url(docname, anchor, from_doc=self.docname)
        return link

    def _exercise(self, directive: _Directive, indent: str) -> list[_Block]:
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

    def _solution(self, directive: _Directive, indent: str) -> list[_Block]:
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
        self, directive: _Directive, indent: str, level: int, heading: str
    ) -> list[_Block]:
        """Return a heading at ``level``, then the directive's content.

        The ``*-start`` form has no content: its cells follow on the page.
        """
        head = _Block("markdown", f"\n{indent}{'#' * min(level, 6)} {heading}\n\n")
        if directive.name.endswith("-start"):
            return [head]
        return [head, *self._reindent(self._content(directive), indent)]

    def _figure(self, directive: _Directive, indent: str) -> list[_Block]:
        alt = self.message(directive.options.get("alt", "")).strip()
        if not alt:
            raise self.error(
                directive.line or None, f"the {{{directive.name}}} has no :alt:"
            )
        url = self._image_url(directive.argument)
        text = f"![{_escape(' '.join(alt.split()))}]({url})\n"
        if directive.name == "figure" and directive.content.strip():
            caption = self.inline(
                self.message(directive.content.strip()), directive.content_line or None
            )
            number = self._number(directive.options.get("name"))
            text += f"\n**{number}.** {caption}\n" if number else f"\n{caption}\n"
        return [_Block("markdown", "\n" + _indent(text, indent) + "\n")]

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

    def _math(self, directive: _Directive, indent: str) -> list[_Block]:
        label = directive.options.get("label") or directive.options.get("name")
        number = self.book.equations.get(label, (None, None))[1] if label else None
        tag = f"\n\\tag{{{number}}}" if number else ""
        body = (directive.argument + "\n" + directive.content).strip()
        return [
            _Block("markdown", "\n" + _indent(f"$$\n{body}{tag}\n$$\n", indent) + "\n")
        ]

    def _code_block(self, directive: _Directive, indent: str) -> list[_Block]:
        language = directive.argument or "python"
        fence = "````" if "```" in directive.content else "```"
        text = f"{fence}{language}\n{directive.content}\n{fence}\n"
        return [_Block("markdown", "\n" + _indent(text, indent) + "\n")]

    def _table(self, directive: _Directive, indent: str) -> list[_Block]:
        caption = self._table_caption(directive)
        return [*caption, *self._reindent(self._content(directive), indent)]

    def _table_caption(self, directive: _Directive) -> list[_Block]:
        if not directive.argument:
            return []
        caption = self.inline(self.message(directive.argument), directive.line or None)
        number = self._number(directive.options.get("name"))
        text = f"**{number}.** {caption}" if number else f"**{caption}**"
        return [_Block("markdown", f"\n{text}\n\n")]

    def _list_table(self, directive: _Directive, indent: str) -> list[_Block]:
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
            _Block("markdown", "\n" + _indent(text + "\n", indent) + "\n"),
        ]

    def _literalinclude(self, directive: _Directive, indent: str) -> list[_Block]:
        at = directive.line or None
        options = directive.options
        unsupported = sorted(set(options) - LITERALINCLUDE_OPTIONS)
        if unsupported:
            raise self.error(
                at,
                f"the {{literalinclude}} options {', '.join(unsupported)} have no "
                "notebook form (bookbuild/notebooks.py prints the source with "
                "inspect.getsource)",
            )
        module = self._module_of(directive.argument, at)
        code = listing_code(module, options.get("pyobject", ""), options)
        blocks = []
        if options.get("caption"):
            caption = self.inline(self.message(options["caption"]), at)
            blocks.append(_Block("markdown", f"\n{indent}*{caption}*\n\n"))
        blocks.append(_Block("code", code, indent=indent))
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

    # -- roles -------------------------------------------------------------------

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
            "MyST. Teach bookbuild/notebooks.py to rewrite it, or use another role",
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
            return _escape(plain)
        try:
            return _escape(format_plain_text(plain, fmt))
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


def _split_title(content: str) -> tuple[str, str]:
    """Split ``title <target>`` into its parts (title "" when there is none)."""
    match = _TITLED_TARGET.match(content.strip())
    if match and match["title"]:
        return " ".join(match["title"].split()), match["target"].strip()
    return "", content.strip()


def _merge(blocks: list[_Block]) -> list[_Block]:
    merged: list[_Block] = []
    for block in blocks:
        if merged and block.kind == "markdown" and merged[-1].kind == "markdown":
            merged[-1] = _Block("markdown", merged[-1].text + block.text)
        else:
            merged.append(_Block(block.kind, block.text, block.indent))
    for block in merged:
        if block.kind == "markdown":
            block.text = re.sub(r"\n{3,}", "\n\n", block.text)
    return merged


def _definition_list(text: str) -> str:
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


def _number_cells(notebook: nbformat.NotebookNode) -> None:
    """Give the cells ids derived from their content (stable, unique, no randomness)."""
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        digest = hashlib.sha256(
            json.dumps([cell.cell_type, cell.source], ensure_ascii=False).encode()
        ).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
        if cell.cell_type == "code":
            cell["execution_count"] = None
            cell["outputs"] = []


# --- Sphinx ------------------------------------------------------------------------

LOGGER = logging.getLogger(__name__)


def setup(app: Sphinx) -> None:
    """Write the notebooks after an HTML build and link them from every page.

    Config values: ``bookbuild_repository_url`` and
    ``bookbuild_repository_branch`` (where the install cell installs nnbasics
    from; default: ``html_theme_options["repository_url"]`` and
    ``["repository_branch"]``) and ``bookbuild_notebooks_branch`` (the branch
    the deploy workflow pushes the notebooks to, for Colab).
    """
    app.add_config_value("bookbuild_repository_url", "", "html", str)
    app.add_config_value("bookbuild_repository_branch", "", "html", str)
    app.add_config_value("bookbuild_notebooks_branch", "notebooks", "html", str)
    # After sphinx-book-theme has made its header buttons (priority 501).
    app.connect("html-page-context", _add_buttons, priority=502)
    app.connect("build-finished", _write_notebooks)


def repository(app: Sphinx) -> tuple[str, str]:
    """Return the repository URL and branch that the install cell uses."""
    theme = app.config.html_theme_options or {}
    url = app.config.bookbuild_repository_url or theme.get("repository_url", "")
    branch = app.config.bookbuild_repository_branch or theme.get(
        "repository_branch", ""
    )
    return url, branch or "main"


def is_mystnb_page(app: Sphinx, docname: str) -> bool:
    """Whether ``docname`` is a MyST Markdown notebook (``file_format: mystnb``)."""
    return mystnb_source(app, docname) is not None


def mystnb_source(app: Sphinx, docname: str) -> str | None:
    """Return the text of ``docname`` if it is a MyST Markdown notebook, else None."""
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".md" or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return text if is_myst_markdown_notebook(text) else None


def _add_buttons(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if (
        app.builder.name != "html"
        or doctree is None
        or not is_mystnb_page(app, pagename)
    ):
        return
    notebook = context["pathto"](f"{NOTEBOOKS_DIR}/{pagename}.ipynb", 1)
    colab = colab_url(
        repository(app)[0],
        pagename,
        app.config.bookbuild_notebooks_branch,
        LANGUAGES.get(language_of(app), {}).get("folder", ""),
    )
    word = interface_words(app)
    context["bookbuild_notebook_url"] = notebook
    context["bookbuild_colab_url"] = colab
    buttons = context.get("header_buttons")
    if buttons is None:  # not sphinx-book-theme: templates can use the URLs above
        return
    download = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if download is not None:
        entries = [
            b
            for b in download["buttons"]
            if b.get("label") != "download-notebook-button"
        ]
        entries.insert(0, {
            "type": "link",
            "url": notebook,
            "text": ".ipynb",
            "icon": "fas fa-code",
            "tooltip": word(DOWNLOAD_TOOLTIP),
            "label": "download-notebook-button",
        })  # fmt: skip
        download["buttons"] = entries
    if colab is None:
        return
    launch = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if launch is None:
        launch = {
            "type": "group",
            "tooltip": word(LAUNCH_TOOLTIP),
            "icon": "fas fa-rocket",
            "buttons": [],
            "label": "launch-buttons",
        }
        buttons.insert(0, launch)
    launch["buttons"] = [b for b in launch["buttons"] if b.get("text") != "Colab"] + [{
        "type": "link",
        "text": "Colab",
        "tooltip": word(COLAB_TOOLTIP),
        "icon": "fa-colab",  # drawn by bookbuild.assets: no image to download
        "url": colab,
        "label": "colab-button",
    }]  # fmt: skip


def interface_words(app: Sphinx) -> Callable[[str], str]:
    """Return ``msgid -> text`` of the converter's words in the build's language.

    The book's ``bookbuild`` catalogue first, then Sphinx's own (which has
    the admonitions' default titles); the identity in English.
    """
    if language_of(app) == ENGLISH:
        return str
    book_words = get_translation(CATALOGUE)
    sphinx_words = get_translation("sphinx")

    def word(msgid: str) -> str:
        text = str(book_words(msgid))
        return text if text != msgid else str(sphinx_words(msgid))

    return word


def page_catalogue(app: Sphinx, docname: str) -> tuple[Callable[[str], str], str]:
    """Return the translation of a page's messages, and a digest of its catalogue.

    The catalogue is the one Sphinx translates the page with: the compiled
    ``<locale dir>/<language>/LC_MESSAGES/<domain>.mo`` of every
    ``locale_dirs`` entry, the first that has a message winning. In English,
    or for a page without a catalogue, messages stay as they are.
    """
    language = language_of(app)
    if language == ENGLISH:
        return str, ""
    domain = docname_to_domain(docname, app.config.gettext_compact)
    catalogue: gettext.NullTranslations = gettext.NullTranslations()
    digest = hashlib.sha256()
    for folder in app.config.locale_dirs:
        found = gettext.find(domain, str(Path(app.srcdir, folder)), [language])
        if found is None:
            continue
        data = Path(found).read_bytes()
        digest.update(data)
        # Not gettext.translation: it caches by path, and the .mo may change.
        catalogue.add_fallback(gettext.GNUTranslations(io.BytesIO(data)))
    return catalogue.gettext, digest.hexdigest()


def book_from_env(app: Sphinx) -> Book:
    """Collect what the build knows about the book: titles, labels, numbers."""
    env, config = app.env, app.config
    std = env.domaindata["std"]
    labels = {k: (d, a, t) for k, (d, a, t) in std["labels"].items()}
    for key, (docname, anchor) in std["anonlabels"].items():
        labels.setdefault(key, (docname, anchor, ""))
    by_anchor = {(d, a): k for k, (d, a, _) in sorted(labels.items())}
    numbers: dict[str, tuple[str, str]] = {}
    for docname, kinds in env.toc_fignumbers.items():
        for kind, anchors in kinds.items():
            fmt = config.numfig_format.get(kind, "%s")
            for anchor, number in anchors.items():
                label = by_anchor.get((docname, anchor))
                if label and kind != "displaymath":
                    numbers[label] = (fmt, ".".join(map(str, number)))
    equations = {}
    for label, (docname, number) in env.domaindata["math"].get("objects", {}).items():
        if config.numfig and config.math_numfig:
            fignumber = env.toc_fignumbers.get(docname, {}).get("displaymath", {})
            found = fignumber.get(f"equation-{label}")
            equations[label] = (
                docname,
                ".".join(map(str, found)) if found else str(number),
            )
        else:
            equations[label] = (docname, str(number))
    api = {
        name: (entry.docname, entry.node_id)
        for name, entry in env.domaindata.get("py", {}).get("objects", {}).items()
    }
    images = {
        path: f"{app.builder.imagedir}/{unique}"
        for path, (_, unique) in env.images.items()
    }
    url, branch = repository(app)
    return Book(
        title=config.project,
        repository_url=url,
        repository_branch=branch,
        base_url=config.html_baseurl or "",
        srcdir=Path(app.srcdir),
        myst_extensions=frozenset(config.myst_enable_extensions),
        titles={d: t.astext() for d, t in env.titles.items()},
        labels=labels,
        numbers=numbers,
        equations=equations,
        api=api,
        images=images,
        language=language_of(app),
        exercise_format=config.numfig_format.get("exercise", "Exercise %s"),
    )


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    url, _ = repository(app)
    if not url:
        LOGGER.warning(
            "no notebooks written: set bookbuild_repository_url (or the theme's "
            "repository_url) so that they can install nnbasics",
            type="bookbuild",
            subtype="notebook",
        )
        return
    book = book_from_env(app)
    word = interface_words(app)
    interface = None if book.language == ENGLISH else word
    words = json.dumps([word(m) for m in (*INTERFACE_MESSAGES, book.title)])
    glue_folder = Path(app.env.mystnb_config.output_folder)
    folder = Path(app.outdir) / NOTEBOOKS_DIR
    manifest_path = Path(app.doctreedir) / MANIFEST
    previous = _read_manifest(manifest_path)
    manifest: dict[str, dict[str, str]] = {}
    written = set()
    converted = 0
    book_key = _book_key(book) + words
    for docname in sorted(app.env.found_docs):
        text = mystnb_source(app, docname)
        if text is None:
            continue
        path = Path(app.env.doc2path(docname))
        glue_file = glue_folder.joinpath(*f"{docname}.glue.json".split("/"))
        glue_text = glue_file.read_text("utf-8") if glue_file.is_file() else "{}"
        target = folder.joinpath(*f"{docname}.ipynb".split("/"))
        translate, catalogue = page_catalogue(app, docname)
        key = _sha256(
            "\0".join((book_key, docname, text, glue_text, catalogue)).encode()
        )
        # The notebook depends on nothing but the page, its glued values, the
        # book around it and this converter: same key, same bytes.
        if _is_current(target, previous.get(docname), key):
            manifest[docname] = previous[docname]
            written.add(target)
            continue
        try:
            notebook = myst_to_notebook(
                text,
                glued=glue_data(json.loads(glue_text)),
                docname=docname,
                source_path=path,
                book=book,
                translate=None if book.language == ENGLISH else translate,
                interface=interface,
            )
        except NotebookConversionError as error:
            LOGGER.warning(
                "no notebook for this page: %s",
                error.message,
                location=(docname, error.line),
                type="bookbuild",
                subtype="notebook",
            )
            continue
        except Exception as error:  # jupytext and friends raise many kinds
            LOGGER.warning(
                "no notebook for this page: it could not be read (%s)",
                " ".join(str(error).split())[:300],
                location=docname,
                type="bookbuild",
                subtype="notebook",
            )
            continue
        content = notebook_bytes(notebook)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
        manifest[docname] = {"key": key, "sha256": _sha256(content)}
        written.add(target)
        converted += 1
    for stale in folder.rglob("*.ipynb") if folder.is_dir() else []:
        if stale not in written:
            stale.unlink()
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    LOGGER.info(
        "bookbuild: %d notebooks in %s (%d converted, %d unchanged)",
        len(written),
        folder,
        converted,
        len(written) - converted,
    )


# Where the last build recorded each notebook's key and bytes (in the doctree
# folder, out of the published site).
MANIFEST = "bookbuild-notebooks.json"
# The converter: this module and the libraries it parses and writes with.
_CONVERTER_KEY = hashlib.sha256(
    Path(__file__).read_bytes()
    + " ".join(
        f"{name}=={version(name)}"
        for name in ("jupytext", "myst-parser", "myst-nb", "nbformat", "markdown-it-py")
    ).encode()
).hexdigest()


def _book_key(book: Book) -> str:
    """Return a text that changes exactly when ``book`` or this converter changes.

    (``repr`` would not do: a frozenset's order changes with the hash seed.)
    """

    def plain(value: object) -> object:
        return sorted(value) if isinstance(value, (set, frozenset)) else str(value)

    return _CONVERTER_KEY + json.dumps(asdict(book), sort_keys=True, default=plain)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(path: Path) -> dict[str, dict[str, str]]:
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _is_current(target: Path, entry: object, key: str) -> bool:
    """Whether ``target`` holds the notebook that ``key`` describes.

    The recorded key must match and the file must still hold the bytes the
    build wrote (a notebook deleted or edited by hand is converted again).
    """
    if not isinstance(entry, dict) or entry.get("key") != key:
        return False
    try:
        return _sha256(target.read_bytes()) == entry.get("sha256")
    except OSError:
        return False

"""The parts of a chapter's notebook that do not come from its MyST.

The :class:`Book` a page links into, the error the converter raises, the cells
every notebook starts with (title, install, language, a stand-in for
``myst_nb.glue``), the cell that prints a ``{literalinclude}`` listing from the
reader's installed package, and the notebook's bytes. The converter
(:mod:`bookbuild.notebook_converter`) assembles them with the chapter's cells.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat

from .folders import ENGLISH

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


def number_cells(notebook: nbformat.NotebookNode) -> None:
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

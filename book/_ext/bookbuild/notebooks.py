r"""The chapters' notebooks in the site: written after the build, linked from each page.

:func:`setup` connects the hooks. After an HTML build has succeeded,
:func:`bookbuild.notebook_converter.myst_to_notebook` turns every MyST-NB page
into ``<outdir>/notebooks/<docname>.ipynb`` (a notebook is converted again
only when its page, glued values, catalogue, the book around it or the
converter change); the theme's ``.ipynb`` download button points at that file
and a Colab launch button is added. Colab opens notebooks from GitHub, so the
deploy workflow pushes ``_build/html/notebooks/*.ipynb`` to the root of the
branch ``bookbuild_notebooks_branch`` (default ``notebooks``).
"""

from __future__ import annotations

import gettext
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import markdown_it
import myst_nb
import myst_parser
import nbformat
from docutils import nodes
from myst_nb.core.read import is_myst_markdown_notebook
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain

from .folders import ENGLISH
from .i18n import CATALOGUE, LANGUAGES, language_of
from .notebook_converter import myst_to_notebook
from .notebook_parts import (
    COLAB_TOOLTIP,
    DOWNLOAD_TOOLTIP,
    INTERFACE_MESSAGES,
    LAUNCH_TOOLTIP,
    Book,
    NotebookConversionError,
    colab_url,
    glue_data,
    notebook_bytes,
)

NOTEBOOKS_DIR = "notebooks"
"""Folder of the site (under the HTML output folder) that holds the notebooks."""


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
        except Exception as error:  # the readers and YAML raise many kinds
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
# The converter: its modules and the libraries it parses and writes with.
_CONVERTER_MODULES = (
    "notebooks.py",
    "notebook_converter.py",
    "notebook_parts.py",
    "myst_directives.py",
    "myst_roles.py",
)
_CONVERTER_KEY = hashlib.sha256(
    b"".join(Path(__file__).with_name(name).read_bytes() for name in _CONVERTER_MODULES)
    # (their __version__, not importlib.metadata: Sphinx has imported them
    # already, and reading four packages' metadata took 0.05 s every build)
    + " ".join(
        f"{module.__name__}=={module.__version__}"
        for module in (myst_parser, myst_nb, nbformat, markdown_it)
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

"""Pages load only what they show: icons as inline SVG, no unused scripts, lazy images.

A chapter of the book is text, a few figures and some code, yet the theme
(pydata-sphinx-theme under sphinx-book-theme) and the extensions put on every
page whatever any page might use. This module trims that, page by page, so
that a chapter loads in a fraction of the bytes and paints sooner on a phone
(``make bench`` measures it with Lighthouse; ``tests/test_assets.py`` checks
the rules in the built HTML).

Icons
    Font Awesome's script (1.5 MB), web fonts and rules are dropped; the
    icons are drawn by a small generated stylesheet (:mod:`bookbuild.icon_stylesheet`).

Scripts and styles a page does not use
    sphinx-design's tab script and stylesheet only go on pages with its
    components, togglebutton's on pages with something to toggle,
    copybutton's on pages with code; Sphinx's search index and search tools
    (which pydata-sphinx-theme puts on every page for search-as-you-type)
    only when that option is on: the search page loads its own. The theme's
    hard-coded tags are filtered by ``book/_templates/layout.html`` with
    :func:`without_unused_scripts`.

The first paint
    The head's scripts are deferred (but on the search page, whose search
    tools run at once); ``documentation_options.js``, which the page's inline
    scripts extend, is inlined instead (300 bytes). The theme's script
    preloads go, and ``basic.css``, which the theme's first stylesheet
    ``@import``s, is preloaded. The theme resolves the colour mode "auto" to
    light or dark only in its deferred script, so pages would first paint
    with neither palette (and an unset mode logs an error): a tiny inline
    script in the head resolves it before the first paint.

Rules no page uses
    Most of what the theme's stylesheets style, this book never shows: the
    stylesheets lose those rules as :mod:`bookbuild.bundle` puts them into
    each page's one stylesheet.

Images
    Every content image gets ``width``/``height`` (from the notebook output's
    metadata, else from the file), so that the browser reserves its space
    (no layout shift), and ``loading="lazy"`` unless it comes so early in the
    page (less than :data:`EAGER_TEXT_CHARS` characters of text before it)
    that it may be on the first screen of a phone.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.images import get_image_size

from bookbuild.css import without_font_awesome
from bookbuild.folders import build_folder, suffix
from bookbuild.icon_stylesheet import STYLESHEET, load_icons, stylesheet

EAGER_TEXT_CHARS = 600
"""An image with less text than this before it may be on a phone's first screen."""

OPTIONAL_ASSETS: dict[str, Callable[[nodes.document], bool]] = {}
"""Asset file name -> whether a page's doctree needs it (filled below)."""

INLINED_SCRIPTS = frozenset({"documentation_options.js"})
"""Tiny head scripts that the page's inline scripts extend: inlined themselves."""

THEME_STYLESHEET = "styles/theme.css"
IMPORTED_STYLESHEET = "basic.css"
"""pydata-sphinx-theme's first stylesheet ``@import``s Sphinx's: it is preloaded."""

THEME_SCRIPT = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="(?P<src>[^"]*)"[^>]*>\s*</script>\n?'
    r'|[ \t]*<link\b(?=[^>]*\brel="preload")(?=[^>]*\bas="script")'
    r'[^>]*\bhref="(?P<href>[^"]*)"[^>]*>\n?'
)
FONT_AWESOME_SCRIPT = "scripts/fontawesome.js"
SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")

THEME_MODE_SCRIPT = (
    "(function(d){var m=d.dataset.mode;"
    'if(m!=="light"&&m!=="dark"){m="auto";d.dataset.mode=m}'
    'd.dataset.theme=m!=="auto"?m:'
    'matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"'
    "})(document.documentElement);"
)
"""Resolves the colour mode before the first paint (the theme's script is deferred)."""


# --- the icon stylesheet ------------------------------------------------------------


def is_website(app: Sphinx) -> bool:
    """Whether the build writes the web site (not an e-book or LaTeX).

    The EPUB builder also writes HTML (``builder.format == "html"``), but with
    its own plain theme: none of the web theme's files are there to trim.
    """
    return app.builder.name in {"html", "dirhtml"}


def static_folder(app: Sphinx) -> Path:
    """Where the generated stylesheet is written (added to ``html_static_path``)."""
    return build_folder(app) / f".bookbuild-static{suffix(app)}"


def _write_stylesheets(app: Sphinx) -> None:
    """Generate the icon stylesheet and the trimmed theme stylesheet."""
    if not is_website(app):
        return
    folder = static_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    css = stylesheet(load_icons())
    target = folder / STYLESHEET
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        target.write_text(css, encoding="utf-8")
    _write_theme_stylesheet(app, folder)
    if str(folder) not in app.config.html_static_path:
        app.config.html_static_path.append(str(folder))
    app.add_css_file(STYLESHEET)
    app.add_js_file(None, body=THEME_MODE_SCRIPT, priority=0)


# --- the theme's stylesheet without Font Awesome -------------------------------------

THEME_CSS = "styles/pydata-sphinx-theme.css"
"""pydata-sphinx-theme's stylesheet, which bundles Font Awesome's (a third of it)."""

UNUSED_FILES = (
    "scripts/fontawesome.js",
    "scripts/fontawesome.js.map",
    "scripts/fontawesome.js.LICENSE.txt",
    "styles/pydata-sphinx-theme.css.map",  # maps the stylesheet before trimming
    "styles/sphinx-book-theme.css.map",  # likewise
    "vendor/fontawesome",
)
"""Font Awesome's files in ``_static``, which no page loads any more."""


def _write_theme_stylesheet(app: Sphinx, folder: Path) -> None:
    """Put the theme's stylesheet without Font Awesome in ``folder``.

    ``folder`` is on ``html_static_path``, whose files Sphinx copies over the
    theme's own. The result is kept, with the digest of the theme's file it
    came from, until the theme changes.
    """
    theme = getattr(app.builder, "theme", None)
    dirs = theme.get_theme_dirs() if theme is not None else []
    sources = [Path(d, "static", THEME_CSS) for d in dirs]
    source = next((path for path in sources if path.is_file()), None)
    if source is None:
        return
    css = source.read_bytes()
    digest = hashlib.sha256(css).hexdigest()
    target = folder / THEME_CSS
    stamp = target.with_name(f".{target.name}.sha256")  # dotfiles are not copied
    if target.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(without_font_awesome(css.decode("utf-8")), encoding="utf-8")
    stamp.write_text(digest)


def _copy_extension_stylesheets(app: Sphinx) -> None:
    """Copy myst-nb's and sphinx-exercise's stylesheets before pages are written.

    Both copy theirs when the build has finished, so the pages of a first
    build linked them without the ``?v=<checksum>`` that the pages of every
    later build get: two builds of one commit differed, and a changed
    stylesheet could be served from a browser's cache.
    """
    if not is_website(app):
        return
    from myst_nb.sphinx_ext import add_global_html_resources
    from sphinx_exercise import copy_asset_files

    (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    add_global_html_resources(app, None)
    copy_asset_files(app, None)


def _remove_unused_files(app: Sphinx, exception: Exception | None) -> None:
    """Remove Font Awesome's script and fonts from the built site."""
    if exception is not None or not is_website(app):
        return
    static = Path(app.outdir) / "_static"
    for name in UNUSED_FILES:
        path = static / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        parent = path.parent
        if parent != static and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()  # vendor/, now empty


# --- what a page needs -------------------------------------------------------------


def _has_class(doctree: nodes.document, *prefixes: str) -> bool:
    return any(
        cls.startswith(prefixes)
        for node in doctree.findall(nodes.Element)
        for cls in node.get("classes", [])
    )


def _has_toggle(doctree: nodes.document) -> bool:
    # togglebutton's selector: '.toggle, .admonition.dropdown'
    return any(
        "toggle" in node.get("classes", []) or "dropdown" in node.get("classes", [])
        for node in doctree.findall(nodes.Element)
    )


def _has_code(doctree: nodes.document) -> bool:
    return any(
        isinstance(node, (nodes.literal_block, nodes.doctest_block))
        for node in doctree.findall(nodes.Element)
    )


def _has_math(doctree: nodes.document) -> bool:
    return any(
        isinstance(node, (nodes.math, nodes.math_block))
        for node in doctree.findall(nodes.Element)
    )


def _has_design(doctree: nodes.document) -> bool:
    return _has_class(doctree, "sd-")


def _has_tabs(doctree: nodes.document) -> bool:
    return _has_class(doctree, "sd-tab-set")


OPTIONAL_ASSETS.update({
    "design-tabs.js": _has_tabs,
    "sphinx-design.min.css": _has_design,
    "togglebutton.js": _has_toggle,
    "togglebutton.css": _has_toggle,
    "clipboard.min.js": _has_code,
    "copybutton.js": _has_code,
    "copybutton.css": _has_code,
    "temml.css": _has_math,
})  # fmt: skip


def _basename(filename: object) -> str:
    return Path(str(filename)).name if filename else ""


def _needed(asset: object, doctree: nodes.document | None) -> bool:
    name = _basename(getattr(asset, "filename", asset))
    test = OPTIONAL_ASSETS.get(name)
    return test is None or (doctree is not None and test(doctree))


def _deferred(script: Any) -> Any:
    """Return the script deferred (as a new object: Sphinx's are immutable)."""
    attributes = dict(getattr(script, "attributes", {}))
    name = _basename(getattr(script, "filename", ""))
    if (
        not name
        or {"defer", "async"} & set(attributes)
        or attributes.get("type") == "module"
    ):
        return script
    attributes["defer"] = "defer"
    return type(script)(script.filename, priority=script.priority, **attributes)


def without_unused_scripts(html: str, *, search_as_you_type: bool = False) -> str:
    """Remove the theme's hard-coded script tags that no page needs.

    That is Font Awesome's script (the icons are CSS, see above) and, unless
    search-as-you-type is on, the search index and tools (the search page
    loads its own). The theme's ``<link rel="preload" as="script">`` hints go
    too: they fetch its two scripts, deferred at the end of the page anyway,
    at high priority, alongside the stylesheets that the first paint waits
    for.
    """
    unused = [FONT_AWESOME_SCRIPT]
    if not search_as_you_type:
        unused += SEARCH_SCRIPTS

    def keep(match: re.Match[str]) -> str:
        if match["href"] is not None:
            return ""  # a preload hint: see the docstring
        path = match["src"].split("?", 1)[0]
        return "" if path.endswith(tuple(unused)) else match[0]

    return THEME_SCRIPT.sub(keep, html)


def _trim_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if not is_website(app):
        return
    static = Path(app.outdir) / "_static"
    search_as_you_type = (
        str(context.get("theme_search_as_you_type", "")).lower() == "true"
    )
    # Sphinx's search tools run as soon as they load and need doctools.js:
    # where a page has them, its scripts stay synchronous.
    defer = pagename != "search" and not search_as_you_type
    # In place: the lists are the builder's, which it resets for every page.
    if isinstance(context.get("script_files"), list):
        context["script_files"][:] = [
            _inlined(js, static) if defer else js
            for js in context["script_files"]
            if _needed(js, doctree)
        ]
        if defer:
            context["script_files"][:] = map(_deferred, context["script_files"])
    if isinstance(context.get("css_files"), list):
        context["css_files"][:] = [
            css for css in context["css_files"] if _needed(css, doctree)
        ]
    context["bookbuild_without_unused_scripts"] = partial(
        without_unused_scripts, search_as_you_type=search_as_you_type
    )
    metatags = context.get("metatags", "")
    if _imports(static / THEME_STYLESHEET, IMPORTED_STYLESHEET):
        # the theme's first stylesheet @imports Sphinx's: fetch both at once
        href = context["pathto"](f"_static/{IMPORTED_STYLESHEET}", 1)
        metatags += f'\n    <link rel="preload" href="{href}" as="style" />'
    context["metatags"] = metatags


def _imports(stylesheet: Path, imported: str) -> bool:
    """Whether ``stylesheet`` (a built file) ``@import``s ``imported``."""
    try:
        text = stylesheet.read_text(encoding="utf-8")
    except OSError:
        return False
    return (
        re.search(rf"@import\s+(url\()?[\"']?[./]*{re.escape(imported)}", text)
        is not None
    )


def _file_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _inlined(script: Any, static: Path) -> Any:
    """Return a tiny script that inline scripts extend as an inline script.

    ``documentation_options.js`` (300 bytes) must run before the inline
    scripts that add to it: as a file it would block rendering.
    """
    name = _basename(getattr(script, "filename", ""))
    if name not in INLINED_SCRIPTS:
        return script
    text = _file_text(static / name)
    if text is None or "</script" in text.lower():
        return script
    return type(script)("", priority=script.priority, body=text.strip())


# --- images ------------------------------------------------------------------------


class SizeAndLazyLoadImages(SphinxPostTransform):
    """Give every image a size and load those below the first screen lazily."""

    default_priority = 900  # after myst-nb has chosen each cell's output
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Size every image; mark those after the first screen of text lazy."""
        text_before = 0
        for node in self.document.findall():
            if isinstance(node, nodes.Text):
                text_before += len(node)
            elif isinstance(node, nodes.image):
                self._size(node)
                if text_before >= EAGER_TEXT_CHARS and "loading" not in node:
                    node["loading"] = "lazy"

    def _size(self, node: nodes.image) -> None:
        if "width" in node and "height" in node:
            return
        path = self._file(node)
        size = get_image_size(str(path)) if path is not None else None
        if not size:
            return
        width, height = size
        if "width" in node:  # keep the author's width, scale the height
            try:
                scale = float(node["width"]) / width
            except ValueError:  # a width with a unit ("50%"): leave it
                return
            node["height"] = str(round(height * scale))
        elif "height" not in node:
            node["width"], node["height"] = str(width), str(height)

    def _file(self, node: nodes.image) -> Path | None:
        candidate = node.get("candidates", {}).get("*") or node.get("uri", "")
        if not candidate or "://" in candidate or candidate.startswith("data:"):
            return None
        for path in (Path(candidate), Path(self.app.srcdir) / candidate):
            if path.is_file():
                return path
        return None


def setup(app: Sphinx) -> None:
    """Trim every page's assets, draw the icons with CSS, size and lazy-load images."""
    app.connect("builder-inited", _write_stylesheets)
    app.connect("builder-inited", _copy_extension_stylesheets)
    # After the themes and extensions have added their files (priority 500).
    app.connect("html-page-context", _trim_page, priority=900)
    app.connect("build-finished", _remove_unused_files)
    app.add_post_transform(SizeAndLazyLoadImages)

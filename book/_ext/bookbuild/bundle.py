"""One stylesheet a page: the site's stylesheets bundled when the build ends.

A chapter links about a dozen stylesheets: Sphinx's, the theme's two,
Pygments', myst-nb's, the extensions' and the book's own. Each blocks the
first paint, and a phone fetches them a few at a time (six connections to a
host over HTTP/1.1), so the page waited for three rounds of requests before
it could paint: on Lighthouse's mobile preset the first paint came about
0.6 s later with twelve files than with one (``make bench``).

So once the build has finished (after :mod:`bookbuild.assets` has removed the
theme's unused rules), every page's local stylesheet links are replaced by
one link to a bundle: the same files, concatenated in the same order, with
their ``@import``s inlined and their ``url()``s rewritten to point from the
bundle's folder to the same files. A bundle is named after its content
(``_static/bundles/<sha256>.css``), so a browser never keeps a stale one. The
link keeps the list of files it stands for (``data-bundle``): a later build,
which may leave the page as it is, bundles the current files again. Bundles
that no page links any more are removed.

Each stylesheet enters the bundle without the rules no page uses: every
selector that names a class or id that no page and no script of the site
contains goes, as PurgeCSS does (:func:`bookbuild.css.without_unused_rules`,
on tinycss2's parser). Most of what the theme and the extensions style is
never shown here (Bootstrap's carousels and modals, myst-nb's widgets, the
Pygments classes of other languages): a chapter's bundle has a third fewer
rules, and a phone spends less time matching them against the page. The files
in ``_static`` stay as their projects wrote them; the purged texts are kept
in the doctrees folder, keyed on the file and on the names it mentions that
the site uses, so a build that changed no such name only looks them up.

Links inside ``<noscript>``, with a ``media`` of their own, or to other
hosts are left alone; so are pages that link to a file the site lacks.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from bookbuild.assets import is_website
from bookbuild.css import mentioned, without_unused_rules, words_in
from bookbuild.folders import own_files

logger = logging.getLogger(__name__)

FOLDER = "_static/bundles"  # where the bundles go, relative to the site
TAG = re.compile(r"<link\b[^>]*>\n?")
NOSCRIPT = re.compile(r"<noscript\b.*?</noscript>", re.DOTALL | re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s]+)["']?\s*\)?\s*;""")
URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


def attributes(tag: str) -> dict[str, str]:
    """Return the attributes of one HTML tag as Sphinx writes it (quoted values)."""
    inner = tag.strip().removeprefix("<link").rstrip("/>").strip()
    return {
        name: html.unescape(value or "") for name, value in ATTRIBUTE.findall(inner)
    }


def _local_path(href: str) -> str | None:
    """Return a relative link's path without its query (None: another host)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:|^/", href, re.IGNORECASE):
        return None
    return href.split("#")[0].split("?")[0]


def stylesheet_text(
    path: Path, bundle_folder: Path, seen: frozenset = frozenset()
) -> str:
    """Return ``path``'s CSS as read from ``bundle_folder`` (imports inlined)."""
    css = path.read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        target = (path.parent / match.group(1)).resolve()
        if target in seen:  # an @import cycle: import once
            return ""
        return stylesheet_text(target, bundle_folder, seen | {path.resolve()})

    def moved(match: re.Match[str]) -> str:
        url = match.group(2).strip()
        if _local_path(url) is None or url.startswith(("data:", "#")):
            return match.group(0)
        target = (path.parent / url).resolve().as_posix()
        return f'url("{posixpath.relpath(target, bundle_folder.resolve().as_posix())}")'

    return URL.sub(moved, IMPORT.sub(inline, css))


class Purge:
    """Stylesheets without the rules no page of a site uses, kept in ``cache``."""

    def __init__(self, used: set[str], cache: Path | None = None) -> None:
        self.used = used
        self.cache = cache
        self.kept: set[Path] = set()  # the cache files this build used

    def __call__(self, css: str) -> str:
        """Return ``css`` without the rules no page uses."""
        if self.cache is None:
            return without_unused_rules(css, self.used)
        relevant = "\n".join(sorted(mentioned(css) & self.used))
        key = hashlib.sha256(f"{css}\0{relevant}".encode()).hexdigest()[:32]
        path = self.cache / f"{key}.css"
        if not path.is_file():
            self.cache.mkdir(parents=True, exist_ok=True)
            path.write_text(without_unused_rules(css, self.used), encoding="utf-8")
        self.kept.add(path)
        return path.read_text(encoding="utf-8")

    def forget_the_rest(self) -> None:
        """Delete the cached texts this build did not use."""
        if self.cache is not None and self.cache.is_dir():
            for path in self.cache.glob("*.css"):
                if path not in self.kept:
                    path.unlink()


def bundle_page(
    page: Path,
    site: Path,
    bundles: dict[str, str],
    texts: dict[Path, str] | None = None,
    purge: Callable[[str], str] | None = None,
    served_at: str | None = None,
) -> str | None:
    """Return ``page``'s HTML with its stylesheets bundled (None: nothing to do).

    ``bundles`` maps the bundle names written so far to their CSS; the page's
    bundle is added to it. ``texts`` keeps each stylesheet's text as read from
    the bundles' folder (and trimmed by ``purge``), for the site's other pages.
    ``served_at`` is the address of the site's root (``/book/``): a page that
    links its stylesheets from there (the 404 page, which is served at any
    address) links its bundle from there too.
    """

    def local(href: str) -> str | None:
        """Return a link's file relative to the page, without its query."""
        if served_at and href.startswith(served_at):
            in_site = (site / href.removeprefix(served_at)).as_posix()
            href = posixpath.relpath(in_site, page.parent.as_posix())
        return _local_path(href)

    text = page.read_text(encoding="utf-8")
    head_end = text.find("</head>")
    if head_end < 0:
        return None
    masked = NOSCRIPT.sub(lambda m: " " * len(m.group(0)), text[:head_end])
    links: list[tuple[re.Match[str], list[str]]] = []
    for match in TAG.finditer(masked):
        attrs = attributes(match.group(0))
        if "data-bundle" in attrs:
            links.append((match, attrs["data-bundle"].split()))
        elif attrs.get("rel") == "stylesheet" and attrs.get("media", "all") == "all":
            path = local(attrs.get("href", ""))
            if path is not None:
                links.append((match, [path]))
    files = [name for _, names in links for name in names]
    paths = [(page.parent / name).resolve() for name in files]
    if not files or not all(p.is_file() for p in paths):
        if any("data-bundle" in attributes(m.group(0)) for m, _ in links):
            missing = [f for f, p in zip(files, paths, strict=True) if not p.is_file()]
            logger.warning(
                "%s links a bundle of stylesheets the site no longer has (%s): "
                "run 'make clean html'",
                page.name,
                ", ".join(missing),
                type="bookbuild",
            )
        return None
    folder = site / FOLDER
    texts = {} if texts is None else texts  # each file read once per site
    for path in paths:
        if path not in texts:
            css = stylesheet_text(path, folder)
            texts[path] = css if purge is None else purge(css)
    css = "\n".join(texts[p] for p in paths)
    name = hashlib.sha256(css.encode("utf-8")).hexdigest()[:20] + ".css"
    bundles[name] = css
    bundled = set(paths) | _imported(paths)
    href = posixpath.relpath(
        f"{site.as_posix()}/{FOLDER}/{name}", page.parent.as_posix()
    )
    first_href = attributes(links[0][0].group(0)).get("href", "")
    if served_at and first_href.startswith(served_at):
        href = f"{served_at}{FOLDER}/{name}"  # as the page linked its files
    link = (
        f'<link rel="stylesheet" href="{html.escape(href)}" '
        f'data-bundle="{html.escape(" ".join(files))}" />\n'
    )
    pieces, start = [], 0
    for index, (match, _) in enumerate(links):
        pieces += [text[start : match.start()], link if index == 0 else ""]
        start = match.end()
    new = "".join(pieces) + text[start:]
    # A preload of a file now inside the bundle would fetch it for nothing.
    for match in TAG.finditer(new[: new.find("</head>")]):
        attrs = attributes(match.group(0))
        path = local(attrs.get("href", ""))
        preload = attrs.get("rel") == "preload" and path is not None
        if preload and (page.parent / path).resolve() in bundled:
            new = new.replace(match.group(0), "", 1)
    return None if new == text else new


def _imported(paths: list[Path]) -> set[Path]:
    """Return the stylesheets that ``paths`` ``@import`` (inlined in the bundle)."""
    found: set[Path] = set()
    todo = list(paths)
    while todo:
        path = todo.pop()
        for target in IMPORT.findall(path.read_text(encoding="utf-8")):
            resolved = (path.parent / target).resolve()
            if resolved not in found and resolved.is_file():
                found.add(resolved)
                todo.append(resolved)
    return found


def bundle_site(
    site: Path, cache: Path | None = None, served_at: str | None = None
) -> dict[str, str]:
    """Bundle every page's stylesheets in the built ``site``; return the bundles.

    The stylesheets lose the rules that no page or script of ``site`` uses
    (the purged texts are kept in ``cache``, if given). ``served_at`` is the
    address of the site's root, for pages that link from there.
    """
    bundles: dict[str, str] = {}
    texts: dict[Path, str] = {}
    site_files = own_files(site, {".html", ".js"})
    used = words_in(p.read_text("utf-8", errors="replace") for p in site_files)
    purge = Purge(used, cache)
    for page in (p for p in site_files if p.suffix == ".html"):
        new = bundle_page(page, site, bundles, texts, purge, served_at)
        if new is not None:
            page.write_text(new, encoding="utf-8")
    purge.forget_the_rest()
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, css in bundles.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != css:
            path.write_text(css, encoding="utf-8")
    for old in folder.glob("*.css"):
        if old.name not in bundles:
            old.unlink()
    return bundles


def _bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and is_website(app):
        # sphinx-notfound-page links the 404 page's files from the site's root.
        served_at = getattr(app.config, "notfound_urls_prefix", None) or None
        cache = Path(app.doctreedir) / "bookbuild-purged-css"
        bundle_site(Path(app.outdir), cache, served_at)


def setup(app: Sphinx) -> None:
    """Bundle the stylesheets once the pages and the stylesheets are written."""
    app.connect("build-finished", _bundle, priority=950)

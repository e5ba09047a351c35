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

Links inside ``<noscript>``, with a ``media`` of their own, or to other
hosts are left alone; so are pages that link to a file the site lacks.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from bookbuild.assets import is_website
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


def bundle_page(
    page: Path,
    site: Path,
    bundles: dict[str, str],
    texts: dict[Path, str] | None = None,
) -> str | None:
    """Return ``page``'s HTML with its stylesheets bundled (None: nothing to do).

    ``bundles`` maps the bundle names written so far to their CSS; the page's
    bundle is added to it. ``texts`` keeps each stylesheet's text as read from
    the bundles' folder, for the site's other pages.
    """
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
            local = _local_path(attrs.get("href", ""))
            if local is not None:
                links.append((match, [local]))
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
            texts[path] = stylesheet_text(path, folder)
    css = "\n".join(texts[p] for p in paths)
    name = hashlib.sha256(css.encode("utf-8")).hexdigest()[:20] + ".css"
    bundles[name] = css
    bundled = set(paths) | _imported(paths)
    href = posixpath.relpath(
        f"{site.as_posix()}/{FOLDER}/{name}", page.parent.as_posix()
    )
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
        local = _local_path(attrs.get("href", ""))
        preload = attrs.get("rel") == "preload" and local is not None
        if preload and (page.parent / local).resolve() in bundled:
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


def bundle_site(site: Path) -> dict[str, str]:
    """Bundle every page's stylesheets in the built ``site``; return the bundles."""
    bundles: dict[str, str] = {}
    texts: dict[Path, str] = {}
    for page in own_files(site, {".html"}):
        new = bundle_page(page, site, bundles, texts)
        if new is not None:
            page.write_text(new, encoding="utf-8")
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
        bundle_site(Path(app.outdir))


def setup(app: Sphinx) -> None:
    """Bundle the stylesheets once the pages and the purged stylesheets are written."""
    app.connect("build-finished", _bundle, priority=950)

"""What a built site contains, as the review compares it.

A :class:`Snapshot` of one build holds, by page (docname): the rendered text
of the article, its figures (in page order, named by their figure label),
the values the page glued (myst-nb's ``jupyter_execute/<page>.glue.json``,
with the text each ``{glue:text}`` role of the page shows), the cells of its
``.ipynb`` download and of its executed notebook; and for the whole build,
the chapters whose execution failed (``<build>/reports/*.err.log``, see
``bookbuild.freshness``, and the log) and the warnings of the log. Paths
are made relative and the commit hash is replaced by ``<commit>``, so that
two builds of the same book give equal snapshots.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from myst_nb.core.variables import format_plain_text
from tools.review_diff.build import Side

# Pages Sphinx generates (no source of their own).
GENERATED = {"genindex", "search", "404", "py-modindex"}
# Elements after which the text continues on a new line.
BLOCKS = {
    *("p", "li", "dt", "dd", "pre", "tr", "caption", "figcaption", "table"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "blockquote"),
    *("details", "summary", "math", "br", "article", "figure"),
}
SKIPPED = {"script", "style", "noscript"}
GLUE_ROLE = re.compile(r"\{glue:text\}`(?P<name>[^`:]+)(?::(?P<fmt>[^`]*))?`")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
WARNING = re.compile(r"\b(?:WARNING|ERROR|CRITICAL): ")
FAILED = re.compile(r"(?P<path>\S+?)\.\w+(?::\d+)?: WARNING: Executing notebook failed")


@dataclass(frozen=True)
class Figure:
    """One image of a page: its name on the page and the file it shows."""

    key: str  # the figure's label (fig-...), or "image N" when it has none
    path: Path  # the file in the site's _images/


@dataclass(frozen=True)
class Glued:
    """One glued value: the text myst-nb stored and the text the page shows."""

    raw: str
    shown: tuple[str, ...]  # one entry per format the page uses


@dataclass
class Page:
    """What the review compares of one page."""

    text: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    glued: dict[str, Glued] = field(default_factory=dict)
    notebook: list[str] = field(default_factory=list)  # download: one per cell
    executed: list[tuple[str, str]] = field(default_factory=list)  # (source, outputs)


@dataclass
class Snapshot:
    """Everything the review compares of one build."""

    pages: dict[str, Page]
    failed: set[str]
    warnings: set[str]


class _Article(HTMLParser):
    """Read an article's text (one line per block) and images in one pass."""

    def __init__(self, site: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.site = site
        self.parts: list[str] = []
        self.figures: list[Figure] = []
        self.skipped = 0  # inside script, style, or a heading's "#" link
        self.preformatted = 0
        self.labels: list[str | None] = []  # the open <figure> elements' ids
        self.links: list[bool] = []  # the open <a>: is it a heading's "#"?
        self.unnamed = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in SKIPPED:
            self.skipped += 1
        elif tag == "a":
            hidden = "headerlink" in (attributes.get("class") or "").split()
            self.links.append(hidden)
            self.skipped += hidden
        elif tag == "pre":
            self.preformatted += 1
        elif tag == "figure":
            self.labels.append(attributes.get("id"))
        elif tag == "img":
            self._image(attributes.get("src") or "")
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipped = max(self.skipped - 1, 0)
        elif tag == "a" and self.links:
            self.skipped -= self.links.pop()
        elif tag == "pre":
            self.preformatted = max(self.preformatted - 1, 0)
        elif tag == "figure" and self.labels:
            self.labels.pop()
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipped:
            self.parts.append(data if self.preformatted else data.replace("\n", " "))

    def _image(self, source: str) -> None:
        if not source.startswith("_images/"):
            return
        label = next((label for label in reversed(self.labels) if label), None)
        if label is None:
            self.unnamed += 1
            label = f"image {self.unnamed}"
        self.figures.append(Figure(label, self.site / source))

    def lines(self) -> list[str]:
        text = "".join(self.parts)
        lines = (" ".join(line.split()) for line in text.splitlines())
        return [line for line in lines if line]


def read_article(html: str, site: Path) -> tuple[list[str], list[Figure]]:
    """Return the text of a page's article, one line per block, and its figures.

    Only ``<article>`` is read (else the whole page): the navigation around it
    is the bulk of every page and is not compared. Scripts, styles and the
    "#" links beside headings are left out; the figures are the images from
    ``_images/`` in page order, named by the label of their ``<figure>`` or,
    without one, by their rank among the unlabelled (``image 1``...).
    """
    start, end = html.find("<article"), html.rfind("</article>")
    if start >= 0 and end > start:
        html = html[start : end + len("</article>")]
    parser = _Article(site)
    parser.feed(html)
    parser.close()
    return parser.lines(), parser.figures


def glue_formats(source: Path) -> dict[str, list[str]]:
    """Return the formats each ``{glue:text}`` of a page source uses, by name."""
    if not source.is_file():
        return {}
    formats: dict[str, list[str]] = {}
    for match in GLUE_ROLE.finditer(source.read_text(encoding="utf-8")):
        fmts = formats.setdefault(match["name"], [])
        fmt = match["fmt"] or "s"
        if fmt not in fmts:
            fmts.append(fmt)
    return {name: sorted(fmts) for name, fmts in formats.items()}


def glued(store: Path, source: Path) -> dict[str, Glued]:
    """Return the page's glued values from myst-nb's ``<page>.glue.json``."""
    if not store.is_file():
        return {}
    data = json.loads(store.read_text(encoding="utf-8"))
    formats = glue_formats(source)
    values = {}
    for name, output in data.items():
        raw = str(output.get("data", {}).get("text/plain", ""))
        shown = []
        for fmt in formats.get(name, []):
            try:
                shown.append(format_plain_text(raw, fmt))
            except (ValueError, TypeError) as error:
                shown.append(f"<cannot format with {fmt!r}: {error}>")
        values[name] = Glued(raw, tuple(shown))
    return values


def notebook_cells(path: Path, commit: str) -> list[str]:
    """Return the cells of a notebook as text (type and source), commit hidden."""
    if not path.is_file():
        return []
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return [
        hide_commit(f"{cell['cell_type']}: {''.join(cell.get('source', ''))}", commit)
        for cell in cells
    ]


def _output_text(output: dict) -> str:
    kind = output.get("output_type", "")
    if kind == "stream":
        return f"{output.get('name')}: {''.join(output.get('text', ''))}"
    if kind == "error":
        return f"error: {output.get('ename')}: {output.get('evalue')}"
    parts = []
    for mime, data in sorted(output.get("data", {}).items()):
        text = "".join(data) if isinstance(data, list) else str(data)
        if mime.startswith("image/"):
            text = hashlib.sha256(text.encode()).hexdigest()[:12]
        parts.append(f"{mime}: {text}")
    return "\n".join(parts)


def executed_notebook(path: Path, cache: Path) -> dict | None:
    """Return the executed notebook of a page, with its outputs, or None.

    ``jupyter_execute/<page>.ipynb`` holds the page's code without outputs;
    its outputs are those of the execution-cache record it matches (a chapter
    whose execution failed has none: None then).
    """
    if not path.is_file():
        return None
    import nbformat  # imported here: reading the cache is the slow part
    from jupyter_cache import get_cache

    notebook = nbformat.read(path, as_version=4)
    try:
        store = get_cache(str(cache))
        record = store.match_cache_notebook(notebook)
        return dict(store.get_cache_bundle(record.pk).nb)
    except KeyError:
        return dict(notebook)


def executed_cells(notebook: dict | None, commit: str) -> list[tuple[str, str]]:
    """Return ``(source, outputs)`` of each code cell of an executed notebook."""
    if notebook is None:
        return []
    return [
        (
            "".join(cell.get("source", "")),
            hide_commit(
                "\n".join(_output_text(o) for o in cell.get("outputs", [])), commit
            ),
        )
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "code"
    ]


def hide_commit(text: str, commit: str) -> str:
    """Replace the commit hash (full or 12 digits) and memory addresses in ``text``.

    Python's default ``repr`` names an object's address (``<X at 0x7f...>``),
    which differs from one run to the next.
    """
    text = ADDRESS.sub(" at 0x...", text)
    if len(commit) < 12:  # no commit (outside git)
        return text
    return text.replace(commit, "<commit>").replace(commit[:12], "<commit>")


def failed_chapters(side: Side, log: str) -> set[str]:
    """Return the chapters whose execution failed in the build."""
    failed = {
        path.name[: -len(".err.log")] for path in side.out.glob("reports/*.err.log")
    }
    book = side.source / "book"
    for match in FAILED.finditer(log):
        path = Path(match["path"])
        failed.add(
            path.relative_to(book).as_posix()
            if path.is_relative_to(book)
            else path.name
        )
    return failed


def warnings(side: Side, log: str) -> set[str]:
    """Return the log's warnings, one line each, with paths made relative."""
    found = set()
    for line in log.splitlines():
        if WARNING.search(line):
            line = line.replace(str(side.out.resolve()) + "/", "<build>/")
            line = line.replace(str(side.out) + "/", "<build>/")
            line = line.replace(str(side.source.resolve()) + "/", "")
            line = line.replace(str(side.source) + "/", "")
            found.add(line.strip())
    return found


def snapshot(side: Side, commit: str) -> Snapshot:
    """Read what the review compares from the build of ``side``."""
    pages = {}
    for path in sorted(side.html.glob("*.html")):
        docname = path.stem
        if docname in GENERATED:
            continue
        text, found = read_article(path.read_text(encoding="utf-8"), side.html)
        executed = side.out / "jupyter_execute"
        cache = side.out / ".jupyter_cache" / "book"
        pages[docname] = Page(
            text=[hide_commit(line, commit) for line in text],
            figures=found,
            glued=glued(
                executed / f"{docname}.glue.json",
                side.source / "book" / f"{docname}.md",
            ),
            notebook=notebook_cells(
                side.html / "notebooks" / f"{docname}.ipynb", commit
            ),
            executed=executed_cells(
                executed_notebook(executed / f"{docname}.ipynb", cache), commit
            ),
        )
    log = side.log.read_text(encoding="utf-8") if side.log.is_file() else ""
    return Snapshot(pages, failed_chapters(side, log), warnings(side, log))

r"""Fit the book to its offline copies: the PDF (LaTeX) and the EPUB.

The site links both files from every page's download menu (the deploy
workflow publishes them under ``downloads/``). The other builders need four
things.

* **Alt text of static pictures.** An interactive figure
  (:class:`nnbasics.interactive.widget.Widget`) or an animation shows itself
  as HTML on the site, with its description in the SVG's ``<title>`` and
  ``<desc>``. Builders that cannot run a script take the static SVG instead
  (``nb_mime_priority_overrides`` in ``conf.py``), and that image gets the
  SVG's own title and description as alt text, before
  :mod:`bookbuild.alt_text` checks it.
* **Chapters as on the site** (LaTeX only). The landing page's toctrees sit
  inside its section "A first taste", so LaTeX would make every chapter a
  section of it. They are moved up beside the landing page's sections, and
  numbering is switched off around the parts the site does not number (the
  landing page's sections and the API reference): ``\bookunnumbered`` and
  ``\booknumbered`` of ``book/_latex/preamble.tex``.
* **Links to exercises** (LaTeX only). sphinx-exercise labels an exercise
  ``exercise:<label>`` in LaTeX but links to it as ``<docname>:<label>``, as
  Sphinx names every other target, so every link to an exercise was
  undefined. Each exercise gets the second label too.
* **Valid XHTML** (EPUB only, checked by ``epubcheck``): MathML in its
  namespace, one id per element (sphinx-exercise gives every exercise the
  same ``exercise-content`` id), no ``<p>`` in a ``<summary>``, the style
  sheet that sphinx-exercise copies only once the EPUB is already packed (and
  not myst-nb's, whose nested rules epubcheck rejects), Temml's without a
  ``direction``, pages with maths declared so in ``content.opf``, and
  matplotlib's SVGs without DOCTYPE and with a ``d`` on every ``<path>``.
  The archive's files are dated ``SOURCE_DATE_EPOCH``, so that two builds
  of a commit give the same bytes.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

_ = get_translation("bookbuild")  # the reader's language (bookbuild.i18n)

WEB_BUILDERS = frozenset({"html", "dirhtml", "singlehtml"})

_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.DOTALL)
_DESC = re.compile(r"<desc\b[^>]*>(.*?)</desc>", re.DOTALL)


def svg_description(svg: str) -> str:
    """Return the SVG's ``<title>`` and ``<desc>`` as one alt text ("" if none).

    Examples
    --------
    >>> svg_description('<svg><title>A curve</title><desc>It falls.</desc></svg>')
    'A curve: It falls.'
    >>> svg_description("<svg></svg>")
    ''
    """
    parts = [
        " ".join(html.unescape(match.group(1)).split())
        for pattern in (_TITLE, _DESC)
        if (match := pattern.search(svg))
    ]
    return ": ".join(part for part in parts if part)


class StaticPictureAltText(SphinxPostTransform):
    """Give an SVG picture without alt text its own title and description."""

    default_priority = 190  # before Sphinx converts the SVG (ImageConverter: 200)

    def is_supported(self) -> bool:
        """Run for every builder but the site's."""
        return self.app.builder.name not in WEB_BUILDERS

    def run(self, **kwargs: Any) -> None:
        """Describe each SVG image that has no alt text by its own words."""
        for image in self.document.findall(nodes.image):
            if image.get("alt", "").strip():
                continue
            source = image.get("uri", "")
            if not source.endswith(".svg"):
                continue
            path = Path(self.app.srcdir, source)
            if path.is_file() and (
                alt := svg_description(path.read_text(encoding="utf-8"))
            ):
                image["alt"] = alt


def _raw_latex(command: str) -> nodes.raw:
    return nodes.raw("", command + "\n", format="latex")


def _chapters_as_on_the_site(app: Sphinx, doctree: nodes.document) -> None:
    """Move the landing page's toctrees beside its sections (LaTeX only)."""
    if app.builder.name != "latex" or app.env.docname != app.config.root_doc:
        return
    wrappers = [
        node.parent
        for node in doctree.findall(addnodes.toctree)
        if isinstance(node.parent, nodes.compound)
    ]
    if not wrappers:
        return
    # The section the first toctree is in, and the page's title section.
    section = wrappers[0].parent
    top = section.parent
    if not isinstance(section, nodes.section) or not isinstance(top, nodes.section):
        return
    moved: list[nodes.Node] = []
    for wrapper in wrappers:
        wrapper.parent.remove(wrapper)
        numbered = bool(next(iter(wrapper.findall(addnodes.toctree)))["numbered"])
        moved.append(_raw_latex(r"\booknumbered" if numbered else r"\bookunnumbered"))
        moved.append(wrapper)
    moved.append(_raw_latex(r"\bookunnumbered"))
    at = top.index(section) + 1
    top[at:at] = moved
    first = next(i for i, child in enumerate(top) if isinstance(child, nodes.section))
    top.insert(first, _raw_latex(r"\bookunnumbered"))


def _exercise_labels(app: Sphinx, doctree: nodes.document) -> None:
    """Label every exercise as LaTeX links to it: ``<docname>:<label>``."""
    if app.builder.name != "latex":
        return
    docname = app.env.docname
    for node in list(doctree.findall(_is_exercise)):
        label = node.get("label")
        if label:
            target = rf"\phantomsection\label{{\detokenize{{{docname}:{label}}}}}"
            node.parent.insert(node.parent.index(node), _raw_latex(target))


def _is_exercise(node: nodes.Node) -> bool:
    return isinstance(node, exercise_node | exercise_enumerable_node)


MATHML = 'xmlns="http://www.w3.org/1998/Math/MathML"'
_BARE_MATH = re.compile(r"<math(?![^>]*\bxmlns=)")
_SHARED_IDS = re.compile(r'\bid="(exercise-content|solution-content)"')
_SCRIPTLEVEL = re.compile(r'\sscriptlevel="[^"]*"')
_SUMMARY = re.compile(r"<summary>.*?</summary>", re.DOTALL)  # no <p> allowed in it
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*")
_PATH_WITHOUT_D = re.compile(r"<path\b(?![^>]*\sd=)([^>]*)/>")


def xhtml_body(body: str) -> str:
    """Return ``body`` as EPUB's XHTML wants it: MathML namespace, unique ids.

    Examples
    --------
    >>> xhtml_body('<math><mi>x</mi></math>')
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'
    >>> xhtml_body('<div id="exercise-content"></div><div id="exercise-content">')
    '<div id="exercise-content-1"></div><div id="exercise-content-2">'
    """
    body = _BARE_MATH.sub("<math " + MATHML, body)
    body = _SCRIPTLEVEL.sub("", body)  # MathML Core; EPUB's MathML 3 has no such
    body = _SUMMARY.sub(
        lambda m: m[0].replace("<p ", "<span ").replace("</p>", "</span>"), body
    )
    counts: dict[str, int] = {}

    def unique(match: re.Match[str]) -> str:
        counts[match[1]] = counts.get(match[1], 0) + 1
        return f'id="{match[1]}-{counts[match[1]]}"'

    return _SHARED_IDS.sub(unique, body)


def _epub_page(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    if app.builder.name != "epub":
        return
    if "body" in context:
        context["body"] = xhtml_body(context["body"])
    # myst-nb's style sheet nests CSS rules, which EPUB readers (and
    # epubcheck) do not parse: the EPUB's own style sheet does without it.
    context["css_files"] = [
        css
        for css in context.get("css_files", [])
        if not str(getattr(css, "filename", css)).startswith("_static/mystnb.")
    ]


def _epub_media_types(app: Sphinx) -> None:
    """Let the EPUB carry the maths fonts (WOFF2) and their licences."""
    if app.builder.name == "epub":
        app.builder.media_types = {
            **app.builder.media_types,
            ".woff2": "font/woff2",
            ".txt": "text/plain",
            ".LICENSE": "text/plain",
        }


def _epub_style_sheets(app: Sphinx) -> list:
    """Copy the style sheets the extensions copy too late for the EPUB."""
    if app.builder.name == "epub":
        from sphinx_exercise import copy_asset_files

        copy_asset_files(app, None)
        # EPUB style sheets must leave the text direction to the reader.
        temml = Path(app.outdir, "_static", "temml", "temml.css")
        if temml.is_file():
            css = temml.read_text(encoding="utf-8")
            temml.write_text(re.sub(r"\s*direction:\s*ltr;", "", css), encoding="utf-8")
    return []


def _declare_mathml(app: Sphinx) -> None:
    """Mark the EPUB's pages with maths ``properties="mathml"`` in content.opf."""
    if app.builder.name != "epub":
        return
    builder = app.builder
    build_content = builder.build_content

    def build_content_with_mathml() -> None:
        build_content()
        opf = Path(builder.outdir, "content.opf")
        text = opf.read_text(encoding="utf-8")

        def declare(match: re.Match[str]) -> str:
            page = Path(builder.outdir, match["href"])
            if not page.is_file() or "<math " not in page.read_text(encoding="utf-8"):
                return match[0]
            return match[0].replace(" />", ' properties="mathml" />')

        text = re.sub(
            r'<item id="[^"]*" href="(?P<href>[^"]+\.xhtml)"[^>]*?/>', declare, text
        )
        opf.write_text(text, encoding="utf-8")

    builder.build_content = build_content_with_mathml


def _reproducible_epub(app: Sphinx) -> None:
    """Date every file of the EPUB's archive ``SOURCE_DATE_EPOCH`` (when set).

    The archive keeps each file's modification time, which differs from one
    build to the next; with this, two builds of a commit give the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if app.builder.name != "epub" or not epoch:
        return
    builder = app.builder
    build_epub = builder.build_epub

    def build_epub_with_fixed_dates() -> None:
        for path in Path(builder.outdir).rglob("*"):
            if path.is_file() and path.suffix != ".epub":
                os.utime(path, (int(epoch), int(epoch)))
        build_epub()

    builder.build_epub = build_epub_with_fixed_dates


class SvgPathsWithD(SphinxPostTransform):
    """Give every ``<path>`` of an SVG image a ``d``, drop its DOCTYPE (EPUB only)."""

    default_priority = 195
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        """Point each SVG image with such paths at a mended copy."""
        folder = Path(self.app.doctreedir) / "epub-images"
        for image in self.document.findall(nodes.image):
            uri = image.get("uri", "")
            source = Path(self.app.srcdir, uri)
            if not uri.endswith(".svg") or not source.is_file():
                continue
            svg = source.read_text(encoding="utf-8")
            text = _DOCTYPE.sub("", _PATH_WITHOUT_D.sub(r'<path d=""\1/>', svg))
            if text == svg:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            mended = folder / source.name
            if not mended.is_file() or mended.read_text(encoding="utf-8") != text:
                mended.write_text(text, encoding="utf-8")
            relative = os.path.relpath(mended, self.app.srcdir)
            self.env.images.add_file(self.env.docname, relative)
            image["uri"] = relative
            image["candidates"] = {"*": relative}


def download_urls(app: Sphinx) -> dict[str, str]:
    """Where the site publishes the PDF and the EPUB, by file suffix."""
    base = f"{app.config.html_baseurl.rstrip('/')}/downloads"
    name = app.config.epub_basename
    return {".pdf": f"{base}/{name}.pdf", ".epub": f"{base}/{name}.epub"}


def _download_menu(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Add the whole book, as PDF and EPUB, to the page's download menu."""
    if app.builder.name not in WEB_BUILDERS:
        return
    buttons = context.get("header_buttons") or []
    menu = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if menu is None:
        return
    urls = download_urls(app)
    menu["buttons"] = [
        *(b for b in menu["buttons"] if not b.get("label", "").startswith("book-")),
        {
            "type": "link",
            "url": urls[".pdf"],
            "text": _("Book (.pdf)"),
            "tooltip": _("Download the whole book as a PDF"),
            "icon": "fas fa-file-pdf",
            "label": "book-pdf-button",
        },
        {
            "type": "link",
            "url": urls[".epub"],
            "text": _("Book (.epub)"),
            "tooltip": _("Download the whole book as an e-book (EPUB)"),
            "icon": "fas fa-file",
            "label": "book-epub-button",
        },
    ]


def setup(app: Sphinx) -> None:
    """Register the fixes for the builders other than the site's."""
    app.add_post_transform(StaticPictureAltText)
    app.connect("doctree-read", _chapters_as_on_the_site)
    app.connect("doctree-read", _exercise_labels)
    app.add_post_transform(SvgPathsWithD)
    app.connect("html-page-context", _epub_page)
    app.connect("html-page-context", _download_menu, priority=600)
    app.connect("builder-inited", _epub_media_types)
    app.connect("builder-inited", _declare_mathml)
    app.connect("builder-inited", _reproducible_epub)
    app.connect("html-collect-pages", _epub_style_sheets)

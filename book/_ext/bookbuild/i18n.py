"""The Chinese edition: a second language of the same build.

``make html`` builds the English site into ``_build/html`` and, with
``-D language=zh_CN``, the Chinese one into ``_build/html/zh`` from the same
sources, the translations coming from ``locales/zh_CN/LC_MESSAGES/*.po``
(Sphinx's gettext workflow). This module holds what that needs beyond
Sphinx's own ``language`` setting:

* **Numbers in translated paragraphs.** Sphinx parses a translated paragraph
  in a fresh document, where myst-nb's ``{glue:text}`key``` role finds no
  glue data (the number disappears, with a warning). Written
  ``page.md::key``, the role looks the value up in the build's glue store
  instead, which works everywhere; :func:`bookbuild.upstream.glue_text_from_this_page`
  adds that ``page.md::`` to a role that lacks it, so chapters keep the
  short form.
* **Words in figures.** The kernels learn the build's language from
  ``BOOKBUILD_LANGUAGE`` (set here, read by the startup script that
  :mod:`bookbuild.kernel` gives them), and each language has its own
  execution cache (:mod:`bookbuild.cache`), since its figures differ.
* **Search.** Sphinx's Chinese search splits words with jieba; the book's
  glossary (``locales/zh_CN/glossary.tsv``) becomes jieba's user dictionary
  so that 损失曲面 or 梯度下降法 are found as words.
* **Links between the languages.** Every page gets a switcher to the same
  page in the other language and ``<link rel="alternate" hreflang>`` to
  both; the English sitemap lists both languages.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import get_translation

from bookbuild import upstream
from bookbuild.folders import ENGLISH, build_folder, language_of, suffix

# Each language: its output folder under the English site, its hreflang, and
# the switcher's label (in that language).
LANGUAGES = {
    ENGLISH: {"folder": "", "hreflang": "en", "label": "English"},
    "zh_CN": {"folder": "zh/", "hreflang": "zh-Hans", "label": "中文"},
}
GLOSSARY = "glossary.tsv"
# The book's own interface words (locales/<language>/LC_MESSAGES/bookbuild.po).
CATALOGUE = "bookbuild"
_ = get_translation(CATALOGUE)
# Themes' catalogues that the book's own catalogue of the same name overrides
# (sphinx-book-theme's zh_CN one has gaps and a Traditional "print" label).
OVERRIDDEN = ("booktheme",)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def glossary(locales: Path, language: str) -> list[tuple[str, str]]:
    """Return the glossary's (English, translation) pairs for ``language``."""
    path = locales / language / GLOSSARY
    if not path.is_file():
        return []
    rows = (line for line in path.read_text(encoding="utf-8").splitlines() if line)
    reader = csv.DictReader(
        (row for row in rows if not row.startswith("#")), delimiter="\t"
    )
    return [(row["english"], row["chinese"]) for row in reader]


def jieba_dictionary(terms: list[tuple[str, str]]) -> str:
    """Return a jieba user dictionary: every translated term as one frequent noun."""
    words = sorted({chinese for _, chinese in terms})
    return "".join(f"{word} 100000 n\n" for word in words)


def compile_catalogue(locales: Path, language: str, name: str) -> None:
    """Compile ``<name>.po`` of ``language`` to its ``.mo`` when that is older.

    Sphinx compiles the pages' catalogues when a build starts, after the
    extensions have registered theirs: the interface catalogues must be
    compiled before, or a fresh clone's first build would not use them.
    """
    folder = locales / language / "LC_MESSAGES"
    po, mo = folder / f"{name}.po", folder / f"{name}.mo"
    if not po.is_file() or (mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime):
        return
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale=language)
    with mo.open("wb") as stream:
        write_mo(stream, catalogue)


def _locales(app: Sphinx) -> Path:
    return (Path(app.srcdir) / app.config.locale_dirs[0]).resolve()


def _configure(app: Sphinx, config: Config) -> None:
    language = config.language or ENGLISH
    # Kernels inherit the build's environment (worker processes too).
    os.environ["BOOKBUILD_LANGUAGE"] = language
    if language == ENGLISH:
        return
    if language not in LANGUAGES:
        raise ValueError(
            f"the book has no {language!r} edition: build one of "
            f"{', '.join(sorted(LANGUAGES))} (-D language=...)"
        )
    folder = LANGUAGES[language]["folder"]
    config.html_baseurl = config.html_baseurl + folder
    config.notfound_urls_prefix = config.notfound_urls_prefix + folder
    words = build_folder(app) / f"jieba{suffix(app)}.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    text = jieba_dictionary(glossary(_locales(app), language))
    if not words.is_file() or words.read_text(encoding="utf-8") != text:
        words.write_text(text, encoding="utf-8")
    config.html_search_options = {**config.html_search_options, "dict": str(words)}
    _interface_in(config)


def _interface_in(config: Config) -> None:
    """Put the configuration's words for readers in the build's language."""
    author = config.author
    config.html_title = str(_(config.html_title))
    config.author = str(_(author))
    config.copyright = config.copyright.replace(author, config.author)
    options = config.html_theme_options
    options["logo"] = {
        **options.get("logo", {}),
        "text": config.html_title,
        "alt_text": str(_("{title}: home")).format(title=config.html_title),
    }
    options["search_bar_text"] = str(_("Search..."))
    config.togglebutton_hint = str(_("Click to show"))
    config.togglebutton_hint_hide = str(_("Click to hide"))
    config.nb_code_prompt_show = str(_("Show code cell {type}"))
    config.nb_code_prompt_hide = str(_("Hide code cell {type}"))
    missing = str(_("Page not found"))
    sorry = str(_("Unfortunately we couldn't find the content you were looking for."))
    config.notfound_context = {
        "title": missing,
        "body": f"<h1>{missing}</h1>\n\n<p>{sorry}</p>",
    }


# --- links between the languages -----------------------------------------------


def alternates(app: Sphinx, pagename: str) -> list[dict[str, Any]]:
    """Return the page in every language: hreflang, label, relative and absolute URL."""
    here = LANGUAGES[language_of(app)]["folder"]
    up = "../" * (pagename.count("/") + here.count("/"))
    base = app.config.html_baseurl.removesuffix(here)
    return [
        {
            "language": language,
            "hreflang": info["hreflang"],
            "label": info["label"],
            "current": language == language_of(app),
            "url": f"{up}{info['folder']}{pagename}.html",
            "absolute": f"{base}{info['folder']}{pagename}.html",
        }
        for language, info in LANGUAGES.items()
    ]


def _page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    pages = alternates(app, pagename)
    if pagename == "404":  # served at any address: absolute links only
        for page in pages:
            page["url"] = page["absolute"]
    context["book_languages"] = pages


def _sitemap_with_both_languages(app: Sphinx, exception: Exception | None) -> None:
    """Give the English sitemap the Chinese pages and hreflang alternates.

    Idempotent: a rebuild that writes no page leaves sphinx-sitemap's file as
    this function left it, and running it again gives the same file.
    """
    sitemap = Path(app.outdir) / app.config.sitemap_filename
    if exception or language_of(app) != ENGLISH or not sitemap.is_file():
        return
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    tree = ElementTree.parse(sitemap)
    root = tree.getroot()
    base = app.config.html_baseurl
    others = tuple(
        base + info["folder"] for info in LANGUAGES.values() if info["folder"]
    )
    for url in list(root):
        loc = url.find(f"{{{SITEMAP_NS}}}loc")
        if loc is None or not (loc.text or "").startswith(base):
            continue
        if loc.text.startswith(others):  # written by an earlier build: again
            root.remove(url)
            continue
        link = loc.text.removeprefix(base)
        for element in list(url):
            if element.tag == f"{{{XHTML_NS}}}link":
                url.remove(element)
        copies = [url]
        for info in LANGUAGES.values():
            if info["folder"]:
                other = ElementTree.fromstring(ElementTree.tostring(url))
                other.find(f"{{{SITEMAP_NS}}}loc").text = base + info["folder"] + link
                root.append(other)
                copies.append(other)
        for copy in copies:
            for info in LANGUAGES.values():
                ElementTree.SubElement(
                    copy,
                    f"{{{XHTML_NS}}}link",
                    rel="alternate",
                    hreflang=info["hreflang"],
                    href=base + info["folder"] + link,
                )
    if isinstance(app.config.sitemap_indent, int) and app.config.sitemap_indent > 0:
        ElementTree.indent(root, space=app.config.sitemap_indent * " ")
    tree.write(sitemap, xml_declaration=True, encoding="utf-8", method="xml")


def _outputs_out_of_the_site(app: Sphinx) -> None:
    if language_of(app) != ENGLISH:
        folder = build_folder(app) / f"jupyter_execute{suffix(app)}"
        upstream.keep_outputs_out_of_the_site(app, folder)


def setup(app: Sphinx) -> None:
    """Register the Chinese edition's build rules."""
    # Registered before any theme loads its own, so the book's entries win.
    locales = Path(app.srcdir) / app.config.locale_dirs[0]
    for catalogue in (CATALOGUE, *OVERRIDDEN):
        compile_catalogue(locales, app.config.language or ENGLISH, catalogue)
        app.add_message_catalog(catalogue, str(locales))
    app.connect("config-inited", _configure, priority=200)
    app.add_role_to_domain(
        "glue", "text", upstream.glue_text_from_this_page(), override=True
    )
    app.connect("html-page-context", _page_context)
    # After myst-nb has set its output folder (default priority 500).
    app.connect("builder-inited", _outputs_out_of_the_site, priority=600)
    # After sphinx-sitemap has written the file (its handler has priority 500).
    app.connect("build-finished", _sitemap_with_both_languages, priority=600)
    app.connect("build-finished", upstream.fix_chinese_stemmer)

"""The Chinese edition: one build, two languages, the same numbers.

``make html`` builds the English site into ``_build/html`` and the Chinese
one into ``_build/html/zh`` (bookbuild.i18n). These tests read the session's
build of both (``built_book`` and ``built_book_zh``) and check that the
Chinese pages show what the English ones compute, in Chinese, linked to each
other; the drift check fails when an English message has no current
translation.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tools.check_translations import check, markup

from tests.conftest import (
    CODE_PAGES,
    REPO,
    Build,
    copy_project,
    read_search_index,
    run_sphinx,
)
from tests.language_figures import english_words

pytestmark = pytest.mark.build

CHAPTERS = sorted(p.stem for p in (REPO / "book").glob("*.md"))
NUMBER = re.compile(r"[−-]?\d+(?:[.,]\d+)*")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Glued sizes of a figure's file: its words are Chinese on the Chinese page,
# so its size differs (everything the figure shows is the same).
FIGURE_SIZES = {"loop_svg_kb"}


def _soup(build: Build, page: str) -> BeautifulSoup:
    return BeautifulSoup(build.html(page), "html.parser")


def _numbers(value: object) -> list[str]:
    return NUMBER.findall(str(value)) if isinstance(value, str) else [repr(value)]


# --- the same numbers ------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(CODE_PAGES))
def test_every_glued_value_is_the_same_in_both_languages(
    built_book, built_book_zh, page
):
    english, chinese = built_book.glued(page), built_book_zh.glued(page)
    assert english, f"{page} glues nothing"
    assert sorted(chinese) == sorted(english)
    different = {
        name: (english[name], chinese[name])
        for name in english
        if name not in FIGURE_SIZES
        and _numbers(english[name]) != _numbers(chinese[name])
    }
    assert different == {}, f"{page}: glued values differ between the languages"


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_number_of_the_prose_is_on_the_chinese_page(
    built_book, built_book_zh, page
):
    """A translated paragraph loses its glued numbers unless bookbuild fixes it."""
    english = [s.get_text() for s in _soup(built_book, page).select("span.pasted-text")]
    chinese = [
        s.get_text() for s in _soup(built_book_zh, page).select("span.pasted-text")
    ]
    assert len(chinese) == len(english), f"{page}: glued numbers missing in Chinese"
    assert sorted(map(_numbers, chinese)) == sorted(map(_numbers, english))


@pytest.mark.parametrize("page", CHAPTERS)
def test_the_chinese_page_is_in_chinese(built_book_zh, page):
    soup = _soup(built_book_zh, page)
    assert soup.html["lang"] == "zh-CN"
    article = soup.select_one("article.bd-article")
    # The API pages' docstrings may stay English: their headings may not.
    selector = "h1, h2" if page.startswith("api") else "section > p, h1, h2, h3"
    texts = [p.get_text(" ", strip=True) for p in article.select(selector)]
    english = [t for t in texts if re.search("[A-Za-z]{4,}", t) and not CJK.search(t)]
    assert english == [], f"{page}: paragraphs left in English"


@pytest.mark.parametrize("page", sorted(CODE_PAGES))
def test_figures_of_the_chinese_pages_are_their_own(built_book, built_book_zh, page):
    """Figures hold words, so the Chinese pages' figures are different files."""
    english = {i["src"] for i in _soup(built_book, page).select("article img")}
    chinese = {i["src"] for i in _soup(built_book_zh, page).select("article img")}
    assert len(chinese) == len(english)
    assert not english & chinese, f"{page}: English figures on the Chinese page"


FIGURE_TEXT = re.compile(r"<!-- (.*?) -->")
"""matplotlib writes each text it draws as paths after a comment holding it."""


def _english(texts: list[str]) -> list[str]:
    return [text for text in texts if english_words(text)]


@pytest.mark.parametrize("page", sorted(CODE_PAGES))
def test_figures_and_tables_of_the_chinese_pages_hold_no_english_word(
    built_book_zh, page
):
    """Every label, title and legend a Chinese page shows is Chinese.

    That covers the words a chapter passes in (a panel's title, a strategy's
    name) as well as the package's own. Printed lines, arrays and error
    messages are code output and stay as the code writes them.
    """
    soup = _soup(built_book_zh, page)
    figures = {
        img["src"]: FIGURE_TEXT.findall(
            (built_book_zh.html_dir / img["src"]).read_text(encoding="utf-8")
        )
        for img in soup.select("article img[src$='.svg']")
    }
    assert figures, f"{page}: no figure found"
    tables = {
        f"table {k}": [
            cell.get_text(" ", strip=True) for cell in table.select("th, td")
        ]
        for k, table in enumerate(soup.select("article div.cell_output table"))
    }
    english = {name: _english(texts) for name, texts in (figures | tables).items()}
    english = {name: texts for name, texts in english.items() if texts}
    assert english == {}, f"{page}: English words in the Chinese figures or tables"


def test_alt_texts_are_translated(built_book_zh):
    untranslated = {
        page: img["alt"]
        for page in CHAPTERS
        for img in _soup(built_book_zh, page).select("article img[alt]")
        if not CJK.search(img["alt"])
    }
    assert untranslated == {}


# --- one site, two languages ----------------------------------------------------


def test_nothing_of_the_chinese_build_lands_outside_its_folder(
    built_book, built_book_zh
):
    site = built_book.html_dir
    assert not (site / "jupyter_execute").exists()
    assert not (site / "zh" / "jupyter_execute").exists()
    assert (built_book.out / "jupyter_execute-zh_CN").is_dir()
    assert (site / "zh" / "index.html").is_file()


@pytest.mark.parametrize("page", CHAPTERS)
def test_each_page_links_to_itself_in_the_other_language(
    built_book, built_book_zh, page
):
    for build, other in ((built_book, "zh-Hans"), (built_book_zh, "en")):
        soup = _soup(build, page)
        switch = soup.select_one("a.book-language-switcher")
        assert switch is not None
        assert switch["hreflang"] == other
        target = (build.html_dir / f"{page}.html").parent / switch["href"]
        assert target.resolve().is_file(), switch["href"]
        assert target.resolve().name == f"{page}.html"
        alternates = {
            link["hreflang"]: link["href"]
            for link in soup.select('link[rel="alternate"][hreflang]')
        }
        base = "https://guess-compare-adjust.github.io/book/"
        assert alternates == {
            "en": f"{base}{page}.html",
            "zh-Hans": f"{base}zh/{page}.html",
            "x-default": f"{base}{page}.html",
        }


def test_the_sitemap_lists_both_languages(built_book):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(built_book.html_dir / "sitemap.xml").getroot()
    locations = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    base = "https://guess-compare-adjust.github.io/book/"
    for page in CHAPTERS:
        assert f"{base}{page}.html" in locations
        assert f"{base}zh/{page}.html" in locations
    for url in root.findall("s:url", ns):
        languages = {
            link.get("hreflang")
            for link in url.findall("{http://www.w3.org/1999/xhtml}link")
        }
        assert languages == {"en", "zh-Hans"}


def test_the_chinese_404_page_is_chinese(built_book_zh):
    soup = _soup(built_book_zh, "404")
    assert CJK.search(soup.select_one("article").get_text())
    # Served at any address, it loads its files from the Chinese site.
    assert soup.select_one('link[rel="stylesheet"]')["href"].startswith("/book/zh/")


def test_search_splits_the_glossary_terms_into_words(built_book_zh):
    """jieba gets the glossary as a user dictionary: compound terms are words."""
    index = read_search_index(built_book_zh.html_dir)
    for term in ("损失曲面", "梯度下降", "损失函数", "反向传播", "学习率"):
        assert term in index["terms"], term


# --- the drift check ------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(built_book, tmp_path_factory) -> Path:
    """The English pages' messages, freshly extracted (what make update-po does).

    Extracted from a copy of the project that starts with the session's
    execution cache, so nothing runs again.
    """
    project = copy_project(tmp_path_factory.mktemp("drift") / "project")
    shutil.copytree(
        built_book.out / ".jupyter_cache", project / "_build" / ".jupyter_cache"
    )
    build = run_sphinx(project, project / "_build", builder="gettext")
    assert build.returncode == 0, build.log[-3000:]
    return project / "_build" / "gettext"


def test_every_english_message_has_a_current_translation(templates):
    problems = check(REPO / "locales", "zh_CN", templates, [])
    assert problems == [], "\n".join(map(str, problems[:30]))


def test_the_drift_check_names_a_changed_message(templates, tmp_path):
    """An English edit without a translation fails the check, naming it."""
    pot = (templates / "black-box.pot").read_text(encoding="utf-8")
    edited = tmp_path / "pot"
    edited.mkdir()
    for path in templates.glob("*.pot"):
        (edited / path.name).write_text(path.read_text(encoding="utf-8"))
    first = re.search(r'^msgid "(The black box)"$', pot, re.M)
    assert first, "the chapter's title is a message"
    (edited / "black-box.pot").write_text(
        pot.replace(first.group(0), 'msgid "The black box, edited"', 1)
    )
    problems = check(REPO / "locales", "zh_CN", edited, [])
    assert [(p.page, p.message, p.what) for p in problems] == [
        ("black-box", "The black box, edited", "not in the catalogue")
    ]


def test_a_translation_must_keep_the_markup():
    english = "From {glue:text}`gtn_low` to $x^2$, see {ref}`the box <bb>` and `f()`."
    faithful = "从 {glue:text}`gtn_low` 到 $x^2$，见 {ref}`箱子 <bb>` 和 `f()`。"
    assert markup(english) == markup(faithful)
    for broken in (
        faithful.replace("gtn_low", "gtn_high"),
        faithful.replace("$x^2$", "$x$"),
        faithful.replace("<bb>", "<box>"),
        faithful.replace("`f()`", "f()"),
    ):
        assert markup(english) != markup(broken), broken


def test_the_interface_catalogues_are_complete():
    from babel.messages.pofile import read_po

    folder = REPO / "locales" / "zh_CN" / "LC_MESSAGES"
    for name in ("bookbuild", "booktheme", "sphinx"):
        with (folder / f"{name}.po").open("rb") as stream:
            catalogue = read_po(stream)
        missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
        assert missing == [], f"{name}.po"
        # Simplified Chinese only: the theme's own catalogue said 列印.
        assert not any("列印" in m.string for m in catalogue if m.id)


def test_check_translations_runs_as_a_command(templates):
    result = subprocess.run(
        [sys.executable, "tools/check_translations.py", "--pot", str(templates)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "every message has a current translation" in result.stdout


def test_the_sitemap_gets_the_chinese_pages_once_however_often_it_runs(tmp_path):
    """A rebuild that writes no page leaves the sitemap as it was: no zh/zh/."""
    from types import SimpleNamespace

    from bookbuild import i18n

    base = "https://example.org/book/"
    (tmp_path / "sitemap.xml").write_text(
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}index.html</loc><lastmod>2026-11-30</lastmod></url>"
        f"<url><loc>{base}opening.html</loc></url></urlset>",
        encoding="utf-8",
    )
    config = SimpleNamespace(
        sitemap_filename="sitemap.xml", html_baseurl=base, language="en"
    )
    config.sitemap_indent = 0
    app = SimpleNamespace(outdir=str(tmp_path), config=config)
    i18n._sitemap_with_both_languages(app, None)
    once = (tmp_path / "sitemap.xml").read_bytes()
    i18n._sitemap_with_both_languages(app, None)
    assert (tmp_path / "sitemap.xml").read_bytes() == once
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(once)
    assert [loc.text for loc in root.findall("s:url/s:loc", ns)] == [
        f"{base}index.html",
        f"{base}opening.html",
        f"{base}zh/index.html",
        f"{base}zh/opening.html",
    ]
    assert root.find("s:url[3]/s:lastmod", ns).text == "2026-11-30"

"""What each built page loads: only assets it uses, icons drawn by CSS, sized images.

The performance rules of :mod:`bookbuild.assets`, checked in the HTML of the
session's build (``built_book``); ``make bench`` measures their effect in a
browser. The unit tests at the top need no build.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from bookbuild import assets, css
from bookbuild import icon_stylesheet as icons
from tests.conftest import NOTFOUND_PREFIX, Build

pytestmark = pytest.mark.tooling

ICON_CLASS = re.compile(r"^fa-(?!(lg|fw|xs|sm|xl|2xs|2xl|\dx|solid|regular|brands)$)")


# --- without a build ---------------------------------------------------------------


def test_every_icon_file_is_one_svg_path_with_a_view_box():
    svgs = icons.load_icons()
    assert len(svgs) >= 20
    for name, svg in svgs.items():
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
        assert "<path" in svg, name


def test_stylesheet_covers_the_theme_icons_and_is_deterministic():
    svgs = icons.load_icons()
    generated = icons.stylesheet(svgs)
    assert generated == icons.stylesheet(icons.load_icons())
    for name in ("bars", "github", "magnifying-glass", "sun", "moon", "rocket"):
        assert f".fa-{name}{{--bb-icon:var(--bb-icon-{name})}}" in generated
    assert ".fa-pencil-alt{--bb-icon:var(--bb-icon-pencil)}" in generated  # an alias
    assert ".fa-colab{--bb-image:var(--bb-icon-colab)}" in generated  # in its colours
    assert "::before{content:none}" in generated  # no font glyph, so no font download
    assert "Font Awesome 7" not in generated
    assert "woff" not in generated


def test_stylesheet_fails_without_an_icon_the_theme_needs():
    svgs = icons.load_icons()
    del svgs["bell"]  # the default admonition icon
    with pytest.raises(ValueError, match="bell"):
        icons.stylesheet(svgs)


def test_svg_url_escapes_what_css_and_urls_need():
    url = icons.svg_url('<svg viewBox="0 0 1 1"><path d="M0 0h1v1z#"/></svg>')
    assert url.startswith('url("data:image/svg+xml,%3Csvg')
    assert '"' not in url[5:-2]
    assert "#" not in url
    assert "<" not in url


def test_unused_theme_scripts_are_removed_and_others_kept():
    html = (
        '  <script defer src="_static/scripts/fontawesome.js?digest=1"></script>\n'
        '    <script src="_static/searchtools.js"></script>\n'
        '    <script src="_static/language_data.js"></script>\n'
        '    <script src="searchindex.js"></script>\n'
        '<script defer src="_static/scripts/bootstrap.js?digest=1"></script>\n'
        '<link rel="preload" as="script" href="_static/scripts/a.js?digest=1" />\n'
        '<link rel="preload" href="_static/basic.css" as="style" />\n'
    )
    kept = assets.without_unused_scripts(html)
    assert "fontawesome" not in kept
    assert "search" not in kept
    assert "bootstrap.js" in kept
    assert "a.js" not in kept  # a script preload competes with the stylesheets
    assert "basic.css" in kept
    with_search = assets.without_unused_scripts(html, search_as_you_type=True)
    assert "searchindex.js" in with_search
    assert "fontawesome" not in with_search


def test_font_awesome_rules_leave_the_theme_stylesheet():
    sheet = (
        "/*!\n * Bootstrap */\n.btn{color:red}"
        ".fa,.fas{display:inline-block;font-family:var(--_fa-family)}"
        '.fa-bars{--fa:"\\f0c9"}:root{--fa-family-classic:"Font Awesome 7 Free"}'
        "@font-face{font-family:Font Awesome\\ 7 Free;src:url(x.woff2)}"
        "@keyframes fa-spin{0%{transform:rotate(0)}}"
        "@media (prefers-reduced-motion:reduce){.fa-spin{animation:none}}"
        "@media (min-width:960px){.switch .fa-lg{aspect-ratio:1/1}.fa-x{a:b}}"
        'html{--pst-icon-bell:"\\f0f3"}.x{content:"}"}'
        "/*# sourceMappingURL=x.css.map*/"
    )
    assert css.without_font_awesome(sheet) == (
        "/*!\n * Bootstrap */\n.btn{color:red}"
        "@media (min-width:960px){.switch .fa-lg{aspect-ratio:1/1}}"
        'html{--pst-icon-bell:"\uf0f3"}.x{content:"}"}'  # the same string
    )


def test_unused_rules_leave_a_stylesheet_and_used_ones_stay():
    used = css.words_in(['<div class="bd-page show" id="top"><a href="#">x</a>'])
    sheet = (
        "/*! licence */\n"
        ".bd-page,.carousel{margin:0}"  # one selector of two is used
        ".carousel-item{display:none}"  # no page has it
        "a:hover,.bd-page:focus-visible{color:red}"  # states of used things
        ".bd-page:not(.collapsed)>a{x:y}"  # names under :not() are not needed
        ".bd-page:is(.one, .two){x:z}"  # nor under :is(), whose comma stays
        "#top[data-x='.nope']{a:b}#bottom{a:c}"  # ids; attribute values ignored
        ".sm\\:flex{display:flex}"  # escaped names are kept, unexamined
        "@media (min-width:960px){.modal{a:b}.show{a:c}}"
        "@media print{.offcanvas{a:b}}"  # emptied, so it goes
        "@font-face{font-family:x}@keyframes spin{to{rotate:1turn}}"
        "/*# sourceMappingURL=x.css.map*/"
    )
    assert css.without_unused_rules(sheet, used) == (
        "/*! licence */\n"
        ".bd-page{margin:0}"
        "a:hover,.bd-page:focus-visible{color:red}"
        ".bd-page:not(.collapsed)>a{x:y}"
        ".bd-page:is(.one, .two){x:z}"
        '#top[data-x=".nope"]{a:b}'  # tinycss2 writes strings in double quotes
        ".sm\\:flex{display:flex}"
        "@media (min-width:960px){.show{a:c}}"
        "@font-face{font-family:x}@keyframes spin{to{rotate:1turn}}"
    )


def test_a_class_that_a_script_adds_keeps_its_rules():
    used = css.words_in(['<nav class="menu">', 'el.classList.add("is-open")'])
    sheet = ".menu.is-open{display:block}.menu.is-closed{display:none}"
    assert css.without_unused_rules(sheet, used) == ".menu.is-open{display:block}"


# --- in the built book -------------------------------------------------------------


def reader_pages(build: Build) -> list[str]:
    skip = {"genindex", "search", "404", "py-modindex"}
    return sorted(p.stem for p in build.html_dir.glob("*.html") if p.stem not in skip)


def all_pages(build: Build) -> list[Path]:
    return sorted(build.html_dir.glob("*.html"))


def local_references(page: Path) -> list[str]:
    """Every asset the page loads from the site (scripts, styles, images, icons)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    urls = [s["src"] for s in soup.find_all("script", src=True)]
    urls += [img["src"] for img in soup.find_all("img", src=True)]
    for link in soup.find_all("link", href=True):
        rel = set(link.get("rel", []))
        if rel & {"stylesheet", "icon", "preload", "modulepreload"}:
            urls.append(link["href"])
    return [u for u in urls if not urlsplit(u).scheme and not u.startswith("//")]


@pytest.mark.build
def test_no_page_loads_font_awesome(built_book):
    for page in all_pages(built_book):
        html = page.read_text(encoding="utf-8")
        assert "fontawesome" not in html.lower(), f"{page.name} loads Font Awesome"
        assert "logo_colab.png" not in html, f"{page.name} loads the Colab logo"


@pytest.mark.build
def test_every_asset_a_page_loads_is_in_the_build(built_book):
    for page in all_pages(built_book):
        for url in local_references(page):
            path = unquote(urlsplit(url).path)
            if path.startswith("/"):
                path = path.removeprefix(NOTFOUND_PREFIX)
            target = (page.parent / path).resolve()
            assert target.is_file(), f"{page.name} loads {url}, which is not built"


@pytest.mark.build
def test_stylesheets_load_only_files_that_exist(built_book):
    # every url() and @import of the stylesheets the pages link to (the
    # theme's included) is a data URI or a file of the build
    html_dir = built_book.html_dir
    sheets = {
        (page.parent / urlsplit(url).path.removeprefix(NOTFOUND_PREFIX)).resolve()
        for page in all_pages(built_book)
        for url in local_references(page)
        if urlsplit(url).path.endswith(".css")
    }
    # and the files each page's bundle stands for (bookbuild.bundle)
    sheets |= {
        (page.parent / name).resolve()
        for page in all_pages(built_book)
        for link in BeautifulSoup(page.read_text("utf-8"), "html.parser").select(
            "link[data-bundle]"
        )
        for name in link["data-bundle"].split()
    }
    seen = set()
    while sheets:
        sheet = sheets.pop()
        seen.add(sheet)
        css = sheet.read_text(encoding="utf-8")
        refs = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
        refs += re.findall(r"@import\s+['\"]([^'\"]+)", css)
        for ref in refs:
            if ref.startswith("data:"):
                continue
            target = (sheet.parent / urlsplit(ref).path).resolve()
            assert target.is_file(), f"{sheet.relative_to(html_dir)} loads {ref}"
            if target.suffix == ".css" and target not in seen:
                sheets.add(target)
    assert icons.STYLESHEET in {s.name for s in seen}


@pytest.mark.build
def test_font_awesome_is_not_shipped(built_book):
    static = built_book.html_dir / "_static"
    theme_css = (static / assets.THEME_CSS).read_text(encoding="utf-8")
    assert "Font Awesome" not in theme_css
    assert "fontawesome" not in theme_css
    for name in assets.UNUSED_FILES:
        assert not (static / name).exists(), name


@pytest.mark.build
def test_pages_without_search_as_you_type_skip_the_search_index(built_book):
    for docname in reader_pages(built_book):
        html = built_book.html(docname)
        assert "searchindex.js" not in html, docname
        assert "searchtools.js" not in html, docname
    assert "searchindex.js" in built_book.html("search")  # the search page keeps it


@pytest.mark.build
def test_head_scripts_do_not_block_rendering(built_book):
    for docname in reader_pages(built_book):
        soup = BeautifulSoup(built_book.html(docname), "html.parser")
        blocking = [
            s["src"].split("?")[0]
            for s in soup.head.find_all("script", src=True)
            if not s.has_attr("defer") and not s.has_attr("async")
        ]
        assert blocking == [], docname


@pytest.mark.build
def test_optional_scripts_only_on_pages_that_use_them(built_book):
    for docname in reader_pages(built_book):
        soup = BeautifulSoup(built_book.html(docname), "html.parser")
        article = soup.select_one("article.bd-article")
        sources = " ".join(s.get("src", "") for s in soup.find_all("script"))
        styles = " ".join(  # the files inside the page's bundle (bookbuild.bundle)
            link.get("data-bundle", link.get("href", ""))
            for link in soup.find_all("link")
        )
        assert ("design-tabs.js" in sources) == bool(article.select(".sd-tab-set"))
        assert ("sphinx-design.min.css" in styles) == bool(
            article.select('[class*="sd-"]')
        ), docname
        toggles = article.select(".toggle, .admonition.dropdown")
        assert ("togglebutton.js" in sources) == bool(toggles), docname
        code = article.select("div.highlight pre")
        assert ("copybutton.js" in sources) == bool(code), docname


@pytest.mark.build
def test_icon_stylesheet_covers_every_icon_class_in_the_pages(built_book):
    sheet = (built_book.html_dir / "_static" / icons.STYLESHEET).read_text("utf-8")
    covered = set(re.findall(r"\.(fa-[a-z0-9-]+)\{--bb-(?:icon|image):", sheet))
    used: dict[str, str] = {}
    for page in all_pages(built_book):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.select('[class*="fa-"]'):
            for cls in element.get("class", []):
                if ICON_CLASS.match(cls):
                    used.setdefault(cls, page.name)
    assert used, "no icon classes found: has the theme changed?"
    missing = {cls: page for cls, page in used.items() if cls not in covered}
    assert not missing, (
        f"icon classes without an SVG in book/_ext/bookbuild/icons/: {missing}"
    )
    for page in all_pages(built_book):
        assert icons.STYLESHEET in page.read_text(encoding="utf-8"), page.name


@pytest.mark.build
def test_every_content_image_is_sized_and_later_ones_load_lazily(built_book):
    for docname in reader_pages(built_book):
        soup = BeautifulSoup(built_book.html(docname), "html.parser")
        for image in soup.select("article.bd-article img"):
            where = f"{docname}: {image['src']}"
            assert image.get("width", "").isdigit(), f"{where} has no width"
            assert image.get("height", "").isdigit(), f"{where} has no height"
            text_before = sum(
                len(s)
                for s in image.find_all_previous(string=True)
                if s.find_parent("article") is not None
            )
            if text_before > 3 * assets.EAGER_TEXT_CHARS:
                assert image.get("loading") == "lazy", f"{where} loads eagerly"


@pytest.mark.build
def test_images_outside_the_article_are_sized_by_css_or_attributes(built_book):
    # book/_templates/navbar-logo.html gives the theme's logo its size
    for page in all_pages(built_book):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for image in soup.find_all("img"):
            if image.find_parent("article") is not None:
                continue
            sized = image.has_attr("width") and image.has_attr("height")
            assert sized, f"{page.name}: {image}"


@pytest.mark.build
def test_every_page_has_a_meta_description_and_a_favicon(built_book):
    readers = set(reader_pages(built_book))
    for page in all_pages(built_book):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        descriptions = soup.find_all("meta", attrs={"name": "description"})
        assert len(descriptions) == 1, page.name
        text = descriptions[0]["content"].strip()
        # reader pages describe themselves (front matter), others by title
        assert len(text) > (50 if page.stem in readers else 10), page.name
        icon = soup.find("link", rel="icon")
        assert icon is not None, page.name
        href = urlsplit(icon["href"]).path.removeprefix(NOTFOUND_PREFIX)
        assert (page.parent / href).is_file(), page.name


@pytest.mark.build
def test_colour_mode_is_resolved_before_the_first_paint(built_book):
    for docname in reader_pages(built_book):
        soup = BeautifulSoup(built_book.html(docname), "html.parser")
        inline = [s.string or "" for s in soup.head.find_all("script", src=False)]
        assert any("prefers-color-scheme" in s for s in inline), docname

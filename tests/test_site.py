"""What a published site needs, checked in the built HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import conf
import nnbasics
from tests.conftest import REPO, git

pytestmark = pytest.mark.build

PAGES = sorted(p.stem for p in (REPO / "book").glob("*.md"))
CHAPTERS = [page for page in PAGES if page != "index" and not page.startswith("api")]


def page(built_book, docname: str) -> BeautifulSoup:
    return BeautifulSoup(built_book.html(docname), "html.parser")


@pytest.mark.parametrize("docname", PAGES)
def test_edit_button_opens_the_page_source_on_the_default_branch(built_book, docname):
    links = [a["href"] for a in page(built_book, docname).select("a[href]")]
    expected = f"{conf.repository_url}/edit/{conf.repository_branch}/book/{docname}.md"
    assert expected in links


@pytest.mark.parametrize("docname", PAGES)
def test_repository_and_issue_buttons_use_the_one_repository_setting(
    built_book, docname
):
    links = [a["href"] for a in page(built_book, docname).select("a[href]")]
    assert conf.repository_url in links
    assert any(link.startswith(f"{conf.repository_url}/issues/new") for link in links)


@pytest.mark.parametrize("docname", PAGES)
def test_source_download_is_the_page_markdown(built_book, docname):
    links = [a["href"] for a in page(built_book, docname).select("a[href]")]
    source = f"_sources/{docname}.md"
    assert source in links
    assert (built_book.html_dir / source).read_text() == (
        REPO / "book" / f"{docname}.md"
    ).read_text()


def test_sitemap_lists_every_page_under_the_base_url(built_book):
    tree = ET.parse(built_book.html_dir / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in tree.getroot().findall("s:url/s:loc", namespace)}
    # Both languages: the Chinese edition under zh/ (bookbuild.i18n).
    assert urls == {
        f"{conf.html_baseurl}{folder}{docname}.html"
        for docname in PAGES
        for folder in ("", "zh/")
    }


def front_matter(docname: str) -> dict:
    text = (REPO / "book" / f"{docname}.md").read_text(encoding="utf-8")
    _, block, _ = text.split("---\n", 2)
    return yaml.safe_load(block)


@pytest.mark.parametrize("docname", PAGES)
def test_open_graph_and_description_come_from_the_front_matter(built_book, docname):
    html = page(built_book, docname)
    og = {m["property"]: m["content"] for m in html.select("meta[property^='og:']")}
    description = front_matter(docname)["myst"]["html_meta"]["description"]
    assert 50 < len(description) <= 160
    assert [m["content"] for m in html.select("meta[name=description]")] == [
        description
    ]
    assert og["og:description"] == description
    assert og["og:url"] == f"{conf.html_baseurl}{docname}.html"
    assert og["og:title"] == html.title.get_text().split(" — ")[0].strip()
    assert og["og:site_name"] == conf.project
    assert og["og:type"] == "website"


@pytest.mark.parametrize("docname", PAGES)
def test_the_chinese_pages_are_described_in_chinese(built_book_zh, docname):
    english = front_matter(docname)["myst"]["html_meta"]["description"]
    po = REPO / "locales" / "zh_CN" / "LC_MESSAGES" / f"{docname}.po"
    with po.open("rb") as file:
        chinese = read_po(file).get(english).string
    assert chinese
    assert chinese != english
    html = page(built_book_zh, docname)
    assert [m["content"] for m in html.select("meta[name=description]")] == [chinese]
    og = html.select_one("meta[property='og:description']")
    assert og["content"] == chinese
    # Sphinx flags a translated meta node; the flag is no HTML attribute.
    assert not html.select("meta[translated]")


def test_footer_names_the_package_version_and_the_commit(built_book):
    commit = git(REPO, "rev-parse", "--short=12", "HEAD")
    footer = (
        page(built_book, "index").select_one("footer.bd-footer-content").get_text(" ")
    )
    text = " ".join(footer.split())
    assert f"nnbasics {nnbasics.__version__}" in text
    assert commit in text
    assert "CC BY 4.0" in text
    assert "MIT" in text


def test_not_found_page_works_from_any_depth(built_book):
    html = page(built_book, "404")
    assets = [
        tag.get("href") or tag.get("src")
        for tag in html.select("link[href], script[src]")
    ]
    local = [a for a in assets if not a.startswith(("http://", "https://", "data:"))]
    assert local
    assert all(a.startswith("/book/") for a in local), local
    assert conf.html_baseurl.endswith("/book/")


@pytest.mark.parametrize("docname", PAGES)
def test_favicon_logo_and_last_updated(built_book, docname):
    html = page(built_book, docname)
    icon = html.select_one("link[rel=icon]")
    assert (built_book.html_dir / icon["href"]).is_file()
    logo = html.select_one("img.logo__image")
    assert logo is not None
    assert logo.get("alt")
    assert "Last updated on" in html.get_text(" ")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_previous_and_next_links(built_book, docname):
    html = page(built_book, docname)
    # The chapters sit between the landing page and the API reference.
    assert html.select_one("a.left-prev") is not None
    assert html.select_one("a.right-next") is not None


def test_api_reference_names_numpy_array_types_by_their_public_names(built_book):
    text = page(built_book, "api").get_text()
    assert "ArrayLike" in text
    assert "NDArray[np.float64]" in text
    for private in ("_SupportsArray", "_NestedSequence", "_Buffer", "dtype[Any]"):
        assert private not in text, private

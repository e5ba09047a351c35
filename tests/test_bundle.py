"""bookbuild.bundle: one stylesheet a page, always the current files'."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild import bundle
from bookbuild.bundle import (
    FOLDER,
    TAG,
    Purge,
    attributes,
    bundle_site,
    stylesheet_text,
)
from bookbuild.css import words_in
from bookbuild.folders import own_files
from tests.conftest import NOTFOUND_PREFIX, Build

pytestmark = pytest.mark.tooling

HEAD = """<!DOCTYPE html>
<html><head>
<link rel="preload" href="{up}_static/basic.css" as="style" />
<link href="{up}_static/theme.css?digest=1" rel="stylesheet" />
<link rel="stylesheet" type="text/css" href="{up}_static/book.css?v=2" />
<link rel="stylesheet" href="https://example.org/remote.css" />
<link rel="stylesheet" href="{up}_static/print.css" media="print" />
<noscript><link rel="stylesheet" href="{up}_static/fonts/fonts.css" /></noscript>
<link rel="icon" href="{up}_static/favicon.svg"/>
</head><body><p>{body}</p></body></html>
"""


def make_site(root: Path) -> Path:
    static = root / "_static"
    (static / "fonts").mkdir(parents=True)
    (static / "basic.css").write_text("p{margin:0}\n")
    (static / "theme.css").write_text('@import "basic.css";\nh1{color:red}\n')
    (static / "book.css").write_text("a{background:url('img/a.svg')}\n")
    (static / "print.css").write_text("p{color:black}\n")
    (static / "fonts" / "fonts.css").write_text("@font-face{src:url(m.woff2)}\n")
    (root / "index.html").write_text(HEAD.format(up="", body="top"))
    (root / "sub").mkdir()
    (root / "sub" / "page.html").write_text(HEAD.format(up="../", body="down"))
    return root


def linked(page: Path) -> list[dict[str, str]]:
    return [attributes(tag) for tag in TAG.findall(page.read_text())]


def test_a_page_links_one_bundle_of_its_stylesheets_in_order(tmp_path):
    site = make_site(tmp_path)
    bundles = bundle_site(site)
    assert len(bundles) == 1
    ((name, css),) = bundles.items()
    # @import inlined, in place; url() rewritten from the bundle's folder
    assert css == 'p{margin:0}h1{color:red}\na{background:url("../img/a.svg")}'
    assert (site / FOLDER / name).read_text() == css
    for page, up in ((site / "index.html", ""), (site / "sub/page.html", "../")):
        links = linked(page)
        sheets = [a for a in links if "stylesheet" in a.get("rel", "")]
        assert sheets[0] == {
            "rel": "stylesheet",
            "href": f"{up}{FOLDER}/{name}",
            "data-bundle": f"{up}_static/theme.css {up}_static/book.css",
        }
        # left alone: another host, another medium, the <noscript> fallback
        hrefs = [a["href"] for a in sheets[1:]]
        assert hrefs == [
            "https://example.org/remote.css",
            f"{up}_static/print.css",
            f"{up}_static/fonts/fonts.css",
        ]
        # the preload of basic.css (now inside the bundle) is gone, the icon stays
        assert not [a for a in links if a.get("rel") == "preload"]
        assert any(a.get("rel") == "icon" for a in links)


def test_a_later_build_bundles_the_current_files_and_drops_stale_bundles(tmp_path):
    site = make_site(tmp_path)
    first = bundle_site(site)
    again = bundle_site(site)  # nothing changed: same bundle, same pages
    assert again == first
    before = (site / "index.html").read_text()
    (site / "_static" / "book.css").write_text("a{color:blue}\n")
    second = bundle_site(site)  # the pages were not written again: data-bundle
    (name,) = second
    assert "a{color:blue}" in second[name]
    assert [p.name for p in (site / FOLDER).iterdir()] == [name]
    assert name in (site / "index.html").read_text()
    assert (site / "index.html").read_text() != before


def test_a_page_whose_files_are_missing_is_left_alone(tmp_path):
    site = make_site(tmp_path)
    (site / "_static" / "book.css").unlink()
    assert bundle_site(site) == {}
    assert "book.css?v=2" in (site / "index.html").read_text()


def test_a_site_built_inside_the_site_is_left_to_its_own_build(tmp_path):
    # The Chinese edition in zh/: the English build must neither rewrite its
    # pages nor leave bundles of them in the English folder.
    site = make_site(tmp_path)
    nested = make_site(site / "zh")
    page = (nested / "index.html").read_text()
    bundles = bundle_site(site)
    assert (nested / "index.html").read_text() == page
    assert sorted(p.name for p in (site / FOLDER).iterdir()) == sorted(bundles)
    assert len(bundles) == 1  # the English pages' bundle alone
    (own,) = bundle_site(nested)  # its own build bundles it, in its folder
    assert (nested / FOLDER / own).is_file()
    assert f"{FOLDER}/{own}" in (nested / "index.html").read_text()


def one_page_site(root: Path, css: str, body: str) -> Path:
    (root / "_static").mkdir(parents=True, exist_ok=True)
    (root / "_static" / "book.css").write_text(css)
    (root / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="_static/book.css" /></head>'
        f"<body>{body}</body></html>"
    )
    return root


def test_a_bundle_leaves_out_the_rules_no_page_uses(tmp_path):
    css = ".used{color:red}.never{color:green}p{margin:0}"
    site = one_page_site(tmp_path, css, '<p class="used">x</p>')
    ((_, bundled),) = bundle_site(site).items()
    assert bundled == ".used{color:red}p{margin:0}"
    assert (site / "_static" / "book.css").read_text() == css  # the file stays


def test_the_purge_is_redone_only_when_the_site_uses_other_names(tmp_path, monkeypatch):
    purges = []
    real = bundle.without_unused_rules
    monkeypatch.setattr(
        bundle, "without_unused_rules", lambda *a: purges.append(1) or real(*a)
    )
    cache = tmp_path / "doctrees" / "purged"

    def build(body: str) -> str:
        site = one_page_site(tmp_path / "html", ".a{x:y}.b{x:z}", body)
        ((_, bundled),) = bundle_site(site, cache).items()
        return bundled

    assert build('<p class="a">Some prose.</p>') == ".a{x:y}"
    assert build('<p class="a">Some new prose, other words.</p>') == ".a{x:y}"
    assert len(purges) == 1  # the prose edit looked the result up
    assert build('<p class="a">Prose.</p><p class="b">b</p>') == ".a{x:y}.b{x:z}"
    assert len(purges) == 2
    assert len(list(cache.iterdir())) == 1  # the older result is gone


def test_the_purge_reads_this_site_alone_not_the_one_built_inside_it(tmp_path):
    # The Chinese edition lives in zh/ of the English site; a class only its
    # pages use must not keep a rule in the English bundle, or the English
    # site would differ with and without a Chinese build beside it.
    css = ".used{color:red}.topic{color:blue}.never{color:green}"
    site = one_page_site(tmp_path, css, '<div class="used">x</div>')
    one_page_site(site / "zh", css, '<div class="topic">x</div>')
    ((_, bundled),) = bundle_site(site).items()
    assert bundled == ".used{color:red}"


def test_a_page_linking_from_the_sites_address_links_its_bundle_from_there(
    tmp_path,
):
    # The 404 page is served at any address, so it links from /book/.
    site = one_page_site(tmp_path, "p{margin:0}", "<p>x</p>")
    page = site / "404.html"
    page.write_text(
        '<html><head><link rel="preload" href="/book/_static/book.css" as="style" />'
        '<link rel="stylesheet" href="/book/_static/book.css?v=1" /></head>'
        "<body><p>Not found</p></body></html>"
    )
    for _ in range(2):  # and still does when a later build bundles it again
        ((name, _),) = bundle_site(site, served_at="/book/").items()
        assert linked(page) == [
            {
                "rel": "stylesheet",
                "href": f"/book/{FOLDER}/{name}",
                "data-bundle": "_static/book.css",
            }
        ]


def test_an_import_cycle_is_inlined_once(tmp_path):
    (tmp_path / "a.css").write_text('@import "b.css";\na{}\n')
    (tmp_path / "b.css").write_text('@import "a.css";\nb{}\n')
    assert stylesheet_text(tmp_path / "a.css", tmp_path) == "\nb{}\n\na{}\n"


# --- in the built book -------------------------------------------------------------


@pytest.mark.build
def test_every_page_loads_one_current_bundle(built_book: Build):
    html_dir = built_book.html_dir
    pages = sorted(html_dir.glob("*.html"))
    site_files = own_files(html_dir, {".html", ".js"})
    purge = Purge(words_in(p.read_text("utf-8", errors="replace") for p in site_files))
    bundles = set()
    for page in pages:
        sheets = [
            a
            for a in linked(page)
            if a.get("rel") == "stylesheet" and "fonts.css" not in a["href"]
        ]
        assert len(sheets) == 1, (page.name, sheets)
        href = sheets[0]["href"]
        if href.startswith(NOTFOUND_PREFIX):  # the 404 page, served anywhere
            href = href.removeprefix(NOTFOUND_PREFIX)
        bundle = (page.parent / href).resolve()
        css = bundle.read_text(encoding="utf-8")
        for name in sheets[0]["data-bundle"].split():
            part = purge(stylesheet_text(page.parent / name, bundle.parent))
            assert part in css, f"{page.name}: {bundle.name} lacks the current {name}"
        bundles.add(bundle.name)
    assert {p.name for p in (html_dir / FOLDER).iterdir()} == bundles

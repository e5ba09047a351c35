"""Every page of the built site in headless Chromium: it loads cleanly, needs no
network beyond its own server, shows its images, links only to what exists, and
typesets its maths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.browser.conftest import CHAPTERS, MODES, PAGES
from tests.browser.harness import PREFIX, PageLog, SiteServer

pytestmark = [pytest.mark.browser, pytest.mark.build]


def test_the_tests_cover_every_top_level_page(built_book):
    built = sorted(path.stem for path in built_book.html_dir.glob("*.html"))
    assert built == sorted(PAGES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_with_no_console_error_and_no_failed_request(site_audit, name, mode):
    audit = site_audit(name, mode)
    assert audit.theme == mode, f"{name}: the page shows the {audit.theme} theme"
    assert audit.load.console_errors == [], "\n".join(audit.load.console_errors)
    assert audit.load.failed_requests == [], "\n".join(audit.load.failed_requests)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PAGES)
def test_page_requests_nothing_beyond_the_local_server(site_audit, name, mode):
    assert site_audit(name, mode).outside == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PAGES)
def test_every_image_loads_and_has_alt_text(site_audit, name, mode):
    # Each colour mode shows its own variant of the logo: an image that this
    # mode does not render is loaded in the other mode's run of this test.
    images = site_audit(name, mode).images
    broken = [
        i["html"]
        for i in images
        if i["rendered"] and not (i["complete"] and i["naturalWidth"] > 0)
    ]
    without_alt = [i["html"] for i in images if not (i["alt"] or "").strip()]
    assert broken == [], f"images that did not load on {name}:\n" + "\n".join(broken)
    assert without_alt == [], f"images without alt text on {name}:\n" + "\n".join(
        without_alt
    )


@cache
def _ids_in(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids)


def _broken_link(site: SiteServer, href: str) -> str | None:
    """Why ``href`` (an address on the test server) is broken, or None."""
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != site.origin:
        return None  # another site: linkcheck's business, and never requested here
    target = site.file_for(href)
    if target is None:
        return f"outside {PREFIX}, where the site is published"
    if not target.is_file():
        return "no such file"
    fragment = href.partition("#")[2]
    if fragment and target.suffix == ".html" and fragment not in _ids_in(target):
        return f"no id {fragment!r} in {target.name}"
    return None


@pytest.mark.parametrize("name", PAGES)
def test_internal_links_point_to_existing_files_and_ids(site_audit, site, name):
    broken = []
    for link in site_audit(name, "light").links:
        reason = _broken_link(site, link["href"])
        if reason:
            broken.append(f"{link['href']} ({reason}): {link['html']}")
    assert broken == [], f"broken links on {name}:\n" + "\n".join(broken)


@pytest.mark.parametrize("name", PAGES)
def test_maths_is_typeset_without_the_network(site_audit, name):
    audit = site_audit(name, "light")
    maths = audit.maths
    assert audit.unexpanded == 0, "some hidden solutions did not open"
    assert audit.outside == []  # nothing to fetch: no MathJax, no web font
    unsized = [m["tex"] for m in maths["maths"] if not (m["width"] and m["height"])]
    not_mathml = [
        m["tex"] for m in maths["maths"] if m["display"] not in ("math", "block math")
    ]
    assert unsized == [], f"maths with no size on {name}: {unsized}"
    assert not_mathml == [], f"maths not laid out as MathML on {name}: {not_mathml}"
    assert maths["badSubscripts"] == [], "subscripts not lowered"
    assert maths["badFractions"] == [], "fractions not stacked"
    assert maths["rawTex"] == [], f"raw TeX left in the text of {name}"


def test_the_chapters_have_maths(site_audit):
    with_maths = [n for n in CHAPTERS if site_audit(n, "light").maths["maths"]]
    assert len(with_maths) >= 5, with_maths


def test_a_missing_page_gets_the_styled_404_page(new_context, site):
    # A nested address: the 404 page must find its styles and scripts from
    # anywhere on the site (notfound_urls_prefix in conf.py).
    guarded = new_context()
    page = guarded.new_page()
    log = PageLog()
    log.listen(page)
    url = site.url + "no/such/chapter.html"
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    assert response.status == 404
    assert "not found" in page.title().lower()
    failed = [f for f in log.failed_requests if not f.startswith(url)]
    assert failed == []
    # The console reports the page's own 404 status, and nothing else.
    others = [e for e in log.console_errors if not e.endswith(f"({url})")]
    assert others == []
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('.bd-sidebar-primary')).display"
    ) not in ("", "inline")  # the theme's stylesheet applies
    assert guarded.outside == []

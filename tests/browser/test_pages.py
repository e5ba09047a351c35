"""Every page of the built site in headless Chromium: it loads cleanly, needs no
network beyond its own server, shows its images, links only to what exists, and
typesets its maths.
"""

from __future__ import annotations

import posixpath
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from bookbuild.bundle import stylesheet_text
from tests.browser.conftest import CHAPTERS, MODES, PAGES
from tests.browser.harness import PREFIX, PageLog, SiteServer
from tests.conftest import Build

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


def bundled_stylesheets(name: str, build: Build) -> tuple[str, str]:
    """Page ``name``'s stylesheets as the site has them, and its bundle of them.

    The site's ``_static`` keeps each file as its project wrote it (Font
    Awesome's rules aside); bookbuild.bundle drops the rules no page uses as it
    bundles them.
    """
    page = build.html_dir / f"{name}.html"
    link = BeautifulSoup(page.read_text("utf-8"), "html.parser").find(
        "link", attrs={"data-bundle": True}
    )
    href = link["href"].split("?")[0]
    if href.startswith(PREFIX):  # the 404 page links from the site's address
        href = posixpath.relpath(
            href.removeprefix(PREFIX),
            page.parent.relative_to(build.html_dir).as_posix() or ".",
        )
    bundle = (page.parent / href).resolve()
    files = [(page.parent / f).resolve() for f in link["data-bundle"].split()]
    original = "\n".join(stylesheet_text(f, bundle.parent) for f in files)
    return original, bundle.read_text("utf-8")


# For each selector of the original stylesheet that the site's copy lacks:
# does it match an element of the page as loaded (once the pseudo-classes of
# states and the pseudo-elements are set aside)? The browser parses both
# sheets, so both are compared in its normal form.
UNKEPT_SELECTORS_JS = r"""([original, site]) => {
  const split = (text) => {
    const parts = [];
    let depth = 0, start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "(" || c === "[") depth++;
      else if (c === ")" || c === "]") depth--;
      else if (c === "," && depth === 0) {
        parts.push(text.slice(start, i).trim());
        start = i + 1;
      }
    }
    parts.push(text.slice(start).trim());
    return parts;
  };
  const selectors = (css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    const out = [];
    const visit = (rules) => {
      for (const rule of rules) {
        if (rule.selectorText !== undefined) out.push(...split(rule.selectorText));
        if (rule.cssRules) visit(rule.cssRules);
      }
    };
    visit(sheet.cssRules);
    return out;
  };
  const states = new RegExp(
    "::?(hover|focus|focus-visible|focus-within|active|visited|link|target|" +
      "before|after|placeholder|selection|marker|backdrop|first-letter|" +
      "first-line|-webkit-[\\w-]+|-moz-[\\w-]+)(\\([^)]*\\))?",
    "g",
  );
  const kept = new Set(selectors(site));
  const unkept = [];
  for (const selector of selectors(original)) {
    if (kept.has(selector)) continue;
    const bare = selector.replace(states, "").trim() || "*";
    let matches = false;
    try {
      matches = document.querySelector(bare) !== null;
    } catch {
      continue; // a selector this browser does not support matches nothing
    }
    if (matches) unkept.push(selector);
  }
  return unkept;
}"""


@pytest.mark.parametrize("mode", MODES)
def test_the_bundle_keeps_every_rule_a_page_uses(new_context, site, built_book, mode):
    guarded = new_context(color_scheme=mode, viewport={"width": 1280, "height": 900})
    page = guarded.new_page()
    unkept = {}
    for page_name in PAGES:
        original, bundle = bundled_stylesheets(page_name, built_book)
        # the bundle did lose the rules no page uses
        assert len(bundle) < 0.9 * len(original), page_name
        page.goto(site.page_url(page_name), wait_until="load")
        if missing := page.evaluate(UNKEPT_SELECTORS_JS, [original, bundle]):
            unkept[page_name] = missing[:5]
    assert unkept == {}

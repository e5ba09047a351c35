"""Every formula of the book, rendered by Chromium, looks like a textbook's.

The maths is MathML written at build time (bookbuild.mathml, Temml) and drawn
with the font the site serves (book/_static/temml/). These tests load every
page with maths and measure what Chromium drew: no glyph box sits on another
(an ``\\underbrace`` label on its brace, a limit on its sum), no delimiter of
the LaTeX went missing, braces stretch across what they brace, big operators
in displayed formulas are big, no formula carries an error marker, and the
glyphs come from the book's own maths font.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.browser.conftest import CHAPTERS

# What Chromium drew, formula by formula. Token elements (mi, mn, mo, mtext)
# are the leaves that hold glyphs: their boxes are the glyphs' boxes.
MEASURE_JS = r"""() => {
  const leafSelector = 'mi, mn, mo, mtext, ms';
  const box = (el) => el.getBoundingClientRect();
  const visible = (r) => r.width > 0.5 && r.height > 0.5;
  return [...document.querySelectorAll('article math')].map((math) => {
    const tex = math.getAttribute('alttext') || '';
    const fontSize = parseFloat(getComputedStyle(math).fontSize);
    const leaves = [...math.querySelectorAll(leafSelector)]
      .filter((el) => !el.querySelector(leafSelector))
      .map((el) => ({el, r: box(el)}))
      .filter((leaf) => visible(leaf.r));
    const overlaps = [];
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) {
        const a = leaves[i].r, b = leaves[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w <= 0 || h <= 0) continue;
        const smaller = Math.min(a.width * a.height, b.width * b.height);
        if (w * h > 0.2 * smaller) {
          overlaps.push(leaves[i].el.textContent + ' on ' + leaves[j].el.textContent);
        }
      }
    }
    // Where a brace under or over an expression is drawn: between the
    // expression and its label. The test reads the pixels there.
    const braces = [...math.querySelectorAll('munder > mo, mover > mo')]
      .filter((mo) => /[\u23DC-\u23E1]/.test(mo.textContent))
      .map((mo) => {
        const base = box(mo.parentElement.firstElementChild);
        const outer = mo.parentElement.parentElement;
        const label = outer.children.length > 1 ? box(outer.lastElementChild) : null;
        const under = mo.parentElement.tagName.toLowerCase() === 'munder';
        const top = under ? base.bottom : (label ? label.bottom : base.top - fontSize);
        const bottom = under ? (label ? label.top : base.bottom + fontSize) : base.top;
        return {x: base.left, y: top, width: base.width, height: bottom - top};
      });
    // In a displayed formula a sum or product is drawn larger than the text.
    const display = math.getAttribute('display') === 'block';
    const smallOperators = display
      ? [...math.querySelectorAll('mo')]
          .filter((mo) => /^[\u2211\u220F\u222B]$/.test(mo.textContent.trim()))
          .filter((mo) => box(mo).height < 1.3 * fontSize)
          .map((mo) => mo.textContent)
      : [];
    // A closing bracket sits level with its opening one, at the same size.
    const stack = [];
    const misplaced = [];
    for (const mo of math.querySelectorAll('mo')) {
      const char = mo.textContent.trim();
      if (char === '(' || char === '[') stack.push(mo);
      if ((char === ')' || char === ']') && stack.length) {
        const a = box(stack.pop()), b = box(mo);
        const centres = Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2);
        const sizes = Math.abs(a.height - b.height);
        if (centres > 0.2 * fontSize || sizes > 0.2 * fontSize) {
          misplaced.push(char + ' at ' + Math.round(centres) + ' px from its pair');
        }
      }
    }
    const fences = [...math.querySelectorAll('mo')]
      .filter((mo) => visible(box(mo)))
      .map((mo) => mo.textContent.trim())
      .join('');
    return {
      tex,
      overlaps,
      braces,
      misplaced,
      smallOperators,
      fences,
      errors: math.querySelectorAll('merror').length,
      family: getComputedStyle(math).fontFamily,
    };
  });
}"""


COMMAND = re.compile(r"\\[a-zA-Z]+")  # \big, \left, ...: what is left are the fences


def _delimiters(text: str) -> list[str]:
    """The round and square brackets in ``text``, sorted (order aside)."""
    return sorted(char for char in text if char in "()[]")


# The maths font comes after the text is drawn (font-display: swap):
# wait for it (at most 10 s), then read its state.
FONT_STATUS_JS = """async () => {
  const faces = () => [...document.fonts].filter((f) => f.family.includes('Book Math'));
  for (let i = 0; i < 200 && !faces().some((f) => f.status === 'loaded'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await document.fonts.ready;
  return faces().map((f) => f.status);
}"""


def _inked_fraction(page, area: dict) -> float:
    """The share of the area's pixel columns that hold ink (a dark pixel)."""
    page.mouse.move(0, 0)
    clip = {key: area[key] for key in ("x", "y", "width", "height")}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    pixels = image.load()
    columns = [
        any(pixels[x, y] < 160 for y in range(image.height)) for x in range(image.width)
    ]
    return sum(columns) / max(len(columns), 1)


def _measure(page, site, name: str) -> dict:
    page.goto(site.page_url(name))
    fonts = page.evaluate(FONT_STATUS_JS)
    formulas = page.evaluate(MEASURE_JS)
    for formula in formulas:
        formula["short_braces"] = []
        for area in formula.pop("braces"):
            page.evaluate(f"() => window.scrollTo(0, {area['y']} - 100)")
            scrolled = dict(area, y=area["y"] - page.evaluate("() => window.scrollY"))
            if area["height"] < 1 or _inked_fraction(page, scrolled) < 0.75:
                formula["short_braces"].append(formula["tex"])
    return {"formulas": formulas, "fonts": fonts}


@pytest.fixture(scope="module")
def maths_page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def measured(maths_page, site) -> dict[str, dict]:
    return {name: _measure(maths_page, site, name) for name in CHAPTERS}


@pytest.fixture(scope="module")
def formulas(measured) -> dict[str, list[dict]]:
    return {name: found["formulas"] for name, found in measured.items()}


def test_every_chapter_with_maths_is_measured(formulas):
    counted = {name: len(found) for name, found in formulas.items()}
    assert sum(counted.values()) > 100, counted
    assert counted["cracking-the-box"] > 20, counted


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_glyph_sits_on_another(formulas, name):
    clashes = [(f["tex"], f["overlaps"][:3]) for f in formulas[name] if f["overlaps"]]
    assert clashes == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_braces_span_what_they_brace_and_display_sums_are_large(formulas, name):
    short = [f["short_braces"] for f in formulas[name] if f["short_braces"]]
    small = [f["tex"] for f in formulas[name] if f["smallOperators"]]
    assert short == []
    assert small == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_formula_loses_or_drops_a_delimiter_or_shows_an_error(formulas, name):
    misplaced = [(f["tex"], f["misplaced"]) for f in formulas[name] if f["misplaced"]]
    assert misplaced == []
    lost = [
        f["tex"]
        for f in formulas[name]
        if _delimiters(re.sub(r"\\[a-zA-Z]+", " ", f["tex"]))
        != _delimiters(f["fences"])
    ]
    assert lost == []
    assert [f["tex"] for f in formulas[name] if f["errors"]] == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_formulas_are_drawn_in_the_books_maths_font(measured, name):
    found = measured[name]
    assert all(f["family"].startswith('"Book Math"') for f in found["formulas"])
    if found["formulas"]:
        assert found["fonts"] == ["loaded"]


FONT_FACES_JS = """() => [...document.fonts]
  .filter((f) => f.family.includes('Book Math'))
  .map((f) => ({display: f.display, status: f.status}))"""
FETCHED_FONTS_JS = """() => performance.getEntriesByType('resource')
  .map((r) => r.name.split('/').pop()).filter((name) => name.endsWith('.woff2'))"""


def test_maths_fonts_are_declared_up_front_and_fetched_only_for_maths(
    browser, maths_page, site
):
    """The maths font is declared with the page's styles, not added later.

    A font face added once the page has loaded made the browser lay the
    whole page out again twice (benchmarks/bench_site.py: total blocking
    time on a phone). Declared up front, it holds back no text (swap), and
    a page without maths never fetches it.
    """
    maths_page.goto(site.page_url("cracking-the-box"), wait_until="domcontentloaded")
    faces = maths_page.evaluate(FONT_FACES_JS)
    assert [face["display"] for face in faces] == ["swap"], faces
    assert maths_page.evaluate(FONT_STATUS_JS) == ["loaded"]
    assert "book-math.woff2" in maths_page.evaluate(FETCHED_FONTS_JS)
    context = browser.new_context()  # a cold cache
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site.page_url("api"), wait_until="load")
    assert page.evaluate("() => document.querySelector('math')") is None
    assert len(page.evaluate(FONT_FACES_JS)) == 1  # declared here too
    context.close()
    assert not [url for url in fetched if url.endswith(".woff2")], fetched


def test_maths_fonts_load_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    fetched = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    page.goto(site.page_url("cracking-the-box"), wait_until="networkidle")
    context.close()
    assert any(url.endswith("/book-math.woff2") for url in fetched), fetched

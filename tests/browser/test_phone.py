"""The book on a phone: nothing cut off, figure text readable, captions legible.

Every page is loaded at 360 and 390 CSS pixels wide, as on small phones, and
measured in Chromium:

* the page never scrolls sideways, and no table and no figure is wider than
  the column: tables must fit (or stack), and a figure scales down to it;
* anything else wider than the column (a long code line, a long formula)
  sits in a box that scrolls sideways and that a keyboard can reach;
* the smallest text of every figure is at least 11 CSS pixels tall at
  390 px. Matplotlib figures record their smallest text size in points
  (``data-min-text-pt``, nnbasics.plotting.style); the test scales it by the
  width the figure is drawn at. Inline SVG figures are measured directly;
* captions are not drawn in a light (300) weight.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import PAGES, ZH_PAGES

MIN_FIGURE_TEXT_PX = 11.0

PHONES = {
    360: {"viewport": {"width": 360, "height": 780}, "is_mobile": True},
    390: {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}

CUT_OFF_JS = r"""() => {
  // The page's own content; Sphinx's search page and 404 page have none.
  const article = document.querySelector('article.bd-article')
    || document.querySelector('main') || document.body;
  const outer = article.getBoundingClientRect();
  const padding = getComputedStyle(article);
  const column = {
    left: outer.left + parseFloat(padding.paddingLeft),
    right: outer.right - parseFloat(padding.paddingRight),
  };
  column.width = column.right - column.left;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
  const scrolls = (el) => {
    for (let box = el; box && box !== article; box = box.parentElement) {
      const style = getComputedStyle(box);
      const sideways = ['auto', 'scroll'].includes(style.overflowX);
      if (sideways && box.clientWidth <= column.width + 1) {
        const reachable = box.tabIndex >= 0
          || box.querySelector('a, button, [tabindex]');
        return reachable ? 'scrolls' : 'scrolls, but no keyboard can reach it';
      }
    }
    return null;
  };
  const problems = [];
  const skipped = '[hidden], details:not([open]), .toggle-hidden, .bd-sidebar-primary';
  for (const el of article.querySelectorAll('table, figure, img, svg, pre, math')) {
    if (el.closest(skipped)) continue;
    if (el.matches('svg') && el.closest('button, a, .headerlink')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const tooWide = r.right > column.right + 1 || r.left < column.left - 1
      || el.scrollWidth > el.clientWidth + 1;
    if (!tooWide) continue;
    const mustFit = el.matches('table, figure, img, svg');
    const how = scrolls(el);
    const wide = Math.round(r.width) + ' px wide in a '
      + Math.round(column.width) + ' px column';
    const note = how ? ' (' + how + ')' : '';
    if (mustFit) problems.push(name(el) + ' is ' + wide + note);
    else if (how !== 'scrolls') {
      problems.push(name(el) + ' is cut off' + (how ? ': ' + how : ''));
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > page.clientWidth + 0.5)
      .filter((el) => !el.closest('pre, math, .pst-scrollable-table-container'))
      .slice(0, 3).map(name);
    problems.push('the page scrolls sideways ' + (page.scrollWidth - page.clientWidth)
      + ' px: ' + wide.join(', '));
  }
  return problems;
}"""

FIGURE_TEXT_JS = r"""async () => {
  const found = [];
  for (const img of document.querySelectorAll('article img[src$=".svg"]')) {
    if (!img.closest('figure, .cell_output')) continue;
    img.scrollIntoView();
    const text = await (await fetch(img.currentSrc || img.src)).text();
    const svg = new DOMParser()
      .parseFromString(text, 'image/svg+xml').documentElement;
    const smallest = parseFloat(svg.getAttribute('data-min-text-pt'));
    const viewBox = svg.getAttribute('viewBox');
    const width = viewBox ? parseFloat(viewBox.split(/[\s,]+/)[2]) : NaN;
    const shown = img.getBoundingClientRect().width;
    found.push({src: img.getAttribute('src'), px: smallest * shown / width});
  }
  for (const svg of document.querySelectorAll('article svg[viewBox]')) {
    if (svg.closest('button, a, .headerlink') || !svg.querySelector('text')) continue;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')]
      .filter((t) => t.textContent.trim())
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    found.push({src: 'inline svg ' + (svg.id || ''), px: Math.min(...sizes)});
  }
  return found;
}"""

CAPTIONS_JS = """() => [
  ...document.querySelectorAll('figcaption, figcaption *, caption')]
  .filter((el) => el.textContent.trim())
  .filter((el) => parseInt(getComputedStyle(el).fontWeight, 10) < 400)
  .map((el) => el.textContent.trim().slice(0, 60))"""


@pytest.fixture(scope="module", params=sorted(PHONES))
def phone(request, browser):
    context = browser.new_context(**PHONES[request.param])
    page = context.new_page()
    yield request.param, page
    context.close()


def test_no_table_or_figure_is_cut_off_on_a_small_phone(phone, site):
    width, page = phone
    problems = {}
    for name in PAGES + ZH_PAGES:
        page.goto(site.page_url(name))
        found = page.evaluate(CUT_OFF_JS)
        if found:
            problems[name] = found[:6]
    assert problems == {}, f"at {width} px"


def test_figure_text_is_at_least_11_css_pixels_on_a_390_px_phone(browser, site):
    context = browser.new_context(**PHONES[390])
    page = context.new_page()
    small, counted = [], 0
    for name in PAGES:
        page.goto(site.page_url(name))
        for figure in page.evaluate(FIGURE_TEXT_JS):
            counted += 1
            if not figure["px"] >= MIN_FIGURE_TEXT_PX:  # NaN (no record) fails too
                small.append(f"{name}: {figure['src']} {figure['px']:.1f} px")
    context.close()
    assert counted >= 15, "the book's figures were not found"
    assert small == []


def test_captions_are_not_drawn_light(phone, site):
    _, page = phone
    light = {}
    for name in PAGES:
        page.goto(site.page_url(name))
        found = page.evaluate(CAPTIONS_JS)
        if found:
            light[name] = found[:3]
    assert light == {}

"""The Chinese edition in Chromium: search, the language switcher, the interface.

(axe-core in both colour modes and the 390 px phone run on the Chinese pages
too: tests/browser/test_accessibility.py and test_phone.py take ``ZH_PAGES``.)
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.browser.conftest import CHAPTERS, ZH_PAGES
from tests.browser.harness import PageLog, format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.build]

SEARCH_DONE = """() => /搜索完成|没有任何文档/.test(
  document.querySelector("#search-results .search-summary")?.textContent || "")"""

# Every string of the themes and extensions that an English page shows a
# reader, in its text or in a label a screen reader reads out. None may be
# left on a Chinese page.
THEME_STRINGS = [
    "Search",
    "Search...",
    "Color mode",
    "System Settings",
    "Light",
    "Dark",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Contents",
    "Download this page",
    "Download the notebook",
    "Print to PDF",
    "Launch interactive content",
    "Launch on Colab",
    "Source repositories",
    "Repository",
    "Suggest edit",
    "Open issue",
    "previous page",
    "next page",
    "Previous",
    "Next",
    "Last updated",
    "By",
    "Copyright",
    "Skip to main content",
    "Back to top",
    "Site navigation",
    "Section Navigation",
    "On this page",
    "Exercise",
    "Solution to",
    "Click to show",
    "Click to hide",
    "Show code cell",
    "Hide code cell",
    "Text and figures under",
    "Built with",
    "MIT licence",
    "Home",
    "home",
    "Fullscreen mode",
    "Book (.pdf)",
    "Book (.epub)",
    "Download the whole book",
    "Guess, Compare, Adjust",
    "authors",
    "Page",
    "What you will learn",
    "Key takeaways",
]

INTERFACE_TEXT_JS = """() => {
  const skip = 'pre, code, math, svg, script, style, .highlight, dl.py, .nnb-frame';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(skip)) continue;
    if (node.textContent.trim()) texts.push(node.textContent.trim());
  }
  const named = '[aria-label], [title], [placeholder], [alt]';
  for (const el of document.querySelectorAll(named)) {
    if (el.closest('dl.py, pre, code')) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  texts.push(document.title);
  return texts;
}"""


def _pages_that_say(built_book_zh, term: str) -> set[str]:
    """The Chinese chapters whose article says ``term`` (what search must find)."""
    found = set()
    for page in CHAPTERS:
        soup = BeautifulSoup(built_book_zh.html(page), "html.parser")
        article = soup.select_one("article.bd-article")
        if term in article.get_text():
            found.add(page)
    return found


TERMS = ["梯度下降", "损失函数", "反向传播", "学习率", "损失曲面"]


@pytest.mark.parametrize("term", TERMS)
def test_chinese_search_lists_the_chapters_that_discuss_the_term(
    new_context, site, built_book_zh, term
):
    expected = _pages_that_say(built_book_zh, term)
    assert expected, f"no chapter says {term}"
    guarded = new_context()
    page = guarded.new_page()
    log = PageLog()
    log.listen(page)
    page.goto(site.page_url("zh/index"))
    page.locator(".search-button__button:visible").first.click()
    field = page.locator("#pst-search-dialog input[name=q]")
    field.fill(term)
    field.press("Enter")
    page.wait_for_url(re.compile(r"/zh/search\.html\?q="))
    page.wait_for_function(SEARCH_DONE, timeout=15_000)
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "links => links.map((a) => a.href)"
    )
    found = {PurePosixPath(urlsplit(h).path).stem for h in hrefs}
    assert expected <= found, f"{term}: wanted {sorted(expected)}, got {sorted(found)}"
    assert all("/zh/" in h for h in hrefs), "results lead out of the Chinese site"
    # Sphinx 9.0's Chinese search threw "ChineseStemmer is not defined".
    assert log.console_errors == []
    assert guarded.outside == []
    axe = run_axe(page)
    assert axe["violations"] == [], format_violations(axe["violations"])


@pytest.mark.parametrize("chapter", ["opening", "target-shooting"])
def test_the_switcher_leads_to_the_same_page_in_both_directions(
    new_context, site, chapter
):
    guarded = new_context()
    page = guarded.new_page()
    log = PageLog()
    log.listen(page)
    # Wait for the network to settle before each click: a click that leaves
    # the page earlier aborts the browser's late favicon request, which the
    # log would count as a failed request.
    page.goto(site.page_url(chapter), wait_until="networkidle")
    page.get_by_role("link", name="中文").click()
    page.wait_for_url(f"**/zh/{quote(chapter)}.html")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(rf"/book/{re.escape(chapter)}\.html$"))
    assert page.evaluate("document.documentElement.lang") == "en"
    assert log.console_errors == []
    assert log.failed_requests == []


@pytest.mark.parametrize("name", ZH_PAGES)
def test_no_english_interface_text_on_a_chinese_page(new_context, site, name):
    guarded = new_context()
    page = guarded.new_page()
    page.goto(site.page_url(name))
    texts = page.evaluate(INTERFACE_TEXT_JS)
    left = sorted(
        {
            string
            for string in THEME_STRINGS
            for text in texts
            if re.search(rf"(?<![\w.]){re.escape(string)}(?![\w])", text)
        }
    )
    assert left == [], f"{name}: English interface text {left}"

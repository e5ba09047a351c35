"""Code keeps its colours in the browser although names and punctuation are
written without a span (bookbuild.highlight): text outside the spans is drawn
in the colour the code style gives names."""

from __future__ import annotations

import runpy

import pytest
from pygments.styles import get_style_by_name
from pygments.token import Name

from tests.browser.conftest import MODES, PAGES
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.build]

CODE_COLOURS_JS = """
() => [...document.querySelectorAll(
    ['python', 'pycon', 'default', 'ipython3']
      .map(language => `.highlight-${language} .highlight pre`).join(', '))]
  .map(pre => ({
    colour: getComputedStyle(pre).color,
    plain: [...pre.childNodes]
      .filter(node => node.nodeType === Node.TEXT_NODE)
      .map(node => node.textContent).join('').trim(),
  }))
"""


def _style_colour(mode: str) -> str:
    """The colour of a name in the site's code style for ``mode``, as CSS gives it."""
    options = runpy.run_path(str(REPO / "conf.py"))["html_theme_options"]
    style = get_style_by_name(options[f"pygments_{mode}_style"])
    hex_colour = style.style_for_token(Name)["color"]
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize("mode", MODES)
def test_names_without_a_span_keep_the_colour_of_names(new_context, site, mode):
    expected = _style_colour(mode)
    page = new_context(color_scheme=mode).new_page()
    wrong, plain_text = [], 0
    for name in PAGES:
        page.goto(site.page_url(name))
        for block in page.evaluate(CODE_COLOURS_JS):
            plain_text += len(block["plain"])
            if block["colour"] != expected:
                wrong.append(f"{name}: {block['colour']} in {block['plain'][:60]!r}")
    assert plain_text > 1000, "the code has almost no text outside spans"
    assert wrong == [], f"code text not in the names' colour {expected}:\n" + "\n".join(
        wrong
    )

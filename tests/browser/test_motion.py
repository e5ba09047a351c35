"""The descent animation holds still, in the page, when readers ask for less motion.

The test looks at pixels: the figure is screenshotted twice, a second apart.
With reduced motion (emulated as the reader's system setting) the two must
be identical; without it they must differ, or the first half would pass for
a picture that never moved at all.
"""

from __future__ import annotations

import pytest

FIGURE = "figure#fig-loop-descent"


def _two_frames(browser, site, motion: str) -> tuple[bytes, bytes]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, reduced_motion=motion
    )
    page = context.new_page()
    page.goto(site.page_url("training-loop"))
    figure = page.locator(FIGURE)
    figure.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    first = figure.screenshot(animations="allow")
    page.wait_for_timeout(1000)
    second = figure.screenshot(animations="allow")
    context.close()
    return first, second


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_animation_moves_only_when_motion_is_welcome(browser, site, motion):
    first, second = _two_frames(browser, site, motion)
    if motion == "reduce":
        assert first == second, "the figure moved although reduced motion is asked"
    else:
        assert first != second, "the figure did not move at all"


def test_the_animation_is_part_of_the_page_with_an_accessible_name(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.page_url("training-loop"))
    svg = page.locator(f"{FIGURE} svg[role=img]")
    assert svg.count() == 1
    name = page.evaluate(
        "(svg) => svg.getAttribute('aria-labelledby').split(' ')"
        ".map((id) => document.getElementById(id).textContent).join(' ')",
        svg.element_handle(),
    )
    assert "Gradient descent" in name
    context.close()

"""The descent animation holds still, in the page, when readers ask for less motion.

The test looks at pixels: the figure is screenshotted twice, a second apart.
With reduced motion (emulated as the reader's system setting) the two must
be identical; without it they must differ, or the first half would pass for
a picture that never moved at all.
"""

from __future__ import annotations

import json

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


def _paused(page) -> bool:
    return page.evaluate(
        f"document.querySelector('{FIGURE} svg[role=img]').animationsPaused()"
    )


def test_the_animation_plays_only_while_it_is_in_view(browser, site):
    # A playing SVG lays out and paints the whole page again at every frame;
    # out of view, that work would be wasted (and a phone's battery with it).
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.page_url("training-loop"))
    page.wait_for_timeout(300)
    assert _paused(page), "the animation plays before it is scrolled into view"
    browser.start_tracing(page=page, categories=["devtools.timeline"])
    page.wait_for_timeout(1000)
    events = json.loads(browser.stop_tracing())
    events = events["traceEvents"] if isinstance(events, dict) else events
    paints = [e for e in events if e.get("name") == "Paint" and e.get("ph") == "X"]
    assert not paints, f"{len(paints)} repaints in a second of a page that is still"
    page.locator(FIGURE).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert not _paused(page), "the animation does not play in view"
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    assert _paused(page), "the animation keeps playing out of view"
    context.close()


@pytest.mark.parametrize(
    ("language", "pause", "play"),
    [
        ("", "Pause the animation", "Play the animation"),
        ("zh/", "暂停动画", "播放动画"),
    ],
)
def test_a_button_pauses_and_plays_the_animation(browser, site, language, pause, play):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site.page_url(f"{language}training-loop"))
    button = page.locator(f"{FIGURE} button.nnb-play")
    button.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert button.inner_text() == pause
    button.focus()
    page.keyboard.press("Enter")
    assert button.inner_text() == play
    assert _paused(page)
    figure = page.locator(FIGURE)
    first = figure.screenshot(animations="allow")
    page.wait_for_timeout(700)
    assert figure.screenshot(animations="allow") == first, "paused, yet it moved"
    page.keyboard.press("Space")
    assert button.inner_text() == pause
    assert not _paused(page)
    context.close()


def test_with_reduced_motion_there_is_nothing_to_pause(browser, site):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(site.page_url("training-loop"))
    page.locator(FIGURE).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert _paused(page)
    assert page.locator(f"{FIGURE} button.nnb-play").is_hidden()
    context.close()

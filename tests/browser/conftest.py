"""Fixtures of the browser tests: one Chromium and one local server per session.

The tests need Debian's Chromium at /usr/bin/chromium (``apt-get install
chromium``; .ci/run installs it). Without it they are skipped on a developer's
machine and fail in CI (``CI`` set), so that CI can never pass them unseen.
Playwright drives that Chromium: ``playwright install`` is never needed.

Each page is loaded once per colour mode (``site_audit``) and the per-page
tests read the result of that one load.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Guarded,
    PageAudit,
    SiteServer,
    audit_page,
    guarded_context,
    in_ci,
)

REPO = Path(__file__).resolve().parents[2]

# The top-level pages of the built site: one per chapter, plus Sphinx's own.
CHAPTERS = sorted(path.stem for path in (REPO / "book").glob("*.md"))
PAGES = [*CHAPTERS, "genindex", "search", "404"]
# The Chinese edition's pages (bookbuild.i18n), under zh/ of the same site.
ZH_PAGES = [f"zh/{name}" for name in PAGES]
MODES = ["light", "dark"]


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium binary, or a skip (a failure in CI) that says how to get it."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"the browser tests need Chromium at {CHROMIUM}; install Debian's "
        "package with `apt-get install chromium` (as root)"
    )
    if in_ci():
        pytest.fail(
            f"{message}. In CI these tests never skip: .ci/run installs it.",
            pytrace=False,
        )
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(chromium: Path, built_book) -> Iterator[SiteServer]:
    """The session's build of the book, served on 127.0.0.1 under /book/.

    Asks for ``chromium`` first, so that a missing browser skips before the
    book is built.
    """
    server = SiteServer(built_book.html_dir)
    yield server
    server.stop()


@pytest.fixture
def new_context(browser: Browser, site: SiteServer) -> Iterator[Callable[..., Guarded]]:
    """Open guarded browser contexts (closed after the test)."""
    opened: list[Guarded] = []

    def open_context(**options) -> Guarded:
        guarded = guarded_context(browser, site, **options)
        opened.append(guarded)
        return guarded

    yield open_context
    for guarded in opened:
        guarded.context.close()


class SiteAudit:
    """Audits of the pages, made on first use and kept for the session."""

    def __init__(self, browser: Browser, site: SiteServer) -> None:
        self._browser = browser
        self._site = site
        self._contexts: dict[str, Guarded] = {}
        self._audits: dict[tuple[str, str], PageAudit] = {}

    def __call__(self, name: str, mode: str) -> PageAudit:
        if (name, mode) not in self._audits:
            if mode not in self._contexts:
                # The reader's system asks for this mode; the theme's own
                # default ("auto") follows it.
                self._contexts[mode] = guarded_context(
                    self._browser,
                    self._site,
                    color_scheme=mode,
                    viewport={"width": 1280, "height": 900},
                )
            self._audits[name, mode] = audit_page(
                self._contexts[mode], self._site, name, mode
            )
        return self._audits[name, mode]

    def close(self) -> None:
        for guarded in self._contexts.values():
            guarded.context.close()


@pytest.fixture(scope="session")
def site_audit(browser: Browser, site: SiteServer) -> Iterator[SiteAudit]:
    audit = SiteAudit(browser, site)
    yield audit
    audit.close()

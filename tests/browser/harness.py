"""What the browser tests share: the local server, the guarded browser context,
the audit of one page in one colour mode, and axe-core.

The built site is served on 127.0.0.1 under ``/book/``, the path it has when
published (``html_baseurl`` in ``conf.py``), so the 404 page's absolute links
(``notfound_urls_prefix``) resolve as they do on GitHub Pages. Every browser
context the tests open refuses, and records, any request that would leave that
server: the pages must work with no network at all.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Route,
)

PREFIX = "/book/"

# Debian's Chromium (`apt-get install chromium`); BOOK_CHROMIUM points the tests
# at another Chromium or Chrome binary, e.g. on a machine without Debian's.
CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))

# Launch flags. Playwright adds its own automation flags on top of these.
CHROMIUM_ARGS = [
    # The tests run as root (in CI and on the project's machines), and
    # Chromium's sandbox refuses to start as root.
    "--no-sandbox",
    # There is no GPU: render in software rather than probe for one and log
    # errors about it.
    "--disable-gpu",
    # No QUIC (HTTP/3 over UDP) attempts: the only server is plain HTTP on
    # 127.0.0.1, and the machine's closed network would refuse anything else.
    "--disable-quic",
    # No first-run tasks (welcome page, default-browser check, imports).
    "--no-first-run",
    # No requests of the browser's own (Safe Browsing lists, field trials,
    # translate, prefetching): on a closed network they fail, many at a time,
    # and they are not the page's requests, which are all the tests look at.
    "--disable-background-networking",
    # No downloads of browser components (CRL sets, codecs) at start-up.
    "--disable-component-update",
    # No account sync with Google's servers.
    "--disable-sync",
]


def in_ci() -> bool:
    """Whether the tests run in CI (``CI`` set, as .ci/run and GitHub set it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --- the local server ----------------------------------------------------------


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serve ``directory`` under PREFIX; a missing file gets 404.html, status 404."""

    def __init__(self, *args, directory: str, **kwargs) -> None:
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""

    def send_head(self):
        if not urlsplit(self.path).path.startswith(PREFIX):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path(urlsplit(path).path[len(PREFIX) - 1 :])

    def send_error(self, code: int, message: str | None = None, explain=None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or self.command != "GET" or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a connection mid-response (a page closed while
        # an image loads) is no error of the site.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SiteServer:
    """The built site on a free port of 127.0.0.1, in a thread, until ``stop``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        handler = functools.partial(_SiteHandler, directory=str(root))
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self.url = self.origin + PREFIX
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def page_url(self, name: str) -> str:
        """The address of the top-level page ``name`` (``"index"``, ``"404"``)."""
        return f"{self.url}{name}.html"

    def file_for(self, url: str) -> Path | None:
        """The file an address under /book/ of this server serves, else None."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        if not parts.path.startswith(PREFIX):
            return None
        path = self.root / unquote(parts.path[len(PREFIX) :])
        return path / "index.html" if path.is_dir() else path


# --- guarded browser contexts ---------------------------------------------------


@dataclass
class Guarded:
    """A browser context whose requests can only reach the test server."""

    context: BrowserContext
    outside: list[str] = field(default_factory=list)  # refused addresses

    def new_page(self) -> Page:
        return self.context.new_page()


def guarded_context(browser: Browser, server: SiteServer, **options) -> Guarded:
    """A new context that aborts (and records) every request off ``server``."""
    context = browser.new_context(service_workers="block", **options)
    context.set_default_timeout(20_000)
    guarded = Guarded(context)

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(server.origin + "/"):
            route.continue_()
        else:
            guarded.outside.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    return guarded


@dataclass
class PageLog:
    """What went wrong while a page was open: console errors and failed requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def listen(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location.get("url", "")
                self.console_errors.append(f"{message.text} ({where})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on(
            "requestfailed",
            lambda request: self.failed_requests.append(
                f"{request.url}: {request.failure}"
            ),
        )
        page.on(
            "response",
            lambda response: (
                self.failed_requests.append(f"{response.url}: HTTP {response.status}")
                if response.status >= 400
                else None
            ),
        )

    def snapshot(self) -> PageLog:
        return PageLog(list(self.console_errors), list(self.failed_requests))


# --- scripts run in the page -----------------------------------------------------

# Bring every rendered image into view (the site may load images lazily), wait
# until it has loaded or failed, then report every <img> of the page.
IMAGES_JS = """
async () => {
  const rendered = (el) => el.getClientRects().length > 0;
  for (const img of document.images) {
    if (!rendered(img)) continue;
    img.scrollIntoView({block: "center"});
    const deadline = Date.now() + 10000;
    while (!img.complete && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  window.scrollTo(0, 0);
  return Array.from(document.images, (img) => ({
    src: img.currentSrc || img.src,
    alt: img.getAttribute("alt"),
    rendered: rendered(img),
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    html: img.outerHTML.slice(0, 200),
  }));
}
"""

LINKS_JS = """
() => Array.from(document.querySelectorAll("a[href]"), (a) => ({
  href: a.href, html: a.outerHTML.slice(0, 160),
}))
"""

# Open every hidden solution (sphinx-togglebutton), so that what follows (the
# maths check, axe) sees it too, and wait for the transitions to end.
EXPAND_JS = """
async () => {
  const closed = ".toggle-button[aria-expanded='false']";
  document.querySelectorAll(closed).forEach((button) => button.click());
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  return document.querySelectorAll(closed).length;
}
"""

# The maths of the article: each <math> with its size and layout, the
# subscripts and fractions laid out as such, and any text (outside code)
# that still holds a TeX delimiter.
MATHS_JS = """
() => {
  const article = document.querySelector("article.bd-article") || document.body;
  const box = (el) => el.getBoundingClientRect();
  const maths = Array.from(article.querySelectorAll("math"), (m) => ({
    tex: m.getAttribute("alttext"),
    display: getComputedStyle(m).display,
    width: box(m).width,
    height: box(m).height,
  }));
  const badSubscripts = Array.from(article.querySelectorAll("msub"))
    .filter((s) => !(box(s.children[1]).bottom > box(s.children[0]).bottom))
    .map((s) => s.closest("math").getAttribute("alttext"));
  const badFractions = Array.from(article.querySelectorAll("mfrac"))
    .filter((f) => !(box(f.children[0]).bottom <= box(f.children[1]).top + 1))
    .map((f) => f.closest("math").getAttribute("alttext"));
  const skip = "pre, code, kbd, samp, script, style, math, .highlight, .cell_output";
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const rawTex = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    if (/[$]|\\\\[(\\[]/.test(node.data)) rawTex.push(node.data.trim().slice(0, 120));
  }
  return {maths, badSubscripts, badFractions, rawTex};
}
"""

# axe-core, as bundled by axe-playwright-python (no download). Every rule runs,
# the experimental ones too (label-content-name-mismatch is one); hidden-content
# is left out: it only ever asks for a manual review, never reports a violation,
# and is the slowest rule on long pages.
# A lazy image that has just scrolled into view may not have started loading:
# decode() alone can then settle before there is anything to draw, and the
# screenshot shows the empty box on the dark page. Wait for the load first.
DRAWN_JS = """async (img) => {
    if (!img.complete) {
        await new Promise((loaded, failed) => {
            img.addEventListener("load", loaded, {once: true});
            const broken = () => failed(new Error(img.src + " did not load"));
            img.addEventListener("error", broken, {once: true});
        });
    }
    await img.decode();
    const frame = () => new Promise((next) => requestAnimationFrame(next));
    await frame();
    await frame();
}"""


def wait_until_drawn(image: Locator) -> None:
    """Scroll ``image`` into view and wait until it is loaded, decoded and painted.

    Call it before photographing an image: ``loading="lazy"`` images start
    loading only when they come near the screen.
    """
    image.scroll_into_view_if_needed()
    image.evaluate(DRAWN_JS)


AXE_JS = """
async (context) => {
  const experimental = axe.getRules(["experimental"]).map((rule) => rule.ruleId);
  const rules = Object.fromEntries(experimental.map((id) => [id, {enabled: true}]));
  rules["hidden-content"] = {enabled: false};
  const options = {resultTypes: ["violations"], rules};
  const results = await axe.run(context || document, options);
  return {
    version: axe.version,
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "), html: n.html.slice(0, 200),
        summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 300),
      })),
    })),
  };
}
"""


def run_axe(page: Page, context: str | None = None) -> dict:
    """Run axe-core on ``page`` (or on the element ``context`` selects)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(AXE_JS, context)


def format_violations(violations: list[dict]) -> str:
    """A readable list of axe violations, for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}\n      {node['summary']}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# --- the audit of one page -------------------------------------------------------


@dataclass
class PageAudit:
    """Everything the tests check on one page in one colour mode, from one load."""

    name: str
    mode: str
    theme: str  # html[data-theme] once the page has loaded
    load: PageLog  # console errors and failed requests while loading
    outside: list[str]  # requests refused because they would leave 127.0.0.1
    images: list[dict]
    links: list[dict]
    unexpanded: int  # hidden solutions that would not open
    maths: dict
    axe: dict


def audit_page(guarded: Guarded, server: SiteServer, name: str, mode: str) -> PageAudit:
    """Load page ``name`` once and collect what every per-page test needs.

    The console and the network are watched while the page loads and its
    images come in; what axe-core itself requests afterwards is not the page's
    doing and is left out (axe 4.12 fetches a stylesheet's ``@import`` from a
    wrong address: dequelabs/axe-core#5268).
    """
    outside_before = len(guarded.outside)
    page = guarded.new_page()
    log = PageLog()
    log.listen(page)
    try:
        page.goto(server.page_url(name), wait_until="load")
        page.wait_for_load_state("networkidle")
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        images = page.evaluate(IMAGES_JS)
        load = log.snapshot()
        links = page.evaluate(LINKS_JS)
        unexpanded = page.evaluate(EXPAND_JS)
        maths = page.evaluate(MATHS_JS)
        axe = run_axe(page)
    finally:
        page.close()
    return PageAudit(
        name=name,
        mode=mode,
        theme=theme,
        load=load,
        outside=guarded.outside[outside_before:],
        images=images,
        links=links,
        unexpanded=unexpanded,
        maths=maths,
        axe=axe,
    )


# --- colours -------------------------------------------------------------------


def relative_luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour given as 0-1 floats."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(lum_a: float, lum_b: float) -> float:
    """WCAG 2 contrast ratio of two relative luminances."""
    light, dark = max(lum_a, lum_b), min(lum_a, lum_b)
    return (light + 0.05) / (dark + 0.05)


def parse_css_rgb(value: str) -> tuple[float, float, float, float]:
    """``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` as 0-1 floats (alpha last)."""
    inner = value[value.index("(") + 1 : value.rindex(")")]
    parts = [p.strip() for p in inner.replace("/", ",").replace(" ", ",").split(",")]
    numbers = [float(p) for p in parts if p]
    r, g, b = (n / 255 for n in numbers[:3])
    alpha = numbers[3] if len(numbers) > 3 else 1.0
    return r, g, b, alpha

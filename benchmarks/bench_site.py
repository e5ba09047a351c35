"""Measure the built site as a reader's browser loads it: bytes, requests, Lighthouse.

The site (default ``_build/html``) is served gzip-compressed on 127.0.0.1 by
``benchmarks/serve.py``, and Lighthouse (the exact version pinned in
``benchmarks/package.json``) loads the landing page and every chapter in
Debian's Chromium, with its mobile preset (the default: a mid-range phone on
a throttled 4G connection, simulated) and its desktop preset. From each run
it keeps

* the four category scores (performance, accessibility, best practices,
  SEO), Largest Contentful Paint, Cumulative Layout Shift;
* what the page loaded: Lighthouse's total byte weight (bytes transferred,
  compressed as served) and its network records (the number of requests, and
  how many of them are fonts).

Each page and preset is run ``RUNS`` times; the tables show medians.
Run with ``make bench`` or ``python benchmarks/bench_site.py --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import serving

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# Headless Chromium as root on a machine without a network but the loopback:
# no sandbox, no GPU, and none of the background connections it would try.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-dev-shm-usage"
)
NOT_READER_PAGES = {"genindex", "search", "404", "py-modindex"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {  # what the quality gate asks of every chapter page
    "bytes": 350_000,
    "performance": {"mobile": 98, "desktop": 100},
    "other": 100,
}


@dataclass
class Result:
    """One Lighthouse run of one page with one preset."""

    page: str
    preset: str
    scores: dict[str, int]
    fcp_ms: float
    lcp_ms: float
    cls: float
    tbt_ms: float
    bytes: int
    requests: int
    fonts: int
    cpu_index: float
    failing: list[str]


def pages(html: Path) -> list[str]:
    """The landing page first, then every other reader page, by name.

    The Chinese edition's pages (``zh/``, built by ``make html`` too) follow
    the English ones, named ``zh/<page>``: the same budgets hold for them.
    """
    names = sorted(p.stem for p in html.glob("*.html"))
    names = [n for n in names if n not in NOT_READER_PAGES]
    english = ["index"] + [n for n in names if n != "index"]
    if not (html / "zh" / "index.html").is_file():
        return english
    return english + [f"zh/{n}" for n in pages(html / "zh")]


def lighthouse(url: str, preset: str, out: Path) -> dict:
    """Run Lighthouse once and return its JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROME}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0 or not out.is_file():
        sys.exit(f"Lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summarise(page: str, preset: str, report: dict) -> Result:
    """Keep what the tables show from a Lighthouse report."""
    if report.get("runtimeError"):
        sys.exit(f"Lighthouse could not load {page}: {report['runtimeError']}")
    audits = report["audits"]
    # network requests only: Lighthouse also lists data: URIs (the icons)
    requests = [
        r
        for r in audits["network-requests"]["details"]["items"]
        if r["url"].startswith(("http:", "https:"))
    ]
    failing = sorted(
        key
        for key, audit in audits.items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
    )
    return Result(
        page=page,
        preset=preset,
        scores={
            c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES
        },
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        bytes=int(audits["total-byte-weight"]["numericValue"]),
        requests=len(requests),
        fonts=sum(1 for r in requests if r.get("resourceType") == "Font"),
        cpu_index=report.get("environment", {}).get("benchmarkIndex", 0.0),
        failing=failing,
    )


def median_result(results: list[Result]) -> Result:
    """The medians of several runs of one page and preset."""
    first = results[0]

    def med(values: list[float]) -> float:
        return statistics.median(values)

    return Result(
        page=first.page,
        preset=first.preset,
        scores={c: round(med([r.scores[c] for r in results])) for c in CATEGORIES},
        fcp_ms=med([r.fcp_ms for r in results]),
        lcp_ms=med([r.lcp_ms for r in results]),
        cls=med([r.cls for r in results]),
        tbt_ms=med([r.tbt_ms for r in results]),
        bytes=round(med([r.bytes for r in results])),
        requests=round(med([r.requests for r in results])),
        fonts=round(med([r.fonts for r in results])),
        cpu_index=med([r.cpu_index for r in results]),
        failing=sorted({a for r in results for a in r.failing}),
    )


def measure(
    html: Path,
    runs: int,
    presets: list[str],
    only: list[str] | None = None,
    keep: Path | None = None,
) -> list[Result]:
    """Run Lighthouse ``runs`` times per page and preset; return the medians.

    With ``keep``, Lighthouse's JSON reports are kept in that folder.
    """
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `cd benchmarks && npm ci`")
    names = only or pages(html)
    medians = []
    with serving(html) as base, tempfile.TemporaryDirectory() as tmp:
        for page in names:
            for preset in presets:
                results = []
                for n in range(runs):
                    name = page.replace("/", "-")  # zh/opening: zh-opening
                    out = (keep or Path(tmp)) / f"{name}-{preset}-{n}.json"
                    report = lighthouse(f"{base}{page}.html", preset, out)
                    results.append(summarise(page, preset, report))
                medians.append(median_result(results))
                m = medians[-1]
                print(
                    f"  {page:20} {preset:7} perf {m.scores['performance']:3} "
                    f"LCP {m.lcp_ms / 1000:4.1f} s {m.bytes / 1000:7.1f} kB "
                    f"{m.requests:3} requests",
                    flush=True,
                )
    return medians


def check(ok: bool) -> str:
    return "" if ok else " ✗"


def pages_table(results: list[Result]) -> str:
    """Bytes and requests at page load (mobile preset)."""
    lines = [
        "| page (mobile, at load) | kB transferred | requests | fonts |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        if r.preset != "mobile":
            continue
        mark = check(r.bytes <= TARGETS["bytes"])
        lines.append(
            f"| {r.page} | {r.bytes / 1000:.1f}{mark} | {r.requests} | {r.fonts} |"
        )
    lines.append("")
    lines.append(
        f"kB = 1000 bytes, as transferred (gzip for text); target ≤ "
        f"{TARGETS['bytes'] // 1000} kB per page; ✗ marks a miss."
    )
    return "\n".join(lines)


def lighthouse_table(results: list[Result]) -> str:
    """The four scores, LCP, CLS and total byte weight per page and preset."""
    lines = [
        "| page | preset | perf | a11y | best pr. | SEO | FCP s | LCP s | CLS "
        "| TBT ms | total kB | CPU index |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.scores
        perf = s["performance"] >= TARGETS["performance"][r.preset]
        lines.append(
            f"| {r.page} | {r.preset} | {s['performance']}{check(perf)} "
            f"| {s['accessibility']}{check(s['accessibility'] >= TARGETS['other'])} "
            f"| {s['best-practices']}{check(s['best-practices'] >= TARGETS['other'])} "
            f"| {s['seo']}{check(s['seo'] >= TARGETS['other'])} "
            f"| {r.fcp_ms / 1000:.2f} | {r.lcp_ms / 1000:.2f} | {r.cls:.3f} "
            f"| {r.tbt_ms:.0f} | {r.bytes / 1000:.1f} | {r.cpu_index:.0f} |"
        )
    failing = sorted({a for r in results for a in r.failing})
    lines.append("")
    lines.append(
        "Targets: performance ≥ 98 (mobile) / 100 (desktop), the other three "
        "100; ✗ marks a miss. CPU index: Lighthouse's benchmarkIndex of the "
        "machine during the run (lower = slower or busier; the mobile preset "
        "slows the CPU 4× on top)."
    )
    if failing:
        lines.append("Audits below 1 on some page: " + ", ".join(failing))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presets", default="mobile,desktop")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", type=Path, help="keep Lighthouse's reports here")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    if not (args.html / "index.html").is_file():
        sys.exit(f"no built site in {args.html}: run `make html` first")
    presets = args.presets.split(",")
    only = args.pages.split(",") if args.pages else None
    print(f"Lighthouse on {args.html}, {args.runs} run(s) per page and preset:")
    results = measure(args.html, args.runs, presets, only, args.keep)
    print()
    print(pages_table(results))
    print()
    print(lighthouse_table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")


if __name__ == "__main__":
    main()

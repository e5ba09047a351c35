"""The command line of the review: build both sides, compare, write the reports."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tools.review_diff import build, report
from tools.review_diff.collect import snapshot
from tools.review_diff.compare import Diff, compare
from tools.review_diff.images import RasteriseError

LOG_TAIL = 40  # lines of a failed build's log shown


def _say(message: str) -> None:
    print(f"review-diff: {message}", file=sys.stderr, flush=True)


def _build_side(side: build.Side, name: str, jobs: str, commit: str | None) -> None:
    start = time.monotonic()
    code = build.build(side, jobs=jobs, commit=commit)
    if code != 0 or not (side.html / "index.html").is_file():
        tail = side.log.read_text(encoding="utf-8").splitlines()[-LOG_TAIL:]
        raise build.ReviewError(
            f"the {name} build stopped (exit code {code}); its log is {side.log}:\n"
            + "\n".join(tail)
        )
    _say(f"built the {name} in {time.monotonic() - start:.0f} s")


@dataclass(frozen=True)
class Review:
    """A finished review: the builds compared, the difference, the reports."""

    base: build.Side
    head: build.Side
    diff: Diff
    markdown: Path
    html: Path


def run(repo: Path, base_ref: str | None, build_dir: Path, jobs: str) -> Review:
    """Build both sides, compare them and write the reports."""
    top = Path(build.git(repo, "rev-parse", "--show-toplevel"))
    review = (build_dir if build_dir.is_absolute() else top / build_dir) / "review"
    commit, how = build.resolve_base(top, base_ref)
    (review / "report.md").unlink(missing_ok=True)  # never a stale report
    shutil.rmtree(review / "report", ignore_errors=True)
    head_commit = build.git(top, "rev-parse", "HEAD")
    base = build.Side(review / "base-src", review / "base")
    head = build.Side(top, review / "head")
    build.check_out_base(top, commit, base.source)
    if build.is_built(base, commit):
        _say(f"the base {commit[:12]} is built already ({base.out})")
    else:
        _say(f"building the base {commit[:12]} ({how}) into {base.out}")
        _build_side(base, "base", jobs, commit)
    _say(f"building the working tree into {head.out}")
    _build_side(head, "working tree", jobs, None)
    dirty = build.git(top, "status", "--porcelain", "--untracked-files=no")
    heading = report.Heading(
        base=f"{commit[:12]} ({how})",
        head=f"the working tree of {head_commit[:12]}"
        + (" with uncommitted changes" if dirty else ""),
    )
    return write_review(base, head, (commit, head_commit), heading, review)


ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours of IPython's tracebacks


def copy_tracebacks(side: build.Side, pages: list[str], folder: Path) -> None:
    """Copy the tracebacks of ``pages`` (``<page>.err.log``) beside the report.

    Colour codes are removed; the side's paths are made relative, those of
    the virtual environment and of Python start with ``<venv>`` and ``<python>``.
    """
    shutil.rmtree(folder, ignore_errors=True)
    for page in pages:
        log = side.out / "reports" / f"{page}.err.log"
        if log.is_file():
            text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
            for path, name in (
                (side.source.resolve(), ""),
                (side.source, ""),
                (Path(sys.prefix), "<venv>/"),
                (Path(sys.base_prefix), "<python>/"),
            ):
                text = text.replace(f"{path}/", name)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / log.name).write_text(text, encoding="utf-8")


def write_review(
    base: build.Side,
    head: build.Side,
    commits: tuple[str, str],
    heading: report.Heading,
    folder: Path,
) -> Review:
    """Compare two builds; write ``report.md`` and ``report/index.html`` to ``folder``.

    ``commits`` are those of the base and of the head, hidden in the
    notebooks they pin (see :func:`.collect.hide_commit`).
    """
    start = time.monotonic()
    html_dir = folder / "report"
    diff = compare(
        snapshot(base, commits[0]),
        snapshot(head, commits[1]),
        html_dir / "images",
        folder / "rasterised",
    )
    markdown = folder / "report.md"
    markdown.write_text(report.markdown(diff, heading), encoding="utf-8")
    page = html_dir / "index.html"
    html_dir.mkdir(parents=True, exist_ok=True)
    copy_tracebacks(head, diff.failing, html_dir / "tracebacks")
    page.write_text(report.html_page(diff, heading), encoding="utf-8")
    _say(f"compared the builds in {time.monotonic() - start:.0f} s")
    return Review(base, head, diff, markdown, page)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the review, print where the reports are."""
    parser = argparse.ArgumentParser(
        prog="make review-diff", description="What a change does to the built book."
    )
    parser.add_argument(
        "--base",
        default=None,
        help="git ref of the base (default: merge base with main)",
    )
    parser.add_argument(
        "--build",
        type=Path,
        default=Path("_build"),
        help="build folder (default _build)",
    )
    parser.add_argument(
        "--repo", type=Path, default=Path("."), help="the repository (default: here)"
    )
    parser.add_argument("--jobs", default="auto", help="sphinx -j (default auto)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    try:
        review = run(args.repo.resolve(), args.base or None, args.build, args.jobs)
    except (build.ReviewError, RasteriseError) as error:
        _say(f"error: {error}")
        return 2
    said = report.summary(review.diff) if review.diff else "no change to the book."
    _say(f"{said} ({time.monotonic() - start:.0f} s in all)")
    _say(f"reports: {review.markdown} and {review.html}")
    return 0

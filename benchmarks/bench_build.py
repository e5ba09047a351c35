"""Time the book's builds: cold, warm, and after the edits a writer makes.

Works on a throw-away copy of the project (``conf.py``, ``book/``, ``code/``)
in a temporary folder that is a git repository with one commit, so that the
"last updated" dates resolve as in a real checkout. The copy's kernels import
the copy's ``code/`` (bookbuild.kernel), and each chapter's outputs are keyed
on the files it imports (bookbuild.cache), so an edit to one module
re-executes only the chapters that import it, as a real edit would.

Each scenario runs ``RUNS`` times and reports the median wall time and how
many pages myst-nb executed (its log lines "Executed notebook in") or served
from the cache ("Using cached notebook"):

* cold, ``-j auto``: empty build folder, so every chapter is executed;
* cold, ``-j 1``: the same, serially (the parallel/serial ratio is printed);
* no change: the same command again;
* prose edit: a sentence added to a chapter's text;
* code-cell edit: a comment added to one code cell of one chapter;
* one-module edit: a comment added to ``code/nnbasics/plotting/black_box.py``
  (only the black-box chapter imports it: 1 executed);
* extension edit: a comment added to the book's Sphinx extension (0 executed,
  every page written again: bookbuild.freshness);
* package edit: a comment added to ``code/nnbasics/__init__.py``, which every
  chapter imports (all executed).

The same scenarios run on **stock Sphinx + myst-nb**: a second copy whose
``conf.py`` drops the book's extension (``bookbuild``) and builds serially in
myst-nb's cache mode. Runs of the two alternate, so that a slow moment of the
machine hits both, and the ratios book / stock are printed.

Run with ``make bench`` or ``python benchmarks/bench_build.py --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXECUTED = re.compile(r"^\S+: Executed notebook in", re.MULTILINE)
CACHED = re.compile(r"^\S+: Using cached notebook", re.MULTILINE)
PROSE_PAGE = "book/guess-the-number.md"
CELL_PAGE = "book/black-box.md"
CODE_FILE = "code/nnbasics/__init__.py"
MODULE_FILE = "code/nnbasics/plotting/black_box.py"
EXTENSION_FILE = "book/_ext/bookbuild/meta.py"

STOCK_CONF = """

# --- the stock variant of the benchmark: no book extension, serial ---------
extensions = [name for name in extensions if not name.startswith("bookbuild")]
html_math_renderer = None
nb_execution_cache_path = str(Path(__file__).parent / "_build" / ".jupyter_cache")
"""


@dataclass
class Run:
    """One ``sphinx-build`` of the copy."""

    seconds: float
    executed: int
    cached: int


@dataclass
class Scenario:
    """Every run of one scenario and their medians."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def executed(self) -> int:
        return round(statistics.median(r.executed for r in self.runs))

    @property
    def cached(self) -> int:
        return round(statistics.median(r.cached for r in self.runs))


def copy_project(destination: Path, source: Path = REPO) -> Path:
    """Copy conf.py, book/ and code/ to ``destination`` and commit them there."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "conf.py", destination / "conf.py")
    for folder in ("book", "code"):
        shutil.copytree(source / folder, destination / folder, ignore=ignore)
    git = ["git", "-C", str(destination), "-c", "user.name=bench"]
    git += ["-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench copy"], check=True)
    return destination


def stock_project(destination: Path, source: Path = REPO) -> Path:
    """A copy of the project built by stock Sphinx + myst-nb (no bookbuild)."""
    project = copy_project(destination, source)
    append(project / "conf.py", STOCK_CONF)
    return project


def sphinx(project: Path, jobs: str, *, strict: bool = True) -> Run:
    """Build the copy as ``make html`` does; fail loudly if the build fails."""
    build = project / "_build"
    command = [
        *(sys.executable, "-m", "sphinx", "-b", "html"),
        *(("-W", "--keep-going") if strict else ()),
        *("-j", jobs, "-c", str(project), "-d", str(build / "doctrees")),
        *(str(project / "book"), str(build / "html")),
    ]
    start = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=project
    )
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.exit(f"the build failed ({' '.join(command)}):\n{log[-4000:]}")
    return Run(seconds, len(EXECUTED.findall(log)), len(CACHED.findall(log)))


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def edit_prose(project: Path, n: int) -> None:
    """Add a sentence at the end of a chapter (new paragraph, no code)."""
    append(project / PROSE_PAGE, f"\nA sentence added by the benchmark ({n}).\n")


def edit_code_cell(project: Path, n: int) -> None:
    """Add a comment as the last line of the first code cell of a chapter."""
    path = project / CELL_PAGE
    text = path.read_text(encoding="utf-8")
    start = text.index("```{code-cell}")
    end = text.index("\n```", start)
    path.write_text(
        text[:end] + f"\n# edited by the benchmark ({n})" + text[end:],
        encoding="utf-8",
    )


def edit_code(project: Path, n: int) -> None:
    """Add a comment to the package's __init__ (every chapter imports it)."""
    append(project / CODE_FILE, f"\n# edited by the benchmark ({n})\n")


def edit_module(project: Path, n: int) -> None:
    """Add a comment to a module that one chapter imports."""
    append(project / MODULE_FILE, f"\n# edited by the benchmark ({n})\n")


def edit_extension(project: Path, n: int) -> None:
    """Add a comment to the book's Sphinx extension."""
    append(project / EXTENSION_FILE, f"\n# edited by the benchmark ({n})\n")


def clean(project: Path) -> None:
    shutil.rmtree(project / "_build", ignore_errors=True)


BOOK_STEPS: list[tuple[str, Callable[[Path, int], None] | None]] = [
    ("cold (-j auto)", None),
    ("no change", None),
    ("prose edit", edit_prose),
    ("code-cell edit", edit_code_cell),
    ("one-module edit", edit_module),
    ("extension edit", edit_extension),
    ("package edit", edit_code),
]
STOCK_STEPS = ["cold (-j auto)", "no change", "prose edit", "code-cell edit"]


def stock_name(name: str) -> str:
    """The stock variant's scenario name (its cold build is serial)."""
    return "stock cold (-j 1)" if name.startswith("cold") else f"stock {name}"


def measure(
    runs: int,
    jobs: str = "auto",
    source: Path = REPO,
    log: Callable[[str], None] = print,
    stock: bool = True,
) -> list[Scenario]:
    """Run every scenario ``runs`` times on a copy of ``source``; return them.

    With ``stock``, the first scenarios also run on a stock copy (serial, no
    bookbuild), alternating with the book's runs; they are named "stock ...".
    """
    names = [name for name, _ in BOOK_STEPS] + ["cold (-j 1)"]
    names += [stock_name(name) for name in STOCK_STEPS] if stock else []
    scenarios = {name: Scenario(name) for name in names}

    def record(name: str, run: Run, n: int) -> None:
        scenarios[name].runs.append(run)
        log(
            f"  run {n + 1}/{runs} {name:22} {run.seconds:6.2f} s, "
            f"{run.executed} executed, {run.cached} from cache"
        )

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        project = copy_project(Path(tmp) / "project", source)
        plain = stock_project(Path(tmp) / "stock", source) if stock else None
        for n in range(runs):
            clean(project)
            if plain is not None:
                clean(plain)
            for name, edit in BOOK_STEPS:
                if edit is not None:
                    edit(project, n)
                record(name, sphinx(project, jobs), n)
                if plain is not None and name in STOCK_STEPS:
                    if edit is not None:
                        edit(plain, n)
                    record(stock_name(name), sphinx(plain, "1", strict=False), n)
        for n in range(runs):
            clean(project)
            record("cold (-j 1)", sphinx(project, "1"), n)
    return [scenarios[name] for name in names]


TARGETS = {  # scenario: (upper bound in seconds or None, pages executed or None)
    "no change": (1.5, 0),
    "prose edit": (None, 0),
    "one-module edit": (None, 1),
    "extension edit": (None, 0),
}

RATIO_TARGETS = {  # book scenario: the most it may take of stock's time
    "prose edit": 1.0,
    "code-cell edit": 1.0,
    "no change": None,
    "cold (-j auto)": 0.6,
}


def table(scenarios: list[Scenario]) -> str:
    """The scenarios as a Markdown table, with the parallel/serial ratio."""
    lines = [
        "| build | median s | runs (s) | executed | from cache | target |",
        "|---|---:|---|---:|---:|---|",
    ]
    by_name = {s.name: s for s in scenarios}
    for s in scenarios:
        target = ""
        if s.name in TARGETS:
            limit, executed = TARGETS[s.name]
            ok = (limit is None or s.seconds <= limit) and s.executed == executed
            parts = ([f"≤ {limit} s"] if limit else []) + [f"{executed} executed"]
            target = f"{', '.join(parts)}: {'met' if ok else 'NOT met'}"
        runs = ", ".join(f"{r.seconds:.2f}" for r in s.runs)
        lines.append(
            f"| {s.name} | {s.seconds:.2f} | {runs} | {s.executed} | {s.cached} "
            f"| {target} |"
        )
    ratio = by_name["cold (-j auto)"].seconds / by_name["cold (-j 1)"].seconds
    verdict = "met" if ratio <= 0.75 else "NOT met"
    lines.append("")
    lines.append(f"cold -j auto / cold -j 1 = {ratio:.2f} (target ≤ 0.75: {verdict})")
    if "stock prose edit" in by_name:
        lines += [
            "",
            "| book / stock Sphinx + myst-nb | ratio | target |",
            "|---|---:|---|",
        ]
        for name, limit in RATIO_TARGETS.items():
            ratio = by_name[name].seconds / by_name[stock_name(name)].seconds
            target = ""
            if limit is not None:
                target = f"≤ {limit}: {'met' if ratio <= limit else 'NOT met'}"
            lines.append(f"| {name} | {ratio:.2f} | {target} |")
    return "\n".join(lines)


def to_json(scenarios: list[Scenario]) -> list[dict]:
    return [
        {
            "name": s.name,
            "median_seconds": s.seconds,
            "executed": s.executed,
            "cached": s.cached,
            "runs": [asdict(r) for r in s.runs],
        }
        for s in scenarios
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="auto", help="-j of the parallel builds")
    parser.add_argument(
        "--source", type=Path, default=REPO, help="project to copy (default: this one)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--no-stock", action="store_true", help="skip the stock Sphinx comparison"
    )
    args = parser.parse_args()
    print(f"Builds of a copy of {args.source}, {args.runs} run(s) each:")
    scenarios = measure(args.runs, args.jobs, args.source, stock=not args.no_stock)
    print()
    print(table(scenarios))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(to_json(scenarios), indent=2) + "\n")


if __name__ == "__main__":
    main()

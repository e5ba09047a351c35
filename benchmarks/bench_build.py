"""Time the book's builds: cold, warm, and after the edits a writer makes.

Works on a throw-away copy of the project (``conf.py``, ``book/``, ``code/``)
in a temporary folder that is a git repository with one commit, so that the
"last updated" dates resolve as in a real checkout. The copy's ``code/`` is
what the execution cache is keyed on; the kernel imports the installed
``nnbasics`` (the repository's), so an edit to the copy's ``code/`` changes
the key and re-executes every chapter, as a real edit would.

Each scenario runs ``RUNS`` times and reports the median wall time and how
many pages myst-nb executed (its log lines "Executed notebook in") or served
from the cache ("Using cached notebook"):

* cold, ``-j auto``: empty build folder, so every chapter is executed;
* cold, ``-j 1``: the same, serially (the parallel/serial ratio is printed);
* no change: the same command again;
* prose edit: a sentence added to a chapter's text;
* code-cell edit: a comment added to one code cell of one chapter;
* code/ edit: a comment added to ``code/nnbasics/__init__.py``.

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


def sphinx(project: Path, jobs: str) -> Run:
    """Build the copy as ``make html`` does; fail loudly if the build fails."""
    build = project / "_build"
    command = [
        *(sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going"),
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
    """Add a comment to the package (changes the cache key of every chapter)."""
    append(project / CODE_FILE, f"\n# edited by the benchmark ({n})\n")


def clean(project: Path) -> None:
    shutil.rmtree(project / "_build", ignore_errors=True)


def measure(
    runs: int,
    jobs: str = "auto",
    source: Path = REPO,
    log: Callable[[str], None] = print,
) -> list[Scenario]:
    """Run every scenario ``runs`` times on a copy of ``source``; return them."""
    names = [
        "cold (-j auto)",
        "cold (-j 1)",
        "no change",
        "prose edit",
        "code-cell edit",
        "code/ edit",
    ]
    scenarios = {name: Scenario(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        project = copy_project(Path(tmp) / "project", source)
        for n in range(runs):
            clean(project)
            steps: list[tuple[str, Callable[[Path, int], None] | None, str]] = [
                ("cold (-j auto)", None, jobs),
                ("no change", None, jobs),
                ("prose edit", edit_prose, jobs),
                ("code-cell edit", edit_code_cell, jobs),
                ("code/ edit", edit_code, jobs),
            ]
            for name, edit, j in steps:
                if edit is not None:
                    edit(project, n)
                run = sphinx(project, j)
                scenarios[name].runs.append(run)
                log(
                    f"  run {n + 1}/{runs} {name:16} {run.seconds:6.2f} s, "
                    f"{run.executed} executed, {run.cached} from cache"
                )
        for n in range(runs):
            clean(project)
            run = sphinx(project, "1")
            scenarios["cold (-j 1)"].runs.append(run)
            log(
                f"  run {n + 1}/{runs} {'cold (-j 1)':16} {run.seconds:6.2f} s, "
                f"{run.executed} executed"
            )
    return [scenarios[name] for name in names]


TARGETS = {  # scenario: (upper bound in seconds or None, pages executed or None)
    "no change": (1.5, 0),
    "prose edit": (None, 0),
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
    args = parser.parse_args()
    print(f"Builds of a copy of {args.source}, {args.runs} run(s) each:")
    scenarios = measure(args.runs, args.jobs, args.source)
    print()
    print(table(scenarios))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(to_json(scenarios), indent=2) + "\n")


if __name__ == "__main__":
    main()

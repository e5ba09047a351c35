"""``make bench``: time the builds, then weigh and score the built site.

Runs :mod:`bench_build` (builds of a copy of the project) and
:mod:`bench_site` (Lighthouse on the site in ``_build/html``), then prints
their tables together and writes every number to ``_build/bench/results.json``.
The machine should be otherwise idle: both measure time, and Lighthouse's
performance score follows the CPU it is given (its ``benchmarkIndex`` is
printed with the results).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build
import bench_site

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--html", type=Path, default=REPO / "_build" / "html")
    parser.add_argument(
        "--only", choices=("build", "site"), help="run one of the two benchmarks"
    )
    parser.add_argument(
        "--json", type=Path, default=REPO / "_build" / "bench" / "results.json"
    )
    args = parser.parse_args()
    results: dict[str, object] = {"runs": args.runs}
    tables = []
    if args.only in (None, "build"):
        print(f"Builds of a copy of the project, {args.runs} run(s) each:")
        scenarios = bench_build.measure(args.runs)
        results["build"] = bench_build.to_json(scenarios)
        tables.append(bench_build.table(scenarios))
    if args.only in (None, "site"):
        if not (args.html / "index.html").is_file():
            sys.exit(f"no built site in {args.html}: run `make html` first")
        print(f"Lighthouse on {args.html}, {args.runs} run(s) per page and preset:")
        pages = bench_site.measure(args.html, args.runs, ["mobile", "desktop"])
        results["site"] = [asdict(p) for p in pages]
        tables += [bench_site.pages_table(pages), bench_site.lighthouse_table(pages)]
    print()
    print("\n\n".join(tables))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nAll numbers: {args.json}")


if __name__ == "__main__":
    main()

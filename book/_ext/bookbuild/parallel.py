"""Share the pages among ``sphinx-build -j`` processes: to read, and to write.

Sphinx cuts the list of pages to read into one contiguous chunk per worker,
in alphabetical order, so the pages that cost most can land in one chunk:
the API page (autodoc imports the whole package) and the chapters with the
most code cells to execute did, and one worker read for five seconds after
the other had finished. Before the pages are read, :func:`balanced_order`
reorders them so that Sphinx's chunks cost about the same. A page's cost is
estimated from its source: one per code cell to execute, one per autodoc
directive, plus one.

A page read alone is read in-process: since sphinx-doc/sphinx#12796
(Sphinx 8.1) ``-j`` forks a worker even for a single page, which then sends
the whole environment back pickled (a prose edit took about 1 s longer with
``-j auto`` than with ``-j 1``), so this module sets ``app.parallel`` (the
``-j`` value, which Sphinx reads when reading starts and again when writing
starts) to 1 for a one-page read.

Writing gets one more process than ``-j``. Sphinx's parallel writing keeps
the main process busy resolving each page and hands the pages to ``-j`` - 1
workers in chunks of up to ten: with ``-j 2`` that is one worker, which
waited until the main process had resolved ten pages, and the whole was
slower than writing serially. With ``-j`` + 1 the chunks are half as long and
the worker count matches the cores, so resolving and writing overlap: on
this two-core machine, all 12 pages were written in 3.7 to 4.6 s against
4.6 to 6.1 s serially (4 pairs), with byte-identical output. A build that
read one page or none (an edit: one or two pages to write) writes serially,
as do ``-j 1`` and the PDF and EPUB builders. ``tests/test_parallel_order.py``
builds a small project to check that Sphinx still takes it so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.parallel import make_chunks

_COSTLY = re.compile(r"^\s*(```\{code-cell\}|\.\. auto\w+::|```\{auto\w+\})", re.M)


def page_cost(source: str) -> int:
    r"""Estimate the cost of reading a page: its code cells and autodoc directives.

    >>> page_cost("```{code-cell} ipython3\n1 + 1\n```\n")
    2
    """
    return 1 + len(_COSTLY.findall(source))


def balanced_order(costs: Mapping[str, float], workers: int) -> list[str]:
    """Order pages so that Sphinx's chunks for ``workers`` cost about the same.

    Sphinx reads ``make_chunks(pages, workers)``: contiguous slices of fixed
    sizes, handed to ``workers`` processes in turn. When the pages do not
    divide evenly, the short slices at the end run last, after a long one:
    they get the cheapest pages. Every other page, costliest first, goes to
    the full-size slice with the lowest cost so far that has room (ties by
    name, so the order is reproducible). Then, while swapping a page of the
    costliest full slice with a cheaper page of another full slice lowers the
    costlier of the two, the best such swap is made: filling slices of fixed
    sizes greedily can leave one slice a few pages' worth above the rest.

    >>> balanced_order({"a": 9, "b": 5, "c": 4, "d": 1}, 2)
    ['a', 'd', 'b', 'c']
    """
    names = sorted(costs)
    sizes = [len(chunk) for chunk in make_chunks(names, workers)]
    chunks: list[list[str]] = [[] for _ in sizes]
    cheapest_first = sorted(names, key=lambda n: (costs[n], n))
    for i, size in enumerate(sizes):
        if size < max(sizes):  # a short slice at the end
            chunks[i] = [cheapest_first.pop(0) for _ in range(size)]
    totals = [sum(costs[n] for n in chunk) for chunk in chunks]
    for name in sorted(cheapest_first, key=lambda n: (-costs[n], n)):
        open_chunks = [i for i, size in enumerate(sizes) if len(chunks[i]) < size]
        best = min(open_chunks, key=lambda i: (totals[i], i))
        chunks[best].append(name)
        totals[best] += costs[name]
    _even_out(chunks, [i for i, size in enumerate(sizes) if size == max(sizes)], costs)
    return [name for chunk in chunks for name in chunk]


def _even_out(
    chunks: list[list[str]], full: list[int], costs: Mapping[str, float]
) -> None:
    """Swap pages between full slices while that lowers the costliest one."""

    def total(i: int) -> float:
        return sum(costs[n] for n in chunks[i])

    while True:
        top = max(full, key=lambda i: (total(i), -i))
        swaps = [
            (max(total(top) - gap, total(other) + gap), a, b, other)
            for other in full
            if other != top
            for a in chunks[top]
            for b in chunks[other]
            if 0 < (gap := costs[a] - costs[b]) < total(top) - total(other)
        ]
        if not swaps:
            return
        _, a, b, other = min(swaps)
        chunks[top][chunks[top].index(a)] = b
        chunks[other][chunks[other].index(b)] = a


def _balance(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel <= 1:
        return
    if len(docnames) <= 1:
        app.parallel = 1  # one page: a worker would only add the pickling
        return
    costs = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        source = path.read_text(encoding="utf-8") if path.is_file() else ""
        costs[docname] = page_cost(source)
    docnames[:] = balanced_order(costs, app.parallel)


def _write_with_one_more_process(app: Sphinx, env: BuildEnvironment) -> list[str]:
    # app.parallel is 1 here under -j 1 and after a read of one page or none
    several = app.parallel > 1 and app.builder.name == "html"
    app.parallel = app.parallel + 1 if several else 1
    return []


def setup(app: Sphinx) -> None:
    """Read in balanced chunks (or in-process for one page); write with -j + 1."""
    app.connect("env-before-read-docs", _balance)
    app.connect("env-updated", _write_with_one_more_process)

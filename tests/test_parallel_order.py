"""bookbuild.parallel: Sphinx's chunks of pages to read cost about the same."""

from __future__ import annotations

from sphinx.util.parallel import make_chunks

from bookbuild.parallel import balanced_order

# Costs like the book's: the API page and a few heavy chapters, light pages.
COSTS = {
    "api": 30, "black-box": 14, "cracking-the-box": 22, "guess-the-number": 12,
    "index": 1, "layers": 18, "opening": 9, "target-shooting": 16,
    "training-loop": 11, "genindex-like": 1, "extra": 2,
}  # fmt: skip


def chunk_costs(order: list[str], workers: int) -> list[int]:
    return [sum(COSTS[n] for n in chunk) for chunk in make_chunks(order, workers)]


def test_the_short_chunk_at_the_end_gets_the_cheapest_pages():
    # 11 pages on 2 workers: chunks of 5, 5 and 1; the last one runs after a
    # full one, so a costly page there would finish long after the rest.
    order = balanced_order(COSTS, 2)
    chunks = list(make_chunks(order, 2))
    assert [len(c) for c in chunks] == [5, 5, 1]
    assert chunks[-1] == ["genindex-like"]  # the cheapest (ties by name)
    assert sorted(order) == sorted(COSTS)


def test_the_full_chunks_cost_about_the_same_and_less_than_in_name_order():
    order = balanced_order(COSTS, 2)
    full = chunk_costs(order, 2)[:2]
    assert max(full) - min(full) <= max(COSTS.values()) // 2
    assert max(chunk_costs(order, 2)) < max(chunk_costs(sorted(COSTS), 2))


def test_the_order_is_reproducible():
    assert balanced_order(COSTS, 2) == balanced_order(dict(reversed(COSTS.items())), 2)

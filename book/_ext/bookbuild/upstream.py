"""Workarounds that reach into another project's private code: all of them here.

Each one names the upstream problem it works around and the test that fails
loudly when the upstream code it relies on changes shape, so that an upgrade
never breaks the book silently. Remove a workaround when upstream fixes its
problem.

* **jupyter-cache truncates records another writer is adding.**
  ``JupyterCacheBase.truncate_caches`` runs after every cached notebook: it
  lists the records to keep, then, in a second query, deletes every record
  not in that list. Under ``sphinx-build -j`` a record that another worker
  inserts between the two queries is deleted before its notebook is
  written, and that worker fails with "Notebook file does not exist for
  cache record". jupyter-cache does not support concurrent writers
  (executablebooks/jupyter-cache#37; the sibling race on creating the
  database is sphinx-doc/sphinx#12481, worked around in bookbuild.cache with
  public calls). The book keeps a handful of records per page, far below the
  1,000 that truncation enforces, so truncation is switched off. Guarded by
  ``tests/test_upstream.py::test_jupyter_cache_still_truncates_in_two_queries``.
"""

from __future__ import annotations


def _never_truncate(cache: object) -> None:
    """Keep every record (see the module docstring)."""


def switch_off_cache_truncation() -> None:
    """Replace ``JupyterCacheBase.truncate_caches`` by a no-op."""
    from jupyter_cache.cache.main import JupyterCacheBase

    JupyterCacheBase.truncate_caches = _never_truncate  # type: ignore[method-assign]

"""The private upstream code bookbuild.upstream relies on is still there, as it was.

Each test fails loudly when an upgrade changes what a workaround assumes:
then remove the workaround (if upstream fixed the problem) or adapt it.
"""

from __future__ import annotations

import inspect


def test_jupyter_cache_still_truncates_in_two_queries():
    from jupyter_cache.cache.db import NbCacheRecord
    from jupyter_cache.cache.main import JupyterCacheBase

    import bookbuild.upstream

    source = inspect.getsource(NbCacheRecord.records_to_delete)
    assert "notin_(pks_to_keep)" in source, (
        "jupyter-cache changed records_to_delete: check whether the truncation "
        "race is fixed and bookbuild.upstream.switch_off_cache_truncation can go"
    )
    bookbuild.upstream.switch_off_cache_truncation()
    assert JupyterCacheBase.truncate_caches is bookbuild.upstream._never_truncate

"""Key myst-nb's execution cache on the package the chapters import.

myst-nb matches a notebook against its cache by the page's code cells only
(myst-nb issue 299). Our chapters import :mod:`nnbasics`, so a change under
``code/`` would otherwise be served stale outputs. Here the cache lives in
``<build>/.jupyter_cache/code-<hash of code/>``: a code change points the
build at a new, empty cache (and, since the setting is registered with
``rebuild="env"``, makes Sphinx re-read every page), while prose edits keep
the same cache and execute nothing.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def code_hash(code_dir: Path) -> str:
    """Return a short SHA-256 of every source file under ``code_dir``.

    File paths (relative to ``code_dir``) and contents both enter the hash,
    so renaming, adding, deleting or editing a file changes it. Byte-code
    caches and build metadata (``*.egg-info``) are left out.
    """
    digest = hashlib.sha256()
    for path in sorted(code_dir.rglob("*")):
        relative = path.relative_to(code_dir)
        if not path.is_file() or _ignored(relative):
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _ignored(relative: Path) -> bool:
    return any(
        part in IGNORED_PARTS or part.endswith(".egg-info") for part in relative.parts
    ) or relative.suffix in {".pyc", ".pyo"}


def _key_cache_on_code(app: Sphinx, config: Config) -> None:
    code_dir = Path(app.confdir) / config.bookbuild_code_dir
    if not code_dir.is_dir():
        raise FileNotFoundError(f"bookbuild_code_dir {code_dir} is not a folder")
    root = Path(app.outdir).parent / ".jupyter_cache"
    current = root / f"code-{code_hash(code_dir)}"
    # Caches made for older versions of code/ can never match again.
    if root.is_dir():
        for stale in root.glob("code-*"):
            if stale != current:
                shutil.rmtree(stale, ignore_errors=True)
    config.nb_execution_cache_path = str(current)
    _create_database(current)
    LOGGER.info("execution cache keyed on code/: %s", current.name)


def _create_database(path: Path) -> None:
    """Create the cache's database now, in the main process.

    With ``sphinx-build -j N`` the pages are read in worker processes; if the
    database does not exist yet, two workers race to create it and one fails
    with ``table settings already exists``. Creating it here, before any
    worker starts, removes the race.
    """
    from jupyter_cache import get_cache  # imported lazily: a myst-nb dependency
    from jupyter_cache.cache.db import DB_NAME

    if (path / DB_NAME).is_file():  # made by an earlier build: nothing to race
        return
    get_cache(str(path)).list_cache_records()


def _never_truncate(cache: object) -> None:
    """Keep every record: jupyter-cache's truncation races under ``-j``.

    ``JupyterCacheBase.truncate_caches`` lists the records to keep and then,
    in a second query, every record not in that list; a record another
    worker inserted in between (its notebook not yet written) is deleted and
    the build fails with ``Notebook file does not exist for cache record``.
    The book's caches hold one record per page and are replaced whole when
    ``code/`` changes, so the 1000-record limit it enforces is never needed.
    """


def setup(app: Sphinx) -> None:
    """Register ``bookbuild_code_dir`` and key the cache on it."""
    from jupyter_cache.cache.main import JupyterCacheBase

    JupyterCacheBase.truncate_caches = _never_truncate
    app.add_config_value("bookbuild_code_dir", "code", "env", str)
    app.connect("config-inited", _key_cache_on_code, priority=900)

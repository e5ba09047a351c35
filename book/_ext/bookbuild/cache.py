"""Key each chapter's executed outputs on everything that can change them.

myst-nb finds a page's outputs in its execution cache by the page's code
cells alone (myst-nb issue 299). The book's cells call :mod:`nnbasics`, so
an edit to the package, or another NumPy, must execute the chapters that
depend on it again, and nothing else. The key of a chapter is therefore:

* its code cells (myst-nb's own hash),
* the package files its kernel imported the last time it ran, and
* the versions of the Python and libraries that execute it
  (``bookbuild_execution_libraries``).

How: every notebook page gets one more code cell at its end, removed from
the page, whose source names the chapter's key and which, when it runs,
writes the list of package files the kernel has imported to
``$BOOKBUILD_DEPENDENCIES``. The build keeps those lists, with a hash of the
files as they were, in ``bookbuild-dependencies.json`` inside the cache. A
chapter whose files or libraries have changed since gets a new key (so a new
cache entry) and is read again; the others keep theirs and execute nothing.
Editing ``bookbuild``, the tests or the prose executes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from bookbuild.folders import build_folder, suffix

LOGGER = logging.getLogger(__name__)

MANIFEST = "bookbuild-dependencies.json"
RECORDS = "bookbuild-records"  # what the kernels write, read at the end
CACHE = "book"  # <build>/.jupyter_cache/book

KEY_CELL = """

```{{code-cell}} ipython3
:tags: [remove-cell]

# Build bookkeeping (bookbuild.cache), not shown: this chapter's outputs are
# kept under the key {key}; list the package files it used.
import json as _bb_json, os as _bb_os, sys as _bb_sys
if _bb_os.environ.get("BOOKBUILD_DEPENDENCIES"):
    _bb_files = sorted({{
        _bb_module.__file__
        for _bb_name, _bb_module in list(_bb_sys.modules.items())
        if _bb_name.split(".")[0] == {package!r}
        and getattr(_bb_module, "__file__", None)
    }})
    with open(_bb_os.path.join(_bb_os.environ["BOOKBUILD_DEPENDENCIES"],
                               {record!r}), "w") as _bb_out:
        _bb_json.dump({{"key": {key!r}, "files": _bb_files}}, _bb_out)
```
"""


def files_hash(root: Path, files: list[str]) -> str:
    """Return a short SHA-256 of ``files`` (paths relative to ``root``).

    A file that no longer exists enters the hash as missing, so deleting or
    renaming a module changes it too.
    """
    digest = hashlib.sha256()
    for name in sorted(files):
        path = root / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def library_versions(names: list[str]) -> str:
    """Return the Python version and the installed version of each library."""
    versions = [f"python {platform.python_version()}"]
    for name in names:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return "; ".join(versions)


class Dependencies:
    """What each chapter's outputs were computed from, kept with the cache."""

    def __init__(self, app: Sphinx) -> None:
        config = app.config
        self.root = Path(app.confdir)
        self.package_dir = (
            self.root / config.bookbuild_code_dir / config.bookbuild_package
        )
        self.package = config.bookbuild_package
        self.versions = library_versions(list(config.bookbuild_execution_libraries))
        self.cache = Path(config.nb_execution_cache_path)
        self.records = Path(app.doctreedir) / RECORDS
        self._keys: dict[str, str] = {}
        try:
            self.known: dict[str, Any] = json.loads(
                (self.cache / MANIFEST).read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            self.known = {}

    def _all_files(self) -> list[str]:
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in self.package_dir.rglob("*.py")
            if "__pycache__" not in path.parts
        )

    def key(self, docname: str) -> str:
        """Return the key this build gives ``docname``'s outputs."""
        if docname not in self._keys:  # asked twice a page: when outdated, when read
            self._keys[docname] = self._key(docname)
        return self._keys[docname]

    def _key(self, docname: str) -> str:
        entry = self.known.get(docname)
        if entry and entry.get("versions") == self.versions:
            if files_hash(self.root, entry["files"]) == entry["files_hash"]:
                return str(entry["key"])  # nothing it used has changed
            files = entry["files"]
        else:  # never run here, or other libraries: assume it uses everything
            files = self._all_files()
        text = f"{self.versions}\n{files_hash(self.root, files)}\n{files}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def is_stale(self, docname: str) -> bool:
        """Whether ``docname`` ran before and what it used has changed since."""
        entry = self.known.get(docname)
        return bool(entry) and self.key(docname) != entry["key"]

    def cell(self, docname: str) -> str:
        """Return the removed cell that carries the key and records the files."""
        record = docname.replace("/", "--") + ".json"
        return KEY_CELL.format(
            key=self.key(docname), package=self.package, record=record
        )

    def update(self) -> list[str]:
        """Take in the records the kernels wrote; return the chapters updated."""
        updated = []
        for record in sorted(self.records.glob("*.json")):
            docname = record.stem.replace("--", "/")
            data = json.loads(record.read_text(encoding="utf-8"))
            files = sorted(
                Path(name).resolve().relative_to(self.root.resolve()).as_posix()
                for name in data["files"]
                if Path(name).resolve().is_relative_to(self.root.resolve())
            )
            self.known[docname] = {
                "key": data["key"],
                "files": files,
                "files_hash": files_hash(self.root, files),
                "versions": self.versions,
            }
            record.unlink()
            updated.append(docname)
        if updated:
            self.cache.mkdir(parents=True, exist_ok=True)
            (self.cache / MANIFEST).write_text(
                json.dumps(self.known, indent=1, sort_keys=True), encoding="utf-8"
            )
        return updated


def dependencies(app: Sphinx) -> Dependencies:
    """Return the build's :class:`Dependencies` (made once)."""
    if not hasattr(app, "_bookbuild_dependencies"):
        app._bookbuild_dependencies = Dependencies(app)  # type: ignore[attr-defined]
    return app._bookbuild_dependencies  # type: ignore[attr-defined]


def _set_up(app: Sphinx, config: Config) -> None:
    root = build_folder(app) / ".jupyter_cache"
    current = root / (CACHE + suffix(app))  # one per language: figures differ
    # Caches of the earlier layout (one per hash of code/) can never match.
    if root.is_dir():
        for stale in root.glob("code-*"):
            shutil.rmtree(stale, ignore_errors=True)
    config.nb_execution_cache_path = str(current)
    _create_database(current)
    records = Path(app.doctreedir) / RECORDS
    shutil.rmtree(records, ignore_errors=True)  # left by a stopped build
    records.mkdir(parents=True, exist_ok=True)
    # Kernels inherit the build's environment (worker processes too).
    os.environ["BOOKBUILD_DEPENDENCIES"] = str(records)


def executes(text: str) -> bool:
    """Whether a page's source is a notebook (for myst-nb) with code cells."""
    return "```{code-cell}" in text and "file_format: mystnb" in text[:2000]


def _add_key_cell(app: Sphinx, docname: str, source: list[str]) -> None:
    text = source[0]
    if not executes(text):
        return  # not a notebook, or nothing to execute
    source[0] = text.rstrip("\n") + "\n" + dependencies(app).cell(docname)


def _stale_chapters(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    known = dependencies(app)
    stale = sorted(
        docname
        for docname in env.found_docs - added - changed - removed
        if known.is_stale(docname)
    )
    if stale:
        LOGGER.info(
            "bookbuild: what these chapters import has changed, they run again: %s",
            ", ".join(stale),
        )
    return stale


def _record(app: Sphinx, exception: Exception | None) -> None:
    dependencies(app).update()


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


def setup(app: Sphinx) -> None:
    """Register the settings and key each chapter's outputs on what it uses."""
    app.add_config_value("bookbuild_code_dir", "code", "env", str)
    app.add_config_value("bookbuild_package", "nnbasics", "env", str)
    app.add_config_value(
        "bookbuild_execution_libraries",
        ("numpy", "matplotlib", "contourpy", "ipykernel", "ipython"),
        "env",
        (list, tuple),
    )
    app.connect("config-inited", _set_up, priority=900)
    app.connect("source-read", _add_key_cell)
    app.connect("env-get-outdated", _stale_chapters)
    app.connect("build-finished", _record)

"""Shared fixtures: one build of the whole book per test session.

Building executes every chapter, so the session builds once (``built_book``)
and tests that need a modified book (a broken chapter, an edited file) build
a copy that starts from that build's execution cache (``book_copy``), which
re-executes only what changed.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from jupyter_cache import get_cache

from bookbuild.i18n import LANGUAGES

REPO = Path(__file__).resolve().parents[1]

# 404.html links to the site's assets by absolute URL, under this prefix
NOTFOUND_PREFIX = re.search(
    r'^notfound_urls_prefix = "([^"]*)"', (REPO / "conf.py").read_text(), re.M
)[1]

EXECUTED = re.compile(r"^(?P<path>\S+): Executed notebook in", re.MULTILINE)
CACHED = re.compile(r"^(?P<path>\S+): Using cached notebook", re.MULTILINE)

# What makes a Markdown page a notebook that myst-nb executes.
MYSTNB_FRONT_MATTER = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
"""
MYSTNB_PAGES = sorted(  # the book's pages that myst-nb reads as notebooks
    p.stem
    for p in (REPO / "book").glob("*.md")
    if "file_format: mystnb" in p.read_text(encoding="utf-8")
)
CODE_PAGES = {  # those with code to execute (pages without share one cache entry)
    p.stem
    for p in (REPO / "book").glob("*.md")
    if "{code-cell}" in p.read_text(encoding="utf-8")
}


# The output folder of each edition other than English, under the English site.
LANGUAGE_FOLDERS = {
    language: info["folder"].rstrip("/")
    for language, info in LANGUAGES.items()
    if info["folder"]
}


@dataclass
class Build:
    """The result of one ``sphinx-build`` run of a project tree."""

    project: Path
    out: Path
    returncode: int
    log: str
    language: str = "en"
    chinese: Build | None = None  # the Chinese edition built beside it, if any

    @property
    def suffix(self) -> str:
        """The build files' name suffix of this language (bookbuild.folders)."""
        return "" if self.language == "en" else f"-{self.language}"

    @property
    def html_dir(self) -> Path:
        if self.language == "en":
            return self.out / "html"
        return self.out / "html" / LANGUAGE_FOLDERS[self.language]

    def html(self, docname: str) -> str:
        return (self.html_dir / f"{docname}.html").read_text(encoding="utf-8")

    def executed(self) -> list[str]:
        """Names (file stems) of the pages this build executed."""
        return sorted(Path(m["path"]).stem for m in EXECUTED.finditer(self.log))

    def served_from_cache(self) -> list[str]:
        return sorted(Path(m["path"]).stem for m in CACHED.finditer(self.log))

    def notebook(self, docname: str) -> dict:
        """The executed notebook myst-nb wrote for ``docname``."""
        path = self.out / f"jupyter_execute{self.suffix}" / f"{docname}.ipynb"
        return json.loads(path.read_text(encoding="utf-8"))

    def executed_notebook(self, docname: str) -> dict:
        """The notebook with every output of the execution, glue records included.

        (``jupyter_execute/`` holds the page's notebook without the glue
        records, so this reads the execution cache.)
        """
        cache_dir = self.out / ".jupyter_cache" / f"book{self.suffix}"
        cache = get_cache(str(cache_dir))
        source = str(self.project / "book" / f"{docname}.md")
        # The newest record of the page (bookbuild.cache adds a removed cell
        # to each notebook page, so the file on disk matches no record).
        records = [r for r in cache.list_cache_records() if r.uri == source]
        if not records:
            raise LookupError(f"{docname} has no executed notebook in {cache_dir}")
        record = max(records, key=lambda r: r.created)
        return cache.get_cache_bundle(record.pk).nb

    def glued(self, docname: str) -> dict[str, object]:
        """Every value the page glued, by name, as Python objects."""
        values: dict[str, object] = {}
        for cell in self.executed_notebook(docname)["cells"]:
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if name is None:
                    continue
                prefix = output["metadata"]["scrapbook"].get("mime_prefix", "")
                text = output["data"].get(prefix + "text/plain", "")
                try:
                    values[name] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    values[name] = text
        return values


def read_search_index(site: Path) -> dict:
    """Return the search index of the built ``site`` (its ``searchindex.js``)."""
    script = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))


def git(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in ``folder``, never in another repository; return its output.

    ``GIT_DIR``, ``GIT_INDEX_FILE``... (set when the tests run from a git
    hook) would point the copies' commands at the repository's own ``.git``.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(
        ["git", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **(env or {})},
    )
    return result.stdout.strip()


def source_date_epoch(project: Path) -> str | None:
    """The date of ``project``'s last commit (Unix time), as ``make html`` sets it.

    None when ``project`` is not in a git checkout (or has no commit).
    """
    try:
        return git(project, "log", "-1", "--format=%ct") or None
    except (OSError, subprocess.CalledProcessError):
        return None


def build_small_project(project: Path, conf: str, parallel: int = 0) -> Path:
    """Build ``project`` (its own pages) in this process with ``conf``; its doctrees.

    ``conf.py`` puts ``project`` on ``sys.path`` first, so a test's extension
    module beside the pages can be listed in ``conf``'s ``extensions``.
    """
    from sphinx.application import Sphinx

    path_line = "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
    (project / "conf.py").write_text(path_line + conf)
    doctrees = project / "_build" / "doctrees"
    path, modules = list(sys.path), set(sys.modules)
    try:
        app = Sphinx(
            project, project, project / "_build" / "html", doctrees, "html",
            status=None, warning=None, parallel=parallel,
        )  # fmt: skip
        app.build()
    finally:  # the test's own modules go with its project
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            if str(project) in str(getattr(sys.modules[name], "__file__", "")):
                del sys.modules[name]
    assert app.statuscode == 0
    return doctrees


def run_sphinx(
    project: Path,
    out: Path,
    *extra: str,
    jobs: str = "auto",
    env: Mapping[str, str] | None = None,
    builder: str = "html",
    language: str = "en",
) -> Build:
    """Build ``project``'s book into ``out/html`` as ``make html`` does.

    Warnings are errors, doctrees go to ``out/doctrees`` and pages are read
    (and executed) by ``jobs`` parallel processes. ``SOURCE_DATE_EPOCH`` is
    the date of ``project``'s last commit (unset outside git), as the
    Makefile sets it; ``env`` adds or overrides environment variables.
    """
    command, environment = sphinx_command(
        project, out, *extra, jobs=jobs, env=env, builder=builder, language=language
    )
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env=environment
    )
    log = result.stdout + result.stderr
    return Build(project, out, result.returncode, log, language)


def sphinx_command(
    project: Path,
    out: Path,
    *extra: str,
    jobs: str = "auto",
    env: Mapping[str, str] | None = None,
    builder: str = "html",
    language: str = "en",
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of :func:`run_sphinx`, to run it yourself.

    A ``language`` other than English builds that edition as ``make html``
    does: into ``out/html/zh`` with doctrees of its own.
    """
    doctrees, target = out / "doctrees", out / builder
    if language != "en":
        doctrees = out / f"doctrees-{language}"
        target = target / LANGUAGE_FOLDERS[language]
        extra = ("-D", f"language={language}", *extra)
    command = [
        *(sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going"),
        *("-j", jobs, "-c", str(project), "-d", str(doctrees)),
        *(str(project / "book"), str(target), *extra),
    ]
    environment = dict(os.environ)
    environment.pop("SOURCE_DATE_EPOCH", None)  # maybe another checkout's
    if (epoch := source_date_epoch(project)) is not None:
        environment["SOURCE_DATE_EPOCH"] = epoch
    environment.update(env or {})
    return command, environment


def copy_project(destination: Path) -> Path:
    """Copy what a build reads (conf.py, book/, code/) to ``destination``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "conf.py", destination / "conf.py")
    for folder in ("book", "code", "locales"):
        shutil.copytree(REPO / folder, destination / folder, ignore=ignore)
    return destination


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The repository's book, built once per session (fails loudly if it breaks)."""
    build = run_sphinx(REPO, tmp_path_factory.mktemp("book") / "_build")
    if build.returncode != 0:
        pytest.fail(f"the book does not build:\n{build.log[-6000:]}")
    # Both languages, as `make html` builds them: the Chinese site in html/zh.
    chinese = run_sphinx(REPO, build.out, language="zh_CN")
    if chinese.returncode != 0:
        pytest.fail(f"the Chinese edition does not build:\n{chinese.log[-6000:]}")
    build.chinese = chinese
    return build


@pytest.fixture(scope="session")
def built_book_zh(built_book: Build) -> Build:
    """The Chinese edition of the session's book (``built_book.out/html/zh``)."""
    return built_book.chinese


@pytest.fixture
def book_copy(tmp_path: Path, built_book: Build) -> Path:
    """A copy of the project whose build folder starts with the session's cache."""
    project = copy_project(tmp_path / "project")
    shutil.copytree(
        built_book.out / ".jupyter_cache", project / "_build" / ".jupyter_cache"
    )
    return project

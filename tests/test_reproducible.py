"""Two builds of the same commit give the same site, byte for byte.

The session's ``built_book`` is built in the repository itself. The *twin*
is a copy of the same working tree (``conf.py``, ``book/``, ``code/``,
uncommitted changes included) in another folder, given the repository's
history up to HEAD, so that its commit, its "last updated" dates and its
``SOURCE_DATE_EPOCH`` are those of the repository. It is built later, cold,
from its own ``code/``, with more writer processes (``-j 4``), in another
time zone and with another hash seed. The two ``html`` folders must be
identical. A third, warm build of a copy committed on a fixed day long ago
shows that every date on the pages is the commit's, never the clock's.
"""

from __future__ import annotations

import difflib
import json
import queue
import re
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bookbuild import reproducible, upstream
from bookbuild.cache import MANIFEST, files_hash
from bookbuild.reproducible import find_paths
from tests.conftest import (
    CODE_PAGES,
    MYSTNB_PAGES,
    REPO,
    Build,
    copy_project,
    git,
    run_sphinx,
)

pytestmark = pytest.mark.tooling


def _has_commits(folder: Path) -> bool:
    """Whether ``folder`` is the top of a git checkout with at least one commit."""
    try:
        top = git(folder, "rev-parse", "--show-toplevel")
        git(folder, "rev-parse", "--verify", "--quiet", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        return False
    return Path(top).resolve() == folder.resolve()


def clone_project(destination: Path) -> Path:
    """Copy the working tree as :func:`copy_project` does, with REPO's history.

    The copy gets the commits up to REPO's HEAD (and HEAD itself, detached or
    not); its index is reset to HEAD, so ``git status`` shows the same
    uncommitted changes as in REPO. Outside a git checkout it is a plain copy.
    """
    project = copy_project(destination)
    if _has_commits(REPO):
        git(project, "init", "--quiet")
        git(project, "fetch", "--quiet", "--no-tags", str(REPO), "HEAD")
        git(project, "update-ref", "HEAD", "FETCH_HEAD")
        git(project, "reset", "--quiet")
    return project


def commit_project(destination: Path, epoch: int) -> Path:
    """Copy the working tree into a new repository with one commit at ``epoch``."""
    project = copy_project(destination)
    date = {
        "GIT_AUTHOR_DATE": f"@{epoch} +0000",
        "GIT_COMMITTER_DATE": f"@{epoch} +0000",
    }
    git(project, "init", "--quiet")
    git(project, "add", "conf.py", "book", "code")
    identity = ("-c", "user.name=Book", "-c", "user.email=book@example.org")
    git(project, *identity, "commit", "--quiet", "-m", "The book", env=date)
    return project


def build_copy(
    project: Path, *, jobs: str, cache_from: Build | None = None, **env: str
) -> Build:
    """Build ``project`` into ``project/_build`` with its own ``code/``.

    ``PYTHONPATH`` puts the copy's ``code/`` first, so Sphinx (autodoc, the
    extension) and the kernels import the copy's package, not the editable
    install of the repository. ``cache_from`` starts from that build's
    execution cache (a warm build).
    """
    out = project / "_build"
    if cache_from is not None:
        shutil.copytree(cache_from.out / ".jupyter_cache", out / ".jupyter_cache")
    env = {"PYTHONPATH": str(project / "code"), **env}
    return run_sphinx(project, out, jobs=jobs, env=env)


def tree_difference(
    first: Path, second: Path, context: int = 3, exclude: tuple[str, ...] = ()
) -> str | None:
    """Describe how two folders differ (None if every file is byte-identical).

    Names the files found in only one of them, then the first differing file
    (in sorted order) with a short unified diff, or the first differing byte
    of a binary file, and how many files differ in all. Paths starting with
    one of ``exclude`` are left out of both.
    """

    def files(root: Path) -> set[str]:
        names = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        return {n for n in names if not n.startswith(exclude)}

    names_first, names_second = files(first), files(second)
    report = []
    if only := sorted(names_first - names_second):
        report.append(f"only in {first}: {only[:10]}")
    if only := sorted(names_second - names_first):
        report.append(f"only in {second}: {only[:10]}")
    differing = [
        name
        for name in sorted(names_first & names_second)
        if (first / name).read_bytes() != (second / name).read_bytes()
    ]
    if differing:
        name = differing[0]
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        report.append(f"{len(differing)} files differ: {differing[:10]}")
        report.append(f"first differing file: {name}")
        try:
            lines_a = a.decode("utf-8").splitlines()
            lines_b = b.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            offset = next(
                (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)),
            )
            report.append(
                f"binary: {len(a)} and {len(b)} bytes, first difference at byte "
                f"{offset}: {a[offset : offset + 32]!r} / {b[offset : offset + 32]!r}"
            )
        else:
            diff = difflib.unified_diff(
                lines_a,
                lines_b,
                str(first / name),
                str(second / name),
                n=context,
                lineterm="",
            )
            report.extend(line[:300] for line in list(diff)[:40])
    return "\n".join(report) or None


def changed_since(build: Build, project: Path) -> str | None:
    """Say how ``project``'s sources differ from those ``build`` was made from.

    A comparison of two builds means nothing if the working tree was edited
    between them (by a developer, mid-session). This compares what the first
    build recorded: the hash of the package files each chapter imported
    (bookbuild.cache's manifest) and the chapters it copied to ``_sources/``.
    """
    manifest = build.out / ".jupyter_cache" / "book" / MANIFEST
    for docname, used in json.loads(manifest.read_text(encoding="utf-8")).items():
        if files_hash(project, used["files"]) != used["files_hash"]:
            return f"a module {docname} imports changed"
    for source in sorted((build.html_dir / "_sources").rglob("*")):
        if source.is_file():
            name = source.relative_to(build.html_dir / "_sources")
            page = project / "book" / name
            if not page.is_file() or page.read_bytes() != source.read_bytes():
                return f"book/{name.as_posix()} changed"
    return None


def assert_same_site(first: Build, second: Build) -> None:
    """Fail, naming the first differing file, unless the English sites are equal.

    (The session's build also holds the Chinese edition in ``zh/``; the
    builds compared with it are English only.)
    """
    difference = tree_difference(first.html_dir, second.html_dir, exclude=("zh/",))
    if difference is not None and (edit := changed_since(first, second.project)):
        pytest.fail(
            f"the working tree was edited between the two builds ({edit}): "
            f"the comparison is void, run the tests again\n{difference}"
        )
    assert difference is None, difference


def assert_every_chapter_ran(build: Build) -> None:
    assert build.returncode == 0, build.log[-6000:]
    assert sorted(build.executed() + build.served_from_cache()) == MYSTNB_PAGES
    assert "already exists" not in build.log, build.log[-6000:]


# --- the extension's rules, without a build ---------------------------------------


def test_the_sitemap_lists_pages_in_url_order_whatever_order_they_were_written():
    links = queue.Queue()
    for entry in [("opening.html", None), ("api.html", None), ("index.html", None)]:
        links.put(entry)
    app = SimpleNamespace(sitemap_links=links)
    upstream.sort_sitemap_links(app, None)
    assert [links.get_nowait()[0] for _ in range(3)] == [
        "api.html",
        "index.html",
        "opening.html",
    ]


def test_build_paths_are_the_project_sources_and_build_folders(tmp_path):
    project = tmp_path / "project"
    app = SimpleNamespace(
        confdir=project,
        srcdir=project / "book",
        outdir=project / "_build" / "html",
        doctreedir=project / "_build" / "doctrees",
    )
    assert reproducible.build_paths(app) == [str(project.resolve())]
    app.outdir, app.doctreedir = tmp_path / "out" / "html", tmp_path / "out" / "dt"
    assert reproducible.build_paths(app) == [
        str((tmp_path / "out").resolve()),
        str(project.resolve()),
    ]


def test_paths_are_found_in_any_file_also_json_escaped(tmp_path):
    (tmp_path / "a.html").write_text("<p>/home/me/book/x.md</p>", encoding="utf-8")
    (tmp_path / "b.js").write_text('{"p": "\\/home\\/me\\/book"}', encoding="utf-8")
    (tmp_path / "c.png").write_bytes(b"\x89PNG no path")
    found = find_paths(tmp_path, ["/home/me/book"])
    assert found == [("a.html", "/home/me/book"), ("b.js", "/home/me/book")]


# --- two cold builds of one commit ---------------------------------------------------


@pytest.fixture(scope="module")
def twin(built_book: Build, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The repository's book built again: elsewhere, later, cold, differently."""
    folder = tmp_path_factory.mktemp("a-folder-with-another-name")
    project = clone_project(folder / "twin")
    # -j 4: three writer processes (Sphinx writes with -j N - 1) finish pages
    # in a varying order, which is what made the sitemap's order vary.
    return build_copy(
        project,
        jobs="4",
        TZ="Pacific/Honolulu",  # UTC-10: a date in local time is a day behind
        PYTHONHASHSEED="4242",  # set and dict order of strings differ
    )


@pytest.mark.build
def test_the_twin_build_executes_every_chapter(twin):
    assert_every_chapter_ran(twin)
    assert set(twin.executed()) >= CODE_PAGES


@pytest.mark.build
def test_two_builds_of_one_commit_are_byte_identical(built_book, twin):
    assert_every_chapter_ran(twin)
    assert_same_site(built_book, twin)


@pytest.mark.build
def test_the_footer_names_the_commit_in_both_builds(built_book, twin):
    if not _has_commits(REPO):
        pytest.skip("not a git checkout: both footers say 'unknown'")
    commit = git(REPO, "rev-parse", "--short=12", "HEAD")
    for build in (built_book, twin):
        assert f"<code>{commit}</code>" in build.html("index")


def _machine_strings(*builds: Build) -> list[str]:
    """Paths and names of this machine and these builds."""
    strings = {str(REPO), str(REPO.resolve())}
    for build in builds:
        strings |= {str(build.project), str(build.out), str(build.out.resolve())}
    strings.add(tempfile.gettempdir().rstrip("/") + "/")
    strings.add(str(Path.home()).rstrip("/") + "/")
    host = socket.gethostname()
    if len(host) >= 6:  # a short name ("vm", "ci") also occurs in ordinary text
        strings.add(host)
    return sorted(s for s in strings if len(s) > 4)


@pytest.mark.build
def test_no_path_or_name_of_the_build_machine_in_the_output(built_book, twin):
    for build in (built_book, twin):
        found = find_paths(build.html_dir, _machine_strings(built_book, twin))
        assert not found, f"{build.html_dir}: {found[:10]}"


# --- dates come from the commit ------------------------------------------------------

LONG_AGO = 1_000_000_000  # 2001-09-09 01:46:40 UTC; 2001-09-08 in Honolulu
ZONE = "Pacific/Honolulu"


@pytest.fixture(scope="module")
def dated(built_book: Build, tmp_path_factory: pytest.TempPathFactory):
    """A warm build of a copy whose only commit is from LONG_AGO."""
    project = commit_project(tmp_path_factory.mktemp("dated") / "project", LONG_AGO)
    days = set()
    start = time.time()
    build = build_copy(project, jobs="1", cache_from=built_book, TZ=ZONE)
    for moment in (start, time.time()):  # the days the build ran, where it ran
        for zone in (UTC, ZoneInfo(ZONE)):
            days.add(datetime.fromtimestamp(moment, zone).date())
    return build, days


@pytest.mark.build
def test_pages_show_the_commit_date_in_utc(dated):
    build, _ = dated
    assert_every_chapter_ran(build)
    for page in ["index", "api", *MYSTNB_PAGES]:
        html = build.html(page)
        assert "Last updated on 2001-09-09." in html, page
        assert 'content="2001-09-09T01:46:40+00:00"' in html, page


@pytest.mark.build
def test_the_footer_names_the_copy_s_commit(dated):
    build, _ = dated
    commit = git(build.project, "rev-parse", "--short=12", "HEAD")
    assert f"<code>{commit}</code>" in build.html("index")


@pytest.mark.build
def test_no_date_of_the_build_day_in_the_output(dated):
    build, days = dated
    if any(day.year == 2001 for day in days):
        pytest.skip("the clock says 2001")
    formats = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d/%m/%Y", "%m/%d/%Y")
    dates = {day.strftime(f) for day in days for f in formats}
    pattern = re.compile("|".join(re.escape(d) for d in sorted(dates)).encode())
    found = [
        (p.relative_to(build.html_dir).as_posix(), m.group().decode())
        for p in sorted(build.html_dir.rglob("*"))
        if p.is_file()
        for m in [pattern.search(p.read_bytes())]
        if m
    ]
    assert not found, f"the build's clock leaked into the output: {found[:10]}"


WRITERS_STARTUP = """\
# A writer's IPython startup script: every float would print as a word.
get_ipython().display_formatter.formatters["text/plain"].for_type(
    float, lambda value, printer, cycle: printer.text("WRITERS-PROFILE")
)
"""


@pytest.mark.build
def test_a_writers_ipython_profile_does_not_reach_the_chapters(tmp_path):
    writer = tmp_path / "writer-ipython"
    startup = writer / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-floats.py").write_text(WRITERS_STARTUP)
    project = copy_project(tmp_path / "project")  # no cache: every page executes
    build = run_sphinx(project, project / "_build", env={"IPYTHONDIR": str(writer)})
    assert build.returncode == 0, build.log[-3000:]
    with_code = [
        p for p in (project / "book").glob("*.md") if "{code-cell}" in p.read_text()
    ]
    assert sorted(build.executed()) == sorted(p.stem for p in with_code)
    for page in build.html_dir.glob("*.html"):
        assert "WRITERS-PROFILE" not in page.read_text(encoding="utf-8"), page.name
    # glued floats print as numbers (with a true minus sign, nnbasics.notation)
    assert re.search(r"[−-]0\.21\b", build.html("cracking-the-box"))

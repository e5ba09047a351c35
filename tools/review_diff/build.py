"""Build the book at the base commit and at the working tree, for the review.

Both builds run the current virtual environment's Sphinx (``sys.executable``)
on each side's own ``conf.py``, ``book/`` and ``code/``, with the options of
``make html`` except ``-W``: a chapter that fails must not stop the report.
Every build reads every page (``-E``), so that its log holds every warning;
the execution cache of each side (``<side>/.jupyter_cache``) keeps that cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

STAMP = "review-built-from.txt"  # beside a side's site: what it was built from
LOG = "sphinx-build.log"


class ReviewError(RuntimeError):
    """A problem the user must fix; the message says what and how."""


@dataclass(frozen=True)
class Side:
    """One side of the review: a source tree and the folder it is built into.

    Attributes
    ----------
    source : Path
        The project's root (``conf.py``, ``book/``, ``code/``).
    out : Path
        The build folder (``html/``, ``doctrees/``, ``.jupyter_cache/``...).
    """

    source: Path
    out: Path

    @property
    def html(self) -> Path:
        """The built site."""
        return self.out / "html"

    @property
    def log(self) -> Path:
        """The log of the last build."""
        return self.out / LOG


def git(folder: Path, *args: str) -> str:
    """Run git in ``folder`` (never in another repository); return its output.

    Raises
    ------
    ReviewError
        If git fails, with its message.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, text=True, env=clean
    )
    if result.returncode != 0:
        raise ReviewError(f"git {' '.join(args)} failed in {folder}: {result.stderr}")
    return result.stdout.strip()


def resolve_base(repo: Path, ref: str | None) -> tuple[str, str]:
    """Return the base commit (full hash) and how it was chosen.

    Parameters
    ----------
    repo : Path
        The repository's top folder.
    ref : str or None
        A git ref given by the user (``BASE=``), or None for the merge base of
        ``HEAD`` with ``main`` (or ``origin/main``).

    Raises
    ------
    ReviewError
        If the ref does not name a commit, or no ``main`` exists to default to.
    """
    if ref:
        try:
            return git(repo, "rev-parse", "--verify", f"{ref}^{{commit}}"), ref
        except ReviewError:
            raise ReviewError(
                f"BASE={ref} is not a commit of this repository: give a branch, "
                "tag or commit hash (git log --oneline shows them)"
            ) from None
    for main in ("main", "origin/main"):
        try:
            git(repo, "rev-parse", "--verify", f"{main}^{{commit}}")
        except ReviewError:
            continue
        return git(repo, "merge-base", "HEAD", main), f"merge base of HEAD and {main}"
    raise ReviewError(
        "no branch main (nor origin/main) to compare with: name the base, e.g. "
        "make review-diff BASE=HEAD~1 (or git fetch origin main)"
    )


def check_out_base(repo: Path, commit: str, folder: Path) -> None:
    """Put ``commit`` in ``folder`` as a detached git worktree of ``repo``.

    An existing worktree is moved to ``commit`` (only the files that differ
    are touched); a missing one is added (``git worktree prune`` first forgets
    worktrees whose folder was deleted, e.g. by ``make clean``).
    """
    if (folder / ".git").exists():
        if git(folder, "rev-parse", "HEAD") != commit:
            git(folder, "checkout", "--quiet", "--detach", "--force", commit)
        return
    if folder.exists() and any(folder.iterdir()):
        raise ReviewError(
            f"{folder} exists and is not a git worktree: delete it and run again"
        )
    git(repo, "worktree", "prune")
    folder.parent.mkdir(parents=True, exist_ok=True)
    git(repo, "worktree", "add", "--quiet", "--detach", str(folder), commit)


def environment_id() -> str:
    """Return a short hash of the Python and every installed distribution's version."""
    names = sorted(
        f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()
    )
    text = sys.version + "\n" + "\n".join(names)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stamp_text(commit: str) -> str:
    """Return what a finished base build records: its commit and environment."""
    return f"commit {commit}\nenvironment {environment_id()}\n"


def is_built(side: Side, commit: str) -> bool:
    """Whether ``side`` holds a finished build of ``commit`` in this environment."""
    stamp = side.out / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == stamp_text(commit)


def build(side: Side, *, jobs: str = "auto", commit: str | None = None) -> int:
    """Build ``side`` as ``make html`` does, but without ``-W``; return the exit code.

    The log goes to ``side.log``. ``SOURCE_DATE_EPOCH`` is the date of the
    source's last commit, as the Makefile sets it; ``PYTHONPATH`` puts the
    side's ``code/`` first so that Sphinx and the kernels import its package.
    When ``commit`` is given and the build succeeds, a stamp records it (see
    :func:`is_built`).
    """
    side.out.mkdir(parents=True, exist_ok=True)
    (side.out / STAMP).unlink(missing_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.pop("SOURCE_DATE_EPOCH", None)
    with contextlib.suppress(ReviewError):  # outside git: the clock, as make html
        environment["SOURCE_DATE_EPOCH"] = git(side.source, "log", "-1", "--format=%ct")
    path = environment.get("PYTHONPATH")
    code = str(side.source / "code")
    environment["PYTHONPATH"] = code + (os.pathsep + path if path else "")
    command = [
        *(sys.executable, "-m", "sphinx", "-b", "html", "-E", "--keep-going"),
        *("-j", jobs, "-c", str(side.source), "-d", str(side.out / "doctrees")),
        *(str(side.source / "book"), str(side.html)),
    ]
    with side.log.open("w", encoding="utf-8") as log:
        result = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
    if result.returncode == 0 and commit is not None:
        (side.out / STAMP).write_text(stamp_text(commit), encoding="utf-8")
    return result.returncode

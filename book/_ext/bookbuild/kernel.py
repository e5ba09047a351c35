"""Run the chapters' kernels apart from the writer's own IPython settings.

Every kernel that executes a chapter is an IPython kernel, and IPython runs
the scripts in ``~/.ipython/profile_default/startup/`` and reads that
profile's ``ipython_kernel_config.py`` before the first cell: a writer's
``numpy.set_printoptions(precision=2)`` or ``%config InlineBackend...`` there
would change the book's outputs on that writer's machine only. The build
points ``IPYTHONDIR`` at ``<build folder>/.ipython``, an empty profile of its
own, before any kernel starts, so every machine executes the chapters alike;
its one startup script sets the language of the figures in the Chinese
edition (:mod:`bookbuild.i18n`).

The kernels also import the package from this project's ``code/`` folder
(``bookbuild_code_dir``, put first on their ``PYTHONPATH``), whatever
``nnbasics`` the Python environment has installed: a copy of the project, or
a virtual environment made for another clone, still executes the code beside
the chapters. bookbuild.cache records those files as each chapter's
dependencies.

**Warm kernels.** A new kernel spends about 2 s of processor time
importing ipykernel, NumPy and Matplotlib before its first cell. On Linux,
a build that will execute a chapter (a first build, or one whose code cells
or imported modules changed) starts :mod:`bookbuild.kernel_zygote`, a process
that imports them once and forks each chapter's kernel from itself; the
kernel spec ``python3`` of the build (in a folder put first on
``JUPYTER_PATH``) runs :mod:`bookbuild.kernel_launcher`, which asks it for a
kernel, or starts an ordinary one. ``bookbuild_warm_kernels = False`` turns
this off. The warm process ends with the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from bookbuild.cache import dependencies, executes
from bookbuild.folders import build_folder
from bookbuild.upstream import kernel_folder_prefix

HERE = Path(__file__).parent
ENVIRONMENT = "environment.pickle"  # Sphinx's, in the doctrees folder
CODE_CELLS_RECORD = "bookbuild-code-cells.json"  # beside it
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.M | re.S)

# The one startup script of the kernels' profile: the Chinese edition's
# kernels draw their figures in Chinese (bookbuild.i18n sets the language).
STARTUP = """\
import os

if os.environ.get("BOOKBUILD_LANGUAGE", "en") != "en":
    import nnbasics

    nnbasics.use_language(os.environ["BOOKBUILD_LANGUAGE"])
"""


def kernel_ipython_dir(app: Sphinx) -> Path:
    """Return the IPython folder of the build's kernels: ``<build>/.ipython``."""
    return build_folder(app) / ".ipython"


def _isolate_ipython(app: Sphinx, config: Config) -> None:
    folder = kernel_ipython_dir(app)
    startup = folder / "profile_default" / "startup" / "00-language.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    if not startup.is_file() or startup.read_text(encoding="utf-8") != STARTUP:
        startup.write_text(STARTUP, encoding="utf-8")
    # Kernels inherit the build's environment (worker processes too).
    os.environ["IPYTHONDIR"] = str(folder)
    code = str(Path(app.confdir) / config.bookbuild_code_dir)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([code, *(p for p in paths if p != code)])


class WarmKernels:
    """The warm process of one build, and the kernel spec that uses it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=kernel_folder_prefix(os.getpid())))
        path = str(self.folder / "zygote")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "kernel_zygote.py"), path],
            stdin=subprocess.PIPE,
        )
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("python3").to_dict()
        launcher = str(HERE / "kernel_launcher.py")
        spec["argv"] = [sys.executable, "-I", "-S", launcher, path]
        spec["argv"] += ["-f", "{connection_file}"]
        kernels = self.folder / "jupyter"
        (kernels / "kernels" / "python3").mkdir(parents=True)
        (kernels / "kernels" / "python3" / "kernel.json").write_text(json.dumps(spec))
        self.jupyter_path = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [str(kernels), *([self.jupyter_path] if self.jupyter_path else [])]
        )

    def stop(self) -> None:
        """End the warm process (and any kernel it left) and remove the spec."""
        if self.jupyter_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = self.jupyter_path
        self.process.terminate()  # it kills the kernels left, if any
        self.process.wait()
        assert self.process.stdin is not None
        self.process.stdin.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def code_cells(source: str) -> str | None:
    """Return a hash of a page's code cells, or None if it has none to run."""
    if not executes(source):
        return None
    cells = CODE_CELL.findall(source)
    return hashlib.sha256("\0".join(cells).encode()).hexdigest()[:16]


def _warm_kernels_wanted(app: Sphinx) -> bool:
    config = app.config
    return (
        config.bookbuild_warm_kernels
        and sys.platform == "linux"
        and config.nb_execution_mode != "off"
        and not hasattr(app, "_warm")
    )


def _start_for_a_first_build(app: Sphinx, config: Config) -> None:
    # No environment yet: every chapter is read, and most likely executed.
    # Starting now, it is ready when the first page is read.
    if _warm_kernels_wanted(app) and not (Path(app.doctreedir) / ENVIRONMENT).is_file():
        app._warm = WarmKernels()  # type: ignore[attr-defined]


def _start_if_a_chapter_runs(
    app: Sphinx, env: BuildEnvironment, docnames: list[str]
) -> None:
    # A chapter runs if its code cells changed since the last build read it,
    # or what it imports did (bookbuild.cache); a prose edit runs nothing.
    # A wrong guess costs time only: without the warm process, kernels start
    # as ordinary ones.
    record = Path(app.doctreedir) / CODE_CELLS_RECORD
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    current = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix == ".md" and (cells := code_cells(path.read_text("utf-8"))):
            current[docname] = cells
    record.write_text(json.dumps({**known, **current}, sort_keys=True), "utf-8")
    stale = dependencies(app).is_stale
    runs = any(known.get(doc) != cells or stale(doc) for doc, cells in current.items())
    if runs and _warm_kernels_wanted(app):
        app._warm = WarmKernels()  # type: ignore[attr-defined]


def _stop_warm_kernels(app: Sphinx, exception: Exception | None) -> None:
    if hasattr(app, "_warm"):
        app._warm.stop()
        del app._warm


def setup(app: Sphinx) -> None:
    """Give the kernels the build's own, empty IPython profile; keep them warm."""
    app.add_config_value("bookbuild_warm_kernels", True, "", bool)
    app.connect("config-inited", _isolate_ipython)
    app.connect("config-inited", _start_for_a_first_build, priority=950)
    app.connect("env-before-read-docs", _start_if_a_chapter_runs)
    app.connect("build-finished", _stop_warm_kernels)

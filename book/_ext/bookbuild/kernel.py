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
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from bookbuild.folders import build_folder

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


def setup(app: Sphinx) -> None:
    """Give the kernels the build's own, empty IPython profile."""
    app.connect("config-inited", _isolate_ipython)

"""Run the chapters' kernels apart from the writer's own IPython settings.

Every kernel that executes a chapter is an IPython kernel, and IPython runs
the scripts in ``~/.ipython/profile_default/startup/`` and reads that
profile's ``ipython_kernel_config.py`` before the first cell: a writer's
``numpy.set_printoptions(precision=2)`` or ``%config InlineBackend...`` there
would change the book's outputs on that writer's machine only. The build
points ``IPYTHONDIR`` at ``<build folder>/.ipython``, an empty profile of its
own, before any kernel starts, so every machine executes the chapters alike.

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


def kernel_ipython_dir(app: Sphinx) -> Path:
    """Return the IPython folder of the build's kernels: ``<build>/.ipython``."""
    return Path(app.outdir).parent / ".ipython"


def _isolate_ipython(app: Sphinx, config: Config) -> None:
    folder = kernel_ipython_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    # Kernels inherit the build's environment (worker processes too).
    os.environ["IPYTHONDIR"] = str(folder)
    code = str(Path(app.confdir) / config.bookbuild_code_dir)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([code, *(p for p in paths if p != code)])


def setup(app: Sphinx) -> None:
    """Give the kernels the build's own, empty IPython profile."""
    app.connect("config-inited", _isolate_ipython)

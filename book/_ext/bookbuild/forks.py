"""The processes a build forks end when the build process ends.

Sphinx forks its ``-j`` workers from the build process, and sphinx-sitemap a
manager process. When the build process alone is killed (``kill -9`` of its
PID, or the out-of-memory killer, which picks the largest process), they
would live on: the workers finishing their share of the pages, writing into
the build folder while the next build writes there too, and the manager
waiting forever. So, on Linux, every process the build forks from its main
thread asks the kernel to kill it when its parent ends
(``prctl(PR_SET_PDEATHSIG)``, see prctl(2)), and ends at once if the parent is
already gone. Processes started by :mod:`subprocess` run no fork hook: the
kernels and the warm kernel process watch the build themselves
(:mod:`bookbuild.kernel_zygote`). ``tests/test_freshness.py`` kills a build
alone at several points and checks that nothing it started is left.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable

from sphinx.application import Sphinx

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# The process about to fork, if it forks from its main thread (the parent
# death signal comes when the forking *thread* ends).
_forking: list[int] = [0]
# libc's prctl, looked up before any fork (a child calls it, loads nothing).
_prctl: list[Callable[..., int]] = []


def _before_fork() -> None:
    main = threading.current_thread() is threading.main_thread()
    _forking[0] = os.getpid() if main else 0


def _in_the_child() -> None:
    parent = _forking[0]
    if not parent:
        return
    _prctl[0](PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the call above
        os._exit(1)


def setup(app: Sphinx) -> None:
    """Make the processes this build forks end with it (Linux; once a process)."""
    if sys.platform.startswith("linux") and not _prctl:
        _prctl.append(ctypes.CDLL(None, use_errno=True).prctl)
        os.register_at_fork(before=_before_fork, after_in_child=_in_the_child)

"""A warm process that starts the chapters' kernels by forking itself.

A new IPython kernel costs about 2 s of processor time before its first
cell runs, most of it spent importing ipykernel, NumPy and Matplotlib; with a
kernel for each chapter that was a third of a cold build's work
(``benchmarks/bench_kernels.py`` measures it). This process imports them
once, then forks a kernel for each request, which costs about 0.4 s.

:mod:`bookbuild.kernel` runs it as a script (``python kernel_zygote.py
SOCKET``) with the environment the kernels get, and the kernel spec it writes
starts :mod:`bookbuild.kernel_launcher` instead of ``ipykernel_launcher``.
The launcher connects to ``SOCKET`` and sends one request: its command-line
arguments, environment and working folder as a line of JSON, with its
standard streams attached. The answer is ``{"pid": N}`` once the kernel is
forked, then ``{"exit": code}`` when it ends; ``{"refused": why}`` if the
request's environment differs from this process's in a variable read at
import time, in which case the launcher starts an ordinary kernel.

A kernel whose launcher disconnects (killed) is killed; when this process's
standard input closes (the build has ended, or was killed) it kills the
kernels left and exits. Linux only: it relies on ``fork``.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import select
import signal
import socket
import sys

# Variables that the interpreter or the preloaded libraries read when they
# start or are imported: a kernel forked here would miss a change to them.
READ_AT_IMPORT = (
    "PYTHON",
    "MPL",
    "MATPLOTLIB",
    "OPENBLAS",
    "OMP_",
    "MKL_",
    "LD_",
    "PYDEVD",
)
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "numpy",
    "matplotlib.pyplot",
    "sqlite3",
    "pdb",
)


def incompatibility(request: dict, startup: dict[str, str]) -> str | None:
    """Say why a kernel forked from this process would differ, or None."""
    env = request["env"]
    names = {name for name in (*env, *startup) if name.startswith(READ_AT_IMPORT)}
    changed = sorted(name for name in names if env.get(name) != startup.get(name))
    if changed:
        return "its environment differs in " + ", ".join(changed)
    here = os.path.isfile("matplotlibrc")
    if request["cwd"] != os.getcwd() and (
        here or os.path.isfile(os.path.join(request["cwd"], "matplotlibrc"))
    ):
        return "a matplotlibrc in the working folder"
    return None


def preload() -> None:
    """Import what every kernel imports, as an ordinary kernel would."""
    # ipykernel sets this before the first cell (IPKernelApp.init_gui_pylab)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # debugpy warns on stderr when imported: a kernel's stderr is a stream
    # of the notebook by then, which drops it; so does this.
    with contextlib.redirect_stderr(io.StringIO()):
        for name in PRELOADED:
            __import__(name)
    gc.freeze()  # the children share these objects, untouched


def become_kernel(request: dict, streams: list[int], keep: list) -> None:
    """Run an IPython kernel in this (forked) process, as ipykernel_launcher does."""
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    os.setsid()  # as jupyter_client starts kernels: apart from the build's Ctrl-C
    for held in keep:  # the server's sockets and pipe
        held.close() if isinstance(held, socket.socket) else os.close(held)
    sys.stdout.flush()
    sys.stderr.flush()
    for target, stream in enumerate(streams):
        os.dup2(stream, target)
        os.close(stream)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    from importlib.util import find_spec

    from ipykernel import kernelapp

    sys.argv = [find_spec("ipykernel_launcher").origin, *request["argv"]]
    # The one setting ipykernel reads from the environment at import time
    # (the process to watch: a kernel whose parent is gone ends itself).
    parent = int(os.environ.get("JPY_PARENT_PID") or 0)
    kernelapp.IPKernelApp.launch_instance(argv=request["argv"], parent_handle=parent)


def start(connection: socket.socket, startup: dict[str, str], keep: list) -> int | None:
    """Read one request from ``connection``; fork its kernel; return its pid."""
    data, streams, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    while not data.endswith(b"\n"):
        more = connection.recv(1 << 16)
        if not more:
            break
        data += more
    try:
        request = json.loads(data)
        why = incompatibility(request, startup)
    except (ValueError, KeyError, TypeError) as error:
        why = f"a request it cannot read ({error})"
    if why is None and len(streams) != 3:
        why = "no standard streams came with the request"
    if why is not None:
        for stream in streams:
            os.close(stream)
        connection.sendall(json.dumps({"refused": why}).encode() + b"\n")
        return None
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            become_kernel(request, streams, keep)
            code = 0
        except SystemExit as end:
            code = end.code if isinstance(end.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    for stream in streams:
        os.close(stream)
    connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    return pid


def serve(listener: socket.socket, startup: dict[str, str]) -> None:
    """Fork a kernel per connection until standard input closes."""
    wake, waker = os.pipe()
    os.set_blocking(waker, False)
    signal.set_wakeup_fd(waker)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select
    # each kernel's launcher, or None once the launcher is gone
    kernels: dict[int, socket.socket | None] = {}
    try:
        while True:
            launchers = [c for c in kernels.values() if c is not None]
            ready, _, _ = select.select([listener, 0, wake, *launchers], [], [])
            if 0 in ready and not os.read(0, 4096):
                return  # the build has ended
            if wake in ready:
                os.read(wake, 4096)
            for pid, connection in list(kernels.items()):
                if connection in ready:  # its launcher was killed: so is it
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    kernels[pid] = None
                    connection.close()
            reap(kernels)
            if listener in ready:
                connection, _ = listener.accept()
                keep = [listener, wake, waker, *launchers, connection]
                pid = start(connection, startup, keep)
                if pid is None:
                    connection.close()
                else:
                    kernels[pid] = connection
    finally:
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def reap(kernels: dict[int, socket.socket | None]) -> None:
    """Tell each ended kernel's launcher how it ended."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = kernels.pop(pid, None)
        if connection is not None:
            code = os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError):
                connection.sendall(json.dumps({"exit": code}).encode() + b"\n")
            connection.close()


def main(path: str) -> None:
    """Listen on ``path`` at once (launchers wait), preload, then serve."""
    del sys.path[0]  # this script's folder: a kernel's path does not have it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the build is done
    startup = dict(os.environ)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    try:
        preload()
        serve(listener, startup)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with contextlib.suppress(OSError):
            os.unlink(path)


if __name__ == "__main__":
    main(sys.argv[1])

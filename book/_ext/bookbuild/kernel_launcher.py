"""Start a kernel from the warm process of :mod:`bookbuild.kernel_zygote`.

The kernel spec that :mod:`bookbuild.kernel` writes runs this script, with
``python -I -S`` (nothing imported but the standard library), in place of
``python -m ipykernel_launcher``: ``kernel_launcher.py SOCKET -f FILE``.
It asks the warm process at ``SOCKET`` for a kernel with its own arguments,
environment, folder and standard streams, then stands for that kernel until
it ends: the signals that jupyter_client sends it (an interrupt, a
termination) go on to the kernel, and its exit code is the kernel's. If
there is no warm process, or it refuses, an ordinary kernel takes this
process's place, so the chapter runs either way.
"""

import contextlib
import json
import os
import signal
import socket
import sys
import time

FORWARDED = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


def ask(path: str, arguments: list[str]):
    """Ask the warm process for a kernel; return its pid and the answer's stream."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 5  # it listens as soon as it has started
    while True:
        try:
            connection.connect(path)
            break
        except FileNotFoundError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    request = {"argv": arguments, "env": dict(os.environ), "cwd": os.getcwd()}
    socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
    answers = connection.makefile("rb")
    answer = json.loads(answers.readline() or b"{}")
    if "pid" not in answer:
        raise OSError(answer.get("refused", "the warm process ended"))
    return answer["pid"], answers


def main(path: str, arguments: list[str]) -> None:
    """Stand for a warm kernel until it ends; or become an ordinary kernel."""
    try:
        pid, answers = ask(path, arguments)
    except (OSError, ValueError) as error:
        print(f"bookbuild: an ordinary kernel starts ({error})", file=sys.stderr)
        command = [sys.executable, "-m", "ipykernel_launcher", *arguments]
        os.execv(sys.executable, command)

    def forward(signum, frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    end = answers.readline()
    sys.exit(json.loads(end)["exit"] if end else 1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

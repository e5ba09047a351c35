"""bookbuild.kernel: kernels forked from a warm process behave as ordinary ones."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from bookbuild.kernel import HERE, WarmKernels
from bookbuild.kernel_zygote import incompatibility
from tests.conftest import MYSTNB_FRONT_MATTER

pytestmark = [
    pytest.mark.tooling,
    pytest.mark.skipif(sys.platform != "linux", reason="warm kernels fork: Linux only"),
]

# What a chapter's kernel can see of how it was started, one line a cell.
PROBES = [
    "import os, sys\nprint(os.getcwd())\nprint(sys.path)\nprint(sys.argv[0])",
    "print(os.environ['BOOKBUILD_PROBE'])",
    "import matplotlib\nprint(matplotlib.get_backend())",
    "import numpy as np\na = np.arange(4e4).reshape(200, -1)\nprint((a @ a).sum())",
    "import __main__\nprint(__main__.__name__, [k for k in dir() if k[0] != '_'])",
    "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()",
    "print(1 / 0)",
]
PARENT = "import os\nprint(os.getppid())"


def _run(folder: Path) -> tuple[list, int]:
    """Run the probes in a python3 kernel; return their outputs and its parent."""
    cells = [nbformat.v4.new_code_cell(source) for source in [*PROBES, PARENT]]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.kernelspec = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    client = NotebookClient(
        notebook,
        timeout=60,
        allow_errors=True,
        # one output a stream, however the kernel chunked it ("svg" then "\n")
        coalesce_streams=True,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    outputs = [cell.outputs for cell in notebook.cells]
    for cell_outputs in outputs:  # tracebacks name the cell's temporary file
        for output in cell_outputs:
            output.pop("traceback", None)
    parent = int(outputs.pop()[0]["text"])
    return outputs, parent


@pytest.fixture
def warm(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOOKBUILD_PROBE", "passed on")
    kernels = WarmKernels()
    yield kernels
    kernels.stop()


def test_a_warm_kernel_runs_cells_as_an_ordinary_kernel_does(warm, tmp_path):
    outputs, parent = _run(tmp_path)
    assert parent == warm.process.pid, "the kernel was not forked by the warm process"
    warm.stop()
    ordinary, parent = _run(tmp_path)
    assert parent != warm.process.pid
    assert outputs == ordinary
    assert outputs[1][0]["text"] == "passed on\n"
    assert outputs[-1][0]["ename"] == "ZeroDivisionError"
    assert "image/png" in outputs[-2][0]["data"]


def test_a_changed_environment_gets_an_ordinary_kernel(warm, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "svg")  # read when matplotlib is imported
    outputs, parent = _run(tmp_path)
    assert parent != warm.process.pid
    assert outputs[2][0]["text"] == "svg\n"
    request = {"env": {**os.environ, "PYTHONPATH": "elsewhere"}, "cwd": os.getcwd()}
    assert "PYTHONPATH" in incompatibility(request, dict(os.environ))


def _kernels_of(process: subprocess.Popen) -> set[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return True  # ended, not yet reaped
        time.sleep(0.05)
    return False


def test_a_killed_launcher_takes_its_kernel_with_it(warm, tmp_path):
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"))
    launcher = subprocess.Popen(
        [
            sys.executable,
            "-I",
            "-S",
            str(HERE / "kernel_launcher.py"),
            str(warm.folder / "zygote"),
            "-f",
            connection_file,
        ]
    )
    deadline = time.monotonic() + 30
    while not (kernels := _kernels_of(warm.process)):
        assert time.monotonic() < deadline, "no kernel was forked"
        time.sleep(0.05)
    launcher.kill()
    launcher.wait()
    assert all(_gone(pid) for pid in kernels)


@contextlib.contextmanager
def _started(
    warm: WarmKernels,
) -> Iterator[tuple[KernelManager, BlockingKernelClient, int]]:
    """Start a python3 kernel as myst-nb does; its manager, client and pid."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        (kernel,) = _kernels_of(warm.process)
        yield manager, client, kernel
    finally:
        client.stop_channels()
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)


def test_an_interrupt_reaches_the_kernel_and_shutdown_ends_it(warm):
    with _started(warm) as (manager, client, kernel):
        request = client.execute("import time\ntime.sleep(60)")
        time.sleep(1)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=20)
        while reply["parent_header"].get("msg_id") != request:  # kernel_info's
            reply = client.get_shell_msg(timeout=20)
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        client.stop_channels()
        manager.shutdown_kernel()  # asks the kernel to end, and waits
        assert _gone(kernel)
        assert not manager.is_alive()


def test_the_warm_process_ends_with_the_build_and_its_kernels_too(warm):
    with _started(warm) as (_, _, kernel):
        jupyter_path = os.environ["JUPYTER_PATH"]
        warm.stop()
        assert warm.process.returncode == 0
        assert _gone(kernel)
        assert not warm.folder.exists()
        assert os.environ.get("JUPYTER_PATH") != jupyter_path


def test_a_kernel_outlives_no_killed_warm_process(warm):
    with _started(warm) as (_, _, kernel):
        warm.process.kill()  # as a killed build's warm process
        assert _gone(kernel)


PAGE = (
    MYSTNB_FRONT_MATTER.replace("{", "{{").replace("}", "}}")
    + """\
# A chapter

{prose}

```{{code-cell}} ipython3
import os
with open(f"/proc/{{os.getppid()}}/cmdline") as parent:
    print("warm:", parent.read().split("\\0")[1].endswith("kernel_zygote.py"))
{comment}
```
"""
)
PROBE = """
import os

def setup(app):
    def note(app, exception):  # before bookbuild.kernel stops the process
        with open(os.path.join(app.srcdir, "warm.log"), "a") as log:
            log.write(f"{hasattr(app, '_warm')}\\n")
    app.connect("build-finished", note, priority=100)
"""
CONF = f"""
import sys
sys.path[:0] = [{str(HERE.parent)!r}, "."]
extensions = ["myst_nb", "bookbuild.cache", "bookbuild.kernel", "probe"]
nb_execution_mode = "cache"
bookbuild_code_dir = "."
exclude_patterns = ["_build"]
"""


def test_a_build_starts_the_warm_process_only_when_a_chapter_runs(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "probe.py").write_text(PROBE)
    page, site = tmp_path / "index.md", tmp_path / "_build" / "html" / "index.html"

    def build(prose: str = "Text.", comment: str = "") -> tuple[str, str]:
        page.write_text(PAGE.format(prose=prose, comment=comment))
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q"]
        command += [str(tmp_path), str(tmp_path / "_build" / "html")]
        command += ["-d", str(tmp_path / "_build" / "doctrees")]
        subprocess.run(command, check=True, cwd=tmp_path)
        started = (tmp_path / "warm.log").read_text().split()[-1]
        return started, site.read_text()

    started, html = build()  # a first build: a warm kernel ran the cell
    assert (started, "warm: True" in html) == ("True", True)
    started, html = build(prose="Other text.")  # from the cache, none started
    assert (started, "Other text." in html) == ("False", True)
    started, html = build(comment="# edited")  # the cell runs again, warm
    assert (started, "warm: True" in html) == ("True", True)

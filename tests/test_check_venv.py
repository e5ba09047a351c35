"""tools/check_venv.py: a .venv that cannot build this clone's book is named as such."""

from __future__ import annotations

import importlib.util
import sys
from importlib import metadata

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.tooling

spec = importlib.util.spec_from_file_location(
    "check_venv", REPO / "tools" / "check_venv.py"
)
check_venv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_venv)


def test_this_clones_venv_passes():
    assert check_venv.problems(REPO) == []


def test_a_venv_of_another_clone_is_refused(tmp_path):
    (tmp_path / "requirements.lock").write_text("")
    found = check_venv.problems(tmp_path)
    assert any("belongs to" in problem for problem in found)
    assert any("imports nnbasics from" in problem for problem in found)


def test_versions_other_than_the_lock_are_named(tmp_path):
    numpy = metadata.version("numpy")
    (tmp_path / "requirements.lock").write_text(
        "numpy==0.0.1 \\\n    --hash=sha256:00\n"
        f"packaging=={metadata.version('packaging')} ; python_version < '3'\n"
    )
    found = check_venv.problems(tmp_path)
    assert f"it has numpy {numpy}, the lock file pins 0.0.1" in found
    assert not any("packaging" in problem for problem in found)  # not this Python


def test_only_the_supported_pythons_pass(monkeypatch, tmp_path):
    (tmp_path / "requirements.lock").write_text("")
    monkeypatch.setattr(sys, "version_info", (3, 9, 18, "final", 0))
    found = check_venv.problems(tmp_path)
    assert any("made by Python 3.9" in problem for problem in found)

"""Each module the API pages document declares its public names in ``__all__``.

autodoc documents a module's ``__all__`` when it has one, in that order, and
gathers nothing else: without it, autodoc loaded every name the module imported
(matplotlib's classes among them) only to leave them out, which made the
figures' API page take 4 to 6 s to read instead of about 2 s.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

AUTOMODULE = re.compile(r"^\.\. automodule:: (\S+)\n((?:   :.*\n)*)", re.M)


def documented_modules() -> list[str]:
    """The modules whose members the API pages document."""
    found = []
    for page in sorted((REPO / "book").glob("api*.md")):
        for name, options in AUTOMODULE.findall(page.read_text(encoding="utf-8")):
            if ":no-members:" not in options:
                found.append(name)
    return found


def test_the_api_pages_document_modules():
    modules = documented_modules()
    assert "nnbasics.training" in modules
    assert "nnbasics.plotting.cracking" in modules
    assert "nnbasics.plotting" not in modules  # :no-members:


def source_order(module) -> list[str]:
    """The names a module defines at its top level, in the order it defines them."""
    names = []
    for node in ast.parse(Path(module.__file__).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


@pytest.mark.parametrize("name", documented_modules())
def test_all_holds_every_public_function_and_class_in_source_order(name):
    module = importlib.import_module(name)
    listed = getattr(module, "__all__", None)
    assert listed is not None, f"{name} has no __all__"
    assert len(set(listed)) == len(listed), f"{name}.__all__ repeats a name"
    defined = source_order(module)
    assert [n for n in listed if n not in defined] == [], (
        f"{name}.__all__ lists names the module does not define"
    )
    public = [
        n for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == name
    ]  # fmt: skip
    assert [n for n in public if n not in listed] == [], (
        f"add these to {name}.__all__, or the API page leaves them out"
    )
    assert listed == sorted(listed, key=defined.index), (
        f"{name}.__all__ is not in source order, so the API page is not either"
    )

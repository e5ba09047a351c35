"""Every random draw is seeded, and every chapter shows the seeds it uses.

Static checks (no build): the package's modules and the chapters' code cells
are parsed with :mod:`ast`.

* Nothing calls NumPy's global random state (``np.random.normal``,
  ``np.random.seed``, ...) or the standard library's :mod:`random`,
  :mod:`secrets` or :mod:`uuid`: those draw different numbers in every
  process. Randomness comes from ``np.random.default_rng(seed)``.
* In the package a seed always comes from the caller: a generator is never
  created without a seed or with one fixed inside the package, where a
  reader would not see it.
* A chapter that calls a function of the package taking a ``seed`` (or
  ``seeds``) passes it by name in a code cell the page shows (not removed or
  hidden), and every variable in that argument is set in such a cell too.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jupytext
import pytest

from tests.conftest import REPO

PACKAGE = REPO / "code" / "nnbasics"
MODULES = sorted(PACKAGE.rglob("*.py"))
CHAPTERS = sorted((REPO / "book").glob("*.md"))

SEED_PARAMETERS = {"seed", "seeds"}
HIDING_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
FORBIDDEN_MODULES = {"random", "secrets", "uuid"}
# numpy.random names that make or describe a seeded generator; every other
# name (normal, rand, seed, shuffle, RandomState, ...) is the global state.
SEEDED_NUMPY = {
    "default_rng",
    "Generator",
    "BitGenerator",
    "SeedSequence",
    "PCG64",
    "PCG64DXSM",
    "Philox",
    "SFC64",
    "MT19937",
}
GENERATOR_FACTORIES = SEEDED_NUMPY - {"Generator", "BitGenerator"}


@dataclass(frozen=True)
class Problem:
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.what}"


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> dotted module path, from the imports of ``tree``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``np.random.normal`` -> ``numpy.random.normal`` (None if not a name chain)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def unseeded_randomness(tree: ast.AST, where: str) -> list[Problem]:
    """Uses of global random state, and generators made without a seed."""
    aliases = _aliases(tree)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for module in modules:
                if module.split(".")[0] in FORBIDDEN_MODULES and not getattr(
                    node, "level", 0
                ):
                    problems.append(
                        Problem(where, node.lineno, f"imports {module}: unseeded")
                    )
        name = (
            _dotted(node, aliases)
            if isinstance(node, (ast.Attribute, ast.Name))
            else None
        )
        if name and name.startswith("numpy.random."):
            member = name.split(".")[2]
            if member not in SEEDED_NUMPY:
                problems.append(
                    Problem(
                        where,
                        node.lineno,
                        f"{name} uses NumPy's global random state; draw from "
                        "np.random.default_rng(seed)",
                    )
                )
        if isinstance(node, ast.Call):
            callee = _dotted(node.func, aliases) or ""
            if callee.startswith("numpy.random.") and (
                callee.split(".")[2] in GENERATOR_FACTORIES
            ):
                seed = node.args[0] if node.args else _keyword(node, "seed")
                if seed is None or (
                    isinstance(seed, ast.Constant) and seed.value is None
                ):
                    problems.append(
                        Problem(where, node.lineno, f"{callee}() without a seed")
                    )
    # Attribute chains are visited whole and again from inside; report once.
    return sorted(set(problems), key=lambda p: (p.line, p.what))


def _keyword(call: ast.Call, *names: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg in names), None)


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _parse_module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def seeded_functions() -> frozenset[str]:
    """Names of the package's functions and methods that take a seed."""
    names = set()
    for path in MODULES:
        for node in ast.walk(_parse_module(path)):
            if isinstance(node, ast.ClassDef):
                init = next(
                    (
                        f
                        for f in node.body
                        if isinstance(f, ast.FunctionDef) and f.name == "__init__"
                    ),
                    None,
                )
                if init is not None and _takes_a_seed(init):
                    names.add(node.name)  # the class is called to make one
            elif isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ) and _takes_a_seed(node):
                names.add(node.name)
    return frozenset(names)


def _takes_a_seed(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = function.args.posonlyargs + function.args.args
    arguments += function.args.kwonlyargs
    return bool(SEED_PARAMETERS & {a.arg for a in arguments})


def _seed_argument(call: ast.Call, seeded: Set[str]) -> ast.expr | None:
    """The seed a call passes, for a generator factory or a seeded function."""
    name = _callee_name(call)
    if name in GENERATOR_FACTORIES:
        return call.args[0] if call.args else _keyword(call, "seed")
    if name in seeded:
        return _keyword(call, *SEED_PARAMETERS)
    return None


def seeds_fixed_inside(path: Path, seeded: Set[str]) -> list[Problem]:
    """Seeded calls in a package module whose seed does not come from the caller.

    A seed made only of literals, or of names set at module level, is fixed
    inside the package: a chapter calling that code would draw random numbers
    without showing the seed.
    """
    tree = _parse_module(path)
    module_names = {
        target.id
        for statement in tree.body
        if isinstance(statement, (ast.Assign, ast.AnnAssign))
        for target in (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
        )
        if isinstance(target, ast.Name)
    }
    where = (
        path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.name
    )
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        seed = _seed_argument(node, seeded)
        if seed is None:
            continue
        variables = {n.id for n in ast.walk(seed) if isinstance(n, ast.Name)}
        if not variables - module_names - set(dir(builtins)):
            problems.append(
                Problem(
                    where,
                    node.lineno,
                    f"{_callee_name(node)}(...) gets the seed {ast.unparse(seed)!r}, "
                    "fixed inside the package; take it as a parameter",
                )
            )
    return problems


@dataclass
class Cell:
    index: int
    source: str
    tags: frozenset[str]
    tree: ast.Module

    @property
    def shown(self) -> bool:
        return not self.tags & HIDING_TAGS


_MAGIC = re.compile(r"^(\s*)([%!])", re.MULTILINE)


def code_cells(chapter: Path) -> Iterator[Cell]:
    """The chapter's code cells, parsed (IPython magics commented out)."""
    notebook = jupytext.read(chapter, fmt="md:myst")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        source = _MAGIC.sub(r"\1# \2", cell.source)
        yield Cell(
            index,
            cell.source,
            frozenset(cell.metadata.get("tags", [])),
            ast.parse(source, filename=f"{chapter.name}, cell {index}"),
        )


def hidden_seeds(chapter: Path, seeded: Set[str]) -> list[Problem]:
    """Seeded calls of ``chapter`` whose seed the page does not show."""
    cells = list(code_cells(chapter))
    shown_names = set(dir(builtins))
    for cell in cells:
        if cell.shown:
            for node in ast.walk(cell.tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    shown_names.add(node.id)
                elif isinstance(node, ast.arg):
                    shown_names.add(node.arg)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    shown_names |= {
                        (a.asname or a.name).split(".")[0] for a in node.names
                    }
    problems = []
    for cell in cells:
        where = f"book/{chapter.name}, code cell {cell.index}"
        for node in ast.walk(cell.tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee_name(node)
            if name not in seeded and name not in GENERATOR_FACTORIES:
                continue
            seed = _seed_argument(node, seeded)
            if seed is None:
                problems.append(
                    Problem(where, node.lineno, f"{name}(...) is called without seed=")
                )
            elif not cell.shown:
                problems.append(
                    Problem(
                        where,
                        node.lineno,
                        f"{name}(..., {ast.unparse(seed)}) is in a cell tagged "
                        f"{sorted(cell.tags & HIDING_TAGS)}: the page hides the seed",
                    )
                )
            else:
                unseen = {
                    n.id
                    for n in ast.walk(seed)
                    if isinstance(n, ast.Name) and n.id not in shown_names
                }
                if unseen:
                    problems.append(
                        Problem(
                            where,
                            node.lineno,
                            f"the seed of {name}(...) uses {sorted(unseen)}, "
                            "which no shown cell sets",
                        )
                    )
    return problems


# --- the tests -----------------------------------------------------------------


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_package_draws_random_numbers_only_from_seeded_generators(path):
    where = path.relative_to(REPO).as_posix()
    problems = unseeded_randomness(_parse_module(path), where)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_package_never_fixes_a_seed_itself(path):
    problems = seeds_fixed_inside(path, seeded_functions())
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_draw_random_numbers_only_from_seeded_generators(chapter):
    problems = [
        problem
        for cell in code_cells(chapter)
        for problem in unseeded_randomness(
            cell.tree, f"book/{chapter.name}, code cell {cell.index}"
        )
    ]
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_seed_a_chapter_uses_is_shown_on_its_page(chapter):
    problems = hidden_seeds(chapter, seeded_functions())
    assert not problems, "\n".join(map(str, problems))


def test_the_package_has_seeded_functions_to_check():
    # If the seed parameters were renamed, the checks above would pass vacuously.
    assert {"at_random", "sometimes_lying", "shoot", "compare_bursts"} <= (
        seeded_functions()
    )


# --- the checks catch what they are meant to catch ------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\nx = np.random.normal(size=3)",
        "import numpy as np\nnp.random.seed(0)",
        "import numpy\nrng = numpy.random.RandomState(1)",
        "from numpy import random\nrandom.shuffle(x)",
        "from numpy.random import rand\nrand(3)",
        "import numpy.random as npr\nnpr.choice(4)",
        "import random\nrandom.random()",
        "from random import choice",
        "import uuid\nuuid.uuid4()",
        "import numpy as np\nnp.random.default_rng()",
        "import numpy as np\nnp.random.default_rng(None)",
        "from numpy.random import default_rng\ndefault_rng(seed=None)",
    ],
)
def test_unseeded_randomness_is_found(code):
    assert unseeded_randomness(ast.parse(code), "example")


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\nrng = np.random.default_rng(seed)\nrng.normal()",
        "from numpy.random import default_rng\ndefault_rng(2024).random()",
        "import numpy as np\nx: np.random.Generator",
        "import numpy as np\nx = np.linalg.norm([1.0])",
    ],
)
def test_seeded_randomness_passes(code):
    assert unseeded_randomness(ast.parse(code), "example") == []


def _chapter(tmp_path: Path, *cells: tuple[str, str]) -> Path:
    text = (
        "---\nfile_format: mystnb\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n# T\n\n"
    )
    for tags, source in cells:
        options = f":tags: [{tags}]\n" if tags else ""
        text += f"```{{code-cell}} ipython3\n{options}{source}\n```\n\n"
    path = tmp_path / "chapter.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ([("", "w = at_random(2, scale=1.0)")], "without seed="),
        ([("remove-cell", "w = at_random(2, seed=3)")], "hides the seed"),
        ([("hide-input", "s = shoot(rifle, rounds=3, seed=1)")], "hides the seed"),
        (
            [("remove-cell", "SEED = 7"), ("", "w = at_random(2, seed=SEED)")],
            "no shown cell sets",
        ),
    ],
)
def test_a_hidden_seed_is_found(tmp_path, cells, reason):
    problems = hidden_seeds(_chapter(tmp_path, *cells), {"at_random", "shoot"})
    assert problems
    assert reason in str(problems[0])


def test_a_shown_seed_passes(tmp_path):
    chapter = _chapter(
        tmp_path,
        ("", "seed = 2024\nw = at_random(2, seed=seed)"),
        ("", "ws = [at_random(2, seed=s) for s in range(4)]\n%time x = 1"),
        ("remove-cell", "glue('seed', seed)"),
    )
    assert hidden_seeds(chapter, {"at_random"}) == []


def test_a_seed_fixed_inside_a_module_is_found(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "import numpy as np\nSEED = 0\n"
        "def jitter(n, *, seed):\n    return np.random.default_rng(seed).random(n)\n"
        "def demo():\n"
        "    return jitter(3, seed=SEED) + np.random.default_rng(1).random()\n",
        encoding="utf-8",
    )
    problems = seeds_fixed_inside(module, {"jitter"})
    assert [p.line for p in problems] == [6, 6]

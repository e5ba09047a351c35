"""Where a build keeps its files, per language.

``make html`` builds the English site and then the Chinese one (``-D
language=zh_CN``) into ``_build/html/zh``: each with its doctrees
(``_build/doctrees``, ``_build/doctrees-zh_CN``) in one build folder,
``_build``. What the book's extension keeps beside the site (execution
caches, error reports, generated stylesheets) is named per language, so the
two builds never share a file that differs between them.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx

ENGLISH = "en"


def build_folder(app: Sphinx) -> Path:
    """Return the build folder (``_build``), parent of every language's doctrees."""
    return Path(app.doctreedir).parent


def language_of(app: Sphinx) -> str:
    """Return the language being built (``en`` when none is set)."""
    return app.config.language or ENGLISH


def suffix(app: Sphinx) -> str:
    """Return a name suffix for per-language build files: ``""`` in English."""
    language = language_of(app)
    return "" if language == ENGLISH else f"-{language}"


def own_files(site: Path, suffixes: set[str]) -> list[Path]:
    """Return the files of the built ``site`` with these suffixes, sorted.

    The Chinese edition is a site of its own inside the English one
    (``zh/``, with its own ``_static``): its files belong to its own build.
    Read by the English build too, its pages kept theme rules that no English
    page uses (so the English site differed with and without a Chinese build
    beside it) and were bundled into the English folder.
    """
    found = []
    for folder, subfolders, files in os.walk(site):
        # One walk, not entering a folder that is a site (has a _static) itself.
        subfolders[:] = [
            name for name in subfolders if not Path(folder, name, "_static").is_dir()
        ]
        found += [Path(folder, name) for name in files if Path(name).suffix in suffixes]
    return sorted(found)

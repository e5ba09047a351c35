"""Sphinx configuration of the book.

Build with ``make html``: sources are read from ``book/``, this file sits at
the repository root, and the site is written to ``_build/html``.
"""

from __future__ import annotations

import nnbasics

# The one place that names the repository: buttons, links and notebooks use it.
repository_url = "https://github.com/guess-compare-adjust/book"
repository_branch = "main"

project = "Guess, Compare, Adjust"
author = "The Guess, Compare, Adjust authors"
copyright = f"2026, {author}"  # noqa: A001
version = release = nnbasics.__version__
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx_exercise",
    "sphinx_togglebutton",
    "bookbuild",
]

# --- what the book's source set is -------------------------------------------
root_doc = "index"
exclude_patterns = ["_templates", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
suppress_warnings: list[str] = []

# --- MyST and notebook execution ---------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "cache"  # cache kept under the build folder, keyed on code/
nb_execution_timeout = 120  # seconds per cell
nb_execution_raise_on_error = False  # report every failing chapter (-W fails)
nb_execution_show_tb = True  # the failing cell and its traceback in the log
nb_merge_streams = True
bookbuild_code_dir = "code"

# --- API reference -----------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# --- HTML ----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path: list[str] = []
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "extra_footer": (
        "<p>Code under the <a href='https://opensource.org/license/mit'>MIT "
        "licence</a>; text and figures under "
        "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>. "
        f"nnbasics {release}.</p>"
    ),
}

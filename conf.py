"""Sphinx configuration of the book.

Build with ``make html``: sources are read from ``book/``, this file sits at
the repository root, and the site is written to ``_build/html``.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version as installed_version
from pathlib import Path

# The book's own Sphinx extension (bookbuild) lives with the book, not in the
# nnbasics package that readers install.
sys.path.insert(0, str(Path(__file__).parent / "book" / "_ext"))
# The API reference documents the nnbasics beside this file, as the chapters'
# kernels run it (bookbuild.kernel), whatever the environment has installed.
sys.path.insert(0, str(Path(__file__).parent / "code"))

# The one place that names the repository: buttons, links and notebooks use it.
repository_url = "https://github.com/guess-compare-adjust/book"
repository_branch = "main"

html_baseurl = "https://guess-compare-adjust.github.io/book/"


def _built_from_commit() -> str:
    """The commit the site is built from (full hash), or "unknown" outside git."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


full_commit = _built_from_commit()
commit = full_commit[:12]  # as the footer shows it

project = "Guess, Compare, Adjust"
author = "The Guess, Compare, Adjust authors"
copyright = f"2026, {author}"
# The installed package's version (nnbasics.__version__, which a test keeps
# equal): reading the metadata is quicker than importing numpy on every build.
version = release = installed_version("nnbasics")
language = "en"

extensions = [
    # First: it pauses the garbage collector while the others are imported.
    "bookbuild.gc_freeze",
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx_exercise",
    "sphinx_togglebutton",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_sitemap",
    "notfound.extension",
    "sphinx_last_updated_by_git",
    "sphinxcontrib.rsvgconverter",  # SVG figures as PDF for make pdf
    "bookbuild",
]

# --- what the book's source set is -------------------------------------------
root_doc = "index"
exclude_patterns = ["_templates", "_static", "_ext", "**.ipynb_checkpoints"]
templates_path = ["book/_templates"]
# Outside a git checkout (e.g. a source tarball) pages show no "last updated"
# date instead of failing the build.
suppress_warnings = ["git.subprocess_error"]

# --- MyST and notebook execution ---------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "cache"  # cache kept under the build folder, keyed on code/
nb_execution_timeout = 120  # seconds per cell
nb_execution_raise_on_error = False  # report every failing chapter (-W fails)
nb_execution_show_tb = True  # the failing cell and its traceback in the log
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs may hold tables and maths
bookbuild_code_dir = "code"
bookbuild_repository_url = repository_url  # clean notebooks install nnbasics from here
# A notebook installs the nnbasics of the commit it was built from, so that
# its code and the package always match (the branch moves on; a commit not).
bookbuild_repository_branch = (
    full_commit if full_commit != "unknown" else repository_branch
)
bookbuild_notebooks_branch = "notebooks"  # the deploy workflow pushes them there

html_math_renderer = "mathml"  # bookbuild.mathml: no MathJax, works offline
myst_update_mathjax = False

# --- API reference -----------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Show NumPy's array types by their names, not by what they expand to
# (``_Buffer | _SupportsArray[dtype[Any]] | _NestedSequence[...] | ...``).
autodoc_type_aliases = {
    "ArrayLike": "numpy.typing.ArrayLike",
    "NDArray": "numpy.typing.NDArray",
}
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# --- HTML ----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["book/_static"]
html_logo = "book/_static/logo.svg"
html_favicon = "book/_static/favicon.svg"
# book.css: the book's look. a11y.css and a11y.js: colours with enough
# contrast, and scrollable code that keyboard users can reach once a solution
# is opened (see the accessibility section below).
# temml/temml.css: the maths font and Temml's rules (bookbuild.mathml), on
# pages with maths only.
html_css_files = ["book.css", "a11y.css", "temml/temml.css"]
html_js_files = [
    ("a11y.js", {"defer": "defer"}),
    ("interactive.js", {"defer": "defer"}),
]
html_last_updated_fmt = "%Y-%m-%d"  # from each page's last commit
html_copy_source = True  # the .md behind the download button
html_theme_options = {
    "repository_url": repository_url,
    "repository_branch": repository_branch,
    "path_to_docs": "book",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_edit_page_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    # The theme's default code colours, named here because bookbuild.highlight
    # reads them to find the tokens drawn as plain text.
    "pygments_light_style": "a11y-high-contrast-light",
    "pygments_dark_style": "a11y-high-contrast-dark",
    "logo": {"text": project, "alt_text": f"{project}: home"},
}

# --- copy buttons: code only, never prompts or outputs --------------------------
copybutton_selector = "div:not(.output) > div.highlight > pre"
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

# --- a published site ----------------------------------------------------------
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "py-modindex.html", "404.html"]
notfound_urls_prefix = "/book/"

# --- reproducible builds -------------------------------------------------------
# Two builds of the same commit write the same bytes, wherever and whenever
# they run (tests/test_reproducible.py; the rules that need code are in
# bookbuild.reproducible). Dates on the pages ("Last updated", the
# article:modified_time tag) are the commits' dates in UTC, not in the build
# machine's time zone, which could shift them by a day. `make html` sets
# SOURCE_DATE_EPOCH to the last commit's date for everything else that would
# read the clock (Sphinx's |today| and copyright year, matplotlib's SVG dates).
git_last_updated_timezone = "UTC"

# --- accessibility (browser-tested) ---------------------------------------------
# tests/browser/ loads every page in headless Chromium and runs axe-core on it,
# in the light and the dark theme. What the themes get wrong is fixed here and
# in the files named below.
# The colour mode follows the reader's system until they pick one; without a
# default the theme's script logs "Got invalid theme mode" on a first visit.
html_context = {"default_mode": "auto"}
# The footer (book/_templates/extra-footer.html): licences and the commit.
html_context.update(book_repository_url=repository_url, book_commit=commit)
# No header bar above the page: pydata-sphinx-theme >= 0.17 adds a search field
# to it unless navbar_persistent is set, and the header it then draws holds a
# hidden copy of the sidebar toggles, to which both themes' scripts bind: on a
# phone the visible "Site navigation" button did nothing
# (executablebooks/sphinx-book-theme#988).
html_theme_options["navbar_persistent"] = []
# The same page in the other language, beside the theme's buttons
# (book/_templates/language-switcher.html; bookbuild.i18n).
html_theme_options["article_header_end"] = [
    "language-switcher.html",
    "article-header-buttons.html",
]
# Colours with enough contrast (book/_static/a11y.css) and scrollable code that
# keyboard users can reach (book/_static/a11y.js): see html_css_files above.
# myst-nb's "Show code cell source" toggles are named by their visible text
# (bookbuild.a11y).
# book/_templates/search-button-field.html: the search button is named by its
# visible text; book/_templates/navbar-logo.html: the sidebar's logo sits in a
# landmark.
# No module index: no page links to py-modindex.html (the API reference lists
# the modules), and its layout table has no headers (axe: td-has-header).
html_domain_indices = False

# --- offline copies: make pdf and make epub ------------------------------------
# Both are built from the site's execution cache (no chapter runs again).
# PDF: Sphinx's LaTeX builder and xelatex (Debian packages: tools/install-tex.sh).
# Figures are the SVG outputs, converted to PDF by rsvg-convert (Debian
# librsvg2-bin) through sphinxcontrib.rsvgconverter, so they stay vector.
# Interactive figures give their static picture (image/svg+xml) to both.
# bookbuild.offline fits the landing page and the outputs to a book.
book_basename = "guess-compare-adjust"
nb_mime_priority_overrides = [
    ("latex", "image/svg+xml", 15),  # vector figures, converted to PDF
    ("epub", "image/svg+xml", 25),  # the static picture, not the page's script
    # The figures' alt texts are messages to translate (make update-po).
    ("gettext", "image/svg+xml", 10),
]
latex_engine = "xelatex"
latex_documents = [(root_doc, f"{book_basename}.tex", project, author, "manual")]
latex_use_xindy = False  # makeindex (in texlive-binaries): no Debian xindy
latex_domain_indices = False
latex_show_urls = "footnote"
latex_additional_files = ["book/_latex/titlepage.tex", "book/_latex/preamble.tex"]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    # DejaVu (Debian fonts-dejavu-core) has every character the book prints,
    # subscripts such as ᵢ and ₖ included.
    "fontpkg": (
        "\\setmainfont{DejaVu Serif}\n"
        "\\setsansfont{DejaVu Sans}\n"
        "\\setmonofont{DejaVu Sans Mono}[Scale=0.85]\n"
    ),
    "figure_align": "H",  # each figure where its cell is, as on the site
    # Long lines of code wrap (with a mark) instead of running off the page.
    "sphinxsetup": (
        "verbatimwrapslines=true, verbatimforcewraps=true, "
        "verbatimmaxoverfull=0, verbatimmaxunderfull=0, "
        "hmargin={2.2cm,2.2cm}, vmargin={2.5cm,2.5cm}"
    ),
    "preamble": (
        f"\\newcommand{{\\bookcommit}}{{{full_commit}}}\n"
        f"\\newcommand{{\\bookrelease}}{{{release}}}\n"
        f"\\newcommand{{\\bookurl}}{{{html_baseurl}}}\n"
        "\\input{preamble.tex}\n"
    ),
    "maketitle": "\\input{titlepage.tex}",
    # No index: its long dotted API names overflow the column; the API
    # reference chapter lists them all.
    "printindex": "",
}
epub_basename = book_basename
epub_theme = "epub"
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
# Sphinx writes the uid into toc.ncx where epubcheck wants the identifier.
epub_identifier = epub_uid = book_basename
epub_scheme = ""
epub_show_urls = "no"
epub_use_index = False
epub_exclude_files = ["search.html", "404.html"]

# --- the Chinese edition (locales/, CONTRIBUTING: "Translating the book") -----
# One build, two languages: `make html` builds the English site into
# _build/html and, with `-D language=zh_CN`, the Chinese one into
# _build/html/zh. Sphinx's gettext workflow: `make update-po` extracts every
# message of the English sources (one catalogue per page, no line numbers so
# that an edit elsewhere on a page leaves the catalogue alone) and merges them
# into locales/zh_CN/LC_MESSAGES/<page>.po with sphinx-intl.
locale_dirs = ["../locales"]  # relative to book/
gettext_compact = False
gettext_location = False
gettext_uuid = False
gettext_auto_build = True  # the .mo files are compiled by the build itself

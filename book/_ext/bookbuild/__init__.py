"""Sphinx extension with the book's own build rules.

* :mod:`bookbuild.freshness` makes sure no build leaves stale pages: a build
  that was interrupted is followed by a full one, two builds of one folder
  take turns, and error reports are kept out of the published site.
  :mod:`bookbuild.forks` ends the processes a build forks when it ends.
* :mod:`bookbuild.i18n` makes the Chinese edition a second language of the
  same build: numbers in translated paragraphs, figures in Chinese, Chinese
  search, and links between the two languages.
* :mod:`bookbuild.upstream` holds every workaround that touches another
  project's private code, each with the upstream problem it works around and
  a test (tests/test_upstream.py) that fails loudly when upstream changes.
* :mod:`bookbuild.cache` keys myst-nb's execution cache on the source of
  ``code/``, so a change to the package re-executes every chapter while a
  prose edit re-executes nothing.
* :mod:`bookbuild.kernel` gives the kernels that execute the chapters an
  IPython profile of their own, so a writer's startup scripts cannot change
  the book's outputs, and on Linux forks them from a warm process
  (:mod:`bookbuild.kernel_zygote`, :mod:`bookbuild.kernel_launcher`) that has
  imported ipykernel, NumPy and Matplotlib once for the whole build.
* :mod:`bookbuild.alt_text` fails the build when an image has no real alt
  text (raw HTML pictures included).
* :mod:`bookbuild.cells` fails the build when a code cell the reader sees
  glues values into the prose (bookkeeping belongs in removed cells), and
  names the chapter and line of cell metadata that is not valid YAML.
* :mod:`bookbuild.failures` lets a failing cell's report stand alone: the
  warnings that only follow from it are left out.
* :mod:`bookbuild.notebooks` writes a clean Jupyter notebook of every chapter
  (no MyST syntax) to ``notebooks/`` in the site and points the download and
  Colab buttons at it; a directive it cannot translate fails the build.
* :mod:`bookbuild.mathml` renders maths as MathML at build time
  (``html_math_renderer = "mathml"``), so pages need no MathJax.
* :mod:`bookbuild.assets` makes pages load only what they show: the theme's
  icons as inline SVG instead of Font Awesome, no unused scripts or styles,
  sized and lazily loaded images (``make bench`` measures the pages); the
  icons' stylesheet is :mod:`bookbuild.icon_stylesheet`, and
  :mod:`bookbuild.css` trims the stylesheets (on tinycss2's parser).
* :mod:`bookbuild.bundle` gives every page one stylesheet instead of a
  dozen, so a phone's first paint waits for one request, not three rounds,
  and leaves out of it the rules no page uses.
* :mod:`bookbuild.highlight` writes code tokens that every style draws as
  plain text without a ``<span>`` each (a fifth of a chapter's elements).
* :mod:`bookbuild.meta` gives every page the description of its front matter
  (``<meta name="description">``) and Open Graph tags for link previews.
* :mod:`bookbuild.reproducible` keeps two builds of one commit identical
  (sorted sitemap) and fails on absolute build paths in the output.
* :mod:`bookbuild.a11y` names myst-nb's code-cell
  toggles by their visible text.
* :mod:`bookbuild.parallel` orders the pages to read so that each
  ``sphinx-build -j`` worker gets an even share of the work, and writes the
  pages with one more process than ``-j``.
* :mod:`bookbuild.offline` fits the book to the PDF and the EPUB: static
  pictures get their SVG's description as alt text, and the PDF's chapters
  are numbered as on the site.
* :mod:`bookbuild.incremental` lets a rebuild that reads no page skip
  Sphinx's walk over every doctree to number figures; the notebooks of
  unchanged pages are not converted again either.
* :mod:`bookbuild.gc_freeze` keeps Python's garbage collector from walking,
  again and again, the objects a build holds and never frees.

Enable it in ``conf.py`` with ``extensions = ["bookbuild.gc_freeze", ..., "bookbuild"]``
(:mod:`bookbuild.gc_freeze` first, so that the collector is paused while the
other extensions are imported).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the book's build rules with Sphinx."""
    # Imported here, not above: conf.py lists bookbuild.gc_freeze first, and
    # importing it must not import the rest (nor myst-nb) before it is set up.
    from bookbuild import (
        a11y,
        alt_text,
        assets,
        bundle,
        cache,
        cells,
        failures,
        forks,
        freshness,
        highlight,
        i18n,
        incremental,
        kernel,
        mathml,
        meta,
        notebooks,
        offline,
        parallel,
        reproducible,
        upstream,
    )

    freshness.setup(app)
    forks.setup(app)
    app.setup_extension("bookbuild.gc_freeze")  # if conf.py did not list it
    i18n.setup(app)
    cache.setup(app)
    kernel.setup(app)
    incremental.setup(app)
    parallel.setup(app)
    alt_text.setup(app)
    cells.setup(app)
    failures.setup(app)
    notebooks.setup(app)
    mathml.setup(app)
    highlight.setup(app)
    meta.setup(app)
    reproducible.setup(app)
    assets.setup(app)
    bundle.setup(app)
    upstream.deterministic_stream_merge()
    upstream.switch_off_cache_truncation()
    upstream.kernels_over_ipc()
    app.connect("doctree-read", upstream.adopt_every_node, priority=900)
    a11y.setup(app)
    offline.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

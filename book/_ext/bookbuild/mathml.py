r"""Render the book's maths as MathML when the site is built.

Browsers display MathML natively, so pages need no MathJax: no script to
download, no flash of raw LaTeX, and maths that works offline. LaTeX is
converted by Temml (``vendor/temml.min.js``, MIT), which writes standard
MathML Core (``\underbrace`` with its label, limits above and below sums,
``\big`` delimiters), run in the QuickJS engine of the ``quickjs``
package. The site serves the font the formulas are drawn with
(``book/_static/temml/``). A formula Temml cannot read is reported as a build
warning (an error under ``-W``) at the formula's page and line, with the
LaTeX it could not read.

Enabled in ``conf.py`` by ``html_math_renderer = "mathml"`` (registered by the
``bookbuild`` extension).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

LOGGER = logging.getLogger(__name__)


TEMML = Path(__file__).parent / "vendor" / "temml.min.js"


@functools.cache
def _temml() -> Callable[[str, bool], str]:
    """Temml's ``renderToString`` in a QuickJS context (one per process)."""
    import quickjs  # imported here: a rebuild that writes no maths never needs it

    context = quickjs.Context()
    context.eval(TEMML.read_text(encoding="utf-8"))
    context.eval(
        "function bookRender(latex, display) {"
        " return temml.renderToString(latex,"
        " {displayMode: display, throwOnError: true, trust: false}); }"
    )
    render = context.get("bookRender")
    return lambda latex, display: render(latex, display)


def latex_to_mathml(latex: str, *, display: bool) -> str:
    """Convert one LaTeX formula to a ``<math>`` element.

    Parameters
    ----------
    latex : str
        The formula, without ``$`` delimiters.
    display : bool
        Block (centred, on its own line) rather than inline.

    Returns
    -------
    str
        The MathML, with the LaTeX kept in ``alttext`` for assistive tools.

    Raises
    ------
    ValueError
        If Temml cannot read the LaTeX (an unknown command, an unbalanced
        brace); the message quotes Temml's reason.

    Examples
    --------
    >>> latex_to_mathml("x^2", display=False)
    '<math alttext="x^2"><msup><mi>x</mi><mn class="tml-sml-pad">2</mn></msup></math>'
    """
    import quickjs

    try:
        mathml = _temml()(latex.strip(), display)
    except quickjs.JSException as error:
        # The first line is Temml's reason ("Undefined control sequence: \\foo at
        # position 1:"); the rest is the JavaScript stack.
        reason = str(error).removeprefix("ParseError: ").split("\n")[0].strip()
        raise ValueError(
            f"cannot convert the LaTeX {latex.strip()!r}: {reason}"
        ) from None
    # Temml draws \\bar with U+203E OVERLINE, which Latin Modern Math (the
    # site's maths font) lacks; U+00AF MACRON is the same accent in the font.
    mathml = mathml.replace("\u203e</mo>", "\u00af</mo>")
    alt = html.escape(latex.strip(), quote=True)
    return mathml.replace("<math", f'<math alttext="{alt}"', 1)


def _converted(translator: HTML5Translator, node: nodes.Element, display: bool) -> str:
    try:
        return latex_to_mathml(node.astext(), display=display)
    except ValueError as error:
        LOGGER.warning("%s", error, location=node, type="bookbuild", subtype="math")
        return f"<code>{translator.encode(node.astext())}</code>"


def visit_inline(translator: HTML5Translator, node: nodes.math) -> None:
    """Write inline maths as MathML."""
    translator.body.append(
        translator.starttag(node, "span", "", CLASS="math notranslate")
    )
    translator.body.append(_converted(translator, node, display=False) + "</span>")
    raise nodes.SkipNode


def visit_block(translator: HTML5Translator, node: nodes.math_block) -> None:
    """Write displayed maths as MathML, with its equation number and permalink."""
    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate"))
    if node.get("number"):
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    translator.body.append(_converted(translator, node, display=True) + "</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    """Register the ``mathml`` renderer for ``html_math_renderer``."""
    app.add_html_math_renderer("mathml", (visit_inline, None), (visit_block, None))

"""Render the book's maths as MathML when the site is built.

Browsers display MathML natively, so pages need no MathJax: no script to
download, no flash of raw LaTeX, and maths that works offline. LaTeX is
converted by the pure-Python ``latex2mathml``; a formula it cannot convert
is reported as a build warning (an error under ``-W``) at the formula's page
and line, with the LaTeX it could not read.

Enabled in ``conf.py`` by ``html_math_renderer = "mathml"`` (registered by the
``bookbuild`` extension).
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

LOGGER = logging.getLogger(__name__)


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
        If the LaTeX cannot be converted.

    Examples
    --------
    >>> latex_to_mathml("x^2", display=False)[:64]
    '<math alttext="x^2" xmlns="http://www.w3.org/1998/Math/MathML" d'
    """
    # Imported here: a rebuild that writes no page with maths never needs it.
    from latex2mathml.converter import convert

    try:
        mathml = convert(latex.strip(), display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many kinds
        raise ValueError(
            f"cannot convert the LaTeX {latex.strip()!r}: {error}"
        ) from None
    alt = html.escape(latex.strip(), quote=True)
    return mathml.replace("<math ", f'<math alttext="{alt}" ', 1)


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

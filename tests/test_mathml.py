"""bookbuild.mathml: LaTeX to MathML Core at build time, with Temml."""

from __future__ import annotations

import pytest

from bookbuild.mathml import latex_to_mathml

pytestmark = pytest.mark.tooling


def test_underbrace_sum_limits_and_big_delimiters_become_mathml_core():
    mathml = latex_to_mathml(
        r"\sum_{i=1}^{n} \underbrace{a_i}_{\text{term}} \big(x\big)", display=True
    )
    assert mathml.startswith('<math alttext="\\sum_{i=1}^{n}')
    assert 'display="block"' in mathml
    assert "<munderover>" in mathml  # limits below and above the sum
    assert "\u23df" in mathml  # the bottom curly bracket, stretched by the font
    assert mathml.count('minsize="1.2em"') == 2  # both \big delimiters kept


def test_an_unknown_command_is_an_error_that_names_it():
    with pytest.raises(
        ValueError, match=r"cannot convert the LaTeX '\\\\frob x'.*frob"
    ):
        latex_to_mathml(r"\frob x", display=False)


def test_bar_uses_the_macron_that_the_maths_font_has():
    assert "\u00af</mo>" in latex_to_mathml(r"\bar{h}", display=False)
    assert "\u203e" not in latex_to_mathml(r"\bar{h}", display=False)

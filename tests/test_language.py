"""The Chinese edition's figures, interactive figures and display texts.

``nnbasics.language`` translates every word the package shows; these tests
check the catalogue against the code, build every output the chapters show
in Chinese and look for English words and missing glyphs in it, and check
the cut CJK font (``nnbasics.plotting.cjk_font``). That English output did
not change is checked by the other tests, which compare figures with what
they were.
"""

from __future__ import annotations

import ast
import logging
import re
import string
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure
from matplotlib.text import Text

import nnbasics
from nnbasics.examples import guess_the_number as gtn
from nnbasics.interactive.widget import Widget
from nnbasics.language import (
    LANGUAGES,
    catalogue,
    current_language,
    in_language,
    tr,
    use_language,
)
from nnbasics.plotting import cjk_font
from tests.language_figures import MATHS, chapter_outputs, english_words

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "code" / "nnbasics"
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)
CELL_OPTIONS = re.compile(r"\A(?:---\n.*?\n---\n|(?::[\w-]+:[^\n]*\n)+)", re.S)


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = current_language()
    yield
    use_language(before)


def _marked_keys() -> tuple[set[tuple[str | None, str]], list[str]]:
    """Return the keys the package passes to tr()/translatable() as literals.

    Also return where a call to translatable() has no literal (which the
    catalogue check could not see).
    """
    keys, unmarked = set(), []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "translatable")
            ):
                continue
            context = next(
                (k.value.value for k in node.keywords if k.arg == "context"), None
            )
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add((context, first.value))
            elif node.func.id == "translatable":
                unmarked.append(f"{path.name}:{node.lineno}")
    return keys, unmarked


def _chapter_strings() -> set[str]:
    """Return the string literals of every chapter's code cells (``book/*.md``).

    A chapter passes its labels to figures as literals; the package shows
    them with ``tr_label``, so their catalogue entries are in use.
    """
    strings = set()
    for chapter in sorted((REPO / "book").glob("*.md")):
        for cell in CODE_CELL.findall(chapter.read_text(encoding="utf-8")):
            tree = ast.parse(CELL_OPTIONS.sub("", cell), filename=chapter.name)
            strings |= {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            }
    return strings


def _fields(text: str) -> set[tuple[str, str]]:
    return {
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    }


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    keys, unmarked = _marked_keys()
    assert not unmarked, f"translatable() needs a literal string: {unmarked}"
    assert len(keys) > 100  # the scan found the package's calls
    missing = sorted(keys - catalogue("zh_CN").keys(), key=str)
    assert not missing, (
        f"add these to code/nnbasics/locale/zh_CN.toml (context, English): {missing}"
    )


def test_no_catalogue_entry_is_stale() -> None:
    keys, _ = _marked_keys()
    chapter_labels = {(None, text) for text in _chapter_strings()}
    assert (None, "before training") in chapter_labels  # the scan reads the cells
    stale = sorted(catalogue("zh_CN").keys() - keys - chapter_labels, key=str)
    assert not stale, f"no code uses these entries of zh_CN.toml: {stale}"


@pytest.mark.parametrize("entry", sorted(catalogue("zh_CN").items(), key=str), ids=str)
def test_a_translation_keeps_the_fields_and_the_maths(
    entry: tuple[tuple[str | None, str], str],
) -> None:
    (_, english), chinese = entry
    assert _fields(chinese) == _fields(english)
    assert MATHS.findall(chinese) == MATHS.findall(english)
    assert chinese.strip(), "an empty translation"


def test_an_unknown_language_is_refused_and_english_comes_back() -> None:
    with pytest.raises(ValueError, match=r"'fr'.*'en', 'zh_CN'"):
        use_language("fr")
    assert LANGUAGES == ("en", "zh_CN")
    use_language("zh_CN")
    assert current_language() == "zh_CN"
    assert tr("loss") == "损失"
    use_language("en")
    assert current_language() == "en"
    assert tr("loss") == "loss"
    assert tr("a text nobody translated") == "a text nobody translated"


def test_a_missing_translation_names_the_key_and_the_file() -> None:
    use_language("zh_CN")
    with pytest.raises(KeyError, match=r"a text nobody translated.*zh_CN\.toml"):
        tr("a text nobody translated")
    with pytest.raises(KeyError, match=r"\[nowhere\]"):
        tr("loss", context="nowhere")


def test_format_strings_are_translated_before_formatting() -> None:
    use_language("zh_CN")
    text = tr("learning rate {rate:g}: {verdict}")
    chinese = "学习率 0.1\uff1a发散"  # with a full-width colon
    assert text.format(rate=0.1, verdict=tr("diverges")) == chinese


def test_what_the_chapters_glue_or_assert_on_stays_the_same() -> None:
    """Words the chapters compare must not change with the language."""
    with in_language("zh_CN"):
        game = gtn.replay(gtn.ORIGINAL_GUESSES, secret=gtn.SECRET, feedback=gtn.fuzzy)
        assert game.replies == gtn.ORIGINAL_REPLIES
        assert game.moves[0].reply.text == "小得多"
        table = gtn.compare_strategies(first_guess=25)
        assert table["direction only"].worst == 6
        assert gtn.STRATEGIES[0].name == "direction only"
    assert current_language() == "en"


def _markup_texts(markup: str) -> list[str]:
    """Every text a reader of SVG or HTML sees or hears: content, labels, title."""
    root = ET.fromstring(markup)
    texts = [
        text
        for element in root.iter()
        if not element.tag.endswith("style")  # CSS, not words
        for text in (element.text, element.tail)
        if text
    ]
    texts += [
        element.get(name, "")
        for element in root.iter()
        for name in ("aria-label", "aria-valuetext")
    ]
    return texts


def _widget_texts(widget: Widget) -> list[str]:
    texts = _markup_texts(widget.svg())
    for control in widget.controls:
        texts += [control.label, *control.values]
    textual = [
        k for k, (_, attribute) in enumerate(widget.config()["parts"])
        if attribute == "text"
    ]  # fmt: skip
    for frames in widget.frames:
        for frame in frames if isinstance(frames[0], list) else [frames]:
            texts += [frame[0], *(frame[k + 1] for k in textual)]
    return texts


def _drawn_texts(output: object) -> list[str]:
    if isinstance(output, Figure):
        output.to_svg()  # draw, so that tick labels exist
        return [text.get_text() for text in output.findobj(Text) if text.get_visible()]
    if isinstance(output, Widget):
        return _widget_texts(output)
    assert isinstance(output, str)
    return _markup_texts(output) if output.startswith("<") else [output]


@pytest.mark.slow  # draws every figure of the chapters: seconds in all
@pytest.mark.parametrize("name", sorted(chapter_outputs()))
def test_a_chinese_output_holds_no_english_word_and_no_missing_glyph(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    use_language("zh_CN")
    with (
        caplog.at_level(logging.WARNING, logger="matplotlib"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)"
        texts = _drawn_texts(chapter_outputs()[name]())
    # matplotlib logs, rather than warns, a glyph missing in maths text
    # and a font it cannot find
    font_log = [r.getMessage() for r in caplog.records if r.name.startswith("matp")]
    assert not font_log
    assert any(re.search("[\u4e00-\u9fff]", text) for text in texts)
    english = {text: english_words(text) for text in texts if english_words(text)}
    assert not english, f"English words in the Chinese {name}: {english}"


def test_a_missing_glyph_is_caught(caplog: pytest.LogCaptureFixture) -> None:
    """The check above sees a character the cut font lacks (a rare one here)."""
    use_language("zh_CN")
    figure = nnbasics.plotting.style.new_figure()
    figure.axes[0].set_title("龘")
    with pytest.warns(UserWarning, match="Glyph"):
        figure.to_svg()


def test_english_figures_take_no_cjk_font() -> None:
    from nnbasics.plotting.style import language_rc

    assert language_rc() == {}
    use_language("zh_CN")
    assert language_rc()["font.family"][-1] == cjk_font.FAMILY


@pytest.mark.slow  # cuts the CJK font afresh: seconds each
def test_the_cut_font_holds_every_catalogue_character_at_weight_400(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Path(matplotlib.get_cachedir()) in cjk_font.cjk_font_paths()[400].parents
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    paths = cjk_font.cjk_font_paths()  # built afresh, by the code as it is now
    characters = cjk_font.catalogue_characters()
    assert "损" in characters
    assert "\uff0c" in characters  # a full-width comma
    assert "a" not in characters
    for weight, path in paths.items():
        font = TTFont(path)
        cmap = font.getBestCmap()
        lacking = [c for c in characters + cjk_font.LATIN if ord(c) not in cmap]
        assert not lacking, f"the {weight} font lacks {lacking}"
        assert "fvar" not in font  # fixed, not variable: matplotlib draws this weight
        assert font["OS/2"].usWeightClass == weight
        assert font["name"].getDebugName(1) == cjk_font.FAMILY
    assert sorted(paths) == [400, 700]


@pytest.mark.slow  # cuts the CJK font afresh: seconds each
def test_the_cut_font_is_rebuilt_only_when_the_characters_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    subsets = []
    real_subset = cjk_font._subset

    def counting_subset(source: Path, chars: str) -> bytes:
        subsets.append(chars)
        return real_subset(source, chars)

    monkeypatch.setattr(cjk_font, "_subset", counting_subset)
    first = cjk_font.cjk_font_paths("损失")
    stamps = {path: path.stat().st_mtime_ns for path in first.values()}
    again = cjk_font.cjk_font_paths("失损")  # the same set, in another order
    assert again == first
    assert len(subsets) == 1
    assert {path: path.stat().st_mtime_ns for path in again.values()} == stamps
    other = cjk_font.cjk_font_paths("损失梯")
    assert len(subsets) == 2
    assert set(other.values()).isdisjoint(first.values())
    assert ord("梯") in TTFont(other[400]).getBestCmap()
    assert ord("梯") not in TTFont(first[400]).getBestCmap()
    assert not list(tmp_path.glob("*.part"))  # no temporary file left behind

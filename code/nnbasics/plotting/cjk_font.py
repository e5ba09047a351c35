"""A Chinese font for the figures: Noto Sans CJK SC, cut to the catalogue's characters.

The book's figures set Latin text in matplotlib's default font, which has no
Chinese characters; the Chinese edition's figures fall back to this font for
them (:func:`nnbasics.plotting.style.book_style`). The font is Noto Sans CJK
(SIL Open Font License 1.1) from the PyPI package ``manimgx-fonts-cjk``: a
*variable* font collection whose face 2 is "Noto Sans CJK SC". matplotlib
draws a variable font's default instance, which for this font is Thin
(weight 100), and fixing the whole face at Regular (weight 400) with
fontTools takes minutes. So :func:`cjk_font_path` first keeps only the
characters that the Chinese catalogue (``nnbasics/locale/zh_CN.toml``)
uses, a few hundred glyphs, and then fixes that small font at weight 400,
which takes seconds. Regular (400) and Bold (700) are both cut, from
the same subset.

The result is cached in matplotlib's cache folder under a name made from a
hash of the character set, the size of the source font and the fontTools
version: a new word in the catalogue makes a new font, anything else reuses
the file. It is written to a temporary file and renamed, so that two
kernels building it at the same time never read half a font. The figures'
SVG holds text as paths, so readers need no font at all.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import fontTools
import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer
from matplotlib import font_manager

from nnbasics.language import catalogue

FAMILY = "nnbasics CJK SC"
"""The family name the cut font is registered under (its own name, not the
original's: the font is modified, and its licence reserves the name Source)."""

FACE = 2
"""Index of Noto Sans CJK SC (Simplified Chinese) in the font collection."""

WEIGHTS = {400: "Regular", 700: "Bold"}
"""The weights the variable font is fixed at, with their style names: the
figures' text is Regular, the boxes' titles of some diagrams Bold."""

LATIN = "".join(chr(code) for code in range(0x20, 0x7F))
"""Printable ASCII, kept too: matplotlib's maths text sets the words around
``$...$`` in one font (the first of ``font.family``), so a Chinese label with
maths in it is set wholly in this font (:func:`nnbasics.plotting.style.book_style`)."""


def source_font() -> Path:
    """Return the path of the Noto Sans CJK collection installed from PyPI.

    Raises
    ------
    ModuleNotFoundError
        If the font's package is not installed, naming how to install it.
    """
    try:
        package = resources.files("manimgx_fonts_cjk")
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "Chinese figures need the Noto Sans CJK font: install it with "
            "pip install 'nnbasics[zh]' (the package manimgx-fonts-cjk)",
            name="manimgx_fonts_cjk",
        ) from error
    return Path(str(package / "NotoSansCJK-VF.otf.ttc"))


def needs_cjk(character: str) -> bool:
    r"""Whether a character is CJK: an ideograph, a CJK or a full-width symbol.

    Examples
    --------
    >>> needs_cjk("损"), needs_cjk("\uff0c"), needs_cjk("a"), needs_cjk("−")
    (True, True, False, False)
    """
    return ord(character) >= 0x2E80


def catalogue_characters(language: str = "zh_CN") -> str:
    """Return the CJK characters of every value of a catalogue, sorted, once each."""
    values = "".join(catalogue(language).values())
    return "".join(sorted({c for c in values if needs_cjk(c)}))


def cjk_font_paths(characters: str | None = None) -> dict[int, Path]:
    """Return the cut fonts for ``characters``, building them if not cached.

    Parameters
    ----------
    characters : str, optional
        The characters the fonts must hold besides :data:`LATIN`; default
        those of the Chinese catalogue (:func:`catalogue_characters`).

    Returns
    -------
    dict of int to pathlib.Path
        For each weight of :data:`WEIGHTS`, an OpenType font in
        ``matplotlib.get_cachedir()`` of family :data:`FAMILY`. The file
        name holds a hash of the characters, the size of the source font
        and the fontTools version: any of them changing makes new files.
    """
    if characters is None:
        characters = catalogue_characters()
    chars = "".join(sorted(set(characters + LATIN)))
    source = source_font()
    key = f"{chars}\n{source.stat().st_size}\n{fontTools.version}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = Path(matplotlib.get_cachedir())
    paths = {w: folder / f"nnbasics-cjk-sc-{w}-{digest}.otf" for w in WEIGHTS}
    missing = [weight for weight, path in paths.items() if not path.exists()]
    if missing:
        subset_font = _subset(source, chars)
        for weight in missing:
            _write(_instance(subset_font, weight), paths[weight])
    return paths


def _subset(source: Path, chars: str) -> bytes:
    """Keep only ``chars`` of face :data:`FACE` (still variable), as font bytes."""
    font = TTFont(source, fontNumber=FACE)
    options = subset.Options()
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _instance(subset_font: bytes, weight: int) -> TTFont:
    """Fix the subset at ``weight`` and give it the names of :data:`FAMILY`."""
    font = instancer.instantiateVariableFont(
        TTFont(io.BytesIO(subset_font)), {"wght": weight}
    )
    font["OS/2"].usWeightClass = weight
    style = WEIGHTS[weight]
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName(style, 2, 3, 1, 0x409)
    names.setName(f"{FAMILY} {style}: cut from Noto Sans CJK SC", 3, 3, 1, 0x409)
    names.setName(f"{FAMILY} {style}", 4, 3, 1, 0x409)
    names.setName(f"{FAMILY.replace(' ', '')}-{style}", 6, 3, 1, 0x409)
    return font


def _write(font: TTFont, path: Path) -> None:
    """Save ``font`` to ``path`` atomically: another process never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".otf.part")
    os.close(handle)
    try:
        font.save(temporary)
        os.chmod(temporary, 0o644)  # like any cache file (mkstemp makes it 0600)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


@cache
def register_cjk_font() -> str:
    """Build (or reuse) the cut fonts, add them to matplotlib, return the family.

    Runs once per process; later calls return at once.
    """
    for path in cjk_font_paths().values():
        font_manager.fontManager.addfont(str(path))
    return FAMILY

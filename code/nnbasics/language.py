"""The language of every word the package draws or writes for display.

The book has an English and a Chinese edition, built from the same chapters:
the Chinese build calls :func:`use_language` once before any chapter code
runs, and from then on figures, interactive figures and the texts that
chapters print come out in Chinese. Numbers never change with the language.

Translations work like gettext: the English text is the key, and
:func:`tr` looks it up in the current language's catalogue,
``nnbasics/locale/<language>.toml`` (English key = translated value). Format
strings are translated before they are formatted, so that a translation may
put the fields in another order::

    tr("learning rate {rate:g}: {verdict}").format(rate=0.1, verdict=...)

A key missing from a catalogue is an error, not a silent fallback to
English: a Chinese figure with an English word in it fails the build.
Exception messages (errors for bad input) stay English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources

LANGUAGES = ("en", "zh_CN")
"""The languages the package speaks; English is the default."""

_current = "en"


def use_language(language: str) -> None:
    """Choose the language of every word the package shows from now on.

    Parameters
    ----------
    language : str
        One of :data:`LANGUAGES`.

    Raises
    ------
    ValueError
        If the language is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> use_language("zh_CN")
    >>> tr("loss")
    '损失'
    >>> use_language("en")
    >>> tr("loss")
    'loss'
    """
    global _current
    if language not in LANGUAGES:
        known = ", ".join(repr(name) for name in LANGUAGES)
        raise ValueError(
            f"unknown language {language!r}: use one of {known} (a new language "
            "needs a catalogue nnbasics/locale/<language>.toml)"
        )
    if language != "en":
        catalogue(language)  # a broken catalogue fails here, not mid-figure
    _current = language


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Use ``language`` inside a ``with`` block, then go back to the one before.

    Examples
    --------
    >>> with in_language("zh_CN"):
    ...     tr("loss")
    '损失'
    >>> current_language()
    'en'
    """
    before = _current
    use_language(language)
    try:
        yield
    finally:
        use_language(before)


def current_language() -> str:
    """Return the language chosen with :func:`use_language` (``"en"`` at first)."""
    return _current


def catalogue_path(language: str) -> str:
    """Return the path of a language's catalogue, relative to the repository."""
    return f"code/nnbasics/locale/{language}.toml"


@cache
def catalogue(language: str) -> dict[tuple[str | None, str], str]:
    """Return the catalogue of ``language``: (context, English) to translation.

    Read once per process from ``nnbasics/locale/<language>.toml``. Entries
    at the top of the file have the context ``None``; an English text that
    needs two translations (``"right"``: a direction, or a correct guess)
    has one in a table named after its context (``[guess]``).

    Raises
    ------
    ValueError
        If a value of the catalogue is neither a string nor a table of strings.
    """
    source = resources.files("nnbasics") / "locale" / f"{language}.toml"
    entries: dict[tuple[str | None, str], str] = {}
    for key, value in tomllib.loads(source.read_text(encoding="utf-8")).items():
        if isinstance(value, dict):
            for english, text in value.items():
                entries[key, english] = _checked(language, f"[{key}] {english}", text)
        else:
            entries[None, key] = _checked(language, key, value)
    return entries


def _checked(language: str, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"{catalogue_path(language)}: the entry {key!r} must be a string, "
            f"got {type(value).__name__}; quote it"
        )
    return value


def tr(english: str, context: str | None = None) -> str:
    """Return ``english`` in the current language.

    Parameters
    ----------
    english : str
        The English text, which is also the key of the catalogue. A format
        string is translated first and formatted after.
    context : str, optional
        For an English text with two meanings: the name of the catalogue
        table that holds this meaning's translation.

    Returns
    -------
    str
        ``english`` itself in English, else the catalogue's translation.

    Raises
    ------
    KeyError
        In a language other than English, if the catalogue has no entry for
        ``english``; the message names the key and the file to add it to.

    Examples
    --------
    >>> tr("step {step}").format(step=3)
    'step 3'
    >>> tr("right", context="guess")
    'right'
    """
    if _current == "en":
        return english
    try:
        return catalogue(_current)[context, english]
    except KeyError:
        where = "" if context is None else f" in its table [{context}]"
        raise KeyError(
            f"no {_current} translation of {english!r}: add the line "
            f'{_toml_key(english)} = "..."{where} to {catalogue_path(_current)}'
        ) from None


def tr_label(label: str) -> str:
    """Return a label someone passed in, translated if the catalogue knows it.

    For the words a caller gives a figure or a table (a panel's title, a
    curve's or a strategy's name): the catalogue's translation where it has
    one, else the label as given, so that a reader's own label shows as
    written, in any language. The chapters' labels are in the catalogue; that
    none is left in English on a Chinese page is checked on the built site
    (``tests/test_i18n.py``), not here.

    Examples
    --------
    >>> with in_language("zh_CN"):
    ...     tr_label("before training"), tr_label("my run"), tr_label("$w_1$")
    ('训练前', 'my run', '$w_1$')
    """
    if _current == "en":
        return label
    return catalogue(_current).get((None, label), label)


def translatable(english: str) -> str:
    """Return ``english`` unchanged, marking it as a key of the catalogues.

    For texts stored as data (a strategy's name, a word of a fuzzy reply)
    and translated later, when they are shown, by ``tr(variable)``: the
    mark lets the catalogue check (``tests/test_language.py``) find them.

    Examples
    --------
    >>> translatable("far")
    'far'
    """
    return english


def _toml_key(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'

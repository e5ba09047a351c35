"""Stylesheets, trimmed: without Font Awesome, and without unused rules.

tinycss2 (a maintained parser of CSS Syntax Level 3) reads the stylesheets;
this module only decides which rules stay, and writes the rest back as the
parser read them.

* :func:`without_font_awesome` drops Font Awesome's rules from the theme's
  stylesheet (a third of it): :mod:`bookbuild.assets` draws the icons as
  inline SVG instead.
* :func:`without_unused_rules` drops every selector that names a class or id
  that no page and no script of the site contains, as PurgeCSS does: classes
  that scripts add (``show``, ``active``...) appear in the scripts, so their
  rules stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Set
from typing import Any

import tinycss2

GROUPING_RULES = frozenset({"media", "supports", "container", "layer"})
"""At-rules whose block holds rules: they are trimmed inside, and go when emptied."""

FA_CLASS = re.compile(r"^(fa|fas|far|fab|fa-[a-z0-9-]+|svg-inline--fa)$")
_WORD = re.compile(r"[A-Za-z0-9_-]+")
_MENTIONED = re.compile(r"[.#]([\w-]+)")

Tokens = list[Any]


def words_in(texts: Iterable[str]) -> set[str]:
    """Every word (run of letters, digits, ``_`` and ``-``) in ``texts``."""
    words: set[str] = set()
    for text in texts:
        words.update(_WORD.findall(text))
    return words


def names(tokens: Tokens, *, nested: bool) -> set[str]:
    """Return the classes and ids a selector names.

    With ``nested``, also those inside ``:not()``, ``:is()`` and ``[...]``.

    >>> selector = tinycss2.parse_component_value_list(".a:not(.b)#c")
    >>> sorted(names(selector, nested=False)), sorted(names(selector, nested=True))
    (['a', 'c'], ['a', 'b', 'c'])
    """
    found, previous = set(), None
    for token in tokens:
        if (token.type == "ident" and previous == ".") or (
            token.type == "hash" and token.is_identifier
        ):
            found.add(token.value)
        elif nested and token.type in {"function", "[] block", "() block"}:
            found |= names(
                token.arguments if token.type == "function" else token.content,
                nested=True,
            )
        previous = token.value if token.type == "literal" else None
    return found


def selectors(prelude: Tokens) -> list[Tokens]:
    """Split a selector list at its top-level commas (not those in ``:is(a, b)``)."""
    parts: list[Tokens] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _trim(
    css: str | Tokens,
    drop_rule: Callable[[Any], bool],
    keep_selector: Callable[[Tokens], bool],
) -> str:
    """Return ``css`` without the rules and selectors that the two tests reject.

    Emptied rules and grouping at-rules go, and so does the source-map comment
    (the result no longer maps).
    """
    out = []
    for rule in tinycss2.parse_stylesheet(
        css, skip_comments=False, skip_whitespace=True
    ):
        if rule.type == "error":
            raise ValueError(f"the stylesheet does not parse: {rule.message}")
        if drop_rule(rule):
            continue
        if rule.type == "comment":
            if not rule.value.startswith("# sourceMappingURL"):
                out.append(f"/*{rule.value}*/\n")
        elif rule.type == "qualified-rule":
            kept = [sel for sel in selectors(rule.prelude) if keep_selector(sel)]
            if kept:
                prelude = ",".join(tinycss2.serialize(sel).strip() for sel in kept)
                out.append(f"{prelude}{{{tinycss2.serialize(rule.content)}}}")
        elif rule.lower_at_keyword in GROUPING_RULES and rule.content is not None:
            if inner := _trim(rule.content, drop_rule, keep_selector):
                prelude = tinycss2.serialize(rule.prelude).rstrip()
                out.append(f"@{rule.at_keyword}{prelude}{{{inner}}}")
        else:
            out.append(rule.serialize())
    return "".join(out)


def _is_font_awesome(rule: Any) -> bool:
    """Whether a whole rule is Font Awesome's (its fonts, animations, variables)."""
    if rule.type == "comment":
        return "Font Awesome" in rule.value
    if rule.type == "at-rule":
        prelude = tinycss2.serialize(rule.prelude).strip()
        if rule.lower_at_keyword == "keyframes":
            return prelude.startswith("fa-")
        return rule.lower_at_keyword == "font-face" and "Font Awesome" in (
            tinycss2.serialize(rule.content or [])
        )
    scopes = {tinycss2.serialize(sel).strip() for sel in selectors(rule.prelude)}
    if scopes <= {":root", ":host"}:
        text = tinycss2.serialize(rule.content)
        variables = re.findall(r"(--[\w-]+)\s*:", text)
        return bool(variables) and all(v.startswith("--fa") for v in variables)
    return False


def _names_more_than_font_awesome(selector: Tokens) -> bool:
    classes = names(selector, nested=True)
    return not classes or not all(FA_CLASS.match(c) for c in classes)


def without_font_awesome(css: str) -> str:
    """Return the stylesheet without its Font Awesome rules (nested ones too).

    A selector goes when every class it names is one of Font Awesome's; so do
    the ``@font-face`` and ``@keyframes fa-*`` rules, ``:root`` blocks of
    ``--fa`` variables, and at-rules left empty. The theme's own selectors
    that name an icon class among others stay.

    >>> without_font_awesome(".fa,.btn{color:red}@keyframes fa-spin{to{x:y}}")
    '.btn{color:red}'
    """
    return _trim(css, _is_font_awesome, _names_more_than_font_awesome)


def may_match(selector: Tokens, used: Set[str]) -> bool:
    r"""Whether ``selector`` can match: every class and id it requires is ``used``.

    Names inside attribute selectors and functional pseudo-classes
    (``:not(.x)``, ``:is(.a, .b)``, ``:has(.y)``) are not required. A selector
    with an escape (``.sm\:flex``) is kept unexamined, so that every name the
    purge looks up is written plainly in the stylesheet (:func:`mentioned`).
    """
    if "\\" in tinycss2.serialize(selector):
        return True
    return names(selector, nested=False) <= used


def mentioned(css: str) -> set[str]:
    """Return every ``.name`` and ``#name`` written in ``css``, without parsing it.

    They are a superset of the names that :func:`without_unused_rules` looks
    up: two sets of used words that agree on these give the same purged stylesheet.

    >>> sorted(mentioned(".a:not(.b)>#c{color:#fff;width:.5em}"))
    ['5em', 'a', 'b', 'c', 'fff']
    """
    return set(_MENTIONED.findall(css))


def without_unused_rules(css: str, used: Set[str]) -> str:
    """Return the stylesheet without the selectors that name an unused class or id.

    Parameters
    ----------
    css
        The stylesheet.
    used
        The words of the site's pages and scripts (:func:`words_in`).

    A selector goes when a class or id it requires is not in ``used``; a rule
    goes with its last selector, and ``@media``-like blocks when emptied.
    Other at-rules (``@font-face``, ``@keyframes``...), comments and
    element-only selectors stay.

    Examples
    --------
    >>> without_unused_rules(".a,.b{color:red}.c{color:blue}", {"a"})
    '.a{color:red}'
    """
    return _trim(css, lambda rule: False, lambda selector: may_match(selector, used))

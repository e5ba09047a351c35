"""The theme's icons as inline SVG, drawn by one small stylesheet.

pydata-sphinx-theme draws its icons with Font Awesome: a 1.5 MB script
(``fontawesome.js``, 540 kB compressed), web fonts of 110-115 kB each that an
icon class or an admonition title makes the browser fetch, and a third of the
theme's stylesheet, for the twenty-odd icons the pages show.
:mod:`bookbuild.assets` drops the script, the fonts and (with
:func:`bookbuild.css.without_font_awesome`) their rules; the icons are drawn
instead by ``_static/bookbuild-assets.css`` (:func:`stylesheet`), from the SVG
files in ``bookbuild/icons/`` (Font Awesome Free, CC BY 4.0): each as a CSS
mask in the text's colour, or, for a coloured logo (an SVG with ``fill`` or
``stroke`` colours of its own), as a background image. To show a new icon, add
``<name>.svg`` (its class is ``fa-<name>``); the tests fail for an icon class
in the HTML that no SVG covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

ICON_DIR = Path(__file__).with_name("icons")
STYLESHEET = "bookbuild-assets.css"

ALIASES = {"pencil-alt": "pencil"}
"""Icon classes the theme uses that Font Awesome names differently today."""

STYLE_CLASSES = ("fa", "fas", "far", "fab", "fa-solid", "fa-regular", "fa-brands")
"""Font Awesome's style classes: each draws a font glyph in ``::before``."""

THEME_ICON_VARIABLES = (
    "angle-left",
    "angle-right",
    "bell",
    "check-circle",
    "download",
    "exclamation-circle",
    "exclamation-triangle",
    "external-link",
    "github",
    "gitlab",
    "info-circle",
    "lightbulb",
    "pencil",
    "search-minus",
    "share",
    "times-circle",
)
"""pydata-sphinx-theme's ``--pst-icon-*`` glyph variables (emptied here)."""

ADMONITION_ICONS = {
    "": "bell",  # an admonition without a known type, e.g. an exercise
    "attention": "circle-exclamation",
    "caution": "triangle-exclamation",
    "warning": "triangle-exclamation",
    "danger": "triangle-exclamation",
    "error": "circle-xmark",
    "hint": "lightbulb",
    "tip": "lightbulb",
    "important": "circle-exclamation",
    "note": "circle-info",
    "seealso": "share",
    "admonition-todo": "pencil",
    "exercise": "pencil",  # sphinx-exercise's choice
}
"""The icon pydata-sphinx-theme shows in the title of each kind of admonition."""

PSEUDO_ICONS = {
    # the theme's other font icons: links out of the navigation, breadcrumbs,
    # "hide search matches", download links, version notes, repository links
    ".nav-link.nav-external::after": "up-right-from-square",
    "nav.bd-links li>a.reference.external::after": "up-right-from-square",
    "ul.bd-breadcrumbs li.breadcrumb-item:not(.breadcrumb-home)::before": (
        "angle-right"
    ),
    "div#searchbox p.highlight-link a::before": "magnifying-glass-minus",
    "a.reference.download::before": "download",
    "span.versionmodified::before": "circle-exclamation",
    "a.github::before": "github",
}
"""Pseudo-elements (the theme's own selectors) that show a font icon, and the icon."""

SVG_RULES = {
    # the current mode's icon is shown "inline", where a box needs inline-block
    ",".join(
        f"html[data-mode={m}] .theme-switch-button .theme-switch[data-mode={m}]"
        for m in ("auto", "dark", "light")
    ): "display:inline-block",
    # sphinx-book-theme: ".bd-header-article .btn svg"
    ".bd-header-article .btn {icon}": "width:1.3rem",
    # pydata-sphinx-theme: ".search-button-field>:not(svg)" hides all but the icon
    ".search-button-field>{icon}": "display:inline-block",
    "#pst-search-dialog[open] form.bd-search {icon}": (
        "font-size:var(--pst-font-size-icon)"
    ),
    "ul.navbar-icon-links {icon}": (
        "font-size:var(--pst-font-size-icon);vertical-align:middle"
    ),
    # rules for the font's <i> that never matched the <svg> (which had lost
    # the style class and was no <i>): the <svg>'s look is kept
    ".prev-next-area {icon}": "font-size:1em",
    ".bd-search {icon}.fa-magnifying-glass": "position:static",
}
"""The themes' rules for the ``<svg>`` of an icon, as rules for its element."""

NO_ICON = "linear-gradient(#0000,#0000)"
"""The mask of an icon class no SVG covers: nothing shows (the tests catch it)."""


def load_icons(folder: Path = ICON_DIR) -> dict[str, str]:
    """Return every ``<name>.svg`` of ``folder`` by name, on one line each."""
    return {
        path.stem: " ".join(path.read_text(encoding="utf-8").split())
        for path in sorted(folder.glob("*.svg"))
    }


def is_coloured(svg: str) -> bool:
    """Whether the SVG paints with its own colours (a logo) rather than the text's."""
    return bool(re.search(r'\b(fill|stroke)="#', svg))


def svg_url(svg: str) -> str:
    """Return a CSS ``url()`` of the SVG as a data URI (percent-encoded as needed)."""
    data = quote(svg.replace('"', "'"), safe=" /:=',.-;()")
    return f'url("data:image/svg+xml,{data}")'


def icon_class_names(icons: Iterable[str]) -> list[str]:
    """Every icon class the stylesheet covers, aliases included (``fa-...``)."""
    names = set(icons)
    names |= {alias for alias, name in ALIASES.items() if name in names}
    return sorted(f"fa-{name}" for name in names)


def stylesheet(icons: Mapping[str, str]) -> str:
    """Return the CSS that draws every icon of ``icons`` instead of Font Awesome.

    The same icons give the same bytes (the build stays reproducible).
    """
    missing = sorted(
        {*ADMONITION_ICONS.values(), *PSEUDO_ICONS.values(), *ALIASES.values()}
        - set(icons)
    )
    if missing:
        raise ValueError(f"no SVG in {ICON_DIR} for the icons {missing}")
    coloured = sorted(n for n, svg in icons.items() if is_coloured(svg))
    style_classes = ",".join(f".{c}" for c in STYLE_CLASSES)
    # an icon element: one of Font Awesome's style classes, or a coloured icon
    icon = f":is({','.join([style_classes, *(f'.fa-{n}' for n in coloured)])})"
    out = [
        "/* Generated by bookbuild.icon_stylesheet: the theme's icons as inline SVG",
        "   instead of Font Awesome's script and web fonts. Icons: Font Awesome Free",
        "   (https://fontawesome.com, CC BY 4.0), and the book's own. */",
        ":root{"
        + "".join(f"--bb-icon-{n}:{svg_url(svg)};" for n, svg in icons.items())
        + "".join(f'--pst-icon-{v}:"";' for v in THEME_ICON_VARIABLES)
        + '--pst-breadcrumb-divider:"";}',
        # no font glyphs: the browser then never downloads the icon fonts (an
        # empty text in the font is enough to make Chromium fetch it)
        f":is({style_classes})::before{{content:none}}",
        # an icon element: a box of the text's height (as Font Awesome's
        # <svg>), drawn by a mask in the text's colour or by its own image
        f"{icon}{{display:inline-block;font-family:inherit;height:1em;"
        "width:var(--fa-width,1.25em);"
        "vertical-align:-.125em;"
        f"-webkit-mask:var(--bb-icon,{NO_ICON}) center/contain no-repeat;"
        f"mask:var(--bb-icon,{NO_ICON}) center/contain no-repeat;"
        "background:var(--bb-image,currentColor) center/contain no-repeat}",
        # Font Awesome's size classes that the theme uses
        f"{icon}.fa-lg{{font-size:1.25em;vertical-align:-.2em}}",
        f"{icon}.fa-fw{{--fa-width:1.25em}}",
    ]
    for name in coloured:
        out.append(f".fa-{name}{{display:inline-block;-webkit-mask:none;mask:none}}")
    for class_name in icon_class_names(icons):
        name = _icon_of(class_name)
        variable = "--bb-image" if name in coloured else "--bb-icon"
        out.append(f".{class_name}{{{variable}:var(--bb-icon-{name})}}")
    # the themes' rules for the <svg> that fontawesome.js drew, for our boxes
    for selector, declarations in SVG_RULES.items():
        out.append(f"{selector.format(icon=icon)}{{{declarations}}}")
    # pseudo-elements the theme draws with the font
    out.append(
        ".admonition>.admonition-title::after,div.admonition>.admonition-title::after"
        # a glyph 1em high, centred in the title's line as the font's was
        '{content:"";font-family:inherit;box-sizing:content-box;height:1em;'
        "padding:calc((1lh - 1em)/2) 0;background-color:currentColor;"
        "-webkit-mask:var(--bb-admonition-icon) center/contain no-repeat content-box;"
        "mask:var(--bb-admonition-icon) center/contain no-repeat content-box}"
    )
    for kind, name in ADMONITION_ICONS.items():
        selector = f".{kind}" if kind else ""
        out.append(
            f".admonition{selector}>.admonition-title,"
            f"div.admonition{selector}>.admonition-title"
            f"{{--bb-admonition-icon:var(--bb-icon-{name})}}"
        )
    # sphinx-exercise sets the glyph of exercises with its own selector
    out.append('div.exercise p.admonition-title::after{content:""}')
    for selector, name in PSEUDO_ICONS.items():
        out.append(
            f'{selector}{{content:"";font-family:inherit;display:inline-block;'
            "width:1em;height:1em;"
            "vertical-align:-.125em;background-color:currentColor;"
            f"-webkit-mask:var(--bb-icon-{name}) center/contain no-repeat;"
            f"mask:var(--bb-icon-{name}) center/contain no-repeat}}"
        )
    # images keep their aspect ratio when CSS narrows them (width/height are set)
    out.append("img[width][height]{height:auto}")
    return "\n".join(out) + "\n"


def _icon_of(class_name: str) -> str:
    name = class_name.removeprefix("fa-")
    return ALIASES.get(name, name)

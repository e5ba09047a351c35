"""Check the Chinese edition's catalogues against the English sources.

Every message of the English pages must have a current translation: not
empty, not fuzzy, and carrying the same markup as its source, so that a
translated paragraph shows the same numbers, maths, code and links
(a ``{glue:text}`` role, ``$x^2$``, ```` `code` ````, a link's target or a
cross-reference's target may not be dropped, added or changed).

Usage::

    python tools/check_translations.py [--pot _build/gettext] [--locales locales]
        [--language zh_CN] [PAGE ...]

With ``--pot``, the messages are those of freshly extracted templates (the
drift check: ``make update-po`` makes them); without it, those already in the
catalogues. Prints one line per problem, naming page and message, and exits
with 1 if there is any.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")
CODE = re.compile(r"(?<![`}])``?([^`]+)``?")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")
TARGET = re.compile(r"<([^<>]+)>\s*$")

# The API pages' docstrings may stay English: only the messages of a page's
# own text (book/api*.md) must be translated there.
BOOK = Path(__file__).resolve().parents[1] / "book"
DOCSTRING_PAGES = {path.stem: path for path in sorted(BOOK.glob("api*.md"))}


@dataclass(frozen=True)
class Problem:
    """One message without a current, faithful translation."""

    page: str
    message: str
    what: str

    def __str__(self) -> str:
        short = self.message if len(self.message) <= 90 else self.message[:87] + "..."
        return f"{self.page}: {self.what}: {short!r}"


def markup(text: str) -> Counter[str]:
    """Return the parts of a message a translation must keep as they are."""
    found: Counter[str] = Counter()
    for role, content in ROLE.findall(text):
        target = TARGET.search(content)
        if target and not role.startswith("glue"):
            found[f"{{{role}}}<{target.group(1)}>"] += 1
        else:
            found[f"{{{role}}}`{content}`"] += 1
    rest = ROLE.sub(" ", text)
    found.update(f"math {m}" for m in MATH.findall(rest))
    rest = MATH.sub(" ", rest)
    found.update(f"code {m}" for m in CODE.findall(rest))
    found.update(f"link {m}" for m in LINK.findall(rest))
    return found


def _messages(path: Path) -> Iterator[tuple[str, str, bool]]:
    with path.open("rb") as stream:
        catalogue = read_po(stream)
    for message in catalogue:
        if message.id:
            yield message.id, message.string or "", message.fuzzy


@cache
def _flat_text(source: Path) -> str:
    """Return the page's source, whitespace collapsed (read once per run)."""
    return " ".join(source.read_text(encoding="utf-8").split())


def _wanted(page: str, msgid: str) -> bool:
    source = DOCSTRING_PAGES.get(page)
    if source is None:
        return True
    return " ".join(msgid.split()) in _flat_text(source)


def check_page(page: str, po: Path, pot: Path | None) -> tuple[list[Problem], int]:
    """Return the problems of one page's catalogue (against its template).

    Also return how many of its messages must be translated.
    """
    if not po.is_file():
        return [Problem(page, "", f"no catalogue {po}: run make update-po")], 0
    translated = {msgid: (text, fuzzy) for msgid, text, fuzzy in _messages(po)}
    ids = [m for m, _, _ in _messages(pot)] if pot else list(translated)
    wanted = [msgid for msgid in ids if _wanted(page, msgid)]
    problems = []
    for msgid in wanted:
        text, fuzzy = translated.get(msgid, ("", False))
        if msgid not in translated:
            problems.append(Problem(page, msgid, "not in the catalogue"))
        elif not text.strip():
            problems.append(Problem(page, msgid, "untranslated"))
        elif fuzzy:
            problems.append(Problem(page, msgid, "fuzzy (the English changed)"))
        elif markup(msgid) != markup(text):
            lost = markup(msgid) - markup(text)
            extra = markup(text) - markup(msgid)
            what = "markup differs:"
            if lost:
                what += f" missing {sorted(lost)}"
            if extra:
                what += f" extra {sorted(extra)}"
            problems.append(Problem(page, msgid, what))
    return problems, len(wanted)


INTERFACE = {"bookbuild", "booktheme", "sphinx"}
"""Catalogues of the site's interface, not of a page (tests/test_i18n.py)."""


def _pages(locales: Path, language: str, pot_dir: Path | None) -> list[str]:
    folder = locales / language / "LC_MESSAGES"
    source = pot_dir if pot_dir else folder
    names = (p.stem for p in source.glob("*.pot" if pot_dir else "*.po"))
    return sorted(n for n in names if n not in INTERFACE)


def check_counted(
    locales: Path, language: str, pot_dir: Path | None, pages: list[str]
) -> tuple[list[Problem], int, int]:
    """Return the problems of every catalogue of ``language``.

    Also return how many messages and pages were checked.
    """
    folder = locales / language / "LC_MESSAGES"
    pages = pages or _pages(locales, language, pot_dir)
    problems, total = [], 0
    for page in pages:
        pot = pot_dir / f"{page}.pot" if pot_dir else None
        found, wanted = check_page(page, folder / f"{page}.po", pot)
        problems += found
        total += wanted
    return problems, total, len(pages)


def check(
    locales: Path, language: str, pot_dir: Path | None, pages: list[str]
) -> list[Problem]:
    """Return the problems of every catalogue of ``language``."""
    return check_counted(locales, language, pot_dir, pages)[0]


def main(argv: list[str] | None = None) -> int:
    """Command line: print the problems, exit 1 if any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="page names (default: all)")
    parser.add_argument("--pot", type=Path, help="folder of freshly made .pot files")
    parser.add_argument("--locales", type=Path, default=Path("locales"))
    parser.add_argument("--language", default="zh_CN")
    args = parser.parse_args(argv)
    problems, total, pages = check_counted(
        args.locales, args.language, args.pot, args.pages
    )
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} of {total} message(s) without a current translation")
        return 1
    print(f"every message has a current translation ({total} in {pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

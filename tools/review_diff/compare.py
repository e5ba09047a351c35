"""What changed between two snapshots of the book, page by page.

Pages are matched by docname; figures by their label on the page (or their
rank among the page's unlabelled images); glued values by name; notebook
cells by a line-up of their sources (:class:`difflib.SequenceMatcher`), so an
inserted cell shows as one added cell, not as every later cell changed.
A figure is listed only if its pixels changed (:mod:`.images`); its old, new
and difference images are written to ``images/`` for the HTML report.
"""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from tools.review_diff import images
from tools.review_diff.collect import Figure, Glued, Page, Snapshot


@dataclass(frozen=True)
class GlueChange:
    """A glued value that changed, appeared or disappeared (None)."""

    name: str
    old: Glued | None
    new: Glued | None


@dataclass(frozen=True)
class FigureChange:
    """A figure whose pixels changed, or that appeared or disappeared.

    The image attributes name PNG files in the report's ``images/`` folder.
    """

    key: str
    old_image: str | None
    new_image: str | None
    diff_image: str | None
    pixels: images.PixelDiff | None


@dataclass
class PageChange:
    """Everything that changed on one page."""

    glued: list[GlueChange] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # a unified diff
    notebook: list[str] = field(default_factory=list)  # one line per changed cell

    def __bool__(self) -> bool:
        return bool(self.glued or self.figures or self.text or self.notebook)


@dataclass
class Diff:
    """What the change does to the book."""

    added: list[str]
    removed: list[str]
    failing: list[str]  # fails now, did not at the base
    still_failing: list[str]
    fixed: list[str]  # failed at the base, runs now
    new_warnings: list[str]
    gone_warnings: list[str]
    pages: dict[str, PageChange]

    def __bool__(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.failing
            or self.fixed
            or self.new_warnings
            or self.gone_warnings
            or self.pages
        )


def compare_glued(old: dict[str, Glued], new: dict[str, Glued]) -> list[GlueChange]:
    """Return the glued values that differ, by name."""
    return [
        GlueChange(name, old.get(name), new.get(name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]


def text_diff(old: list[str], new: list[str], page: str) -> list[str]:
    """Return a unified diff of a page's text lines (empty if equal)."""
    return list(
        difflib.unified_diff(
            old, new, fromfile=f"base/{page}", tofile=f"head/{page}", n=1, lineterm=""
        )
    )


def _first_line(text: str) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= 70 else line[:67] + "..."


def compare_cells(old: list[str], new: list[str], label: str) -> list[str]:
    """Return one line per added, removed or changed cell (numbered from 1)."""
    lines = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            lines.append(f"{label} {j1 + k + 1} changed: `{_first_line(new[j1 + k])}`")
        for k in range(i1 + paired, i2):
            lines.append(
                f"{label} {k + 1} of the base removed: `{_first_line(old[k])}`"
            )
        for k in range(j1 + paired, j2):
            lines.append(f"{label} {k + 1} added: `{_first_line(new[k])}`")
    return lines


def compare_outputs(
    old: list[tuple[str, str]], new: list[tuple[str, str]]
) -> list[str]:
    """Return the code cells whose source is unchanged but whose outputs differ."""
    lines = []
    matcher = difflib.SequenceMatcher(
        a=[s for s, _ in old], b=[s for s, _ in new], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            (source, before), (_, after) = old[block.a + k], new[block.b + k]
            if before != after:
                number = block.b + k + 1
                lines.append(
                    f"code cell {number} outputs changed: `{_first_line(source)}`"
                )
    return lines


def _file_name(page: str, key: str, which: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{page}--{key}--{which}") + ".png"


def compare_figures(
    old: list[Figure], new: list[Figure], page: str, out: Path, work: Path
) -> list[FigureChange]:
    """Return the figures of a page whose pixels changed, added or removed.

    Old, new and difference PNGs of each listed figure are written to ``out``;
    ``work`` holds the rasterised images of the unlisted ones.
    """
    before = {figure.key: figure for figure in old}
    after = {figure.key: figure for figure in new}
    changes = []
    for key in [f.key for f in new] + [f.key for f in old if f.key not in after]:
        if key in before and key in after:
            if before[key].path.read_bytes() == after[key].path.read_bytes():
                continue
            old_png = images.rasterise(
                before[key].path, work / _file_name(page, key, "old")
            )
            new_png = images.rasterise(
                after[key].path, work / _file_name(page, key, "new")
            )
            with Image.open(old_png) as a, Image.open(new_png) as b:
                pixels, mask = images.compare(a, b)
                if pixels.box is None:
                    continue
                diff = images.difference_image(a, mask, pixels.box)
            names = [_file_name(page, key, which) for which in ("old", "new", "diff")]
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(old_png, out / names[0])
            shutil.copyfile(new_png, out / names[1])
            diff.save(out / names[2], format="PNG", optimize=True)
            changes.append(FigureChange(key, *names, pixels))
        else:
            figure = after.get(key) or before[key]
            which = "new" if key in after else "old"
            name = _file_name(page, key, which)
            images.rasterise(figure.path, out / name)
            changes.append(
                FigureChange(
                    key,
                    name if which == "old" else None,
                    name if which == "new" else None,
                    None,
                    None,
                )
            )
    return changes


def compare_notebooks(old: Page, new: Page) -> list[str]:
    """Return the changed cells of the page's download and executed notebooks.

    A notebook that only one side has (the build writes none for a chapter
    that fails) is one line, not one line per cell.
    """
    if bool(old.notebook) != bool(new.notebook):
        side = "head" if old.notebook else "base"
        return [f"no notebook at the {side} (its build wrote none)"]
    lines = compare_cells(old.notebook, new.notebook, "cell")
    if bool(old.executed) == bool(new.executed):
        lines += compare_outputs(old.executed, new.executed)
    return lines


def compare_page(old: Page, new: Page, page: str, out: Path, work: Path) -> PageChange:
    """Return what changed on one page present in both builds."""
    return PageChange(
        glued=compare_glued(old.glued, new.glued),
        figures=compare_figures(old.figures, new.figures, page, out, work),
        text=text_diff(old.text, new.text, page),
        notebook=compare_notebooks(old, new),
    )


def compare(base: Snapshot, head: Snapshot, images_dir: Path, work: Path) -> Diff:
    """Return what changed from ``base`` to ``head``.

    Parameters
    ----------
    base, head : Snapshot
        The two builds.
    images_dir : Path
        Where the PNGs of the changed figures are written (emptied first).
    work : Path
        A scratch folder for the rasterised figures (emptied first).
    """
    for folder in (images_dir, work):
        shutil.rmtree(folder, ignore_errors=True)
    pages = {}
    for page in sorted(base.pages.keys() & head.pages.keys()):
        change = compare_page(
            base.pages[page], head.pages[page], page, images_dir, work
        )
        if change:
            pages[page] = change
    return Diff(
        added=sorted(head.pages.keys() - base.pages.keys()),
        removed=sorted(base.pages.keys() - head.pages.keys()),
        failing=sorted(head.failed - base.failed),
        still_failing=sorted(head.failed & base.failed),
        fixed=sorted(base.failed - head.failed),
        new_warnings=sorted(head.warnings - base.warnings),
        gone_warnings=sorted(base.warnings - head.warnings),
        pages=pages,
    )

"""tools/review_diff (make review-diff): what a change does to the book.

The build tests make real changes in a temporary repository holding the
working tree's ``conf.py``, ``book/`` and ``code/`` (committed on ``main``),
whose two review builds start from the session build's execution cache: the
unchanged tree is reviewed once, then one change is made of three parts, each
in a chapter of its own, and reviewed once (``changed``):

* ``nnbasics``: ``RING_WIDTH`` of ``examples/target_shooting.py``, which only
  the target-shooting chapter uses (through ``Target()``);
* a prose-only edit of ``opening.md``;
* a first code cell of ``layers.md`` that now raises.

The unit tests of the comparison and of the difference image are cheap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from jupyter_cache import get_cache
from PIL import Image, ImageDraw
from tools.review_diff import build, cli, images, report
from tools.review_diff.collect import Glued, Page, Snapshot, read_article
from tools.review_diff.compare import compare, compare_cells, compare_glued

from tests.conftest import REPO, Build, copy_project, git

pytestmark = pytest.mark.tooling

CONSTANT = (
    "code/nnbasics/examples/target_shooting.py",
    "RING_WIDTH = 2.0",
    "RING_WIDTH = 2.5",
)
PROSE = ("book/opening.md", "tuning a guitar string", "tuning a violin string")
RAISES = (
    "book/layers.md",
    "```{code-cell} ipython3\nimport numpy as np\n",
    "```{code-cell} ipython3\nraise RuntimeError('a cell that now raises')\n"
    "import numpy as np\n",
)

# A labelled figure's image (maybe inside a link), as the HTML writes it.
FIGURE = re.compile(
    r'<figure[^>]*id="([^"]+)"[^>]*>\s*(?:<a [^>]*>)?<img[^>]*src="_images/([^"]+)"'
)
needs_rsvg = pytest.mark.skipif(
    shutil.which("rsvg-convert") is None and not os.environ.get("CI"),
    reason="rsvg-convert is missing: apt-get install librsvg2-bin (CI fails instead)",
)


def edit(project: Path, change: tuple[str, str, str]) -> None:
    """Replace ``old`` by ``new`` once in a file of ``project`` (which must hold it)."""
    name, old, new = change
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{name} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, built_book: Build) -> Path:
    """A repository of the working tree's book on ``main``, caches seeded."""
    project = copy_project(tmp_path_factory.mktemp("review") / "project")
    identity = ("-c", "user.name=Book", "-c", "user.email=book@example.org")
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "conf.py", "book", "code")
    date = {
        "GIT_AUTHOR_DATE": "@1767225600 +0000",
        "GIT_COMMITTER_DATE": "@1767225600 +0000",
    }
    git(project, *identity, "commit", "--quiet", "-m", "The book", env=date)
    for side in ("base", "head"):
        shutil.copytree(
            built_book.out / ".jupyter_cache",
            project / "_build" / "review" / side / ".jupyter_cache",
        )
    return project


@pytest.fixture(scope="module")
def unchanged(project: Path) -> cli.Review:
    """The review of the unchanged tree (builds the base too)."""
    return cli.run(project, None, Path("_build"), "auto")


@pytest.fixture(scope="module")
def changed(project: Path, unchanged: cli.Review) -> cli.Review:
    """The review of the three-part change (after ``unchanged``: the base is built)."""
    for change in (CONSTANT, PROSE, RAISES):
        edit(project, change)
    return cli.run(project, None, Path("_build"), "auto")


# --- independent checks: read the builds another way than the tool ---------


def glued_from_cache(side: build.Side, page: str) -> dict[str, str]:
    """The page's glued values from its execution-cache record (not glue.json)."""
    notebook = nbformat.read(
        side.out / "jupyter_execute" / f"{page}.ipynb", as_version=4
    )
    cache = get_cache(str(side.out / ".jupyter_cache" / "book"))
    record = cache.match_cache_notebook(notebook)
    values = {}
    for cell in cache.get_cache_bundle(record.pk).nb.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                values[scrapbook["name"]] = output["data"][
                    scrapbook["mime_prefix"] + "text/plain"
                ]
    return values


def figure_files(side: build.Side, page: str) -> dict[str, str]:
    """Figure label -> image file name (a hash of its content), from the HTML."""
    html = (side.html / f"{page}.html").read_text(encoding="utf-8")
    return dict(FIGURE.findall(html))


# --- the build tests ---------------------------------------------------------


@needs_rsvg
@pytest.mark.build
def test_an_unchanged_tree_gives_a_one_line_report(unchanged: cli.Review):
    text = unchanged.markdown.read_text(encoding="utf-8")
    assert text.count("\n") == 1, text
    assert text.startswith("No change to the book")
    assert not unchanged.diff
    assert "No change to the book" in unchanged.html.read_text(encoding="utf-8")


@needs_rsvg
@pytest.mark.build
def test_a_constant_of_nnbasics_lists_exactly_the_values_and_figures_it_moves(
    changed: cli.Review,
):
    # Every executed page but layers (which fails now: no values at all).
    pages = sorted(
        path.stem
        for path in (changed.base.out / "jupyter_execute").glob("*.ipynb")
        if path.stem != "layers"
    )
    expected_glue, expected_figures = set(), set()
    for page in pages:
        old, new = (
            glued_from_cache(side, page) for side in (changed.base, changed.head)
        )
        expected_glue |= {
            (page, n) for n in old.keys() | new.keys() if old.get(n) != new.get(n)
        }
        old, new = (figure_files(side, page) for side in (changed.base, changed.head))
        expected_figures |= {
            (page, k) for k in old.keys() | new.keys() if old.get(k) != new.get(k)
        }
    listed_glue = {
        (page, g.name)
        for page, change in changed.diff.pages.items()
        if page != "layers"  # fails now: every value is gone (another test)
        for g in change.glued
    }
    listed_figures = {
        (page, f.key)
        for page, change in changed.diff.pages.items()
        if page != "layers"
        for f in change.figures
    }
    assert listed_glue == expected_glue
    assert listed_figures == expected_figures
    # The constant moves values and figures of its one chapter, and nothing else.
    assert {page for page, _ in listed_glue} == {"target-shooting"}
    assert {page for page, _ in listed_figures} == {"target-shooting"}
    shown = changed.markdown.read_text(encoding="utf-8")
    for _, name in sorted(listed_glue):
        assert f"`{name}`" in shown
    for change in changed.diff.pages["target-shooting"].figures:
        assert change.pixels is not None
        assert change.pixels.changed > 0
        assert (changed.html.parent / "images" / str(change.diff_image)).is_file()


@needs_rsvg
@pytest.mark.build
def test_a_prose_edit_lists_text_changes_and_no_figure_or_number(changed: cli.Review):
    opening = changed.diff.pages["opening"]
    assert not opening.glued
    assert not opening.figures
    removed = [
        line for line in opening.text if line.startswith("-") and "guitar" in line
    ]
    added = [line for line in opening.text if line.startswith("+") and "violin" in line]
    assert len(removed) == len(added) == 1
    assert "opening" not in changed.diff.failing


@needs_rsvg
@pytest.mark.build
def test_a_cell_that_now_raises_is_reported_as_failing(changed: cli.Review):
    assert changed.diff.failing == ["layers"]
    traceback = changed.html.parent / "tracebacks" / "layers.err.log"
    assert "RuntimeError: a cell that now raises" in traceback.read_text(
        encoding="utf-8"
    )
    shown = changed.markdown.read_text(encoding="utf-8")
    assert "**Chapters whose execution fails now**: `layers`" in shown
    assert any(
        "layers.md" in w and "Executing notebook failed" in w
        for w in changed.diff.new_warnings
    )


@needs_rsvg
@pytest.mark.build
def test_the_report_is_the_same_bytes_each_time(changed: cli.Review, tmp_path: Path):
    outputs = []
    for run in ("first", "second"):
        folder = tmp_path / run
        heading = report.Heading(base="base", head="head")
        commits = (
            git(changed.base.source, "rev-parse", "HEAD"),
            git(changed.head.source, "rev-parse", "HEAD"),
        )
        cli.write_review(changed.base, changed.head, commits, heading, folder)
        files = sorted(
            p for p in folder.rglob("*") if p.is_file() and "rasterised" not in p.parts
        )
        outputs.append(
            {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}
        )
    assert outputs[0] == outputs[1]
    assert any(name.endswith("--diff.png") for name in outputs[0])
    for data in outputs[0].values():  # no build path in any report or image
        assert str(tmp_path).encode() not in data
        assert str(changed.head.source).encode() not in data
        assert sys.prefix.encode() not in data  # the venv, in tracebacks


# --- unit tests: cheap, synthetic inputs -------------------------------------


def picture(squares: list[tuple[int, int]], size: int = 60) -> Image.Image:
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    for x, y in squares:
        draw.rectangle((x, y, x + 9, y + 9), fill="black")
    return image


def test_the_difference_image_marks_the_changed_region_in_red():
    old, new = picture([(5, 5)]), picture([(5, 5), (40, 30)])
    pixels, mask = images.compare(old, new)
    assert pixels.box == (40, 30, 50, 40)
    assert pixels.changed == 100
    diff = np.asarray(images.difference_image(old, mask, pixels.box))
    red = np.all(diff == images.RED, axis=2)
    assert red[30:40, 40:50].all()  # the new square
    inside_box = np.zeros_like(red)
    inside_box[26:44, 36:54] = True  # the square, the 4-pixel margin, the frame
    assert not red[~inside_box].any()  # nothing red elsewhere
    assert diff[8, 8].tolist() == [191, 191, 191]  # the old square, faded


def test_identical_images_have_no_difference():
    pixels, mask = images.compare(picture([(5, 5)]), picture([(5, 5)]))
    assert pixels.box is None
    assert pixels.changed == 0
    assert not mask.any()


@needs_rsvg
def test_svgs_are_compared_by_their_pixels_not_their_bytes(tmp_path: Path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<rect id="{id}" x="{x}" y="5" width="10" height="10"/></svg>'
    )
    paths = {}
    for name, ident, x in (("a", "p1", 5), ("b", "q7", 5), ("c", "p1", 25)):
        paths[name] = tmp_path / f"{name}.svg"
        paths[name].write_text(svg.format(id=ident, x=x), encoding="utf-8")
    png = {
        n: Image.open(images.rasterise(p, tmp_path / f"{n}.png"))
        for n, p in paths.items()
    }
    assert images.compare(png["a"], png["b"])[0].box is None  # other ids, same picture
    assert images.compare(png["a"], png["c"])[0].box == (5, 5, 35, 15)


def test_glued_values_are_compared_by_name():
    old = {"a": Glued("1.0", ("1",)), "b": Glued("2", ()), "gone": Glued("3", ())}
    new = {"a": Glued("1.5", ("2",)), "b": Glued("2", ()), "new": Glued("4", ())}
    assert [(c.name, c.old, c.new) for c in compare_glued(old, new)] == [
        ("a", old["a"], new["a"]),
        ("gone", old["gone"], None),
        ("new", None, new["new"]),
    ]


def test_an_inserted_cell_is_one_added_cell():
    lines = compare_cells(
        ["code: a", "code: b", "code: c"],
        ["code: a", "code: x", "code: b", "code: c"],
        "cell",
    )
    assert lines == ["cell 2 added: `code: x`"]


def test_figures_are_named_by_their_label_or_their_rank(tmp_path: Path):
    html = (
        '<article><figure id="fig-a"><img src="_images/1.svg"></figure>'
        '<p><img src="_images/2.png"><img src="_static/logo.svg"></p></article>'
    )
    assert [(f.key, f.path.name) for f in read_article(html, tmp_path)[1]] == [
        ("fig-a", "1.svg"),
        ("image 1", "2.png"),
    ]


def test_a_long_markdown_report_is_cut_politely():
    text = "# R\n\n```diff\n" + "+ a line\n" * 400_000 + "```\n"
    cut = report.truncate(text)
    assert len(cut.encode()) <= report.MARKDOWN_LIMIT
    assert cut.count("```") % 2 == 0  # the open code block is closed
    assert "The report is cut here" in cut


def test_an_empty_difference_is_one_line(tmp_path: Path):
    same = Snapshot({"p": Page(text=["x"])}, set(), {"w"})
    diff = compare(same, same, tmp_path / "i", tmp_path / "w")
    heading = report.Heading(base="b", head="h")
    assert report.markdown(diff, heading) == report.unchanged_line(heading)
    assert report.unchanged_line(heading).count("\n") == 1


def test_a_base_that_is_no_commit_is_named_with_the_fix():
    with pytest.raises(build.ReviewError, match="BASE=no-such-ref is not a commit"):
        build.resolve_base(REPO, "no-such-ref")


def test_the_make_target_is_listed_in_help():
    out = subprocess.run(
        ["make", "-s", "-C", str(REPO), "help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "make review-diff" in out.stdout

"""The PDF of the book (``make pdf``), built from the session's executed book.

The LaTeX build starts from ``built_book``'s execution cache, so it executes
nothing; xelatex then typesets it. The checks read the PDF as a reader would
(``pdftotext``) and the LaTeX log as the typesetter left it.

Figures are vector: each SVG output becomes a PDF (rsvg-convert) that
xelatex includes, so ``pdfimages`` finds no raster image of a figure to
count. The test counts the figures in the LaTeX source instead, checks that
xelatex read every one of them (its ``.fls`` record), that their captions are
in the PDF, and that the PDF's only raster images are those the figures' SVGs
hold themselves (the valley's shaded bands), at 150 ppi or more.

Needs Debian's TeX tools (``tools/install-tex.sh pdf``): without them the
tests are skipped, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, Build, sphinx_command

pytestmark = [pytest.mark.build, pytest.mark.pdf]

BOOK_NAME = "guess-compare-adjust"
PDF_TOOLS = ("xelatex", "latexmk", "rsvg-convert", "pdftotext", "pdfimages")
# What the site shows as a glued value, and its figures and interactive ones.
PASTED = re.compile(r'<span class="pasted-text">(.*?)</span>', re.DOTALL)
FIGURE = re.compile(r"<figure\b")
INTERACTIVE = re.compile(r'class="nnb-interactive"')
CAPTION_NUMBER = re.compile(r'caption-number">(Fig\. [0-9.]+)')
# Text that must never reach the reader: output placeholders and raw MyST.
LEAKS = (
    "Figure size",
    "<BookFigure",
    "Widget(name=",
    "object at 0x",
    "{glue",
    "{code-cell}",
    "{numref}",
    "{ref}",
    "{doc}",
    "{eq}",
    "```",
    ":::",
)


def require(*tools: str) -> None:
    """Skip (fail in CI) when one of the Debian ``tools`` is not installed."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"{', '.join(missing)} not installed: run tools/install-tex.sh pdf "
        "(or epub) as root, or install the Debian packages it names"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def offline_build(built_book: Build, builder: str) -> Build:
    """Build the repository's book with ``builder`` from ``built_book``'s cache.

    The output goes to ``<out>/<builder>`` beside the site; doctrees get a
    folder of their own, since myst-nb picks each output's format for the
    builder that reads the page.
    """
    command, environment = sphinx_command(REPO, built_book.out, builder=builder)
    command[command.index("-d") + 1] = str(built_book.out / f"doctrees-{builder}")
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env=environment
    )
    return Build(REPO, built_book.out, result.returncode, result.stdout + result.stderr)


def site_pages(built_book: Build) -> list[str]:
    """The HTML of every page of the site."""
    return [p.read_text(encoding="utf-8") for p in built_book.html_dir.glob("*.html")]


def glued_values(built_book: Build) -> list[str]:
    """Every glued value the site shows, as the reader reads it."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", value))
        for page in site_pages(built_book)
        for value in PASTED.findall(page)
    ]


def squeeze(text: str) -> str:
    """Text without line-break hyphens and white space, to compare values."""
    text = re.sub(r"-\n", "", text)
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


@pytest.fixture(scope="module")
def pdf(built_book: Build) -> dict[str, object]:
    """Build the PDF as ``make pdf`` does; return its paths, text and log."""
    require(*PDF_TOOLS)
    build = offline_build(built_book, "latex")
    assert build.returncode == 0, build.log[-6000:]
    latex = built_book.out / "latex"
    result = subprocess.run(
        [
            *("latexmk", "-pdfxe", "-interaction=nonstopmode", "-halt-on-error"),
            f"{BOOK_NAME}.tex",
        ],
        cwd=latex,
        capture_output=True,
        text=True,
        check=False,
    )
    log = (latex / f"{BOOK_NAME}.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, result.stdout[-3000:] + log[-3000:]
    path = latex / f"{BOOK_NAME}.pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        "build": build,
        "path": path,
        "tex": (latex / f"{BOOK_NAME}.tex").read_text(encoding="utf-8"),
        "fls": (latex / f"{BOOK_NAME}.fls").read_text(encoding="utf-8"),
        "log": log,
        "text": text,
    }


def test_the_pdf_reuses_the_sites_execution(pdf: dict) -> None:
    assert pdf["build"].executed() == []


def test_every_glued_value_of_the_site_is_in_the_pdf(
    built_book: Build, pdf: dict
) -> None:
    values = glued_values(built_book)
    assert len(values) > 100  # the site does glue its numbers
    assert pdf["tex"].count(r"\DUrole{pasted-text}") == len(values)
    text = squeeze(pdf["text"])
    missing = sorted({v for v in values if squeeze(v) not in text})
    assert missing == []


def test_every_figure_is_in_the_pdf_as_a_vector_figure(
    built_book: Build, pdf: dict
) -> None:
    pages = site_pages(built_book)
    figures = sum(len(FIGURE.findall(page)) for page in pages)
    interactive = sum(len(INTERACTIVE.findall(page)) for page in pages)
    included = re.findall(
        r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([^}]+)\}", pdf["tex"]
    )
    assert figures > 10
    assert len(included) == figures + interactive
    # xelatex opened every figure's PDF...
    read = {
        Path(line.split(maxsplit=1)[1]).stem
        for line in pdf["fls"].splitlines()
        if line.startswith("INPUT ")
    }
    assert set(included) <= read
    # ...every numbered figure of the site is in the PDF with its caption...
    captions = {number for page in pages for number in CAPTION_NUMBER.findall(page)}
    assert captions
    assert {c for c in captions if f"{c}:" not in pdf["text"]} == set()
    # ...and none was turned into a raster image: the only images in the PDF
    # are those the figures' SVGs hold (the valley's shaded bands, drawn as
    # images inside it to keep the page light), at a resolution fit to print.
    svgs = {svg.stem: svg for svg in built_book.out.rglob("*.svg")}
    assert set(included) <= set(svgs), "a figure of the PDF has no SVG"
    embedded = sum(
        svgs[stem].read_text(encoding="utf-8").count("<image ")
        for stem in set(included)
    )
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf["path"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert len(images) == embedded, images
    assert all(int(line.split()[12]) >= 150 for line in images), images  # x-ppi


def test_no_placeholder_or_raw_myst_reaches_the_pdf(pdf: dict) -> None:
    assert [leak for leak in LEAKS if leak in pdf["text"]] == []


def test_the_latex_log_is_clean(pdf: dict) -> None:
    log = pdf["log"]
    assert re.findall(r"Missing character: .*", log) == []
    assert re.findall(r".*(?:Reference|Citation|reference) .* undefined.*", log) == []
    # No line (of code or text) runs off the page.
    assert re.findall(r"Overfull \\hbox.*", log) == []


def test_the_title_page_names_the_licence_and_the_commit(pdf: dict) -> None:
    first_page = pdf["text"].split("\f", 1)[0]
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    assert "CC BY 4.0" in first_page
    assert "MIT" in first_page
    assert commit
    assert commit in squeeze(first_page)


def test_chapters_are_numbered_as_on_the_site(built_book: Build, pdf: dict) -> None:
    # The site numbers the chapters of "The book" 1, 2, ...; the landing
    # page's own sections and the API reference have no number.
    toc = pdf["text"].split("\f")[1:8]
    contents = "\n".join(toc)
    assert re.search(r"^1\s+Three ideas, one loop", contents, re.MULTILINE)
    assert re.search(r"^7\s+Back through the layers", contents, re.MULTILINE)
    assert not re.search(r"^\d+[ ]+A first taste", contents, re.MULTILINE)
    assert not re.search(r"^\d+[ ]+API reference", contents, re.MULTILINE)


def test_every_chapter_and_the_landing_page_link_both_files(
    built_book: Build,
) -> None:
    # Where the deploy workflow publishes them (.github/workflows/deploy.yml).
    base = "https://guess-compare-adjust.github.io/book/downloads/"
    pdf_url, epub_url = f"{base}{BOOK_NAME}.pdf", f"{base}{BOOK_NAME}.epub"
    deploy = (REPO / ".github" / "workflows" / "deploy.yml").read_text()
    assert f"_build/pdf/{BOOK_NAME}.pdf" in deploy
    assert "_build/html/downloads/" in deploy
    for page in ["index", *(p.stem for p in (REPO / "book").glob("*.md"))]:
        soup = built_book.html(page)
        menu = soup[soup.index('aria-label="Download this page"') :]
        menu = menu[: menu.index("</ul>")]
        assert f'href="{pdf_url}"' in menu, page
        assert f'href="{epub_url}"' in menu, page
    landing = built_book.html("index")
    article = landing[landing.index("<article") :]
    assert article.count(f'href="{pdf_url}"') == 1
    assert article.count(f'href="{epub_url}"') == 1

"""The EPUB of the book (``make epub``), built from the session's executed book.

Needs Debian's ``epubcheck`` and a Java runtime (``tools/install-tex.sh
epub``): without them the tests are skipped, except in CI (``CI`` set).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Build
from tests.test_pdf import (
    FIGURE,
    INTERACTIVE,
    LEAKS,
    glued_values,
    offline_build,
    site_pages,
    squeeze,
)

pytestmark = [pytest.mark.build, pytest.mark.pdf]

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


@pytest.fixture(scope="module")
def epub(built_book: Build) -> dict[str, object]:
    """Build the EPUB as ``make epub`` does; return the build and its files."""
    if not (EPUBCHECK.is_file() and shutil.which("java")):
        message = "epubcheck not installed: run tools/install-tex.sh epub as root"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    build = offline_build(built_book, "epub")
    assert build.returncode == 0, build.log[-6000:]
    path = built_book.out / "epub" / "guess-compare-adjust.epub"
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return {"build": build, "path": path, "files": files}


def test_the_epub_reuses_the_sites_execution(epub: dict) -> None:
    assert epub["build"].executed() == []


def test_epubcheck_passes(epub: dict) -> None:
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(epub["path"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr


def pages(epub: dict) -> str:
    return "\n".join(
        data.decode("utf-8")
        for name, data in epub["files"].items()
        if name.endswith(".xhtml")
    )


def test_every_figure_is_inside(built_book: Build, epub: dict) -> None:
    site = site_pages(built_book)
    expected = sum(len(FIGURE.findall(p)) + len(INTERACTIVE.findall(p)) for p in site)
    text = pages(epub)
    sources = re.findall(r'<img [^>]*src="(_images/[^"]+\.svg)"', text)
    assert len(sources) == expected
    assert set(sources) <= set(epub["files"])
    assert all(b"<svg" in epub["files"][s] for s in sources)


def test_every_glued_value_is_inside(built_book: Build, epub: dict) -> None:
    text = html.unescape(re.sub(r"<[^>]+>", "", pages(epub)))
    values = glued_values(built_book)
    assert len(values) > 100
    missing = sorted({v for v in values if squeeze(v) not in squeeze(text)})
    assert missing == []
    assert [leak for leak in LEAKS if leak in text] == []


def test_maths_is_mathml(epub: dict) -> None:
    text = pages(epub)
    assert text.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') > 50
    assert "<math>" not in text

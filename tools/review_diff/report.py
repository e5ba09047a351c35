"""Write the review as Markdown (``report.md``) and as HTML (``report/index.html``).

The Markdown suits GitHub's job summary (``$GITHUB_STEP_SUMMARY``, at most
1 MiB): it is cut at :data:`MARKDOWN_LIMIT` bytes, on a line boundary, with a
note pointing at the HTML report. The HTML report shows the figures (old,
new, difference) from ``images/`` beside it and needs nothing else. Both are
sorted and hold no time, no absolute path: the same builds give the same bytes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from tools.review_diff.compare import Diff, FigureChange, GlueChange, PageChange

MARKDOWN_LIMIT = 1_000_000  # bytes; GitHub refuses job summaries over 1 MiB
TEXT_LINES = 300  # lines of text diff per page in the Markdown report


@dataclass(frozen=True)
class Heading:
    """What was compared: the base and the head, as the report names them."""

    base: str  # e.g. "a1b2c3d4e5f6 (merge base of HEAD and main)"
    head: str  # e.g. "working tree of 0123456789ab"


def _book_lists(diff: Diff) -> list[tuple[str, list[str]]]:
    """Return the book-wide lists of the report, titled, in report order."""
    return [
        ("Pages added", diff.added),
        ("Pages removed", diff.removed),
        ("Chapters whose execution fails now", diff.failing),
        ("Chapters that failed at the base and run now", diff.fixed),
        ("Chapters failing at the base and still failing", diff.still_failing),
    ]


def unchanged_line(heading: Heading) -> str:
    """Return the whole report when the change does nothing to the book."""
    return (
        f"No change to the book: {heading.head} builds the same book as "
        f"{heading.base}.\n"
    )


def _code(text: str) -> str:
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    raw, shown = value.raw, value.shown  # type: ignore[attr-defined]
    text = _code(raw)
    if shown and list(shown) != [raw]:
        text += " shown as " + ", ".join(_code(s) for s in shown)
    return text


def _figure_summary(figure: FigureChange) -> str:
    if figure.pixels is None:
        return "added" if figure.old_image is None else "removed"
    p = figure.pixels
    left, top, right, bottom = p.box or (0, 0, 0, 0)
    size = " (size changed)" if p.resized else ""
    return (
        f"{p.fraction:.2%} of the pixels changed{size}, within x {left} to {right}, "
        f"y {top} to {bottom}"
    )


def _glue_rows(glued: list[GlueChange]) -> list[str]:
    if len(glued) > 3 and all(g.new is None for g in glued):
        names = ", ".join(f"`{g.name}`" for g in glued)
        return [f"None of these is glued at the head any more: {names}."]
    rows = ["| name | base | head |", "|---|---|---|"]
    rows += [f"| `{g.name}` | {_shown(g.old)} | {_shown(g.new)} |" for g in glued]
    return rows


def summary(diff: Diff) -> str:
    """Return one sentence counting what changed."""
    glued = sum(len(p.glued) for p in diff.pages.values())
    figures = sum(len(p.figures) for p in diff.pages.values())
    text = sum(1 for p in diff.pages.values() if p.text)
    notebooks = sum(1 for p in diff.pages.values() if p.notebook)
    parts = [
        f"{glued} glued value(s)",
        f"{figures} figure(s)",
        f"text of {text} page(s)",
        f"{notebooks} notebook(s)",
        f"{len(diff.added)} page(s) added",
        f"{len(diff.removed)} removed",
        f"{len(diff.failing)} chapter(s) failing now",
        f"{len(diff.new_warnings)} new warning(s)",
    ]
    return "Changed: " + ", ".join(parts) + "."


def _page_markdown(page: str, change: PageChange) -> list[str]:
    lines = [f"## {page}", ""]
    if change.glued:
        lines += [
            f"**Glued values** ({len(change.glued)})",
            "",
            *_glue_rows(change.glued),
            "",
        ]
    if change.figures:
        lines += [f"**Figures** ({len(change.figures)}; images in the HTML report)", ""]
        lines += [f"- `{f.key}`: {_figure_summary(f)}" for f in change.figures]
        lines.append("")
    if change.notebook:
        lines += [f"**Notebook** (`{page}.ipynb`)", ""]
        lines += [f"- {line}" for line in change.notebook]
        lines.append("")
    if change.text:
        shown = change.text[:TEXT_LINES]
        lines += ["<details><summary>Text of the page</summary>", "", "```diff", *shown]
        lines += ["```", ""]
        if len(change.text) > TEXT_LINES:
            lines += [
                f"({len(change.text) - TEXT_LINES} more lines in the HTML report)",
                "",
            ]
        lines += ["</details>", ""]
    return lines


def markdown(diff: Diff, heading: Heading) -> str:
    """Return the report as GitHub-flavoured Markdown, under 1 MiB."""
    if not diff:
        return unchanged_line(heading)
    lines = [
        "# What this change does to the book",
        "",
        f"Base: {heading.base}. Head: {heading.head}.",
        "",
        summary(diff),
        "",
    ]
    for title, items in _book_lists(diff):
        if items:
            lines += [f"**{title}**: " + ", ".join(f"`{i}`" for i in items), ""]
    if diff.failing:
        lines += ["Their tracebacks are in `tracebacks/` beside the HTML report.", ""]
    if diff.new_warnings:
        lines += ["**New warnings**", "", "```", *diff.new_warnings, "```", ""]
    if diff.gone_warnings:
        lines += [f"**Warnings gone**: {len(diff.gone_warnings)}", ""]
    for page, change in diff.pages.items():
        lines += _page_markdown(page, change)
    return truncate("\n".join(lines).rstrip("\n") + "\n")


def truncate(text: str, limit: int = MARKDOWN_LIMIT) -> str:
    """Cut ``text`` to at most ``limit`` bytes on a line boundary, saying so."""
    if len(text.encode()) <= limit:
        return text
    note = "\n(The report is cut here: the whole report is in the HTML report.)\n"
    kept, size, fenced = [], 0, False
    for line in text.splitlines():
        size += len(line.encode()) + 1
        if size > limit - len(note.encode()) - 8:
            break
        kept.append(line)
        fenced ^= line.startswith("```")
    if fenced:
        kept.append("```")
    return "\n".join(kept) + "\n" + note


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto;
  padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb;
  padding: .2rem .5rem; text-align: left; vertical-align: top; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: .5rem; }
.figures img { width: 100%; border: 1px solid #bbb; background: #fff; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.add { background: #dcffe4; } .del { background: #ffe0e0; } .hunk { color: #555; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_value(value: object) -> str:
    if value is None:
        return "(none)"
    raw, shown = value.raw, value.shown  # type: ignore[attr-defined]
    text = f"<code>{_e(raw)}</code>"
    if shown and list(shown) != [raw]:
        text += " shown as " + ", ".join(f"<code>{_e(s)}</code>" for s in shown)
    return text


def _html_figure(figure: FigureChange) -> list[str]:
    cells = []
    for title, name in (
        ("base", figure.old_image),
        ("head", figure.new_image),
        ("difference", figure.diff_image),
    ):
        image = (
            f'<img src="images/{_e(name)}" alt="{title}: {_e(figure.key)}">'
            if name
            else ""
        )
        cells.append(f"<figure>{image}<figcaption>{title}</figcaption></figure>")
    return [
        f"<h3><code>{_e(figure.key)}</code>: {_e(_figure_summary(figure))}</h3>",
        '<div class="figures">',
        *cells,
        "</div>",
    ]


def _html_diff(lines: list[str]) -> str:
    out = []
    for line in lines:
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "")
        out.append(f'<span class="{kind}">{_e(line)}</span>' if kind else _e(line))
    return "<pre>" + "\n".join(out) + "</pre>"


def html_page(diff: Diff, heading: Heading) -> str:
    """Return the report as one HTML page showing the images in ``images/``."""
    body = ["<h1>What this change does to the book</h1>"]
    if not diff:
        body.append(f"<p>{_e(unchanged_line(heading).strip())}</p>")
    else:
        body += [f"<p>Base: {_e(heading.base)}. Head: {_e(heading.head)}.</p>"]
        body.append(f"<p>{_e(summary(diff))}</p>")
        for title, items in _book_lists(diff):
            if items:
                body.append(f"<p><strong>{title}</strong>: {_e(', '.join(items))}</p>")
        body += [
            f'<p>Traceback of {_e(page)}: <a href="tracebacks/{_e(page)}.err.log">'
            f"{_e(page)}.err.log</a></p>"
            for page in diff.failing
        ]
        if diff.new_warnings:
            body.append(
                "<h2>New warnings</h2><pre>"
                + _e("\n".join(diff.new_warnings))
                + "</pre>"
            )
        for page, change in diff.pages.items():
            body.append(f'<h2 id="{_e(page)}">{_e(page)}</h2>')
            if change.glued:
                body.append("<table><tr><th>name</th><th>base</th><th>head</th></tr>")
                body += [
                    f"<tr><td><code>{_e(g.name)}</code></td><td>{_html_value(g.old)}</td>"
                    f"<td>{_html_value(g.new)}</td></tr>"
                    for g in change.glued
                ]
                body.append("</table>")
            for figure in change.figures:
                body += _html_figure(figure)
            if change.notebook:
                body.append(f"<h3>Notebook {_e(page)}.ipynb</h3><ul>")
                body += [f"<li>{_e(line)}</li>" for line in change.notebook]
                body.append("</ul>")
            if change.text:
                body += ["<h3>Text of the page</h3>", _html_diff(change.text)]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Review of the book</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )

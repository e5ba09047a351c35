"""What a pull request does to the book: ``make review-diff [BASE=<ref>]``.

The book is built twice with the current virtual environment (its Sphinx,
its libraries), each time from one side's own ``conf.py``, ``book/`` and
``code/``:

* the **base**, by default the merge base of ``HEAD`` with ``main`` (or
  ``origin/main``; ``BASE=<ref>`` names another), checked out as a detached
  git worktree in ``<build>/review/base-src`` and built into
  ``<build>/review/base``; a finished base build of the same commit in the
  same environment is reused as it is (``review-built-from.txt``);
* the **head**, the working tree as it is (uncommitted changes included),
  built into ``<build>/review/head``.

Each side keeps its own execution cache (``<side>/.jupyter_cache``), so a
second run executes nothing that has not changed. The builds use the options
of ``make html`` without ``-W`` and with ``-E`` (every page read, so the log
holds every warning): a chapter that fails does not stop the review, it is
reported (:mod:`.build`).

What is compared (:mod:`.collect`, :mod:`.compare`), page by page: the
values glued into the text (old -> new, with the text each ``{glue:text}``
shows), the figures (rasterised to PNG and compared pixel by pixel,
:mod:`.images`; unchanged ones are not listed), the rendered text of the
article (a unified diff), the cells of the ``.ipynb`` download and the
outputs of the executed cells; and for the book, pages added or removed,
chapters whose execution fails now, and warnings new since the base.

The report (:mod:`.report`) is written to ``<build>/review/report.md``
(GitHub-flavoured Markdown for the job summary, under 1 MiB) and
``<build>/review/report/index.html`` with its images beside it. An unchanged
book gives a one-line report. Reports are deterministic: sorted, no time,
no absolute path, the commit hash in notebooks replaced by ``<commit>``.
"""

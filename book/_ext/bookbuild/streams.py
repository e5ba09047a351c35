r"""Merge a cell's printed output the same way whatever the kernel's timing.

The kernel sends what a cell prints in chunks, cut wherever its flush timer
fires, so one run may send ``"… 3681 steps"`` and ``"\nrate 0.145 …"`` where
another sends one piece. myst-nb's ``coalesce_streams`` (``nb_merge_streams``)
strips the end of every chunk and appends a newline before joining them, so
the first run shows a blank line the second does not: the same commit built
twice gave different pages. Here the chunks of each stream are first joined
as they were sent, then myst-nb's own merge runs on the joined text (its
``\r``/``\b`` handling and stdout/stderr ordering stay as they are).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from nbformat import NotebookNode
from sphinx.application import Sphinx

Merge = Callable[[list[NotebookNode]], list[NotebookNode]]


def join_chunks(outputs: list[NotebookNode]) -> list[NotebookNode]:
    r"""Join the chunks of each named stream, in order, at its first position.

    Parameters
    ----------
    outputs : list of NotebookNode
        A code cell's outputs; they are not modified.

    Returns
    -------
    list of NotebookNode
        The same outputs with one stream output per stream name.

    Examples
    --------
    >>> from nbformat.v4 import new_output
    >>> texts = ("a\nb", "\nc\n")
    >>> chunks = [new_output("stream", name="stdout", text=t) for t in texts]
    >>> [o["text"] for o in join_chunks(chunks)]
    ['a\nb\nc\n']
    """
    joined: list[NotebookNode] = []
    streams: dict[str, NotebookNode] = {}
    for output in outputs:
        if output.get("output_type") != "stream":
            joined.append(output)
        elif output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            streams[output["name"]] = copy.deepcopy(output)
            joined.append(streams[output["name"]])
    return joined


def deterministic(merge: Merge) -> Merge:
    """Return ``merge`` applied to the outputs after :func:`join_chunks`."""

    def merge_joined(outputs: list[NotebookNode]) -> list[NotebookNode]:
        return merge(join_chunks(outputs))

    merge_joined.__wrapped__ = merge  # type: ignore[attr-defined]
    return merge_joined


def setup(app: Sphinx) -> None:
    """Make myst-nb's stream merge independent of how the output was chunked."""
    from myst_nb.core import render

    if not hasattr(render.coalesce_streams, "__wrapped__"):
        render.coalesce_streams = deterministic(render.coalesce_streams)

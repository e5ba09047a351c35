"""Interactive figures that run in the page, without a kernel.

One figure per example chapter and one for the training loop:

==============================  ==========================  =====================
figure                          controls                    numbers from
==============================  ==========================  =====================
:func:`guessing_explorer`       reply, secret, step         ``play``,
                                                            ``still_possible``
:func:`step_size_explorer`      start x, learning rate      ``train`` on
                                                            ``InputSearch``
:func:`burst_explorer`          shots per round, spread,    ``shoot``,
                                run                         ``compare_bursts``
:func:`contour_explorer`        start w1, w2 (or a click),  ``train`` on
                                learning rate               ``CurveFit``
:func:`learning_rate_explorer`  learning rate               ``train`` on
                                                            ``CurveFit``
==============================  ==========================  =====================

**One source of numbers: every figure is precomputed.** When the book is
built, each function runs the real ``nnbasics`` code once for every setting
of its controls (a grid of a few dozen to a few hundred settings) and stores
the result as a *frame*: the readout in words and the picture's changing
coordinates (:mod:`nnbasics.interactive.widget`). The book's script
``book/_static/interactive.js`` only copies the chosen frame into the page.
Re-implementing the update rules in JavaScript was rejected for all five:
NumPy's sums (``@``, ``mean``) need not add in the order a plain loop does,
so agreement to the last bit would rest on a test rather than on
construction, and the random disturbances of the shooting range come from
NumPy's generator, which the browser does not have. The grids are small
enough for that not to cost much: each figure adds 5 to 20 kB to its page
once compressed.

Every word of a figure (labels, readouts, title and description for screen
readers) is written in the current language (``nnbasics.tr``), numbers
are the same in every language.

Each function returns a :class:`~nnbasics.interactive.widget.Widget`, which
shows itself as HTML: the picture of the first setting as inline SVG (what a
reader without JavaScript sees), the readout, and the frames as a JSON
attribute.
"""

from nnbasics.interactive.black_box import step_size_explorer
from nnbasics.interactive.cracking import contour_explorer
from nnbasics.interactive.guessing import guessing_explorer
from nnbasics.interactive.shooting import burst_explorer
from nnbasics.interactive.training import learning_rate_explorer
from nnbasics.interactive.widget import Widget

__all__ = [
    "Widget",
    "burst_explorer",
    "contour_explorer",
    "guessing_explorer",
    "learning_rate_explorer",
    "step_size_explorer",
]

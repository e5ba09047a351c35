"""Figures of the book, drawn with matplotlib from :mod:`nnbasics` results.

Plotting is kept apart from the numeric code: every function here takes
numbers computed elsewhere and returns a :class:`matplotlib.figure.Figure`.
Every word a figure holds is in the current language (``nnbasics.tr``); a
Chinese figure sets its Chinese characters in a cut Noto Sans CJK SC
(``nnbasics.plotting.cjk_font``) and the rest as an English one.
"""

"""Figures of the book, drawn with matplotlib from :mod:`nnbasics` results.

Plotting is kept apart from the numeric code: every function here takes
numbers computed elsewhere and returns a :class:`matplotlib.figure.Figure`.
"""

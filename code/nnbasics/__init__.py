"""nnbasics: loss, backpropagation and gradient descent in plain NumPy.

Each idea of the training loop lives in one module:

========================  =========================================
idea                      where
========================  =========================================
goal                      :mod:`nnbasics.goal`
initialization            :mod:`nnbasics.initialization`
forward computation       :mod:`nnbasics.forward`
loss                      :mod:`nnbasics.loss`
backpropagation           :mod:`nnbasics.backprop`
gradient descent          :mod:`nnbasics.descent`
the loop that joins them  :mod:`nnbasics.training`
slopes by probing         :mod:`nnbasics.finite_difference`
derivatives on a tape     :mod:`nnbasics.autodiff`
a hidden layer            :mod:`nnbasics.network`
========================  =========================================

The four examples of the book live in :mod:`nnbasics.examples`, their
figures in :mod:`nnbasics.plotting`. Figures and display texts speak the
language chosen with ``use_language`` (``nnbasics.language``).
"""

from nnbasics.backprop import Gradients, backprop
from nnbasics.descent import descent_step
from nnbasics.finite_difference import central_difference
from nnbasics.forward import QUADRATIC, PolynomialModel, forward
from nnbasics.goal import Goal
from nnbasics.initialization import at_random, from_experience
from nnbasics.language import LANGUAGES, current_language, tr, use_language
from nnbasics.loss import (
    MEAN_SQUARED_ERROR,
    Loss,
    absolute_error,
    absolute_error_derivative,
    mean_squared_error,
    mean_squared_error_derivative,
    signed_error,
    signed_error_derivative,
    squared_error,
    squared_error_derivative,
)
from nnbasics.network import NetworkFit
from nnbasics.training import CurveFit, DivergenceError, History, Problem, train

__version__ = "0.1.0"

__all__ = [
    "LANGUAGES",
    "MEAN_SQUARED_ERROR",
    "QUADRATIC",
    "CurveFit",
    "DivergenceError",
    "Goal",
    "Gradients",
    "History",
    "Loss",
    "NetworkFit",
    "PolynomialModel",
    "Problem",
    "absolute_error",
    "absolute_error_derivative",
    "at_random",
    "backprop",
    "central_difference",
    "current_language",
    "descent_step",
    "forward",
    "from_experience",
    "mean_squared_error",
    "mean_squared_error_derivative",
    "signed_error",
    "signed_error_derivative",
    "squared_error",
    "squared_error_derivative",
    "tr",
    "train",
    "use_language",
]

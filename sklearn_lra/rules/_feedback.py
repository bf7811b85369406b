"""Random feedback matrices, shared by the rules that send errors through them (FA, DFA, LRA)."""

from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions
from .._initializers import init_matrix

#: Constraints of the feedback parameters, shared by FA, DFA and LRA.
FEEDBACK_CONSTRAINTS = {
    "feedback_init": [StrOptions({"normal", "uniform", "orthogonal"})],
    "feedback_scale": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"}), None],
}


def draw_feedback(estimator, shapes, rng, dtype, from_output=None):
    """Random feedback matrices of the given ``(n_rows, n_cols)`` shapes.

    A None ``feedback_scale`` gives each matrix the scale that keeps the size
    of the signal it carries: standard deviation ``1 / sqrt(n_rows)`` (normal),
    half-width ``sqrt(3 / n_rows)`` (uniform), gain 1 (orthogonal).

    ``'auto'`` does the same, except for the matrices that carry a softmax
    output's error ``p - y``: for them ``n_rows`` counts as ``sqrt(n_rows)``
    (:func:`softmax_rows`). That error's squared norm stays below 2 however
    many classes there are, so its entries already shrink as
    ``1 / sqrt(n_classes)``, and dividing by ``sqrt(n_classes)`` again gives
    every hidden unit a smaller error the more classes a table has.
    ``from_output`` lists the indices of the matrices that carry the output
    error (default: the last one).
    """
    scheme, scale = estimator.feedback_init, estimator.feedback_scale
    rows = [shape[0] for shape in shapes]
    if scale == "auto":
        scale = None
        if shapes and _softmax_output(estimator):
            for i in [len(shapes) - 1] if from_output is None else from_output:
                rows[i] = softmax_rows(rows[i])
    return [
        init_matrix(scheme, shape, rng, _feedback_scale(scheme, scale, n), dtype)
        for shape, n in zip(shapes, rows)
    ]


def softmax_rows(n_classes):
    """The rows a feedback matrix from a softmax of ``n_classes`` counts as under ``'auto'``.

    One row would undo the ``1 / sqrt(n_classes)`` of the error's entries
    entirely: with one hidden layer that gained the most on the tabular
    suite's many-class tables, but each hidden miss of a deeper network is
    about ``2 beta`` times the one above it, so every layer's miss grew by
    ``sqrt(n_classes)``, and with three hidden layers the same tables lost 1
    to 2 points. ``sqrt(n_classes)`` rows (standard deviation
    ``n_classes ** -0.25``) kept most of the gain at one layer and lost
    nothing at three (the study of the sixth round in the documentation's
    page on LRA's defaults).
    """
    return np.sqrt(n_classes)


def _softmax_output(estimator):
    """Whether the output layer is a softmax: a classifier of three or more classes.

    Known once the classes are (a rule built on an unfitted estimator, as in
    a test of its equations, counts as not softmax).
    """
    return hasattr(estimator, "classes_") and estimator._output_function() == "softmax"


def _feedback_scale(scheme, scale, n_rows):
    """The scale of one feedback matrix (the automatic one when ``scale`` is None)."""
    if scale is not None:
        return scale
    if scheme == "orthogonal":
        return 1.0
    std = 1.0 / np.sqrt(n_rows)
    return std if scheme == "normal" else np.sqrt(3.0) * std


FEEDBACK_PARAMETERS = """feedback_init : {{'normal', 'uniform', 'orthogonal'}}, default='normal'
        Distribution of the fixed feedback matrices ``{F}``.
    feedback_scale : float, 'auto' or None, default=0.1
        Standard deviation (normal), half-width (uniform) or gain (orthogonal)
        of ``{F}``. None scales each matrix to keep the size of the error it
        carries: standard deviation ``1 / sqrt(n_rows)``, half-width
        ``sqrt(3 / n_rows)`` or gain 1, where ``n_rows`` is the width of the
        layer the error comes from. ``'auto'``: the same, except that a
        softmax output of ``K >= 3`` classes counts as ``sqrt(K)`` rows, since
        its error's norm does not grow with the classes. The default, like
        the rule's ``solver`` and ``learning_rate_init``, was chosen by nested
        validation on public tables (the documentation's page on the tabular
        defaults).
"""

#: Defaults of FA and DFA, chosen by nested validation on the tabular suite of
#: ``benchmarks/tabular/tabular.py``, nonlinear tables included (``doc/tabular_defaults.md``):
#: adam at 3e-3 led there (tied with SGD on minibatches of 64) and was the only
#: candidate to train eight hidden layers on MNIST validation rows; a feedback
#: scale of 0.1 beat the automatic one. The first layer's L2 term grows with the
#: input columns (input_alpha='auto'): it led one alpha by 0.9 points of R^2 for
#: the regressors and by 0.5 points of accuracy (all three folds; a tie on
#: other splits) for the classifiers, and ties it at 3 and 8 hidden layers.
FEEDBACK_RULE_DEFAULTS = {
    "solver": "adam",
    "learning_rate_init": 3e-3,
    "feedback_init": "normal",
    "feedback_scale": 0.1,
    "input_alpha": "auto",
}

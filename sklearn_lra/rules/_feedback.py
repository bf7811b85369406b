"""Random feedback matrices, shared by the rules that send errors through them (FA, DFA, LRA)."""

from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions
from .._initializers import init_matrix

#: Constraints of the feedback parameters, shared by FA, DFA and LRA.
FEEDBACK_CONSTRAINTS = {
    "feedback_init": [StrOptions({"normal", "uniform", "orthogonal"})],
    "feedback_scale": [Interval(Real, 0, None, closed="neither"), None],
}


def draw_feedback(estimator, shapes, rng, dtype):
    """Random feedback matrices of the given ``(n_rows, n_cols)`` shapes.

    A None ``feedback_scale`` gives each matrix the scale that keeps the size
    of the signal it carries: standard deviation ``1 / sqrt(n_rows)`` (normal),
    half-width ``sqrt(3 / n_rows)`` (uniform), gain 1 (orthogonal).
    """
    scheme, scale = estimator.feedback_init, estimator.feedback_scale
    return [
        init_matrix(scheme, shape, rng, _feedback_scale(scheme, scale, shape[0]), dtype)
        for shape in shapes
    ]


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
    feedback_scale : float or None, default=0.1
        Standard deviation (normal), half-width (uniform) or gain (orthogonal)
        of ``{F}``. None scales each matrix to keep the size of the error it
        carries: standard deviation ``1 / sqrt(n_rows)``, half-width
        ``sqrt(3 / n_rows)`` or gain 1, where ``n_rows`` is the width of the
        layer the error comes from. The default, like the rule's ``solver``
        and ``learning_rate_init``, was chosen by nested validation on
        public tables (the documentation's page on the tabular defaults).
"""

#: Defaults of FA and DFA, chosen by nested validation on the tabular suite of
#: ``benchmarks/tabular/tabular.py``, nonlinear tables included (``doc/tabular_defaults.md``):
#: adam at 3e-3 led there (tied with SGD on minibatches of 64) and was the only
#: candidate to train eight hidden layers on MNIST validation rows; a feedback
#: scale of 0.1 beat the automatic one.
FEEDBACK_RULE_DEFAULTS = {
    "solver": "adam",
    "learning_rate_init": 3e-3,
    "feedback_init": "normal",
    "feedback_scale": 0.1,
}

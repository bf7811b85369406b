"""Feedback alignment (FA): back-propagation through fixed random matrices.

The output error travels down the network as in back-propagation, but each
transposed forward weight ``W_{l+1}^T`` is replaced by a random matrix
``F_{l+1}`` drawn once and never learned. The forward weights come to align
with the feedback, which is why the random signal is useful.
"""

import numpy as np

from .._base import BaseNetwork
from .._docstrings import estimator_doc, fill_doc
from .._mixins import TARGET_SCALING_ATTRIBUTES, NetworkClassifierMixin, NetworkRegressorMixin
from ._feedback import (
    FEEDBACK_CONSTRAINTS,
    FEEDBACK_PARAMETERS,
    FEEDBACK_RULE_DEFAULTS,
    draw_feedback,
)
from ._rule import (
    LearningRule,
    layer_directions,
    output_error,
    times_derivative,
    zero_derivative_problem,
)


class FeedbackAlignmentRule(LearningRule):
    """``delta_l = (delta_{l+1} F_{l+1}) * phi'(h_l)`` with fixed random ``F``."""

    def init_params(self, layer_units, rng, dtype):
        """Fixed feedback matrices ``F_l`` (``n_l x n_{l-1}``) for ``l = 2..L``."""
        shapes = [(layer_units[l], layer_units[l - 1]) for l in range(2, len(layer_units))]
        return {"feedback_matrices_": draw_feedback(self.estimator, shapes, rng, dtype)}

    def zero_init_problem(self, activation, param="activation"):
        """From zeros the rule trains iff ``phi'(0) != 0`` (the random feedback breaks symmetry)."""
        return zero_derivative_problem(activation, param)

    def directions(self, net, ws, Y, extra, extra_grads):
        F = extra["feedback_matrices_"]
        delta = output_error(net, ws, Y)
        for l in range(net.n_layers, 1, -1):
            layer_directions(ws, l, delta)
            below = np.matmul(delta, F[l - 2], out=ws.delta[l - 1])
            delta = times_derivative(net, ws, l - 1, below)
        layer_directions(ws, 1, delta)


class _FA(BaseNetwork):
    """Hyperparameters of the feedback-alignment estimators."""

    _own_constraints = FEEDBACK_CONSTRAINTS

    _rule_attributes = ("feedback_matrices_",)

    _own_defaults = FEEDBACK_RULE_DEFAULTS

    def _make_rule(self):
        return FeedbackAlignmentRule(self)


#: Documentation of the feedback parameters, shared with DFA (``{F}`` is the symbol).
_FA_PARAMETERS = FEEDBACK_PARAMETERS.format(F="F_l")

_FA_ATTRIBUTE = """feedback_matrices_ : list of ndarray
        ``feedback_matrices_[l - 2]`` is ``F_l`` of shape ``(n_l, n_{l-1})``,
        the stand-in for ``W_l^T``; drawn once, never learned.
    """

_FA_NOTES = """
    Notes
    -----
    With the output error ``e_L = z_L - Y``::

        delta_L = e_L
        delta_l = (delta_{l+1} F_{l+1}) * phi'(h_l)          l = L-1 .. 1
        dW_l = z_{l-1}^T delta_l / B,    db_l = mean(delta_l)

    With ``F_{l+1} = W_{l+1}^T`` this is back-propagation. The rule needs
    ``phi'``: with ``activation='sign'`` only the output layer learns (and a
    warning says so).

    References
    ----------
    .. [1] Lillicrap, Cownden, Tweed and Akerman, "Random synaptic feedback
       weights support error backpropagation for deep learning", Nature
       Communications 7, 13276, 2016.
"""


_TUNE = """Tune first, in this order: ``learning_rate_init``,
    ``hidden_layer_sizes``, ``feedback_scale`` (the size of the random
    feedback, which sets the size of the hidden layers' updates). The user
    guide page :doc:`/user_guide/fa` opens with practical advice.
"""


_DOC = dict(
    rule="feedback alignment",
    prefix="FA",
    tune=_TUNE,
    parameters=_FA_PARAMETERS,
    attributes=_FA_ATTRIBUTE,
    see_also=[
        ("DFA", "the output error sent directly to every hidden layer."),
        ("BP", "the same network trained by back-propagation."),
    ],
    notes=_FA_NOTES,
)


@fill_doc
class FAClassifier(NetworkClassifierMixin, _FA):
    __doc__ = estimator_doc("classifier", **_DOC)


@fill_doc
class FARegressor(NetworkRegressorMixin, _FA):
    __doc__ = estimator_doc(
        "regressor",
        **{**_DOC, "attributes": _FA_ATTRIBUTE.rstrip() + "\n    " + TARGET_SCALING_ATTRIBUTES},
    )

    # Its updates scale with the output error, so that unscaled targets
    # diverge or stall: it trains on standardised targets, as LRARegressor.
    _standardize_targets = True

    # The regressor's own optimizer, chosen on the suite's regression tables
    # (doc/tabular_defaults.md): SGD at 0.01 on minibatches of 64 led there,
    # 1.5 points of R^2 above the classifier's adam at 3e-3.
    _own_defaults = {"solver": "sgd", "learning_rate_init": 0.01}
    _auto_batch_size = 64

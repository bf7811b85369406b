"""Direct feedback alignment (DFA): the output error sent straight to every layer.

Each hidden layer receives the output error through its own fixed random
matrix ``D_l``; no signal passes from one hidden layer to the next, so all
hidden layers can compute their updates at once.
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


class DirectFeedbackAlignmentRule(LearningRule):
    """``delta_l = (e_L D_l) * phi'(h_l)`` with fixed random ``D_l``."""

    def init_params(self, layer_units, rng, dtype):
        """Fixed feedback matrices ``D_l`` (``n_L x n_l``) for ``l = 1..L-1``."""
        n_out = layer_units[-1]
        shapes = [(n_out, n) for n in layer_units[1:-1]]
        every = range(len(shapes))  # each D_l carries the output error
        return {"feedback_matrices_": draw_feedback(self.estimator, shapes, rng, dtype, every)}

    def zero_init_problem(self, activation, param="activation"):
        """From zeros the rule trains iff ``phi'(0) != 0`` (the random feedback breaks symmetry)."""
        return zero_derivative_problem(activation, param)

    def directions(self, net, ws, Y, extra, extra_grads):
        D = extra["feedback_matrices_"]
        error = output_error(net, ws, Y)
        layer_directions(ws, net.n_layers, error)
        for l in range(net.n_layers - 1, 0, -1):
            delta = np.matmul(error, D[l - 1], out=ws.delta[l])
            layer_directions(ws, l, times_derivative(net, ws, l, delta))


class _DFA(BaseNetwork):
    """Hyperparameters of the direct-feedback-alignment estimators."""

    _own_constraints = FEEDBACK_CONSTRAINTS

    _rule_attributes = ("feedback_matrices_",)

    _own_defaults = FEEDBACK_RULE_DEFAULTS

    def _make_rule(self):
        return DirectFeedbackAlignmentRule(self)


_DFA_PARAMETERS = FEEDBACK_PARAMETERS.format(F="D_l")

_DFA_ATTRIBUTE = """feedback_matrices_ : list of ndarray
        ``feedback_matrices_[l - 1]`` is ``D_l`` of shape ``(n_L, n_l)``, the
        direct feedback to hidden layer ``l``; drawn once, never learned.
    """

_DFA_NOTES = """
    Notes
    -----
    With the output error ``e_L = z_L - Y``::

        delta_L = e_L
        delta_l = (e_L D_l) * phi'(h_l)                      l = L-1 .. 1
        dW_l = z_{l-1}^T delta_l / B,    db_l = mean(delta_l)

    With one hidden layer and ``D_1 = W_2^T`` this is back-propagation. The
    rule needs ``phi'``: with ``activation='sign'`` only the output layer
    learns (and a warning says so).

    References
    ----------
    .. [1] Nokland, "Direct Feedback Alignment Provides Learning in Deep
       Neural Networks", NeurIPS 2016.
"""


_TUNE = """Tune first, in this order: ``learning_rate_init``,
    ``hidden_layer_sizes``, ``feedback_scale`` (the size of the random
    feedback, which sets the size of the hidden layers' updates). The user
    guide page :doc:`/user_guide/dfa` opens with practical advice.
"""


_DOC = dict(
    rule="direct feedback alignment",
    prefix="DFA",
    tune=_TUNE,
    parameters=_DFA_PARAMETERS,
    attributes=_DFA_ATTRIBUTE,
    see_also=[
        ("FA", "the error sent down layer by layer through random matrices."),
        ("BP", "the same network trained by back-propagation."),
    ],
    notes=_DFA_NOTES,
)


@fill_doc
class DFAClassifier(NetworkClassifierMixin, _DFA):
    __doc__ = estimator_doc("classifier", **_DOC)


@fill_doc
class DFARegressor(NetworkRegressorMixin, _DFA):
    __doc__ = estimator_doc(
        "regressor",
        **{**_DOC, "attributes": _DFA_ATTRIBUTE.rstrip() + "\n    " + TARGET_SCALING_ATTRIBUTES},
    )

    # Its updates scale with the output error, so that unscaled targets
    # diverge or stall: it trains on standardised targets, as LRARegressor.
    _standardize_targets = True

    # The regressor's own optimizer, chosen on the suite's regression tables
    # (doc/tabular_defaults.md): SGD at 0.01 on minibatches of 64 led there,
    # 1.5 points of R^2 above the classifier's adam at 3e-3.
    _own_defaults = {"solver": "sgd", "learning_rate_init": 0.01}
    _auto_batch_size = 64

"""Back-propagation: the exact gradient of the task loss."""

import numpy as np

from .._base import BaseNetwork
from .._docstrings import estimator_doc, fill_doc
from .._mixins import NetworkClassifierMixin, NetworkRegressorMixin
from ._rule import LearningRule, layer_directions, output_error, times_derivative


class BackPropagationRule(LearningRule):
    """``delta_L = e_L``, ``delta_l = (delta_{l+1} W_{l+1}^T) * phi'(h_l)``."""

    def directions(self, net, ws, Y, extra, extra_grads):
        delta = output_error(net, ws, Y)
        for l in range(net.n_layers, 1, -1):
            layer_directions(ws, l, delta)
            below = np.matmul(delta, net.coefs[l - 1].T, out=ws.delta[l - 1])
            delta = times_derivative(net, ws, l - 1, below)
        layer_directions(ws, 1, delta)


class _BP(BaseNetwork):
    """Hyperparameters of the back-propagation estimators."""

    def _make_rule(self):
        return BackPropagationRule(self)


_SUMMARY = """The reference rule of the package. ``init`` defaults to
    ``'glorot_uniform'``: from ``init='zeros'`` back-propagation cannot train
    its hidden layers (their error passes through ``W^T = 0``).
"""

_NOTES = """
    Notes
    -----
    With the output error ``e_L = z_L - Y`` of softmax with cross-entropy (or
    identity with squared error)::

        delta_L = e_L
        delta_l = (delta_{l+1} W_{l+1}^T) * phi'(h_l)        l = L-1 .. 1
        dW_l = z_{l-1}^T delta_l / B,    db_l = mean(delta_l)

    References
    ----------
    .. [1] Rumelhart, Hinton and Williams, "Learning representations by
       back-propagating errors", Nature 323, 1986.
"""


_DOC = dict(
    rule="back-propagation",
    summary=_SUMMARY,
    see_also=[("LRA", "the same network trained by local representation alignment.")],
    notes=_NOTES,
)


@fill_doc
class BPClassifier(NetworkClassifierMixin, _BP):
    __doc__ = estimator_doc("classifier", **_DOC)


@fill_doc
class BPRegressor(NetworkRegressorMixin, _BP):
    __doc__ = estimator_doc("regressor", **_DOC)

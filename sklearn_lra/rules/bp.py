"""Back-propagation: the exact gradient of the task loss."""

import numpy as np

from .._base import BaseNetwork
from .._compat import StrOptions
from .._docstrings import estimator_doc, fill_doc
from .._lbfgs import LossAndGradient
from .._mixins import NetworkClassifierMixin, NetworkRegressorMixin
from .._training import TrainingState
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

    # The exact gradient of the task loss: L-BFGS can search along it.
    _global_loss = True

    def _make_rule(self):
        return BackPropagationRule(self)

    def _loss_grad_lbfgs(self, packed_coef_inter, X, y, sample_weight=None, *buffers):
        """``MLPClassifier``'s objective and gradient at packed parameters (for gradient checks).

        ``y`` is the encoded target (one-hot, or one column for two classes);
        the fitted weights become those of ``packed_coef_inter``, as in
        ``MLPClassifier``. The work arrays ``buffers`` MLP takes are ignored.
        """
        coefs = [W.copy() for W in self.coefs_]
        intercepts = [b.copy() for b in self.intercepts_]
        net = self._network_of(coefs, intercepts, self.out_activation_)
        state = TrainingState(net, self._make_rule(), {}, self, optimizers=[None])
        X, Y = np.asarray(X, dtype=coefs[0].dtype), np.asarray(y, dtype=coefs[0].dtype)
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        loss, grad = LossAndGradient(state, X, Y, sample_weight)(packed_coef_inter)
        self.coefs_, self.intercepts_ = coefs, intercepts
        return loss, grad


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


_TUNE = """Tune first, as for :class:`~sklearn.neural_network.MLPClassifier`:
    ``learning_rate_init`` (with ``solver``), ``hidden_layer_sizes``, then
    ``alpha``. The user guide page :doc:`/user_guide/bp` says where BP is
    MLPClassifier and where it differs.
"""


_DOC = dict(
    rule="back-propagation",
    prefix="BP",
    tune=_TUNE,
    summary=_SUMMARY,
    see_also=[("LRA", "the same network trained by local representation alignment.")],
    notes=_NOTES,
)


@fill_doc
class BPClassifier(NetworkClassifierMixin, _BP):
    __doc__ = estimator_doc("classifier", **_DOC)


_LOSS = """loss : {'squared_error', 'poisson'}, default='squared_error'
        Task loss, as ``MLPRegressor``'s: half the squared error with an
        identity output, or half the Poisson deviance with an ``exp`` output
        (a log link; ``y`` must be non-negative)."""


@fill_doc
class BPRegressor(NetworkRegressorMixin, _BP):
    __doc__ = estimator_doc("regressor", parameters=_LOSS, **_DOC)

    _own_defaults = {"loss": "squared_error"}
    _own_constraints = {"loss": [StrOptions({"squared_error", "poisson"})]}

    def _encode_targets(self, y, first, classes, dtype):
        Y = super()._encode_targets(y, first, classes, dtype)
        if self.loss == "poisson" and (Y < 0).any():
            raise ValueError(
                "loss='poisson' needs non-negative targets (counts or rates): y has "
                f"{int((Y < 0).sum())} negative value(s). Use loss='squared_error'."
            )
        return Y

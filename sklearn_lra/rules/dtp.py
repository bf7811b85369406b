"""Difference target propagation (DTP): targets sent down through learned inverses.

The top hidden layer's target is one gradient step away from its output;
each target below is the layer's output moved by the difference that the
learned inverse ``g_l`` makes between the target and the output above. Each
layer then moves towards its target with a local loss, and each inverse
learns to reconstruct a noisy copy of the layer below it.
"""

from numbers import Integral, Real

import numpy as np

from .._base import BaseNetwork
from .._compat import Interval
from .._docstrings import estimator_doc, fill_doc
from .._initializers import AUTO_NONZERO_INIT, init_matrix, resolve_init
from .._mixins import TARGET_SCALING_ATTRIBUTES, NetworkClassifierMixin, NetworkRegressorMixin
from ._rule import LearningRule, layer_directions, output_error, times_derivative

_INVERSES = ("inverse_coefs_", "inverse_intercepts_")


def _affine_phi(phi, A, V, c):
    """``phi(A V + c)`` in a new array: a layer or an inverse applied off the workspace."""
    out = A @ V
    out += c
    return phi.forward(out, out=out)


def _mean_directions(A, error, sample_weight, grad_V, grad_c):
    """``dV = A^T e / B`` and ``dc = mean(e)`` into the buffers, sample-weighted if set."""
    if sample_weight is not None:
        error = error * sample_weight
    np.matmul(A.T, error, out=grad_V)
    grad_V /= error.shape[0]
    np.mean(error, axis=0, out=grad_c)


class DifferenceTargetPropagationRule(LearningRule):
    """The DTP rule; see :class:`DTPClassifier` for the equations."""

    def __init__(self, estimator):
        super().__init__(estimator)
        # Python floats keep float32 in-place arithmetic in float32.
        self.eta = float(estimator.target_step)
        self.sigma = float(estimator.noise_scale)
        self.inverse_rate = float(estimator.inverse_learning_rate)
        self.inverse_steps = estimator.inverse_steps
        # The noise continues the estimator's random stream, so fits are reproducible.
        self.rng = getattr(estimator, "_random_state", None)
        self.n_minibatches = 0

    def zero_init_problem(self, activation, param="activation"):
        """DTP's top target moves along ``W_L^T``: from zeros, as back-propagation."""
        return (
            "the top hidden target moves along the transposed output weights, which are "
            "zero, and every unit of a hidden layer starts identical to its neighbours, "
            "so the hidden layers never learn distinct features"
        )

    def init_params(self, layer_units, rng, dtype):
        """Inverses ``V_l`` (``n_l x n_{l-1}``) and ``c_l`` for ``l = 2..L-1``.

        ``V_l`` is drawn like the forward weights, except that it is never
        all zero: a zero inverse sends no target down, whatever it learns
        first (its direction ``f^T eps`` starts identical for every unit).
        """
        self.rng = rng
        est = self.estimator
        scheme, scale = resolve_init(est.init, self, est.activation), est.init_scale
        if scheme == "zeros":
            scheme, scale = AUTO_NONZERO_INIT, None
        hidden = range(2, len(layer_units) - 1)
        V = [
            init_matrix(scheme, (layer_units[l], layer_units[l - 1]), rng, scale, dtype)
            for l in hidden
        ]
        c = [np.zeros(layer_units[l - 1], dtype=dtype) for l in hidden]
        return {"inverse_coefs_": V, "inverse_intercepts_": c}

    def learning_rates(self):
        """The inverses learn at ``inverse_learning_rate`` times the forward rate."""
        if not self.inverse_rate:
            return {}
        return dict.fromkeys(_INVERSES, self.inverse_rate)

    def directions(self, net, ws, Y, extra, extra_grads):
        if extra_grads:
            for l in range(2, net.n_layers):
                self._inverse_directions(net, ws, l, extra, extra_grads)
        self.n_minibatches += 1
        self.trains_forward = not self.n_minibatches % self.inverse_steps
        if not self.trains_forward:
            # The engine skips the forward step; zero directions say the same to any other caller.
            for g in ws.directions:
                g.fill(0)
            return
        self._forward_directions(net, ws, Y, extra)

    # ----------------------------------------------------------- forward weights

    def _forward_directions(self, net, ws, Y, extra):
        """Targets top-down, then each layer's local gradient towards its target."""
        L = net.n_layers
        error = output_error(net, ws, Y)
        layer_directions(ws, L, error)
        if L == 1:
            return
        # miss_l = (z_l - zhat_l) / eta; at the top it is dLoss/dz_{L-1} itself.
        miss = np.matmul(error, net.coefs[L - 1].T, out=ws.delta[L - 1])
        np.multiply(miss, -self.eta, out=ws.target[L - 1])
        ws.target[L - 1] += ws.z[L - 1]
        for l in range(L - 1, 0, -1):
            if l > 1:
                self._target_below(net, ws, l, extra)
            layer_directions(ws, l, times_derivative(net, ws, l, ws.delta[l]))

    def _target_below(self, net, ws, l, extra):
        """``zhat_{l-1} = z_{l-1} + g_l(zhat_l) - g_l(z_l)`` and its scaled miss."""
        V, c = extra["inverse_coefs_"][l - 2], extra["inverse_intercepts_"][l - 2]
        target, miss = ws.target[l - 1], ws.delta[l - 1]
        phi = net.phi_at(l - 1)  # g_l maps layer l back to layer l - 1
        np.subtract(
            _affine_phi(phi, ws.target[l], V, c), _affine_phi(phi, ws.z[l], V, c), out=target
        )
        np.multiply(target, -1.0 / self.eta, out=miss)
        target += ws.z[l - 1]

    # ----------------------------------------------------------------- inverses

    def _inverse_directions(self, net, ws, l, extra, extra_grads):
        """Gradient of ``||g_l(f_l(zc)) - zc||^2 / 2`` in ``V_l, c_l``, ``zc`` noisy."""
        i = l - 2
        V, c = extra["inverse_coefs_"][i], extra["inverse_intercepts_"][i]
        z_below = ws.z[l - 1]
        noisy = self.rng.standard_normal(z_below.shape).astype(z_below.dtype, copy=False)
        noisy *= self.sigma
        noisy += z_below
        f = _affine_phi(net.phi_at(l), noisy, net.coefs[l - 1], net.intercepts[l - 1])
        u = f @ V
        u += c
        phi_below = net.phi_at(l - 1)
        r = phi_below.forward(u, out=np.empty_like(u))
        # Not in place: some derivatives read ``u`` after writing ``out``.
        error = phi_below.derivative(u, r, out=np.empty_like(u))
        error *= r - noisy
        _mean_directions(
            f,
            error,
            ws.sample_weight,
            extra_grads["inverse_coefs_"][i],
            extra_grads["inverse_intercepts_"][i],
        )


class _DTP(BaseNetwork):
    """Hyperparameters of the difference-target-propagation estimators."""

    _own_constraints = {
        "target_step": [Interval(Real, 0, None, closed="neither")],
        "noise_scale": [Interval(Real, 0, None, closed="left")],
        "inverse_learning_rate": [Interval(Real, 0, None, closed="left")],
        "inverse_steps": [Interval(Integral, 1, None, closed="left")],
    }

    _rule_attributes = _INVERSES

    # 1: the inverses are never drawn all zero (init='zeros' drew them so); with
    #    inverse_steps > 1, momentum, Adam and weight decay no longer move the
    #    forward weights on the minibatches that train only the inverses.
    _rule_revision = 1

    _own_defaults = {
        "target_step": 0.1,
        "noise_scale": 1.0,
        "inverse_learning_rate": 1.0,
        "inverse_steps": 1,
    }

    def _make_rule(self):
        return DifferenceTargetPropagationRule(self)


_DTP_PARAMETERS = """target_step : float, default=0.1
        ``eta``, the step of the top hidden target along the per-sample
        gradient: ``zhat_{L-1} = z_{L-1} - eta * dloss/dz_{L-1}``. Hidden
        layers minimise ``||z_l - zhat_l||^2 / (2 eta)``, so ``eta`` sets how
        far targets move (how much the inverses must extrapolate), not the
        size of the weight updates.
    noise_scale : float, default=1.0
        ``sigma``, the standard deviation of the Gaussian noise added to a
        layer's output before its inverse learns to reconstruct it.
    inverse_learning_rate : float, default=1.0
        Learning rate of the inverses ``V_l, c_l`` as a multiple of the
        forward learning rate (it follows the same schedule and solver);
        0 freezes them.
    inverse_steps : int, default=1
        Inverse updates per forward update. The inverses learn on every
        minibatch; the forward weights on every ``inverse_steps``-th one (on
        the others they are left alone: no step, no momentum, no weight
        decay). 1 trains both on every minibatch.
"""

_DTP_ATTRIBUTES = """inverse_coefs_ : list of ndarray
        ``inverse_coefs_[l - 2]`` is ``V_l`` of shape ``(n_l, n_{l-1})``, the
        weight of the learned inverse ``g_l`` of hidden layer ``l = 2..L-1``
        (empty with one hidden layer, where no inverse is needed).
    inverse_intercepts_ : list of ndarray
        ``inverse_intercepts_[l - 2]`` is ``c_l`` of shape ``(n_{l-1},)``.
    """

_DTP_NOTES = """
    Notes
    -----
    The inverse of hidden layer ``l >= 2`` is ``g_l(z) = phi(z V_l + c_l)``.
    With the output error ``e_L = z_L - Y``, targets are computed top-down::

        zhat_{L-1} = z_{L-1} - eta * e_L W_L^T
        zhat_{l-1} = z_{l-1} + g_l(zhat_l) - g_l(z_l)          l = L-1 .. 2

    and every weight follows the gradient of its own local loss::

        delta_L = e_L                                          (task loss)
        delta_l = (z_l - zhat_l) / eta * phi'(h_l)             l < L
        dW_l = z_{l-1}^T delta_l / B,    db_l = mean(delta_l)

    Each inverse learns to undo its layer on a corrupted input
    ``zc = z_{l-1} + sigma * N(0, 1)``, with ``u = phi(zc W_l + b_l) V_l + c_l``::

        eps_l = (phi(u) - zc) * phi'(u)
        dV_l = phi(zc W_l + b_l)^T eps_l / B,    dc_l = mean(eps_l)

    The loss of a hidden layer is divided by ``eta`` so that its weight
    updates keep the size of back-propagation's: the original code used
    RMSprop, which is blind to that scale, and ``solver='adam'`` is too. With
    one hidden layer no inverse is involved and DTP is back-propagation.

    The original code trains the inverses for one epoch, then the forward
    weights for one epoch, with RMSprop; here both learn from every minibatch
    with the estimator's solver (``inverse_steps`` trains the inverses more
    often). Its ``eta = 0.327`` applies to a loss averaged over 100 samples,
    so it is ``eta = 0.0033`` here; ``eta`` between 0.01 and 1 trains alike on
    digits, and ``sigma = 1`` beat the original ``0.36`` there. The rule
    needs ``phi'`` (both local losses go through it), so with
    ``activation='sign'`` only the output layer learns and a warning says so.

    References
    ----------
    .. [1] Lee, Zhang, Fischer and Bengio, "Difference Target Propagation",
       ECML PKDD 2015, arXiv:1412.7525.
"""


_TUNE = """Tune first, as for back-propagation (with one hidden layer DTP is
    back-propagation): ``learning_rate_init``, ``hidden_layer_sizes``, then
    ``alpha``; from two hidden layers on, then ``target_step`` and
    ``inverse_learning_rate``, which the defaults study did not tune
    (``target_step`` from 0.01 to 1 trained alike on digits). The user guide
    page :doc:`/user_guide/dtp` opens with practical advice.
"""


_DOC = dict(
    rule="difference target propagation",
    prefix="DTP",
    tune=_TUNE,
    parameters=_DTP_PARAMETERS,
    attributes=_DTP_ATTRIBUTES,
    see_also=[
        ("LRA", "targets sent down through random feedback matrices."),
        ("BP", "the same network trained by back-propagation."),
    ],
    notes=_DTP_NOTES,
)


@fill_doc
class DTPClassifier(NetworkClassifierMixin, _DTP):
    __doc__ = estimator_doc("classifier", **_DOC)


@fill_doc
class DTPRegressor(NetworkRegressorMixin, _DTP):
    __doc__ = estimator_doc(
        "regressor",
        **{**_DOC, "attributes": _DTP_ATTRIBUTES.rstrip() + "\n    " + TARGET_SCALING_ATTRIBUTES},
    )

    # Its updates scale with the output error, so that unscaled targets
    # diverge or stall: it trains on standardised targets, as LRARegressor.
    _standardize_targets = True

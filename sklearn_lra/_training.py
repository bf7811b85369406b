"""The minibatch loop: one epoch of forward passes, rule directions and steps.

Kept apart from the estimator so that the per-minibatch path is short and
easy to profile: everything here runs once per minibatch or once per epoch.
"""

import numpy as np
import scipy.sparse as sp

from ._network import Workspace
from ._optimizers import make_optimizer


class TrainingState:
    """Everything a fit mutates, so that a failed fit never touches the estimator.

    Parameters
    ----------
    net : Network
        The network being trained (its arrays are private copies).
    rule : LearningRule
        The learning rule.
    extra : dict
        The rule's own parameters (feedback or inverse weights).
    estimator : BaseNetwork
        Source of the optimizer settings.
    optimizers : list or None
        Optimizers carried over from an earlier fit, or None for new ones.
    """

    def __init__(self, net, rule, extra, estimator, optimizers=None):
        self.net, self.rule, self.extra = net, rule, extra
        self.alpha = estimator.alpha
        rates = rule.learning_rates()
        self.extra_grads = {k: [np.empty_like(a) for a in extra[k]] for k in rates}
        groups = [(net.params, 1.0)] + [(extra[k], rates[k]) for k in rates]
        self.groups = groups
        self.optimizers = optimizers or [
            make_optimizer(estimator.solver, params, estimator) for params, _ in groups
        ]
        self.ws = None

    def workspace(self, batch_size, X):
        """The workspace for ``batch_size`` rows, made on first use."""
        if self.ws is None or self.ws.batch_size < batch_size:
            self.ws = Workspace(self.net.layer_units(), batch_size, self.net.coefs[0].dtype)
            self.ws.x_buffer = (
                None if sp.issparse(X) else np.empty((batch_size, X.shape[1]), dtype=X.dtype)
            )
        return self.ws

    def step(self, ws, learning_rate, alpha):
        """Add the L2 term to the directions and move every parameter group."""
        n_rows = ws.z[1].shape[0]
        if alpha:
            for W, g in zip(self.net.coefs, ws.coef_grads):
                g += (alpha / n_rows) * W
        directions = [ws.directions] + [self.extra_grads[k] for k in self.extra_grads]
        for opt, (params, rate), dirs in zip(self.optimizers, self.groups, directions):
            opt.step(params, dirs, learning_rate * rate)


def _gather(X, Y, sw, idx, ws):
    """The minibatch rows ``idx`` of ``X``, ``Y`` and weights, copied once."""
    if ws.x_buffer is None:
        Xb = X[idx]
    else:
        Xb = np.take(X, idx, axis=0, out=ws.x_buffer[: len(idx)])
    return Xb, Y[idx], None if sw is None else sw[idx]


def _set_weights(ws, sw_batch):
    """Store the minibatch weights as a column normalised to mean one."""
    if sw_batch is None:
        ws.sample_weight = None
        return
    total = sw_batch.sum()
    scale = len(sw_batch) / total if total > 0 else 0.0
    ws.sample_weight = (sw_batch * scale)[:, None].astype(ws.z[1].dtype, copy=False)


def run_epoch(state, X, Y, sw, batch_size, rng, shuffle, schedule):
    """Train one epoch; returns the sample-weighted mean task loss.

    ``schedule(n_seen)`` returns the learning rate before each minibatch
    (``n_seen`` counts the samples of this epoch already used).
    """
    n = X.shape[0]
    order = rng.permutation(n) if shuffle else None
    ws_full = state.workspace(min(batch_size, n), X)
    net, rule, alpha = state.net, state.rule, state.alpha
    total = 0.0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        ws = ws_full.rows(stop - start)
        if order is None:
            Xb, Yb = X[start:stop], Y[start:stop]
            swb = None if sw is None else sw[start:stop]
        else:
            Xb, Yb, swb = _gather(X, Y, sw, order[start:stop], ws_full)
        _set_weights(ws, swb)
        out = net.forward(Xb, ws)
        total += net.loss_fn(Yb, out, swb) * (stop - start if swb is None else swb.sum())
        rule.directions(net, ws, Yb, state.extra, state.extra_grads)
        state.step(ws, schedule(start), alpha)
    weight = n if sw is None else sw.sum()
    return total / weight if weight > 0 else 0.0

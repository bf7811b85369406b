"""The interface every learning rule implements, and the helpers they share."""

import numpy as np

from .._network import transpose_matmul_into


class LearningRule:
    """Turns the forward pass of a minibatch into descent directions.

    A rule is built for one ``fit`` from its estimator's parameters. The engine
    calls :meth:`init_params` once, then, for every minibatch, runs the forward
    pass and calls :meth:`directions`, which must fill ``ws.coef_grads`` and
    ``ws.intercept_grads`` (and ``extra_grads`` for the rule's learned
    parameters) with descent directions: the optimizer does
    ``p <- p - lr * direction``.

    Parameters
    ----------
    estimator : BaseNetwork
        The estimator whose hyperparameters configure the rule.
    """

    #: Whether the rule needs ``phi'`` to send a signal to hidden layers.
    needs_derivative = True

    def __init__(self, estimator):
        self.estimator = estimator

    def init_params(self, layer_units, rng, dtype):
        """The rule's own parameters: ``{fitted attribute name: list of arrays}``."""
        return {}

    def learning_rates(self):
        """Learned rule parameters: ``{attribute name: learning-rate multiplier}``."""
        return {}

    def directions(self, net, ws, Y, extra, extra_grads):
        """Fill the direction buffers for one minibatch whose forward pass is in ``ws``.

        Parameters
        ----------
        net : Network
            The network, after ``net.forward`` on this minibatch.
        ws : Workspace
            Forward pass, scratch arrays and direction buffers.
        Y : ndarray of shape (batch, n_outputs)
            One-hot targets (classifier) or targets (regressor).
        extra : dict
            The rule's parameters, as returned by :meth:`init_params`.
        extra_grads : dict
            Direction buffers for the learned ones among ``extra``.
        """
        raise NotImplementedError


def output_error(net, ws, Y):
    """``e_L = z_L - Y`` into ``ws.delta[L]``: the output error of every task loss."""
    L = net.n_layers
    return np.subtract(ws.z[L], Y, out=ws.delta[L])


def layer_directions(ws, l, error):
    """``dW_l = z_{l-1}^T e_l / B`` and ``db_l = mean(e_l)``, sample-weighted if set.

    ``ws.sample_weight`` is a column normalised to mean one, so the weighted
    and the unweighted averages share one code path. The ``1 / B`` (and the
    weights) scale the ``(B, n_l)`` error before the product rather than the
    ``(n_{l-1}, n_l)`` result: one pass over a minibatch-sized array instead
    of one over the weights. ``error`` itself is left unchanged.
    """
    scaled = np.multiply(error, 1.0 / error.shape[0], out=ws.weighted[l])
    if ws.sample_weight is not None:
        scaled *= ws.sample_weight
    grad_W = transpose_matmul_into(ws.z[l - 1], scaled, ws.coef_grads[l - 1])
    np.sum(scaled, axis=0, out=ws.intercept_grads[l - 1])
    return grad_W


def cap_norm(a, cap):
    """Scale ``a`` in place so that its Frobenius norm is at most ``cap``."""
    if cap is None:
        return a
    norm = np.sqrt(np.vdot(a, a))
    if norm > cap:
        a *= cap / norm
    return a


def cap_row_norms(a, cap):
    """Scale each row of ``a`` in place so that its Euclidean norm is at most ``cap``."""
    if cap is None:
        return a
    norms = np.sqrt(np.einsum("ij,ij->i", a, a))[:, None]
    np.maximum(norms, cap, out=norms)
    a *= cap / norms
    return a


def times_derivative(net, ws, l, a):
    """``a *= phi'(h_l)``, using ``ws.scratch[l]`` for the derivative."""
    a *= net.phi.derivative(ws.h[l], ws.z[l], ws.scratch[l])
    return a

"""The interface every learning rule implements, and the helpers they share."""

import math

import numpy as np

from .._activations import ACTIVATIONS
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

    #: The scheme ``init='auto'`` draws the forward weights from (``'mlp'``,
    #: MLPClassifier's own initialisation).
    auto_init = "mlp"

    #: Whether the optimizer moves the forward weights after this minibatch's
    #: directions. A rule that only trains its own parameters on some
    #: minibatches (DTP with ``inverse_steps > 1``) sets it to False for them,
    #: so that neither momentum nor weight decay moves what it did not train.
    trains_forward = True

    def __init__(self, estimator):
        self.estimator = estimator

    def derivative_remedy(self):
        """What to do when the rule needs ``phi'`` and the activation has none."""
        return "Use LRAClassifier / LRARegressor, or a differentiable activation."

    def zero_init_problem(self, activation, param="activation"):
        """Why all-zero forward weights cannot train with ``activation``, or None.

        ``param`` is the parameter that named the units, for the message.

        The default is back-propagation's: the error reaches the hidden layers
        through ``W^T``, which is zero, and every hidden unit of a layer
        computes the same function, so they stay identical.
        """
        return (
            "the error reaches the hidden layers through the transposed forward "
            "weights, which are zero, and every unit of a hidden layer starts "
            "identical to its neighbours, so the hidden layers never learn distinct features"
        )

    def setting_problems(self, activation, param="activation"):
        """Why the rule's settings cannot train with ``activation``, whatever the init.

        ``param`` is the parameter that named the units, for the message.

        Returns
        -------
        problems : list of str
            One sentence per problem; empty when the settings can train.
        """
        return []

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
    # The ufunc's reduce directly: np.sum's Python wrapper costs as much as
    # the sum itself on small layers, once per layer and minibatch.
    np.add.reduce(scaled, axis=0, out=ws.intercept_grads[l - 1])
    return grad_W


def cap_norm(a, cap):
    """Scale ``a`` in place so that its Frobenius norm is at most ``cap``."""
    if cap is None:
        return a
    norm = math.sqrt(np.vdot(a, a))
    if norm > cap:
        a *= cap / norm
    return a


def times_derivative(net, ws, l, a):
    """``a *= phi'(h_l)``, using ``ws.scratch[l]`` for the derivative."""
    a *= net.phi_at(l).derivative(ws.h[l], ws.z[l], ws.scratch[l])
    return a


def derivative_at_zero(activation):
    """The largest ``phi'(0)`` of the named activation's units (LWTA: the block winner)."""
    act = ACTIVATIONS[activation]
    h = np.zeros((1, 4))
    return float(act.derivative(h, act.forward(h, np.empty_like(h)), np.empty_like(h)).max())


def zero_derivative_problem(activation, param="activation"):
    """Why an error multiplied by ``phi'(h)`` vanishes at ``h = 0``, or None.

    For a rule whose hidden errors carry ``phi'(h)``: from all-zero weights
    every ``h`` is zero, so with ``phi'(0) = 0`` (ReLU, ReLU-6) no hidden
    layer ever receives an error. Activations with no gradient anywhere
    (signum) are left to the engine's own warning.
    """
    if not ACTIVATIONS[activation].has_gradient or derivative_at_zero(activation) != 0:
        return None
    return (
        f"{param}={activation!r} has phi'(0) = 0 and every pre-activation starts at 0, "
        "so the error sent to the hidden layers of these units, multiplied by phi'(h), is zero"
    )

"""Run one learning rule on one minibatch, outside the training loop."""

import numpy as np

from sklearn_lra._network import Network, Workspace


def random_network(units, activation, output="softmax", seed=0, scale=0.5, input_activation=None):
    """A network with Gaussian weights and biases of the given widths."""
    rng = np.random.RandomState(seed)
    coefs = [scale * rng.randn(a, b) for a, b in zip(units[:-1], units[1:])]
    intercepts = [0.1 * rng.randn(b) for b in units[1:]]
    return Network(coefs, intercepts, activation, output, input_activation)


def rule_directions(rule, net, X, Y, extra=None):
    """The rule's descent directions for ``(X, Y)``: (dW list, db list, extra dict)."""
    extra = extra or {}
    extra_grads = {k: [np.empty_like(a) for a in extra[k]] for k in rule.learning_rates()}
    ws = Workspace(net.layer_units(), X.shape[0], X.dtype)
    net.forward(X, ws)
    rule.directions(net, ws, Y, extra, extra_grads)
    copy = [g.copy() for g in ws.coef_grads], [g.copy() for g in ws.intercept_grads]
    return copy[0], copy[1], {k: [g.copy() for g in v] for k, v in extra_grads.items()}


def one_hot(y, n_classes):
    """Rows of the identity matrix picked by ``y``."""
    return np.eye(n_classes)[y]

"""Stochastic optimizers that update flat lists of arrays in place.

They know nothing about networks: ``step(params, directions, learning_rate)``
moves every ``params[i]`` against ``directions[i]``. Directions are scratch
buffers owned by the caller and are overwritten: they serve as the only
temporary, so a step allocates nothing. Scalars are made Python floats first
because a numpy float64 scalar would turn every float32 in-place operation
into a float64 loop with casts (several times slower).

Each optimizer carries the current ``learning_rate`` of its fit, as
scikit-learn's ``SGDOptimizer`` / ``AdamOptimizer`` do: the epoch loop
schedules it (``'invscaling'``, ``'adaptive'``), a ``partial_fit`` keeps it
with the optimizer, a new fit starts again from ``learning_rate_init``.
"""

import numpy as np


class SGD:
    """Stochastic gradient descent with optional (Nesterov) momentum.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update, in place.
    momentum : float
        Momentum ``mu``; 0 gives plain SGD.
    nesterov : bool
        Use Nesterov's momentum.
    learning_rate : float, default=0.1
        The current (scheduled) learning rate; :meth:`step` takes its own.

    Notes
    -----
    With velocity ``v`` and learning rate ``lr``::

        v <- mu v - lr g
        p <- p + v                      (classical)
        p <- p + mu v - lr g            (Nesterov)

    ``velocities`` holds ``v`` for classical momentum and ``mu v`` for
    Nesterov's, which makes its step one pass over the parameters shorter.
    """

    def __init__(self, params, momentum=0.9, nesterov=True, learning_rate=0.1):
        self.learning_rate = float(learning_rate)
        self.momentum = momentum
        self.nesterov = nesterov and momentum > 0
        self.velocities = [np.zeros_like(p) for p in params] if momentum else None

    def step(self, params, directions, learning_rate):
        """Apply one update; ``directions`` are overwritten."""
        lr, mu = float(learning_rate), float(self.momentum)
        if not mu:
            for p, g in zip(params, directions):
                g *= lr
                p -= g
            return
        update = _nesterov_step if self.nesterov else _momentum_step
        for p, g, v in zip(params, directions, self.velocities):
            update(p, g, v, mu, lr)


def _momentum_step(p, g, v, mu, lr):
    """``v <- mu v - lr g; p <- p + v`` in place (``g`` becomes ``lr g``)."""
    g *= lr
    v *= mu
    v -= g
    p += v


def _nesterov_step(p, g, u, mu, lr):
    """Nesterov in place with ``u = mu v`` stored (``g`` becomes ``lr g``).

    ``v <- u - lr g``, then ``u <- mu v`` and ``p <- p + u - lr g``: keeping
    ``mu v`` rather than ``v`` saves one pass over the parameters.
    """
    g *= lr
    u -= g
    u *= mu
    p += u
    p -= g


class Adam:
    """Adam (Kingma and Ba, 2015) with bias correction folded into the step size.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update, in place.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moment for stability.
    learning_rate : float, default=0.001
        The base learning rate (Adam follows no schedule, as in ``MLPClassifier``).

    Notes
    -----
    ::

        m <- b1 m + (1 - b1) g
        s <- b2 s + (1 - b2) g^2
        p <- p - lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(s) + eps)
    """

    def __init__(self, params, beta_1=0.9, beta_2=0.999, epsilon=1e-8, learning_rate=0.001):
        self.learning_rate = float(learning_rate)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]

    def step(self, params, directions, learning_rate):
        """Apply one update; ``directions`` are overwritten."""
        self.t += 1
        b1, b2, eps = float(self.beta_1), float(self.beta_2), float(self.epsilon)
        lr = float(learning_rate) * (1 - b2**self.t) ** 0.5 / (1 - b1**self.t)
        for p, g, m, s in zip(params, directions, self.first, self.second):
            _adam_moments(g, m, s, b1, b2)
            # g is free now: it holds the denominator, then the step.
            np.sqrt(s, out=g)
            g += eps
            np.divide(m, g, out=g)
            g *= lr
            p -= g


def _adam_moments(g, m, s, b1, b2):
    """``m <- b1 m + (1 - b1) g`` and ``s <- b2 s + (1 - b2) g^2`` in place; clobbers ``g``."""
    # Scaling g first lets it serve as the only temporary: ((1 - b1) g)^2 is
    # rescaled to (1 - b2) g^2 (beta_1 < 1 by the parameter constraints).
    m *= b1
    g *= 1 - b1
    m += g
    np.square(g, out=g)
    g *= (1 - b2) / (1 - b1) ** 2
    s *= b2
    s += g


def make_optimizer(solver, params, estimator):
    """Build the optimizer named by ``solver`` with the estimator's settings."""
    if solver == "lbfgs":
        return None  # full-batch: sklearn_lra._lbfgs, no per-step state
    rate = estimator.learning_rate_init
    if solver == "sgd":
        return SGD(params, estimator.momentum, estimator.nesterovs_momentum, rate)
    return Adam(params, estimator.beta_1, estimator.beta_2, estimator.epsilon, rate)


_OPTIMIZERS = {"SGD": SGD, "Adam": Adam}


def optimizer_to_state(optimizer):
    """The optimizer as a dict of plain data: its class name, numbers and arrays."""
    return {"kind": type(optimizer).__name__, **vars(optimizer)}


def optimizer_from_state(state):
    """The optimizer that :func:`optimizer_to_state` described."""
    state = dict(state)
    cls = _OPTIMIZERS[state.pop("kind")]
    optimizer = cls.__new__(cls)
    optimizer.__dict__.update(state)
    return optimizer

"""Each optimizer step against its closed form."""

import numpy as np

from sklearn_lra._optimizers import SGD, Adam


def _problem():
    rng = np.random.RandomState(0)
    return [rng.randn(3, 2), rng.randn(2)], [[rng.randn(3, 2), rng.randn(2)] for _ in range(3)]


def test_plain_sgd_step():
    """Without momentum: p <- p - lr g."""
    params, grads = _problem()
    expected = [p - 0.1 * g for p, g in zip(params, grads[0])]
    opt = SGD(params, momentum=0.0, nesterov=False)
    opt.step(params, [g.copy() for g in grads[0]], 0.1)
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p, e)


def test_momentum_and_nesterov_steps():
    """Classical: v <- mu v - lr g, p <- p + v. Nesterov: p <- p + mu v - lr g."""
    for nesterov in (False, True):
        params, grads = _problem()
        ref = [p.copy() for p in params]
        vel = [np.zeros_like(p) for p in params]
        opt = SGD(params, momentum=0.9, nesterov=nesterov)
        for g in grads:
            opt.step(params, [a.copy() for a in g], 0.05)
            for i, gi in enumerate(g):
                vel[i] = 0.9 * vel[i] - 0.05 * gi
                ref[i] = ref[i] + (0.9 * vel[i] - 0.05 * gi if nesterov else vel[i])
        for p, r in zip(params, ref):
            np.testing.assert_allclose(p, r)


def test_adam_steps():
    """Adam with bias correction, written out for three steps."""
    params, grads = _problem()
    ref = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    s = [np.zeros_like(p) for p in params]
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.01
    opt = Adam(params, b1, b2, eps)
    for t, g in enumerate(grads, start=1):
        opt.step(params, [a.copy() for a in g], lr)
        for i, gi in enumerate(g):
            m[i] = b1 * m[i] + (1 - b1) * gi
            s[i] = b2 * s[i] + (1 - b2) * gi**2
            step = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
            ref[i] = ref[i] - step * m[i] / (np.sqrt(s[i]) + eps)
    for p, r in zip(params, ref):
        np.testing.assert_allclose(p, r)

"""Every rule against a second, deliberately naive implementation of its equations.

The naive versions are written from the equations of the user guide (one
sample at a time, explicit loops over layers, plain Python floats and small
numpy vectors), and share no code with the package: not its activations,
losses, caps or workspace. One minibatch's descent directions must agree.
Then hand-worked examples for the cases where a wrong formula could hide in
the loops as well: LRA's target refinement (``K = 2``), DTP's inverse
training (noise and ``phi'(u)``) and DTP against plain target propagation.
"""

import math

import numpy as np
import pytest

from sklearn_lra import (
    BPClassifier,
    DFAClassifier,
    DTPClassifier,
    DTPRegressor,
    FAClassifier,
    LRAClassifier,
)
from sklearn_lra.rules.bp import BackPropagationRule
from sklearn_lra.rules.dfa import DirectFeedbackAlignmentRule
from sklearn_lra.rules.dtp import DifferenceTargetPropagationRule
from sklearn_lra.rules.fa import FeedbackAlignmentRule
from sklearn_lra.rules.lra import LocalRepresentationAlignmentRule

from ._rules import one_hot, random_network, rule_directions

UNITS = [4, 5, 4, 3]

# --------------------------------------------------------------- naive pieces


def _sigmoid(a):
    return 1.0 / (1.0 + math.exp(-a))


#: phi and phi' of single numbers, written out.
PHI = {
    "tanh": (math.tanh, lambda a: 1.0 - math.tanh(a) ** 2),
    "softplus": (lambda a: math.log1p(math.exp(a)), _sigmoid),
    "relu6": (lambda a: min(max(a, 0.0), 6.0), lambda a: 1.0 if 0.0 < a < 6.0 else 0.0),
    "identity": (lambda a: a, lambda a: 1.0),
}

#: The derivative rho' of each local loss, of a single number.
RHO_PRIME = {"squared": lambda u: u, "cauchy": lambda u: 2.0 * u / (1.0 + u * u)}


def _vec(f, v):
    return np.array([f(a) for a in v])


def _softmax(v):
    m = max(v)
    e = [math.exp(a - m) for a in v]
    s = sum(e)
    return np.array([a / s for a in e])


def _forward_one(coefs, intercepts, x, act, output):
    """``h`` and ``z`` of one sample, lists indexed by layer (``h[0]`` unused)."""
    phi = PHI[act][0]
    h, z = [None], [np.asarray(x, dtype=float)]
    L = len(coefs)
    for l in range(1, L + 1):
        W, b = coefs[l - 1], intercepts[l - 1]
        h_l = np.array(
            [
                sum(z[l - 1][i] * W[i, j] for i in range(W.shape[0])) + b[j]
                for j in range(W.shape[1])
            ]
        )
        h.append(h_l)
        if l < L:
            z.append(_vec(phi, h_l))
        else:
            z.append(_softmax(h_l) if output == "softmax" else h_l.copy())
    return h, z


def _accumulate(dW, db, l, z_below, err, B):
    """``dW_l += z_{l-1}^T e_l / B`` and ``db_l += e_l / B`` for one sample."""
    dW[l - 1] += np.outer(z_below, err) / B
    db[l - 1] += err / B


def _zeros_like_net(net):
    return [np.zeros_like(W) for W in net.coefs], [np.zeros_like(b) for b in net.intercepts]


# ---------------------------------------------------------- BP, FA, DFA naive


def _naive_feedback(net, X, Y, act, feedback=None, direct=None):
    """BP (``W_{l+1}^T``), FA (``F_{l+1}``) or DFA (``D_l``) one sample at a time."""
    dphi = PHI[act][1]
    dW, db = _zeros_like_net(net)
    L, B = net.n_layers, X.shape[0]
    for b in range(B):
        h, z = _forward_one(net.coefs, net.intercepts, X[b], act, "softmax")
        delta = {L: z[L] - Y[b]}
        for l in range(L - 1, 0, -1):
            if direct is not None:
                back = delta[L] @ direct[l - 1]  # e_L D_l
            elif feedback is not None:
                back = delta[l + 1] @ feedback[l - 1]  # delta_{l+1} F_{l+1}
            else:
                back = delta[l + 1] @ net.coefs[l].T  # delta_{l+1} W_{l+1}^T
            delta[l] = back * _vec(dphi, h[l])
        for l in range(1, L + 1):
            _accumulate(dW, db, l, z[l - 1], delta[l], B)
    return dW, db


def _batch(seed=0, n=5, units=UNITS):
    rng = np.random.RandomState(seed)
    return rng.randn(n, units[0]), one_hot(rng.randint(0, units[-1], n), units[-1])


def _assert_directions(got, want):
    for g, w in zip(got[0] + got[1], want[0] + want[1], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("act", ["tanh", "softplus", "relu6"])
def test_bp_matches_the_naive_implementation(act):
    net = random_network(UNITS, act, scale=0.8)
    X, Y = _batch(1)
    got = rule_directions(BackPropagationRule(BPClassifier()), net, X, Y)
    _assert_directions(got, _naive_feedback(net, X, Y, act))


@pytest.mark.parametrize("act", ["tanh", "softplus"])
def test_fa_matches_the_naive_implementation(act):
    net = random_network(UNITS, act, scale=0.8)
    X, Y = _batch(2)
    rule = FeedbackAlignmentRule(FAClassifier())
    extra = rule.init_params(UNITS, np.random.RandomState(5), np.float64)
    got = rule_directions(rule, net, X, Y, extra)
    _assert_directions(got, _naive_feedback(net, X, Y, act, feedback=extra["feedback_matrices_"]))


@pytest.mark.parametrize("act", ["tanh", "softplus"])
def test_dfa_matches_the_naive_implementation(act):
    net = random_network(UNITS, act, scale=0.8)
    X, Y = _batch(3)
    rule = DirectFeedbackAlignmentRule(DFAClassifier())
    extra = rule.init_params(UNITS, np.random.RandomState(6), np.float64)
    got = rule_directions(rule, net, X, Y, extra)
    _assert_directions(got, _naive_feedback(net, X, Y, act, direct=extra["feedback_matrices_"]))


# ------------------------------------------------------------------ DTP naive


def _naive_dtp(net, X, Y, act, V, c, eta, sigma, noise, output="softmax"):
    """DTP, one sample at a time: forward directions and inverse directions.

    ``noise[l - 2]`` is the standard normal draw for the inverse of layer
    ``l``. Hidden layers minimise ``||z_l - zhat_l||^2 / (2 eta)`` (the
    package's documented scaling of the local loss), the output the task loss,
    and each inverse ``||g_l(f_l(zc)) - zc||^2 / 2``.
    """
    phi, dphi = PHI[act]
    L, B = net.n_layers, X.shape[0]
    dW, db = _zeros_like_net(net)
    dV, dc = [np.zeros_like(a) for a in V], [np.zeros_like(a) for a in c]

    def g(l, v):  # the inverse of layer l: phi(v V_l + c_l)
        return _vec(phi, v @ V[l - 2] + c[l - 2])

    for b in range(B):
        h, z = _forward_one(net.coefs, net.intercepts, X[b], act, output)
        e_L = z[L] - Y[b]
        zhat = {L - 1: z[L - 1] - eta * (e_L @ net.coefs[L - 1].T)}
        for l in range(L - 1, 1, -1):
            zhat[l - 1] = z[l - 1] + g(l, zhat[l]) - g(l, z[l])
        _accumulate(dW, db, L, z[L - 1], e_L, B)
        for l in range(1, L):
            delta = (z[l] - zhat[l]) / eta * _vec(dphi, h[l])
            _accumulate(dW, db, l, z[l - 1], delta, B)
        for l in range(2, L):
            zc = z[l - 1] + sigma * noise[l - 2][b]
            f = _vec(phi, zc @ net.coefs[l - 1] + net.intercepts[l - 1])
            u = f @ V[l - 2] + c[l - 2]
            eps = (_vec(phi, u) - zc) * _vec(dphi, u)
            dV[l - 2] += np.outer(f, eps) / B
            dc[l - 2] += eps / B
    return dW, db, dV, dc


@pytest.mark.parametrize("act", ["tanh", "softplus"])
@pytest.mark.parametrize("units", [[4, 5, 4, 3], [3, 4, 5, 4, 3]])
def test_dtp_matches_the_naive_implementation(act, units):
    """Targets, forward directions and the inverses' directions, noise included."""
    net = random_network(units, act, scale=0.8)
    X, Y = _batch(4, units=units)
    est = DTPClassifier(target_step=0.2, noise_scale=0.5, init="normal", init_scale=0.5)
    rule = DifferenceTargetPropagationRule(est)
    extra = rule.init_params(units, np.random.RandomState(7), np.float64)
    extra["inverse_intercepts_"] = [
        0.1 * np.random.RandomState(8).randn(*a.shape) for a in extra["inverse_intercepts_"]
    ]
    rule.rng = np.random.RandomState(9)
    dW, db, grads = rule_directions(rule, net, X, Y, extra)
    draws = np.random.RandomState(9)
    noise = [draws.standard_normal((X.shape[0], units[l - 1])) for l in range(2, len(units) - 1)]
    V, c = extra["inverse_coefs_"], extra["inverse_intercepts_"]
    nW, nb, nV, nc = _naive_dtp(net, X, Y, act, V, c, 0.2, 0.5, noise)
    _assert_directions((dW, db), (nW, nb))
    _assert_directions((grads["inverse_coefs_"], grads["inverse_intercepts_"]), (nV, nc))


# ------------------------------------------------------------------ LRA naive


def _naive_lra(
    net,
    E,
    X,
    Y,
    act,
    form,
    local_error,
    loss,
    beta,
    K,
    window=None,
    c1=None,
    use_bias=True,
):
    """LRA one sample at a time, from the equations (no adaptive scale, no centring).

    For each sample and ``l = L .. 2``: the displacement ``d = e_l E_l``
    (fdbk, lra_e) or the gradient of layer ``l``'s local loss with respect to
    ``h_{l-1}`` (diff); ``hbar = h - beta d``; ``K - 1`` refinements that
    recompute layer ``l`` from ``phi(hbar)`` and move ``hbar`` again; then the
    miss of layer ``l - 1`` against ``hbar``.
    """
    phi, dphi = PHI[act]
    rho = RHO_PRIME[loss]
    L, B = net.n_layers, X.shape[0]
    dW, db = _zeros_like_net(net)

    def layer(l, z_below):  # h_l and z_l of layer l from its input
        W, b = net.coefs[l - 1], net.intercepts[l - 1]
        h = z_below @ W + b
        return h, (_softmax(h) if l == L else _vec(phi, h))

    def units_of(l, h, z, target, y):  # e_l of layer l against its target
        if l == L:
            return z - y
        if local_error in ("pre", "pre_window"):
            return _vec(rho, h - target)
        return _vec(rho, z - _vec(phi, target))

    def grad_h(l, h, units):  # d(local loss of layer l) / d h_l
        if l == L or local_error in ("pre", "pre_window"):
            return units
        return units * _vec(dphi, h)

    def displacement(l, units, h, h_below):
        if form == "diff":
            d = (grad_h(l, h, units) @ net.coefs[l - 1].T) * _vec(dphi, h_below)
        else:
            d = units @ E[l - 2]
        return d

    for b in range(B):
        h, z = _forward_one(net.coefs, net.intercepts, X[b], act, "softmax")
        units = {L: z[L] - Y[b]}
        update = {L: units[L]}
        hbar = {}
        for l in range(L, 1, -1):
            target = hbar.get(l)
            moved = h[l - 1] - beta * displacement(l, units[l], h[l], h[l - 1])
            for _ in range(K - 1):
                h_l, z_l = layer(l, _vec(phi, moved))
                e_l = units_of(l, h_l, z_l, target, Y[b])
                moved = moved - beta * displacement(l, e_l, h_l, moved)
            hbar[l - 1] = moved
            if local_error in ("pre", "pre_window"):
                units[l - 1] = _vec(rho, h[l - 1] - moved)
            else:
                units[l - 1] = _vec(rho, z[l - 1] - _vec(phi, moved))
            update[l - 1] = units[l - 1].copy()
            if local_error == "post_derivative":
                update[l - 1] = update[l - 1] * _vec(dphi, h[l - 1])
            if local_error == "pre_window":
                update[l - 1] = update[l - 1] * (np.abs(h[l - 1]) < window)
        for l in range(1, L + 1):
            _accumulate(dW, db, l, z[l - 1], update[l], B)
    for l in range(L):
        norm = math.sqrt(float((dW[l] ** 2).sum()))
        if c1 is not None and norm > c1:
            dW[l] *= c1 / norm
        if not use_bias:
            db[l][:] = 0.0
    return dW, db


LRA_CASES = [
    # form, local_error, loss, K, activation
    ("fdbk", "pre", "cauchy", 1, "tanh"),
    ("fdbk", "pre_window", "cauchy", 1, "tanh"),
    ("fdbk", "pre_window", "squared", 2, "relu6"),
    ("fdbk", "post", "squared", 2, "tanh"),
    ("fdbk", "post_derivative", "cauchy", 2, "softplus"),
    ("fdbk", "pre", "squared", 3, "tanh"),
    ("diff", "pre", "squared", 1, "tanh"),
    ("diff", "pre_window", "cauchy", 1, "softplus"),
    ("diff", "post", "cauchy", 1, "tanh"),
    ("diff", "post_derivative", "squared", 1, "softplus"),
    ("diff", "post", "squared", 2, "tanh"),
    ("diff", "pre", "cauchy", 3, "softplus"),
    ("lra_e", "post", "squared", 1, "tanh"),
    ("lra_e", "post", "squared", 2, "softplus"),
]


@pytest.mark.parametrize("form, local_error, loss, K, act", LRA_CASES)
def test_lra_matches_the_naive_implementation(form, local_error, loss, K, act):
    net = random_network(UNITS, act, scale=0.8)
    X, Y = _batch(5)
    est = LRAClassifier(
        form=form,
        local_error=local_error,
        local_loss=loss,
        beta=0.4,
        n_target_steps=K,
        feedback_scale=0.7,
        window=0.6,
        update_cap=None,
        adaptive_scale=False,
        centering=False,
        activation=act,
    )
    rule = LocalRepresentationAlignmentRule(est)
    extra = rule.init_params(UNITS, np.random.RandomState(11), np.float64)
    E = extra.get("feedback_matrices_")
    dW, db, grads = rule_directions(rule, net, X, Y, extra)
    want = _naive_lra(net, E, X, Y, act, form, local_error, loss, 0.4, K, window=0.6)
    _assert_directions((dW, db), want)
    if form == "lra_e":  # E_l learns along dW_l^T at gamma = 1 times the learning rate
        assert rule.learning_rates() == {"feedback_matrices_": 1.0}
        for g, w in zip(grads["feedback_matrices_"], want[0][1:]):
            np.testing.assert_allclose(g, w.T, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("form", ["fdbk", "diff"])
def test_lra_caps_and_no_bias_match_the_naive_implementation(form):
    """c1 on each ``||dW_l||_F`` and no biases."""
    net = random_network(UNITS, "tanh", scale=1.5)
    X, Y = _batch(6)
    est = LRAClassifier(
        form=form,
        local_error="post",
        local_loss="squared",
        beta=0.5,
        feedback_scale=2.0,
        update_cap=0.05,
        adaptive_scale=False,
        centering=False,
        use_bias=False,
        activation="tanh",
    )
    rule = LocalRepresentationAlignmentRule(est)
    extra = rule.init_params(UNITS, np.random.RandomState(12), np.float64)
    dW, db, _ = rule_directions(rule, net, X, Y, extra)
    want = _naive_lra(
        net,
        extra.get("feedback_matrices_"),
        X,
        Y,
        "tanh",
        form,
        "post",
        "squared",
        0.5,
        1,
        c1=0.05,
        use_bias=False,
    )
    free = _naive_lra(
        net,
        extra.get("feedback_matrices_"),
        X,
        Y,
        "tanh",
        form,
        "post",
        "squared",
        0.5,
        1,
        c1=None,
        use_bias=False,
    )
    assert any(np.linalg.norm(w) > 0.05 for w in free[0])  # c1 binds
    assert any(not np.allclose(f, w) for f, w in zip(free[0], want[0]))  # c1 changed a layer
    _assert_directions((dW, db), want)


# ------------------------------------------------------- hand-worked examples


def _net(coefs, intercepts, act, output="softmax"):
    from sklearn_lra._network import Network

    return Network(
        [np.array(W, dtype=float) for W in coefs],
        [np.array(b, dtype=float) for b in intercepts],
        act,
        output,
    )


def test_lra_two_target_steps_by_hand():
    """K = 2 on a 1-1-2 tanh network, fdbk, 'pre' miss, squared loss, beta = 0.5.

    x = 1, W_1 = 0.5, W_2 = (1, -1), E_2 = (1, -2)^T, y = class 0, no biases.
    """
    net = _net([[[0.5]], [[1.0, -1.0]]], [[0.0], [0.0, 0.0]], "tanh")
    X, Y = np.array([[1.0]]), np.array([[1.0, 0.0]])
    E = [np.array([[1.0], [-2.0]])]
    est = LRAClassifier(
        form="fdbk",
        local_error="pre",
        local_loss="squared",
        beta=0.5,
        n_target_steps=2,
        update_cap=None,
        adaptive_scale=False,
        centering=False,
        activation="tanh",
    )
    dW, db, _ = rule_directions(
        LocalRepresentationAlignmentRule(est), net, X, Y, {"feedback_matrices_": E}
    )

    def p0(a):  # softmax((a, -a))[0]
        return 1.0 / (1.0 + math.exp(-2.0 * a))

    h1 = 0.5
    z1 = math.tanh(h1)
    e2 = (p0(z1) - 1.0, 1.0 - p0(z1))  # z_2 - y
    d = e2[0] * 1.0 + e2[1] * -2.0  # e_2 E_2
    hbar = h1 - 0.5 * d  # first step
    z1_moved = math.tanh(hbar)  # refinement: layer 2 recomputed from phi(hbar)
    e2_moved = (p0(z1_moved) - 1.0, 1.0 - p0(z1_moved))  # against y, the output's target
    hbar = hbar - 0.5 * (e2_moved[0] * 1.0 + e2_moved[1] * -2.0)
    e1 = h1 - hbar  # squared loss, pre-activation miss
    np.testing.assert_allclose(dW[0], [[1.0 * e1]], rtol=1e-12)
    np.testing.assert_allclose(db[0], [e1], rtol=1e-12)
    np.testing.assert_allclose(dW[1], [[z1 * e2[0], z1 * e2[1]]], rtol=1e-12)
    # the refinement mattered: K = 1 would give e1 = 0.5 * d
    assert abs(e1 - 0.5 * d) > 0.05


def test_dtp_inverse_direction_by_hand():
    """The inverse of a 1-1-1-1 tanh network learns from a noisy input, through phi'(u).

    z_1 = tanh(x W_1), zc = z_1 + sigma n, f = tanh(zc W_2),
    u = f V + c, eps = (tanh(u) - zc) tanh'(u), dV = f eps, dc = eps.
    """

    class FixedNoise:
        def standard_normal(self, shape):
            return np.full(shape, 0.8)

    net = _net([[[0.7]], [[1.2]], [[0.9]]], [[0.0], [0.1], [0.0]], "tanh")
    rule = DifferenceTargetPropagationRule(DTPClassifier(noise_scale=0.5))
    extra = {"inverse_coefs_": [np.array([[0.6]])], "inverse_intercepts_": [np.array([-0.2])]}
    rule.rng = FixedNoise()
    X, Y = np.array([[1.5]]), np.array([[1.0]])
    _, _, grads = rule_directions(rule, net, X, Y, extra)
    z1 = math.tanh(0.7 * 1.5)
    zc = z1 + 0.5 * 0.8
    f = math.tanh(zc * 1.2 + 0.1)
    u = f * 0.6 - 0.2
    eps = (math.tanh(u) - zc) * (1.0 - math.tanh(u) ** 2)
    np.testing.assert_allclose(grads["inverse_coefs_"][0], [[f * eps]], rtol=1e-12)
    np.testing.assert_allclose(grads["inverse_intercepts_"][0], [eps], rtol=1e-12)


def test_dtp_difference_correction_by_hand():
    """On a 1-1-1-1 tanh regressor with an inexact inverse, DTP's layer-1 target
    is z_1 + g(zhat_2) - g(z_2), not plain target propagation's g(zhat_2)."""
    net = _net([[[0.7]], [[1.2]], [[0.9]]], [[0.0], [0.1], [0.0]], "tanh", output="identity")
    eta = 0.5
    rule = DifferenceTargetPropagationRule(DTPRegressor(target_step=eta, inverse_learning_rate=0))
    V, c = 0.6, -0.2  # g(v) = tanh(0.6 v - 0.2), far from the inverse of layer 2
    extra = {"inverse_coefs_": [np.array([[V]])], "inverse_intercepts_": [np.array([c])]}
    X, Y = np.array([[1.5]]), np.array([[0.3]])
    dW, _, _ = rule_directions(rule, net, X, Y, extra)
    h1 = 0.7 * 1.5
    z1 = math.tanh(h1)
    z2 = math.tanh(z1 * 1.2 + 0.1)
    e3 = z2 * 0.9 - 0.3
    zhat2 = z2 - eta * e3 * 0.9
    g = lambda v: math.tanh(V * v + c)  # noqa: E731
    zhat1 = z1 + g(zhat2) - g(z2)
    delta1 = (z1 - zhat1) / eta * (1.0 - z1**2)
    np.testing.assert_allclose(dW[0], [[1.5 * delta1]], rtol=1e-12)
    plain_tp = (z1 - g(zhat2)) / eta * (1.0 - z1**2)
    assert abs(1.5 * plain_tp - 1.5 * delta1) > 0.1  # the example tells the two apart


def test_dtp_sends_no_target_when_the_output_is_right():
    """With zero output error and an inexact inverse, DTP moves nothing below the
    output (plain target propagation would move layer 1 to ``g(z_2) != z_1``)."""
    units = [3, 4, 4, 4, 2]
    net = random_network(units, "tanh", output="identity", scale=0.8)
    X = np.random.RandomState(13).randn(5, 3)
    Y = net.predict_output(X)  # the network is exactly right
    rule = DifferenceTargetPropagationRule(DTPRegressor(init="normal", init_scale=0.7))
    extra = rule.init_params(units, np.random.RandomState(14), np.float64)
    dW, db, _ = rule_directions(rule, net, X, Y, extra)
    assert all(np.abs(g).max() < 1e-12 for g in dW + db)

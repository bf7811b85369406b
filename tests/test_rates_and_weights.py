"""Each rule's rate multiplier and each weighted path, against formulas of their own.

The engine steps a rule's own parameters at ``learning_rate`` times the rate
the rule names (LRA-E's ``gamma``, DTP's ``inverse_learning_rate``); DTP's
inverses and LRA's ``adaptive_scale`` read the sample weights (and so
``class_weight``); ``partial_fit`` reads a dict ``class_weight`` as ``fit``
does. Every check here compares with a formula written out below, or with the
same fit on repeated rows, so that a path that drops the rate or the weights
fails (``tests/mutations/run_mutations.py`` plants each such bug).
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_sample_weight

from sklearn_lra import DTPClassifier, LRAClassifier
from sklearn_lra._network import Workspace
from sklearn_lra._training import TrainingState
from sklearn_lra.rules.dtp import DifferenceTargetPropagationRule
from sklearn_lra.rules.lra import LocalRepresentationAlignmentRule

from ._estimators import CLASSIFIERS, fast_estimator
from ._rules import one_hot, random_network

#: Two hidden layers: LRA's E_2, E_3 and DTP's inverse V_2 all exist.
UNITS = [5, 4, 3, 3]
#: One step of plain SGD: no momentum, no L2 term.
PLAIN_SGD = dict(solver="sgd", momentum=0.0, alpha=0.0)
LR = 0.1

X, y = make_classification(40, 5, n_informative=3, n_classes=3, random_state=0)
#: One minibatch of every row (repeated ones included), in order.
FULL_BATCH = dict(batch_size=200, shuffle=False, tol=0.0, alpha=0.0)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", "Got batch_size=200 larger than", UserWarning)
        yield


def _minibatch(seed=0, n=7, scale=1.0):
    rng = np.random.RandomState(seed)
    return scale * rng.randn(n, UNITS[0]), one_hot(rng.randint(0, UNITS[-1], n), UNITS[-1])


def _one_step(est, rule, net, X, Y, weights=None):
    """The rule's own parameters, then one engine step of ``LR`` on the minibatch."""
    extra = rule.init_params(UNITS, np.random.RandomState(3), np.float64)
    before = {k: [a.copy() for a in v] for k, v in extra.items()}
    state = TrainingState(net, rule, extra, est)
    ws = Workspace(UNITS, X.shape[0], np.float64)
    if weights is not None:
        ws.sample_weight = (weights * len(weights) / weights.sum())[:, None]
        ws.weight_sum = float(weights.sum())
    net.forward(X, ws)
    rule.directions(net, ws, Y, extra, state.extra_grads)
    state.step(ws, LR)
    return before, extra


def _assert_same_model(a, b, names=("coefs_", "intercepts_")):
    for name in names:
        for u, v in zip(getattr(a, name), getattr(b, name), strict=True):
            np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-9)


# ------------------------------------------------ LRA-E: E moves at gamma x the rate


def _lra_e_directions(net, E, X, Y, beta):
    """LRA-E's ``dW_l`` for ``local_error='post'``, squared loss, K = 1, in plain numpy.

    ``e_L = z_L - y``; ``hbar_{l-1} = h_{l-1} - beta e_l E_l``;
    ``e_{l-1} = z_{l-1} - tanh(hbar_{l-1})``; ``dW_l = z_{l-1}^T e_l / B``.
    """
    h, z = [None], [X]
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts), start=1):
        h.append(z[-1] @ W + b)
        if l < net.n_layers:
            z.append(np.tanh(h[-1]))
        else:
            p = np.exp(h[-1] - h[-1].max(axis=1, keepdims=True))
            z.append(p / p.sum(axis=1, keepdims=True))
    L = net.n_layers
    e = {L: z[L] - Y}
    for l in range(L, 1, -1):
        e[l - 1] = z[l - 1] - np.tanh(h[l - 1] - beta * e[l] @ E[l - 2])
    return [z[l - 1].T @ e[l] / X.shape[0] for l in range(1, L + 1)]


def _lra_e_estimator(gamma):
    """LRA-E as :func:`_lra_e_directions` computes it: post miss, squared loss, no caps."""
    return LRAClassifier(
        form="lra_e",
        gamma=gamma,
        local_error="post",
        local_loss="squared",
        beta=0.3,
        update_cap=None,
        adaptive_scale=False,
        centering=False,
        activation="tanh",
        **PLAIN_SGD,
    )


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.5])
def test_lra_e_feedback_step_is_gamma_times_the_learning_rate_times_dw_transposed(gamma):
    """One plain SGD step: ``W_l -= lr dW_l`` and ``E_l -= gamma lr dW_l^T``, dW by hand.

    ``gamma=0`` leaves ``E`` where it was drawn.
    """
    net = random_network(UNITS, "tanh")
    Xb, Yb = _minibatch(1)
    start = random_network(UNITS, "tanh")  # the same draw: the network before the step
    est = _lra_e_estimator(gamma)
    before, extra = _one_step(est, LocalRepresentationAlignmentRule(est), net, Xb, Yb)
    E0, E1 = before["feedback_matrices_"], extra["feedback_matrices_"]
    dW = _lra_e_directions(start, E0, Xb, Yb, 0.3)
    for W, w0, d in zip(net.coefs, start.coefs, dW, strict=True):
        np.testing.assert_allclose(W - w0, -LR * d, rtol=1e-9, atol=1e-14)
    assert all(np.abs(d).max() > 1e-3 for d in dW[1:])  # E's steps are not vanishing
    for e1, e0, d in zip(E1, E0, dW[1:], strict=True):
        np.testing.assert_allclose(e1 - e0, -gamma * LR * d.T, rtol=1e-9, atol=1e-14)


def test_gamma_output_moves_only_the_output_feedback():
    """``gamma='output'``: ``E_L -= lr dW_L^T``, by hand; ``E_2`` stays as drawn, ``W`` as gamma=1.

    Two hidden layers, so that there is a hidden layer's ``E`` to hold still.
    The forward step does not read gamma, so ``W`` moves as in the test above.
    """
    net = random_network(UNITS, "tanh")
    Xb, Yb = _minibatch(2)
    start = random_network(UNITS, "tanh")
    est = _lra_e_estimator("output")
    before, extra = _one_step(est, LocalRepresentationAlignmentRule(est), net, Xb, Yb)
    (E2_0, E3_0), (E2_1, E3_1) = before["feedback_matrices_"], extra["feedback_matrices_"]
    dW = _lra_e_directions(start, [E2_0, E3_0], Xb, Yb, 0.3)
    for W, w0, d in zip(net.coefs, start.coefs, dW, strict=True):
        np.testing.assert_allclose(W - w0, -LR * d, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(E3_1 - E3_0, -LR * dW[2].T, rtol=1e-9, atol=1e-14)
    assert np.abs(dW[1]).max() > 1e-3  # E_2 would have moved, had it learned
    np.testing.assert_array_equal(E2_1, E2_0)


def test_gamma_output_is_gamma_one_with_one_hidden_layer():
    """With one hidden layer ``E_L`` is the only feedback matrix: the two fits agree bit for bit."""
    common = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=0, learning_rate_init=LR)
    a = LRAClassifier(gamma="output", **common).fit(X, y)
    b = LRAClassifier(gamma=1.0, **common).fit(X, y)
    for u, v in zip(a.coefs_ + a.feedback_matrices_, b.coefs_ + b.feedback_matrices_, strict=True):
        np.testing.assert_array_equal(u, v)


def test_lra_e_fit_moves_feedback_in_proportion_to_gamma():
    """Through ``fit``: one full-batch SGD step moves ``E`` by ``gamma`` times ``gamma=1``'s step.

    ``gamma=0`` keeps the drawn ``E``, which is the start of every fit here (the
    same ``random_state``); the forward weights' first step does not read gamma.
    """
    fits = {
        g: LRAClassifier(
            form="lra_e",
            gamma=g,
            hidden_layer_sizes=(6, 4),
            max_iter=1,
            random_state=0,
            learning_rate_init=LR,
            **{**FULL_BATCH, **PLAIN_SGD},
        ).fit(X, y)
        for g in (0.0, 0.5, 1.0)
    }
    start = fits[0.0].feedback_matrices_
    for g in (0.5, 1.0):
        _assert_same_model(fits[g], fits[0.0])
    steps = [e - s for e, s in zip(fits[1.0].feedback_matrices_, start)]
    assert all(np.abs(s).max() > 1e-6 for s in steps)
    for e, s, step in zip(fits[0.5].feedback_matrices_, start, steps, strict=True):
        np.testing.assert_allclose(e - s, 0.5 * step, rtol=1e-7, atol=1e-12)


# ---------------------------------------- DTP: the inverses at inverse_learning_rate


def _inverse_loss(net, z_below, V, c, weights):
    """``sum_b w_b ||tanh(f_b V + c) - z_b||^2 / 2 / B``, ``f = tanh(z W_2 + b_2)`` (no noise)."""
    f = np.tanh(z_below @ net.coefs[1] + net.intercepts[1])
    r = np.tanh(f @ V + c)
    return float(np.sum(weights * ((r - z_below) ** 2).sum(axis=1)) / 2 / len(z_below))


def _finite_difference(fun, a, eps=1e-6):
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + eps
        up = fun()
        a[idx] = old - eps
        down = fun()
        a[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def _dtp_inverse_step(inverse_learning_rate, weights=None):
    """``(V, c)`` before, after one engine step, and their finite-difference gradients."""
    net = random_network(UNITS, "tanh")
    start = random_network(UNITS, "tanh")  # the same draw: the network before the step
    Xb, Yb = _minibatch(2)
    est = DTPClassifier(
        noise_scale=0.0, inverse_learning_rate=inverse_learning_rate, activation="tanh", **PLAIN_SGD
    )
    z1 = np.tanh(Xb @ start.coefs[0] + start.intercepts[0])  # the inverse's clean target
    before, extra = _one_step(est, DifferenceTargetPropagationRule(est), net, Xb, Yb, weights)
    V, c = before["inverse_coefs_"][0], before["inverse_intercepts_"][0]
    w = np.ones(len(Xb)) if weights is None else weights * len(weights) / weights.sum()
    # The inverse's gradient is taken at the start (the forward weights have stepped).
    grads = [_finite_difference(lambda: _inverse_loss(start, z1, V, c, w), a) for a in (V, c)]
    after = extra["inverse_coefs_"][0], extra["inverse_intercepts_"][0]
    return (V, c), after, grads


@pytest.mark.parametrize("inverse_learning_rate", [0.0, 0.25, 1.0, 3.0])
def test_dtp_inverse_step_is_inverse_learning_rate_times_the_learning_rate(inverse_learning_rate):
    """One plain SGD step moves ``V_2, c_2`` by ``-inverse_learning_rate * lr * gradient``.

    The gradient is the finite difference of the inverse's reconstruction loss
    (``noise_scale=0``); ``inverse_learning_rate=0`` leaves the inverses alone.
    """
    before, after, grads = _dtp_inverse_step(inverse_learning_rate)
    assert all(np.abs(g).max() > 1e-4 for g in grads)
    for a, b, g in zip(after, before, grads):
        np.testing.assert_allclose(a - b, -inverse_learning_rate * LR * g, rtol=1e-6, atol=1e-10)


def test_dtp_weighted_inverse_step_follows_the_weighted_loss():
    """With sample weights, the inverse's step is ``-lr`` times the weighted loss's gradient."""
    weights = np.array([0.0, 1.0, 3.0, 1.0, 2.0, 0.5, 1.0])
    before, after, grads = _dtp_inverse_step(1.0, weights)
    _, _, unweighted = _dtp_inverse_step(1.0)
    assert not np.allclose(grads[0], unweighted[0], rtol=0.05)  # the weights matter
    for a, b, g in zip(after, before, grads):
        np.testing.assert_allclose(a - b, -LR * g, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("by", ["sample_weight", "class_weight"])
def test_dtp_inverses_with_integer_weights_equal_repeated_rows(by):
    """A weight of k trains DTP's inverses (and so its targets) like k copies of the row.

    Full batch, in order, plain SGD, no noise: the fits see the same data.
    """
    params = dict(
        hidden_layer_sizes=(6, 5),
        noise_scale=0.0,
        max_iter=3,
        random_state=0,
        learning_rate_init=LR,
        **{**FULL_BATCH, **PLAIN_SGD},
    )
    if by == "sample_weight":
        w = np.arange(len(X)) % 3  # 0, 1 and 2 copies
        weighted = DTPClassifier(**params).fit(X, y, sample_weight=w)
    else:
        class_weight = {0: 1, 1: 2, 2: 3}
        w = compute_sample_weight(class_weight, y).astype(int)
        weighted = DTPClassifier(class_weight=class_weight, **params).fit(X, y)
    repeated = DTPClassifier(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    unweighted = DTPClassifier(**params).fit(X, y)
    names = ("inverse_coefs_", "inverse_intercepts_", "coefs_", "intercepts_")
    _assert_same_model(weighted, repeated, names)
    assert not np.allclose(weighted.inverse_coefs_[0], unweighted.inverse_coefs_[0])


# ------------------------------------------------ partial_fit and a dict class_weight


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_with_a_dict_class_weight_is_fits_first_epoch(cls):
    """One ``partial_fit`` call with ``class_weight={...}`` trains as ``fit``'s first epoch."""
    class_weight = {0: 1.0, 1: 4.0, 2: 0.25}
    common = dict(max_iter=1, batch_size=16, alpha=0.0)
    fitted = fast_estimator(cls, class_weight=class_weight, **common).fit(X, y)
    partial = fast_estimator(cls, class_weight=class_weight, **common).partial_fit(
        X, y, classes=[0, 1, 2]
    )
    plain = fast_estimator(cls, **common).partial_fit(X, y, classes=[0, 1, 2])
    _assert_same_model(partial, fitted)
    assert not np.allclose(partial.coefs_[-1], plain.coefs_[-1])


# --------------------------------------- adaptive_scale: the weighted rms of the rows


def _weighted_rms_norm(a, w):
    """``sqrt(sum_b w_b ||a_b||^2 / sum_b w_b)``: a row of weight 2 counted twice."""
    return np.sqrt(np.sum(w * (a**2).sum(axis=1)) / np.sum(w))


def test_lra_adaptive_scale_caps_with_the_weighted_rms_of_the_inputs():
    """``||dW_l|| = s_l * 30 / rms_w ||z_{l-1}||``, both root mean squares sample-weighted.

    ``s_l = max(1, rms_w(h_l))`` over the entries. The rows of largest norm get
    weight 0, so the weighted and unweighted caps differ by far more than the
    tolerance; the same update comes from the repeated rows without weights.
    """
    net = random_network(UNITS, "softplus", scale=2.0)
    Xb, Yb = _minibatch(3, n=8, scale=300.0)
    w = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 1.0, 3.0, 2.0])
    w[np.argsort(-np.linalg.norm(Xb, axis=1))[:2]] = 0.0

    def directions(capped, X, Y, weights):
        est = LRAClassifier(
            activation="softplus",
            local_error="post",
            local_loss="squared",
            update_cap=None,
            adaptive_scale=capped,
            centering=False,
        )
        rule = LocalRepresentationAlignmentRule(est)
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        ws = Workspace(UNITS, X.shape[0], np.float64)
        if weights is not None:
            ws.sample_weight = (weights * len(weights) / weights.sum())[:, None]
        net.forward(X, ws)
        rule.directions(net, ws, Y, extra, {})
        return (
            [g.copy() for g in ws.coef_grads],
            [z.copy() for z in ws.z],
            [None if h is None else h.copy() for h in ws.h],
        )

    free, z, h = directions(False, Xb, Yb, w)  # adaptive_scale off: no cap at all
    capped = directions(True, Xb, Yb, w)[0]
    for l in range(1, net.n_layers + 1):
        n_l = h[l].shape[1]
        scale = max(1.0, _weighted_rms_norm(h[l], w) / np.sqrt(n_l))
        cap = scale * 30.0 / _weighted_rms_norm(z[l - 1], w)
        ones = np.ones(len(w))
        unweighted = max(1.0, _weighted_rms_norm(h[l], ones) / np.sqrt(n_l)) * 30.0
        unweighted /= _weighted_rms_norm(z[l - 1], ones)
        assert np.linalg.norm(free[l - 1]) > 1.1 * max(cap, unweighted)  # the cap binds
        assert abs(cap / unweighted - 1) > 0.05  # and the weights move it
        g = capped[l - 1]
        np.testing.assert_allclose(np.linalg.norm(g), cap, rtol=1e-10)
        np.testing.assert_allclose(g, free[l - 1] * cap / np.linalg.norm(free[l - 1]), rtol=1e-9)
    reps = w.astype(int)
    repeated = directions(True, np.repeat(Xb, reps, axis=0), np.repeat(Yb, reps, axis=0), None)[0]
    for a, b in zip(capped, repeated, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_lra_adaptive_scale_fit_with_integer_weights_equals_repeated_rows():
    """Through ``fit`` (LRA's defaults, adaptive_scale on): large inputs, weights as copies."""
    Xl = 300.0 * X
    w = np.arange(len(X)) % 3
    w[np.argsort(-np.linalg.norm(Xl, axis=1))[:6]] = 0  # the largest rows do not count
    params = dict(hidden_layer_sizes=(6, 5), max_iter=3, random_state=0, **FULL_BATCH)
    weighted = LRAClassifier(**params).fit(Xl, y, sample_weight=w)
    repeated = LRAClassifier(**params).fit(np.repeat(Xl, w, axis=0), np.repeat(y, w))
    _assert_same_model(weighted, repeated)

"""BP against finite differences; one LRA update against the equations, per form."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sklearn_lra import BPClassifier, BPRegressor, LRAClassifier
from sklearn_lra._activations import ACTIVATIONS
from sklearn_lra._network import Workspace
from sklearn_lra.rules._rule import layer_directions
from sklearn_lra.rules.bp import BackPropagationRule
from sklearn_lra.rules.lra import LocalRepresentationAlignmentRule, center_update

from ._rules import one_hot, random_network, rule_directions

UNITS = [5, 4, 3, 3]


def _data(seed=0, n=6):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, UNITS[0])
    return X, one_hot(rng.randint(0, UNITS[-1], n), UNITS[-1])


def _total_loss(net, X, Y):
    return net.loss_fn(Y, net.predict_output(X))


@pytest.mark.parametrize(
    "activation,input_activation",
    [
        ("tanh", None),
        ("logistic", None),
        ("softplus", None),
        ("relu6", None),
        ("leaky_relu", None),
        ("tanh_relu6", None),
        # The first hidden layer with units of its own: each layer's phi' is its own.
        ("tanh", "tanh_relu6"),
        ("softplus", "tanh"),
    ],
)
@pytest.mark.parametrize("output", ["softmax", "identity"])
def test_bp_directions_are_finite_difference_gradients(activation, input_activation, output):
    """BP's directions equal central differences of the mean task loss."""
    net = random_network(UNITS, activation, output, input_activation=input_activation)
    X, Y = _data()
    rule = BackPropagationRule(BPClassifier() if output == "softmax" else BPRegressor())
    dW, db, _ = rule_directions(rule, net, X, Y)
    eps = 1e-6
    for params, grads in ((net.coefs, dW), (net.intercepts, db)):
        for p, g in zip(params, grads):
            numeric = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + eps
                up = _total_loss(net, X, Y)
                p[idx] = old - eps
                down = _total_loss(net, X, Y)
                p[idx] = old
                numeric[idx] = (up - down) / (2 * eps)
            np.testing.assert_allclose(g, numeric, atol=1e-7, rtol=1e-5)


# ----------------------------------------------------------------- LRA, by hand


def _act(net, l):
    """Hidden layer ``l``'s activation: the first layer's own, else the network's."""
    return ACTIVATIONS[net.input_activation_name if l == 1 else net.activation_name]


def _forward(net, X):
    h, z = [None], [X]
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts), start=1):
        h.append(z[-1] @ W + b)
        if l < net.n_layers:
            z.append(_act(net, l).forward(h[-1], np.empty_like(h[-1])))
        else:
            p = np.exp(h[-1] - h[-1].max(axis=1, keepdims=True))
            z.append(p / p.sum(axis=1, keepdims=True))
    return h, z


def _scale(h):
    """``s = max(1, rms(h))`` over a whole minibatch of pre-activations."""
    return max(1.0, np.sqrt(np.mean(h**2)))


def _lra_by_hand(
    net, E, X, Y, form, local_error, loss, beta, window=0.25, centering=False, weights=None
):
    """The equations of LRA written out once more, in plain numpy, for K = 1.

    ``weights`` are sample weights of mean one.
    """

    def dphi(l, h, z):
        return _act(net, l).derivative(h, z, np.empty_like(h))

    lerr = {"squared": lambda d: d, "cauchy": lambda d: 2 * d / (1 + d**2)}[loss]
    h, z = _forward(net, X)
    L, B = net.n_layers, X.shape[0]
    units = {L: z[L] - Y}
    update = {L: z[L] - Y}
    for l in range(L, 1, -1):
        if form == "diff":
            d = (update[l] @ net.coefs[l - 1].T) * dphi(l - 1, h[l - 1], z[l - 1])
        else:
            d = units[l] @ E[l - 2]
        hbar = h[l - 1] - beta * d
        if local_error in ("pre", "pre_window"):
            miss = h[l - 1] - hbar
        else:
            miss = z[l - 1] - _act(net, l - 1).forward(hbar, np.empty_like(hbar))
        units[l - 1] = lerr(miss)
        update[l - 1] = units[l - 1]
        if local_error == "post_derivative":
            update[l - 1] = units[l - 1] * dphi(l - 1, h[l - 1], z[l - 1])
        if local_error == "pre_window":
            inside = np.abs(h[l - 1]) < window * _scale(h[l - 1])
            update[l - 1] = units[l - 1] * inside
    w = np.ones((B, 1)) if weights is None else weights.reshape(-1, 1)
    dW, db = [], []
    for l in range(1, L + 1):
        zbar = (w * z[l - 1]).mean(axis=0) if centering and l >= 2 else np.zeros(UNITS[l - 1])
        dW.append((z[l - 1] - zbar).T @ (w * update[l]) / B)
        db.append((w * update[l]).mean(axis=0) - zbar @ dW[-1])
    return dW, db


CASES = [
    ("fdbk", "pre", "cauchy"),
    ("fdbk", "pre", "squared"),
    ("fdbk", "pre_window", "cauchy"),
    ("fdbk", "post", "cauchy"),
    ("fdbk", "post_derivative", "squared"),
    ("diff", "pre", "cauchy"),
    ("diff", "post_derivative", "cauchy"),
    ("lra_e", "post", "squared"),
]


@pytest.mark.parametrize("input_activation", [None, "tanh_relu6"])
@pytest.mark.parametrize("scale", [0.5, 8.0])
@pytest.mark.parametrize("form,local_error,loss", CASES)
def test_lra_update_matches_the_equations(form, local_error, loss, scale, input_activation):
    """One LRA minibatch update equals the equations computed independently.

    At ``scale=8`` the pre-activations are far above one, so the adaptive
    window is wider than ``window``. With ``input_activation`` the first
    hidden layer has units of its own (half tanh, half ReLU-6).
    """
    net = random_network(UNITS, "tanh", scale=scale, input_activation=input_activation)
    X, Y = _data(1)
    est = LRAClassifier(
        form=form,
        local_error=local_error,
        local_loss=loss,
        beta=0.3,
        update_cap=None,
        activation="tanh",  # the network's units: window 'auto' resolves from it
    )
    rule = LocalRepresentationAlignmentRule(est)
    extra = rule.init_params(UNITS, np.random.RandomState(3), np.float64)
    E = extra.get("feedback_matrices_")
    dW, db, extra_grads = rule_directions(rule, net, X, Y, extra)
    # window='auto' is 0.5 for tanh units
    dW_hand, db_hand = _lra_by_hand(net, E, X, Y, form, local_error, loss, 0.3, window=0.5)
    for got, want in zip(dW + db, dW_hand + db_hand):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    if form == "lra_e":  # E is learned: its direction is dW^T
        for g, w in zip(extra_grads["feedback_matrices_"], dW_hand[1:]):
            np.testing.assert_allclose(g, w.T)


def test_lra_tiny_example_by_hand():
    """A 1-1-1-2 network whose fdbk update is worked out with pencil-and-paper numbers."""
    net = random_network([1, 1, 1, 2], "identity")
    for a in net.coefs + net.intercepts:
        a[...] = 0.0
    X, Y = np.array([[2.0]]), np.array([[1.0, 0.0]])
    est = LRAClassifier(form="fdbk", local_error="pre", local_loss="squared", beta=0.5)
    rule = LocalRepresentationAlignmentRule(est)
    E = [np.array([[1.0]]), np.array([[2.0], [-2.0]])]  # E_2 (1x1), E_3 (2x1)
    dW, db, _ = rule_directions(rule, net, X, Y, {"feedback_matrices_": E})
    # z_3 = softmax(0) = (.5, .5): e_3 = (-.5, .5); d_2 = e_3 E_3 = -2; e_2 = beta d_2 = -1;
    # d_1 = e_2 E_2 = -1; e_1 = -0.5; dW_1 = x e_1 = -1; dW_2 = z_1 e_2 = 0; dW_3 = 0.
    np.testing.assert_allclose(dW[0], [[-1.0]])
    np.testing.assert_allclose(dW[1], [[0.0]])
    np.testing.assert_allclose(dW[2], [[0.0, 0.0]])
    np.testing.assert_allclose([db[0][0], db[1][0]], [-0.5, -1.0])
    np.testing.assert_allclose(db[2], [-0.5, 0.5])


def test_lra_update_cap_bounds_updates():
    """c1 rescales each dW_l to norm c1, in the same direction."""
    net = random_network(UNITS, "tanh", scale=3.0)
    X, Y = _data(2)

    def run(**params):
        est = LRAClassifier(
            local_error="post", local_loss="squared", adaptive_scale=False, **params
        )
        rule = LocalRepresentationAlignmentRule(est)
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        return rule_directions(rule, net, X, Y, extra)[0]

    free = run(update_cap=None)
    cap = 0.5 * min(np.linalg.norm(g) for g in free)
    for g, f in zip(run(update_cap=cap), free):
        np.testing.assert_allclose(np.linalg.norm(g), cap)
        np.testing.assert_allclose(g, f * cap / np.linalg.norm(f))


def test_lra_more_target_steps_change_the_update():
    """K = 2 refines the target: the update differs from K = 1 but stays finite."""
    net = random_network(UNITS, "tanh")
    X, Y = _data(4)
    updates = []
    for k in (1, 2):
        rule = LocalRepresentationAlignmentRule(LRAClassifier(n_target_steps=k))
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        updates.append(rule_directions(rule, net, X, Y, extra)[0])
    assert all(np.isfinite(g).all() for g in updates[1])
    assert not np.allclose(updates[0][0], updates[1][0])


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("activation", ["softplus", "tanh"])
def test_lra_centered_update_matches_the_equations(activation, weighted):
    """With centering, dW_l = (z - zbar)^T e' / B and db_l = mean(e') - zbar dW_l for l >= 2.

    ``zbar`` is the (sample-weighted) minibatch mean; the first layer's update
    is left uncentred.
    """
    net = random_network(UNITS, activation, scale=0.5)
    X, Y = _data(2)
    weights = np.random.RandomState(4).uniform(0.2, 2.0, X.shape[0]) if weighted else None
    est = LRAClassifier(activation=activation, centering=True, update_cap=None)
    rule = LocalRepresentationAlignmentRule(est)
    extra = rule.init_params(UNITS, np.random.RandomState(3), np.float64)
    ws = Workspace(UNITS, X.shape[0], X.dtype)
    net.forward(X, ws)
    if weighted:
        weights = weights / weights.mean()
        ws.sample_weight = weights.reshape(-1, 1)
    rule.directions(net, ws, Y, extra, {})
    window = 0.5 if activation == "tanh" else 0.25
    args = (net, extra["feedback_matrices_"], X, Y, "fdbk", "pre_window", "cauchy", 0.5, window)
    dW, db = _lra_by_hand(*args, centering=True, weights=weights)
    for got, want in zip(ws.coef_grads + ws.intercept_grads, dW + db):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    plain_dW, _ = _lra_by_hand(*args, weights=weights)
    np.testing.assert_allclose(ws.coef_grads[0], plain_dW[0], rtol=1e-10)
    for l in range(1, net.n_layers):  # centring changed every layer above the first
        assert not np.allclose(dW[l], plain_dW[l])


def test_lra_centered_update_ignores_a_shift_of_the_inputs():
    """Centred, the change ``z dW + db`` a step makes in ``h`` is the same for ``z + c``.

    Without centring, adding a constant to every input of a layer changes it.
    """
    rng = np.random.RandomState(5)
    z, e = rng.rand(7, 4), rng.randn(7, 3)

    def step_in_h(z, centering):
        ws = Workspace([4, 4, 3], z.shape[0], z.dtype)
        ws.z[1][...], ws.sample_weight = z, None
        layer_directions(ws, 2, e)
        if centering:
            center_update(ws, 2, None)
        return z @ ws.coef_grads[1] + ws.intercept_grads[1]

    shift = 3.0 * rng.rand(4)
    np.testing.assert_allclose(step_in_h(z + shift, True), step_in_h(z, True), rtol=1e-12)
    assert not np.allclose(step_in_h(z + shift, False), step_in_h(z, False))


@pytest.mark.parametrize("width", [0.25, 1.0])
def test_lra_pre_window_updates_only_units_near_their_threshold(width):
    """With one sample, a hidden unit updates iff |h| < window, and then as under 'pre'."""
    net = random_network(UNITS, "sign", scale=0.5 * width)
    X, Y = _data(5, n=1)
    h, _ = _forward(net, X)

    def run(local_error):  # no caps: they would rescale the two updates differently
        est = LRAClassifier(
            local_error=local_error,
            window=width,
            adaptive_scale=False,
            update_cap=None,
        )
        rule = LocalRepresentationAlignmentRule(est)
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        return rule_directions(rule, net, X, Y, extra)[0]

    window, pre = run("pre_window"), run("pre")
    for l in range(1, net.n_layers):
        inside = np.abs(h[l][0]) < width
        assert inside.any() and not inside.all()  # the case tests both sides
        np.testing.assert_array_equal(window[l - 1][:, ~inside], 0.0)
        np.testing.assert_allclose(window[l - 1][:, inside], pre[l - 1][:, inside])
    np.testing.assert_allclose(window[-1], pre[-1])  # the output layer has no window


@pytest.mark.parametrize(
    "param, activation, value",
    [
        ("window", "tanh", 0.5),
        ("window", "softplus", 0.25),
        ("window", "relu6", 0.25),
        ("window", "sign", 0.25),
        ("window", "logistic", 0.25),
        ("centering", "softplus", True),
        ("centering", "relu6", False),
        ("centering", "tanh", False),
        ("centering", "sign", False),
        ("centering", "logistic", True),
    ],
)
def test_lra_auto_resolves_per_activation_and_equals_the_explicit_value(param, activation, value):
    """'auto' window and centering resolve per activation, as the explicit value."""
    X, y = _data(9, n=12)
    y = y.argmax(axis=1)
    params = dict(hidden_layer_sizes=(4, 4), activation=activation, max_iter=3, random_state=0)
    auto = LRAClassifier(**params)
    assert getattr(LocalRepresentationAlignmentRule(auto), param) == value
    explicit = LRAClassifier(**{param: value}, **params)
    with pytest.warns(ConvergenceWarning):
        a, b = auto.fit(X, y).coefs_, explicit.fit(X, y).coefs_
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def test_lra_update_cap_defaults_to_no_cap():
    """No c1 unless asked for; a value other than a positive number or None is refused."""
    assert LocalRepresentationAlignmentRule(LRAClassifier()).update_cap is None
    X, y = _data(9, n=12)
    with pytest.raises(ValueError, match="update_cap"):
        LRAClassifier(update_cap="auto").fit(X, y.argmax(axis=1))


def test_lra_default_local_error_needs_no_derivative():
    """The default miss, 'pre_window', trains signum units without a warning."""
    rule = LocalRepresentationAlignmentRule(LRAClassifier(activation="sign"))
    assert rule.local_error == "pre_window" and not rule.needs_derivative


def test_lra_adaptive_scale_caps_updates_at_c3_over_the_inputs_of_each_layer():
    """With adaptive_scale, ||dW_l|| <= s_l * min(c1, 30 / rms ||z_{l-1}||).

    Large inputs make the bound of 30 bind; c1 still applies when it is tighter.
    """
    net = random_network(UNITS, "softplus", scale=2.0)
    X, Y = _data(3)
    X = 300.0 * X
    h, z = _forward(net, X)
    rms = [np.sqrt((z[l] ** 2).sum(axis=1).mean()) for l in range(net.n_layers)]
    scales = [_scale(h[l]) for l in range(1, net.n_layers + 1)]

    def run(**params):
        est = LRAClassifier(
            activation="softplus", local_error="post", local_loss="squared", **params
        )
        rule = LocalRepresentationAlignmentRule(est)
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        return rule_directions(rule, net, X, Y, extra)[0]

    free = run(update_cap=None, adaptive_scale=False)  # no cap at all
    caps = [s * 30.0 / r for s, r in zip(scales, rms)]
    binds = [np.linalg.norm(f) > c for f, c in zip(free, caps)]
    assert all(binds)  # every layer's step is shortened
    for g, f, c in zip(run(update_cap=None, adaptive_scale=True), free, caps):
        np.testing.assert_allclose(g, f * min(1.0, c / np.linalg.norm(f)), rtol=1e-10)
    c1 = 0.5 * min(c / s for c, s in zip(caps, scales))
    for g, s in zip(run(update_cap=c1, adaptive_scale=True), scales):
        np.testing.assert_allclose(np.linalg.norm(g), c1 * s)


def test_lra_adaptive_scale_reads_sparse_inputs():
    """The rms norm of a sparse first-layer input gives the same update as the dense one."""
    X, y = _data(6, n=8)
    X = 1e4 * X  # large enough that the bound c3 / rms ||x|| binds
    est = LRAClassifier(hidden_layer_sizes=(4,), max_iter=3)
    with pytest.warns(ConvergenceWarning):  # 3 epochs of 8 rows: not converged
        dense = est.set_params(random_state=0).fit(X, y.argmax(axis=1)).coefs_
    with pytest.warns(ConvergenceWarning):
        sparse = est.set_params(random_state=0).fit(sp.csr_matrix(X), y.argmax(axis=1)).coefs_
    for a, b in zip(dense, sparse):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_lra_adaptive_scale_widens_the_caps_of_layers_with_large_preactivations():
    """With adaptive_scale, ||dW_l|| is capped at c1 * max(1, rms(h_l)) instead of c1."""
    net = random_network(UNITS, "tanh", scale=4.0)
    X, Y = _data(7)
    h, _ = _forward(net, X)
    scales = [_scale(h[l]) for l in range(1, net.n_layers + 1)]
    assert max(scales) > 2 and min(scales) >= 1  # some layers are far above one

    def run(**params):
        est = LRAClassifier(local_error="post", **params)
        rule = LocalRepresentationAlignmentRule(est)
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        return rule_directions(rule, net, X, Y, extra)[0]

    free = run(update_cap=None)
    c1 = 0.5 * min(np.linalg.norm(g) / s for g, s in zip(free, scales))
    for g, f, s in zip(run(update_cap=c1, adaptive_scale=True), free, scales):
        np.testing.assert_allclose(np.linalg.norm(g), c1 * s)
        np.testing.assert_allclose(g, f * c1 * s / np.linalg.norm(f))
    for g in run(update_cap=c1, adaptive_scale=False):
        np.testing.assert_allclose(np.linalg.norm(g), c1)


def test_lra_adaptive_scale_changes_nothing_while_preactivations_are_small():
    """Below rms(h) = 1 the adaptive window and caps are the plain ones."""
    net = random_network(UNITS, "tanh", scale=0.3)
    X, Y = _data(8)
    h, _ = _forward(net, X)
    assert all(np.sqrt(np.mean(h[l] ** 2)) < 1 for l in range(1, net.n_layers + 1))
    updates = []
    for adaptive in (True, False):
        est = LRAClassifier(update_cap=1e-3, adaptive_scale=adaptive)
        rule = LocalRepresentationAlignmentRule(est)
        extra = rule.init_params(UNITS, np.random.RandomState(0), np.float64)
        updates.append(rule_directions(rule, net, X, Y, extra)[0])
    for a, b in zip(*updates):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------- LRA-diff: the local loss's gradient


def _local_loss(net, l, h_below, target, Y, local_error, loss):
    """Layer ``l``'s local loss, summed over the minibatch, as a function of ``h_{l-1}``.

    ``target`` is ``hbar_l`` (ignored at the output, whose loss is the
    cross-entropy against ``Y``). Written from the definitions, not the code.
    """
    phi = lambda a: ACTIVATIONS[net.activation_name].forward(a, np.empty_like(a))  # noqa: E731
    rho = {"squared": lambda u: u**2 / 2, "cauchy": lambda u: np.log1p(u**2)}[loss]
    h = phi(h_below) @ net.coefs[l - 1] + net.intercepts[l - 1]
    if l == net.n_layers:
        log_p = h - h.max(axis=1, keepdims=True)
        log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
        return -(Y * log_p).sum()
    if local_error in ("pre", "pre_window"):
        return rho(h - target).sum()
    return rho(phi(h) - phi(target)).sum()


@pytest.mark.parametrize("activation", ["tanh", "softplus"])
@pytest.mark.parametrize("loss", ["cauchy", "squared"])
@pytest.mark.parametrize("local_error", ["pre", "pre_window", "post", "post_derivative"])
def test_lra_diff_displacement_is_the_gradient_of_the_local_loss(local_error, loss, activation):
    """With form='diff', ``d_{l-1}`` equals central differences of layer l's local loss.

    The loss of layer ``l`` against its target, summed over the minibatch,
    is differentiated with respect to ``h_{l-1}`` with the target held fixed;
    ``d_{l-1}`` is read back from the target ``hbar_{l-1} = h_{l-1} - beta
    d_{l-1}``.
    """
    net = random_network(UNITS, activation, scale=1.0)
    X, Y = _data(2)
    beta = 0.3
    est = LRAClassifier(
        form="diff", local_error=local_error, local_loss=loss, beta=beta, activation=activation
    )
    rule = LocalRepresentationAlignmentRule(est)
    ws = Workspace(UNITS, X.shape[0], X.dtype)
    net.forward(X, ws)
    rule.directions(net, ws, Y, {}, {})
    h, _ = _forward(net, X)
    eps = 1e-6
    for l in range(net.n_layers, 1, -1):
        d = (h[l - 1] - ws.target[l - 1]) / beta
        target = None if l == net.n_layers else ws.target[l].copy()
        numeric = np.zeros_like(d)
        for idx in np.ndindex(d.shape):
            hp, hm = h[l - 1].copy(), h[l - 1].copy()
            hp[idx] += eps
            hm[idx] -= eps
            up = _local_loss(net, l, hp, target, Y, local_error, loss)
            down = _local_loss(net, l, hm, target, Y, local_error, loss)
            numeric[idx] = (up - down) / (2 * eps)
        assert np.abs(numeric).max() > 1e-3  # the case is not trivially zero
        np.testing.assert_allclose(d, numeric, rtol=1e-5, atol=1e-8)

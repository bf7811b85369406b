"""LRA's defaults: the cause of underfitting from zeros, the folded gain, zeros one step away.

The numbers behind the defaults are in ``doc/lra_defaults.md``
(``benchmarks/studies/lra_defaults_study.py``); these tests check the facts the
choice rests on, derived from the equations rather than from the package's
helpers.
"""

import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification

from sklearn_lra import LRAClassifier, LRARegressor


def _binary():
    return make_classification(
        n_samples=300, n_features=12, n_informative=6, n_classes=2, random_state=0
    )


def _fit(X, y, **params):
    base = dict(hidden_layer_sizes=(40,), max_iter=15, random_state=0, tol=0.0, alpha=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter
        return LRAClassifier(**{**base, **params}).fit(X, y)


def _singular_values(W):
    return np.linalg.svd(W, compute_uv=False)


def test_zero_init_binary_first_layer_learns_one_direction():
    # From zeros, W_1 accumulates X^T (e_L E) / B. With one logistic output E
    # has one row; with two softmax outputs e_L[:, 1] = -e_L[:, 0], so
    # e_L E = e_L[:, 0] (E_0 - E_1). Either way every update, hence W_1, has
    # rank one. Only a nonlinearity between e_L E and the update
    # (the window's gate, Cauchy's bend) can add directions. This is why LRA
    # from zeros underfits binary tables: its 100 hidden units are copies of one
    # linear feature, each scaled by its entry of E_0 - E_1.
    X, y = _binary()
    linear = _fit(
        X,
        y,
        init="zeros",
        local_error="pre",
        local_loss="squared",
        solver="sgd",
        learning_rate_init=0.01,
        activation="tanh",
    )
    sv = _singular_values(linear.coefs_[0])
    assert sv[0] > 1e-2
    assert sv[1] < 1e-8 * sv[0]
    # Its columns are proportional to E's one row (one logistic output) or to
    # E_0 - E_1 (two softmax outputs): the independent formula.
    E = linear.feedback_matrices_[0]
    direction = E[0] if E.shape[0] == 1 else E[0] - E[1]
    W = linear.coefs_[0]
    u = W @ direction / (direction @ direction)
    np.testing.assert_allclose(W, np.outer(u, direction), atol=1e-10 * np.abs(W).max())
    # A random start gives the hidden units different features to begin with.
    glorot = _fit(
        X,
        y,
        init="glorot_uniform",
        input_scale=None,
        local_error="pre",
        local_loss="squared",
        solver="sgd",
        learning_rate_init=0.01,
        activation="tanh",
    )
    sv = _singular_values(glorot.coefs_[0])
    assert sv[1] > 0.3 * sv[0]


def test_beta_and_feedback_scale_act_as_one_gain():
    # In the fdbk form with a fixed E, beta and E enter
    # only as the product beta * E_l (hbar = h - beta e E, then e' of the layer
    # below goes through E again). Powers of two keep the rescaling exact in
    # floating point, so the two fits agree to the last bit.
    X, y = _binary()
    common = dict(hidden_layer_sizes=(16, 16), local_loss="cauchy", init="zeros")
    a = _fit(X, y, beta=1.0, feedback_scale=0.125, **common)
    b = _fit(X, y, beta=0.5, feedback_scale=0.25, **common)
    for wa, wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(wa, wb)
    # The product, not either factor, is what matters: another product differs.
    c = _fit(X, y, beta=0.5, feedback_scale=0.125, **common)
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


#: LRA's training defaults as chosen in doc/lra_defaults.md.
CHOSEN = {
    "activation": "tanh",
    "solver": "sgd",
    "momentum": 0.9,
    "nesterovs_momentum": True,
    "batch_size": "auto",
    "init": "auto",
}


def test_lra_defaults_and_their_documentation():
    # LRA sets its training defaults itself, so they do not move with the
    # base's (MLPClassifier's); the shared parameter section of its docstring
    # shows them.
    for cls in [LRAClassifier, LRARegressor]:
        params = cls().get_params()
        assert {k: params[k] for k in CHOSEN} == CHOSEN
        doc = cls.__doc__
        assert "solver : {'sgd', 'adam'}, default='sgd'" in doc
        assert "``'auto'`` is ``min(64, n_samples)``" in doc
    # The step and the start's scale of the fourth round, chosen per task.
    assert LRAClassifier().learning_rate_init == 0.02
    assert LRARegressor().learning_rate_init == 0.01
    assert "learning_rate_init : float, default=0.02" in LRAClassifier.__doc__
    assert "learning_rate_init : float, default=0.01" in LRARegressor.__doc__
    assert LRAClassifier().init_scale is None
    assert LRARegressor().init_scale == 0.5
    assert "init_scale : float or None, default=0.5" in LRARegressor.__doc__
    # The L2 penalty of the second round, chosen per task.
    assert LRAClassifier().alpha == 0.1
    assert LRARegressor().alpha == 0.3
    assert "alpha : float, default=0.1" in LRAClassifier.__doc__
    assert "alpha : float, default=0.3" in LRARegressor.__doc__
    # The miss: the window for the classifier, phi' for the regressor.
    assert LRAClassifier().local_error == "pre_window"
    assert LRARegressor().local_error == "post_derivative"
    assert "default='post_derivative'" in LRARegressor.__doc__
    assert "default='pre_window'" in LRAClassifier.__doc__
    # The first layer's start of the tenth round: the classifier's only.
    assert LRAClassifier().input_scale == "auto"
    assert LRARegressor().input_scale is None
    assert "input_scale : float, 'auto' or None, default='auto'" in LRAClassifier.__doc__
    assert "input_scale : float, 'auto' or None, default=None" in LRARegressor.__doc__
    # The first layer's units of the twelfth round: the classifier's only.
    assert LRAClassifier().input_activation == "auto"
    assert LRARegressor().input_activation is None
    assert "input_activation : str, 'auto' or None, default='auto'" in LRAClassifier.__doc__
    assert "input_activation : str, 'auto' or None, default=None" in LRARegressor.__doc__


def test_auto_start_and_zero_start():
    # init='auto' draws He's uniform weights and biases for the feedback
    # forms: each layer's uniform on +-sqrt(6 / fan_in), checked against that
    # formula directly (400 hidden units, so the spreads are well estimated).
    # The classifier's input_scale='auto' narrows W_1 alone, by sqrt(2 / d)
    # for d > 2 input columns.
    X, y = _binary()
    d = X.shape[1]
    assert d > 2
    model = _fit(X, y, max_iter=1, learning_rate_init=1e-12, hidden_layer_sizes=(400,))
    drawn = [  # (values, bound); the one output bias is too few to test a spread
        (model.coefs_[0], np.sqrt(6.0 / d) * np.sqrt(2.0 / d)),
        (model.intercepts_[0], np.sqrt(6.0 / d)),
        (model.coefs_[1], np.sqrt(6.0 / 400)),
    ]
    for values, bound in drawn:
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.9 * bound
        assert abs(values.std() - bound / np.sqrt(3.0)) < 0.1 * bound
    assert np.abs(model.intercepts_[1]).max() <= np.sqrt(6.0 / 400)
    # The regressor's init_scale=0.5 halves that bound, biases included.
    bound = np.sqrt(6.0 / X.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = LRARegressor(max_iter=1, learning_rate_init=1e-12, random_state=0)
        reg.fit(X, X[:, 0].astype(float))
    for values in (reg.coefs_[0], reg.intercepts_[0]):
        assert np.abs(values).max() <= 0.5 * bound
        assert np.abs(values).max() > 0.4 * bound
    # use_bias=False keeps every bias at zero whatever the start draws.
    no_bias = _fit(X, y, max_iter=3, use_bias=False)
    assert not any(b.any() for b in no_bias.intercepts_)
    # The zero start is one parameter away: init='zeros' trains each estimator
    # from all-zero weights with its default miss (tanh: phi'(0) = 1).
    Xr = X.astype(float)
    yr = Xr[:, 0] * Xr[:, 1] + Xr[:, 2]
    for est, target in [(LRAClassifier, y), (LRARegressor, yr)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            zero = est(init="zeros", max_iter=1, learning_rate_init=1e-12).fit(X, target)
            fitted = est(init="zeros", max_iter=30, random_state=0).fit(X, target)
        assert max(np.abs(W).max() for W in zero.coefs_) < 1e-9
        assert fitted.score(X, target) > (0.8 if est is LRAClassifier else 0.3)


def test_zero_initialisation_trains_with_the_defaults():
    # The paper's headline with the defaults, only the activation changed:
    # every activation of the claim leaves chance (0.1) on digits from zeros.
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    for activation in ("relu", "tanh", "relu6", "softplus", "sign"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = LRAClassifier(activation=activation, init="zeros", max_iter=20, random_state=0)
            model.fit(X[:1000], y[:1000])
        assert model.score(X[1000:], y[1000:]) > 0.6, activation


def test_update_cap_bounds_sgd_steps_but_not_adam_steps():
    # The caps rescale a layer's direction to a smaller norm. Under SGD the
    # step is that direction times the rate, so a tight cap shrinks the
    # weights; adam divides each coordinate by its own running root mean
    # square, which the same rescaling leaves unchanged, so under adam the
    # caps bound nothing (what moves LRA under adam is the rate alone).
    X, y = _binary()
    norms = {}
    for solver, rate in (("sgd", 0.01), ("adam", 1e-3)):
        for cap in (1e-3, None):
            model = _fit(X, y, solver=solver, learning_rate_init=rate, update_cap=cap, init="zeros")
            norms[solver, cap] = np.linalg.norm(model.coefs_[0])
    assert norms["sgd", 1e-3] < 0.01 * norms["sgd", None]
    assert abs(norms["adam", 1e-3] / norms["adam", None] - 1) < 0.1

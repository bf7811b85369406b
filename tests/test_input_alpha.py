"""``input_alpha``: the L2 coefficient of the first layer, checked on the weights it moves.

One plain SGD step over one full batch moves ``W_1`` by ``-lr * c * W_1 / n``
for its penalty ``c``; the tests measure that difference between two fits
that differ only in ``c``, and check L-BFGS's optimum against an objective
written out here with numpy.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_lra import (
    BPClassifier,
    DFAClassifier,
    DFARegressor,
    FAClassifier,
    FARegressor,
    LRAClassifier,
)

LR = 0.05
ONE_STEP = dict(
    solver="sgd",
    momentum=0.0,
    learning_rate_init=LR,
    batch_size=500,
    shuffle=False,
    max_iter=1,
    hidden_layer_sizes=(7,),
    random_state=0,
)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", "Got batch_size", UserWarning)
        warnings.filterwarnings("ignore", ".*learned nothing", UserWarning)
        yield


def _data(n_features, n=60):
    return make_classification(n, n_features, n_informative=2, n_redundant=0, random_state=1)


def _first_weights(cls, X, y, **params):
    """``W_1`` as drawn: a fit whose one step is too small to move it."""
    est = cls(**{**ONE_STEP, **params, "learning_rate_init": 1e-300}).fit(X, y)
    return est.coefs_[0]


@pytest.mark.parametrize("cls", [FAClassifier, LRAClassifier, BPClassifier, FARegressor])
@pytest.mark.parametrize("n_features", [3, 40, 250])
def test_one_step_moves_the_first_layer_by_its_own_penalty(cls, n_features):
    """W_1 differs by -lr * (c - alpha) * W_1 / n; every other parameter is the same."""
    X, y = _data(n_features)
    if cls is FARegressor:
        y = y + 0.5 * X[:, 0]
    alpha, c = 0.2, 0.9
    base = cls(**ONE_STEP, alpha=alpha, input_alpha=None).fit(X, y)
    other = cls(**ONE_STEP, alpha=alpha, input_alpha=c).fit(X, y)
    W0 = _first_weights(cls, X, y, alpha=alpha)
    expected = -LR * (c - alpha) * W0 / len(X)
    np.testing.assert_allclose(other.coefs_[0] - base.coefs_[0], expected, rtol=1e-7, atol=1e-15)
    for a, b in zip(base.coefs_[1:] + base.intercepts_, other.coefs_[1:] + other.intercepts_):
        np.testing.assert_array_equal(a, b)
    # The epoch's loss is taken before the step, with the penalty of the drawn weights.
    penalty = 0.5 * (c - alpha) * float(np.sum(W0**2)) / len(X)
    assert other.loss_ - base.loss_ == pytest.approx(penalty, rel=1e-7)


@pytest.mark.parametrize("n_features", [3, 40, 250])
@pytest.mark.parametrize("alpha", [0.0, 1e-4, 0.3])
def test_auto_is_the_documented_formula(n_features, alpha):
    """'auto' is max(alpha, min(d / 100, 1)) for d input columns, and 0 when alpha is."""
    X, y = _data(n_features)
    expected = max(alpha, min(n_features / 100, 1.0)) if alpha else 0.0
    auto = FAClassifier(**ONE_STEP, alpha=alpha, input_alpha="auto").fit(X, y)
    explicit = FAClassifier(**ONE_STEP, alpha=alpha, input_alpha=expected).fit(X, y)
    np.testing.assert_array_equal(auto.coefs_[0], explicit.coefs_[0])
    assert auto.loss_ == explicit.loss_


@pytest.mark.parametrize(
    "cls, default",
    [
        (FARegressor, "auto"),
        (DFARegressor, "auto"),
        (FAClassifier, "auto"),
        (DFAClassifier, "auto"),
        (LRAClassifier, None),
        (BPClassifier, None),
    ],
)
def test_defaults(cls, default):
    """FA and DFA grow W_1's term with the columns; LRA and BP keep MLP's one alpha."""
    assert cls().get_params()["input_alpha"] == default


@pytest.mark.parametrize("value", [-0.1, "large"])
def test_bad_values_are_refused_by_name(value):
    X, y = _data(3)
    with pytest.raises(ValueError, match="input_alpha"):
        FAClassifier(input_alpha=value).fit(X, y)


def _naive_objective(theta, shapes, X, Y, alpha, c):
    """Mean cross-entropy of a tanh network with a softmax output, plus both L2 terms."""
    params, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        params.append(theta[start : start + size].reshape(shape))
        start += size
    W1, W2, b1, b2 = params
    z = np.tanh(X @ W1 + b1) @ W2 + b2
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(X)
    return -np.sum(Y * log_p) / n + 0.5 * (c * np.sum(W1**2) + alpha * np.sum(W2**2)) / n


def test_lbfgs_stops_where_the_objective_with_both_penalties_is_flat():
    """BP's L-BFGS optimum: the written-out objective's value, and zero slope there."""
    X, y = make_classification(40, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=0)
    alpha, c = 0.01, 2.0
    est = BPClassifier(
        hidden_layer_sizes=(5,),
        activation="tanh",
        solver="lbfgs",
        alpha=alpha,
        input_alpha=c,
        max_iter=5000,
        tol=1e-12,
        random_state=0,
    ).fit(X, y)
    Y = np.eye(3)[y]
    params = est.coefs_ + est.intercepts_
    shapes = [p.shape for p in params]
    theta = np.concatenate([p.ravel() for p in params])
    assert _naive_objective(theta, shapes, X, Y, alpha, c) == pytest.approx(est.loss_, rel=1e-8)

    def largest_slope(c_used):
        h = 1e-6
        f = lambda t: _naive_objective(t, shapes, X, Y, alpha, c_used)  # noqa: E731
        return max(abs(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(theta.size))

    # Flat for the objective with c on W_1; not flat for the one with alpha on every layer.
    assert largest_slope(c) < 1e-3
    assert largest_slope(alpha) > 1e-2

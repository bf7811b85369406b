"""``input_activation``: the first hidden layer's units, and the mixed ``'tanh_relu6'`` units."""

import warnings

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_lra import BPClassifier, LRAClassifier
from sklearn_lra._activations import ACTIVATIONS

from ._estimators import CLASSIFIERS, REGRESSORS

ALL_ESTIMATORS = CLASSIFIERS + REGRESSORS


def _naive_units(name, h):
    """The hidden units written out once more, for the names these tests use."""
    if name == "tanh":
        return np.tanh(h)
    if name == "relu":
        return np.maximum(h, 0)
    if name == "relu6":
        return np.minimum(np.maximum(h, 0), 6)
    if name == "tanh_relu6":
        z = np.minimum(np.maximum(h, 0), 6)
        z[:, 0::2] = np.tanh(h[:, 0::2])
        return z
    raise AssertionError(name)


def _naive_output(est, X, first, rest):
    """``z_L`` of the fitted weights: ``first`` on hidden layer 1, ``rest`` above it."""
    z = X
    n_layers = len(est.coefs_)
    for l, (W, b) in enumerate(zip(est.coefs_, est.intercepts_), start=1):
        h = z @ W + b
        if l == n_layers:
            return h
        z = _naive_units(first if l == 1 else rest, h)


def _fit(cls, X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(hidden_layer_sizes=(7, 5), max_iter=5, random_state=0, **params).fit(X, y)


def _data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((50, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, y


def test_tanh_relu6_alternates_tanh_and_relu6():
    """Worked values: columns 0 and 2 are tanh units, columns 1 and 3 ReLU-6 units."""
    act = ACTIVATIONS["tanh_relu6"]
    h = np.array([[-1.0, -1.0, 8.0, 8.0], [0.5, 0.5, 0.0, 3.0]])
    z = act.forward(h, np.empty_like(h))
    t1, t5 = np.tanh(1.0), np.tanh(0.5)
    np.testing.assert_allclose(z, [[-t1, 0.0, np.tanh(8.0), 6.0], [t5, 0.5, 0.0, 3.0]])
    # phi': 1 - tanh^2 on the tanh units; 1 inside (0, 6), else 0, on the ReLU-6 units.
    d = act.derivative(h, z, np.empty_like(h))
    np.testing.assert_allclose(
        d, [[1 - t1**2, 0.0, 1 - np.tanh(8.0) ** 2, 0.0], [1 - t5**2, 1.0, 1.0, 1.0]]
    )


@pytest.mark.parametrize("cls", ALL_ESTIMATORS, ids=lambda c: c.__name__)
def test_first_layer_has_its_own_units_and_the_others_keep_activation(cls):
    """The fitted network computes ``input_activation`` on layer 1 and ``activation`` above."""
    X, y = _data()
    target = y if is_classifier(cls()) else X[:, 0] * X[:, 1]
    est = _fit(cls, X, target, activation="tanh", input_activation="relu6")
    h = _naive_output(est, X, "relu6", "tanh")
    plain = _naive_output(est, X, "tanh", "tanh")
    assert not np.allclose(h, plain)  # the two layers' units do differ on these rows
    if is_classifier(est):
        p = np.exp(h - h.max(axis=1, keepdims=True)) if h.shape[1] > 1 else 1 / (1 + np.exp(-h))
        p = p / p.sum(axis=1, keepdims=True) if h.shape[1] > 1 else np.hstack([1 - p, p])
        np.testing.assert_allclose(est.predict_proba(X), p, rtol=1e-10, atol=1e-12)
    else:
        # Regressors that standardise y map the network's output back to y's units.
        scale = getattr(est, "target_scale_", None)
        if scale is not None:
            h = h * scale + est.target_mean_
        np.testing.assert_allclose(est.predict(X), h.ravel(), rtol=1e-10, atol=1e-12)


def test_auto_mixes_tanh_units_only():
    """'auto': tanh_relu6 on the first layer of a tanh network, else the network's units."""
    X, y = _data(1)
    for activation, first in [("tanh", "tanh_relu6"), ("relu", "relu")]:
        est = _fit(LRAClassifier, X, y, activation=activation, input_activation="auto")
        assert est._resolved_input_activation() == first
        h = _naive_output(est, X, first, activation)
        p = 1 / (1 + np.exp(-h))
        np.testing.assert_allclose(est.predict_proba(X)[:, 1:], p, rtol=1e-10, atol=1e-12)


def test_none_is_the_networks_own_activation():
    """input_activation=None trains exactly as naming the network's activation."""
    X, y = _data(2)
    a = _fit(BPClassifier, X, y, activation="tanh", input_activation=None)
    b = _fit(BPClassifier, X, y, activation="tanh", input_activation="tanh")
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(u, v)


def test_unknown_input_activation_is_refused_by_name():
    X, y = _data(3)
    with pytest.raises(InvalidParameterError, match="input_activation"):
        LRAClassifier(input_activation="swish").fit(X, y)


def test_defaults_presets_and_profiles():
    """Only LRAClassifier mixes its first layer by default; the published settings do not."""
    from sklearn_lra.experiments._profiles import LRA_PARAMS

    assert LRAClassifier().input_activation == "auto"
    for cls in ALL_ESTIMATORS:
        if cls is not LRAClassifier:
            assert cls().input_activation is None, cls.__name__
    for name in ("lra_e_2019", "lra_fdbk_2018"):
        assert LRAClassifier.from_paper(name).input_activation is None
    assert LRA_PARAMS["input_activation"] is None

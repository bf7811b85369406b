"""``input_scale``: the gain of the first layer's initial weights."""

import warnings

import numpy as np
import pytest

from sklearn_lra import BPClassifier, FAClassifier, LRAClassifier, LRARegressor


def _start(cls, X, y, **params):
    """The network after one epoch at a step too small to move it (by more than 1e-10)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(max_iter=1, learning_rate_init=1e-12, random_state=0, **params).fit(X, y)


@pytest.mark.parametrize("cls", [LRAClassifier, BPClassifier, FAClassifier])
@pytest.mark.parametrize("d", [2, 8, 50])
def test_input_scale_multiplies_the_first_layer_only(cls, d):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, d))
    y = (X[:, 0] > 0).astype(int)
    plain = _start(cls, X, y, input_scale=None, hidden_layer_sizes=(30, 20))
    gains = {0.25: 0.25, 3.0: 3.0, "auto": min(1.0, (2.0 / d) ** 0.5)}
    for value, gain in gains.items():
        scaled = _start(cls, X, y, input_scale=value, hidden_layer_sizes=(30, 20))
        # The same draws, W_1 times the gain; biases and deeper layers untouched.
        np.testing.assert_allclose(scaled.coefs_[0], gain * plain.coefs_[0], rtol=0, atol=1e-10)
        for a, b in zip(scaled.coefs_[1:], plain.coefs_[1:]):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
        for a, b in zip(scaled.intercepts_, plain.intercepts_):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


def test_auto_keeps_two_columns_and_shrinks_beyond():
    # Worked values of min(1, sqrt(2 / d)): 1 at d = 1 and 2, 1/2 at 8, 1/10 at 200.
    rng = np.random.RandomState(1)
    for d, gain in [(1, 1.0), (2, 1.0), (8, 0.5), (200, 0.1)]:
        X = rng.standard_normal((40, d))
        y = (X[:, 0] > 0).astype(int)
        auto = _start(LRAClassifier, X, y)
        plain = _start(LRAClassifier, X, y, input_scale=None)
        np.testing.assert_allclose(auto.coefs_[0], gain * plain.coefs_[0], rtol=0, atol=1e-10)


def test_defaults_and_presets():
    assert LRAClassifier().input_scale == "auto"
    for cls in (LRARegressor, BPClassifier, FAClassifier):
        assert cls().input_scale is None
    # The presets set every parameter the rule depends on, this one included.
    for name in ("lra_e_2019", "lra_fdbk_2018"):
        assert LRAClassifier.from_paper(name).input_scale is None


@pytest.mark.parametrize("value", [0.0, -1.0, "big"])
def test_invalid_values_are_refused_with_the_name(value):
    X = np.random.RandomState(0).standard_normal((20, 3))
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match="input_scale"):
        LRAClassifier(input_scale=value, max_iter=1).fit(X, y)

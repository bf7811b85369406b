"""The paper's headline claim on the bundled digits: LRA trains from all-zero weights."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sklearn_lra import BPClassifier, LRAClassifier


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, stratify=y, random_state=0)


def _score(est, digits):
    X_train, X_test, y_train, y_test = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X_train, y_train).score(X_test, y_test)


@pytest.mark.parametrize("activation", ["tanh", "relu6", "softplus", "sign"])
def test_lra_trains_from_zero_initialisation(activation, digits):
    """LRA from init='zeros' reaches at least 0.90 test accuracy for each unit type."""
    est = LRAClassifier(activation=activation, init="zeros", max_iter=50, random_state=0)
    assert _score(est, digits) >= 0.90
    assert all(np.abs(W).max() > 0 for W in est.coefs_)  # every layer moved


@pytest.mark.parametrize("activation", ["tanh", "relu6"])
def test_bp_stays_at_chance_from_zero_initialisation(activation, digits):
    """BP from init='zeros' cannot move its hidden layer: accuracy stays near chance."""
    est = BPClassifier(activation=activation, init="zeros", max_iter=50, random_state=0)
    with pytest.warns(UserWarning, match="from init='zeros' it cannot train"):
        assert _score(est, digits) < 0.2
    assert np.abs(est.coefs_[0]).max() == 0.0

"""Bad input gets a clear ValueError, and a failed fit changes nothing."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError

from ._estimators import CLASSIFIERS, REGRESSORS, fast_estimator

ALL = CLASSIFIERS + REGRESSORS
rng = np.random.RandomState(0)
X = rng.randn(30, 4)
Y_CLASS = np.arange(30) % 3
Y_REG = rng.randn(30)


def _y(cls):
    return Y_CLASS if cls in CLASSIFIERS else Y_REG


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_input_is_rejected(cls, value):
    """NaN or inf in X raises a ValueError that says so."""
    bad = X.copy()
    bad[3, 2] = value
    with pytest.raises(ValueError, match="NaN|infinity"):
        fast_estimator(cls).fit(bad, _y(cls))


@pytest.mark.parametrize("cls", ALL)
def test_wrong_number_of_features_after_fit(cls):
    """predict with another number of features names both numbers."""
    est = fast_estimator(cls).fit(X, _y(cls))
    with pytest.raises(ValueError, match="4 features"):
        est.predict(X[:, :3])


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_single_class_is_rejected(cls):
    """A classifier refuses data with one class, with a message naming the problem."""
    with pytest.raises(ValueError, match="only one class"):
        fast_estimator(cls).fit(X, np.zeros(30))


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_unseen_labels_in_partial_fit(cls):
    """partial_fit refuses labels that were not declared in `classes`."""
    est = fast_estimator(cls).partial_fit(X, Y_CLASS, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"labels \[7\] that are not in classes_"):
        est.partial_fit(X, np.full(30, 7))


def test_later_partial_fit_refuses_continuous_and_foreign_labels():
    """A later call looks labels up in classes_: continuous labels are unseen there.

    Many unseen labels are named ten at a time, with the count of the rest;
    strings next to numeric classes get scikit-learn's message on mixed types.
    """
    est = fast_estimator(CLASSIFIERS[0]).partial_fit(X, Y_CLASS, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"not in classes_") as info:
        est.partial_fit(X, np.linspace(0.01, 0.99, 30))
    assert "... 20 more" in str(info.value)
    with pytest.raises(ValueError, match="Mix of label input types"):
        est.partial_fit(X, np.array(["a"] * 30, dtype=object))
    est.partial_fit(X, np.full(30, 2.0))  # 2.0 is the class 2
    assert est.classes_.tolist() == [0, 1, 2]


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_needs_classes_first(cls):
    """The first partial_fit of a classifier must be told every class."""
    with pytest.raises(ValueError, match="classes must be passed"):
        fast_estimator(cls).partial_fit(X, Y_CLASS)


@pytest.mark.parametrize("cls", ALL)
def test_partial_fit_with_early_stopping(cls):
    """early_stopping cannot be combined with partial_fit."""
    est = fast_estimator(cls, early_stopping=True)
    kwargs = {"classes": [0, 1, 2]} if cls in CLASSIFIERS else {}
    with pytest.raises(ValueError, match="early_stopping"):
        est.partial_fit(X, _y(cls), **kwargs)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize(
    "params",
    [
        {"hidden_layer_sizes": (4, 0)},
        {"hidden_layer_sizes": (4, -2)},
        {"hidden_layer_sizes": (4.5,)},
        {"activation": "swish"},
        {"init": "ones"},
        {"learning_rate_init": 0.0},
        {"batch_size": 0},
        {"max_iter": -1},
        {"validation_fraction": 1.0},
    ],
)
def test_invalid_parameters_are_named(cls, params):
    """Invalid hyperparameters raise an error that names the parameter."""
    name = next(iter(params))
    with pytest.raises((InvalidParameterError, ValueError), match=name):
        fast_estimator(cls, **params).fit(X, _y(cls))


@pytest.mark.parametrize("cls", ALL)
def test_failed_fit_leaves_fitted_estimator_unchanged(cls):
    """A fit that fails on bad data leaves the previous model exactly as it was."""
    est = fast_estimator(cls).fit(X, _y(cls))
    before = pickle.dumps(est)
    bad = X[:, :3].copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError):
        est.fit(bad, _y(cls))
    with pytest.raises(ValueError):
        est.fit(np.hstack([X, X]), _y(cls)[:10])
    assert pickle.dumps(est) == before


@pytest.mark.parametrize("cls", ALL)
def test_failed_partial_fit_leaves_estimator_unchanged(cls):
    """A partial_fit that fails midway (bad labels / shapes) changes nothing."""
    est = fast_estimator(cls)
    kwargs = {"classes": [0, 1, 2]} if cls in CLASSIFIERS else {}
    est.partial_fit(X, _y(cls), **kwargs)
    before = pickle.dumps(est)
    with pytest.raises(ValueError):
        est.partial_fit(X, np.full(30, 9) if cls in CLASSIFIERS else np.ones((30, 2)))
    assert pickle.dumps(est) == before

"""sample_weight and class_weight, tested directly on the weights they produce."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_sample_weight

from ._estimators import CLASSIFIERS, REGRESSORS, fast_estimator

ALL = CLASSIFIERS + REGRESSORS
X, y = make_classification(40, 5, n_informative=3, n_classes=3, random_state=0)
# Full-batch training without shuffling makes weighting and repetition comparable.
#: No L2 term: MLPClassifier's alpha * W / sum(sample_weight) makes the weights' scale
#: count as more data (test_alpha_counts_sample_weight_as_data below).
# One minibatch of every row, repeated ones included (LRA's 'auto' is min(64, n)).
EXACT = dict(batch_size=200, shuffle=False, max_iter=15, tol=0.0, init="normal", alpha=0.0)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # EXACT's batch_size is meant to exceed the data: one minibatch.
        warnings.filterwarnings("ignore", "Got batch_size=200 larger than", UserWarning)
        yield


def _targets(cls):
    return y if cls in CLASSIFIERS else y.astype(float)


def _assert_same_model(a, b):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("cls", ALL)
def test_alpha_counts_sample_weight_as_data(cls):
    """With an L2 term, a weight of k still trains like k copies (MLPClassifier's alpha)."""
    w = np.arange(len(X)) % 3 + 1
    params = {**EXACT, "alpha": 0.5}
    weighted = fast_estimator(cls, **params).fit(X, _targets(cls), sample_weight=w)
    repeated = fast_estimator(cls, **params).fit(
        np.repeat(X, w, axis=0), np.repeat(_targets(cls), w)
    )
    _assert_same_model(weighted, repeated)
    unweighted = fast_estimator(cls, **params).fit(X, _targets(cls))
    assert not np.allclose(weighted.coefs_[0], unweighted.coefs_[0])


@pytest.mark.parametrize("cls", ALL)
def test_integer_weights_equal_repeated_rows(cls):
    """A weight of k trains like k copies of the row (full batch)."""
    w = np.arange(len(X)) % 3  # 0, 1 and 2 copies
    weighted = fast_estimator(cls, **EXACT).fit(X, _targets(cls), sample_weight=w)
    repeated = fast_estimator(cls, **EXACT).fit(
        np.repeat(X, w, axis=0), np.repeat(_targets(cls), w)
    )
    _assert_same_model(weighted, repeated)


@pytest.mark.parametrize("cls", ALL)
def test_weights_only_matter_up_to_scale(cls):
    """Multiplying every weight by a constant changes nothing."""
    w = np.random.RandomState(0).uniform(0.5, 2, len(X))
    a = fast_estimator(cls, **EXACT).fit(X, _targets(cls), sample_weight=w)
    b = fast_estimator(cls, **EXACT).fit(X, _targets(cls), sample_weight=1e6 * w)
    _assert_same_model(a, b)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_class_weight_equals_its_sample_weights(cls):
    """class_weight ('balanced' or a dict) is the per-sample weight of each label."""
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y != 0)[::3]]  # imbalanced
    Xi, yi = X[keep], y[keep]
    for class_weight in ("balanced", {0: 1.0, 1: 3.0, 2: 0.5}):
        by_class = fast_estimator(cls, class_weight=class_weight, **EXACT).fit(Xi, yi)
        by_sample = fast_estimator(cls, **EXACT).fit(
            Xi, yi, sample_weight=compute_sample_weight(class_weight, yi)
        )
        _assert_same_model(by_class, by_sample)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_balanced_class_weight_is_refused_by_partial_fit(cls):
    """'balanced' needs the class frequencies of all the data, which partial_fit lacks."""
    est = fast_estimator(cls, class_weight="balanced")
    with pytest.raises(ValueError, match="partial_fit"):
        est.partial_fit(X, y, classes=[0, 1, 2])


@pytest.mark.parametrize("cls", ALL)
def test_partial_fit_accepts_sample_weight(cls):
    """partial_fit takes sample_weight, and zero weights are rows that do not count."""
    w = (np.arange(len(X)) % 2).astype(float)
    kwargs = {"classes": [0, 1, 2]} if cls in CLASSIFIERS else {}
    a = fast_estimator(cls, **EXACT).partial_fit(X, _targets(cls), sample_weight=w, **kwargs)
    b = fast_estimator(cls, **EXACT).partial_fit(X[w > 0], _targets(cls)[w > 0], **kwargs)
    _assert_same_model(a, b)

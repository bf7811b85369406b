"""``dtype``: training in float32 (or float64) whatever the dtype of the input."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_lra import BPRegressor, LRAClassifier

from ._estimators import CLASSIFIERS, REGRESSORS, fast_estimator

rng = np.random.RandomState(0)
X64 = rng.randn(80, 6)
Y_LABELS = (X64[:, 0] + X64[:, 1] > 0).astype(int) + (X64[:, 2] > 1)
Y_TARGETS = X64[:, :2] @ np.array([1.0, -0.5])

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _fit(cls, X, dtype=None, **params):
    est = fast_estimator(cls, max_iter=5, dtype=dtype, **params)
    return est.fit(X, Y_LABELS if is_classifier(est) else Y_TARGETS)


def _outputs(est, X):
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS, ids=lambda c: c.__name__)
def test_float64_input_trains_in_float32_exactly_as_float32_input(cls):
    """dtype='float32' on float64 X gives the weights and outputs of a fit on float32 X."""
    cast = _fit(cls, X64, dtype="float32")
    native = _fit(cls, X64.astype(np.float32))
    assert all(W.dtype == np.float32 for W in cast.coefs_ + cast.intercepts_)
    for a, b in zip(cast.coefs_ + cast.intercepts_, native.coefs_ + native.intercepts_):
        np.testing.assert_array_equal(a, b)
    out32 = _outputs(cast, X64.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_array_equal(out32, _outputs(native, X64.astype(np.float32)))
    # float64 X: computed in float32, returned in float64 (as MLPClassifier's products promote)
    out64 = _outputs(cast, X64)
    assert out64.dtype == np.float64
    np.testing.assert_array_equal(out64, out32.astype(np.float64))


@pytest.mark.parametrize("dtype", [np.float64, "float64"])
def test_float64_trains_float32_input_in_float64(dtype):
    est = _fit(LRAClassifier, X64.astype(np.float32), dtype=dtype)
    assert est.coefs_[0].dtype == np.float64
    assert est.predict_proba(X64.astype(np.float32)).dtype == np.float64


def test_default_keeps_the_input_dtype():
    assert _fit(LRAClassifier, X64).coefs_[0].dtype == np.float64
    assert _fit(LRAClassifier, X64.astype(np.float32)).coefs_[0].dtype == np.float32


def test_sparse_and_integer_input_are_cast():
    est = _fit(LRAClassifier, sp.csr_matrix(X64), dtype=np.float32)
    assert est.coefs_[0].dtype == np.float32
    est = _fit(BPRegressor, np.rint(X64 * 10).astype(np.int64), dtype="float32")
    assert est.coefs_[0].dtype == np.float32
    assert est.predict(X64.astype(np.float32)).dtype == np.float32


def test_continued_training_keeps_the_fitted_dtype():
    """warm_start and partial_fit continue in the weights' dtype, as documented."""
    est = _fit(LRAClassifier, X64, dtype="float32", warm_start=True)
    est.set_params(dtype=None).fit(X64, Y_LABELS)
    assert est.coefs_[0].dtype == np.float32
    est.partial_fit(X64, Y_LABELS)
    assert est.coefs_[0].dtype == np.float32


def test_invalid_dtype_is_refused():
    with pytest.raises(ValueError, match="dtype"):
        fast_estimator(LRAClassifier, dtype="float16").fit(X64, Y_LABELS)


#: float32 sums in another order differ by about 2e-7 relative, over these checks' rtol 1e-7.
_FLOAT32_ROUNDING = {
    name: "float32 rounding exceeds the check's float64 tolerance (rtol=1e-7)"
    for name in (
        "check_sample_weight_equivalence_on_dense_data",
        "check_sample_weight_equivalence_on_sparse_data",
    )
}


@parametrize_with_checks(
    [
        fast_estimator(LRAClassifier, dtype="float32"),
        fast_estimator(BPRegressor, dtype=np.float32),
    ],
    expected_failed_checks=lambda est: _FLOAT32_ROUNDING,
)
def test_sklearn_checks_with_float32_training(estimator, check):
    check(estimator)

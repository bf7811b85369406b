"""The shared engine: partial_fit, warm_start, early stopping, persistence, dtypes."""

import io
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from ._estimators import CLASSIFIERS, REGRESSORS, fast_estimator

ALL = CLASSIFIERS + REGRESSORS


def _data(cls, n=60, seed=0, noise=0.1):
    if cls in CLASSIFIERS:
        X, y = make_classification(
            n, 6, n_informative=4, n_classes=3, random_state=seed, flip_y=noise
        )
    else:
        X, y = make_regression(n, 6, noise=100 * noise, random_state=seed)
        y = y / y.std()
    return X, y


def _partial_fit(est, X, y):
    if hasattr(est, "predict_proba"):
        return est.partial_fit(X, y, classes=np.unique(y))
    return est.partial_fit(X, y)


def _same_weights(a, b):
    return all(
        np.array_equal(u, v) for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_)
    )


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("cls", ALL)
def test_partial_fit_n_times_equals_fit(cls):
    """partial_fit called N times equals fit(max_iter=N) without shuffling.

    ``n_iter_`` counts the epochs of the last call, as in MLPClassifier; ``t_``
    and ``loss_curve_`` accumulate.
    """
    X, y = _data(cls)
    params = dict(shuffle=False, max_iter=5, tol=0.0, n_iter_no_change=100, batch_size=16)
    full = fast_estimator(cls, **params).fit(X, y)
    inc = fast_estimator(cls, **params)
    for _ in range(5):
        _partial_fit(inc, X, y)
    np.testing.assert_allclose(full.loss_curve_, inc.loss_curve_)
    for u, v in zip(full.coefs_, inc.coefs_):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)
    assert inc.n_iter_ == 1 and inc.t_ == 5 * len(X) and len(inc.loss_curve_) == 5


@pytest.mark.parametrize("cls", ALL)
def test_warm_start_continues(cls):
    """A second fit with warm_start starts from the first fit's weights."""
    X, y = _data(cls)
    # FA and DFA regressors can climb for their first epochs, until the output
    # weights align with the feedback: an initialisation under which they do not
    # (the first layer at its full scale for every estimator).
    params = dict(max_iter=3, tol=0.0, activation="tanh", init="glorot_uniform", input_scale=None)
    est = fast_estimator(cls, warm_start=True, **params)
    est.fit(X, y)
    first = [W.copy() for W in est.coefs_]
    est.fit(X, y)
    cold = fast_estimator(cls, **params).fit(X, y)
    assert est.n_iter_ == 3  # the epochs of this fit, as MLPClassifier counts
    assert len(est.loss_curve_) == 6 and est.t_ == 6 * len(X)
    assert est.loss_curve_[3] < cold.loss_curve_[0]
    assert not np.array_equal(first[0], est.coefs_[0])


@pytest.mark.parametrize("cls", ALL)
def test_same_random_state_gives_identical_models(cls):
    """Two fits with one random_state are bit-identical; another seed differs."""
    X, y = _data(cls)
    a = fast_estimator(cls, init="normal", random_state=3).fit(X, y)
    b = fast_estimator(cls, init="normal", random_state=3).fit(X, y)
    c = fast_estimator(cls, init="normal", random_state=4).fit(X, y)
    assert _same_weights(a, b)
    assert not _same_weights(a, c)


@pytest.mark.parametrize("cls", ALL)
def test_early_stopping_restores_best_weights(cls):
    """With early stopping the final weights are those of the best validation epoch."""
    X, y = _data(cls, n=200, noise=0.5)  # noisy enough to overfit
    params = dict(early_stopping=True, learning_rate_init=0.05, validation_fraction=0.2, tol=0.0)
    est = fast_estimator(cls, max_iter=300, n_iter_no_change=3, **params).fit(X, y)
    scores = est.validation_scores_
    best_epoch = int(np.argmax(scores))
    assert len(scores) == len(est.validation_loss_curve_) == est.n_iter_
    assert est.best_validation_score_ == max(scores)
    assert best_epoch < est.n_iter_ - 1  # stopped after epochs that did not improve
    # The same run cut at the best epoch ends with the weights that should be restored.
    cut = fast_estimator(cls, max_iter=best_epoch + 1, n_iter_no_change=1000, **params)
    cut.fit(X, y)
    assert cut.validation_scores_ == pytest.approx(scores[: best_epoch + 1])
    assert _same_weights(est, cut)


@pytest.mark.parametrize("cls", ALL)
def test_joblib_round_trip_then_partial_fit(cls):
    """A model saved and loaded with joblib predicts the same and keeps learning."""
    X, y = _data(cls)
    est = fast_estimator(cls).fit(X, y)
    buf = io.BytesIO()
    joblib.dump(est, buf)
    buf.seek(0)
    loaded = joblib.load(buf)
    np.testing.assert_array_equal(est.predict(X), loaded.predict(X))
    before = [W.copy() for W in loaded.coefs_]
    _partial_fit(loaded, X, y)
    assert loaded.n_iter_ == 1 and len(loaded.loss_curve_) == len(est.loss_curve_) + 1
    assert not np.array_equal(before[0], loaded.coefs_[0])


@pytest.mark.parametrize("cls", ALL)
def test_float32_stays_float32(cls):
    """float32 input gives float32 weights and float32 outputs (float64 for float64 X)."""
    X, y = _data(cls)
    est = fast_estimator(cls).fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    for X_pred, dtype in ((X.astype(np.float32), np.float32), (X, np.float64)):
        out = est.predict_proba(X_pred) if cls in CLASSIFIERS else est.predict(X_pred)
        assert out.dtype == dtype


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_equals_dense(cls, fmt):
    """CSR and CSC input train the same model as the dense array."""
    X, y = _data(cls)
    X[np.abs(X) < 0.5] = 0.0
    dense = fast_estimator(cls).fit(X, y)
    sparse = fast_estimator(cls).fit(sp.csr_matrix(X).asformat(fmt), y)
    for u, v in zip(dense.coefs_, sparse.coefs_):
        np.testing.assert_allclose(u, v, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_string_and_binary_labels(cls):
    """String labels and two classes work; probabilities have one column per class."""
    X, y = make_classification(80, 5, random_state=0)
    labels = np.array(["no", "yes"])[y]
    est = fast_estimator(cls, max_iter=60).fit(X, labels)
    assert list(est.classes_) == ["no", "yes"]
    proba = est.predict_proba(X)
    assert proba.shape == (80, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.exp(est.predict_log_proba(X)), proba, rtol=1e-6)
    assert est.score(X, labels) > 0.75


@pytest.mark.parametrize("cls", REGRESSORS)
def test_multi_output_regression(cls):
    """A regressor fits several targets at once and predicts their shape."""
    X, y = make_regression(80, 5, n_targets=3, random_state=0)
    est = fast_estimator(cls, max_iter=100).fit(X, y / y.std())
    assert est.predict(X).shape == (80, 3)
    assert est.n_outputs_ == 3


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize(
    "solver,schedule", [("adam", "constant"), ("sgd", "invscaling"), ("sgd", "adaptive")]
)
def test_solvers_and_schedules_train(cls, solver, schedule):
    """Every optimizer and schedule lowers the training loss."""
    X, y = _data(cls)
    est = fast_estimator(
        cls,
        solver=solver,
        learning_rate=schedule,
        max_iter=20,
        learning_rate_init=0.01 if solver == "adam" else 0.05,
        init="normal",
    )
    est.fit(X, y)
    assert est.loss_curve_[-1] < est.loss_curve_[0]


def test_adaptive_schedule_divides_the_rate():
    """'adaptive' divides sgd's learning rate by 5 when the loss stops improving; adam has none.

    As in MLPClassifier, learning-rate schedules are sgd's: adam stops instead.
    """
    X, y = _data(CLASSIFIERS[0])
    params = dict(learning_rate="adaptive", tol=10.0, n_iter_no_change=1, max_iter=6)
    est = fast_estimator(CLASSIFIERS[0], solver="sgd", **params).fit(X, y)
    assert est._optimizer.learning_rate < est.learning_rate_init
    est = fast_estimator(CLASSIFIERS[0], solver="adam", **params).fit(X, y)
    assert est._optimizer.learning_rate == est.learning_rate_init and est.n_iter_ == 3

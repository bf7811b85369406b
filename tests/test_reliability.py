"""Divergence, interrupted training and persistence: nothing is lost."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_lra
from sklearn_lra import BPClassifier
from sklearn_lra.exceptions import DivergenceWarning

from ._estimators import CLASSIFIERS, REGRESSORS, diverging_estimator, fast_estimator

ALL = CLASSIFIERS + REGRESSORS
rng = np.random.RandomState(0)
X = rng.randn(40, 4)


Y_REG = rng.randn(40)


def _y(cls):
    return np.arange(40) % 3 if cls in CLASSIFIERS else Y_REG


class _InterruptAt:
    """A fit callback that presses Ctrl-C at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch, self.seen = epoch, 0

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch":
            self.seen += 1
            if self.seen == self.epoch:
                raise KeyboardInterrupt

    def teardown(self, estimator, context):
        pass


@pytest.mark.parametrize("cls", ALL)
def test_divergence_keeps_the_last_finite_weights(cls):
    """Weights that overflow stop training with a warning and a model that predicts finitely."""
    est = diverging_estimator(cls)
    X32 = (X * 1e10).astype(np.float32)
    with pytest.warns(DivergenceWarning, match="diverged"), np.errstate(all="ignore"):
        est.fit(X32, _y(cls))
    assert est.n_iter_ < est.max_iter
    assert len(est.loss_curve_) == est.n_iter_
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    out = est.predict_proba(X32) if cls in CLASSIFIERS else est.predict(X32)
    assert np.isfinite(out).all()


def _climbing_fit(max_iter):
    """Full-batch SGD on a linear network at a step whose loss climbs, then overflows."""
    Xl = np.random.RandomState(0).randn(40, 3)
    est = sklearn_lra.BPRegressor(
        hidden_layer_sizes=(4,), activation="identity", solver="sgd", momentum=0.0,
        learning_rate_init=0.5, batch_size=40, alpha=0.0, tol=0.0, max_iter=max_iter,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with np.errstate(all="ignore"):
            return est.fit(Xl, Xl @ np.array([1.0, -2.0, 0.5]))


def test_divergence_after_a_climbing_loss_goes_back_before_the_lowest_loss():
    """A loss that climbs for epochs before it overflows: the weights of its lowest point.

    An epoch's loss is measured from the weights it starts with, so the
    weights kept are those a fit of one epoch fewer ends with. (On a table of
    the tabular suite, the last finite epoch of such a fit scored an R^2 of
    -1e17 on its own training rows.)
    """
    with pytest.warns(DivergenceWarning, match="start of the epoch of lowest training loss"):
        est = _climbing_fit(max_iter=200)
    curve = np.array(est.loss_curve_)
    lowest = int(np.argmin(curve))  # epoch lowest + 1 had the lowest loss
    assert curve[-1] > 1e3 * curve[lowest], "the scenario must climb before it overflows"
    reference = _climbing_fit(max_iter=lowest)  # ends where epoch lowest + 1 started
    for kept, expected in zip(
        est.coefs_ + est.intercepts_, reference.coefs_ + reference.intercepts_
    ):
        np.testing.assert_array_equal(kept, expected)


@pytest.mark.parametrize("cls", ALL)
def test_keyboard_interrupt_keeps_last_completed_epoch(cls):
    """Ctrl-C during fit leaves a usable model at the last completed epoch, with a warning."""
    est = fast_estimator(cls, max_iter=20, tol=0.0).set_callbacks(_InterruptAt(3))
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, _y(cls))
    ref = fast_estimator(cls, max_iter=3, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(X, _y(cls))
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3
    for u, v in zip(est.coefs_, ref.coefs_):
        np.testing.assert_array_equal(u, v)
    assert np.isfinite(est.predict(X).astype(float)).all()


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_round_trip_predicts_identically_and_continues(cls, dump):
    """pickle and joblib round trips keep predictions and allow partial_fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = fast_estimator(cls).fit(X, _y(cls))
    if dump == "pickle":
        loaded = pickle.loads(pickle.dumps(est))
    else:
        buf = io.BytesIO()
        joblib.dump(est, buf)
        buf.seek(0)
        loaded = joblib.load(buf)
    np.testing.assert_array_equal(est.predict(X), loaded.predict(X))
    loaded.partial_fit(X, _y(cls))
    assert loaded.n_iter_ == 1 and loaded.t_ == est.t_ + len(X)  # n_iter_: this call's epochs


def test_pickle_stores_the_package_version():
    """A saved model records the sklearn-lra version that wrote it."""
    with pytest.warns(ConvergenceWarning):  # 3 epochs: never converged
        est = fast_estimator(CLASSIFIERS[0], max_iter=3).fit(X, _y(CLASSIFIERS[0]))
    assert est.__getstate__()["_sklearn_lra_version"] == sklearn_lra.__version__


def test_loading_another_version_warns():
    """Loading a model saved by another version of sklearn-lra warns."""
    with pytest.warns(ConvergenceWarning):  # 3 epochs: never converged
        est = fast_estimator(CLASSIFIERS[0], max_iter=3).fit(X, _y(CLASSIFIERS[0]))
    state = est.__getstate__()
    state["_sklearn_lra_version"] = "0.0.1"
    clone = type(est).__new__(type(est))
    with pytest.warns(UserWarning, match="0.0.1"):
        clone.__setstate__(state)
    np.testing.assert_array_equal(clone.predict(X), est.predict(X))


@pytest.mark.parametrize("cls", ALL)
def test_huge_inputs_keep_finite_weights_and_predictions(cls):
    """Inputs of 1e30 never give a model with non-finite weights or predictions."""
    huge = np.random.RandomState(1).randn(20, 3).astype(np.float32) * np.float32(1e30)
    y = np.arange(20) % 2 if cls in CLASSIFIERS else np.arange(20) % 2 * 1.0
    est = fast_estimator(cls, init="normal", learning_rate_init=0.1)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", (DivergenceWarning, ConvergenceWarning))
        est.fit(huge, y)
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    out = est.predict_proba(huge) if cls in CLASSIFIERS else est.predict(huge)
    assert np.isfinite(out).all()


@pytest.mark.parametrize("cls", ALL)
def test_inputs_that_overflow_at_once_are_a_clear_error(cls):
    """Inputs whose very first forward pass overflows float32 raise a ValueError."""
    huge = np.full((20, 60), 3e38, dtype=np.float32)
    y = np.arange(20) % 2 if cls in CLASSIFIERS else np.ones(20)
    est = fast_estimator(cls, init="normal", init_scale=10.0, activation="identity")
    with pytest.raises(ValueError, match="too large"), np.errstate(all="ignore"):
        est.fit(huge, y)
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("how", ["fit", "partial_fit", "pipeline"])
def test_warnings_point_at_the_users_line(how):
    """A training warning names the caller's file, whichever path the fit took."""
    X, y = rng.randn(20, 3), np.arange(20) % 2
    est = BPClassifier(hidden_layer_sizes=(3,), max_iter=1, batch_size=50, random_state=0)
    calls = {
        "fit": lambda: est.fit(X, y),
        "partial_fit": lambda: est.partial_fit(X, y, classes=[0, 1]),
        "pipeline": lambda: make_pipeline(StandardScaler(), est).fit(X, y),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calls[how]()
    assert caught and {w.filename for w in caught} == {__file__}

"""Threads and worker processes give exactly the results of serial calls.

Prediction runs in chunks of 4096 rows through buffers made per call, so one
fitted model can serve many threads; fits of different models share nothing.
"""

import functools
import pickle
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_lra import BPClassifier, LRAClassifier

from ._estimators import public_estimator_classes

ALL = public_estimator_classes()
N_THREADS = 8
#: More than two chunks of predict_output's 4096 rows, the last one partial.
N_ROWS = 10_000
rng = np.random.RandomState(0)
X_BIG = rng.randn(N_ROWS, 20)
X_TRAIN = X_BIG[:300]
Y_LABELS = (X_TRAIN[:, :3].sum(axis=1) > 0).astype(int) + (X_TRAIN[:, 3] > 1)  # 3 classes
Y_TARGETS = X_TRAIN[:, :2] @ np.array([1.0, -2.0])

#: Inputs predicted at once from many threads: shapes on both sides of a chunk,
#: another dtype (cast chunk by chunk) and sparse rows.
INPUTS = {
    "10k dense": X_BIG,
    "one chunk": X_BIG[:4096],
    "chunk + 1": X_BIG[:4097],
    "one row": X_BIG[:1],
    "float32": X_BIG[:6000].astype(np.float32),
    "CSR": sp.csr_matrix(np.where(np.abs(X_BIG[:5000]) > 1, X_BIG[:5000], 0.0)),
    "Fortran": np.asfortranarray(X_BIG[:3000]),
}

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _targets(cls):
    """Three classes for classifiers, a linear target for regressors."""
    return Y_LABELS if is_classifier(cls()) else Y_TARGETS


@functools.cache
def _fitted(cls):
    """A model with two hidden layers fitted on 300 rows (shared: never mutate it)."""
    est = cls(hidden_layer_sizes=(16, 8), max_iter=5, random_state=0)
    return est.fit(X_TRAIN, _targets(cls))


def _methods(cls):
    """The prediction methods of ``cls``."""
    return ["predict", "predict_proba"] if is_classifier(cls()) else ["predict"]


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_concurrent_predictions_equal_serial_ones(cls):
    """8 threads predicting the same 10k rows at once (3 calls each) get the serial results."""
    est = _fitted(cls)
    methods = _methods(cls) * (3 * N_THREADS // len(_methods(cls)))
    expected = {m: getattr(est, m)(X_BIG) for m in _methods(cls)}
    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(lambda m: getattr(est, m)(X_BIG), methods))
    for method, result in zip(methods, results):
        np.testing.assert_array_equal(result, expected[method], err_msg=method)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_concurrent_predictions_on_mixed_inputs(cls):
    """Threads predicting different inputs at once do not mix their buffers."""
    est = _fitted(cls)
    before = pickle.dumps(est)
    tasks = [(m, name) for m in _methods(cls) for name in INPUTS] * 3
    random.Random(0).shuffle(tasks)
    expected = {(m, name): getattr(est, m)(INPUTS[name]) for m, name in set(tasks)}
    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(lambda t: getattr(est, t[0])(INPUTS[t[1]]), tasks))
    for task, result in zip(tasks, results):
        np.testing.assert_array_equal(result, expected[task], err_msg=str(task))
    assert pickle.dumps(est) == before, "predicting changed the model"


def _fit_and_continue(est, X, y):
    """``fit`` then two ``partial_fit`` calls; returns every learned array."""
    est.fit(X, y)
    est.partial_fit(X[:100], y[:100])
    est.partial_fit(X[100:], y[100:])
    return [a.copy() for a in est.coefs_ + est.intercepts_] + [
        a.copy() for name in est._rule_attributes for a in getattr(est, name)
    ]


def test_concurrent_fits_equal_serial_fits():
    """Fitting every estimator (two seeds each) in 8 threads gives the serial models."""
    jobs = [
        (cls(hidden_layer_sizes=(32, 16), max_iter=8, random_state=seed), _targets(cls))
        for cls in ALL
        for seed in (0, 1)
    ]
    serial = [_fit_and_continue(clone(est), X_TRAIN, y) for est, y in jobs]
    with ThreadPoolExecutor(N_THREADS) as pool:
        threaded = list(
            pool.map(lambda job: _fit_and_continue(clone(job[0]), X_TRAIN, job[1]), jobs)
        )
    for (est, _), ours, theirs in zip(jobs, threaded, serial):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b, err_msg=type(est).__name__)


def test_fit_in_one_thread_while_others_predict_with_another_model():
    """Predictions of a fitted model are unaffected by fits running in other threads."""
    est = _fitted(LRAClassifier)
    expected = est.predict_proba(X_BIG)

    def work(i):
        if i % 2:
            fresh = BPClassifier(hidden_layer_sizes=(32,), max_iter=5, random_state=i)
            return fresh.fit(X_TRAIN, Y_LABELS)
        return est.predict_proba(X_BIG)

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(work, range(16)))
    for proba in results[::2]:
        np.testing.assert_array_equal(proba, expected)


@pytest.mark.parametrize("cls", [LRAClassifier, BPClassifier], ids=lambda c: c.__name__)
def test_grid_search_in_processes_equals_serial(cls):
    """GridSearchCV with n_jobs=2 (loky processes) gives the serial scores and choice."""
    grid = {"learning_rate_init": [0.01, 0.1], "hidden_layer_sizes": [(4,), (8, 4)]}
    base = cls(max_iter=15, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    runs = [GridSearchCV(base, grid, cv=cv, n_jobs=n).fit(X_TRAIN, Y_LABELS) for n in (1, 2)]
    serial, parallel = (r.cv_results_ for r in runs)
    for key in [f"split{i}_test_score" for i in range(3)] + ["mean_test_score", "rank_test_score"]:
        np.testing.assert_array_equal(parallel[key], serial[key], err_msg=key)
    assert runs[1].best_params_ == runs[0].best_params_
    for a, b in zip(runs[1].best_estimator_.coefs_, runs[0].best_estimator_.coefs_):
        np.testing.assert_array_equal(a, b)

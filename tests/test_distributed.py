"""Dask: grid searches on the workers of a local cluster, out-of-core training with dask-ml.

Needs the ``distributed`` extra. Without it the test is skipped, unless the
environment variable ``SKLEARN_LRA_REQUIRE_DASK=1`` is set (as CI does), when it
fails. The clusters listen on the loopback interface or, in-process, on none.
"""

import contextlib
import os
import signal
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV
from threadpoolctl import threadpool_limits

from sklearn_lra import LRAClassifier

from ._requirements import require_modules

#: Seconds a whole test may take, cluster start and shutdown included.
TIME_LIMIT = 240

#: Rows of the chunks of the out-of-core example: 600 digits make 3 chunks.
CHUNK_ROWS = 200

GRID = {"beta": [0.05, 0.5], "form": ["fdbk", "diff"]}


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise TimeoutError in the main thread after ``seconds``."""

    def _raise(signum, frame):
        raise TimeoutError(f"the distributed grid search took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _search():
    """A small search: 4 candidates x 2 folds of a tiny LRA network on 300 digits."""
    X, y = load_digits(return_X_y=True)
    est = LRAClassifier(hidden_layer_sizes=(16,), max_iter=5, batch_size=50, random_state=0)
    return GridSearchCV(est, GRID, cv=2, n_jobs=-1), X[:300] / 16.0, y[:300]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_on_dask_workers_equals_serial_run():
    """Fits sent to 2 worker processes give the serial run's scores and best parameters."""
    require_modules(("dask", "distributed"), "SKLEARN_LRA_REQUIRE_DASK", "distributed")
    import joblib
    from distributed import Client, LocalCluster, get_task_stream

    search, X, y = _search()
    # The workers run one BLAS thread each; so does the reference, for identical sums.
    with threadpool_limits(limits=1):
        serial = search.fit(X, y).cv_results_, search.best_params_

    search, X, y = _search()
    with (
        _time_limit(TIME_LIMIT),
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        worker_pids = set(client.run(os.getpid).values())
        with get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
            search.fit(X, y)

    assert len(worker_pids) == 2 and os.getpid() not in worker_pids
    assert len(tasks.data) > 0, "no fit ran on the Dask workers"
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], serial[0]["mean_test_score"]
    )
    assert search.best_params_ == serial[1]


@pytest.fixture(scope="module")
def thread_cluster():
    """A client of a cluster of 2 worker threads in this process, connected in memory."""
    require_modules(("dask", "distributed", "dask_ml"), "SKLEARN_LRA_REQUIRE_DASK", "distributed")
    from distributed import Client, LocalCluster

    with (
        _time_limit(TIME_LIMIT),
        LocalCluster(
            n_workers=2,
            processes=False,
            threads_per_worker=1,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        # Workers in this process talk through memory: nothing listens on the network.
        assert cluster.scheduler_address.startswith("inproc://")
        yield client


def _digits(n=600):
    X, y = load_digits(return_X_y=True)
    return X[:n] / 16.0, y[:n]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_incremental_over_chunks_equals_partial_fit_by_hand(thread_cluster):
    """dask-ml's Incremental calls partial_fit once per chunk, in order: the same weights."""
    import dask.array as da
    from dask_ml.wrappers import Incremental

    X, y = _digits()
    classes = np.unique(y)
    X_dask = da.from_array(X, chunks=(CHUNK_ROWS, X.shape[1]))
    y_dask = da.from_array(y, chunks=CHUNK_ROWS)
    assert X_dask.numblocks[0] == 3
    # From zeros LRA learns digits in its first passes; the default random
    # start needs a few more epochs to leave chance.
    est = LRAClassifier(hidden_layer_sizes=(16,), batch_size=50, init="zeros", random_state=0)

    with threadpool_limits(limits=1):
        inc = Incremental(est, shuffle_blocks=False)
        for _ in range(2):  # two passes over the data
            inc.partial_fit(X_dask, y_dask, classes=classes)

        by_hand = clone(est)
        for _ in range(2):
            for start in range(0, len(X), CHUNK_ROWS):
                rows = slice(start, start + CHUNK_ROWS)
                by_hand.partial_fit(X[rows], y[rows], classes=classes)

    fitted = inc.estimator_
    assert fitted.t_ == by_hand.t_ == 2 * len(X)
    for a, b in zip(
        fitted.coefs_ + fitted.feedback_matrices_, by_hand.coefs_ + by_hand.feedback_matrices_
    ):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(inc.predict(X_dask).compute(), by_hand.predict(X))
    score = inc.score(X_dask, y_dask)
    assert score == by_hand.score(X, y) > 0.3  # two short passes: far above chance (0.1)


def test_halving_grid_search_on_dask_equals_serial_run(thread_cluster):
    """Successive halving sends its fits to the Dask workers and finds the serial run's best."""
    import joblib
    from distributed import get_task_stream

    X, y = _digits(400)

    def search():
        est = LRAClassifier(hidden_layer_sizes=(16,), batch_size=50, random_state=0)
        grid = {"beta": [0.05, 0.5], "form": ["fdbk", "diff"]}
        return HalvingGridSearchCV(
            est,
            grid,
            resource="max_iter",
            min_resources=2,
            max_resources=6,
            factor=2,
            cv=2,
            n_jobs=2,
            random_state=0,
        )

    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        serial = search().fit(X, y)
        with get_task_stream(thread_cluster) as tasks, joblib.parallel_config(backend="dask"):
            on_dask = search().fit(X, y)

    assert len(tasks.data) > 0, "no fit ran on the Dask workers"
    assert on_dask.n_iterations_ == serial.n_iterations_ >= 2
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert on_dask.best_params_ == serial.best_params_

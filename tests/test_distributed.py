"""A grid search run on the worker processes of a local Dask cluster.

Needs the ``distributed`` extra. Without it the test is skipped, unless the
environment variable ``SKLEARN_LRA_REQUIRE_DASK=1`` is set (as CI does), when it
fails. The cluster listens on the loopback interface only.
"""

import contextlib
import os
import signal

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from sklearn_lra import LRAClassifier

from ._requirements import require_modules

#: Seconds the whole test may take, cluster start and shutdown included.
TIME_LIMIT = 240

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

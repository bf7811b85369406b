"""The BLAS threads of fit, partial_fit and predict: chosen per call, never raised, restored.

The number of threads OpenBLAS uses is read with threadpoolctl from inside the
epoch loop and the prediction (by wrapping the functions they call), so these
tests see what the matrix products ran with, not what the code meant to set.
"""

import numpy as np
import pytest
from joblib import Parallel, delayed, parallel_config
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_lra import BPClassifier, LRAClassifier, LRARegressor, _epochs, _network, _threads

rng = np.random.RandomState(0)
X = rng.rand(120, 8)
Y_LABELS = (X[:, 0] > 0.5).astype(int)


def blas_threads_now():
    """The smallest thread count over the loaded BLAS libraries."""
    return min(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")


def _openblas_can_use_two():
    """Whether BLAS may run 2 threads here (not when the environment caps it at 1)."""
    with threadpool_limits(limits=2, user_api="blas"):
        return blas_threads_now() >= 2


needs_two = pytest.mark.skipif(
    not _openblas_can_use_two(), reason="BLAS is limited to one thread by the environment"
)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def record(monkeypatch):
    """Record the BLAS threads each epoch and each prediction chunk runs with."""
    seen = {"epoch": [], "predict": []}
    run_epoch, forward = _epochs.run_epoch, _network.Network.forward

    def epoch(*args, **kwargs):
        seen["epoch"].append(blas_threads_now())
        return run_epoch(*args, **kwargs)

    def predict(self, X, ws):
        if ws.delta[1] is None:  # the prediction workspace holds no training buffers
            seen["predict"].append(blas_threads_now())
        return forward(self, X, ws)

    monkeypatch.setattr(_epochs, "run_epoch", epoch)
    monkeypatch.setattr(_network.Network, "forward", predict)
    return seen


@pytest.fixture
def big_and_idle(monkeypatch):
    """Every network counts as large and the machine as idle: the caller's limit applies."""
    monkeypatch.setattr(_threads, "SMALL_WORK", 0)
    monkeypatch.setattr(_threads, "_others_running", lambda: 0)
    monkeypatch.setattr(_threads, "_n_cpus", lambda: 64)


# ---------------------------------------------------------------- the policy


@pytest.mark.parametrize(
    "work, limit, n_cpus, others, expected",
    [
        (10.0, 8, 8, 0, 1),  # small products: one thread whatever the machine
        (2.0**30, 8, 8, 0, 8),  # large products on an idle machine: the caller's limit
        (2.0**30, 8, 8, 5, 3),  # large products, 5 threads of others runnable: the rest
        (2.0**30, 2, 2, 2, 1),  # both cores busy: one thread
        (2.0**30, 2, 2, 9, 1),  # more load than cores: still one thread
        (2.0**30, 4, 64, 0, 4),  # never more than the caller's limit
        (2.0**30, 1, 64, 0, 1),  # a limit of one stays one
    ],
)
def test_choose_threads_policy(work, limit, n_cpus, others, expected):
    assert _threads.choose_threads(work, limit, n_cpus, others) == expected


def test_forward_work_counts_multiply_adds_in_float64_units():
    # 10 rows through 3-4-2: 10 * (12 + 8) multiply-adds; float32 counts half.
    assert _threads.forward_work([3, 4, 2], 10, 8) == 200
    assert _threads.forward_work([3, 4, 2], 10, 4) == 100


def test_the_least_of_several_looks_at_the_load_counts(monkeypatch):
    """A process that only passes by does not cost a fit its threads."""
    counts = iter([3, 0, 5])
    monkeypatch.setattr(_threads, "_others_running", lambda: next(counts))
    monkeypatch.setattr(_threads, "LOOK_INTERVAL", 0.0)
    assert _threads._least_others_running(3) == 0
    counts = iter([4, 2, 3])
    assert _threads._least_others_running(3) == 2
    counts = iter([4, 1])
    assert _threads._least_others_running(1) == 4


def test_others_running_is_a_count():
    assert _threads._others_running() >= 0
    assert _threads._own_running() >= 1


# ------------------------------------------------------------- in the estimators


@needs_two
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_small_network_trains_on_one_thread_and_restores_the_callers_setting(record, method):
    est = BPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with threadpool_limits(limits=2, user_api="blas"):
        if method == "fit":
            est.fit(X, Y_LABELS)
        else:
            est.partial_fit(X, Y_LABELS, classes=[0, 1])
        after_fit = blas_threads_now()
        est.predict_proba(X)
        after_predict = blas_threads_now()
    assert record["epoch"] and set(record["epoch"]) == {1}
    assert record["predict"] and set(record["predict"]) == {1}
    assert after_fit == after_predict == 2


@needs_two
def test_large_work_keeps_the_callers_limit_on_an_idle_machine(record, big_and_idle):
    with threadpool_limits(limits=2, user_api="blas"):
        LRAClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, Y_LABELS)
        assert blas_threads_now() == 2
    assert set(record["epoch"]) == {2}


@needs_two
def test_large_work_next_to_busy_processes_uses_the_free_cores(record, monkeypatch):
    monkeypatch.setattr(_threads, "SMALL_WORK", 0)
    monkeypatch.setattr(_threads, "_n_cpus", lambda: 2)
    monkeypatch.setattr(_threads, "_others_running", lambda: 2)
    with threadpool_limits(limits=2, user_api="blas"):
        BPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, Y_LABELS)
        assert blas_threads_now() == 2
    assert set(record["epoch"]) == {1}


def test_a_user_limit_of_one_is_never_raised(record, big_and_idle):
    with threadpool_limits(limits=1, user_api="blas"):
        est = LRARegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
        est.fit(X, X[:, 0]).predict(X)
        assert blas_threads_now() == 1
    assert set(record["epoch"]) == {1} and set(record["predict"]) == {1}


@needs_two
def test_the_setting_is_restored_when_fit_fails(big_and_idle, monkeypatch):
    monkeypatch.setattr(_threads, "SMALL_WORK", 2.0**60)  # choose one thread

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(_epochs, "run_epoch", fail)
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(RuntimeError, match="boom"):
            BPClassifier(hidden_layer_sizes=(4,), max_iter=2).fit(X, Y_LABELS)
        assert blas_threads_now() == 2


@needs_two
def test_nested_blocks_restore_once_at_the_outermost(monkeypatch):
    monkeypatch.setattr(_threads, "SMALL_WORK", 100.0)
    with threadpool_limits(limits=2, user_api="blas"):
        with _threads.blas_threads(1.0):  # small: one thread
            assert blas_threads_now() == 1
            with _threads.blas_threads(1e12):  # nested: runs under the outer decision
                assert blas_threads_now() == 1
            assert blas_threads_now() == 1
        assert blas_threads_now() == 2


def _fit_in_worker(hidden):
    """Fit with every network counted large and the machine idle; BLAS threads seen per epoch."""
    from sklearn_lra import _epochs as epochs
    from sklearn_lra import _threads as threads

    seen, run_epoch = [], epochs.run_epoch
    saved = threads.SMALL_WORK, threads._others_running, threads._n_cpus
    threads.SMALL_WORK, threads._others_running, threads._n_cpus = 0, (lambda: 0), (lambda: 64)

    def epoch(*args, **kwargs):
        seen.append(blas_threads_now())
        return run_epoch(*args, **kwargs)

    epochs.run_epoch = epoch
    try:
        BPClassifier(hidden_layer_sizes=hidden, max_iter=2, random_state=0).fit(X, Y_LABELS)
    finally:
        epochs.run_epoch = run_epoch
        threads.SMALL_WORK, threads._others_running, threads._n_cpus = saved
    return seen, blas_threads_now()


def test_joblib_workers_limit_is_never_exceeded():
    """In loky workers limited to one inner thread, fits stay at one thread."""
    with parallel_config(backend="loky", inner_max_num_threads=1):
        results = Parallel(n_jobs=2)(delayed(_fit_in_worker)((4,)) for _ in range(2))
    for seen, after in results:
        assert seen and set(seen) == {1}
        assert after == 1

"""Train configurations in parallel, caching each result as it arrives.

:func:`run_config` is what a worker runs: it receives only a JSON-able
configuration and a data folder, loads the data and the estimator class
itself, and returns a JSON-able result (an exception becomes a 'failed'
result; only Ctrl-C stops it). The parent process alone writes the cache
and prints progress, so any joblib backend (processes, threads, or a dask
cluster through ``joblib.parallel_config(backend="dask")``, whose workers
then need the data files themselves, e.g. through ``data_home``) can run
the grid.
"""

import platform
import subprocess
import sys
import time
import traceback
import warnings
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from ._cache import load_result, save_result
from ._data import _load_full, chance_error, load_split
from ._grid import config_key, unique_configs
from ._registry import resolve_rule

#: Statuses of a result: trained, loss or weights became inf/nan, or raised an exception.
STATUSES = ("ok", "diverged", "failed")

# Training rows assumed by the cost estimate (for the ETA) when n_train is None.
_FULL_ROWS = {"mnist": 50000, "fashion_mnist": 50000, "digits": 1077}

_MAX_WARNINGS = 5


def run_config(config, data_home=None):
    """Train one configuration; an exception becomes a 'failed' result.

    The network is trained one epoch at a time with ``partial_fit`` (which
    keeps the optimizer state, so the result equals one ``fit`` with
    ``max_iter=epochs``) on the training rows only, measuring the
    validation and test errors every ``eval_every`` epochs on the way.
    Nothing is chosen here: the reported errors are those of the last
    epoch, whatever the curves did before.

    Parameters
    ----------
    config : dict
        A configuration made by :func:`expand_study`.
    data_home : str or None, default=None
        Passed to the MNIST loaders.

    Returns
    -------
    result : dict
        ``status`` ('ok', 'diverged' or 'failed'), ``val_error``,
        ``test_error``, ``train_loss``, ``fit_time`` (seconds, evaluations
        excluded), ``n_iter``, ``loss_curve`` (training loss per epoch),
        ``val_curve`` and ``test_curve`` (``[epoch, error]`` pairs),
        ``chance_error`` (of the test rows), ``error`` (message of a
        failure), ``warnings`` and the ``config`` itself. A diverged run's
        errors are those of the best constant prediction: it failed to learn.
    """
    result = {"config": config, "status": "failed", "test_error": None, "train_loss": None}
    result.update(val_error=None, val_curve=[], test_curve=[])
    result.update(fit_time=0.0, n_iter=0, loss_curve=[], warnings=[], error=None)
    try:
        split = load_split(config["dataset"], config["n_train"], data_home)
        result["chance_error"] = chance_error(split.y_test)
        estimator = resolve_rule(config["rule"])(**_estimator_kwargs(config["params"]))
        _train(estimator, config, split, result)
    except Exception as exc:  # a failed run is a result, never the end of the grid
        result.update(status="failed", error=_describe(exc))
    result["host"] = platform.node()
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return result


def _estimator_kwargs(params):
    """Configuration params back to estimator keywords (tuples where sklearn wants them)."""
    kwargs = dict(params)
    kwargs["hidden_layer_sizes"] = tuple(kwargs["hidden_layer_sizes"])
    return kwargs


def _train(estimator, config, split, result):
    """The epoch loop of :func:`run_config`; fills ``result`` in place."""
    X, y = split.X_train, split.y_train
    classes = np.unique(y)
    epochs, eval_every = config["epochs"], config["eval_every"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, epochs + 1):
            tic = time.perf_counter()
            estimator.partial_fit(X, y, classes=classes)
            result["fit_time"] += time.perf_counter() - tic
            divergence = _divergence(caught)
            if divergence is not None:
                result.update(status="diverged", error=divergence)
                break
            if len(getattr(estimator, "loss_curve_", range(epoch))) < epoch:
                # The estimators end an epoch cut short by Ctrl-C with a warning
                # instead of raising; an interrupted run is no result: stop the grid.
                raise KeyboardInterrupt
            if epoch % eval_every == 0 or epoch == epochs:
                result["val_curve"].append([epoch, _error(estimator, split.X_val, split.y_val)])
                result["test_curve"].append([epoch, _error(estimator, split.X_test, split.y_test)])
        else:
            result["status"] = "ok"
    _summarise(estimator, result, caught, chance_error(split.y_val))


def _error(estimator, X, y):
    """Misclassification rate of ``estimator`` on ``(X, y)``."""
    return float(1.0 - estimator.score(X, y))


def _divergence(caught):
    """The message of a divergence warning among ``caught``, or None."""
    # The estimators stop at a non-finite loss, keep earlier finite weights
    # and warn with sklearn_lra's DivergenceWarning; matched by name so that
    # a rule given by import path may define its own.
    for w in caught:
        if w.category.__name__ == "DivergenceWarning":
            return f"DivergenceWarning: {w.message}"
    return None


def _summarise(estimator, result, caught, val_chance):
    """Final numbers of a run that trained (or diverged) without other errors."""
    result["loss_curve"] = [float(v) for v in getattr(estimator, "loss_curve_", [])]
    # n_iter_ counts the last call's epochs (1 after partial_fit): the curve counts them all.
    result["n_iter"] = len(getattr(estimator, "loss_curve_", ()))
    result["warnings"] = _unique_messages(caught)
    if result["status"] == "ok":
        result["val_error"] = result["val_curve"][-1][1]
        result["test_error"] = result["test_curve"][-1][1]
        result["train_loss"] = result["loss_curve"][-1]
    else:
        result["val_error"] = val_chance
        result["test_error"] = result["chance_error"]


def _unique_messages(caught):
    """The first few distinct warning messages, shortened."""
    messages = []
    for w in caught:
        text = f"{w.category.__name__}: {str(w.message)[:300]}"
        if text not in messages:
            messages.append(text)
    return messages[:_MAX_WARNINGS]


def _describe(exc):
    """``'Type: message'`` and the innermost frame, enough to find the bug."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


@dataclass
class GridOutcome:
    """What :func:`run_grid` did.

    Attributes
    ----------
    results : dict
        Configuration key -> result, for every configuration that has one.
    n_trained : int
        Configurations trained by this call.
    n_cached : int
        Configurations whose stored result was reused.
    wall_time : float
        Seconds spent in this call.
    """

    results: dict
    n_trained: int
    n_cached: int
    wall_time: float


def run_grid(
    runs,
    results_dir,
    *,
    n_jobs=1,
    data_home=None,
    retry_failed=True,
    train=True,
    verbose=True,
    stream=None,
):
    """Train every configuration of ``runs`` that has no stored result.

    Parameters
    ----------
    runs : list of Run
        From :func:`expand_profile`; configurations shared by several runs
        are trained once.
    results_dir : path-like
        Folder of the cache (``runs/<key>.json``).
    n_jobs : int, default=1
        Parallel jobs, as in :class:`joblib.Parallel` (-1 for all cores). The
        backend is joblib's current one, see :func:`joblib.parallel_config`.
    data_home : str or None, default=None
        Passed to the MNIST loaders in the workers.
    retry_failed : bool, default=True
        Train again the configurations whose stored result is 'failed' (an
        exception, e.g. a bug since fixed); 'ok' and 'diverged' results are
        always reused.
    train : bool, default=True
        If False, only collect the stored results.
    verbose : bool, default=True
        Print one line per finished configuration with elapsed time and ETA.
    stream : file-like, default=None
        Where progress goes (``sys.stdout`` by default).

    Returns
    -------
    outcome : GridOutcome

    Raises
    ------
    ValueError
        If a data set of a configuration to train cannot be loaded (checked
        in this process before any training starts).
    """
    start = time.perf_counter()
    configs = unique_configs(runs)
    results = _stored_results(configs, results_dir, retry_failed)
    todo = [] if not train else [k for k in configs if k not in results]
    progress = _Progress(runs, configs, todo, stream or sys.stdout, verbose)
    if todo:
        _check_data([configs[k] for k in todo], data_home)
        progress.start(len(results))
        todo = _schedule(todo, configs)
        commit = code_commit()
        for result in _execute([configs[k] for k in todo], n_jobs, data_home):
            result["commit"] = commit
            key = config_key(result["config"])
            save_result(results_dir, key, result)
            results[key] = result
            progress.update(key, result)
    n_cached = len(configs) - len(todo) if train else len(results)
    return GridOutcome(results, len(todo), n_cached, time.perf_counter() - start)


def code_commit():
    """The git commit of the package's code, ``'<hash>-dirty'`` with local changes.

    Returns
    -------
    commit : str
        ``'unknown'`` outside a git checkout.
    """
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(folder), "diff", "--quiet", "HEAD", "--", "sklearn_lra"],
            capture_output=True,
            timeout=10,
        ).returncode
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def _schedule(keys, configs):
    """Order of training: one data set after the other, longest first within each.

    A worker then rarely switches data set (it keeps one in memory), and
    the short configurations fill the gaps at the end.
    """
    datasets = list(dict.fromkeys(configs[k]["dataset"] for k in keys))
    return sorted(keys, key=lambda k: (datasets.index(configs[k]["dataset"]), -_cost(configs[k])))


def _execute(configs, n_jobs, data_home):
    """Results of :func:`run_config` over ``configs``, each as soon as it is ready."""
    calls = [delayed(run_config)(config, data_home) for config in configs]
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except ValueError:
        # Backends without generators (e.g. 'multiprocessing'): one round of
        # jobs at a time, so that results are still stored as they come.
        yield from _execute_in_rounds(calls, n_jobs)
        return
    yield from parallel(calls)


def _execute_in_rounds(calls, n_jobs):
    """Run ``calls`` in rounds of one call per worker."""
    size = max(1, effective_n_jobs(n_jobs))
    with Parallel(n_jobs=n_jobs) as parallel:
        for start in range(0, len(calls), size):
            yield from parallel(calls[start : start + size])


def _check_data(configs, data_home):
    """Load each data set once here, so that a missing file stops the grid before it starts."""
    for name in dict.fromkeys(config["dataset"] for config in configs):
        try:
            load_split(name, None, data_home)
        except (OSError, ValueError) as exc:
            raise ValueError(f"Cannot load the data set {name!r}: {exc}") from exc
    # The workers load their own copies; do not keep one in this process too.
    _load_full.cache_clear()


def _stored_results(configs, results_dir, retry_failed):
    """Stored results of ``configs`` that need no new training."""
    stored = {}
    for key in configs:
        result = load_result(results_dir, key)
        if result is not None and "val_curve" not in result:
            result = None  # from before the validation split: never mixed in
        if result is not None and not (retry_failed and result["status"] == "failed"):
            stored[key] = result
    return stored


def _cost(config):
    """Rough relative cost of a configuration, for ordering and the ETA."""
    rows = config["n_train"] or _FULL_ROWS.get(config["dataset"], 60000)
    depth = len(config["params"]["hidden_layer_sizes"])
    return config["epochs"] * rows * (depth + 2)


class _Progress:
    """Prints one line per finished configuration with elapsed time and ETA."""

    def __init__(self, runs, configs, todo, stream, verbose):
        self.labels = {}
        for run in runs:
            self.labels.setdefault(run.key, run.labels)
        self.costs = {k: _cost(configs[k]) for k in todo}
        self.total_cost = sum(self.costs.values()) or 1
        self.n_total, self.stream, self.verbose = len(todo), stream, verbose
        self.done, self.done_cost, self.tic = 0, 0, time.perf_counter()

    def start(self, n_cached):
        """Announce the work."""
        self._print(f"Training {self.n_total} configurations ({n_cached} already done).")

    def update(self, key, result):
        """Report one finished configuration."""
        self.done += 1
        self.done_cost += self.costs[key]
        elapsed = time.perf_counter() - self.tic
        eta = elapsed * (self.total_cost - self.done_cost) / max(self.done_cost, 1)
        width = len(str(self.n_total))
        self._print(
            f"[{self.done:>{width}}/{self.n_total}] {describe_labels(self.labels[key])}: "
            f"{_outcome(result)} in {result['fit_time']:.1f}s | elapsed "
            f"{format_duration(elapsed)}, ETA {format_duration(eta)}"
        )

    def _print(self, line):
        if self.verbose:
            print(line, file=self.stream, flush=True)


def describe_labels(labels):
    """``'lra digits 3x64 tanh init=zeros seed=0'`` (plus the ablation values)."""
    text = (
        f"{labels['rule']} {labels['dataset']} {labels['depth']}x{labels['width']} "
        f"{labels['activation']} init={labels['init']} seed={labels['seed']}"
    )
    return f"{text} [{labels['variant']}]" if labels["variant"] else text


def _outcome(result):
    """``'validation error 2.31%'``, ``'DIVERGED'`` or ``'FAILED (...)'``."""
    if result["status"] == "ok":
        return f"validation error {100 * result['val_error']:.2f}%"
    if result["status"] == "diverged":
        return f"DIVERGED after {result['n_iter']} epochs"
    return f"FAILED ({first_line(result['error'])[:120]})"


def first_line(text):
    """The first line of a possibly multi-line message ('' for None)."""
    return (text or "").strip().split("\n", 1)[0]


def format_duration(seconds):
    """``'1:02:03'`` or ``'2:03'``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

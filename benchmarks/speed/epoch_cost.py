r"""Seconds per training epoch of every estimator, next to MLPClassifier and the matrix products.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/epoch_cost.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-epoch-cost.md`` (``-quick.md`` with ``--quick``).
For a 784-256x3-10 tanh network on MNIST rows, at batch 50 and 256, in float32
(and float64 in the full run): ``MLPClassifier`` (sgd and adam), every
estimator of ``sklearn_lra.__all__``, and the matrix-product floor, the
products alone that one back-propagation epoch needs. Then the targets.
"""

import time

import _common as c
import numpy as np
from sklearn.base import is_classifier

from sklearn_lra._discovery import all_estimators

MODES = {
    "full": dict(n_train=10_000, rounds=5, batches=(50, 256), dtypes=("float32", "float64")),
    "quick": dict(n_train=3_000, rounds=3, batches=(50, 256), dtypes=("float32",)),
}
FLOOR, MLP_SGD = "matrix-product floor", "MLPClassifier(sgd)"

#: (numerator, denominator, limit, batch sizes): one line of the targets table each.
TARGETS = [
    ("BPClassifier", FLOOR, 1.15, (50, 256)),
    ("LRAClassifier", FLOOR, 1.25, (50, 256)),
    ("DTPClassifier", FLOOR, 2.0, (50, 256)),
    ("BPClassifier", MLP_SGD, 0.4, (50, 256)),
    ("LRAClassifier", MLP_SGD, 0.5, (50, 256)),
    ("LRAClassifier", "BPClassifier", 1.3, (50, 256)),
]


def epoch_section(X_all, y_all, cfg, report):
    """Seconds per epoch for every estimator, per batch size and dtype."""
    n = cfg["n_train"]
    figures = {}
    report.heading(
        "Seconds per training epoch",
        f"{n:,} training rows, network 784-{'-'.join(map(str, c.HIDDEN))}-10 (tanh), "
        f"{cfg['rounds']} rounds. The epoch time is (fit of 3 epochs - fit of 1 epoch) / 2, "
        "so per-fit work (validation, initialisation, final checks) is left out and shown "
        "apart as 'fit overhead'. 'x floor': epoch time over the matrix-product floor; "
        "'x MLP(sgd)': over MLPClassifier(solver='sgd'). Every estimator runs with "
        "MLPClassifier(sgd)'s optimizer (SGD with Nesterov momentum 0.9 at 0.01, alpha 0) "
        "except the regressors (learning_rate_init=0.001: some diverge at 0.01 on these "
        "targets), which train on one-hot targets.",
    )
    for dtype in cfg["dtypes"]:
        X, y = X_all[:n].astype(dtype), y_all[:n]
        Y = np.eye(c.N_CLASSES, dtype=dtype)[y]
        for batch in cfg["batches"]:
            entries = epoch_entries(X, y, Y, c.HIDDEN, batch, dtype)
            times = c.run_rounds(entries, cfg["rounds"])
            figures[(dtype, batch)] = times
            rows = [_epoch_row(name, entries[name], times) for name in times]
            header = ["", "s/epoch (median)", "min", "x floor", "x MLP(sgd)", "fit overhead s"]
            report.table(f"batch {batch}, {dtype}", header, rows)
    return figures


def epoch_entries(X, y, Y, hidden, batch, dtype):
    """The floor, both MLPClassifier solvers and every package estimator."""
    units = [c.N_FEATURES, *hidden, c.N_CLASSES]
    entries = {FLOOR: c.MatmulFloor(units, len(X), batch, dtype)}
    for solver in ("sgd", "adam"):
        entries[f"MLPClassifier({solver})"] = c.EpochTimer(c.mlp(solver, hidden, batch), X, y)
    for cls in all_estimators():
        est = c.make_estimator(cls, hidden, batch)
        if is_classifier(est):
            entries[cls.__name__] = c.EpochTimer(est, X, y)
        else:
            entries[cls.__name__] = c.EpochTimer(est.set_params(learning_rate_init=1e-3), X, Y)
    return entries


def _epoch_row(name, entry, times):
    """One table row: median, min, ratios and the per-fit overhead."""
    t = times[name]
    overhead = getattr(entry, "overheads", None)
    return [
        name + (" (diverged)" if getattr(entry, "diverged", False) else ""),
        f"{c.median(t):.3f}",
        f"{min(t):.3f}",
        f"{c.ratio(times, name, FLOOR):.2f}",
        f"{c.ratio(times, name, MLP_SGD):.2f}",
        f"{c.median(overhead):.3f}" if overhead else "",
    ]


def targets_section(epochs, cfg, report):
    """Pass or fail for each epoch-time target, from this run's float32 figures."""
    rows = []
    for batch in cfg["batches"]:
        times = epochs[("float32", batch)]
        for num, den, limit, batches in TARGETS:
            if batch in batches:
                value = c.ratio(times, num, den)
                what = f"{num} / {den}, batch {batch}"
                rows.append([what, f"{value:.2f}", f"<= {limit}", c.verdict(value <= limit)])
        value = c.ratio(times, FLOOR, MLP_SGD)
        rows.append([f"({FLOOR} / {MLP_SGD}, batch {batch})", f"{value:.2f}", "", "reference"])
    report.heading(
        "Targets",
        "float32. Each ratio is the median over rounds of per-round ratios. "
        f"'{FLOOR} / {MLP_SGD}' is the fastest any estimator could be, as a fraction of "
        "MLPClassifier(sgd): a ratio target below it cannot be met without doing fewer "
        "matrix products. The floor targets assume one BLAS thread (--blas-threads 1).",
    )
    report.table(None, ["target", "measured", "threshold", "result"], rows)


def main(argv=None):
    args = c.parser(__doc__.splitlines()[0], "results-epoch-cost").parse_args(argv)
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: seconds per epoch", "results-epoch-cost")
    X, y, source = c.load_data(cfg["n_train"])
    report.add(f"- data: {source}\n")
    epochs = epoch_section(X, y, cfg, report)
    targets_section(epochs, cfg, report)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

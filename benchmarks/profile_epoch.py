r"""Where one training epoch of BP, LRA and DTP spends its time (cProfile).

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/profile_epoch.py --blas-threads 1 [--quick]

Writes ``benchmarks/results-profile.md`` (``-quick.md`` with ``--quick``): for a
784-256x3-10 tanh network on float32 MNIST rows, at batch 50 and 256, the
functions with the most own time in one ``partial_fit`` epoch after a warm-up
epoch. numpy's ufuncs (``np.matmul`` included) are not Python functions, so
cProfile counts their time in the function that calls them: a rule's
``directions`` holds its own ``delta W^T`` or ``e E`` products.
"""

import cProfile
import pstats
import time
from pathlib import Path

import _common as c
import numpy as np

import sklearn_lra

MODES = {
    "full": dict(n_train=10_000, batches=(50, 256)),
    "quick": dict(n_train=2_000, batches=(50,)),
}
RULES = (sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier, sklearn_lra.DTPClassifier)
PROFILE_TOP = 10


def profile_section(X_all, y_all, cfg, report, rules=RULES):
    """One table per rule and batch size: the functions with the most own time."""
    n = cfg["n_train"]
    X, y = X_all[:n].astype(np.float32), y_all[:n]
    report.heading(
        "Profile of one epoch",
        f"cProfile of one `partial_fit` epoch on {n:,} float32 rows, network "
        f"784-{'-'.join(map(str, c.HIDDEN))}-10 (tanh), after a warm-up epoch: the "
        f"{PROFILE_TOP} functions with the most own time. `matmul_into` and "
        "`transpose_matmul_into` are the forward and weight-gradient products; numpy "
        "calls made directly inside a function (such as BP's `delta W^T` in `directions`) "
        "count as that function's own time. The profiler itself slows the many small calls.",
    )
    for batch in cfg.get("batches", (50,)):
        for cls in rules:
            est = c.make_estimator(cls, c.HIDDEN, batch)
            est.partial_fit(X, y, classes=np.unique(y_all))
            profiler = cProfile.Profile()
            profiler.runcall(est.partial_fit, X, y)
            title = f"{cls.__name__}, batch {batch}"
            report.table(title, ["function", "calls", "own s", "share"], top(profiler))


def top(profiler):
    """The ``PROFILE_TOP`` functions with the most own time, as table rows."""
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values())
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_TOP]
    rows = []
    for (path, line, name), (_, calls, own, _, _) in ranked:
        where = f"{Path(path).name}:{line} {name}" if line else name
        rows.append([f"`{where}`", str(calls), f"{own:.3f}", f"{100 * own / total:.0f}%"])
    rows.append(["all functions", "", f"{total:.3f}", "100%"])
    return rows


def main(argv=None):
    args = c.parser(__doc__.splitlines()[0], "results-profile").parse_args(argv)
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: profile of one epoch", "results-profile")
    X, y, source = c.load_data(cfg["n_train"])
    report.add(f"- data: {source}\n")
    profile_section(X, y, cfg, report)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

r"""Rows per second and peak memory of predict_proba on a million MNIST-sized rows.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/predict_throughput.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-predict.md`` (``-quick.md`` with ``--quick``):
``predict_proba`` of BPClassifier, LRAClassifier and MLPClassifier (784-256x3-10
tanh, fitted on 5,000 float32 rows) on 10^6 float32 rows (10^5 with
``--quick``), and the target: peak memory under 1.5 times the input.
"""

import gc
import time
import tracemalloc
from pathlib import Path

import _common as c
import numpy as np

import sklearn_lra

MODES = {"full": dict(n_predict=1_000_000), "quick": dict(n_predict=100_000)}
#: Peak memory of a prediction, as a multiple of the input's size, must stay under this.
PEAK_LIMIT = 1.5


def prediction_section(X_all, y_all, cfg, report):
    """Rows per second and peak memory predicting ``n_predict`` float32 rows."""
    n = cfg["n_predict"]
    X_fit, y_fit = X_all[:5000], y_all[:5000]
    models = {
        "BPClassifier": c.make_estimator(sklearn_lra.BPClassifier, c.HIDDEN, 256),
        "LRAClassifier": c.make_estimator(sklearn_lra.LRAClassifier, c.HIDDEN, 256),
        "MLPClassifier(sgd)": c.mlp("sgd", c.HIDDEN, 256),
    }
    for model in models.values():
        model.fit(X_fit, y_fit)
    X = np.ascontiguousarray(c.repeat_rows(X_all, n), dtype=np.float32)
    input_mb = X.nbytes / 2**20
    report.heading(
        "Prediction",
        f"`predict_proba` on {n:,} rows x 784 float32 ({input_mb:,.0f} MiB) by models "
        "fitted on float32. Peak memory is the input plus the largest extra memory "
        "numpy held during the call (tracemalloc), as a multiple of the input size; the "
        "resident-set figure resets the kernel's peak RSS just before the call.",
    )
    rows, figures = [], {}
    for name, model in models.items():
        model.predict_proba(X[:1000])
        seconds = c.timed(lambda m=model: m.predict_proba(X))
        extra = traced_peak(lambda m=model: m.predict_proba(X))
        rss = rss_peak(lambda m=model: m.predict_proba(X))
        peak = (X.nbytes + extra) / X.nbytes
        figures[name] = peak
        rss_text = "n/a" if rss is None else f"{(X.nbytes + rss) / X.nbytes:.3f}"
        rows.append([name, f"{n / seconds:,.0f}", f"{extra / 2**20:,.1f}", f"{peak:.3f}", rss_text])
    report.table(
        None,
        ["", "rows/s", "extra MiB (tracemalloc)", "peak / input", "peak RSS / input"],
        rows,
    )
    return figures


def traced_peak(fn):
    """Largest memory numpy held during ``fn`` beyond what was held before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def rss_peak(fn):
    """Growth of the peak resident set during ``fn`` (Linux), or None."""
    status, clear = Path("/proc/self/status"), Path("/proc/self/clear_refs")
    try:
        gc.collect()
        clear.write_text("5")  # resets VmHWM to the current resident set
        before = _status_kib(status, "VmRSS")
        fn()
        return (_status_kib(status, "VmHWM") - before) * 1024
    except OSError:
        return None


def _status_kib(path, key):
    for line in path.read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise OSError(f"{key} not in {path}")


def targets_section(peaks, cfg, report):
    """Pass or fail of the memory target of each package estimator."""
    n = cfg["n_predict"]
    rows = []
    for name in ("BPClassifier", "LRAClassifier"):
        peak = peaks[name]
        result = c.verdict(peak < PEAK_LIMIT) + ("" if n >= 10**6 else f" (on {n:,} rows only)")
        what = f"{name}: peak memory predicting {n:,} float32 rows / input size"
        rows.append([what, f"{peak:.3f}", f"< {PEAK_LIMIT}", result])
    report.heading("Targets", "Peak memory by tracemalloc, from the table above.")
    report.table(None, ["target", "measured", "threshold", "result"], rows)


def main(argv=None):
    args = c.parser(__doc__.splitlines()[0], "results-predict").parse_args(argv)
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: prediction", "results-predict")
    X, y, source = c.load_data(5000)
    report.add(f"- data: {source}\n")
    peaks = prediction_section(X, y, cfg, report)
    targets_section(peaks, cfg, report)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

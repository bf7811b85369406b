"""Speed and memory of sklearn-lra's estimators next to scikit-learn's MLPClassifier.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run_benchmarks.py [--quick]

Every figure of one section is measured in rounds: each round times every
entry once, back to back, so that a change in the machine's load hits all
entries alike. Times are medians over the rounds; ratios are medians of the
per-round ratios. The results go to stdout and to a Markdown file.
"""

import argparse
import cProfile
import datetime
import gc
import os
import platform
import pstats
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import sklearn_lra
from sklearn_lra._discovery import all_estimators
from sklearn_lra.datasets import fetch_mnist

HIDDEN = (256, 256, 256)
N_FEATURES, N_CLASSES = 784, 10

#: Sizes of the two modes. ``n_train``: rows of one timed epoch.
MODES = {
    "full": dict(
        n_train=10_000,
        rounds=5,
        batches=(50, 256),
        dtypes=("float32", "float64"),
        n_predict=1_000_000,
        sample_sizes=(5_000, 10_000, 20_000, 40_000),
        widths=(64, 128, 256, 512, 1024),
        depths=(1, 2, 4, 8),
        shape_rows=10_000,
        shape_rounds=3,
    ),
    "quick": dict(
        n_train=3_000,
        rounds=3,
        batches=(50, 256),
        dtypes=("float32",),
        n_predict=100_000,
        sample_sizes=(2_500, 5_000, 10_000),
        widths=(64, 256, 1024),
        depths=(1, 4, 8),
        shape_rows=2_000,
        shape_rounds=3,
    ),
}

# ----------------------------------------------------------------- machine


def machine_description(args):
    """Lines describing the machine, the libraries and the command."""
    from threadpoolctl import threadpool_info

    lines = [
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- command: `{_command()}`",
        f"- OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
        f"OPENBLAS_L2_SIZE: {os.environ.get('OPENBLAS_L2_SIZE', 'unset')}",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical cores; {platform.platform()}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, sklearn-lra "
        f"{sklearn_lra.__version__}",
        f"- load average at start (1, 5, 15 min): {_load()}",
    ]
    for lib in threadpool_info():
        lines.append(
            f"- threadpoolctl: {lib['user_api']} {lib['internal_api']} {lib.get('version')}, "
            f"kernel {lib.get('architecture', '-')}, {lib['num_threads']} threads "
            f"({Path(lib['filepath']).name})"
        )
    if args.blas_threads:
        lines.append(f"- BLAS threads limited to {args.blas_threads} for this run")
    if _busy():
        lines.append(
            "- NOTE: the load average exceeds half the cores: other processes are running, "
            "so timings are noisy (multi-threaded BLAS the most; see --blas-threads)"
        )
    return lines


def _command():
    unset = [v for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if v not in os.environ]
    prefix = "env " + " ".join(f"-u {v}" for v in unset) + " " if unset else ""
    return prefix + "python " + " ".join(sys.argv)


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _busy():
    try:
        return os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1)
    except OSError:
        return False


def _load():
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# -------------------------------------------------------------------- data


def load_data(n_rows):
    """The first ``n_rows`` MNIST training images (float32), or random ones if absent."""
    try:
        X, y = fetch_mnist(return_X_y=True, download_if_missing=False)
        source = f"MNIST training set (first rows of {len(X)}), float32 in [0, 1]"
    except Exception as exc:  # noqa: BLE001 - any failure means: no MNIST here
        rng = np.random.default_rng(0)
        X = rng.random((60_000, N_FEATURES), dtype=np.float32)
        y = rng.integers(0, N_CLASSES, 60_000)
        source = f"RANDOM MNIST-shaped data: the MNIST files were not found ({exc})"
    return _repeat_rows(X, n_rows), _repeat_rows(y, n_rows), source


def _repeat_rows(a, n_rows):
    """The first ``n_rows`` rows of ``a`` repeated as often as needed."""
    if n_rows <= len(a):
        return a[:n_rows]
    return np.concatenate([a] * (-(-n_rows // len(a))))[:n_rows]


# ----------------------------------------------------------------- timings


def run_rounds(entries, rounds):
    """Measure every entry once per round; returns {name: [seconds per round]}.

    An entry is an object with ``warm_up()`` and ``measure() -> seconds``.
    """
    for entry in entries.values():
        entry.warm_up()  # first-call costs, caches, lazily built buffers
    times = {name: [] for name in entries}
    for _ in range(rounds):
        for name, entry in entries.items():
            gc.collect()
            times[name].append(entry.measure())
    return times


def median(values):
    return statistics.median(values)


def ratio(times, a, b):
    """Median over rounds of ``times[a] / times[b]``."""
    return median([x / y for x, y in zip(times[a], times[b])])


# ------------------------------------------------------------------- floor


class MatmulFloor:
    """Only the matrix products of one back-propagation epoch, into preallocated arrays.

    Per minibatch and layer ``l``: ``h_l = z_{l-1} W_l`` (forward),
    ``dW_l = z_{l-1}^T delta_l`` (gradient) and, for ``l >= 2``,
    ``delta_{l-1} = delta_l W_l^T`` (backward; layer 1's is never needed).
    """

    def __init__(self, units, n_rows, batch_size, dtype):
        rng = np.random.default_rng(0)
        self.sizes = [min(batch_size, n_rows - s) for s in range(0, n_rows, batch_size)]
        self.W = [(0.05 * rng.standard_normal((a, b))).astype(dtype) for a, b in _pairs(units)]
        self.z = [rng.random((batch_size, u), dtype=np.float64).astype(dtype) for u in units]
        self.d = [(0.01 * rng.standard_normal((batch_size, u))).astype(dtype) for u in units]
        self.g = [np.empty_like(W) for W in self.W]

    def warm_up(self):
        self._epoch()

    def measure(self):
        return _timed(self._epoch)

    def _epoch(self):
        W, z, d, g = self.W, self.z, self.d, self.g
        for b in self.sizes:
            for l in range(1, len(W) + 1):
                np.matmul(z[l - 1][:b], W[l - 1], out=z[l][:b])
            for l in range(len(W), 0, -1):
                np.matmul(z[l - 1][:b].T, d[l][:b], out=g[l - 1])
                if l >= 2:
                    np.matmul(d[l][:b], W[l - 1].T, out=d[l - 1][:b])


def _pairs(units):
    return list(zip(units[:-1], units[1:]))


# -------------------------------------------------------------- estimators


def make_estimator(cls, hidden, batch_size):
    """``cls`` on the benchmark network; MLPClassifier gets the package's defaults."""
    params = dict(
        hidden_layer_sizes=hidden,
        activation="tanh",
        batch_size=batch_size,
        max_iter=1,
        random_state=0,
        shuffle=True,
    )
    names = cls().get_params()
    return cls(**{k: v for k, v in params.items() if k in names})


def mlp(solver, hidden, batch_size):
    """MLPClassifier with the settings the package's estimators default to."""
    return MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="tanh",
        solver=solver,
        batch_size=batch_size,
        alpha=0.0,
        learning_rate_init=0.01 if solver == "sgd" else 0.001,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=1,
        random_state=0,
        shuffle=True,
    )


class EpochTimer:
    """Seconds of one training epoch inside a fit, without the per-fit costs.

    Each measurement fits a fresh clone for 1 and for ``1 + EXTRA_EPOCHS``
    epochs; the epoch time is the difference over ``EXTRA_EPOCHS``, and the
    rest of the 1-epoch fit (validation, initialisation, final checks) is
    kept as the per-fit overhead. Both libraries are measured alike.
    """

    EXTRA_EPOCHS = 2

    def __init__(self, est, X, y):
        self.est, self.X, self.y = est, X, y
        self.overheads = []
        self.diverged = False

    def _fit(self, n_epochs):
        est = clone(self.est).set_params(max_iter=n_epochs)
        return _timed(lambda: est.fit(self.X, self.y))

    def warm_up(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._fit(1)
        self.diverged = any("Divergence" in w.category.__name__ for w in caught)

    def measure(self):
        one = self._fit(1)
        more = self._fit(1 + self.EXTRA_EPOCHS)
        epoch = (more - one) / self.EXTRA_EPOCHS
        self.overheads.append(one - epoch)
        return epoch


# ---------------------------------------------------------------- sections


def epoch_section(X_all, y_all, cfg, report):
    """Seconds per epoch for every estimator, per batch size and dtype."""
    n = cfg["n_train"]
    figures = {}
    report.heading(
        "Seconds per training epoch",
        f"{n:,} training rows, network 784-{'-'.join(map(str, HIDDEN))}-10 (tanh), "
        f"{cfg['rounds']} rounds. The epoch time is (fit of 3 epochs - fit of 1 epoch) / 2, "
        "so per-fit work (validation, initialisation, final checks) is left out and shown "
        "apart as 'fit overhead'. 'x floor': epoch time over the matrix-product floor; "
        "'x MLP(sgd)': over MLPClassifier(solver='sgd'). Every estimator runs with its "
        "default learning rate except the regressors (learning_rate_init=0.001: some "
        "diverge at 0.01 on these targets), which train on one-hot targets.",
    )
    for dtype in cfg["dtypes"]:
        X, y = X_all[:n].astype(dtype), y_all[:n]
        Y = np.eye(N_CLASSES, dtype=dtype)[y]
        for batch in cfg["batches"]:
            entries = _epoch_entries(X, y, Y, HIDDEN, batch, dtype)
            times = run_rounds(entries, cfg["rounds"])
            figures[(dtype, batch)] = times
            rows = [_epoch_row(name, entries[name], times) for name in times]
            header = ["", "s/epoch (median)", "min", "x floor", "x MLP(sgd)", "fit overhead s"]
            report.table(f"batch {batch}, {dtype}", header, rows)
    return figures


def _epoch_entries(X, y, Y, hidden, batch, dtype):
    """The floor, both MLPClassifier solvers and every package estimator."""
    units = [N_FEATURES, *hidden, N_CLASSES]
    entries = {"matrix-product floor": MatmulFloor(units, len(X), batch, dtype)}
    for solver in ("sgd", "adam"):
        entries[f"MLPClassifier({solver})"] = EpochTimer(mlp(solver, hidden, batch), X, y)
    for cls in all_estimators():
        est = make_estimator(cls, hidden, batch)
        if is_classifier(est):
            entries[cls.__name__] = EpochTimer(est, X, y)
        else:
            entries[cls.__name__] = EpochTimer(est.set_params(learning_rate_init=1e-3), X, Y)
    return entries


def _epoch_row(name, entry, times):
    """One table row: median, min, ratios and the per-fit overhead."""
    t = times[name]
    overhead = getattr(entry, "overheads", None)
    return [
        name + (" (diverged)" if getattr(entry, "diverged", False) else ""),
        f"{median(t):.3f}",
        f"{min(t):.3f}",
        f"{ratio(times, name, 'matrix-product floor'):.2f}",
        f"{ratio(times, name, 'MLPClassifier(sgd)'):.2f}",
        f"{median(overhead):.3f}" if overhead else "",
    ]


def prediction_section(X_all, y_all, cfg, report):
    """Rows per second and peak memory predicting ``n_predict`` float32 rows."""
    n = cfg["n_predict"]
    X_fit, y_fit = X_all[:5000], y_all[:5000]
    models = {
        "BPClassifier": make_estimator(sklearn_lra.BPClassifier, HIDDEN, 256).fit(X_fit, y_fit),
        "LRAClassifier": make_estimator(sklearn_lra.LRAClassifier, HIDDEN, 256).fit(X_fit, y_fit),
        "MLPClassifier(sgd)": mlp("sgd", HIDDEN, 256).fit(X_fit, y_fit),
    }
    X = np.ascontiguousarray(_repeat_rows(X_all, n), dtype=np.float32)
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
        seconds = _timed(lambda m=model: m.predict_proba(X))
        extra = _traced_peak(lambda m=model: m.predict_proba(X))
        rss = _rss_peak(lambda m=model: m.predict_proba(X))
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


def _timed(fn):
    tic = time.perf_counter()
    fn()
    return time.perf_counter() - tic


def _traced_peak(fn):
    """Largest memory numpy held during ``fn`` beyond what was held before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def _rss_peak(fn):
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


def scaling_section(X_all, y_all, cfg, report):
    """Epoch time against the number of samples, the width and the depth."""
    rules = [sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier]
    report.heading(
        "Scaling",
        f"BP and LRA, batch 50, float32, {cfg['shape_rounds']} rounds, epoch times "
        "measured as above. Samples: network "
        f"784-256-256-256-10; width: three hidden layers of the given width, "
        f"{cfg['shape_rows']} rows; depth: hidden layers of 256 units, "
        f"{cfg['shape_rows']} rows.",
    )
    X_all = X_all.astype(np.float32)
    per_row, rows = _sample_scaling(rules, X_all, y_all, cfg)
    header = ["samples"] + [
        f"{c.__name__} {u}" for c in rules for u in ("s/epoch", "us/row", "per-row vs largest")
    ]
    report.table("epoch time against the number of samples", header, rows)
    for title, shapes in (
        ("width", [(w,) * 3 for w in cfg["widths"]]),
        ("depth", [(256,) * d for d in cfg["depths"]]),
    ):
        rows = []
        n = cfg["shape_rows"]
        for hidden in shapes:
            times = _rule_times(rules, X_all[:n], y_all[:n], hidden, cfg["shape_rounds"], True)
            cells = [f"{hidden[0]}" if title == "width" else f"{len(hidden)}"]
            cells.append(f"{median(times['matrix-product floor']):.3f}")
            for cls in rules:
                name = cls.__name__
                ratio_text = f"{ratio(times, name, 'matrix-product floor'):.2f}"
                cells += [f"{median(times[name]):.3f}", ratio_text]
            rows.append(cells)
        header = [title, "floor s/epoch"] + [
            f"{c.__name__} {u}" for c in rules for u in ("s/epoch", "x floor")
        ]
        report.table(f"epoch time against the {title}", header, rows)
    return per_row


def _sample_scaling(rules, X_all, y_all, cfg):
    """Epoch times at every sample size, all measured in the same rounds.

    Returns, per rule, the per-row time at each size relative to the largest
    (median over rounds), and the table rows.
    """
    sizes = cfg["sample_sizes"]
    entries = {
        (cls.__name__, n): EpochTimer(make_estimator(cls, HIDDEN, 50), X_all[:n], y_all[:n])
        for cls in rules
        for n in sizes
    }
    times = run_rounds(entries, cfg["shape_rounds"])
    relative = {}
    for cls in rules:
        name, big = cls.__name__, sizes[-1]
        relative[name] = [
            median([(a / n) / (b / big) for a, b in zip(times[name, n], times[name, big])])
            for n in sizes
        ]
    rows = []
    for i, n in enumerate(sizes):
        cells = [f"{n:,}"]
        for cls in rules:
            t = median(times[cls.__name__, n])
            cells += [f"{t:.3f}", f"{1e6 * t / n:.1f}", f"{relative[cls.__name__][i]:.2f}"]
        rows.append(cells)
    return relative, rows


def _rule_times(rules, X, y, hidden, rounds, with_floor=False):
    entries = {}
    if with_floor:
        units = [N_FEATURES, *hidden, N_CLASSES]
        entries["matrix-product floor"] = MatmulFloor(units, len(X), 50, np.float32)
    for cls in rules:
        entries[cls.__name__] = EpochTimer(make_estimator(cls, hidden, 50), X, y)
    return run_rounds(entries, rounds)


# ----------------------------------------------------------------- targets


def targets_section(epochs, predict_peak, per_row, cfg, report):
    """Pass or fail for each target of the issue, from this run's figures."""
    rows = []
    for batch in cfg["batches"]:
        rows += _epoch_targets(epochs[("float32", batch)], batch)
    sizes = ", ".join(f"{n:,}" for n in cfg["sample_sizes"])
    for name, values in per_row.items():
        worst = max(abs(v - 1) for v in values)
        what = f"{name}: per-row epoch time over {sizes} samples, deviation from the largest"
        rows.append([what, f"{100 * worst:.0f}%", "<= 20%", _verdict(worst <= 0.2)])
    n = cfg["n_predict"]
    for name in ("BPClassifier", "LRAClassifier"):
        peak = predict_peak[name]
        verdict = _verdict(peak < 1.5) + ("" if n >= 10**6 else f" (on {n:,} rows only)")
        what = f"{name}: peak memory predicting {n:,} float32 rows / input size"
        rows.append([what, f"{peak:.3f}", "< 1.5", verdict])
    report.heading(
        "Targets",
        "Each ratio is the median over rounds of per-round ratios. 'floor / MLP(sgd)' "
        "is the fastest any estimator could be, as a fraction of MLPClassifier(sgd): a "
        "ratio target below it cannot be met without doing fewer matrix products.",
    )
    report.table(None, ["target", "measured", "threshold", "result"], rows)


def _epoch_targets(times, batch):
    """Rows of the epoch-time targets at one batch size (float32)."""
    floor, mlp_sgd = "matrix-product floor", "MLPClassifier(sgd)"
    checks = [
        ("BPClassifier / MLPClassifier(sgd)", ratio(times, "BPClassifier", mlp_sgd), 0.4),
        ("LRAClassifier / MLPClassifier(sgd)", ratio(times, "LRAClassifier", mlp_sgd), 0.5),
        ("LRAClassifier / BPClassifier", ratio(times, "LRAClassifier", "BPClassifier"), 1.3),
    ]
    if batch == 50:
        checks.append(("BPClassifier / floor", ratio(times, "BPClassifier", floor), 1.6))
    rows = [
        [f"{what}, batch {batch}", f"{value:.2f}", f"<= {limit}", _verdict(value <= limit)]
        for what, value, limit in checks
    ]
    rows.append(
        [
            f"(floor / MLP(sgd), batch {batch})",
            f"{ratio(times, floor, mlp_sgd):.2f}",
            "",
            "for reference",
        ]
    )
    return rows


def profile_section(X_all, y_all, cfg, report):
    """Where one training epoch of BP and of LRA spends its time (cProfile).

    numpy's ufuncs (``np.matmul`` included) are not Python functions, so
    cProfile counts their time in the function that calls them: a rule's
    ``directions`` holds its own ``delta W^T`` or ``e E`` products.
    """
    n = cfg["n_train"]
    X, y = X_all[:n].astype(np.float32), y_all[:n]
    report.heading(
        "Profile of one epoch",
        f"cProfile of one `partial_fit` epoch on {n:,} float32 rows, network "
        f"784-{'-'.join(map(str, HIDDEN))}-10 (tanh), batch 50, after a warm-up epoch: the "
        f"{PROFILE_TOP} functions with the most own time. `matmul_into` and "
        "`transpose_matmul_into` are the forward and weight-gradient products; numpy "
        "calls made directly inside a function (such as BP's `delta W^T` in `directions`) "
        "count as that function's own time. The profiler itself slows the many small calls.",
    )
    for cls in (sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier):
        est = make_estimator(cls, HIDDEN, 50)
        est.partial_fit(X, y, classes=np.unique(y_all))
        profiler = cProfile.Profile()
        profiler.runcall(est.partial_fit, X, y)
        report.table(f"{cls.__name__}", ["function", "calls", "own s", "share"], _top(profiler))


PROFILE_TOP = 10


def _top(profiler):
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


def _verdict(ok):
    return "PASS" if ok else "FAIL"


# ------------------------------------------------------------------ report


class Report:
    """Collects Markdown; prints each part as it is made."""

    def __init__(self):
        self.parts = []

    def add(self, text):
        self.parts.append(text)
        print(text, flush=True)

    def heading(self, title, text):
        self.add(f"\n## {title}\n\n{text}\n")

    def table(self, title, header, rows):
        lines = [f"**{title}**\n"] if title else []
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(" --- " for _ in header) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        self.add("\n".join(lines) + "\n")

    def write(self, path):
        Path(path).write_text("\n".join(self.parts) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about 1-2 minutes")
    parser.add_argument("--output", help="Markdown file (default benchmarks/results[-quick].md)")
    parser.add_argument("--blas-threads", type=int, help="limit BLAS threads (threadpoolctl)")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    cfg = MODES[mode]
    here = Path(__file__).resolve().parent
    output = args.output or here / ("results-quick.md" if args.quick else "results.md")
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    tic = time.perf_counter()
    n_rows = max(cfg["n_train"], max(cfg["sample_sizes"]), cfg["shape_rows"])
    X, y, source = load_data(n_rows)
    report = Report()
    report.add(f"# sklearn-lra benchmarks ({mode} mode)\n")
    report.add("\n".join(machine_description(args)) + f"\n- data: {source}\n")
    epochs = epoch_section(X, y, cfg, report)
    peaks = prediction_section(X, y, cfg, report)
    per_row = scaling_section(X, y, cfg, report)
    profile_section(X, y, cfg, report)
    targets_section(epochs, peaks, per_row, cfg, report)
    report.add(
        f"\nTotal benchmark time {time.perf_counter() - tic:.0f} s; "
        f"load average at the end: {_load()}.\n"
    )
    report.write(output)
    print(f"written to {output}")


if __name__ == "__main__":
    main()

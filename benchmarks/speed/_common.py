"""What every speed benchmark shares: the machine's description, MNIST rows,
timing in rounds, the matrix-product floor, the benchmark estimators and the
Markdown report.

Each script of this folder imports it as ``_common`` (Python puts a script's
folder first on ``sys.path``); ``tabular/tabular_run.py`` and
``studies/lra_epochs.py`` put this folder on ``sys.path`` to import it. Every
figure of one section is measured in rounds: each round times every entry
once, back to back, so that a change in the machine's load hits all entries
alike. Times are medians over the rounds; ratios are medians of the per-round
ratios.
"""

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import sklearn_lra
from sklearn_lra.datasets import fetch_mnist

HERE = Path(__file__).resolve().parent
#: The repository root (``benchmarks/speed/..``).
ROOT = HERE.parents[1]
#: Where the speed benchmarks write their results files.
RESULTS = HERE / "results"
HIDDEN = (256, 256, 256)
N_FEATURES, N_CLASSES = 784, 10
#: OpenBLAS variables some machines set; they slow down current numpy builds.
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


# ----------------------------------------------------------------- machine


def machine_description(blas_threads=None):
    """Markdown lines describing the machine, the libraries and the command."""
    from threadpoolctl import threadpool_info

    lines = [
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- command: `{command()}`",
        f"- OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
        f"OPENBLAS_L2_SIZE: {os.environ.get('OPENBLAS_L2_SIZE', 'unset')}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores; {platform.platform()}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, sklearn-lra "
        f"{sklearn_lra.__version__} ({Path(sklearn_lra.__file__).parent})",
        f"- load average at start (1, 5, 15 min): {load()}",
    ]
    for lib in threadpool_info():
        lines.append(
            f"- threadpoolctl: {lib['user_api']} {lib['internal_api']} {lib.get('version')}, "
            f"kernel {lib.get('architecture', '-')}, {lib['num_threads']} threads "
            f"({Path(lib['filepath']).name})"
        )
    if blas_threads:
        lines.append(f"- BLAS threads limited to {blas_threads} for this run")
    if busy():
        lines.append(
            "- NOTE: the load average exceeds half the cores: other processes are running, "
            "so timings are noisy (multi-threaded BLAS the most; see --blas-threads)"
        )
    return lines


def command():
    """The command line of this run, with the ``env -u`` it ran under."""
    unset = [v for v in OPENBLAS_VARIABLES if v not in os.environ]
    prefix = "env " + " ".join(f"-u {v}" for v in unset) + " " if unset else ""
    return prefix + "python " + " ".join(sys.argv)


def cpu_model():
    """The CPU model from /proc/cpuinfo (Linux), else what platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def busy():
    """Whether the 1-minute load average exceeds half the cores."""
    try:
        return os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1)
    except OSError:
        return False


def load():
    """The load averages as text."""
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
    return repeat_rows(X, n_rows), repeat_rows(y, n_rows), source


def load_mnist_split(n_train=None, n_test=None):
    """MNIST's official training and test sets (first rows), or None when absent.

    Returns
    -------
    (X_train, y_train, X_test, y_test) or None
    """
    try:
        X_train, y_train = fetch_mnist(return_X_y=True, download_if_missing=False)
        X_test, y_test = fetch_mnist(subset="test", return_X_y=True, download_if_missing=False)
    except Exception:  # noqa: BLE001 - any failure means: no MNIST here
        return None
    return X_train[:n_train], y_train[:n_train], X_test[:n_test], y_test[:n_test]


def repeat_rows(a, n_rows):
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


def timed(fn):
    """Seconds ``fn()`` takes."""
    tic = time.perf_counter()
    fn()
    return time.perf_counter() - tic


def verdict(ok):
    return "PASS" if ok else "FAIL"


class MatmulFloor:
    """Only the matrix products of one back-propagation epoch, into preallocated arrays.

    Per minibatch and layer ``l``: ``h_l = z_{l-1} W_l`` (forward),
    ``dW_l = z_{l-1}^T delta_l`` (gradient) and, for ``l >= 2``,
    ``delta_{l-1} = delta_l W_l^T`` (backward; layer 1's is never needed).
    """

    def __init__(self, units, n_rows, batch_size, dtype):
        rng = np.random.default_rng(0)
        self.sizes = [min(batch_size, n_rows - s) for s in range(0, n_rows, batch_size)]
        self.W = [(0.05 * rng.standard_normal((a, b))).astype(dtype) for a, b in pairs(units)]
        self.z = [rng.random((batch_size, u), dtype=np.float64).astype(dtype) for u in units]
        self.d = [(0.01 * rng.standard_normal((batch_size, u))).astype(dtype) for u in units]
        self.g = [np.empty_like(W) for W in self.W]

    def warm_up(self):
        self._epoch()

    def measure(self):
        return timed(self._epoch)

    def _epoch(self):
        W, z, d, g = self.W, self.z, self.d, self.g
        for b in self.sizes:
            for l in range(1, len(W) + 1):
                np.matmul(z[l - 1][:b], W[l - 1], out=z[l][:b])
            for l in range(len(W), 0, -1):
                np.matmul(z[l - 1][:b].T, d[l][:b], out=g[l - 1])
                if l >= 2:
                    np.matmul(d[l][:b], W[l - 1].T, out=d[l - 1][:b])


def pairs(units):
    return list(zip(units[:-1], units[1:]))


# -------------------------------------------------------------- estimators


#: The training settings every estimator of the benchmarks shares: tanh units and
#: MLPClassifier(sgd)'s optimizer (SGD with Nesterov momentum 0.9 at 0.01, no L2).
TRAINING = dict(
    activation="tanh",
    solver="sgd",
    learning_rate_init=0.01,
    momentum=0.9,
    nesterovs_momentum=True,
    alpha=0.0,
)


def make_estimator(cls, hidden, batch_size, **params):
    """``cls`` on the benchmark network (tanh, one epoch, seeded), with ``params``.

    Every estimator trains with the optimizer of ``mlp('sgd', ...)`` (SGD with
    Nesterov momentum 0.9 at 0.01, no L2 term) unless ``params`` says
    otherwise, so that timings compare the engines, not their default
    optimizers (BP's defaults are MLPClassifier's adam).
    """
    base = dict(
        hidden_layer_sizes=hidden,
        **TRAINING,
        batch_size=batch_size,
        max_iter=1,
        random_state=0,
        shuffle=True,
    )
    if cls.__name__.startswith("LRA"):
        base.update(LRA_PINNED)
    names = cls().get_params()
    return cls(**{k: v for k, v in {**base, **params}.items() if k in names})


#: LRA's start and miss in the speed reports: the reproduction's (all-zero
#: weights, the windowed miss), pinned since ``init='auto'`` and
#: ``local_error='auto'`` became a random start and ``'post_derivative'``, so
#: that the reports keep measuring what they measured; a report that asks for
#: a random start (``lra_epochs.py``'s Glorot row) gets it at its full scale,
#: with tanh units on every layer.
LRA_PINNED = dict(init="zeros", local_error="pre_window", input_scale=None, input_activation=None)


def mlp(solver, hidden, batch_size, **params):
    """MLPClassifier with the settings the package's estimators default to."""
    base = dict(
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
    return MLPClassifier(**{**base, **params})


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
        return timed(lambda: est.fit(self.X, self.y))

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


# ------------------------------------------------------------------ report


class Report:
    """Collects Markdown; prints each part as it is made."""

    def __init__(self, quiet=False):
        self.parts = []
        self.quiet = quiet

    def add(self, text):
        self.parts.append(text)
        if not self.quiet:
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


def parser(description, default_output):
    """The options every script takes: --quick, --output, --blas-threads."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    p.add_argument(
        "--output",
        help=f"Markdown file (default benchmarks/speed/results/{default_output}.md, "
        f"or benchmarks/speed/results/{default_output}-quick.md with --quick)",
    )
    p.add_argument("--blas-threads", type=int, help="limit BLAS threads (threadpoolctl)")
    return p


def start(args, title, default_output):
    """Apply the common options; returns the report (machine described) and its path."""
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    output = args.output or RESULTS / (default_output + ("-quick" if args.quick else "") + ".md")
    report = Report()
    report.add(f"# {title} ({'quick' if args.quick else 'full'} mode)\n")
    report.add("\n".join(machine_description(args.blas_threads)) + "\n")
    return report, output


def finish(report, output, tic):
    """Close the report with the total time and the load, and write it."""
    report.add(
        f"\nTotal benchmark time {time.perf_counter() - tic:.0f} s; "
        f"load average at the end: {load()}.\n"
    )
    report.write(output)
    print(f"written to {output}")

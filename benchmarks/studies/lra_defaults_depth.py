"""LRA's training settings across depth, on MNIST validation rows.

The defaults study (``benchmarks/studies/lra_defaults_study.py``) chose its training
settings with one hidden layer of 100 units. This check trains
``LRAClassifier`` with each candidate setting at three sizes (one layer of
100, three of 100, three of 256 with minibatches of 50), on the first 10,000
official MNIST training rows, for 10 epochs, and scores the last 10,000
training rows (validation; the test set is never read). Writes
``benchmarks/studies/lra_defaults/depth.csv`` and prints the table quoted in
``doc/lra_defaults.md``.

Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/lra_defaults_depth.py
"""

import csv
import warnings
from pathlib import Path

import numpy as np

from sklearn_lra import LRAClassifier
from sklearn_lra.datasets import fetch_mnist

OUT = Path(__file__).with_name("lra_defaults") / "depth.csv"
SEEDS = (0, 1)
CANDIDATES = {
    "relu, adam 3e-3": dict(activation="relu", solver="adam", learning_rate_init=3e-3, alpha=1e-4),
    "relu, adam 1e-3": dict(activation="relu", solver="adam", learning_rate_init=1e-3, alpha=1e-4),
    "tanh, adam 1e-3": dict(activation="tanh", solver="adam", learning_rate_init=1e-3, alpha=1e-4),
    "tanh, sgd 0.01": dict(activation="tanh", solver="sgd", learning_rate_init=0.01, alpha=0.0),
    "relu, sgd 0.01": dict(activation="relu", solver="sgd", learning_rate_init=0.01, alpha=1e-4),
}
SIZES = {
    "1 x 100": dict(),
    "3 x 100": dict(hidden_layer_sizes=(100,) * 3),
    "3 x 256, batch 50": dict(hidden_layer_sizes=(256,) * 3, batch_size=50),
}


def main():
    X, y = fetch_mnist(subset="train", return_X_y=True)
    X_fit, y_fit, X_val, y_val = X[:10000], y[:10000], X[50000:], y[50000:]
    rows = []
    warnings.simplefilter("ignore")
    for name, params in CANDIDATES.items():
        for size, arch in SIZES.items():
            for seed in SEEDS:
                est = LRAClassifier(
                    max_iter=10, n_iter_no_change=np.inf, random_state=seed, **params, **arch
                ).fit(X_fit, y_fit)
                rows.append((name, size, seed, 100 * (1 - est.score(X_val, y_val))))
    write_and_print(rows, OUT, list(CANDIDATES), list(SIZES))


def write_and_print(rows, out, names, sizes):
    """Write ``(setting, size, seed, validation_error)`` rows to ``out`` (CSV) and
    print the Markdown table of their means, each with its seeds' values."""
    out.parent.mkdir(exist_ok=True)
    with open(out, "w", newline="") as f:
        csv.writer(f).writerows([("setting", "size", "seed", "validation_error"), *rows])
    print("| setting | " + " | ".join(sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for name in names:
        cells = []
        for size in sizes:
            errs = [e for n, s, _, e in rows if n == name and s == size]
            cells.append(f"{np.mean(errs):.2f} ({', '.join(f'{e:.2f}' for e in errs)})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

"""The published LRA presets next to the package's default LRA and back-propagation.

Trains, on the same data, network and number of epochs:

- ``LRAClassifier.from_paper("lra_e_2019")`` (LRA-E as the authors' code sets it),
- ``LRAClassifier.from_paper("lra_fdbk_2018")`` (LRA-fdbk of 2018, partly reconstructed),
- ``LRAClassifier()`` with the package's defaults (only the network, minibatch
  size and epochs set to the presets'), and again with the presets' optimizer
  (plain SGD at the presets' step, no momentum),
- ``BPClassifier()`` likewise, as the reference,

and writes the test error of each (mean and standard deviation over seeds) as
a Markdown table. Nothing is tuned here: every setting is a preset or a
default, so the test set only reports.

Run from the repository root::

    python benchmarks/studies/run_presets.py                         # digits, 3 seeds, 100 epochs
    python benchmarks/studies/run_presets.py --dataset mnist --n-train 10000 --epochs 10 --seeds 0

``--dataset mnist`` reads MNIST through :func:`sklearn_lra.datasets.fetch_mnist`
(official test set of 10,000 images, the first ``--n-train`` training images).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sklearn_lra import BPClassifier, LRAClassifier
from sklearn_lra.rules._presets import PRESETS

#: The presets' network, minibatch size and fixed number of epochs.
ARCHITECTURE = {"hidden_layer_sizes": (256, 256, 256), "batch_size": 50}


def load(dataset, n_train, seed):
    """``(X_train, y_train, X_test, y_test)``, features in [0, 1]."""
    if dataset == "digits":
        X, y = load_digits(return_X_y=True)
        X_tr, X_te, y_tr, y_te = train_test_split(
            X / 16.0, y, test_size=0.3, random_state=seed, stratify=y
        )
        return X_tr, y_tr, X_te, y_te
    from sklearn_lra.datasets import fetch_mnist

    X_tr, y_tr = fetch_mnist(subset="train", return_X_y=True)
    X_te, y_te = fetch_mnist(subset="test", return_X_y=True)
    return X_tr[:n_train], y_tr[:n_train], X_te, y_te


def estimators(epochs, seed):
    """The estimators compared, by label."""
    fixed = {"max_iter": epochs, "n_iter_no_change": np.inf, "random_state": seed}
    return {
        "LRA-E 2019 preset": LRAClassifier.from_paper("lra_e_2019", **fixed),
        "LRA-fdbk 2018 preset": LRAClassifier.from_paper("lra_fdbk_2018", **fixed),
        "LRA, package defaults": LRAClassifier(**ARCHITECTURE, **fixed),
        # The package's rule with the presets' optimizer: separates the two.
        "LRA, presets' optimizer": LRAClassifier(
            **ARCHITECTURE,
            activation="tanh",
            solver="sgd",
            learning_rate_init=PRESETS["lra_e_2019"]["learning_rate_init"],
            momentum=0.0,
            **fixed,
        ),
        "BP, package defaults": BPClassifier(**ARCHITECTURE, **fixed),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits")
    parser.add_argument("--n-train", type=int, default=10000, help="MNIST training rows")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    errors = {}
    for seed in args.seeds:
        X_tr, y_tr, X_te, y_te = load(args.dataset, args.n_train, seed)
        for label, est in estimators(args.epochs, seed).items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the fixed epoch count ends without convergence
                est.fit(X_tr, y_tr)
            error = 100 * (1 - est.score(X_te, y_te))
            errors.setdefault(label, []).append(error)
            seconds = time.perf_counter() - start
            print(f"seed {seed}  {label:24s} {error:6.2f}%  ({seconds:.0f} s)", flush=True)
    size = f"{len(y_tr)} training rows" if args.dataset == "mnist" else "70/30 split per seed"
    print(
        f"\n{args.dataset} ({size}), 3 hidden layers of 256 units, batch 50, "
        f"{args.epochs} epochs, seeds {args.seeds}\n"
    )
    print("| estimator | test error (%) |\n|---|---|")
    for label, errs in errors.items():
        spread = f" ± {np.std(errs):.2f}" if len(errs) > 1 else ""
        print(f"| {label} | {np.mean(errs):.2f}{spread} |")


if __name__ == "__main__":
    main()

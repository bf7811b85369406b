"""Why LRA's defaults keep bounded units: the size of each layer after training, by unit.

ReLU units lift LRA on some tables with one hidden layer (``doc/lra_defaults.md``,
eighth round), and the depth check rejects them. This study shows where deep
networks of unbounded units go wrong: it trains each setting at eight hidden
layers of 256 units on the first 10,000 official MNIST training rows for 10
epochs (the depth check's protocol), scores the last 10,000 training rows
(validation; the test set is never read), and measures the root mean square
of every layer's pre-activations on 1,000 of those rows. FAClassifier and
BPClassifier with their defaults (ReLU units, adam) are the contrasts: the
same units under another rule without weight transport, and under the exact
gradient. Writes ``benchmarks/studies/lra_unbounded_depth.md``
(and a CSV beside it).

Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/lra_unbounded_depth.py --n-jobs 2
"""

import argparse
import csv
import datetime
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import log_loss

import sklearn_lra
from sklearn_lra._activations import ACTIVATIONS
from sklearn_lra.datasets import fetch_mnist

OUT = Path(__file__).with_suffix(".md")
SEEDS = (0, 1, 2)
LAYERS = (256,) * 8
#: FA's settings within LRA (the eighth round's entry): ReLU, adam, the miss times phi'.
FA_SETTINGS = dict(
    solver="adam", learning_rate_init=3e-3, alpha=1e-4, local_error="post_derivative"
)
#: The ninth round's LRA rows ran the first layer at He's full start; the
#: tenth round's default (input_scale='auto') has rows of its own. Every
#: row has the same units on every layer (input_activation=None, the
#: default before the twelfth round).
FULL = dict(input_scale=None, input_activation=None)
SETTINGS = {
    "LRA defaults (tanh, SGD, window)": ("LRA", FULL),
    "LRA defaults, ReLU units": ("LRA", dict(activation="relu", **FULL)),
    "LRA defaults, softplus units": ("LRA", dict(activation="softplus", **FULL)),
    "LRA, FA's settings (ReLU)": ("LRA", dict(activation="relu", **FA_SETTINGS, **FULL)),
    "LRA, FA's settings with tanh units": ("LRA", dict(activation="tanh", **FA_SETTINGS, **FULL)),
    "FAClassifier defaults (ReLU, adam)": ("FA", {}),
    "BPClassifier defaults (ReLU, adam)": ("BP", {}),
    "LRA, tenth round's first layer (tanh)": ("LRA", dict(input_activation=None)),
    "LRA, tenth round's first layer, ReLU units": ("LRA", dict(activation="relu")),
    "LRA, tenth round's first layer, softplus units": ("LRA", dict(activation="softplus")),
    # The eleventh round's setting for radial classes at one hidden layer.
    "LRA, tenth round's first layer, ReLU-6, FA's settings": (
        "LRA",
        dict(activation="relu6", **FA_SETTINGS),
    ),
}


def preactivation_rms(est, X):
    """Root mean square of each layer's pre-activations on ``X`` (the output layer last)."""
    z, sizes = X, []
    for W, b in zip(est.coefs_, est.intercepts_):
        h = z @ W + b
        sizes.append(float(np.sqrt(np.mean(h**2))))
        z = ACTIVATIONS[est.activation].forward(h, np.empty_like(h))
    return sizes


def fit(name, seed, data):
    """Validation error, final training loss and per-layer sizes of one setting and seed."""
    X_fit, y_fit, X_val, y_val = data
    warnings.simplefilter("ignore")
    rule, params = SETTINGS[name]
    est = getattr(sklearn_lra, f"{rule}Classifier")(
        hidden_layer_sizes=LAYERS, max_iter=10, n_iter_no_change=np.inf, random_state=seed, **params
    ).fit(X_fit, y_fit)
    error = 100 * (1 - est.score(X_val, y_val))
    # The data term alone: loss_ adds the L2 term, which differs between settings.
    loss = log_loss(y_fit, est.predict_proba(X_fit), labels=est.classes_)
    return name, seed, error, loss, preactivation_rms(est, X_val[:1000])


def write_record(rows, out, command):
    """Markdown table (mean over seeds; sizes as geometric means) and a CSV beside it."""
    with open(out.with_suffix(".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["setting", "seed", "validation_error", "training_loss"]
            + [f"rms_h{l + 1}" for l in range(len(LAYERS) + 1)]
        )
        for name, seed, error, loss, sizes in rows:
            w.writerow([name, seed, f"{error:.2f}", f"{loss:.4f}"] + [f"{s:.4g}" for s in sizes])
    layers = [f"h{l + 1}" for l in range(len(LAYERS))] + ["output"]
    lines = [
        "# Deep LRA networks by unit: the size of each layer after training",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        "Protocol: 8 hidden layers of 256 units, the first 10,000 official MNIST training "
        "rows, 10 epochs (no early stop), seeds " + ", ".join(map(str, SEEDS)) + "; "
        "validation error on training rows 50,000-59,999 (the test set is never read); "
        "training loss: the cross-entropy on the 10,000 training rows after training "
        "(without the L2 term), mean over the seeds; "
        "root mean square of each layer's pre-activations on 1,000 validation rows, "
        "geometric mean over the seeds. Every setting not named is at the estimator's defaults, "
        "except that the LRA rows but the last four start the first layer at He's full scale "
        "(`input_scale=None`, the default before the tenth round); the last four "
        "use the tenth round's `input_scale='auto'`. Every row has the same units on every "
        "hidden layer (`input_activation=None`, the default before the twelfth round).",
        "",
        "| setting | validation error (%) | training loss | " + " | ".join(layers) + " |",
        "|---|---:|---:|" + "---:|" * len(layers),
    ]
    for name in SETTINGS:
        mine = [r for r in rows if r[0] == name]
        errors = ", ".join(f"{r[2]:.1f}" for r in mine)
        loss = np.mean([r[3] for r in mine])
        sizes = np.exp(np.mean([np.log(r[4]) for r in mine], axis=0))
        cells = " | ".join(f"{s:.3g}" for s in sizes)
        lines.append(
            f"| {name} | {np.mean([r[2] for r in mine]):.1f} ({errors}) | {loss:.3g} | {cells} |"
        )
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-jobs", type=int, default=1)
    p.add_argument("--output", type=Path, default=OUT)
    args = p.parse_args(argv)
    X, y = fetch_mnist(subset="train", return_X_y=True)
    data = (X[:10000], y[:10000], X[50000:], y[50000:])
    jobs = [(name, seed) for name in SETTINGS for seed in SEEDS]
    rows = Parallel(n_jobs=args.n_jobs)(delayed(fit)(*job, data) for job in jobs)
    command = "python benchmarks/studies/lra_unbounded_depth.py --n-jobs " + str(args.n_jobs)
    write_record(rows, args.output, command)


if __name__ == "__main__":
    main()

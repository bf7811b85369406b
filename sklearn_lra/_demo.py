"""The main job: LRA and BP side by side on scikit-learn's bundled digits."""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from .exceptions import LearnedNothingWarning
from .rules.bp import BPClassifier
from .rules.lra import LRAClassifier

#: (label, estimator class, init) for each row of the table.
MODELS = [
    ("LRA", LRAClassifier, "normal"),
    ("BP", BPClassifier, "normal"),
    ("LRA", LRAClassifier, "zeros"),
    ("BP", BPClassifier, "zeros"),
]


def _digits(seed):
    """Bundled 8x8 digits scaled to [0, 1], split 70/30 with stratification."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, stratify=y, random_state=seed)


def _fit_one(cls, init, data, params):
    """Fit one model; returns (test accuracy, seconds, epochs, warnings raised by the fit)."""
    X_train, X_test, y_train, y_test = data
    est = cls(init=init, **params)
    tic = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X_train, y_train)
    seconds = time.perf_counter() - tic
    return est.score(X_test, y_test), seconds, est.n_iter_, caught


#: What the demo says instead of the warnings BP raises from all-zero weights.
BP_ZEROS_NOTE = (
    "      as expected: BP cannot train from all-zero weights (its error reaches the "
    "hidden layers through W^T = 0), so it stays near chance; LRA's error goes "
    "through random feedback matrices instead."
)


def _expected(rule, init, warning):
    """Whether a warning is the expected failure of BP from zeros, or a short run's."""
    if issubclass(warning.category, ConvergenceWarning) and not issubclass(
        warning.category, LearnedNothingWarning
    ):
        return True  # few epochs: the optimizer has not converged, as intended
    if rule == "BP" and init == "zeros":
        return issubclass(warning.category, LearnedNothingWarning) or (
            "from init='zeros' it cannot train" in str(warning.message)
        )
    return False


def _report_warnings(rule, init, caught, out):
    """Say the expected BP-from-zeros failure in words; show any other warning."""
    if rule == "BP" and init == "zeros":
        out(BP_ZEROS_NOTE)
    for w in caught:
        if not _expected(rule, init, w):
            out(f"      warning ({w.category.__name__}): {w.message}")


def run_demo(hidden_layer_sizes=(256, 256), activation="tanh", max_iter=50, seed=0, out=print):
    """Train every model of ``MODELS``, printing progress, then a table.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Hidden widths of every network.
    activation : str, default='tanh'
        Hidden activation of every network.
    max_iter : int, default=50
        Epochs per model.
    seed : int, default=0
        Seeds the split and every model.
    out : callable, default=print
        Receives each line of output.

    Returns
    -------
    rows : list of dict
        One row per model: rule, init, accuracy, seconds, epochs.
    """
    data = _digits(seed)
    params = dict(
        hidden_layer_sizes=hidden_layer_sizes,
        activation=activation,
        max_iter=max_iter,
        random_state=seed,
    )
    out(
        f"digits: {len(data[0])} training / {len(data[1])} test images, network "
        f"64-{'-'.join(map(str, hidden_layer_sizes))}-10 ({activation}), {max_iter} epochs"
    )
    rows = []
    for i, (rule, cls, init) in enumerate(MODELS, start=1):
        out(f"[{i}/{len(MODELS)}] training {rule} with init={init!r} ...")
        acc, seconds, epochs, caught = _fit_one(cls, init, data, params)
        out(
            f"[{i}/{len(MODELS)}] {rule:<3} init={init:<14} accuracy {acc:.3f}  "
            f"({seconds:.2f} s, {epochs} epochs)"
        )
        _report_warnings(rule, init, caught, out)
        rows.append(dict(rule=rule, init=init, accuracy=acc, seconds=seconds, epochs=epochs))
    out("")
    for line in format_table(rows):
        out(line)
    return rows


def format_table(rows):
    """The demo's result table as Markdown lines."""
    lines = [
        "| rule | init | test accuracy | fit time (s) | epochs |",
        "|------|------|---------------|--------------|--------|",
    ]
    for r in rows:
        lines.append(
            f"| {r['rule']} | {r['init']} | {r['accuracy']:.3f} | "
            f"{r['seconds']:.2f} | {r['epochs']} |"
        )
    return lines

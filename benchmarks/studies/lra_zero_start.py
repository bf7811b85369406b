"""What a zero start confines LRA-fdbk to: the directions its first layer learns.

From all-zero weights with a fixed ``E``, every hidden miss of LRA-fdbk is a
fixed linear map of the output error, so the first layer's update
``X^T e_1 / B`` lies in the span of ``X^T e_L`` (``doc/user_guide/lra.rst``,
"What a zero start cannot learn"). This script measures it: on interaction
problems of the tabular suite it fits ``LRAClassifier`` from zeros (with the
default window, and with ``local_error='pre'``, which has no state-dependent
gate at all) and from the default random start, with tanh units on every
layer and with the defaults' first layer of tanh and ReLU-6 units
(``input_activation='auto'``), and prints, for the change
of the first layer's weights ``W_1 - W_1(0)``, the ratio of its second to
its first singular value and its effective rank (exp of the entropy of the
normalised singular values), with training and hold-out accuracy (80/20
split, seed 0; LogisticRegression and MLPClassifier alongside).

Run from the repository root (about a minute)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/lra_zero_start.py

It writes ``benchmarks/studies/lra_zero_start.md``, quoted in the LRA user guide.
"""

import datetime
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_lra import LRAClassifier

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tabular"))  # the tabular suite

from tabular_synthetic import generate  # noqa: E402

PROBLEMS = ("moons_1000", "circles_1000", "xor_1000", "clusters_1000")
TANH = dict(input_activation=None)  # tanh units on every layer, as before the twelfth round
SETTINGS = {
    "LRA, init='zeros'": LRAClassifier(init="zeros", **TANH),
    "LRA, init='zeros', local_error='pre'": LRAClassifier(init="zeros", local_error="pre", **TANH),
    "LRA, random start (tanh units)": LRAClassifier(**TANH),
    # The defaults' first layer since the twelfth round: tanh and ReLU-6 units.
    "LRA, init='zeros', local_error='pre', first layer tanh and ReLU-6": LRAClassifier(
        init="zeros", local_error="pre"
    ),
    "LRA, defaults (random start, first layer tanh and ReLU-6)": LRAClassifier(),
}
OUT = HERE / "lra_zero_start.md"


def first_layer_change(est, X, y):
    """``W_1 - W_1(0)``: ``W_1(0)`` from a fit whose one step is 1e-12 long."""
    start = clone(est).set_params(max_iter=1, learning_rate_init=1e-12).fit(X, y)
    return est.coefs_[0] - start.coefs_[0]


def spectrum(W):
    """``(s_2 / s_1, effective rank)`` of ``W``."""
    s = np.linalg.svd(W, compute_uv=False)
    if s[0] == 0:
        return 0.0, 0.0
    p = s / s.sum()
    p = p[p > 0]
    return s[1] / s[0], float(np.exp(-(p * np.log(p)).sum()))


def run_problem(name, seed=0):
    """One row per setting: name, s2/s1, effective rank, train and hold-out accuracy."""
    X, y, _ = generate(name)
    X = X.to_numpy()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    rows = []
    for label, proto in SETTINGS.items():
        est = clone(proto).set_params(random_state=seed).fit(X_tr, y_tr)
        ratio, rank = spectrum(first_layer_change(est, X_tr, y_tr))
        rows.append((label, ratio, rank, est.score(X_tr, y_tr), est.score(X_te, y_te)))
    for label, est in [
        ("LogisticRegression", LogisticRegression(max_iter=1000)),
        ("MLPClassifier", MLPClassifier(random_state=seed)),
    ]:
        est.fit(X_tr, y_tr)
        rows.append((label, np.nan, np.nan, est.score(X_tr, y_tr), est.score(X_te, y_te)))
    return rows


def main():
    warnings.simplefilter("ignore")
    lines = [
        "# What a zero start confines LRA-fdbk to",
        "",
        "Command: `OPENBLAS_NUM_THREADS=1 python benchmarks/studies/lra_zero_start.py`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        "One hidden layer of 100 tanh units, 80/20 split (seed 0), `random_state=0`. "
        "`s2/s1` and `eff. rank` describe the change of the first layer's weights "
        "during the fit; a binary problem has one output.",
        "",
        "| problem | setting | s2/s1 | eff. rank | train acc. | hold-out acc. |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name in PROBLEMS:
        for label, ratio, rank, train, test in run_problem(name):
            r = "" if np.isnan(ratio) else f"{ratio:.4f}"
            k = "" if np.isnan(rank) else f"{rank:.2f}"
            lines.append(f"| {name} | {label} | {r} | {k} | {train:.3f} | {test:.3f} |")
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

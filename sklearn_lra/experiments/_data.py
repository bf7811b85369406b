"""The data sets of the experiments, each with a fixed train/validation/test split.

Every run trains on the training rows only, is measured on the validation
rows (where every choice of the reports is made) and on the test rows (the
reported figure). The validation rows never train and are never subsampled.
"""

import functools
from typing import NamedTuple

import numpy as np

#: Data set name -> one-line description used in reports.
DATASETS = {
    "mnist": (
        "MNIST, official split: the first 50,000 training rows train, the last 10,000 "
        "validate, the official 10,000 test rows test"
    ),
    "fashion_mnist": (
        "Fashion-MNIST, official split: the first 50,000 training rows train, the last "
        "10,000 validate, the official 10,000 test rows test"
    ),
    "digits": (
        "scikit-learn's 8x8 digits, fixed stratified split (1,077 train / 270 validation / "
        "450 test)"
    ),
}

#: The data sets as runs made before the validation split saw them (no validation rows).
DATASETS_BEFORE_VALIDATION = {
    "mnist": "MNIST, official split (60,000 train / 10,000 test), no validation rows",
    "fashion_mnist": (
        "Fashion-MNIST, official split (60,000 train / 10,000 test), no validation rows"
    ),
    "digits": "scikit-learn's 8x8 digits, fixed stratified split (1,347 train / 450 test), "
    "no validation rows",
}

#: How each data set's validation rows are taken from its training part; part of
#: every configuration, so that a change of the split gives new cache keys.
VALIDATION = {
    "mnist": "last 10000 rows of the official training set",
    "fashion_mnist": "last 10000 rows of the official training set",
    "digits": "stratified 20% of the training part, seed 0",
}

#: Rows of the official training sets that validate (the last ones).
N_VALIDATION_ROWS = 10000

#: Test rows of each data set, for the binomial noise of a test error.
N_TEST = {"mnist": 10000, "fashion_mnist": 10000, "digits": 450}

#: Validation rows of each data set, for the binomial noise of a validation error.
N_VALIDATION = {"mnist": 10000, "fashion_mnist": 10000, "digits": 270}

#: Seed of the training-row subsample, the same for every rule and run seed.
SUBSAMPLE_SEED = 0


class Split(NamedTuple):
    """Training, validation and test data of one data set."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_split(name, n_train=None, data_home=None):
    """Training, validation and test data of a data set.

    Parameters
    ----------
    name : {'mnist', 'fashion_mnist', 'digits'}
        The data set.
    n_train : int or None, default=None
        Keep this many training rows, drawn once with a fixed seed from the
        training rows (never from the validation rows) so that every rule
        and every run seed sees the same rows. None keeps all.
    data_home : str or None, default=None
        Passed to the MNIST loaders.

    Returns
    -------
    split : Split
        ``(X_train, y_train, X_val, y_val, X_test, y_test)``; features are
        float32 in [0, 1].
    """
    split = _load_full(name, data_home)
    if n_train is not None and n_train < len(split.y_train):
        rows = np.random.RandomState(SUBSAMPLE_SEED).permutation(len(split.y_train))[:n_train]
        rows.sort()
        split = split._replace(X_train=split.X_train[rows], y_train=split.y_train[rows])
    return split


# Per process: a worker that runs many configurations loads a data set once.
# One at a time: MNIST takes about 220 MB, and loky restarts a worker whose
# memory grows by more than 300 MB (the runner schedules one data set after
# the other, so a worker rarely switches).
@functools.lru_cache(maxsize=1)
def _load_full(name, data_home):
    """The full split of a data set."""
    if name == "digits":
        return _digits()
    if name not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose from {', '.join(DATASETS)}.")
    from .. import datasets

    fetch = datasets.fetch_mnist if name == "mnist" else datasets.fetch_fashion_mnist
    X, y = fetch(data_home=data_home, subset="train", return_X_y=True)
    X_test, y_test = fetch(data_home=data_home, subset="test", return_X_y=True)
    # The usual practice: the last 10,000 official training rows validate.
    cut = len(y) - N_VALIDATION_ROWS
    return Split(X[:cut], y[:cut], X[cut:], y[cut:], X_test, y_test)


def _digits():
    """``load_digits`` scaled to [0, 1], split 60/15/25 (stratified) with fixed seeds."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    # The test part is the one of every earlier report; validation comes out of training.
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest
    )
    return Split(X_train, y_train, X_val, y_val, X_test, y_test)


def chance_error(y):
    """Error of the best constant prediction (the most frequent class) on ``y``."""
    _, counts = np.unique(y, return_counts=True)
    return float(1.0 - counts.max() / counts.sum())

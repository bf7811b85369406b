"""The data sets of the experiments, each with a fixed train/test split."""

import functools

import numpy as np

#: Data set name -> one-line description used in reports.
DATASETS = {
    "mnist": "MNIST, official split (60,000 train / 10,000 test)",
    "fashion_mnist": "Fashion-MNIST, official split (60,000 train / 10,000 test)",
    "digits": "scikit-learn's 8x8 digits, fixed stratified split (1,347 train / 450 test)",
}

#: Seed of the training-row subsample, the same for every rule and run seed.
SUBSAMPLE_SEED = 0


def load_split(name, n_train=None, data_home=None):
    """Training and test data of a data set, optionally with fewer training rows.

    Parameters
    ----------
    name : {'mnist', 'fashion_mnist', 'digits'}
        The data set.
    n_train : int or None, default=None
        Keep this many training rows, drawn once with a fixed seed so that
        every rule and every run seed sees the same rows. None keeps all.
    data_home : str or None, default=None
        Passed to the MNIST loaders.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Features are float32 in [0, 1].
    """
    X_train, y_train, X_test, y_test = _load_full(name, data_home)
    if n_train is not None and n_train < len(y_train):
        rows = np.random.RandomState(SUBSAMPLE_SEED).permutation(len(y_train))[:n_train]
        rows.sort()
        X_train, y_train = X_train[rows], y_train[rows]
    return X_train, y_train, X_test, y_test


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
    X_train, y_train = fetch(data_home=data_home, subset="train", return_X_y=True)
    X_test, y_test = fetch(data_home=data_home, subset="test", return_X_y=True)
    return X_train, y_train, X_test, y_test


def _digits():
    """``load_digits`` scaled to [0, 1], split 75/25 with a fixed seed."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    return X_train, y_train, X_test, y_test


def chance_error(y_test):
    """Test error of the best constant prediction (the most frequent class)."""
    _, counts = np.unique(y_test, return_counts=True)
    return float(1.0 - counts.max() / counts.sum())

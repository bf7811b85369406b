"""Loaders for the benchmark data sets: MNIST and Fashion-MNIST.

Both read the publishers' original IDX files from a local folder (or download
them) and return them the way scikit-learn's ``fetch_*`` functions do.
"""

from ._mnist import fetch_fashion_mnist, fetch_mnist

__all__ = ["fetch_fashion_mnist", "fetch_mnist"]

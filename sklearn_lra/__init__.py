"""Local Representation Alignment and other learning rules as scikit-learn estimators."""

from ._version import __version__
from .rules.bp import BPClassifier, BPRegressor
from .rules.lra import LRAClassifier, LRARegressor

__all__ = [
    "BPClassifier",
    "BPRegressor",
    "LRAClassifier",
    "LRARegressor",
    "__version__",
]

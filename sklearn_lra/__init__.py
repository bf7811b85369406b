"""Local Representation Alignment and other learning rules as scikit-learn estimators."""

from .rules.bp import BPClassifier, BPRegressor
from .rules.lra import LRAClassifier, LRARegressor

__version__ = "0.1.0"

__all__ = [
    "BPClassifier",
    "BPRegressor",
    "LRAClassifier",
    "LRARegressor",
    "__version__",
]

"""Local Representation Alignment and other learning rules as scikit-learn estimators."""

from ._version import __version__
from .rules.bp import BPClassifier, BPRegressor
from .rules.dfa import DFAClassifier, DFARegressor
from .rules.dtp import DTPClassifier, DTPRegressor
from .rules.fa import FAClassifier, FARegressor
from .rules.lra import LRAClassifier, LRARegressor

__all__ = [
    "BPClassifier",
    "BPRegressor",
    "DFAClassifier",
    "DFARegressor",
    "DTPClassifier",
    "DTPRegressor",
    "FAClassifier",
    "FARegressor",
    "LRAClassifier",
    "LRARegressor",
    "__version__",
]

"""The private scikit-learn names this package relies on, imported in one place."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions

__all__ = ["Interval", "Options", "StrOptions", "_fit_context"]

"""The private scikit-learn names this package relies on, imported in one place."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.fixes import _get_additional_lbfgs_options_dict
from sklearn.utils.optimize import _check_optimize_result

__all__ = [
    "Interval",
    "Options",
    "StrOptions",
    "_check_optimize_result",
    "_fit_context",
    "lbfgs_iprint_option",
]


def lbfgs_iprint_option(iprint):
    """L-BFGS-B's ``iprint`` option as this scipy takes it (an empty dict where it is gone)."""
    return _get_additional_lbfgs_options_dict("iprint", iprint)

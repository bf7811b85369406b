"""Helpers that keep each estimator's ``__init__`` to its signature."""

import inspect


def store_params(estimator, values):
    """Store every ``__init__`` argument of ``estimator`` unchanged, as sklearn wants.

    Parameters
    ----------
    estimator : BaseEstimator
        The instance under construction.
    values : dict
        ``locals()`` of its ``__init__``.
    """
    for name in inspect.signature(type(estimator).__init__).parameters:
        if name != "self":
            setattr(estimator, name, values[name])

"""Find the package's estimators, for the tests and the benchmarks."""

import inspect


def all_estimators():
    """Every class exported by ``sklearn_lra`` that is a scikit-learn estimator.

    Returns
    -------
    classes : list of type
        In the order of ``sklearn_lra.__all__``.
    """
    import sklearn_lra  # the package imports its estimators before anyone calls this

    classes = []
    for name in sklearn_lra.__all__:
        obj = getattr(sklearn_lra, name)
        if inspect.isclass(obj) and hasattr(obj, "fit") and hasattr(obj, "get_params"):
            classes.append(obj)
    return classes

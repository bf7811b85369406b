"""scikit-learn's estimator checks over every public estimator, found automatically."""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import check_param_validation, parametrize_with_checks

from sklearn_lra.exceptions import DivergenceWarning

from ._estimators import fast_estimator, public_estimator_classes

ESTIMATORS = [fast_estimator(cls) for cls in public_estimator_classes()]

#: What scikit-learn's checks may make a user's estimator say: they fit a few epochs'
#: worth of random data, often too small or too odd to learn (ConvergenceWarning and
#: its LearnedNothingWarning), and FA / DFA regressors at their defaults can diverge
#: on check_regressor_multioutput's unscaled targets (DivergenceWarning).
CHECK_WARNINGS = (ConvergenceWarning, DivergenceWarning)


def test_every_rule_family_is_exported():
    """The common checks really run over classifiers and regressors of each rule."""
    names = {type(est).__name__ for est in ESTIMATORS}
    assert {"LRAClassifier", "LRARegressor", "BPClassifier", "BPRegressor"} <= names


# One pass of the suite: over the estimators exactly as a user makes them. (A second
# pass over ESTIMATORS, the same checks with small networks, ran the same code paths.)
@parametrize_with_checks([cls() for cls in public_estimator_classes()])
def test_sklearn_compatible_with_default_parameters(estimator, check):
    """Each estimator, exactly as a user makes it, passes every check with no expected
    failure, and warns only that a fit on the checks' data did not converge or learn."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check(estimator)
    unexpected = [w for w in caught if not issubclass(w.category, CHECK_WARNINGS)]
    assert not unexpected, [f"{w.category.__name__}: {w.message}" for w in unexpected]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_param_validation(estimator):
    """Invalid hyperparameters raise through ``_parameter_constraints``."""
    check_param_validation(type(estimator).__name__, estimator)

"""scikit-learn's estimator checks over every public estimator, found automatically."""

import pytest
from sklearn.utils.estimator_checks import check_param_validation, parametrize_with_checks

from ._estimators import fast_estimator, public_estimator_classes

ESTIMATORS = [fast_estimator(cls) for cls in public_estimator_classes()]


def test_every_rule_family_is_exported():
    """The common checks really run over classifiers and regressors of each rule."""
    names = {type(est).__name__ for est in ESTIMATORS}
    assert {"LRAClassifier", "LRARegressor", "BPClassifier", "BPRegressor"} <= names


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    """Each estimator passes every check of scikit-learn's suite."""
    check(estimator)


@parametrize_with_checks([cls() for cls in public_estimator_classes()])
def test_sklearn_compatible_with_default_parameters(estimator, check):
    """Each estimator, exactly as a user makes it, passes every check with no expected failure."""
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_param_validation(estimator):
    """Invalid hyperparameters raise through ``_parameter_constraints``."""
    check_param_validation(type(estimator).__name__, estimator)

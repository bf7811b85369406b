"""Every public estimator of the package, with parameters that make tests fast."""

from sklearn.base import is_classifier

from sklearn_lra._discovery import all_estimators as public_estimator_classes

#: Small networks and few epochs, for the tests that fit many times (the float32
#: pass of scikit-learn's checks among them). 32 units, not fewer, and ten times
#: MLPClassifier's step: FA and DFA regressors with 8 units, or adam at 1e-3, stay
#: below the R^2 that scikit-learn's check_regressors_train asks for after 30
#: epochs. The full pass of the checks (test_common.py) runs on the defaults.
FAST_PARAMS = {
    "hidden_layer_sizes": (32,),
    "max_iter": 30,
    "learning_rate_init": 0.01,
    "random_state": 0,
}


def fast_estimator(cls, **overrides):
    """An instance of ``cls`` with ``FAST_PARAMS`` and ``overrides``."""
    return cls(**{**FAST_PARAMS, **overrides})


def diverging_estimator(cls):
    """A fast ``cls`` whose fit on inputs of size 1e10 overflows within an epoch.

    LRA's defaults would keep such a fit finite: ``adaptive_scale``
    shrinks its steps to match the inputs, and the ``'pre_window'`` miss
    leaves units with pre-activations far from zero alone. Both are turned
    off here.
    """
    est = fast_estimator(cls, learning_rate_init=1e20, init="normal", activation="identity")
    if "adaptive_scale" in est.get_params():
        est.set_params(adaptive_scale=False, local_error="post")
    return est


CLASSIFIERS = [c for c in public_estimator_classes() if is_classifier(c())]
REGRESSORS = [c for c in public_estimator_classes() if not is_classifier(c())]

"""Safe persistence with skops.io: only the estimator's own class needs trusting.

Needs the ``persist`` extra. Without it the tests are skipped, unless the
environment variable ``SKLEARN_LRA_REQUIRE_SKOPS=1`` is set (as CI does), when
they fail. The recipe tested here is the one of ``doc/deploying.rst``.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning

from sklearn_lra._discovery import all_estimators

from ._requirements import require_modules

ESTIMATORS = all_estimators()


@pytest.fixture(scope="module")
def sio():
    """skops.io, or a skip (a failure in CI) without the extra."""
    require_modules(("skops",), "SKLEARN_LRA_REQUIRE_SKOPS", "persist")
    import skops.io

    return skops.io


def _data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(60, 4)
    return X, rng.choice(["a", "b", "c"], 60), X @ rng.randn(4, 2)


def _fitted(cls, solver="sgd", **params):
    """A small fitted estimator (string classes for classifiers, 2 outputs for regressors)."""
    X, y, y_reg = _data()
    est = cls(hidden_layer_sizes=(6, 5), max_iter=3, batch_size=16, random_state=0, solver=solver)
    est.set_params(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y if is_classifier(est) else y_reg)
    return est, X, (y if is_classifier(est) else y_reg)


def _round_trip(sio, est):
    """Dump, list the untrusted types, load trusting them: the documented recipe."""
    data = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=data)
    return sio.loads(data, trusted=untrusted), untrusted


def _state_arrays(est):
    """Every fitted array: weights, biases and the rule's own matrices."""
    arrays = list(est.coefs_) + list(est.intercepts_)
    for name in est._rule_attributes:
        arrays += list(getattr(est, name))
    return arrays


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_only_the_estimator_class_is_untrusted(sio, cls, solver):
    """No function, optimizer or random generator needs trusting: only the class itself."""
    est, X, _ = _fitted(cls, solver)
    loaded, untrusted = _round_trip(sio, est)
    assert untrusted == [f"{cls.__module__}.{cls.__qualname__}"]
    assert type(loaded) is cls


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_loaded_estimator_predicts_identically(sio, cls):
    """Same predictions, same weights and rule matrices (LRA/FA/DFA feedback, DTP inverses)."""
    est, X, _ = _fitted(cls)
    loaded, _ = _round_trip(sio, est)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if is_classifier(est):
        np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    assert est._rule_attributes or cls.__name__.startswith("BP")
    for a, b in zip(_state_arrays(loaded), _state_arrays(est), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert loaded.get_params() == est.get_params()


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_training_continues_after_loading_as_without(sio, cls, solver):
    """partial_fit, then a warm_start fit, give the same weights on the original and the copy.

    The optimizer's momenta and the random state travel with the file, so the
    loaded model continues exactly where the original would have.
    """
    est, X, y = _fitted(cls, solver)
    loaded, _ = _round_trip(sio, est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in (est, loaded):
            model.partial_fit(X, y)
        for a, b in zip(_state_arrays(loaded), _state_arrays(est), strict=True):
            np.testing.assert_array_equal(a, b)
        for model in (est, loaded):
            model.set_params(warm_start=True, max_iter=2).fit(X, y)
    for a, b in zip(_state_arrays(loaded), _state_arrays(est), strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.n_iter_ == est.n_iter_ and loaded.t_ == est.t_


def test_momentum_state_is_what_changes_the_continued_fit(sio):
    """Guard of the test above: dropping the momenta does change the next update."""
    cls = ESTIMATORS[0]
    est, X, y = _fitted(cls, "sgd")
    loaded, _ = _round_trip(sio, est)
    loaded._optimizers = None  # as if the momenta had not been saved
    est.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert not np.array_equal(loaded.coefs_[0], est.coefs_[0])


def test_pickle_keeps_working_and_the_estimator_is_not_changed_by_dumping(sio):
    """The plain-data optimizer state also round-trips through pickle; dumping mutates nothing."""
    cls = ESTIMATORS[0]
    est, X, y = _fitted(cls, "adam")
    before = dict(vars(est))
    sio.dumps(est)
    copy = pickle.loads(pickle.dumps(est))
    assert vars(est).keys() == before.keys()
    assert type(est._optimizers[0]) is type(copy._optimizers[0])
    est.partial_fit(X, y)
    copy.partial_fit(X, y)
    np.testing.assert_array_equal(copy.coefs_[0], est.coefs_[0])


def test_unfitted_estimator_round_trips(sio):
    """An unfitted estimator also needs only its class trusted."""
    cls = ESTIMATORS[0]
    loaded, untrusted = _round_trip(sio, cls(hidden_layer_sizes=(3,)))
    assert untrusted == [f"{cls.__module__}.{cls.__qualname__}"]
    assert loaded.get_params() == cls(hidden_layer_sizes=(3,)).get_params()

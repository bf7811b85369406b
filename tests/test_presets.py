"""The published LRA rules as presets, and LRA without biases."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split

from sklearn_lra import LRAClassifier, LRARegressor
from sklearn_lra.rules.lra import LocalRepresentationAlignmentRule

from ._rules import one_hot, random_network, rule_directions

#: What each preset sets, written out again here from the sources (ALGORITHMS.md).
EXPECTED = {
    "lra_e_2019": dict(
        form="lra_e",
        beta=0.1,
        feedback_init="normal",
        feedback_scale=1.0,
        gamma=1.0,
        init="normal",
        init_scale=0.1,
        solver="sgd",
        learning_rate_init=0.01,
        momentum=0.0,
        batch_size=50,
        update_cap=None,
        adaptive_scale=False,
        local_error="post",
        local_loss="squared",
        use_bias=False,
        activation="tanh",
        max_iter=100,
    ),
    "lra_fdbk_2018": dict(
        form="fdbk",
        beta=0.1,
        feedback_scale=1.0,
        gamma=0.0,
        local_loss="cauchy",
        update_cap=1.0,
        local_error="post",
        init="zeros",
        use_bias=True,
    ),
}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("Estimator", [LRAClassifier, LRARegressor])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_sets_every_stated_value(Estimator, name):
    """``get_params`` shows each value the source states; overrides replace them."""
    params = Estimator.from_paper(name).get_params()
    assert {k: params[k] for k in EXPECTED[name]} == EXPECTED[name]
    assert Estimator.from_paper(name, max_iter=7, beta=0.2).get_params()["beta"] == 0.2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_is_an_ordinary_estimator(name, digits):
    """A preset clones to the same parameters, pickles, and grid searches."""
    est = LRAClassifier.from_paper(name, hidden_layer_sizes=(16,), max_iter=2)
    assert clone(est).get_params() == est.get_params()
    X, _, y, _ = digits
    search = GridSearchCV(est, {"beta": [0.05, 0.1]}, cv=2, error_score="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X[:200], y[:200])
    again = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(again.predict(X[:20]), search.predict(X[:20]))
    assert again.get_params() == search.best_estimator_.get_params()


def test_unknown_preset_and_parameter_are_refused():
    with pytest.raises(ValueError, match="lra_e_2019"):
        LRAClassifier.from_paper("lra_2020")
    with pytest.raises(ValueError, match="not_a_parameter"):
        LRAClassifier.from_paper("lra_e_2019", not_a_parameter=1)


def test_every_reconstructed_parameter_is_a_preset_parameter():
    """The list of reconstructed values names parameters that the preset sets."""
    for name, params in LRAClassifier.presets.items():
        assert set(LRAClassifier.preset_reconstructed[name]) <= set(params)
        assert name in LRAClassifier.preset_sources


@pytest.mark.parametrize(
    "name, epochs, max_error", [("lra_e_2019", 10, 0.15), ("lra_fdbk_2018", 25, 0.6)]
)
def test_preset_trains_on_digits(name, epochs, max_error, digits):
    """Each preset, in its own network (3 x 256 tanh), learns digits.

    The 2018 preset starts from zeros and stays at chance for about ten
    epochs before it learns. ``benchmarks/studies/run_presets.py`` trains both for
    the papers' 100 epochs.
    """
    X_train, X_test, y_train, y_test = digits
    est = LRAClassifier.from_paper(name, max_iter=epochs, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixed epochs end without convergence
        est.fit(X_train, y_train)
    assert 1 - est.score(X_test, y_test) <= max_error
    if name == "lra_e_2019":
        assert not any(b.any() for b in est.intercepts_)


# ------------------------------------------------------------------- use_bias


def test_use_bias_false_gives_zero_bias_directions_and_leaves_weights_alone():
    """Without biases the bias directions are zero; the weight directions are unchanged."""
    units = [5, 4, 3, 3]
    net = random_network(units, "tanh")
    rng = np.random.RandomState(0)
    X, Y = rng.randn(6, 5), one_hot(rng.randint(0, 3, 6), 3)
    out = []
    for use_bias in (True, False):
        rule = LocalRepresentationAlignmentRule(LRAClassifier(use_bias=use_bias))
        extra = rule.init_params(units, np.random.RandomState(1), np.float64)
        out.append(rule_directions(rule, net, X, Y, extra))
    (dW_b, db_b, _), (dW, db, _) = out
    assert all(g.any() for g in db_b)
    assert not any(g.any() for g in db)
    for a, b in zip(dW_b, dW):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_use_bias_false_keeps_every_bias_at_zero(solver, digits):
    """Fitted and continued (from a model with biases), every ``b_l`` is zero."""
    X, _, y, _ = digits
    params = dict(hidden_layer_sizes=(16, 16), max_iter=3, solver=solver, alpha=0.1)
    est = LRAClassifier(use_bias=True, warm_start=True, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
        assert all(b.any() for b in est.intercepts_)
        est.set_params(use_bias=False).fit(X, y)
        assert not any(b.any() for b in est.intercepts_)
        fresh = LRAClassifier(use_bias=False, random_state=0, **params).fit(X, y)
    assert not any(b.any() for b in fresh.intercepts_)
    assert all(W.any() for W in fresh.coefs_)

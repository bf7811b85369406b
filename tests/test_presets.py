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
        # The authors' 0.001 on the sum over 50 rows, in the averaged convention.
        learning_rate_init=0.05,
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


def _authors_lra_e_step(X, Y, coefs, feedback, step=0.001, beta=0.1, gamma=1.0):
    """One minibatch update of LRA-E as the authors' code writes it.

    Written from the published code (AnkurMali/LRA-E, ``mnist.py``), not from
    the package: tanh layers without biases, a softmax output whose error is
    ``z - y``; from the top down the target of hidden layer ``l`` is
    ``tanh(a_l - beta * e_{l+1} E_{l+1})`` and its error the unit's output
    minus that target; every update is the *sum* over the minibatch of
    ``h_{l-1}^T e_l``, stepped by ``step``; ``E_l`` moves by ``gamma`` times
    the transpose of its layer's update.
    """
    outs, pres = [X], []
    for W in coefs[:-1]:
        pres.append(outs[-1] @ W)
        outs.append(np.tanh(pres[-1]))
    logits = outs[-1] @ coefs[-1]
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    z /= z.sum(axis=1, keepdims=True)
    errors = [None] * len(coefs)
    errors[-1] = z - Y
    for k in range(len(coefs) - 1, 0, -1):
        displacement = errors[k] @ feedback[k - 1]
        errors[k - 1] = outs[k] - np.tanh(pres[k - 1] - beta * displacement)
    sums = [outs[k].T @ errors[k] for k in range(len(coefs))]
    new_coefs = [W - step * dW for W, dW in zip(coefs, sums)]
    new_feedback = [E - step * gamma * sums[k + 1].T for k, E in enumerate(feedback)]
    return new_coefs, new_feedback


def test_lra_e_preset_steps_as_the_authors_code():
    """One minibatch of 50 rows moves W and E exactly as the authors' code does.

    The authors step by 0.001 along the sum over the minibatch; the preset's
    ``learning_rate_init`` (the package averages over the minibatch) must give
    the same step per row.
    """
    rng = np.random.RandomState(0)
    X = rng.randn(50, 7)
    y = np.arange(50) % 3
    est = LRAClassifier.from_paper(
        "lra_e_2019", hidden_layer_sizes=(6, 5, 4), max_iter=1, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch ends without convergence
        est.fit(X, y)  # a random state to step from (the first step included)
        coefs = [W.copy() for W in est.coefs_]
        feedback = [E.copy() for E in est.feedback_matrices_]
        est.set_params(warm_start=True).fit(X, y)  # one more minibatch: all 50 rows
    want_coefs, want_feedback = _authors_lra_e_step(X, one_hot(y, 3), coefs, feedback)
    moved = max(np.abs(a - b).max() for a, b in zip(want_coefs, coefs))
    assert moved > 1e-4  # the step is not vanishingly small, so the check can fail
    for got, want in zip(est.coefs_, want_coefs):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    for got, want in zip(est.feedback_matrices_, want_feedback):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
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

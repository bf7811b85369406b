"""No dead settings: every rule, activation and initialisation trains, or says why not.

A setting that cannot train must be refused with an error naming the cause,
or warned about before training; it must never train silently to nothing.
The grid fits every rule (and LRA's forms and misses) with every activation,
from all-zero weights and from ``init='auto'``, on a small digits subset.
Every fit of this file is also held to the end-of-fit check: one whose
training loss is no better than the class priors' and whose accuracy is the
majority's raises ``LearnedNothingWarning``; one that trained does not.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sklearn_lra import (
    BPClassifier,
    DFAClassifier,
    DTPClassifier,
    FAClassifier,
    LRAClassifier,
    LRARegressor,
)
from sklearn_lra._activations import ACTIVATIONS
from sklearn_lra.exceptions import LearnedNothingWarning

RULES = {
    "bp": (BPClassifier, {}),
    "fa": (FAClassifier, {}),
    "dfa": (DFAClassifier, {}),
    "dtp": (DTPClassifier, {}),
    "lra_fdbk_pre_window": (LRAClassifier, {"form": "fdbk", "local_error": "pre_window"}),
    "lra_fdbk_pre": (LRAClassifier, {"form": "fdbk", "local_error": "pre"}),
    "lra_fdbk_post": (LRAClassifier, {"form": "fdbk", "local_error": "post"}),
    "lra_fdbk_post_derivative": (
        LRAClassifier,
        {"form": "fdbk", "local_error": "post_derivative"},
    ),
    "lra_diff": (LRAClassifier, {"form": "diff", "local_error": "pre_window"}),
    "lra_e": (LRAClassifier, {"form": "lra_e", "local_error": "post", "local_loss": "squared"}),
}

#: Two standard optimizers; a setting trains if either trains it.
OPTIMIZERS = (
    {"solver": "sgd", "learning_rate_init": 0.05, "momentum": 0.9},
    {"solver": "adam", "learning_rate_init": 0.01},
)

#: Held-out accuracy that counts as training: three times chance on ten classes.
TRAINED = 0.3

#: What the named warnings and errors say (the cause, in the words of the message).
CAUSES = ("cannot train", "zero derivative", "barely learn")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    order = np.random.RandomState(0).permutation(len(X))
    train, test = order[:600], order[600:1000]
    return X[train] / 16.0, y[train], X[test] / 16.0, y[test]


def _estimator(rule, activation, init, optimizer=OPTIMIZERS[0], hidden=(32, 32), **extra):
    """The unfitted estimator of one short fit of ``rule``."""
    Estimator, params = RULES[rule]
    return Estimator(
        hidden_layer_sizes=hidden,
        activation=activation,
        init=init,
        batch_size=32,
        max_iter=10,
        alpha=0.0,
        random_state=0,
        **optimizer,
        **params,
        **extra,
    )


def _fit(rule, activation, init, optimizer, digits):
    """Held-out accuracy and the warnings of one short fit."""
    X, y, X_test, y_test = digits
    est = _estimator(rule, activation, init, optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    learned_nothing = [w for w in caught if w.category is LearnedNothingWarning]
    named = [
        str(w.message)
        for w in caught
        if w.category is not LearnedNothingWarning and any(c in str(w.message) for c in CAUSES)
    ]
    score = est.score(X_test, y_test)
    _check_end_of_fit_warning(est, X, y, score, learned_nothing)
    return score, named


def _at_chance(est, X, y):
    """Training cross-entropy at least the priors' entropy, accuracy within 5% of the majority's.

    Computed by hand, apart from the package's check (whose margins are
    wider, 1% of the loss and 10% of the majority's errors).
    """
    p = np.bincount(y) / len(y)
    proba = np.clip(est.predict_proba(X)[np.arange(len(y)), y], 1e-12, 1)
    majority_error = 1 - p.max()
    error = 1 - est.score(X, y)
    return -np.mean(np.log(proba)) >= -np.sum(p * np.log(p)) and (error >= 0.95 * majority_error)


def _check_end_of_fit_warning(est, X, y, score, learned_nothing):
    """A fit at chance says so at the end; a fit that trained does not."""
    if score >= TRAINED:
        assert not learned_nothing, str(learned_nothing[0].message)
    elif _at_chance(est, X, y):
        assert learned_nothing, f"{est} ended at chance without a LearnedNothingWarning"


ZERO_INIT_CAUSES = [
    ("bp", "tanh", "transposed forward weights"),
    ("dtp", "tanh", "transposed output weights"),
    ("fa", "relu", "phi'(0) = 0"),
    ("dfa", "relu6", "phi'(0) = 0"),
    ("lra_diff", "tanh", "form='diff'"),
    ("lra_fdbk_post_derivative", "relu", "phi'(0) = 0"),
]


@pytest.mark.parametrize("rule, activation, cause", ZERO_INIT_CAUSES)
def test_zero_init_warning_names_the_cause(rule, activation, cause, digits):
    """The warning of an all-zero start says why that rule cannot train from it."""
    _, named = _fit(rule, activation, "zeros", OPTIMIZERS[0], digits)
    assert any("init='zeros'" in m and cause in m for m in named), named


@pytest.mark.parametrize("rule, activation, cause", ZERO_INIT_CAUSES)
def test_zero_init_fit_ends_with_learned_nothing(rule, activation, cause, digits):
    """After training, the same settings warn again: nothing learned, the same cause."""
    X, y, _, _ = digits
    est = _estimator(rule, activation, "zeros")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est.fit(X, y)
    [message] = [str(w.message) for w in record if w.category is LearnedNothingWarning]
    assert "learned nothing" in message and cause in message
    assert "init='glorot_uniform'" in message  # the remedy
    # Besides: the warning before training, and max_iter=10 reached.
    before = [str(w.message) for w in record if w.category is UserWarning]
    assert len(before) == 1 and cause in before[0]
    others = {w.category for w in record} - {LearnedNothingWarning, UserWarning}
    assert others <= {ConvergenceWarning}


#: First layers of their own units (``input_activation``) that cannot train,
#: under units above that can: (rule, activation, input_activation, init, cause).
FIRST_LAYER_CAUSES = [
    ("fa", "tanh", "relu", "zeros", "input_activation='relu' has phi'(0) = 0"),
    ("dfa", "tanh", "relu6", "zeros", "input_activation='relu6' has phi'(0) = 0"),
    ("lra_fdbk_post_derivative", "tanh", "relu", "zeros", "input_activation='relu' has phi'(0)"),
    ("lra_fdbk_post", "tanh", "sign", "normal", "with input_activation='sign', local_error='post'"),
]


def _fit_first_layer(rule, activation, first, init, digits, hidden=(32, 32)):
    """The fitted estimator and the messages of its UserWarnings and LearnedNothingWarnings."""
    X, y, _, _ = digits
    est = _estimator(rule, activation, init, hidden=hidden, input_activation=first)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est.fit(X, y)
    before = [str(w.message) for w in record if w.category is UserWarning]
    after = [str(w.message) for w in record if w.category is LearnedNothingWarning]
    return est, before, after


@pytest.mark.parametrize("rule, activation, first, init, cause", FIRST_LAYER_CAUSES)
def test_first_layer_units_are_judged_under_their_own_name(
    rule, activation, first, init, cause, digits
):
    """A first layer whose units cannot train is warned about, naming ``input_activation``.

    The units above it (tanh) can train, so the warning comes from the first
    layer's units alone. From zeros the first layer stays at zero and passes
    nothing up: the fit ends at chance and says why.
    """
    for hidden in [(32,), (32, 32)]:
        est, before, after = _fit_first_layer(rule, activation, first, init, digits, hidden)
        assert any(cause in m for m in before), before
        if init == "zeros":
            X, y, _, _ = digits
            assert _at_chance(est, X, y)
            [message] = after
            assert cause in message and "init='glorot_uniform'" in message


def test_activation_of_no_layer_raises_nothing(digits):
    """One hidden layer of its own units: ``activation`` is used by no layer, so not judged.

    ReLU units from zeros cannot train under FA; here they are not in the
    network, whose tanh first layer trains from zeros.
    """
    est, before, after = _fit_first_layer("fa", "relu", "tanh", "zeros", digits, hidden=(32,))
    _, _, X_test, y_test = digits
    assert not before and not after, before + after
    assert est.score(X_test, y_test) >= TRAINED
    # With a second hidden layer the ReLU units are there, and warned about.
    _, before, _ = _fit_first_layer("fa", "relu", "tanh", "zeros", digits)
    assert any("activation='relu' has phi'(0) = 0" in m for m in before), before


def test_post_miss_of_signum_units_warns(digits):
    """``local_error='post'`` with signum units warns whatever the initialisation."""
    for init in ("zeros", "normal"):
        _, named = _fit("lra_fdbk_post", "sign", init, OPTIMIZERS[0], digits)
        assert any("sign(h) - sign(hbar)" in m for m in named)


@pytest.mark.parametrize(
    "params, init",
    [
        ({"form": "fdbk"}, "he_uniform_bias"),
        ({"form": "lra_e"}, "he_uniform_bias"),
        ({"form": "diff"}, "mlp"),
        ({"local_error": "post_derivative", "activation": "relu"}, "he_uniform_bias"),
    ],
)
def test_lra_auto_init_resolves_per_settings(params, init, digits):
    """LRA's feedback forms start from He's uniform weights and biases, diff as MLP."""
    X, y, _, _ = digits
    params = dict(hidden_layer_sizes=(8,), max_iter=1, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = LRAClassifier(init="auto", **params).fit(X, y)
        explicit = LRAClassifier(init=init, **params).fit(X, y)
    for u, v in zip(auto.coefs_ + auto.intercepts_, explicit.coefs_ + explicit.intercepts_):
        np.testing.assert_array_equal(u, v)


def test_dtp_inverses_are_never_zero():
    """From init='zeros' DTP warns, and still draws its inverses at random."""
    X, y = np.random.RandomState(0).rand(20, 3), np.arange(20) % 2
    est = DTPClassifier(hidden_layer_sizes=(4, 4), init="zeros", max_iter=1, random_state=0)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(1\\)"):
        with pytest.warns(UserWarning, match="init='zeros'"):
            est.fit(X, y)
    assert all(V.any() for V in est.inverse_coefs_)


@pytest.mark.parametrize("Estimator", [LRAClassifier, LRARegressor])
def test_beta_must_be_positive(Estimator):
    """beta = 0 moves no target: refused, naming beta."""
    X, y = np.random.RandomState(0).rand(10, 3), np.arange(10) % 2
    with pytest.raises(ValueError, match="beta"):
        Estimator(beta=0.0).fit(X, y)


@pytest.mark.parametrize("gamma", [0.5, 1.0, "output"])
def test_gamma_is_refused_with_diff(gamma):
    """form='diff' has no feedback matrix for gamma to train: refused, naming both."""
    X, y = np.random.RandomState(0).rand(10, 3), np.arange(10) % 2
    with pytest.raises(ValueError, match="gamma=.*form='diff'"):
        LRAClassifier(form="diff", gamma=gamma).fit(X, y)


# The grid last: the targeted checks above fail first when something breaks.


@pytest.mark.parametrize("init", ["zeros", "auto"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_setting_trains_or_says_why_not(rule, activation, init, digits):
    """Above chance within 10 epochs with SGD or Adam, or a warning naming the cause."""
    scores = []
    for optimizer in OPTIMIZERS:
        score, named = _fit(rule, activation, init, optimizer, digits)
        if named:
            return  # warned before training, with the cause
        scores.append(score)
        if score >= TRAINED:
            return
    pytest.fail(f"{rule} with {activation} from init={init!r} trained silently to {scores}")


@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"sign"}))
@pytest.mark.parametrize("rule", sorted(RULES))
def test_auto_init_never_warns_for_differentiable_units(rule, activation, digits):
    """``init='auto'`` picks an initialisation the rule trains from."""
    _, named = _fit(rule, activation, "auto", OPTIMIZERS[0], digits)
    assert not named


def test_lra_regressor_with_signum_units_is_told_to_use_the_window():
    """LRARegressor's default miss uses phi': with signum units it warns, naming the window."""
    X, y = np.random.RandomState(0).rand(30, 3), np.random.RandomState(1).rand(30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LRARegressor(activation="sign", max_iter=2, random_state=0).fit(X, y)
    before = [str(w.message) for w in caught if "uses the derivative" in str(w.message)]
    assert len(before) == 1 and "local_error='pre_window'" in before[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LRARegressor(activation="sign", local_error="pre_window", max_iter=2, random_state=0).fit(
            X, y
        )
    assert not [w for w in caught if "uses the derivative" in str(w.message)]

"""The baseline rules: feedback alignment, direct feedback alignment, target propagation."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sklearn_lra import (
    BPClassifier,
    DFAClassifier,
    DFARegressor,
    DTPClassifier,
    DTPRegressor,
    FAClassifier,
    FARegressor,
    LRAClassifier,
)
from sklearn_lra._network import Network, Workspace
from sklearn_lra.rules.bp import BackPropagationRule
from sklearn_lra.rules.dfa import DirectFeedbackAlignmentRule
from sklearn_lra.rules.dtp import DifferenceTargetPropagationRule
from sklearn_lra.rules.fa import FeedbackAlignmentRule, draw_feedback

CLASSIFIERS = [FAClassifier, DFAClassifier, DTPClassifier]
REGRESSORS = [FARegressor, DFARegressor, DTPRegressor]

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _forward_pass(units, weighted=False, seed=0, n=9, activation="tanh"):
    """A random softmax network, its workspace after one forward pass, and targets."""
    rng = np.random.RandomState(seed)
    coefs = [rng.normal(scale=0.5, size=s) for s in zip(units[:-1], units[1:])]
    intercepts = [rng.normal(scale=0.1, size=n_l) for n_l in units[1:]]
    net = Network(coefs, intercepts, activation, "softmax")
    ws = Workspace(list(units), n, np.float64)
    if weighted:
        w = rng.uniform(0.1, 2.0, size=n)
        ws.sample_weight = (w * n / w.sum())[:, None]
    net.forward(rng.normal(size=(n, units[0])), ws)
    Y = np.eye(units[-1])[rng.randint(units[-1], size=n)]
    return net, ws, Y


def _directions(rule, net, ws, Y, extra, extra_grads=None):
    """Copies of the forward directions that ``rule`` computes for this minibatch."""
    rule.directions(net, ws, Y, extra, extra_grads or {})
    return [g.copy() for g in ws.coef_grads + ws.intercept_grads]


def _assert_same(actual, desired):
    for a, d in zip(actual, desired, strict=True):
        np.testing.assert_allclose(a, d, rtol=1e-12, atol=1e-14)


def _toy_problem(classifier, seed=0):
    """Two separable Gaussian blobs (classes) or a smooth target of them (regression)."""
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(-1.5, 0.5, (40, 3)), rng.normal(1.5, 0.5, (40, 3))])
    if classifier:
        return X, np.repeat([0, 1], 40)
    return X, np.tanh(X @ np.array([0.5, -1.0, 0.3]))


@pytest.mark.parametrize("weighted", [False, True])
def test_fa_with_transposed_weights_is_bp(weighted):
    """FA with ``F_{l+1} = W_{l+1}^T`` gives back-propagation's directions exactly."""
    net, ws, Y = _forward_pass((4, 6, 5, 3), weighted)
    bp = _directions(BackPropagationRule(BPClassifier()), net, ws, Y, {})
    F = {"feedback_matrices_": [W.T.copy() for W in net.coefs[1:]]}
    _assert_same(_directions(FeedbackAlignmentRule(FAClassifier()), net, ws, Y, F), bp)


@pytest.mark.parametrize("weighted", [False, True])
def test_dfa_with_one_hidden_layer_and_transposed_weights_is_bp(weighted):
    """DFA with one hidden layer and ``D_1 = W_2^T`` gives back-propagation's directions."""
    net, ws, Y = _forward_pass((4, 6, 3), weighted)
    bp = _directions(BackPropagationRule(BPClassifier()), net, ws, Y, {})
    D = {"feedback_matrices_": [net.coefs[1].T.copy()]}
    _assert_same(_directions(DirectFeedbackAlignmentRule(DFAClassifier()), net, ws, Y, D), bp)


@pytest.mark.parametrize("rule_class", [FeedbackAlignmentRule, DirectFeedbackAlignmentRule])
def test_feedback_rules_match_bp_at_the_output_layer(rule_class):
    """With any feedback, FA and DFA update the output layer exactly as BP does."""
    units = (4, 6, 5, 3)
    net, ws, Y = _forward_pass(units)
    bp = _directions(BackPropagationRule(BPClassifier()), net, ws, Y, {})
    rule = rule_class(FAClassifier(random_state=0))
    extra = rule.init_params(list(units), np.random.RandomState(1), np.float64)
    ours = _directions(rule, net, ws, Y, extra)
    n_layers = len(units) - 1
    top = [n_layers - 1, 2 * n_layers - 1]  # W_L and b_L in the flat list
    _assert_same([ours[i] for i in top], [bp[i] for i in top])
    assert not np.allclose(ours[0], bp[0])  # the hidden layers do differ


@pytest.mark.parametrize("target_step", [0.01, 1.0])
def test_dtp_with_one_hidden_layer_is_bp(target_step):
    """With one hidden layer DTP needs no inverse and its directions are BP's, for any eta."""
    net, ws, Y = _forward_pass((4, 6, 3), weighted=True)
    bp = _directions(BackPropagationRule(BPClassifier()), net, ws, Y, {})
    rule = DifferenceTargetPropagationRule(DTPClassifier(target_step=target_step))
    extra = rule.init_params([4, 6, 3], np.random.RandomState(0), np.float64)
    assert extra == {"inverse_coefs_": [], "inverse_intercepts_": []}
    _assert_same(_directions(rule, net, ws, Y, extra), bp)


def test_dtp_with_exact_linear_inverses_sends_targets_through_the_inverse():
    """Linear layers with ``g_2 = f_2^{-1}``: layer 1's miss is layer 2's times ``W_2^{-1}``."""
    net, ws, Y = _forward_pass((4, 5, 5, 3), activation="identity")
    W_inv = np.linalg.inv(net.coefs[1])
    extra = {"inverse_coefs_": [W_inv], "inverse_intercepts_": [-net.intercepts[1] @ W_inv]}
    rule = DifferenceTargetPropagationRule(DTPClassifier(target_step=0.3))
    dW = _directions(rule, net, ws, Y, extra)
    miss_1 = (ws.z[3] - Y) @ net.coefs[2].T @ W_inv
    np.testing.assert_allclose(dW[0], ws.z[0].T @ miss_1 / len(Y), rtol=1e-10)


def _reconstruction_error(net, ws, extra):
    """Mean ``||g_2(z_2) - z_1||^2`` on the clean forward pass."""
    V, c = extra["inverse_coefs_"][0], extra["inverse_intercepts_"][0]
    return float(np.mean((np.tanh(ws.z[2] @ V + c) - ws.z[1]) ** 2))


def test_dtp_inverses_learn_to_reconstruct_with_forward_weights_frozen():
    """Training only the inverses lowers their reconstruction error."""
    units = [5, 8, 6, 3]
    net, ws, Y = _forward_pass(units, n=30)
    rule = DifferenceTargetPropagationRule(DTPClassifier(noise_scale=0.1))
    extra = rule.init_params(units, np.random.RandomState(0), np.float64)
    grads = {k: [np.empty_like(a) for a in v] for k, v in extra.items()}
    frozen = [p.copy() for p in net.params]
    before = _reconstruction_error(net, ws, extra)
    for _ in range(300):
        rule.directions(net, ws, Y, extra, grads)
        for k in extra:
            extra[k][0] -= 0.5 * grads[k][0]
    _assert_same(net.params, frozen)
    assert _reconstruction_error(net, ws, extra) < 0.5 * before


def test_dtp_inverse_steps_trains_forward_weights_every_kth_minibatch():
    """With ``inverse_steps=2`` the forward directions are zero on every other minibatch."""
    units = [4, 6, 5, 3]
    net, ws, Y = _forward_pass(units)
    rule = DifferenceTargetPropagationRule(DTPClassifier(inverse_steps=2))
    extra = rule.init_params(units, np.random.RandomState(0), np.float64)
    grads = {k: [np.empty_like(a) for a in v] for k, v in extra.items()}
    first = _directions(rule, net, ws, Y, extra, grads)
    assert all(not g.any() for g in first) and grads["inverse_coefs_"][0].any()
    assert all(g.any() for g in _directions(rule, net, ws, Y, extra, grads))


def test_automatic_feedback_scale_keeps_the_signal_size():
    """``feedback_scale=None`` draws entries of standard deviation ``1 / sqrt(n_rows)``."""
    auto = FAClassifier(feedback_scale=None)
    (F,) = draw_feedback(auto, [(400, 300)], np.random.RandomState(0), np.float64)
    assert F.std() == pytest.approx(0.05, rel=0.02)
    (U,) = draw_feedback(
        auto.set_params(feedback_init="uniform"), [(400, 300)], np.random.RandomState(0), np.float64
    )
    assert U.std() == pytest.approx(0.05, rel=0.02)
    (D,) = draw_feedback(FAClassifier(), [(400, 300)], np.random.RandomState(0), np.float64)
    assert D.std() == pytest.approx(0.1, rel=0.02)  # the default: an absolute scale


def _feedback_after_one_epoch(Estimator, n_classes, **params):
    """The feedback matrices of a 2-layer network fitted one epoch on ``n_classes`` classes."""
    rng = np.random.RandomState(0)
    X, y = rng.rand(60, 3), np.arange(60) % n_classes
    # The matrices stay as drawn: FA's and DFA's are fixed, and so is LRA-fdbk's (gamma 0).
    est = Estimator(hidden_layer_sizes=(300, 200), max_iter=1, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y).feedback_matrices_


@pytest.mark.parametrize(
    "Estimator, from_output",
    [(LRAClassifier, [1]), (FAClassifier, [1]), (DFAClassifier, [0, 1])],
)
@pytest.mark.parametrize("feedback_init", ["normal", "uniform"])
def test_auto_feedback_scale_counts_a_softmax_as_sqrt_k_rows(Estimator, from_output, feedback_init):
    """``'auto'``: variance ``1 / sqrt(n_classes)`` where a softmax error enters."""
    params = dict(feedback_init=feedback_init, feedback_scale="auto")
    auto = _feedback_after_one_epoch(Estimator, 5, **params)
    none = _feedback_after_one_epoch(Estimator, 5, **{**params, "feedback_scale": None})
    for i, (A, N) in enumerate(zip(auto, none)):
        # The variance of the drawn entries, measured, against the formula.
        expected = 5**-0.5 if i in from_output else 1.0 / A.shape[0]
        assert A.var() == pytest.approx(expected, rel=0.1)
        assert N.var() == pytest.approx(1.0 / N.shape[0], rel=0.1)
        if i not in from_output:
            np.testing.assert_array_equal(A, N)
    # A uniform matrix carrying a softmax error fills +-sqrt(3) * 5 ** -0.25.
    if feedback_init == "uniform":
        bound = np.sqrt(3.0) * 5**-0.25
        top = auto[from_output[0]]
        assert np.abs(top).max() <= bound and np.abs(top).max() > 0.99 * bound


@pytest.mark.parametrize("Estimator", [LRAClassifier, FAClassifier, DFAClassifier])
def test_auto_feedback_scale_is_none_without_a_softmax_output(Estimator):
    """Two classes (one logistic output): ``'auto'`` and None draw the same matrices."""
    auto = _feedback_after_one_epoch(Estimator, 2, feedback_scale="auto")
    none = _feedback_after_one_epoch(Estimator, 2, feedback_scale=None)
    for A, N in zip(auto, none):
        np.testing.assert_array_equal(A, N)


@pytest.mark.parametrize("Estimator", CLASSIFIERS + REGRESSORS)
def test_each_rule_lowers_the_training_loss(Estimator):
    """Every baseline reduces its training loss on a separable toy problem."""
    X, y = _toy_problem(Estimator in CLASSIFIERS)
    # tanh: with 8 ReLU units DFA can drive this toy problem the wrong way.
    est = Estimator(
        hidden_layer_sizes=(8, 8),
        activation="tanh",
        max_iter=30,
        solver="sgd",
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    assert est.loss_curve_[-1] < 0.5 * est.loss_curve_[0]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_each_classifier_learns_digits(Estimator, digits):
    """Each baseline classifies held-out digits far above chance from a normal init."""
    X_train, X_test, y_train, y_test = digits
    est = Estimator(hidden_layer_sizes=(32, 32), init="normal", max_iter=100, random_state=0)
    assert est.fit(X_train, y_train).score(X_test, y_test) >= 0.85


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_sign_activation_warns(Estimator):
    """All three rules need phi', so signum units trigger the engine's warning."""
    X, y = _toy_problem(True)
    with pytest.warns(UserWarning, match="zero derivative"):
        Estimator(hidden_layer_sizes=(4, 4), activation="sign", max_iter=2).fit(X, y)


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_differentiable_activation_does_not_warn(Estimator):
    """With tanh units no warning is raised (other than non-convergence)."""
    X, y = _toy_problem(True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        Estimator(hidden_layer_sizes=(4, 4), max_iter=2).fit(X, y)


def _fitted(Estimator, **params):
    X, y = _toy_problem(True)
    return Estimator(hidden_layer_sizes=(7, 6, 5), max_iter=3, random_state=0, **params).fit(X, y)


def test_fitted_attribute_shapes():
    """Feedback and inverse weights have the documented shapes."""
    fa, dfa, dtp = (_fitted(E) for E in CLASSIFIERS)
    # Two classes: one logistic output, as in MLPClassifier.
    assert [F.shape for F in fa.feedback_matrices_] == [(6, 7), (5, 6), (1, 5)]
    assert [D.shape for D in dfa.feedback_matrices_] == [(1, 7), (1, 6), (1, 5)]
    assert [V.shape for V in dtp.inverse_coefs_] == [(6, 7), (5, 6)]
    assert [c.shape for c in dtp.inverse_intercepts_] == [(7,), (6,)]
    assert [W.shape for W in fa.coefs_] == [(3, 7), (7, 6), (6, 5), (5, 1)]


@pytest.mark.parametrize("Estimator", [FAClassifier, DFAClassifier])
def test_warm_start_keeps_the_feedback_matrices(Estimator):
    """A warm-started fit continues the weights with the same fixed feedback."""
    est = _fitted(Estimator, warm_start=True)
    feedback = [F.copy() for F in est.feedback_matrices_]
    coefs = [W.copy() for W in est.coefs_]
    est.fit(*_toy_problem(True))
    _assert_same(est.feedback_matrices_, feedback)
    assert not np.allclose(est.coefs_[0], coefs[0])


def test_warm_start_continues_from_the_learned_inverses():
    """A warm-started DTP fit starts from the inverses learned before (not new ones)."""
    est = _fitted(DTPClassifier, warm_start=True)
    learned = [a.copy() for a in est.inverse_coefs_ + est.inverse_intercepts_]
    est.set_params(inverse_learning_rate=0.0).fit(*_toy_problem(True))
    _assert_same(est.inverse_coefs_ + est.inverse_intercepts_, learned)
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 6  # n_iter_: this fit's epochs


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_partial_fit_keeps_the_rule_parameters(Estimator):
    """``partial_fit`` carries the rule's own arrays from one call to the next."""
    X, y = _toy_problem(True)
    est = Estimator(hidden_layer_sizes=(5, 4), random_state=0).partial_fit(X, y, classes=[0, 1])
    name = Estimator._rule_attributes[0]
    before = [a.copy() for a in getattr(est, name)]
    est.partial_fit(X, y)
    if Estimator is DTPClassifier:
        assert not np.allclose(est.inverse_coefs_[0], before[0])  # learned, and carried on
    else:
        _assert_same(getattr(est, name), before)


@pytest.mark.parametrize(
    "optimizer",
    [
        {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": False},
        {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": True},
        {"solver": "adam"},
        {"solver": "sgd", "momentum": 0.0},
    ],
)
def test_dtp_inverse_only_steps_leave_the_forward_weights_alone(optimizer):
    """With ``inverse_steps=2``, momentum, Adam and weight decay move no forward weight
    on the minibatches that train only the inverses; the inverses do move."""
    from sklearn_lra._training import TrainingState

    units = [4, 6, 5, 3]
    net, ws, Y = _forward_pass(units)
    est = DTPClassifier(inverse_steps=2, alpha=0.5, **optimizer)
    rule = DifferenceTargetPropagationRule(est)
    extra = rule.init_params(units, np.random.RandomState(0), np.float64)
    state = TrainingState(net, rule, extra, est)
    X = ws.z[0]
    for step in range(1, 6):
        forward_before = [p.copy() for p in net.params]
        inverse_before = [a.copy() for a in extra["inverse_coefs_"]]
        net.forward(X, ws)
        rule.directions(net, ws, Y, extra, state.extra_grads)
        state.step(ws, 0.1)
        moved = [not np.array_equal(a, b) for a, b in zip(net.params, forward_before)]
        if step % 2:  # inverse-only: minibatches 1, 3, 5 (after a forward step for 3 and 5)
            assert not any(moved), f"minibatch {step} moved the forward weights"
        else:
            assert all(moved[: net.n_layers])
        assert not np.array_equal(extra["inverse_coefs_"][0], inverse_before[0])

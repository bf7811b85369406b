"""BPClassifier and BPRegressor as drop-in replacements of scikit-learn's MLPs.

scikit-learn's own MLPClassifier / MLPRegressor are the independent reference:
from the same initial weights, with the same minibatches, back-propagation
with the same optimizer must follow them step for step.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_lra import BPClassifier, BPRegressor

from ._estimators import CLASSIFIERS, REGRESSORS, fast_estimator

X, y = make_classification(120, 6, n_informative=4, n_classes=3, random_state=0)
X_ml, Y_ml = make_multilabel_classification(120, 8, n_classes=4, random_state=0)
ALL = CLASSIFIERS + REGRESSORS


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize(
    "ours, theirs", [(BPClassifier, MLPClassifier), (BPRegressor, MLPRegressor)]
)
def test_defaults_are_mlps_defaults(ours, theirs):
    """Every parameter the two estimators share has MLP's default."""
    a, b = ours().get_params(), theirs().get_params()
    shared = set(a) & set(b)
    assert len(shared) >= 20
    assert {k: a[k] for k in shared} == {k: b[k] for k in shared}


@pytest.mark.parametrize(
    "ours, theirs", [(BPClassifier, MLPClassifier), (BPRegressor, MLPRegressor)]
)
def test_mlps_boundary_values_are_valid(ours, theirs):
    """Each value at the edge of MLP's ranges that MLP accepts, BP accepts too."""
    edges = dict(
        validation_fraction=0.0,
        momentum=1.0,
        beta_1=0.0,
        beta_2=0.0,
        alpha=0.0,
        tol=0.0,
        power_t=0.0,
        n_iter_no_change=np.inf,
        max_fun=1,
        solver="lbfgs",
        batch_size=1,
    )
    for name, value in edges.items():
        theirs(**{name: value})._validate_params()
        ours(**{name: value})._validate_params()


X_bin, y_bin = make_classification(150, 5, random_state=1)


@pytest.mark.parametrize(
    "ours, theirs, X_, y_, params",
    [
        (BPClassifier, MLPClassifier, X, y, {}),
        (BPClassifier, MLPClassifier, X_bin, y_bin, {}),
        (BPClassifier, MLPClassifier, X_bin, np.where(y_bin, "yes", "no"), {"solver": "sgd"}),
        (BPClassifier, MLPClassifier, X_ml, Y_ml, {"activation": "logistic"}),
        (BPRegressor, MLPRegressor, X, X[:, 0] - X[:, 1] ** 2, {"activation": "tanh"}),
    ],
    ids=["multiclass", "binary", "binary-sgd", "multilabel-logistic", "regressor"],
)
def test_same_random_state_same_model_as_mlp(ours, theirs, X_, y_, params):
    """Defaults and one random_state: BP trains MLP's model, epoch for epoch, to the stop."""
    # Minibatches of 40: the order of the rows matters, and is MLP's.
    kwargs = dict(hidden_layer_sizes=(16, 8), batch_size=40, max_iter=60, random_state=3, **params)
    a, b = ours(**kwargs).fit(X_, y_), theirs(**kwargs).fit(X_, y_)
    _assert_same_weights(a, b)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)
    assert a.n_iter_ == b.n_iter_ and a.loss_ == pytest.approx(b.loss_, rel=1e-9)
    if not hasattr(b, "predict_proba"):
        np.testing.assert_allclose(a.predict(X_), b.predict(X_), rtol=1e-9)
    else:
        np.testing.assert_array_equal(a.predict(X_), b.predict(X_))
        np.testing.assert_allclose(a.predict_proba(X_), b.predict_proba(X_), rtol=1e-9)
        assert a.n_outputs_ == b.n_outputs_ and a.out_activation_ == b.out_activation_


def _from_the_same_start(ours, mlp, X, y, epochs=20):
    """Fit both for ``epochs`` epochs from MLP's initial weights, same minibatches."""
    ours.set_params(max_iter=1).fit(X, y)
    mlp.set_params(max_iter=1).fit(X, y)
    ours.coefs_ = [W.copy() for W in mlp.coefs_]
    ours.intercepts_ = [b.copy() for b in mlp.intercepts_]
    for est in (ours, mlp):
        est.set_params(warm_start=True, max_iter=epochs, shuffle=False, batch_size=40)
        est.fit(X, y)
    return ours, mlp


def _assert_same_weights(a, b):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(u, v, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize(
    "ours, theirs, target",
    [(BPClassifier, MLPClassifier, y), (BPRegressor, MLPRegressor, X[:, 0] - X[:, 1] ** 2)],
    ids=["classifier", "regressor"],
)
def test_bp_follows_mlp_step_for_step(ours, theirs, target, solver):
    """Same start, same minibatches: BP's weights and loss_ are MLP's."""
    a, b = _from_the_same_start(
        ours(solver=solver, random_state=0), theirs(solver=solver, random_state=0), X, target
    )
    _assert_same_weights(a, b)
    assert a.loss_ == pytest.approx(b.loss_, rel=1e-9)
    assert a.loss_ == a.loss_curve_[-1]


def test_multilabel_bp_follows_mlp_step_for_step():
    """Multilabel targets: independent logistic outputs, as MLPClassifier trains them."""
    a, b = _from_the_same_start(
        BPClassifier(random_state=0), MLPClassifier(random_state=0), X_ml, Y_ml
    )
    _assert_same_weights(a, b)
    assert a.out_activation_ == b.out_activation_ == "logistic"
    np.testing.assert_array_equal(a.classes_, b.classes_)
    np.testing.assert_array_equal(a.predict(X_ml), b.predict(X_ml))
    np.testing.assert_allclose(a.predict_proba(X_ml), b.predict_proba(X_ml), rtol=1e-9)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_every_classifier_learns_multilabel_targets(cls):
    """Each rule fits an indicator matrix: one probability per label, subset accuracy."""
    est = fast_estimator(cls, max_iter=60).fit(X_ml[:90], Y_ml[:90])
    proba = est.predict_proba(X_ml[90:])
    assert proba.shape == (30, 4) and ((proba > 0) & (proba < 1)).all()
    pred = est.predict(X_ml[90:])
    assert pred.shape == (30, 4) and set(np.unique(pred)) <= {0, 1}
    assert est.score(X_ml[90:], Y_ml[90:]) == accuracy_score(Y_ml[90:], pred)
    # Better per label than always predicting each label's majority value.
    majority = (Y_ml[:90].mean(axis=0) > 0.5).astype(int)
    assert (pred == Y_ml[90:]).mean() > (majority == Y_ml[90:]).mean()


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_multilabel_partial_fit_and_wrong_targets(cls):
    """partial_fit takes multilabel targets; a change of target kind is refused by name."""
    est = fast_estimator(cls)
    est.partial_fit(X_ml, Y_ml, classes=np.arange(4))
    est.partial_fit(X_ml, Y_ml)
    assert est.out_activation_ == "logistic" and est.n_iter_ == 1 and len(est.loss_curve_) == 2
    with pytest.raises(ValueError, match="multilabel"):
        est.partial_fit(X_ml, Y_ml[:, 0])
    with pytest.raises(ValueError, match="class_weight"):
        fast_estimator(cls, class_weight="balanced").fit(X_ml, Y_ml)
    with pytest.raises(ValueError, match="MultiOutputClassifier"):
        fast_estimator(cls).fit(X, np.c_[y, y])


# ------------------------------------------------- every path of issue 28
#
# Each test fits BP and MLP with the same random_state and asserts the same
# model: weights, loss_curve_, validation_scores_, n_iter_, t_, predictions.

X_reg, y_reg = X[:, :4], X[:, 0] - X[:, 1] ** 2 + 0.1 * X[:, 2]
SW = np.random.RandomState(5).uniform(0.2, 3.0, size=len(X))


def _assert_same_model(a, b, X_, rtol=1e-9):
    """Same weights, histories, counters and predictions."""
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(u, v, rtol=rtol, atol=rtol * 1e-3)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    if hasattr(b, "loss_curve_"):
        np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=rtol)
    np.testing.assert_allclose(a.loss_, b.loss_, rtol=rtol)
    for name in ("validation_scores_", "best_validation_score_", "best_loss_"):
        if not hasattr(b, name):
            continue  # MLP's lbfgs sets none of them
        if getattr(b, name) is None:
            assert getattr(a, name) is None, name
        else:
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=rtol)
    pa, pb = a.predict(X_), b.predict(X_)
    if hasattr(pb, "toarray"):
        assert type(pa) is type(pb)
        pa, pb = pa.toarray(), pb.toarray()
    if hasattr(b, "predict_proba"):
        np.testing.assert_array_equal(pa, pb)
        proba_a, proba_b = a.predict_proba(X_), b.predict_proba(X_)
        np.testing.assert_allclose(proba_a, proba_b, rtol=rtol, atol=1e-12)
    else:
        np.testing.assert_allclose(pa, pb, rtol=rtol)


def _both(ours, theirs, X_, y_, sample_weight=None, **params):
    """BP and MLP fitted with the same parameters."""
    kwargs = {"hidden_layer_sizes": (12,), "max_iter": 40, "random_state": 1, **params}
    a = ours(**kwargs).fit(X_, y_, sample_weight=sample_weight)
    b = theirs(**kwargs).fit(X_, y_, sample_weight=sample_weight)
    return a, b


_EARLY = {
    "binary": (BPClassifier, MLPClassifier, X_bin, y_bin),
    "multiclass": (BPClassifier, MLPClassifier, X, y),
    "multilabel": (BPClassifier, MLPClassifier, X_ml, Y_ml),
    "regression": (BPRegressor, MLPRegressor, X_reg, y_reg),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("case", list(_EARLY))
def test_early_stopping_is_mlps(case, weighted):
    """Early stopping: MLP's split (stratified for two classes only), scores, best weights."""
    ours, theirs, X_, y_ = _EARLY[case]
    sw = np.resize(SW, len(X_)) if weighted else None
    params = dict(early_stopping=True, n_iter_no_change=4, learning_rate_init=0.02, batch_size=32)
    a, b = _both(ours, theirs, X_, y_, sw, **params)
    assert a.n_iter_ < 40 or case == "regression"  # the stop is exercised
    _assert_same_model(a, b, X_)


def test_a_class_with_one_sample_fits_with_early_stopping_as_mlp():
    """A multiclass y with a single sample of one class: no stratification, MLP's model."""
    y_single = y.copy()
    y_single[y_single == 2] = 1
    y_single[0] = 2  # one member
    a, b = _both(BPClassifier, MLPClassifier, X, y_single, early_stopping=True)
    _assert_same_model(a, b, X)


def test_two_classes_with_one_sample_fail_as_mlp():
    """Two classes, one of a single sample: the stratified split fails with MLP's words."""
    y_one = np.r_[1, np.zeros(len(X_bin) - 1, dtype=int)]
    for est in (BPClassifier(early_stopping=True), MLPClassifier(early_stopping=True)):
        with pytest.raises(ValueError, match="least populated class"):
            est.fit(X_bin, y_one)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam"),
        dict(solver="sgd", learning_rate="invscaling", power_t=0.25),
        dict(solver="sgd", learning_rate="adaptive", tol=0.05, n_iter_no_change=1),
    ],
    ids=["adam", "sgd-invscaling", "sgd-adaptive"],
)
@pytest.mark.parametrize(
    "ours, theirs, target",
    [(BPClassifier, MLPClassifier, y), (BPRegressor, MLPRegressor, y_reg)],
    ids=["classifier", "regressor"],
)
def test_warm_starts_are_mlps(ours, theirs, target, params):
    """Three warm-started fits: n_iter_ per fit, histories over all, MLP's learning rate."""
    X_ = X if ours is BPClassifier else X_reg
    kwargs = dict(hidden_layer_sizes=(12,), max_iter=6, random_state=2, warm_start=True, **params)
    a, b = ours(**kwargs), theirs(**kwargs)
    for max_iter in (6, 4, 5):
        a.set_params(max_iter=max_iter).fit(X_, target)
        b.set_params(max_iter=max_iter).fit(X_, target)
        _assert_same_model(a, b, X_)
        assert a._no_improvement_count == b._no_improvement_count
        if a.solver == "sgd":  # MLP's Adam reports its bias-corrected step there
            assert a._optimizer.learning_rate == pytest.approx(b._optimizer.learning_rate)


@pytest.mark.parametrize(
    "ours, theirs, target",
    [(BPClassifier, MLPClassifier, y), (BPRegressor, MLPRegressor, y_reg)],
    ids=["classifier", "regressor"],
)
def test_warm_start_with_early_stopping_keeps_the_best_weights_of_all_fits(ours, theirs, target):
    """Early stopping over warm starts: MLP's histories, and the best weights of all fits.

    A warm-started fit whose epochs never beat the best score of the earlier
    fits ends with that earlier best model. MLPClassifier means to do the
    same, but its restored best weights are the very arrays the next fit
    trains in place, so it ends with the last epoch's weights instead.
    """
    X_ = X if ours is BPClassifier else X_reg
    kwargs = dict(hidden_layer_sizes=(12,), max_iter=6, random_state=2, warm_start=True)
    a, b = ours(early_stopping=True, **kwargs), theirs(early_stopping=True, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a.fit(X_, target), b.fit(X_, target)
        _assert_same_model(a, b, X_)
        best = [W.copy() for W in a.coefs_]
        a.set_params(max_iter=4).fit(X_, target)
        b.set_params(max_iter=4).fit(X_, target)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, rtol=1e-9)
    if max(a.validation_scores_[-a.n_iter_ :]) <= a.validation_scores_[0] and ours is BPClassifier:
        _assert_same(a.coefs_, best)  # nothing better: the earlier best model
        assert not np.allclose(b.coefs_[0], best[0])  # MLP: the last epoch's
    assert a.best_validation_score_ == max(a.validation_scores_)


def _assert_same(arrays, others):
    for u, v in zip(arrays, others):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    "ours, theirs, X_, y_, classes",
    [
        (BPClassifier, MLPClassifier, X, y, np.unique(y)),
        (BPClassifier, MLPClassifier, X_ml, Y_ml, np.arange(4)),
        (BPRegressor, MLPRegressor, X_reg, y_reg, None),
    ],
    ids=["multiclass", "multilabel", "regressor"],
)
def test_partial_fit_sequences_are_mlps(ours, theirs, X_, y_, classes, solver):
    """partial_fit calls on chunks: MLP's model, n_iter_ == 1, the adaptive rate carried."""
    kwargs = dict(hidden_layer_sizes=(12,), random_state=0, solver=solver, shuffle=False)
    kwargs.update(batch_size=16, learning_rate="adaptive", tol=0.5, n_iter_no_change=1)
    a, b = ours(**kwargs), theirs(**kwargs)
    for i, rows in enumerate([slice(0, 60), slice(60, 120), slice(0, 120)] * 3):
        extra = {"classes": classes} if classes is not None and i == 0 else {}
        a.partial_fit(X_[rows], y_[rows], **extra)
        b.partial_fit(X_[rows], y_[rows], **extra)
        _assert_same_model(a, b, X_)
        assert a.n_iter_ == 1
        if solver == "sgd":  # MLP's Adam reports its bias-corrected step there
            assert a._optimizer.learning_rate == pytest.approx(b._optimizer.learning_rate)


def test_first_shuffled_partial_fit_is_mlps_and_later_ones_continue_the_fit():
    """Shuffled: the first call is MLP's; later calls continue the random stream (not MLP's).

    MLPClassifier redraws random_state at each call, so with an int every
    call shuffles the rows alike; BP continues, so k calls equal one fit of k
    epochs, which is what an epoch-by-epoch training loop needs.
    """
    kwargs = dict(hidden_layer_sizes=(12,), random_state=0, batch_size=16)
    a, b = BPClassifier(**kwargs), MLPClassifier(**kwargs)
    a.partial_fit(X, y, classes=np.unique(y))
    b.partial_fit(X, y, classes=np.unique(y))
    _assert_same_model(a, b, X)
    for _ in range(4):
        a.partial_fit(X, y)
    fit = BPClassifier(max_iter=5, tol=0, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit.fit(X, y)
    _assert_same_weights(a, fit)
    np.testing.assert_allclose(a.loss_curve_, fit.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize(
    "ours, theirs, X_, y_, params",
    [
        (BPClassifier, MLPClassifier, X, y, {}),
        (BPClassifier, MLPClassifier, X_bin, y_bin, {"activation": "tanh"}),
        (BPClassifier, MLPClassifier, X_ml, Y_ml, {"activation": "logistic"}),
        (BPRegressor, MLPRegressor, X_reg, y_reg, {}),
        (BPClassifier, MLPClassifier, X, y, {"max_fun": 15}),
    ],
    ids=["multiclass", "binary", "multilabel", "regressor", "max_fun"],
)
def test_lbfgs_is_mlps(ours, theirs, X_, y_, params):
    """solver='lbfgs' with max_iter and max_fun: MLP's weights, loss_, n_iter_, its warning."""
    # L-BFGS amplifies rounding (BP sums in another order): a few tens of iterations.
    kwargs = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=15, random_state=0, **params)
    with warnings.catch_warnings(record=True) as caught_a:
        warnings.simplefilter("always")
        a = ours(**kwargs).fit(X_, y_)
    with warnings.catch_warnings(record=True) as caught_b:
        warnings.simplefilter("always")
        b = theirs(**kwargs).fit(X_, y_)
    assert [str(w.message) for w in caught_a] == [str(w.message) for w in caught_b]
    assert a.n_iter_ == b.n_iter_ and len(a.loss_curve_) == a.n_iter_
    _assert_same_model(a, b, X_, rtol=1e-6)
    a.set_params(warm_start=True, max_iter=5).fit(X_, y_)
    b.set_params(warm_start=True, max_iter=5).fit(X_, y_)
    _assert_same_model(a, b, X_, rtol=1e-6)
    # MLPRegressor(solver='lbfgs') lists a partial_fit (its availability check is
    # always true); BP's estimators, like MLPClassifier, have none.
    assert not hasattr(a, "partial_fit")


@pytest.mark.parametrize("cls", [c for c in ALL if c not in (BPClassifier, BPRegressor)])
def test_rules_without_a_global_loss_refuse_lbfgs_saying_why(cls):
    """FA, DFA, DTP and LRA follow no gradient of one loss: lbfgs is refused with that reason."""
    est = fast_estimator(cls, solver="lbfgs", max_fun=100)
    target = y if cls in CLASSIFIERS else y_reg
    with pytest.raises(ValueError, match="global loss.*adam"):
        est.fit(X_reg if cls not in CLASSIFIERS else X, target)
    assert not hasattr(est, "coefs_") and not hasattr(est, "partial_fit")


@pytest.mark.parametrize("cls", ALL)
def test_every_rule_says_mlps_words(cls):
    """Every estimator's ConvergenceWarning and early-stopping errors are MLP's texts."""
    theirs = MLPClassifier if cls in CLASSIFIERS else MLPRegressor
    X_, target = (X, y) if cls in CLASSIFIERS else (X_reg, y_reg)
    # Six rows of three classes: one held-out row, not stratified (several outputs).
    few = np.r_[np.flatnonzero(y == 0)[:2], np.flatnonzero(y == 1)[:2], np.flatnonzero(y == 2)[:2]]
    messages = []
    for est in (fast_estimator(cls, max_iter=2), theirs(max_iter=2, random_state=0)):
        with pytest.warns(ConvergenceWarning) as caught:
            est.fit(X_, target)
        messages.append([str(w.message) for w in caught if w.category is ConvergenceWarning])
        assert est.n_iter_ == 2
        with pytest.raises(ValueError, match="The validation set is too small"):
            est.set_params(early_stopping=True).fit(X_[few], target[few])
        with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
            est.partial_fit(X_, target)
    assert messages[0] == messages[1]


@pytest.mark.parametrize("cls", ALL)
def test_every_rule_counts_epochs_as_mlp(cls):
    """n_iter_: the epochs of the last call (1 after partial_fit); t_ and loss_curve_ add up."""
    X_, target = (X, y) if cls in CLASSIFIERS else (X_reg, y_reg)
    est = fast_estimator(cls, max_iter=3, tol=0, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_, target)
        est.set_params(max_iter=2).fit(X_, target)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 5 and est.t_ == 5 * len(X_)
    est.partial_fit(X_, target)
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 6 and est.t_ == 6 * len(X_)


def test_sparse_multilabel_y_gives_sparse_predictions_as_mlp():
    """A sparse indicator y: predict returns the same sparse matrix type as MLPClassifier's."""
    Y_sparse = sp.csr_matrix(Y_ml)
    a, b = _both(BPClassifier, MLPClassifier, X_ml, Y_sparse, max_iter=15)
    assert sp.issparse(a.predict(X_ml)) and type(a.predict(X_ml)) is type(b.predict(X_ml))
    _assert_same_model(a, b, X_ml)
    dense = BPClassifier(hidden_layer_sizes=(12,), max_iter=15, random_state=1).fit(X_ml, Y_ml)
    assert isinstance(dense.predict(X_ml), np.ndarray)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_poisson_loss_is_mlps(solver):
    """BPRegressor(loss='poisson'): exp output, half the Poisson deviance, as MLPRegressor."""
    counts = np.random.RandomState(0).poisson(np.exp(0.5 * X_reg[:, 0]))
    kwargs = dict(loss="poisson", solver=solver, learning_rate_init=0.01, max_iter=20)
    a, b = _both(BPRegressor, MLPRegressor, X_reg, counts, **kwargs)
    assert a.out_activation_ == b.out_activation_ == "exp"
    _assert_same_model(a, b, X_reg, rtol=1e-6 if solver == "lbfgs" else 1e-9)
    with pytest.raises(ValueError, match="non-negative"):
        BPRegressor(loss="poisson").fit(X_reg, y_reg)


def test_multioutput_regression_loss_is_the_sum_over_outputs():
    """Multi-output loss_ is the sum over outputs, whose gradient trains the network.

    MLPRegressor reports the mean over outputs while training on the
    gradient of the sum (and L-BFGS gets that mismatched pair): BP's weights
    are MLP's, its loss_curve_ is k times MLP's for k outputs.
    """
    Y2 = np.c_[y_reg, -y_reg, 2 * y_reg]
    a, b = _both(BPRegressor, MLPRegressor, X_reg, Y2, max_iter=10, alpha=0.0)
    _assert_same_weights(a, b)
    np.testing.assert_allclose(a.loss_curve_, 3 * np.asarray(b.loss_curve_), rtol=1e-9)


@pytest.mark.parametrize("cls", ALL)
def test_early_stopping_can_be_turned_on_at_a_warm_start(cls):
    """A warm start that turns early stopping on starts its records (MLP fails on None)."""
    X_, target = (X, y) if cls in CLASSIFIERS else (X_reg, y_reg)
    est = fast_estimator(cls, max_iter=3, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_, target)
        est.set_params(early_stopping=True).fit(X_, target)
    assert len(est.validation_scores_) == est.n_iter_ and est.best_loss_ is None
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert len(est.loss_curve_) == 3 + est.n_iter_

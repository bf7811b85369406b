"""BPClassifier and BPRegressor as drop-in replacements of scikit-learn's MLPs.

scikit-learn's own MLPClassifier / MLPRegressor are the independent reference:
from the same initial weights, with the same minibatches, back-propagation
with the same optimizer must follow them step for step.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_lra import BPClassifier, BPRegressor

from ._estimators import CLASSIFIERS, fast_estimator

X, y = make_classification(120, 6, n_informative=4, n_classes=3, random_state=0)
X_ml, Y_ml = make_multilabel_classification(120, 8, n_classes=4, random_state=0)


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

"""Alignment angles, the alignment monitor and the plotting helpers."""

import builtins
import sys
import warnings

import matplotlib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone, is_classifier
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sklearn_lra import (
    BPClassifier,
    BPRegressor,
    DFAClassifier,
    DFARegressor,
    DTPClassifier,
    DTPRegressor,
    FAClassifier,
    FARegressor,
    LRAClassifier,
    LRARegressor,
)
from sklearn_lra.inspection import (
    AlignmentMonitor,
    alignment_angles,
    plot_alignment,
    plot_learning_curves,
)

from ._estimators import CLASSIFIERS, REGRESSORS

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

X, y = make_classification(120, 8, n_informative=5, n_classes=3, random_state=0)
y_reg = X[:, 0] - 0.5 * X[:, 1] ** 2
PARAMS = dict(hidden_layer_sizes=(12, 10), max_iter=15, tol=0.0, random_state=0)
NOT_BP = [
    LRAClassifier,
    FAClassifier,
    DFAClassifier,
    DTPClassifier,
    LRARegressor,
    FARegressor,
    DFARegressor,
    DTPRegressor,
]


@pytest.fixture(autouse=True)
def _quiet_and_close():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield
    plt.close("all")


def _target(cls):
    """Class labels for a classifier, a real target for a regressor."""
    return y if is_classifier(cls()) else y_reg


def _fitted(cls, **params):
    """``cls`` trained briefly on the module's data; LRA from a random init."""
    if cls in (LRAClassifier, LRARegressor):
        params.setdefault("init", "normal")
    return cls(**{**PARAMS, **params}).fit(X, _target(cls))


@pytest.mark.parametrize("cls", [BPClassifier, BPRegressor])
def test_bp_is_aligned_with_itself(cls):
    """BP's update is BP's gradient: angle 0 in every layer."""
    angles = alignment_angles(_fitted(cls), X, _target(cls)).angles
    assert angles.shape == (3,)
    np.testing.assert_allclose(angles, 0.0, atol=1e-6)


@pytest.mark.parametrize("cls", [FAClassifier, FARegressor])
def test_fa_with_transposed_weights_as_feedback_is_bp(cls):
    """FA whose feedback matrices are ``W_{l+1}^T`` has angle 0 in every layer."""
    fa = _fitted(cls)
    fa.feedback_matrices_ = [W.T.copy() for W in fa.coefs_[1:]]
    np.testing.assert_allclose(alignment_angles(fa, X, _target(cls)).angles, 0.0, atol=1e-6)


def test_dfa_with_one_hidden_layer_and_transposed_weights_is_bp():
    """DFA with one hidden layer and ``D_1 = W_2^T`` has angle 0 in both layers."""
    dfa = _fitted(DFAClassifier, hidden_layer_sizes=(12,))
    dfa.feedback_matrices_ = [dfa.coefs_[1].T.copy()]
    np.testing.assert_allclose(alignment_angles(dfa, X, y).angles, 0.0, atol=1e-6)


@pytest.mark.parametrize("cls", NOT_BP)
def test_output_layer_angle_is_zero(cls):
    """Every rule updates the output layer from the output error ``e_L``: angle 0 there."""
    angles = alignment_angles(_fitted(cls), X, _target(cls)).angles
    assert angles[-1] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_angles_are_degrees_between_0_and_180(cls):
    """Every estimator of the package gives one angle per layer, in [0, 180]."""
    result = alignment_angles(_fitted(cls), X, _target(cls))
    assert result.angles.shape == (3,) and len(result.layers) == 3
    assert np.all((result.angles >= 0) & (result.angles <= 180))


def test_hidden_fa_and_dfa_angles_are_not_trivially_zero():
    """Random feedback gives the hidden layers of FA and DFA a clearly nonzero angle."""
    for cls in (FAClassifier, DFAClassifier):
        assert np.all(alignment_angles(_fitted(cls), X, y).angles[:-1] > 1.0)


def test_fa_hidden_layer_aligns_during_training():
    """FA's hidden-layer angle falls during training and ends below 90 degrees."""
    monitor = AlignmentMonitor(X, y)
    fa = FAClassifier(
        hidden_layer_sizes=(16,),
        activation="tanh",
        solver="sgd",
        learning_rate_init=0.01,
        init="glorot_uniform",
        batch_size=20,
        max_iter=100,
        tol=0.0,
        random_state=2,
    )
    fa.set_callbacks(monitor).fit(X, y)
    hidden = monitor.angles_[:, 0]
    assert hidden[-10:].mean() < hidden[:3].mean() - 15.0
    assert hidden[-1] < 90.0


def test_monitor_records_one_row_per_epoch():
    """The monitor keeps one row of angles per epoch; the last is the fitted model's."""
    monitor = AlignmentMonitor(X, y)
    est = LRAClassifier(**PARAMS).set_callbacks(monitor).fit(X, y)
    assert monitor.angles_.shape == (est.n_iter_, 3) == (15, 3)
    np.testing.assert_array_equal(monitor.epochs_, np.arange(1, 16))
    np.testing.assert_allclose(monitor.angles_[-1], alignment_angles(est, X, y).angles)
    assert monitor.layers_ == ["W_1 (8 -> 12)", "W_2 (12 -> 10)", "W_3 (10 -> 3)"]


def test_monitor_restarts_with_a_new_fit_and_extends_with_warm_start():
    """Like loss_curve_, the record restarts with fit and grows with warm_start."""
    monitor = AlignmentMonitor(X, y)
    est = FAClassifier(**{**PARAMS, "max_iter": 4}).set_callbacks(monitor)
    est.fit(X, y)
    est.fit(X, y)
    assert monitor.angles_.shape[0] == 4
    est.set_params(warm_start=True).fit(X, y)
    np.testing.assert_array_equal(monitor.epochs_, np.arange(1, 9))


@pytest.mark.parametrize("cls", [DTPClassifier, LRAClassifier])
def test_monitor_does_not_change_training(cls):
    """Training with the monitor gives the same weights as training without it."""
    plain = _fitted(cls)
    watched = clone(plain).set_callbacks(AlignmentMonitor(X, y)).fit(X, y)
    for a, b in zip(plain.coefs_, watched.coefs_):
        np.testing.assert_array_equal(a, b)


def test_dtp_angle_ignores_inverse_steps():
    """With inverse_steps > 1, DTP's angle is that of a minibatch that moves the weights."""
    dtp = _fitted(DTPClassifier, inverse_steps=3)
    angles = alignment_angles(dtp, X, y).angles
    assert np.isfinite(angles).all() and angles[0] > 1.0


def test_undefined_angle_is_nan():
    """Where BP's gradient is exactly zero (W_2 = 0) the angle is NaN, not a number."""
    lra = _fitted(LRAClassifier)
    lra.coefs_ = [W.copy() for W in lra.coefs_]
    lra.coefs_[1][...] = 0.0
    angles = alignment_angles(lra, X, y).angles
    assert np.isnan(angles[0]) and np.isfinite(angles[1:]).all()


def test_sparse_and_float32_input():
    """Sparse X gives the dense angles; a float32 network gives nearly the same."""
    fa = _fitted(FAClassifier)
    dense = alignment_angles(fa, X, y).angles
    np.testing.assert_allclose(alignment_angles(fa, sp.csc_matrix(X), y).angles, dense)
    fa32 = _fitted(FAClassifier).fit(X.astype(np.float32), y)
    angles32 = alignment_angles(fa32, X.astype(np.float32), y).angles
    np.testing.assert_allclose(angles32, dense, atol=0.5)


def test_bad_calls_raise():
    """Unfitted estimators, unseen labels and mismatched lengths are errors."""
    with pytest.raises(NotFittedError):
        alignment_angles(FAClassifier(), X, y)
    fa = _fitted(FAClassifier)
    with pytest.raises(ValueError, match="not in classes_"):
        alignment_angles(fa, X, y + 5)
    with pytest.raises(ValueError, match="samples"):
        alignment_angles(fa, X, y[:-1])
    with pytest.raises(ValueError, match="features"):
        alignment_angles(fa, X[:, :5], y)


def test_plot_learning_curves_returns_axes_with_validation_scores():
    """Losses of a dict of estimators go on one Axes, validation scores on its twin."""
    models = {
        "LRA": _fitted(LRAClassifier),
        "BP": _fitted(BPClassifier, early_stopping=True, n_iter_no_change=50),
    }
    ax = plot_learning_curves(models)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert [line.get_label() for line in ax.get_lines()] == ["LRA", "BP"]
    assert len(ax.right_ax.get_lines()) == 1


def test_plot_learning_curves_draws_on_given_axes():
    """One estimator or a list of them, drawn on the Axes given."""
    _, ax = plt.subplots()
    fitted = [_fitted(FAClassifier), _fitted(FAClassifier, random_state=1)]
    assert plot_learning_curves(fitted, ax=ax) is ax
    assert [line.get_label() for line in ax.get_lines()] == ["FAClassifier", "FAClassifier (2)"]
    assert not hasattr(plot_learning_curves(fitted[0]), "right_ax")


def test_plot_alignment_from_monitor_and_array():
    """A monitor gives one line per layer; an array is accepted with a label prefix."""
    monitor = AlignmentMonitor(X, y)
    FAClassifier(**PARAMS).set_callbacks(monitor).fit(X, y)
    ax = plot_alignment(monitor)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert len(ax.get_legend().get_texts()) == 3
    ax = plot_alignment(monitor.angles_[:, 0], label="FA")
    assert ax.get_legend().get_texts()[0].get_text() == "FA: W_1"
    with pytest.raises(ValueError, match="n_epochs, n_layers"):
        plot_alignment(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("plot", [plot_learning_curves, plot_alignment])
def test_plots_without_matplotlib_say_how_to_install_it(plot, monkeypatch):
    """Without matplotlib the helpers raise an ImportError naming the extra."""
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"requires matplotlib.*sklearn-lra\[plot\]"):
        plot(np.zeros((3, 2)))

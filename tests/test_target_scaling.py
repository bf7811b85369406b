"""LRARegressor trains on standardised targets: its fit does not depend on y's units.

LRA's updates depend on the size of the output error (the Cauchy local loss,
``beta``, the window and the caps), so the regressor standardises each target
column with its weighted mean and standard deviation, trains on that, and maps
its outputs back. The standardised targets of ``y * c`` and ``y + c`` are those
of ``y`` up to rounding, so the fits agree to rounding, not merely in R^2.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from sklearn_lra import BPRegressor, LRARegressor
from sklearn_lra._mixins import target_scaling

from ._requirements import require_modules

#: Relative agreement of fits whose standardised targets differ by rounding only.
RTOL = 1e-6


def _data(n=200, seed=0):
    X, y = make_friedman1(n, noise=1.0, random_state=seed)
    return X, y


def _lra(**params):
    """A small LRARegressor that runs a few dozen epochs in well under a second."""
    defaults = dict(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    return LRARegressor(**{**defaults, **params})


def _fit(est, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("factor, offset", [(0.01, 0.0), (100.0, 0.0), (1.0, 1000.0)])
def test_fit_does_not_depend_on_the_units_of_y(factor, offset, early_stopping):
    """y * 0.01, y * 100 and y + 1000 give y's predictions, losses and scores."""
    X, y = _data()
    ref = _fit(_lra(early_stopping=early_stopping), X, y)
    est = _fit(_lra(early_stopping=early_stopping), X, y * factor + offset)
    assert est.n_iter_ == ref.n_iter_
    np.testing.assert_allclose((est.predict(X) - offset) / factor, ref.predict(X), rtol=RTOL)
    np.testing.assert_allclose(est.loss_curve_, ref.loss_curve_, rtol=RTOL)
    np.testing.assert_allclose(est.score(X, y * factor + offset), ref.score(X, y), rtol=RTOL)
    if early_stopping:
        np.testing.assert_allclose(est.validation_scores_, ref.validation_scores_, rtol=RTOL)


def test_scaling_is_the_weighted_mean_and_standard_deviation():
    """target_mean_ and target_scale_ equal numpy's weighted moments; constant columns get 1."""
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    Y = np.column_stack([rng.randn(50) * 30 + 7, rng.exponential(0.01, 50), np.full(50, 4.2)])
    w = rng.uniform(0, 3, 50)
    est = _fit(_lra(max_iter=2), X, Y, sample_weight=w)
    mean = np.average(Y, axis=0, weights=w)
    std = np.sqrt(np.average((Y - mean) ** 2, axis=0, weights=w))
    np.testing.assert_allclose(est.target_mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(est.target_scale_[:2], std[:2], rtol=1e-12)
    assert est.target_scale_[2] == 1.0


def test_scaling_ignores_the_size_of_the_weights():
    """Weights multiplied by one constant, even near float64's limit, give the same scaling."""
    Y = np.random.RandomState(0).randn(20, 2)
    w = np.random.RandomState(1).uniform(0.5, 2, 20)
    for factor in (1e-300, 1e300):
        for a, b in zip(target_scaling(Y, w * factor), target_scaling(Y, w)):
            np.testing.assert_allclose(a, b, rtol=1e-14)


def test_targets_near_the_float64_limit_give_finite_predictions():
    """Moments of targets of size 1e300 do not overflow, and predictions stay finite."""
    X, y = _data(100)
    est = _fit(_lra(), X, y * 1e300)
    assert np.isfinite(est.target_scale_).all() and np.isfinite(est.predict(X)).all()
    np.testing.assert_allclose(est.target_scale_, y.std() * 1e300, rtol=1e-12)


def test_multi_output_columns_are_scaled_separately():
    """Two outputs in units 1e4 apart fit as when both are in the same units."""
    X, y = _data()
    Y = np.column_stack([y, X[:, 0] * X[:, 1]])
    ref = _fit(_lra(), X, Y)
    units = np.array([0.01, 100.0])
    est = _fit(_lra(), X, Y * units)
    np.testing.assert_allclose(est.target_scale_, ref.target_scale_ * units, rtol=1e-12)
    np.testing.assert_allclose(est.predict(X) / units, ref.predict(X), rtol=RTOL)
    np.testing.assert_allclose(
        r2_score(Y * units, est.predict(X)), r2_score(Y, ref.predict(X)), rtol=RTOL
    )


def test_loss_is_measured_on_the_standardised_targets():
    """A network that predicts the mean (all-zero weights, one batch, lr 0) scores 0.5."""
    X, y = _data(100)
    for units in (0.01, 1.0, 100.0):
        est = _fit(
            _lra(init="zeros", max_iter=1, batch_size=100, learning_rate_init=1e-12), X, y * units
        )
        assert est.loss_ == pytest.approx(0.5, rel=1e-9)


def test_warm_start_keeps_the_first_fit_scaling():
    """A warm-started fit on other targets keeps target_mean_ and target_scale_."""
    X, y = _data()
    est = _fit(_lra(warm_start=True), X, y)
    mean, scale = est.target_mean_.copy(), est.target_scale_.copy()
    _fit(est, X, y * 10 + 5)
    np.testing.assert_array_equal(est.target_mean_, mean)
    np.testing.assert_array_equal(est.target_scale_, scale)
    est.set_params(warm_start=False)
    _fit(est, X, y * 10 + 5)
    np.testing.assert_allclose(est.target_mean_, mean * 10 + 5, rtol=1e-12)


def test_partial_fit_scales_by_the_first_batch():
    """The first partial_fit call's batch (and weights) sets the scaling; later ones keep it."""
    X, y = _data()
    w = np.random.RandomState(0).uniform(0.5, 2, 50)
    est = _lra().partial_fit(X[:50], y[:50], sample_weight=w)
    mean, scale = target_scaling(y[:50].reshape(-1, 1), w)
    np.testing.assert_allclose(est.target_mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(est.target_scale_, scale, rtol=1e-12)
    est.partial_fit(X[50:], y[50:] * 3 + 2)
    np.testing.assert_allclose(est.target_mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(est.target_scale_, scale, rtol=1e-12)


def test_a_failed_fit_leaves_no_scaling():
    """A fit that raises (negative weights) sets no target_mean_, and leaks no weights."""
    X, y = _data(20)
    est = _lra()
    with pytest.raises(ValueError):
        est.fit(X, y, sample_weight=-np.ones(20))
    assert not hasattr(est, "target_mean_") and not hasattr(est, "_target_sample_weight")
    _fit(est, X, y, sample_weight=np.ones(20))
    assert not hasattr(est, "_target_sample_weight")


def test_pickle_round_trip_keeps_the_scaling():
    """A pickled model predicts in y's units as the original does."""
    X, y = _data()
    est = _fit(_lra(), X, y * 100 + 1000)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.target_scale_, est.target_scale_)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_skops_round_trip_keeps_the_scaling():
    """skops.io trusts the scaling arrays as it trusts the weights."""
    require_modules(("skops",), "SKLEARN_LRA_REQUIRE_SKOPS", "persist")
    import skops.io as sio

    X, y = _data()
    est = _fit(_lra(), X, y * 100 + 1000)
    data = sio.dumps(est)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_array_equal(loaded.target_mean_, est.target_mean_)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_a_model_fitted_before_the_scaling_predicts_its_raw_outputs():
    """A model without target_mean_ (pickled by an older version) maps nothing back."""
    X, y = _data()
    est = _fit(_lra(), X, y)
    z = (est.predict(X) - est.target_mean_) / est.target_scale_
    del est.target_mean_, est.target_scale_
    np.testing.assert_allclose(est.predict(X), z, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_onnx_export_maps_outputs_back(dtype):
    """onnxruntime reproduces predict on targets far from unit scale."""
    require_modules(("skl2onnx", "onnxruntime"), "SKLEARN_LRA_REQUIRE_ONNX", "onnx")
    import onnxruntime
    import skl2onnx

    import sklearn_lra.onnx  # noqa: F401  (registers the converters)

    X, y = _data()
    X = X.astype(dtype)
    est = _fit(_lra(), X, np.column_stack([y * 100 + 1000, y * 0.01]))
    onx = skl2onnx.to_onnx(est, X[:1])
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (out,) = session.run(None, {session.get_inputs()[0].name: X})
    expected = est.predict(X)
    eps = np.finfo(dtype).eps
    # 100 ulps of each output's scale, as tests/test_onnx.py allows.
    np.testing.assert_allclose(out, expected, rtol=100 * eps, atol=0)
    assert out.dtype == dtype


def test_bp_regressor_trains_on_y_as_it_is():
    """BPRegressor stays MLPRegressor's drop-in replacement: no target scaling."""
    X, y = _data(50)
    est = _fit(BPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0), X, y * 100)
    assert not hasattr(est, "target_mean_") and not hasattr(est, "target_scale_")

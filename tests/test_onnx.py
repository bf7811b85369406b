"""ONNX export: onnxruntime gives what predict / predict_proba give.

Needs the ``onnx`` extra. Without it the tests are skipped, unless the
environment variable ``SKLEARN_LRA_REQUIRE_ONNX=1`` is set (as CI does), when
they fail.

Tolerances. The graph repeats the numpy forward pass operation for operation,
but onnxruntime's matrix products sum in another order and its tanh, exp and
sigmoid are other implementations, each within a few ulps. Over the L <= 3
layers of these nets of at most 8 units with weights of order one, the
rounding of a dot product of n terms is at most about n ulps of the largest
term (Higham, *Accuracy and Stability of Numerical Algorithms*, 3.1) and every
later layer carries it through with a gain of order one: at most some
``3 * (8 + 4) = 36`` ulps of the outputs' scale. The tests allow 100 ulps
(``eps`` of the coarser dtype compared), above that bound and still tight
enough to catch small errors: leaky_relu's slope rounded to float32, a relative
change of 2e-8, fails the float64 tests. The largest difference measured over
this module's fits is 1.9 ulps.
"""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import is_classifier
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from sklearn_lra import LRAClassifier, LRARegressor
from sklearn_lra._activations import ACTIVATIONS, LWTA_BLOCK_SIZE
from sklearn_lra._discovery import all_estimators

from ._requirements import require_modules

ESTIMATORS = all_estimators()
CLASSIFIERS = [c for c in ESTIMATORS if is_classifier(c())]
REGRESSORS = [c for c in ESTIMATORS if not is_classifier(c())]

#: Widths 7 and 6: neither a multiple of LWTA's block, so the shorter last block is used.
HIDDEN = (7, 6)
ULPS = 100


@pytest.fixture(scope="module", autouse=True)
def _onnx():
    """Skip (or fail in CI) without the extra; register the converters."""
    require_modules(("skl2onnx", "onnxruntime"), "SKLEARN_LRA_REQUIRE_ONNX", "onnx")
    import sklearn_lra.onnx  # noqa: F401


def _run(model, X, options=None, sample=None):
    """Convert ``model`` with skl2onnx and run it with onnxruntime on ``X``."""
    import onnxruntime
    import skl2onnx

    onx = skl2onnx.to_onnx(model, X[:1] if sample is None else sample, options=options)
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _close(actual, expected):
    """Equal within ULPS ulps of the coarser dtype of the two, relative to their scale."""
    eps = max(np.finfo(actual.dtype).eps, np.finfo(expected.dtype).eps)
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(actual, expected, rtol=ULPS * eps, atol=ULPS * eps * scale)


def _labels_equal(onnx_labels, labels, proba):
    """Labels equal, except where the two best classes tie to within the tolerance.

    There rounding may legitimately pick either class; such rows are allowed but
    must be rare.
    """
    top2 = np.sort(proba, axis=1)[:, -2:]
    tie = (top2[:, 1] - top2[:, 0]) <= ULPS * np.finfo(proba.dtype).eps
    differ = onnx_labels != labels
    assert not np.any(differ & ~tie), f"labels differ on rows {np.flatnonzero(differ & ~tie)}"
    assert differ.sum() <= 1


def _data(dtype, n=40, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 5).astype(dtype)
    return X, rng.randint(0, 3, n), rng.randn(n, 2)


def _fit(cls, activation, X, y, y_reg):
    est = cls(hidden_layer_sizes=HIDDEN, activation=activation, max_iter=2, random_state=0)
    est.set_params(init="glorot_uniform", batch_size=20)
    with warnings.catch_warnings():
        # Two epochs do not converge; BP-like rules warn that sign has no gradient.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        return est.fit(X, y if is_classifier(est) else y_reg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda c: c.__name__)
def test_classifier_matches_predict(cls, activation, dtype):
    """Labels and probabilities of onnxruntime equal predict and predict_proba."""
    X, y, y_reg = _data(dtype)
    est = _fit(cls, activation, X, y, y_reg)
    labels, proba = _run(est, X, options={"zipmap": False})
    assert proba.dtype == dtype and est.predict_proba(X).dtype == dtype
    _close(proba, est.predict_proba(X))
    _labels_equal(labels, est.predict(X), est.predict_proba(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda c: c.__name__)
def test_regressor_matches_predict(cls, activation, dtype):
    """The (N, n_outputs) output of onnxruntime equals predict."""
    X, y, y_reg = _data(dtype)
    est = _fit(cls, activation, X, y, y_reg)
    (out,) = _run(est, X)
    assert out.dtype == dtype and out.shape == (len(X), 2)
    _close(out, est.predict(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("first,rest", [("tanh_relu6", "tanh"), ("relu6", "softplus")])
@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS, ids=lambda c: c.__name__)
def test_first_layer_of_its_own_matches_predict(cls, first, rest, dtype):
    """With ``input_activation``, the graph's first hidden layer has its units, the next not."""
    X, y, y_reg = _data(dtype)
    est = _fit(cls, rest, X, y, y_reg)
    est.set_params(input_activation=first)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y if is_classifier(est) else y_reg)
    expected = est.predict_proba(X) if is_classifier(est) else est.predict(X)
    outputs = _run(est, X, options={"zipmap": False} if is_classifier(est) else None)
    _close(outputs[-1], expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_regressor_matches_predict(dtype):
    """BPRegressor(loss='poisson')'s exp output is exported: onnxruntime equals predict."""
    from sklearn_lra import BPRegressor

    X, _, y_reg = _data(dtype)
    counts = np.random.RandomState(1).poisson(np.exp(0.5 * X[:, :2]))
    est = BPRegressor(hidden_layer_sizes=HIDDEN, loss="poisson", max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, counts)
    (out,) = _run(est, X)
    _close(out, est.predict(X))


@pytest.mark.parametrize(
    "fit_dtype, input_dtype", [(np.float32, np.float64), (np.float64, np.float32)]
)
def test_network_computes_in_the_dtype_it_was_fitted_in(fit_dtype, input_dtype):
    """As predict: a float32 network computes in float32; outputs follow the input's type."""
    X, y, y_reg = _data(fit_dtype)
    est = _fit(LRARegressor, "tanh", X, y, y_reg)
    X_in = X.astype(input_dtype)
    import skl2onnx
    from onnx import TensorProto

    onx = skl2onnx.to_onnx(est, X_in[:1])
    weights = [t for t in onx.graph.initializer if t.name.startswith("coefficient")]
    expected_type = TensorProto.FLOAT if fit_dtype == np.float32 else TensorProto.DOUBLE
    assert len(weights) == 3 and all(t.data_type == expected_type for t in weights)
    (out,) = _run(est, X_in)
    assert out.dtype == input_dtype
    # Either the computation (the network's dtype) or the output (the input's) is
    # the narrower one: compare at its precision.
    narrow = np.float32 if np.float32 in (fit_dtype, input_dtype) else np.float64
    _close(out.astype(narrow), est.predict(X_in).astype(narrow))


def _identity_network(activation, n_units):
    """A fitted regressor rebuilt by hand so that its output is ``phi(x)`` exactly.

    One hidden layer of ``n_units`` units, ``W_1 = W_2 = I`` and zero biases.
    """
    X = np.zeros((4, n_units))
    # The window's miss trains every activation (the fit only makes the attributes).
    est = LRARegressor(
        hidden_layer_sizes=(n_units,), activation=activation, local_error="pre_window", max_iter=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, np.zeros((4, n_units)))
    est.coefs_ = [np.eye(n_units), np.eye(n_units)]
    est.intercepts_ = [np.zeros(n_units), np.zeros(n_units)]
    return est


def _softplus(x):
    """``log(1 + e^x)`` in exact rational steps of Python's math for the worked example."""
    import math

    return np.array([x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x)) for x in x])


# Worked examples: inputs and phi(inputs) written out by hand (softplus by math.log1p).
WORKED = {
    "sign": ([-2.0, 0.0, -0.0, 0.5, 1e-300], [-1.0, 0.0, 0.0, 1.0, 1.0]),
    "relu6": ([-1.0, 0.0, 3.0, 6.0, 7.5], [0.0, 0.0, 3.0, 6.0, 6.0]),
    "hardtanh": ([-3.0, -1.0, 0.25, 1.0, 2.0], [-1.0, -1.0, 0.25, 1.0, 1.0]),
    "leaky_relu": ([-3.0, -0.5, 0.0, 2.0, 4.0], [-0.03, -0.005, 0.0, 2.0, 4.0]),
    # Blocks of four, then a block of two; a tie goes to the first unit of the block.
    "lwta": (
        [1.0, 3.0, 3.0, 2.0, -1.0, -5.0, -2.0, -1.0, 5.0, -1.0],
        [0.0, 3.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 5.0, 0.0],
    ),
    "softplus": (
        [-800.0, -40.0, -1e-3, 0.0, 1e-3, 40.0, 800.0],
        _softplus([-800.0, -40.0, -1e-3, 0.0, 1e-3, 40.0, 800.0]),
    ),
}


@pytest.mark.parametrize("activation", sorted(WORKED))
def test_activation_graphs_on_worked_examples(activation):
    """Each activation's graph gives the hand-computed values, ties and zeros included."""
    assert LWTA_BLOCK_SIZE == 4, "the lwta example is written for blocks of four"
    x, expected = (np.array(v, dtype=np.float64) for v in WORKED[activation])
    est = _identity_network(activation, len(x))
    (out,) = _run(est, x.reshape(1, -1))
    np.testing.assert_allclose(out[0], expected, rtol=4 * np.finfo(float).eps, atol=1e-300)
    np.testing.assert_allclose(est.predict(x.reshape(1, -1))[0], expected, rtol=4e-16, atol=0)


def _hand_built_logistic_classifier(n_outputs, classes):
    """A classifier whose output layer is rebuilt as logistic units (MLPClassifier's form)."""
    X, y, _ = _data(np.float64)
    est = _fit(LRAClassifier, "tanh", X, y, None)
    est.input_activation = None  # tanh on every layer, as the naive pass below
    rng = np.random.RandomState(1)
    est.coefs_[-1] = rng.randn(est.coefs_[-1].shape[0], n_outputs)
    est.intercepts_[-1] = rng.randn(n_outputs) * 0.1
    est.out_activation_, est.n_outputs_, est.classes_ = "logistic", n_outputs, classes
    return est, X


def _naive_logistic_output(est, X):
    """The forward pass written out: tanh hidden layers, logistic outputs."""
    z = X
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1]):
        z = np.tanh(z @ W + b)
    return expit(z @ est.coefs_[-1] + est.intercepts_[-1])


def test_multilabel_output_hand_built():
    """Logistic outputs: per-label probabilities, labels on where p > 0.5."""
    est, X = _hand_built_logistic_classifier(4, np.arange(4))
    labels, proba = _run(est, X, options={"zipmap": False})
    expected = _naive_logistic_output(est, X)
    _close(proba, expected)
    assert labels.shape == (len(X), 4) and labels.dtype == np.int64
    np.testing.assert_array_equal(labels, (expected > 0.5).astype(np.int64))
    assert 0 < labels.sum() < labels.size


def test_binary_logistic_output_hand_built():
    """One logistic output of a binary problem: [1 - p, p], label classes_[p > 0.5]."""
    est, X = _hand_built_logistic_classifier(1, np.array(["no", "yes"]))
    labels, proba = _run(est, X, options={"zipmap": False})
    p = _naive_logistic_output(est, X)[:, 0]
    _close(proba, np.column_stack([1 - p, p]))
    np.testing.assert_array_equal(labels, np.where(p > 0.5, "yes", "no"))


def test_multilabel_estimator_when_supported():
    """A classifier fitted on an indicator matrix converts to its predict / predict_proba."""
    X, _, _ = _data(np.float32)
    Y = (np.random.RandomState(2).rand(len(X), 3) > 0.5).astype(int)
    est = LRAClassifier(hidden_layer_sizes=HIDDEN, max_iter=2, random_state=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, Y)
    except ValueError as exc:
        pytest.skip(f"the estimators do not take multilabel targets yet: {exc}")
    assert est.out_activation_ == "logistic"
    labels, proba = _run(est, X, options={"zipmap": False})
    _close(proba, est.predict_proba(X))
    np.testing.assert_array_equal(labels, est.predict(X))


def test_pipeline_with_zipmap_and_string_labels():
    """A scaler + classifier pipeline, skl2onnx's default ZipMap output, string classes."""
    X, y, y_reg = _data(np.float32)
    names = np.array(["ant", "bee", "cat"])[y]
    pipe = make_pipeline(StandardScaler(), LRAClassifier(hidden_layer_sizes=(6,), max_iter=3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, names)
    labels, proba_maps = _run(pipe, X)
    proba = np.array([[row[c] for c in pipe.classes_] for row in proba_maps])
    _close(proba, pipe.predict_proba(X).astype(np.float32))
    _labels_equal(labels, pipe.predict(X), pipe.predict_proba(X))


def test_pipeline_with_column_transformer_on_a_dataframe():
    """Numbers scaled, a string column one-hot encoded, each column an ONNX input."""
    pd = pytest.importorskip("pandas")
    import onnxruntime
    import skl2onnx

    X, y, y_reg = _data(np.float32, n=60)
    frame = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(60) % 3]
    columns = ColumnTransformer(
        [("num", StandardScaler(), ["a", "b", "c"]), ("cat", OneHotEncoder(), ["colour"])]
    )
    pipe = make_pipeline(columns, LRARegressor(hidden_layer_sizes=(5,), max_iter=3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(frame, y_reg)
    onx = skl2onnx.to_onnx(pipe, frame[:1])
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    feeds = {c: frame[[c]].to_numpy() for c in frame.columns}
    (out,) = session.run(None, feeds)
    # The preprocessing runs in float32 in ONNX and in float64 in scikit-learn.
    np.testing.assert_allclose(out, pipe.predict(frame), rtol=1e-5, atol=1e-5)


def test_column_transformer_on_an_array_with_double_input():
    """Column indices on a float64 array; double probabilities need zipmap=False."""
    X, y, _ = _data(np.float64)
    columns = ColumnTransformer([("s", StandardScaler(), [0, 1, 2]), ("m", MinMaxScaler(), [3, 4])])
    pipe = make_pipeline(columns, LRAClassifier(hidden_layer_sizes=(6,), max_iter=3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, y)
    labels, proba = _run(pipe, X, options={LRAClassifier: {"zipmap": False}})
    _close(proba, pipe.predict_proba(X))
    _labels_equal(labels, pipe.predict(X), pipe.predict_proba(X))


def test_zipmap_on_double_input_is_refused_clearly():
    """ONNX's ZipMap takes floats only: the converter says what to do instead."""
    X, y, y_reg = _data(np.float64)
    est = _fit(LRAClassifier, "tanh", X, y, y_reg)
    with pytest.raises(RuntimeError, match="zipmap': False"):
        _run(est, X)
    # One double output per class instead works, as for scikit-learn's classifiers.
    label, *columns = _run(est, X, options={"zipmap": "columns"})
    _close(np.column_stack(columns), est.predict_proba(X))


@pytest.mark.parametrize(
    "options",
    [{"zipmap": "columns"}, {"zipmap": False, "output_class_labels": True}, {"nocl": True}],
    ids=["zipmap-columns", "output_class_labels", "nocl"],
)
def test_skl2onnx_classifier_options(options):
    """skl2onnx's options for MLPClassifier work the same for the package's classifiers."""
    X, y, y_reg = _data(np.float32)
    names = np.array(["ant", "bee", "cat"])[y]
    est = _fit(LRAClassifier, "relu", X, names, y_reg)
    outputs = _run(est, X, options={**options, "zipmap": options.get("zipmap", False)})
    labels, proba = outputs[0], outputs[1:]
    proba = np.column_stack(proba) if len(proba) == 3 else proba[0]
    _close(proba, est.predict_proba(X))
    if options.get("nocl"):
        _labels_equal(est.classes_[labels], est.predict(X), est.predict_proba(X))
    else:
        _labels_equal(labels, est.predict(X), est.predict_proba(X))
    if options.get("output_class_labels"):
        np.testing.assert_array_equal(outputs[2], est.classes_)

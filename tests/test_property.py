"""Property-based tests: any input gives a finite result or a clear ValueError / TypeError.

Hypothesis throws shapes, dtypes, containers and values at ``fit``,
``partial_fit``, ``predict``, ``predict_proba`` and ``score`` of every public
estimator. A call may return a finite result (probabilities that sum to one)
or raise a ValueError / TypeError whose message names the problem. Any other
exception fails (IndexError, numpy's AxisError, ZeroDivisionError,
OverflowError, MemoryError, ...), and so does a warning the package does not
document. numpy's RuntimeWarnings are tolerated and noted in the report of a
failing example; test_divergence_raises_no_numpy_warning pins them.
"""

import copy
import functools
import re
import sys
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

from sklearn_lra import BPClassifier, BPRegressor, LRAClassifier, LRARegressor
from sklearn_lra.exceptions import DivergenceWarning

from ._estimators import diverging_estimator, fast_estimator, public_estimator_classes

ALL = public_estimator_classes()
CLASSIFIERS = [c for c in ALL if is_classifier(c())]
REGRESSORS = [c for c in ALL if c not in CLASSIFIERS]
#: Networks so small and trainings so short that an example takes milliseconds.
#: alpha=0: with an L2 term the scale of the sample weights counts as the amount of data.
TINY = {"hidden_layer_sizes": (3,), "max_iter": 2, "alpha": 0.0}
#: Derandomized, so that a run is reproducible; the deadline catches hangs.
CHECKS = settings(
    max_examples=40,
    deadline=5000,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW_CHECKS = settings(CHECKS, max_examples=15)

DTYPES = [np.float64, np.float32, np.float16, np.int8, np.int64, np.uint8, np.bool_]
CONTAINERS = ["ndarray", "fortran", "strided", "list", "object", "csr", "csc", "coo", "csr_array"]
SPARSE = {
    "csr": sp.csr_matrix,
    "csc": sp.csc_matrix,
    "coo": sp.coo_matrix,
    "csr_array": sp.csr_array,
}


# ----------------------------------------------------------------- helpers


def _check_warnings(caught):
    """Fail on a warning the package does not document; note numpy's RuntimeWarnings."""
    for w in caught:
        if issubclass(w.category, ConvergenceWarning | DivergenceWarning | DataConversionWarning):
            continue
        if w.category is UserWarning and "batch_size=" in str(w.message):
            continue
        if issubclass(w.category, RuntimeWarning):
            note(f"tolerated RuntimeWarning: {w.message}")
            continue
        raise AssertionError(f"undocumented {w.category.__name__}: {w.message}")


def _outcome(call):
    """``(result, None)`` or ``(None, error)`` for a ValueError / TypeError; others raise."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = call(), None
        except (ValueError, TypeError) as exc:
            if isinstance(exc, IndexError):  # numpy's AxisError is both
                raise
            result, error = None, exc
    _check_warnings(caught)
    return result, error


def _expect_error(call, pattern):
    """``call`` raises a ValueError / TypeError whose message matches ``pattern``."""
    _, error = _outcome(call)
    assert error is not None, f"no error, expected one matching {pattern!r}"
    assert re.search(pattern, str(error)), f"{pattern!r} not in: {error}"


def _contain(X, container):
    """``X`` in one of the containers ``fit`` accepts."""
    if container == "list":
        return X.tolist()
    if container == "object":
        return X.astype(object)
    if container == "fortran":
        return np.asfortranarray(X)
    if container == "strided":
        return np.repeat(X, 2, axis=1)[:, ::2]  # a non-contiguous view
    if container in SPARSE:
        return SPARSE[container](X)
    return X


def _training_dtype(X, container):
    """float32 for float32 arrays and sparse matrices, float64 for everything else."""
    keeps = container not in ("list", "object")
    return np.float32 if keeps and X.dtype == np.float32 else np.float64


def _elements(dtype, low=-1e4, high=1e4):
    """Values of ``dtype`` between ``low`` and ``high`` (clipped to its range)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return st.booleans()
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return st.integers(max(info.min, int(low)), min(info.max, int(high)))
    info = np.finfo(dtype)
    low, high = max(low, -float(info.max)), min(high, float(info.max))
    return st.floats(low, high, width=info.bits, allow_nan=False, allow_infinity=False)


ROWS, COLUMNS = st.integers(1, 12), st.integers(1, 4)


@st.composite
def arrays_in_containers(
    draw,
    n_rows=ROWS,
    n_cols=COLUMNS,
    dtypes=DTYPES,
    containers=CONTAINERS,
    elements=_elements,
):
    """``(X as an array, X in a container, container name)``."""
    dtype = draw(st.sampled_from(dtypes))
    container = draw(st.sampled_from(containers))
    if container in SPARSE and dtype == np.float16:
        dtype = np.float32  # scipy.sparse has no float16
    X = draw(hnp.arrays(dtype, (draw(n_rows), draw(n_cols)), elements=elements(dtype)))
    return X, _contain(X, container), container


def _targets(draw, classifier, n):
    """Labels (classifier) or 1-2 columns of targets (regressor) for ``n`` rows."""
    if classifier:
        labels = draw(st.sampled_from([[0, 1, 2], ["a", "b"], [-1.0, 1.0], [True, False]]))
        return np.array(draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n)))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 2)]))
    return draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)))


def _check_finite_predictions(est, X, y):
    """predict / predict_proba / score on ``X`` return finite, well-formed results."""
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    pred, error = _outcome(lambda: est.predict(X))
    assert error is None, repr(error)
    assert len(pred) == n
    if is_classifier(est):
        assert np.isin(pred, est.classes_).all()
        proba, error = _outcome(lambda: est.predict_proba(X))
        assert error is None, repr(error)
        assert np.isfinite(proba).all(), "NaN or inf probabilities"
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-4)
    else:
        assert np.isfinite(pred).all(), "NaN or inf predictions"
    if is_classifier(est) or n >= 2:  # R^2 of one sample is undefined (sklearn's NaN)
        score, error = _outcome(lambda: est.score(X, y))
        assert error is None and np.isfinite(score), (score, error)


@functools.cache
def _fitted(cls, activation="tanh", dtype=np.float64):
    """A tiny model of ``cls`` fitted on 20 rows of 4 features (do not mutate it)."""
    rng = np.random.RandomState(0)
    X = rng.randn(20, 4).astype(dtype)
    y = np.arange(20) % 3 if is_classifier(cls()) else X @ np.array([1.0, -1.0, 0.5, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fast_estimator(cls, activation=activation, **TINY).fit(X, y)


def _y_for(est, n):
    """Valid targets for ``n`` rows, for ``score`` and ``partial_fit``."""
    return np.arange(n) % 3 if is_classifier(est) else np.linspace(-1, 1, n)


def _call(est, method, X, y=None):
    """A zero-argument call of ``est.<method>`` on ``X`` (and ``y`` where needed)."""
    if method == "fit":
        return lambda: est.fit(X, y)
    if method == "partial_fit":
        return lambda: est.partial_fit(X, y)
    if method == "score":
        return lambda: est.score(X, y)
    return lambda: getattr(est, method)(X)


def _method_call(cls, method, X, n):
    """``method`` on ``X``: fit on a fresh model, the others on a copy of a fitted one."""
    est = fast_estimator(cls, **TINY) if method == "fit" else copy.deepcopy(_fitted(cls))
    return _call(est, method, X, _y_for(est, n))


METHODS = ["fit", "partial_fit", "predict", "predict_proba", "score"]
classes = st.sampled_from(ALL)


def _methods_of(cls):
    """The prediction and training methods of ``cls``."""
    return [m for m in METHODS if m != "predict_proba" or cls in CLASSIFIERS]


# ------------------------------------------------------- valid input works


@CHECKS
@given(data=st.data(), cls=classes)
def test_valid_input_in_any_container_gives_a_finite_model(data, cls):
    """Any numeric dtype and container, 1 to 12 rows, 1 to 4 features: a finite model."""
    X, Xc, container = data.draw(arrays_in_containers())
    classifier = is_classifier(cls())
    y = _targets(data.draw, classifier, X.shape[0])
    batch_size = data.draw(st.sampled_from(["auto", 1, 2, 5, 2**62]))
    est = fast_estimator(cls, batch_size=batch_size, **TINY)
    _, error = _outcome(lambda: est.fit(Xc, y))
    if classifier and len(np.unique(y)) < 2:
        assert error is not None and "one class" in str(error)
        return
    assert error is None, repr(error)
    assert est.coefs_[0].dtype == _training_dtype(X, container)
    _check_finite_predictions(est, Xc, y)
    _, error = _outcome(lambda: est.partial_fit(Xc, y))
    assert error is None, repr(error)
    _check_finite_predictions(est, Xc, y)


@CHECKS
@given(data=st.data(), cls=classes)
def test_sample_weights_give_a_finite_model(data, cls):
    """Random non-negative sample weights (zeros included, not all) train a finite model."""
    X = data.draw(
        hnp.arrays(np.float64, (data.draw(st.integers(2, 12)), 3), elements=st.floats(-10, 10))
    )
    y = np.arange(X.shape[0]) % 2 if cls in CLASSIFIERS else X[:, 0]
    sw = data.draw(hnp.arrays(np.float64, X.shape[0], elements=st.floats(0, 1e6)))
    sw[0] = max(sw[0], 1.0)
    est = fast_estimator(cls, batch_size=data.draw(st.sampled_from(["auto", 1, 3])), **TINY)
    _, error = _outcome(lambda: est.fit(X, y, sample_weight=sw))
    assert error is None, repr(error)
    _check_finite_predictions(est, X, y)


@CHECKS
@given(
    cls=classes,
    batch_size=st.one_of(
        st.integers(1, 30), st.integers(1, 2**62), st.sampled_from([2**63 - 1, 2**64, 10**30])
    ),
    n=st.integers(2, 12),
)
def test_any_valid_batch_size_trains(cls, batch_size, n):
    """batch_size from 1 to far beyond int64 trains, with a warning when it is clipped."""
    X = np.linspace(-1, 1, 3 * n).reshape(n, 3)
    y = np.arange(n) % 2 if cls in CLASSIFIERS else X[:, 0]
    est = fast_estimator(cls, batch_size=batch_size, **TINY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    _check_warnings(caught)
    clipped = [w for w in caught if "batch_size=" in str(w.message)]
    assert bool(clipped) == (batch_size > n)
    _check_finite_predictions(est, X, y)


@CHECKS
@given(data=st.data(), cls=classes)
def test_partial_fit_sequences_give_a_finite_model(data, cls):
    """partial_fit on chunks of 1 to 6 rows in mixed dtypes and containers stays finite."""
    classifier = cls in CLASSIFIERS
    est = fast_estimator(cls, **TINY)
    target_shape = data.draw(st.sampled_from([(), (1,), (2,)]))
    dtype = None  # set by the first call, kept by the others
    for i in range(data.draw(st.integers(1, 4))):
        chunk = arrays_in_containers(n_rows=st.integers(1, 6), n_cols=st.just(3))
        X, Xc, container = data.draw(chunk)
        n = X.shape[0]
        if classifier:
            y = np.array(data.draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)))
        else:
            y = data.draw(hnp.arrays(np.float64, (n, *target_shape), elements=st.floats(-1e3, 1e3)))
        kwargs = {"classes": list("abc")} if classifier and i == 0 else {}
        _, error = _outcome(lambda: est.partial_fit(Xc, y, **kwargs))  # noqa: B023
        assert error is None, repr(error)
        dtype = dtype or _training_dtype(X, container)
        assert est.n_iter_ == 1 and len(est.loss_curve_) == i + 1  # n_iter_: this call's
        assert all(W.dtype == dtype for W in est.coefs_ + est.intercepts_)
        _check_finite_predictions(est, Xc, y)


# ------------------------------------------------------ extreme magnitudes

EXTREMES = [0.0, 1e-300, -1e-300, 5e-324, 1e30, -1e30, 3.4028235e38, -3.4028235e38, 1e300]


@st.composite
def extreme_arrays(draw):
    """float32 / float64 data mixing huge, tiny and ordinary values (all finite)."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    top = float(np.finfo(dtype).max)
    values = st.one_of(
        st.sampled_from([v for v in EXTREMES if abs(v) <= top]), st.floats(-10, 10, width=32)
    )
    n = draw(st.integers(2, 10))
    X = draw(hnp.arrays(dtype, (n, draw(st.integers(1, 3))), elements=values))
    return draw(st.sampled_from([X, sp.csr_matrix(X)]))


def _extreme_targets(cls, n):
    """Two alternating classes, or targets spread over [0, 1]."""
    return np.arange(n) % 2 if cls in CLASSIFIERS else np.linspace(0, 1, n)


def _fit_extreme(cls, X):
    """Fit a tiny model on ``X``; returns it, or None after the documented overflow error."""
    y = _extreme_targets(cls, X.shape[0])
    est = fast_estimator(cls, **TINY)
    _, error = _outcome(lambda: est.fit(X, y))
    if error is not None:
        assert "too large" in str(error), repr(error)
        assert not hasattr(est, "coefs_")
        return None
    return est


@CHECKS
@given(cls=classes, X=extreme_arrays())
def test_extreme_magnitudes_keep_finite_weights(cls, X):
    """Values of 1e-300 to float max end in finite weights and loss, or in 'too large'."""
    est = _fit_extreme(cls, X)
    if est is not None:
        assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
        assert np.isfinite(est.loss_curve_).all()


@CHECKS
@example(cls=BPRegressor, X=np.array([[1e300], [1e300]]))  # outputs finite, squares not
@given(cls=classes, X=extreme_arrays())
def test_extreme_magnitudes_predict_finitely_on_the_training_data(cls, X):
    """A model fitted on extreme values predicts finitely on the rows it was fitted on."""
    est = _fit_extreme(cls, X)
    if est is not None:
        _check_finite_predictions(est, X, _extreme_targets(cls, X.shape[0]))


@CHECKS
@example(cls=BPClassifier, activation="identity", scale=3e38)
@given(
    cls=st.sampled_from(CLASSIFIERS),
    activation=st.sampled_from(["identity", "relu", "softplus", "leaky_relu", "tanh"]),
    scale=st.sampled_from([1e30, 1e37, 3e38]),
)
def test_predict_proba_of_any_finite_input_is_a_distribution(cls, activation, scale):
    """Probabilities of any finite float32 input are finite and sum to 1, or a clear error."""
    est = _fitted(cls, activation, np.float32)
    X = (np.random.RandomState(0).uniform(-1, 1, (50, 4)) * scale).astype(np.float32)
    proba, error = _outcome(lambda: est.predict_proba(X))
    if error is not None:
        assert "too large" in str(error), repr(error)
        return
    assert np.isfinite(proba).all(), "NaN probabilities for finite input"
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-4)


# ------------------------------------------------ invalid input is named


@CHECKS
@given(
    data=st.data(),
    cls=classes,
    value=st.sampled_from([np.nan, np.inf, -np.inf]),
    container=st.sampled_from(["ndarray", "list", "object", "csr", "csc", "fortran"]),
    dtype=st.sampled_from([np.float64, np.float32, np.float16]),
)
def test_non_finite_X_is_named(data, cls, value, container, dtype):
    """NaN or inf anywhere in X: every method raises a ValueError saying NaN / infinity."""
    method = data.draw(st.sampled_from(_methods_of(cls)))
    n = data.draw(st.integers(1, 8))
    X = np.ones((n, 4), dtype=dtype)
    X[data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, 3))] = value
    if container in ("csr", "csc") and dtype == np.float16:
        X = X.astype(np.float32)
    _expect_error(_method_call(cls, method, _contain(X, container), n), "NaN|infinity")


@CHECKS
@given(data=st.data(), cls=classes, value=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_non_finite_y_is_named(data, cls, value):
    """NaN or inf in y (targets or labels): fit and partial_fit say so."""
    method = data.draw(st.sampled_from(["fit", "partial_fit"]))
    n = data.draw(st.integers(2, 8))
    y = np.arange(n, dtype=float) % 2
    y[data.draw(st.integers(0, n - 1))] = value
    est = fast_estimator(cls, **TINY) if method == "fit" else copy.deepcopy(_fitted(cls))
    _expect_error(_call(est, method, np.ones((n, 4)), y), "NaN|infinity")


#: Malformed X and the words its error must contain.
MALFORMED_X = {
    "no rows": (lambda n: np.zeros((0, 4)), "0 sample"),
    "no rows, sparse": (lambda n: sp.csr_matrix((0, 4)), "0 sample"),
    "no features": (lambda n: np.zeros((n, 0)), "0 feature"),
    "1-D": (lambda n: np.zeros(n), "2D array"),
    "scalar": (lambda n: 5.0, "2D array"),
    "3-D": (lambda n: np.zeros((n, 4, 2)), "dim 3"),
    "complex": (lambda n: np.ones((n, 4)) + 1j, "[Cc]omplex"),
    "complex64": (lambda n: np.ones((n, 4), dtype=np.complex64), "[Cc]omplex"),
    "strings": (lambda n: np.full((n, 4), "a"), "string"),
    "bytes": (lambda n: np.full((n, 4), b"a"), "string"),
    "object with None": (lambda n: np.array([[None, 1, 2, 3]] * n, dtype=object), "NaN"),
    "ragged list": (lambda n: [[1.0, 2.0, 3.0, 4.0]] * (n - 1) + [[1.0]], "inhomogeneous"),
}


@CHECKS
@given(data=st.data(), cls=classes, case=st.sampled_from(sorted(MALFORMED_X)))
def test_malformed_X_is_named(data, cls, case):
    """Empty, featureless, 1-D, 3-D, complex, string or ragged X: a named error."""
    method = data.draw(st.sampled_from(_methods_of(cls)))
    n = data.draw(st.integers(2, 6))
    make, pattern = MALFORMED_X[case]
    _expect_error(_method_call(cls, method, make(n), n), pattern)


@CHECKS
@given(data=st.data(), cls=classes, p=st.integers(1, 6))
def test_wrong_number_of_features_is_named(data, cls, p):
    """After a fit on 4 features, any other count gets an error naming 'features'."""
    method = data.draw(st.sampled_from([m for m in _methods_of(cls) if m != "fit"]))
    if p == 4:
        p = 5
    n = data.draw(st.integers(1, 6))
    X = data.draw(st.sampled_from([np.ones((n, p)), sp.csr_matrix(np.ones((n, p)))]))
    _expect_error(_method_call(cls, method, X, n), "features")


@CHECKS
@given(data=st.data(), cls=classes, n=st.integers(2, 8))
def test_y_problems_are_named(data, cls, n):
    """y of the wrong length, shape or kind gets an error naming the problem."""
    X = np.random.RandomState(n).randn(n, 3)
    cases = {
        "shorter": (np.arange(n - 1) % 2, "inconsistent numbers of samples"),
        "longer": (np.arange(n + 3) % 2, "inconsistent numbers of samples"),
        "3-D": (np.zeros((n, 2, 2)), "dim 3"),
        "complex": (np.arange(n) % 2 + 1j, "[Cc]omplex"),
        "missing": (None, "requires y"),
    }
    if cls in CLASSIFIERS:
        cases["continuous"] = (np.linspace(0.1, 0.9, n), "label type")
        cases["one class"] = (np.full(n, "a"), "one class")
    else:
        cases["strings"] = (np.full(n, "a"), "string")
    y, pattern = cases[data.draw(st.sampled_from(sorted(cases)))]
    _expect_error(lambda: fast_estimator(cls, **TINY).fit(X, y), pattern)


@FEW_CHECKS
@given(cls=st.sampled_from(CLASSIFIERS), label=st.sampled_from([0, "a", -1.0, True]))
def test_single_class_is_named(cls, label):
    """A classifier given one class (one sample or many) says it needs two."""
    est = fast_estimator(cls, **TINY)
    _expect_error(lambda: est.fit(np.ones((1, 2)), [label]), "one class")
    _expect_error(
        lambda: est.partial_fit(np.ones((3, 2)), [label] * 3, classes=[label]), "one class"
    )


# ------------------------------------------------ hidden_layer_sizes values


@contextmanager
def _address_space_limited(extra_bytes=2**31):
    """Cap this process's address space at its current size plus ``extra_bytes``.

    An estimator that tries to allocate terabytes then gets a MemoryError at
    once instead of swapping the machine.
    """
    import resource  # POSIX only, hence imported here

    with open("/proc/self/status") as f:
        size = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + extra_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="caps memory through /proc and RLIMIT_AS"
)

bad_sizes = st.one_of(
    st.integers(max_value=0),
    st.floats(allow_nan=False),
    st.text(max_size=3),
    st.none(),
    st.lists(st.integers(1, 5), max_size=2).flatmap(
        lambda ok: st.one_of(st.integers(max_value=0), st.floats(0.5, 9.5)).map(
            lambda bad: (*ok, bad)
        )
    ),
)


@CHECKS
@given(cls=classes, sizes=bad_sizes)
def test_invalid_hidden_layer_sizes_are_named(cls, sizes):
    """Zero, negative, float, text or None sizes raise an error naming the parameter."""
    est = fast_estimator(cls, **{**TINY, "hidden_layer_sizes": sizes})
    _expect_error(lambda: est.fit(np.ones((4, 2)), [0, 1, 0, 1]), "hidden_layer_sizes")


@linux_only
@FEW_CHECKS
@example(cls=LRAClassifier, sizes=10**12)
@given(
    cls=classes,
    sizes=st.one_of(
        st.integers(10**10, 10**40), st.tuples(st.integers(10**5, 10**6), st.integers(10**5, 10**6))
    ),
)
def test_huge_hidden_layer_sizes_are_refused_before_allocating(cls, sizes):
    """A network too large for any machine is refused by name, without allocating it."""
    est = fast_estimator(cls, **{**TINY, "hidden_layer_sizes": sizes})
    X, y = np.ones((4, 2)), [0, 1, 0, 1]
    with _address_space_limited():
        _, error = _outcome(lambda: est.fit(X, y))
    assert error is not None and "hidden_layer_sizes" in str(error), repr(error)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_zero_dimensional_array_of_sizes(cls):
    """hidden_layer_sizes=np.array(5) is one layer of 5 units, or a named error."""
    est = fast_estimator(cls, **{**TINY, "hidden_layer_sizes": np.array(5)})
    _, error = _outcome(lambda: est.fit(np.ones((4, 2)), [0, 1, 0, 1]))
    if error is None:
        assert est.coefs_[0].shape == (2, 5)
    else:
        assert "hidden_layer_sizes" in str(error), repr(error)


# ---------------------------------------------------- numerical edge cases


@CHECKS
@example(cls=LRARegressor, scale=1e308)
@given(cls=classes, scale=st.floats(1e-300, 1.7e308))
def test_sample_weight_scale_does_not_matter(cls, scale):
    """Multiplying every sample weight by one constant gives the same model."""
    X = np.random.RandomState(0).randn(12, 3)
    y = np.arange(12) % 2 if cls in CLASSIFIERS else X[:, 0]
    ref = fast_estimator(cls, **TINY)
    scaled = fast_estimator(cls, **TINY)
    _outcome(lambda: ref.fit(X, y, sample_weight=np.ones(12)))
    _outcome(lambda: scaled.fit(X, y, sample_weight=np.full(12, scale)))
    assert scaled.n_iter_ == ref.n_iter_
    for a, b in zip(scaled.coefs_, ref.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-12)


@FEW_CHECKS
@example(cls=LRARegressor, big=1e300)
@given(cls=st.sampled_from(REGRESSORS), big=st.floats(3.5e38, 1e308))
def test_targets_too_large_for_float32_are_named(cls, big):
    """float32 X with targets float32 cannot hold gives an error that names y."""
    X = np.random.RandomState(0).randn(10, 3).astype(np.float32)
    y = np.linspace(0, 1, 10)
    y[3] = big
    _expect_error(lambda: fast_estimator(cls, **TINY).fit(X, y), r"\by\b|target")


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_divergence_raises_no_numpy_warning(cls):
    """A diverging fit warns DivergenceWarning only, even with RuntimeWarnings as errors."""
    X = (np.random.RandomState(0).randn(40, 4) * 1e10).astype(np.float32)
    y = np.arange(40) % 3 if cls in CLASSIFIERS else X[:, 0] / 1e10
    est = diverging_estimator(cls)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        est.fit(X, y)
    assert {w.category for w in caught} <= {DivergenceWarning, ConvergenceWarning}
    assert DivergenceWarning in {w.category for w in caught}

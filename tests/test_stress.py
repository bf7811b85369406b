"""Many fits with random hyperparameters: each ends finite, or with a documented error.

Every configuration draws an estimator, hyperparameters over a wide part of
their valid ranges, a data set (float32 / float64, dense / CSR / CSC) and a
sequence of calls (fit, partial_fit, warm-started refits). The seed of a
failing configuration is its test id; ``_draw(seed)`` rebuilds it.
"""

import re
import warnings
import zlib

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning

from sklearn_lra._activations import ACTIVATIONS
from sklearn_lra._initializers import INIT_SCHEMES
from sklearn_lra.exceptions import DivergenceWarning

from ._estimators import public_estimator_classes

ALL = public_estimator_classes()
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: Clear, documented errors a valid configuration may end with.
DOCUMENTED_ERRORS = "too large|early_stopping could not hold out|form='diff' has none"
#: UserWarnings the package documents: a clipped batch, a rule that needs phi', a setting
#: that cannot train (warned before training).
DOCUMENTED_USER_WARNINGS = "batch_size=|zero derivative|cannot train|barely learn"


def _pick(rng, options):
    """One of ``options``, as the plain Python object."""
    return options[rng.randint(len(options))]


def _log_uniform(rng, low, high):
    """A float spread evenly over the decades between ``low`` and ``high``."""
    return float(10 ** rng.uniform(np.log10(low), np.log10(high)))


def _maybe(rng, draw, p_none=0.3):
    """None with probability ``p_none``, else ``draw()``."""
    return None if rng.rand() < p_none else draw()


# Each sampler covers much of the valid range of its parameter; a parameter an
# estimator does not have is skipped. power_t stays <= 2: larger values hit the
# OverflowError pinned by test_invscaling_with_a_large_power_t_does_not_overflow.
SAMPLERS = {
    "hidden_layer_sizes": lambda r: tuple(int(w) for w in r.randint(1, 9, r.randint(0, 4))),
    "activation": lambda r: _pick(r, sorted(ACTIVATIONS)),
    "input_activation": lambda r: _pick(r, [None, "auto", *sorted(ACTIVATIONS)]),
    "init": lambda r: _pick(r, [*INIT_SCHEMES, "auto"]),
    "init_scale": lambda r: _maybe(r, lambda: _log_uniform(r, 1e-3, 10)),
    "solver": lambda r: _pick(r, ["sgd", "adam"]),
    "alpha": lambda r: _pick(r, [0.0, _log_uniform(r, 1e-6, 1e2)]),
    "input_alpha": lambda r: _pick(r, [None, "auto", 0.0, _log_uniform(r, 1e-6, 1e2)]),
    "input_scale": lambda r: _pick(r, [None, "auto", _log_uniform(r, 1e-3, 10.0)]),
    "batch_size": lambda r: _pick(r, ["auto", 1, int(r.randint(1, 100)), 2**62]),
    "learning_rate": lambda r: _pick(r, ["constant", "invscaling", "adaptive"]),
    "learning_rate_init": lambda r: _log_uniform(r, 1e-6, 1e1),
    "power_t": lambda r: float(r.uniform(0, 2)),
    "max_iter": lambda r: int(r.randint(1, 12)),
    "shuffle": lambda r: bool(r.rand() < 0.7),
    "random_state": lambda r: int(r.randint(1000)),
    "tol": lambda r: _pick(r, [0.0, _log_uniform(r, 1e-8, 1.0)]),
    "warm_start": lambda r: bool(r.rand() < 0.3),
    "momentum": lambda r: _pick(r, [0.0, 1.0, float(r.uniform(0, 1))]),
    "nesterovs_momentum": lambda r: bool(r.rand() < 0.5),
    "early_stopping": lambda r: bool(r.rand() < 0.3),
    "validation_fraction": lambda r: float(r.uniform(0.05, 0.9)),
    "beta_1": lambda r: _pick(r, [0.0, 0.9, 0.999999, float(r.uniform(0, 1))]),
    "beta_2": lambda r: _pick(r, [0.0, 0.999, 0.999999, float(r.uniform(0, 1))]),
    "epsilon": lambda r: _log_uniform(r, 1e-12, 1e-2),
    "n_iter_no_change": lambda r: _pick(r, [1, int(r.randint(1, 20)), np.inf]),
    "max_fun": lambda r: int(r.randint(1, 20000)),  # lbfgs only, which is not drawn
    # BPRegressor; 'poisson' needs y >= 0 (test_mlp_parity), which the data here is not
    "loss": lambda r: "squared_error",
    "dtype": lambda r: _pick(r, [None, None, "float32", np.float64]),
    # LRA
    "form": lambda r: _pick(r, ["fdbk", "diff", "lra_e"]),
    "beta": lambda r: _pick(r, [1e-8, _log_uniform(r, 1e-3, 10)]),
    "n_target_steps": lambda r: int(r.randint(1, 4)),
    "local_loss": lambda r: _pick(r, ["cauchy", "squared"]),
    "local_error": lambda r: _pick(r, ["pre", "pre_window", "post", "post_derivative"]),
    "feedback_init": lambda r: _pick(r, ["normal", "uniform", "orthogonal"]),
    "feedback_scale": lambda r: _maybe(r, lambda: _log_uniform(r, 1e-3, 10)),
    "gamma": lambda r: _maybe(r, lambda: _pick(r, [0.0, "output", _log_uniform(r, 1e-3, 10)])),
    "update_cap": lambda r: _maybe(r, lambda: _log_uniform(r, 1e-3, 10), 0.6),
    "window": lambda r: _pick(r, ["auto", _log_uniform(r, 1e-3, 10)]),
    "adaptive_scale": lambda r: bool(r.rand() < 0.5),
    "centering": lambda r: _pick(r, ["auto", True, False]),
    "use_bias": lambda r: bool(r.rand() < 0.7),
    # DTP
    "target_step": lambda r: _log_uniform(r, 1e-3, 10),
    "noise_scale": lambda r: _pick(r, [0.0, _log_uniform(r, 1e-3, 10)]),
    "inverse_learning_rate": lambda r: _pick(r, [0.0, _log_uniform(r, 1e-3, 10)]),
    "inverse_steps": lambda r: int(r.randint(1, 4)),
    # classifiers, where the estimator has it
    "class_weight": lambda r: _pick(r, [None, "balanced"]),
}


def _draw_params(cls, seed):
    """Random hyperparameters for every parameter of ``cls`` that has a sampler.

    Each parameter has its own random stream, so that a new parameter leaves
    the values drawn for the others (and the seeds of known failures) alone.
    """
    params = {"verbose": False}
    for name in sorted(cls().get_params()):
        if name in SAMPLERS:
            params[name] = SAMPLERS[name](np.random.RandomState([seed, zlib.crc32(name.encode())]))
    return params


def _draw_data(rng, classifier, dtype, fmt):
    """A small data set; labels (each class twice or more) or 1-2 target columns."""
    n, p = int(rng.randint(6, 60)), int(rng.randint(1, 7))
    X = rng.randn(n, p) * _log_uniform(rng, 1e-3, 1e3) + rng.uniform(-10, 10)
    X[rng.rand(n, p) < 0.3] = 0.0  # some zeros, so that sparse formats matter
    X = X.astype(dtype)
    if fmt != "dense":
        X = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    if classifier:
        k = int(rng.randint(2, min(4, n // 2) + 1))
        labels = _pick(rng, [np.arange(k), np.array(list("abcd"))[:k], np.arange(k) * 2.0 - 1])
        y = labels[rng.permutation(np.arange(n) % k)]
    else:
        y = rng.randn(n, int(rng.randint(1, 3))) * _log_uniform(rng, 1e-2, 1e2)
        y = y.ravel() if y.shape[1] == 1 and rng.rand() < 0.7 else y
    sample_weight = None
    if rng.rand() < 0.3:
        sample_weight = rng.uniform(0, 3, n) * (rng.rand(n) < 0.8)
        sample_weight[0] = 1.0  # never all zero: that is rejected, and tested elsewhere
    return X, y, sample_weight


def _draw(seed):
    """The configuration of ``seed``: estimator, data and the calls after the first fit."""
    rng = np.random.RandomState(seed)
    cls = _pick(rng, ALL)
    params = _draw_params(cls, seed)
    dtype = _pick(rng, [np.float32, np.float64])
    fmt = _pick(rng, ["dense", "dense", "csr", "csc"])
    classifier = is_classifier(cls())
    X, y, sw = _draw_data(rng, classifier, dtype, fmt)
    first = _pick(rng, ["fit", "fit", "partial_fit"])
    then = [_pick(rng, ["partial_fit", "warm_fit", "fit"]) for _ in range(rng.randint(0, 4))]
    return cls(**params), X, y, sw, first, then, rng


def _rows(rng, X, y, sw, classifier):
    """A random subset of the rows, with row 0 (weight 1) and a row of every class."""
    keep = rng.rand(X.shape[0]) < rng.uniform(0.2, 1.0)
    keep[0] = True
    if classifier:
        keep[np.unique(y, return_index=True)[1]] = True
    return X[keep], y[keep], None if sw is None else sw[keep]


def _call(est, how, X, y, sw, rng, classes):
    """One training call: ``fit``, ``partial_fit`` or a warm-started ``fit``."""
    if how == "warm_fit":
        est.set_params(
            warm_start=True,
            learning_rate_init=SAMPLERS["learning_rate_init"](rng),
            max_iter=SAMPLERS["max_iter"](rng),
        )
        how = "fit"
    if how == "fit":
        if est.early_stopping:
            # At least 2 validation rows, as MLPClassifier requires (pinned by
            # test_early_stopping_with_one_validation_sample_is_refused).
            fraction = max(est.validation_fraction, 2.0 / X.shape[0])
            est.set_params(validation_fraction=min(fraction, 0.9))
        return est.fit(X, y, sample_weight=sw)
    kwargs = {}
    if is_classifier(est) and not hasattr(est, "coefs_"):
        kwargs["classes"] = classes
    return est.partial_fit(X, y, sample_weight=sw, **kwargs)


def _check_warnings(caught):
    """Only the warnings the package documents (numpy's RuntimeWarnings are tolerated)."""
    for w in caught:
        if issubclass(w.category, ConvergenceWarning | DivergenceWarning | RuntimeWarning):
            continue
        if w.category is UserWarning and re.search(DOCUMENTED_USER_WARNINGS, str(w.message)):
            continue
        raise AssertionError(f"unexpected {w.category.__name__}: {w.message}")


def _check_model(est, X, y):
    """Finite parameters, history and predictions; parameters in ``dtype`` or the data's."""
    arrays = est.coefs_ + est.intercepts_
    arrays += [a for name in est._rule_attributes for a in getattr(est, name)]
    assert all(np.isfinite(a).all() for a in arrays), "non-finite parameters"
    dtype = X.dtype if est.dtype is None else np.dtype(est.dtype)
    assert all(a.dtype == dtype for a in arrays), "parameters not in the training dtype"
    # n_iter_ counts the last call's epochs; loss_curve_ every call's.
    assert np.isfinite(est.loss_curve_).all() and len(est.loss_curve_) >= est.n_iter_
    if est.early_stopping:
        # -inf is an honest R^2 for an epoch whose predictions are far off; NaN is not.
        assert not np.isnan(est.validation_scores_).any(), "NaN validation score"
    pred = est.predict(X)
    assert len(pred) == X.shape[0]
    if is_classifier(est):
        assert np.isin(pred, est.classes_).all()
        proba = est.predict_proba(X)
        assert np.isfinite(proba).all(), "NaN or inf probabilities"
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-4)
    else:
        assert np.isfinite(pred).all(), "NaN or inf predictions"


def _is_documented_error(exc, est, how):
    """A clear ValueError the package documents for a valid configuration."""
    if not isinstance(exc, ValueError):
        return False
    if how == "partial_fit" and est.early_stopping:
        return "early_stopping" in str(exc)
    if how == "partial_fit" and getattr(est, "class_weight", None) == "balanced":
        return "class_weight" in str(exc)
    return re.search(DOCUMENTED_ERRORS, str(exc)) is not None


def _run(seed):
    """Run configuration ``seed`` and check every call's outcome."""
    est, X, y, sw, first, then, rng = _draw(seed)
    classifier = is_classifier(est)
    classes = np.unique(y) if classifier else None
    for i, how in enumerate([first] + then):
        Xs, ys, sws = (X, y, sw) if i == 0 else _rows(rng, X, y, sw, classifier)
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            try:
                _call(est, how, Xs, ys, sws, rng, classes)
            except Exception as exc:
                if not _is_documented_error(exc, est, how):
                    raise AssertionError(f"seed {seed}, call {i} ({how}): {exc!r}") from exc
        _check_warnings(caught)
        if hasattr(est, "coefs_"):
            _check_model(est, X, y)


#: Seeds of the long run that hit a known bug, and the test that pins that bug.
KNOWN_BUGS = {}


def _seeds(seeds):
    """``seeds`` as test parameters, the known failures marked as expected."""
    return [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[s]))
        if s in KNOWN_BUGS
        else s
        for s in seeds
    ]


@pytest.mark.parametrize("cls", public_estimator_classes())
def test_every_hyperparameter_is_drawn(cls):
    """A new hyperparameter cannot escape the stress test: each has a sampler."""
    missing = set(cls().get_params()) - set(SAMPLERS) - {"verbose"}
    assert not missing, f"no sampler for {sorted(missing)}"


@pytest.mark.parametrize("seed", _seeds(range(40)))
def test_random_configuration(seed):
    """A random estimator, hyperparameters, data and call sequence end with a finite model."""
    _run(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", _seeds(range(40, 1040)))
def test_random_configuration_long(seed):
    """The same over 1000 more configurations (run with -m slow)."""
    _run(seed)


# ---------------------------------------------------------------------------
# Bugs the random runs found, each pinned by the smallest configuration that
# shows it. They are expected failures until the package is fixed.

X_SMALL = np.random.RandomState(0).randn(20, 3).astype(np.float32)
Y_SMALL = np.random.RandomState(1).randn(20).astype(np.float32)
Y_LABELS = np.arange(20) % 2

#: One full-batch step so large that the weights stay finite in float32 while
#: the outputs they give on the training data overflow.
OVERFLOWING_STEP = dict(
    hidden_layer_sizes=(4,),
    activation="identity",
    init="normal",
    learning_rate_init=1e22,
    momentum=0.0,
    batch_size=20,
    shuffle=False,
    random_state=0,
)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_invscaling_with_a_large_power_t_does_not_overflow(cls):
    """Any valid power_t trains: a tiny inverse-scaled rate is no error."""
    y = Y_LABELS if is_classifier(cls()) else Y_SMALL
    est = cls(
        hidden_layer_sizes=(3,),
        learning_rate="invscaling",
        power_t=200.0,
        batch_size=5,
        max_iter=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_SMALL, y)
    assert np.isfinite(est.predict(X_SMALL).astype(float)).all()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_last_step_that_overflows_the_outputs_is_not_kept(cls):
    """A model whose outputs on its own training data overflow is never returned."""
    y = Y_LABELS if is_classifier(cls()) else Y_SMALL
    est = cls(max_iter=1, **OVERFLOWING_STEP)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", (ConvergenceWarning, DivergenceWarning))
        est.fit(X_SMALL, y)
        out = est.predict_proba(X_SMALL) if is_classifier(est) else est.predict(X_SMALL)
    assert np.isfinite(out).all()


@pytest.mark.parametrize(
    "cls", [c for c in ALL if not is_classifier(c())], ids=lambda c: c.__name__
)
def test_early_stopping_on_an_overflowing_epoch_is_divergence(cls):
    """An epoch whose validation outputs overflow ends training like any divergence."""
    params = {**OVERFLOWING_STEP, "batch_size": 10}
    est = cls(max_iter=2, early_stopping=True, validation_fraction=0.5, **params)
    with pytest.warns(DivergenceWarning), np.errstate(all="ignore"):
        est.fit(X_SMALL, Y_SMALL)
    assert np.isfinite(est.predict(X_SMALL)).all()


@pytest.mark.parametrize(
    "cls", [c for c in ALL if not is_classifier(c())], ids=lambda c: c.__name__
)
def test_early_stopping_with_one_validation_sample_is_refused(cls):
    """A regressor asked to early-stop on one held-out row says it needs more."""
    est = cls(hidden_layer_sizes=(3,), early_stopping=True, validation_fraction=0.1, max_iter=3)
    with pytest.raises(ValueError, match="validation"):
        est.fit(X_SMALL[:10], Y_SMALL[:10])


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_changing_lra_form_then_continuing_is_clear(how):
    """Switching an LRA model away from form='diff' and continuing is no AttributeError."""
    from sklearn_lra import LRAClassifier

    est = LRAClassifier(hidden_layer_sizes=(4, 3), form="diff", max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_SMALL, Y_LABELS)
        est.set_params(form="fdbk", warm_start=True)
        resume = est.fit if how == "warm_start" else est.partial_fit
        try:
            resume(X_SMALL, Y_LABELS)
        except ValueError as exc:
            assert "form" in str(exc)
        else:
            assert len(est.feedback_matrices_) == 2


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_changing_hidden_layer_sizes_then_warm_starting_is_clear(cls):
    """Warm-starting after a new hidden_layer_sizes refits that shape or says why not."""
    y = Y_LABELS if is_classifier(cls()) else Y_SMALL
    est = cls(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_SMALL, y)
        est.set_params(hidden_layer_sizes=(5, 6), warm_start=True)
        try:
            est.fit(X_SMALL, y)
        except ValueError as exc:
            assert "hidden_layer_sizes" in str(exc)
        else:
            assert [W.shape[1] for W in est.coefs_[:-1]] == [5, 6]


@pytest.mark.parametrize(
    "name, param, attribute",
    [
        ("LRAClassifier", "gamma", "feedback_matrices_"),
        ("DTPClassifier", "inverse_learning_rate", "inverse_coefs_"),
    ],
)
def test_partial_fit_after_enabling_learned_rule_parameters(name, param, attribute):
    """Turning on learning of the rule's own weights between partial_fits takes effect."""
    import sklearn_lra

    est = getattr(sklearn_lra, name)(hidden_layer_sizes=(4, 4), random_state=0, **{param: 0.0})
    est.partial_fit(X_SMALL, Y_LABELS, classes=[0, 1])
    before = [a.copy() for a in getattr(est, attribute)]
    est.set_params(**{param: 1.0})
    est.partial_fit(X_SMALL, Y_LABELS)
    assert any(not np.array_equal(a, b) for a, b in zip(getattr(est, attribute), before))

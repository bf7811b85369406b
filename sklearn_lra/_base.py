"""The estimator base shared by every learning rule.

It owns validation, initialisation, the epoch loop, learning-rate schedules,
early stopping, ``warm_start``, ``partial_fit`` and prediction. A concrete rule
adds its hyperparameters and implements :meth:`BaseNetwork._make_rule`.
"""

import copy
import os
import time
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.callback import CallbackSupportMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._activations import ACTIVATIONS
from ._compat import Interval, Options, StrOptions, _fit_context
from ._initializers import INIT_SCHEMES, init_matrix
from ._network import Network
from ._params import build_parameters
from ._training import TrainingState, run_epoch
from ._version import __version__

_SCHEDULES = ("constant", "invscaling", "adaptive")
# Attributes scikit-learn's callback machinery sets during a fit and removes after it.
_CALLBACK_STATE = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


class DivergenceWarning(UserWarning):
    """Training diverged; the weights of the last finite epoch were kept."""


class _Diverged(Exception):
    """Raised inside the epoch loop once divergence has been handled."""


class _Snapshots:
    """The parameter copies training may go back to: initial, previous, last, best."""

    def __init__(self, initial):
        self.initial = self.previous = self.last = initial
        self.best = None

    def push(self, snapshot):
        """Record the end of a finite epoch."""
        self.previous, self.last = self.last, snapshot

    def fallbacks(self, n_epochs):
        """Snapshots to try after divergence, newest first, labelled for the warning."""
        return [
            (f"the last finite epoch ({n_epochs})", self.last),
            (f"the epoch before ({max(n_epochs - 1, 0)})", self.previous),
            ("the initialisation", self.initial),
        ]


def _physical_memory():
    """Bytes of physical memory, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _all_finite(loss, state):
    """True when the epoch's loss and every parameter are finite."""
    arrays = state.net.params + [a for v in state.extra.values() for a in v]
    return np.isfinite(loss) and all(np.isfinite(a).all() for a in arrays)


class BaseNetwork(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared engine of every estimator of the package; not for direct use."""

    _own_defaults = {
        "hidden_layer_sizes": (100,),
        "activation": "tanh",
        "init": "glorot_uniform",
        "init_scale": None,
        "solver": "sgd",
        "alpha": 0.0,
        "batch_size": "auto",
        "learning_rate": "constant",
        "learning_rate_init": 0.01,
        "power_t": 0.5,
        "max_iter": 200,
        "shuffle": True,
        "random_state": None,
        "tol": 1e-4,
        "verbose": False,
        "warm_start": False,
        "momentum": 0.9,
        "nesterovs_momentum": True,
        "early_stopping": False,
        "validation_fraction": 0.1,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-8,
        "n_iter_no_change": 10,
    }

    _own_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "init": [StrOptions(set(INIT_SCHEMES))],
        "init_scale": [Interval(Real, 0, None, closed="left"), None],
        "solver": [StrOptions({"sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(set(_SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
    }

    #: Names of the fitted attributes that hold the rule's own parameters.
    _rule_attributes = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build_parameters(cls)

    @abstractmethod
    def _make_rule(self):
        """The :class:`~sklearn_lra.rules._rule.LearningRule` for one fit."""

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``(X, y)``, from scratch unless ``warm_start``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data; float32 stays float32, CSR and CSC are accepted.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifiers) or targets (regressors).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in every minibatch average.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_atomic(X, y, sample_weight, incremental=False)

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)`` continuing from the current weights."""
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out data between calls. Set early_stopping=False."
            )
        return self._fit_atomic(X, y, sample_weight, incremental=True, classes=classes)

    def _fit_atomic(self, X, y, sample_weight, incremental, classes=None):
        """Run a fit; on any error restore every attribute as it was before."""
        # Lists and the random state are mutated in place by training: copy them.
        saved = {
            k: copy.copy(v) if isinstance(v, list | np.random.RandomState) else v
            for k, v in self.__dict__.items()
        }
        try:
            return self._fit(X, y, sample_weight, incremental, classes)
        except BaseException:
            # The callback context belongs to the fit that is ending: keep it for teardown.
            live = {k: v for k, v in self.__dict__.items() if k in _CALLBACK_STATE}
            self.__dict__.clear()
            self.__dict__.update(saved)
            self.__dict__.update(live)
            raise

    def _fit(self, X, y, sample_weight, incremental, classes):
        fitted = hasattr(self, "coefs_")
        first = not fitted or not (incremental or self.warm_start)
        X, y = self._validate_input(X, y, reset=first, incremental=incremental)
        Y = self._encode_targets(y, first, classes, X.dtype)
        sw = self._sample_weights(sample_weight, X, y, incremental)
        if first:
            self._random_state = check_random_state(self.random_state)
            state = self._new_state(X.shape[1], Y.shape[1], X.dtype)
            self._reset_history()
        else:
            state = self._continued_state(X.dtype, keep_optimizer=incremental)
        self._check_rule_activation(state.rule)
        max_iter = 1 if incremental else self.max_iter
        self._train(state, X, Y, sw, y, max_iter, incremental)
        return self

    # ---------------------------------------------------------- validation

    def _sample_weights(self, sample_weight, X, y, incremental):
        """``sample_weight`` times the ``class_weight`` of each sample, or None."""
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        cw = self._class_weights(y, incremental)
        if cw is not None:
            sw = cw.astype(X.dtype) if sw is None else sw * cw.astype(X.dtype)
        if sw is not None and sw.max() > 0:
            sw = sw / sw.max()  # only ratios matter; this keeps sums finite
        return sw

    def _validate_input(self, X, y, reset, incremental):
        """Validate ``X`` and ``y``; keeps float32, accepts CSR/CSC."""
        if not reset and hasattr(self, "coefs_"):
            dtype = self.coefs_[0].dtype
        else:
            dtype = (np.float64, np.float32)
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=["csr", "csc"],
            dtype=dtype,
            multi_output=not is_classifier(self),
            y_numeric=not is_classifier(self),
        )
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()  # minibatches slice rows, which CSR does cheaply
        return X, y

    def _hidden_sizes(self):
        """``hidden_layer_sizes`` as a list of positive ints, validated."""
        sizes = self.hidden_layer_sizes
        sizes = [np.asarray(sizes).item()] if np.ndim(sizes) == 0 else list(sizes)
        for s in sizes:
            if not isinstance(s, Integral | np.integer) or s < 1:
                raise ValueError(
                    "hidden_layer_sizes must be a positive int or a sequence of "
                    f"positive ints, got {self.hidden_layer_sizes!r}."
                )
        return [int(s) for s in sizes]

    def _check_network_fits_in_memory(self, units, dtype):
        """Refuse, before allocating, a network whose weights alone exceed the RAM."""
        n_weights = sum(a * b for a, b in zip(units[:-1], units[1:]))
        needed = 3 * n_weights * np.dtype(dtype).itemsize  # weights, directions, momenta
        available = _physical_memory()
        if available and needed > available:
            raise ValueError(
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} needs about "
                f"{needed / 2**30:.3g} GiB for its weights, more than this machine's "
                f"{available / 2**30:.3g} GiB of memory."
            )

    def _check_rule_activation(self, rule):
        """Warn when a derivative-based rule meets an activation with no gradient."""
        if rule.needs_derivative and not ACTIVATIONS[self.activation].has_gradient:
            warnings.warn(
                f"{type(self).__name__} uses the derivative of the activation to send "
                f"its learning signal to the hidden layers, and "
                f"activation={self.activation!r} has a zero derivative almost "
                "everywhere: only the output layer will learn. Use LRAClassifier / "
                "LRARegressor, or a differentiable activation.",
                UserWarning,
                stacklevel=4,
            )

    # ------------------------------------------------------------ state

    def _new_state(self, n_features, n_outputs, dtype):
        """Fresh weights and rule parameters for a network of this shape."""
        units = [n_features] + self._hidden_sizes() + [n_outputs]
        self._check_network_fits_in_memory(units, dtype)
        rng = self._random_state
        coefs = [
            init_matrix(self.init, (units[i], units[i + 1]), rng, self.init_scale, dtype)
            for i in range(len(units) - 1)
        ]
        intercepts = [np.zeros(n, dtype=dtype) for n in units[1:]]
        net = Network(coefs, intercepts, self.activation, self._output_function())
        rule = self._make_rule()
        extra = rule.init_params(units, rng, dtype)
        return TrainingState(net, rule, extra, self)

    def _check_continuable(self):
        """Refuse to continue when the parameters no longer describe the fitted network."""
        fitted_sizes = [W.shape[1] for W in self.coefs_[:-1]]
        if fitted_sizes != self._hidden_sizes():
            raise ValueError(
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} differs from the fitted "
                f"network's hidden layers {tuple(fitted_sizes)}: warm_start and partial_fit "
                "continue the fitted network. Refit with warm_start=False."
            )
        missing = [k for k in self._rule_attributes if not hasattr(self, k)]
        if missing:
            raise ValueError(
                f"The fitted model has no {', '.join(missing)}: a parameter that decides "
                "which rule parameters exist (such as LRA's form) changed since it was "
                "fitted. Refit with warm_start=False."
            )

    def _continued_state(self, dtype, keep_optimizer):
        """A state holding private copies of the fitted parameters."""
        self._check_continuable()
        coefs = [W.copy() for W in self.coefs_]
        intercepts = [b.copy() for b in self.intercepts_]
        net = Network(coefs, intercepts, self.activation, self._output_function())
        extra = {k: [a.copy() for a in getattr(self, k)] for k in self._rule_attributes}
        optimizers = None
        if keep_optimizer and getattr(self, "_optimizers", None) is not None:
            optimizers = copy.deepcopy(self._optimizers)
        rule = self._make_rule()
        if optimizers is not None and len(optimizers) != 1 + len(rule.learning_rates()):
            optimizers = None  # the learned rule parameters changed (e.g. gamma from 0)
        # Optimizer state refers to arrays by position, so it survives the copy.
        return TrainingState(net, rule, extra, self, optimizers)

    def _reset_history(self):
        """Clear the per-epoch records of an earlier fit."""
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.validation_loss_curve_ = [] if self.early_stopping else None
        self.best_loss_ = np.inf if not self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self.n_iter_ = 0
        self.t_ = 0
        self._no_improvement_count = 0
        self._learning_rate = self.learning_rate_init

    # ------------------------------------------------------------ training

    def _train(self, state, X, Y, sw, y, max_iter, incremental):
        """Run up to ``max_iter`` epochs, then publish the weights.

        Divergence (non-finite loss, weights or outputs) and ``KeyboardInterrupt``
        both end training at the last finite, completed epoch, with a warning.
        Divergence is detected explicitly, so numpy's overflow warnings are muted.
        """
        X, y, Y, sw, X_val, y_val, Y_val = self._split_validation(X, y, Y, sw, incremental)
        batch_size = self._batch_size(X.shape[0])
        ctx = self._begin_callbacks(X, y, max_iter)
        history = _Snapshots(self._snapshot(state))
        converged = incremental
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                for _ in range(max_iter):
                    stop = self._epoch(
                        state, X, y, Y, sw, batch_size, ctx, history, (X_val, y_val, Y_val)
                    )
                    if stop or (not incremental and self._should_stop()):
                        converged = True
                        break
            except _Diverged:
                converged = True
            except KeyboardInterrupt:
                warnings.warn(
                    f"Training interrupted by user after {self.n_iter_} epochs; "
                    "keeping the weights of the last completed epoch.",
                    stacklevel=4,
                )
                self._restore(state, history.last)
                converged = True
            self._keep_finite_outputs(state, X, history)
        if not converged:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )
        self._commit(state)
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y)

    def _epoch(self, state, X, y, Y, sw, batch_size, ctx, history, validation):
        """One epoch with its bookkeeping; returns True when a callback asks to stop."""
        epoch_ctx = ctx.subcontext(task_name="epoch")
        epoch_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        tic = time.perf_counter()
        loss = run_epoch(
            state, X, Y, sw, batch_size, self._random_state, self.shuffle, self._scheduled_rate
        )
        loss += self._l2_penalty(state.net, batch_size)
        scores = self._validation_score(state.net, *validation) if self.early_stopping else ()
        if not (_all_finite(loss, state) and np.isfinite(scores).all()):
            self._diverged(state, history.fallbacks(self.n_iter_), X)
            raise _Diverged
        history.push(self._snapshot(state))
        self.n_iter_ += 1
        self.t_ += X.shape[0]
        self.loss_curve_.append(loss)
        if self._record_epoch(loss, scores):
            history.best = history.last
        self._print_progress(loss, time.perf_counter() - tic)
        return epoch_ctx.call_on_fit_task_end(
            estimator=self,
            X=X,
            y=y,
            reconstruction_attributes=lambda: self._fitted_attributes(state),
        )

    def _keep_finite_outputs(self, state, X, history):
        """Restore the best epoch (early stopping) and make sure outputs on ``X`` are finite.

        The loss of an epoch is measured before its last update, so the final
        weights get one forward pass over the training data of their own.
        """
        if history.best is not None:
            self._restore(state, history.best)
        if not np.isfinite(state.net.predict_output(X)).all():
            self._diverged(state, history.fallbacks(self.n_iter_), X)

    def _begin_callbacks(self, X, y, max_iter):
        """The root callback context of this fit, one subtask per epoch."""
        ctx = self._init_callback_context(max_subtasks=max_iter)
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        return ctx

    def _diverged(self, state, snapshots, X):
        """Go back to the latest snapshot whose outputs on ``X`` are finite; warn."""
        for label, snapshot in snapshots:  # noqa: B007 - label is used after the loop
            self._restore(state, snapshot)
            if np.isfinite(state.net.predict_output(X)).all():
                break
        else:
            raise ValueError(
                f"{type(self).__name__} cannot train on this data: even the initial "
                "network's outputs overflow. The input values are too large for "
                f"{X.dtype}; scale them (e.g. with StandardScaler)."
            )
        warnings.warn(
            f"{type(self).__name__} diverged during epoch {self.n_iter_ + 1}: the loss or "
            f"the weights became infinite or NaN. Training stopped and the weights of "
            f"{label} were kept. Try a smaller learning_rate_init, a smaller init_scale, "
            "scaled input (StandardScaler), or solver='adam'.",
            DivergenceWarning,
            stacklevel=4,
        )

    def _fitted_attributes(self, state):
        """The fitted attributes of the state as it is now (for callbacks)."""
        net = state.net
        attributes = dict(
            coefs_=net.coefs,
            intercepts_=net.intercepts,
            n_layers_=net.n_layers + 1,
            n_outputs_=net.coefs[-1].shape[1],
            out_activation_=net.output_name,
        )
        attributes.update(state.extra)
        return attributes

    def _split_validation(self, X, y, Y, sw, incremental):
        """Hold out ``validation_fraction`` of the rows when early stopping."""
        if not self.early_stopping or incremental:
            return X, y, Y, sw, None, None, None
        stratify = y if is_classifier(self) else None
        idx = np.arange(X.shape[0])
        try:
            train, val = train_test_split(
                idx,
                test_size=self.validation_fraction,
                random_state=self._random_state,
                stratify=stratify,
            )
        except ValueError as exc:
            raise ValueError(
                f"early_stopping could not hold out validation_fraction="
                f"{self.validation_fraction} of {X.shape[0]} samples: {exc}"
            ) from exc
        if not is_classifier(self) and len(val) < 2:
            raise ValueError(
                f"early_stopping holds out {len(val)} sample(s) of {X.shape[0]}; the R^2 "
                "validation score needs at least 2. Raise validation_fraction or turn "
                "early_stopping off.")
        sw_train = None if sw is None else sw[train]
        return X[train], y[train], Y[train], sw_train, X[val], y[val], Y[val]

    def _batch_size(self, n_samples):
        """``batch_size`` clipped to the data, with ``"auto"`` = min(200, n)."""
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} "
                "samples; using the whole data set as one minibatch.",
                UserWarning,
                stacklevel=4,
            )
        return int(min(self.batch_size, n_samples))

    def _scheduled_rate(self, n_seen_in_epoch):
        """The learning rate after ``t_ + n_seen_in_epoch`` samples."""
        if self.learning_rate == "invscaling":
            # A negative power of a float underflows to 0 instead of overflowing.
            return self.learning_rate_init * float(self.t_ + n_seen_in_epoch + 1) ** -self.power_t
        return self._learning_rate

    def _l2_penalty(self, net, batch_size):
        """``alpha / 2 * sum ||W||^2 / B``, the term MLPClassifier adds to its loss."""
        if not self.alpha:
            return 0.0
        total = sum(float(np.vdot(W, W)) for W in net.coefs)
        return 0.5 * self.alpha * total / batch_size

    def _record_epoch(self, loss, scores):
        """Update the stopping counters; returns True when early stopping's best improved."""
        if self.early_stopping:
            score, val_loss = scores
            self.validation_scores_.append(score)
            self.validation_loss_curve_.append(val_loss)
            improved = score > self.best_validation_score_
            stalled = score < self.best_validation_score_ + self.tol
            self.best_validation_score_ = max(self.best_validation_score_, score)
        else:
            improved = False  # without early stopping the last epoch is kept
            stalled = loss > self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, loss)
        self._no_improvement_count = self._no_improvement_count + 1 if stalled else 0
        return improved

    def _validation_score(self, net, X_val, y_val, Y_val):
        """Score (accuracy or R^2) and task loss on the held-out rows."""
        out = net.predict_output(X_val)
        if not np.isfinite(out).all():
            return np.nan, np.nan  # divergence; the epoch loop handles it
        loss = net.loss_fn(Y_val.astype(out.dtype, copy=False), out)
        return self._score_output(out, y_val), loss

    def _should_stop(self):
        """Apply ``n_iter_no_change``; the adaptive schedule first divides the rate by 5."""
        if self._no_improvement_count <= self.n_iter_no_change:
            return False
        if self.learning_rate == "adaptive" and self._learning_rate > 1e-6:
            self._learning_rate /= 5.0
            self._no_improvement_count = 0
            if self.verbose:
                print(f"Setting learning rate to {self._learning_rate:f}")
            return False
        if self.verbose:
            what = "Validation score" if self.early_stopping else "Training loss"
            print(
                f"{what} did not improve more than tol={self.tol} for "
                f"{self.n_iter_no_change} consecutive epochs. Stopping."
            )
        return True

    def _print_progress(self, loss, seconds):
        """One line per epoch when ``verbose``."""
        if not self.verbose:
            return
        line = f"Iteration {self.n_iter_}, loss = {loss:.8f}"
        if self.early_stopping:
            line += f", validation score = {self.validation_scores_[-1]:.6f}"
        print(f"{line}, time = {seconds:.3f}s")

    def _snapshot(self, state):
        """Copies of every parameter, to restore the best epoch later."""
        return (
            [W.copy() for W in state.net.coefs],
            [b.copy() for b in state.net.intercepts],
            {k: [a.copy() for a in v] for k, v in state.extra.items()},
        )

    def _restore(self, state, snapshot):
        """Write a snapshot back into the state's arrays."""
        coefs, intercepts, extra = snapshot
        for dst, src in zip(
            state.net.params + [a for v in state.extra.values() for a in v],
            coefs + intercepts + [a for v in extra.values() for a in v],
        ):
            dst[...] = src

    def _commit(self, state):
        """Publish the trained parameters as fitted attributes."""
        for name, value in self._fitted_attributes(state).items():
            setattr(self, name, value)
        self._optimizers = state.optimizers

    # ---------------------------------------------------------- predict

    def _network(self):
        """A :class:`Network` view of the fitted parameters."""
        return Network(self.coefs_, self.intercepts_, self.activation, self.out_activation_)

    def _forward(self, X):
        """Validated ``X`` through the fitted network, in bounded memory."""
        check_is_fitted(self)
        X = validate_data(
            self, X, reset=False, accept_sparse=["csr", "csc"], dtype=self.coefs_[0].dtype
        )
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._network().predict_output(X)
        if not np.isfinite(out).all():
            raise ValueError(
                f"The network's outputs overflow {out.dtype} for some rows of X: their "
                "values are too large for the fitted weights. Scale X as it was scaled "
                "for training (e.g. with the same StandardScaler).")
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def __getstate__(self):
        state = super().__getstate__()
        if hasattr(self, "coefs_"):
            state["_sklearn_lra_version"] = __version__
        return state

    def __setstate__(self, state):
        saved = state.get("_sklearn_lra_version", __version__)
        if saved != __version__:
            warnings.warn(
                f"Trying to unpickle {type(self).__name__} from sklearn-lra {saved} "
                f"with version {__version__}. This might lead to breaking code or "
                "invalid results. Use at your own risk.",
                UserWarning,
                stacklevel=2,
            )
        super().__setstate__(state)


class NetworkClassifierMixin(ClassifierMixin):
    """Classifier behaviour: label encoding, softmax output, probabilities."""

    _own_defaults = {"class_weight": None}
    _own_constraints = {"class_weight": [dict, StrOptions({"balanced"}), None]}

    def _class_weights(self, y, incremental):
        """Per-sample weights from ``class_weight`` (None when it is None)."""
        if self.class_weight is None:
            return None
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the class "
                "frequencies of one call are not those of the data. Pass a dict, e.g. "
                "computed once with sklearn.utils.class_weight.compute_class_weight."
            )
        return compute_sample_weight(self.class_weight, y)

    def _output_function(self):
        return "softmax"

    def _encode_targets(self, y, first, classes, dtype):
        """One-hot ``Y`` for the softmax output; sets ``classes_`` on a first fit."""
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first:
            labels = unique_labels(y) if classes is None else unique_labels(classes)
            if len(labels) < 2:
                raise ValueError(
                    f"{type(self).__name__} can't train when only one class is "
                    f"present: got only the label {labels[0]!r}. A classifier needs "
                    "samples of at least 2 classes."
                )
            self.classes_ = labels
        unseen = np.setdiff1d(unique_labels(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} that are not in classes_ "
                f"{self.classes_.tolist()}; pass every label in `classes` on the "
                "first call to partial_fit."
            )
        idx = np.searchsorted(self.classes_, y)
        return np.eye(len(self.classes_), dtype=dtype)[idx]

    def _score_output(self, proba, y):
        return float(np.mean(self.classes_[proba.argmax(axis=1)] == y))

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The most probable class of each sample.
        """
        proba = self._forward(X)
        return self.classes_[proba.argmax(axis=1)]

    def predict_proba(self, X):
        """Class probabilities (the softmax output).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return self._forward(X)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch of minibatch updates on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever be seen; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : object
        """
        fitted = hasattr(self, "coefs_")
        if not fitted and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if fitted and classes is not None:
            if not np.array_equal(unique_labels(classes), self.classes_):
                raise ValueError(
                    f"`classes` {list(classes)} differs from the classes_ "
                    f"{self.classes_.tolist()} of the first call to partial_fit."
                )
        return self._partial_fit(X, y, sample_weight, classes)


class NetworkRegressorMixin(RegressorMixin):
    """Regressor behaviour: identity output with squared error."""

    def _class_weights(self, y, incremental):
        """Regressors have no classes: no weights."""
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _output_function(self):
        return "identity"

    def _encode_targets(self, y, first, classes, dtype):
        """Targets as a float matrix ``(n_samples, n_outputs)``."""
        with np.errstate(over="ignore"):
            y = np.asarray(y, dtype=dtype)
        if not np.isfinite(y).all():
            raise ValueError(
                f"y has values too large for {np.dtype(dtype).name}, the dtype of X; "
                "scale y (e.g. with TransformedTargetRegressor) or pass float64 X.")
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not first and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs but the model was fitted with {self.n_outputs_}."
            )
        return Y

    def _score_output(self, out, y):
        from sklearn.metrics import r2_score

        return float(r2_score(y, out.ravel() if out.shape[1] == 1 else out))

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        out = self._forward(X)
        return out.ravel() if out.shape[1] == 1 else out

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of minibatch updates on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y, sample_weight)

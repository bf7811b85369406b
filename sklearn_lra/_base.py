"""The estimator base shared by every learning rule.

It owns the hyperparameters every rule shares, validation, initialisation,
atomic ``fit`` / ``partial_fit`` / ``warm_start``, prediction and pickling; the
epoch loop comes from :mod:`sklearn_lra._epochs`, classifier and regressor
behaviour from :mod:`sklearn_lra._mixins`. A concrete rule adds its own
hyperparameters and implements :meth:`BaseNetwork._make_rule`.
"""

import copy
import os
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, is_classifier
from sklearn.callback import CallbackSupportMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._activations import ACTIVATIONS, AUTO_INPUT_ACTIVATIONS
from ._compat import Interval, Options, StrOptions, _fit_context
from ._epochs import EpochLoopMixin
from ._fit_checks import check_learned_something
from ._initializers import INIT_SCHEMES, init_layers, input_scale_value, resolve_init
from ._lbfgs import NO_GLOBAL_LOSS
from ._lbfgs import minimize as lbfgs_minimize
from ._network import PREDICT_CHUNK_ROWS, Network
from ._optimizers import optimizer_from_state, optimizer_to_state
from ._params import build_parameters
from ._threads import blas_threads, forward_work
from ._training import TrainingState
from ._version import __version__
from ._warnings import warn

_SCHEDULES = ("constant", "invscaling", "adaptive")
# Attributes scikit-learn's callback machinery sets during a fit and removes after it.
_CALLBACK_STATE = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


def _physical_memory():
    """Bytes of physical memory, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _classifier_targets(y):
    """A classifier's ``y``: 1-d labels or a multilabel indicator matrix; else a clear error."""
    if y.ndim == 2 and y.shape[1] == 1:
        return column_or_1d(y, warn=True)
    if y.ndim == 2 and type_of_target(y) != "multilabel-indicator":
        raise ValueError(
            f"y of shape {y.shape} is {type_of_target(y)!r}: the classifiers take one "
            "label per sample, or a multilabel indicator matrix of 0s and 1s. Wrap the "
            "classifier in sklearn.multioutput.MultiOutputClassifier for several "
            "multiclass targets."
        )
    return y


class BaseNetwork(EpochLoopMixin, CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared engine of every estimator of the package; not for direct use."""

    #: Revision of the learning rule's code. Bump it when a change to the rule
    #: changes what it computes under the same parameters: the experiment
    #: runner's cache then trains that rule's configurations again.
    _rule_revision = 0

    # MLPClassifier's defaults for every parameter the two share: the
    # estimators are drop-in replacements; a rule overrides what it needs.
    _own_defaults = {
        "hidden_layer_sizes": (100,),
        "activation": "relu",
        "input_activation": None,
        "init": "auto",
        "init_scale": None,
        "input_scale": None,
        "solver": "adam",
        "alpha": 1e-4,
        "input_alpha": None,
        "batch_size": "auto",
        "learning_rate": "constant",
        "learning_rate_init": 1e-3,
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
        "max_fun": 15000,
        "dtype": None,
    }

    _own_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "input_activation": [StrOptions({*ACTIVATIONS, "auto"}), None],
        "init": [StrOptions({*INIT_SCHEMES, "auto"})],
        "init_scale": [Interval(Real, 0, None, closed="left"), None],
        # A zero first layer is init='zeros', with its checks: a gain must be positive.
        "input_scale": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"}), None],
        # 'lbfgs' is refused with its reason by rules without a global loss.
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "input_alpha": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"}), None],
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
        # 0 as in MLPClassifier: valid without early stopping (and refused with it).
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [
            Options(type, {np.float32, np.float64}),
            StrOptions({"float32", "float64"}),
            None,
        ],
    }

    #: Names of the fitted attributes that hold the rule's own parameters.
    _rule_attributes = ()

    #: ``batch_size='auto'`` is ``min(_auto_batch_size, n_samples)``: 200, as
    #: in MLPClassifier, unless a rule's defaults study chose otherwise.
    _auto_batch_size = 200

    #: Whether the rule descends the gradient of one global loss (then it offers 'lbfgs').
    _global_loss = False

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
        if self.solver == "lbfgs" and not self._global_loss:
            raise ValueError(NO_GLOBAL_LOSS.format(name=type(self).__name__))
        fitted = hasattr(self, "coefs_")
        first = not fitted or not (incremental or self.warm_start)
        X, y = self._validate_input(X, y, reset=first, incremental=incremental)
        if not first and not incremental:
            self._check_warm_start_targets(y)
        Y = self._encode_targets(y, first, classes, X.dtype)
        sw = self._sample_weights(sample_weight, X, y, incremental)
        # Every fit draws from random_state afresh, as MLPClassifier does: with an int,
        # warm starts hold out the same validation rows. partial_fit continues the
        # stream and the rows' order instead, so that k calls equal fit(max_iter=k)
        # (MLPClassifier redraws there too, repeating one order at every call).
        if not incremental or not hasattr(self, "_random_state"):
            self._random_state = check_random_state(self.random_state)
        if first:
            state = self._new_state(X.shape[1], Y.shape[1], X.dtype)
            self._reset_history()
        else:
            state = self._continued_state(X.dtype, keep_optimizer=incremental)
            self._continue_history()
        self._check_rule_activation(state.rule)
        self._warn_untrainable(state)
        max_iter = 1 if incremental else self.max_iter
        with blas_threads(self._training_work(state.net, X), looks=3):
            if self.solver == "lbfgs":
                self._train_lbfgs(state, X, Y, sw, y)
            else:
                self._train(state, X, Y, sw, y, max_iter, incremental)
            check_learned_something(self, state, X, Y, sw, incremental)
        return self

    def _train_lbfgs(self, state, X, Y, sw, y):
        """Full-batch L-BFGS (:mod:`sklearn_lra._lbfgs`); ``loss_curve_`` gets each iteration."""
        ctx = self._begin_callbacks(X, y, self.max_iter)
        self.n_iter_, loss, losses = lbfgs_minimize(self, state, X, Y, sw)
        if not all(np.isfinite(p).all() for p in state.net.params):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain "
                "large values and need to be preprocessed (e.g. with StandardScaler)."
            )
        self.loss_curve_.extend(losses or [loss])
        self.best_loss_ = min(self.loss_curve_)
        state.optimizers = None  # L-BFGS keeps no state between calls
        self._commit(state)
        self.loss_ = loss
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y)

    def _check_warm_start_targets(self, y):
        """Refuse targets a warm start cannot continue on (classifiers: other classes)."""

    def _training_work(self, net, X):
        """Size of one minibatch's products, which sets the BLAS threads of a fit."""
        rows = self._auto_batch_size if self.batch_size == "auto" else self.batch_size
        itemsize = net.coefs[0].dtype.itemsize
        return forward_work(net.layer_units(), min(rows, X.shape[0]), itemsize)

    # ---------------------------------------------------------- validation

    def _sample_weights(self, sample_weight, X, y, incremental):
        """``sample_weight`` times the ``class_weight`` of each sample, or None."""
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        cw = self._class_weights(y, incremental)
        if cw is not None:
            sw = cw.astype(X.dtype) if sw is None else sw * cw.astype(X.dtype)
        if sw is not None and sw.max() > 0 and not np.isfinite(sw.sum()):
            # The gradients use ratios only; the L2 term uses sums, kept finite.
            sw = sw / sw.max()
        return sw

    def _validate_input(self, X, y, reset, incremental):
        """Validate ``X`` and ``y``: cast to ``dtype`` if set, else keep float32; accept CSR/CSC."""
        if not reset and hasattr(self, "coefs_"):
            dtype = self.coefs_[0].dtype
        elif self.dtype is not None:
            dtype = np.dtype(self.dtype).type  # train in this dtype whatever X's
        else:
            dtype = (np.float64, np.float32)
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=["csr", "csc"],
            dtype=dtype,
            multi_output=True,
            y_numeric=not is_classifier(self),
        )
        if is_classifier(self):
            y = _classifier_targets(y)
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

    def _resolved_input_activation(self):
        """The first hidden layer's activation that ``input_activation`` names."""
        if self.input_activation is None:
            return self.activation
        if self.input_activation == "auto":
            return AUTO_INPUT_ACTIVATIONS.get(self.activation, self.activation)
        return self.input_activation

    def _hidden_units(self):
        """``{parameter: activation}`` for the units the hidden layers use.

        The first hidden layer has the units ``input_activation`` names (keyed
        ``'activation'`` when they are ``activation``'s); the layers above it,
        when there are any, have ``activation``'s. A setting is judged only on
        units some layer uses: ``activation`` of a one-layer network with its
        own first layer is used nowhere.
        """
        first = self._resolved_input_activation()
        units = {"activation" if first == self.activation else "input_activation": first}
        if len(self._hidden_sizes()) > 1:
            units["activation"] = self.activation
        return units

    def _check_rule_activation(self, rule):
        """Warn when a derivative-based rule meets an activation with no gradient."""
        if not rule.needs_derivative:
            return
        for param, name in self._hidden_units().items():
            if not ACTIVATIONS[name].has_gradient:
                warn(
                    f"{type(self).__name__} uses the derivative of the activation to send "
                    f"its learning signal to the hidden layers, and "
                    f"{param}={name!r} has a zero derivative almost "
                    f"everywhere: only the output layer will learn. {rule.derivative_remedy()}",
                    UserWarning,
                )

    def _warn_untrainable(self, state):
        """Warn, before training, about settings with which the rule cannot train."""
        problems = []
        for param, name in self._hidden_units().items():
            problems += state.rule.setting_problems(name, param)
            problem = state.init_scheme == "zeros" and state.rule.zero_init_problem(name, param)
            if problem:
                problems.append(
                    f"from init='zeros' it cannot train: {problem}. Use init='auto' or "
                    "a random initialisation"
                )
        # dict.fromkeys: a problem that does not depend on the units is said once.
        for problem in dict.fromkeys(problems):
            warn(f"{type(self).__name__}: {problem}.", UserWarning)

    # ------------------------------------------------------------ state

    def _new_state(self, n_features, n_outputs, dtype):
        """Fresh weights and rule parameters for a network of this shape."""
        units = [n_features] + self._hidden_sizes() + [n_outputs]
        self._check_network_fits_in_memory(units, dtype)
        rng = self._random_state
        rule = self._make_rule()
        scheme = resolve_init(self.init, rule, self.activation)
        coefs, intercepts = init_layers(scheme, units, rng, self.init_scale, dtype, self.activation)
        coefs[0] *= input_scale_value(self.input_scale, n_features)
        net = self._network_of(coefs, intercepts, self._output_function())
        extra = rule.init_params(units, rng, dtype)
        state = TrainingState(net, rule, extra, self)
        state.init_scheme = scheme
        return state

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
        net = self._network_of(coefs, intercepts, self._output_function())
        extra = {k: [a.copy() for a in getattr(self, k)] for k in self._rule_attributes}
        optimizers = None
        if keep_optimizer and getattr(self, "_optimizers", None) is not None:
            optimizers = copy.deepcopy(self._optimizers)
        rule = self._make_rule()
        if optimizers is not None and len(optimizers) != 1 + len(rule.learning_rates()):
            optimizers = None  # the learned rule parameters changed (e.g. gamma from 0)
        if optimizers is not None and type(optimizers[0]).__name__.lower() != self.solver:
            optimizers = None  # solver changed between partial_fit calls
        if optimizers is not None and not hasattr(optimizers[0], "learning_rate"):
            optimizers[0].learning_rate = float(self.learning_rate_init)  # pickled before 0.x
        # Optimizer state refers to arrays by position, so it survives the copy. A
        # partial_fit keeps the optimizers (momenta, learning rate); a warm-start fit
        # starts new ones from learning_rate_init, as MLPClassifier does.
        state = TrainingState(net, rule, extra, self, optimizers)
        # partial_fit calls shuffle as one fit's epochs do; a warm-start fit starts afresh.
        state.order = getattr(self, "_shuffle_order", None) if keep_optimizer else None
        return state

    def _reset_history(self):
        """Clear the per-epoch records of an earlier fit."""
        validated = self.early_stopping and self.solver != "lbfgs"
        self.loss_curve_ = []
        self.validation_scores_ = [] if validated else None
        self.validation_loss_curve_ = [] if validated else None
        self.best_loss_ = np.inf if not validated else None
        self.best_validation_score_ = -np.inf if validated else None
        self.n_iter_ = 0
        self.t_ = 0
        self._no_improvement_count = 0
        self.__dict__.pop("_best_snapshot", None)

    def _continue_history(self):
        """Records that a warm start or ``partial_fit`` extends, made consistent with its settings.

        As in ``MLPClassifier``, they carry over; a model fitted without early
        stopping (or by hand, with only some of them) gets the missing ones.
        """
        for name, value in (("loss_curve_", []), ("t_", 0), ("_no_improvement_count", 0)):
            if getattr(self, name, None) is None:
                setattr(self, name, value)
        if self.early_stopping and self.solver != "lbfgs":
            if getattr(self, "validation_scores_", None) is None:
                self.validation_scores_, self.validation_loss_curve_ = [], []
                self.best_validation_score_, self.best_loss_ = -np.inf, None
                self.__dict__.pop("_best_snapshot", None)
        elif getattr(self, "best_loss_", None) is None:
            self.best_loss_ = min(self.loss_curve_, default=np.inf)
        scores = getattr(self, "validation_scores_", None)
        if scores is None:
            self.validation_scores_ = self.best_validation_score_ = None
        elif getattr(self, "validation_loss_curve_", None) is None:
            self.validation_loss_curve_ = [np.nan] * len(self.validation_scores_)

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

    def _commit(self, state):
        """Publish the trained parameters as fitted attributes."""
        for name, value in self._fitted_attributes(state).items():
            setattr(self, name, value)
        # MLPClassifier's loss_: the task loss (with the L2 term) of the last epoch.
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        self._optimizers = state.optimizers
        self._shuffle_order = state.order

    @property
    def _optimizer(self):
        """The forward weights' optimizer and its ``learning_rate``, as ``MLPClassifier``'s."""
        optimizers = self.__dict__.get("_optimizers")
        if not optimizers:
            raise AttributeError(f"{type(self).__name__} has no stochastic optimizer state")
        return optimizers[0]

    # ---------------------------------------------------------- predict

    def _network_of(self, coefs, intercepts, output):
        """A :class:`Network` of these parameters with this estimator's units."""
        return Network(
            coefs, intercepts, self.activation, output, self._resolved_input_activation()
        )

    def _network(self):
        """A :class:`Network` view of the fitted parameters."""
        return self._network_of(self.coefs_, self.intercepts_, self.out_activation_)

    def _forward(self, X):
        """Validated ``X`` through the fitted network, in bounded memory."""
        check_is_fitted(self)
        X = validate_data(
            # predict_output casts chunk by chunk: no full copy of X in the model's dtype.
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
        )
        net = self._network()
        rows = min(X.shape[0], PREDICT_CHUNK_ROWS)
        work = forward_work(net.layer_units(), rows, net.coefs[0].dtype.itemsize)
        with np.errstate(over="ignore", invalid="ignore"), blas_threads(work):
            out = net.predict_output(X)
        # Computed in the weights' dtype, returned in X's if wider (float64 X, float32
        # weights), as MLPClassifier's matrix products promote.
        out = out.astype(np.result_type(out.dtype, X.dtype), copy=False)
        if not np.isfinite(out).all():
            raise ValueError(
                f"The network's outputs overflow {out.dtype} for some rows of X: their "
                "values are too large for the fitted weights. Scale X as it was scaled "
                "for training (e.g. with the same StandardScaler)."
            )
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def __getstate__(self):
        # A copy: object.__getstate__ returns the instance's own __dict__.
        state = dict(super().__getstate__())
        if hasattr(self, "coefs_"):
            state["_sklearn_lra_version"] = __version__
        if state.get("_optimizers") is not None:
            # Plain data rather than optimizer objects, so that skops.io trusts
            # everything but the estimator's own class.
            state["_optimizers"] = [optimizer_to_state(opt) for opt in state["_optimizers"]]
        return state

    def __setstate__(self, state):
        saved = state.get("_sklearn_lra_version", __version__)
        if saved != __version__:
            warn(
                f"Trying to unpickle {type(self).__name__} from sklearn-lra {saved} "
                f"with version {__version__}. This might lead to breaking code or "
                "invalid results. Use at your own risk.",
                UserWarning,
            )
        optimizers = state.get("_optimizers")
        if optimizers and isinstance(optimizers[0], dict):
            state = {**state, "_optimizers": [optimizer_from_state(o) for o in optimizers]}
        super().__setstate__(state)

"""The epoch loop of every estimator: training, stopping, divergence, snapshots.

:class:`EpochLoopMixin` runs the epochs of one ``fit`` or ``partial_fit`` call
over a :class:`~sklearn_lra._training.TrainingState`: learning-rate schedules,
early stopping and ``n_iter_no_change``, callbacks (one task per epoch),
verbose output, and the recovery from divergence and ``KeyboardInterrupt``.

The bookkeeping is ``MLPClassifier``'s, for every rule: ``n_iter_`` counts the
epochs of the last call (1 after a ``partial_fit``), while ``t_``,
``loss_curve_``, ``validation_scores_``, the best score or loss and the
no-improvement count carry over ``warm_start`` fits and ``partial_fit``
calls; the validation split is stratified for binary targets only; the
stopping messages and warnings are MLP's words.
"""

import time

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._training import run_epoch
from ._warnings import warn
from .exceptions import DivergenceWarning


def _scorable(out):
    """Whether outputs are finite and so are their squares.

    A kept network must give a finite loss and ``score`` on the rows it was
    fitted on: outputs above ~1e154 are finite, but their squared errors
    overflow float64 (a regressor's R^2 would be -inf).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.square(out, dtype=np.float64)).all())


#: Rows whose outputs are checked after the last update of a fit: weights that
#: overflow do so on most rows, and on a table of a few thousand rows a check
#: of every row would cost a third of a ``partial_fit`` epoch.
_FINAL_CHECK_ROWS = 256


class _Diverged(Exception):
    """Raised inside the epoch loop once divergence has been handled."""


class _Snapshots:
    """The parameter copies training may go back to.

    The initial ones, those of the previous and the last epoch, those before
    the epoch of lowest training loss, and the best (early stopping). They
    are references to the copies taken at the end of each epoch: no extra
    copy.
    """

    def __init__(self, initial):
        self.initial = self.previous = self.last = self.lowest = initial
        self.best = None
        self.lowest_loss, self.lowest_epoch, self.climbing = np.inf, 0, False

    def push(self, snapshot, loss, n_epochs):
        """Record the end of finite epoch ``n_epochs`` and its training loss.

        An epoch's loss is measured along its minibatches, from the weights it
        started with: the weights to go back to for the lowest loss are those
        at the end of the epoch before.
        """
        self.climbing = loss > self.lowest_loss
        if not self.climbing:
            self.lowest, self.lowest_loss, self.lowest_epoch = self.last, loss, n_epochs - 1
        self.previous, self.last = self.last, snapshot

    def fallbacks(self, n_epochs):
        """Snapshots to try after divergence, labelled for the warning.

        When the loss was climbing before it overflowed, the weights before
        the epoch of lowest loss come first: the last finite epoch can be far
        worse than the start (a regressor's R^2 of -1e17 on its own training
        rows). Otherwise the last finite epoch does.
        """
        lowest = (
            f"epoch {self.lowest_epoch} (the start of the epoch of lowest training loss)",
            self.lowest,
        )
        return [lowest] * self.climbing + [
            (f"the last finite epoch ({n_epochs})", self.last),
            (f"the epoch before ({max(n_epochs - 1, 0)})", self.previous),
            ("the initialisation", self.initial),
        ]


def _all_finite(loss, state):
    """True when the epoch's loss and every parameter are finite."""
    arrays = state.net.params + [a for v in state.extra.values() for a in v]
    return np.isfinite(loss) and all(np.isfinite(a).all() for a in arrays)


def _same_layout(snapshot, other):
    """Whether two snapshots hold arrays of the same shapes (rule parameters included)."""
    if snapshot is None or snapshot[2].keys() != other[2].keys():
        return False
    arrays = snapshot[0] + snapshot[1] + [a for v in snapshot[2].values() for a in v]
    others = other[0] + other[1] + [a for v in other[2].values() for a in v]
    return len(arrays) == len(others) and all(a.shape == b.shape for a, b in zip(arrays, others))


class EpochLoopMixin:
    """Epoch bookkeeping shared by every estimator (mixed into ``BaseNetwork``)."""

    def _train(self, state, X, Y, sw, y, max_iter, incremental):
        """Run up to ``max_iter`` epochs, then publish the weights.

        Divergence (non-finite loss, weights or outputs) and ``KeyboardInterrupt``
        both end training at the last finite, completed epoch, with a warning.
        Divergence is detected explicitly, so numpy's overflow warnings are muted.
        """
        X, y, Y, sw, validation = self._split_validation(X, y, Y, sw, incremental)
        batch_size = self._batch_size(X.shape[0])
        ctx = self._begin_callbacks(X, y, max_iter)
        history = _Snapshots(self._snapshot(state))
        if self.early_stopping:
            # MLPClassifier keeps the best weights across warm starts, the initial ones at first.
            best = getattr(self, "_best_snapshot", None)
            history.best = best if _same_layout(best, history.initial) else history.initial
        self.n_iter_ = 0
        converged = incremental
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                for _ in range(max_iter):
                    stop = self._epoch(state, X, y, Y, sw, batch_size, ctx, history, validation)
                    # partial_fit applies n_iter_no_change too (the adaptive rate); one epoch.
                    if stop or (self._should_stop(state) and not incremental):
                        converged = True
                        break
            except _Diverged:
                converged = True
            except KeyboardInterrupt:
                warn(
                    f"Training interrupted by user after {self.n_iter_} epochs; "
                    "keeping the weights of the last completed epoch."
                )
                self._restore(state, history.last)
                converged = True
            self._keep_finite_outputs(state, X, history)
        if not converged:
            warn(
                f"Stochastic Optimizer: Maximum iterations ({max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        if self.early_stopping:
            self._best_snapshot = history.best
        self._commit(state)
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y)

    def _epoch(self, state, X, y, Y, sw, batch_size, ctx, history, validation):
        """One epoch with its bookkeeping; returns True when a callback asks to stop."""
        epoch_ctx = ctx.subcontext(task_name="epoch")
        epoch_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        tic = time.perf_counter()
        loss = run_epoch(
            state, X, Y, sw, batch_size, self._random_state, self.shuffle, state.learning_rate
        )
        scores = self._validation_score(state.net, *validation) if self.early_stopping else ()
        if not (_all_finite(loss, state) and np.isfinite(scores).all()):
            self._diverged(state, history.fallbacks(self.n_iter_), X)
            raise _Diverged
        history.push(self._snapshot(state), loss, self.n_iter_ + 1)
        self.n_iter_ += 1
        self.t_ += X.shape[0]
        self.loss_curve_.append(loss)
        if self._record_epoch(loss, scores):
            history.best = history.last
        self._print_progress(loss, time.perf_counter() - tic)
        self._schedule_rate(state)
        return epoch_ctx.call_on_fit_task_end(
            estimator=self,
            X=X,
            y=y,
            reconstruction_attributes=lambda: self._fitted_attributes(state),
        )

    def _keep_finite_outputs(self, state, X, history):
        """Restore the best epoch (early stopping) and check the final outputs are finite.

        The loss of an epoch is measured before its last update, so the final
        weights get a forward pass of their own, over the first
        ``_FINAL_CHECK_ROWS`` training rows to keep ``partial_fit`` loops cheap
        (``predict`` still refuses non-finite outputs on any row).
        """
        if history.best is not None:
            self._restore(state, history.best)
        if not _scorable(state.net.predict_output(X[:_FINAL_CHECK_ROWS])):
            self._diverged(state, history.fallbacks(self.n_iter_), X)

    def _begin_callbacks(self, X, y, max_iter):
        """The root callback context of this fit, one subtask per epoch."""
        ctx = self._init_callback_context(max_subtasks=max_iter)
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        return ctx

    def _diverged(self, state, snapshots, X):
        """Go back to the first of ``snapshots`` whose outputs on ``X`` square finitely; warn."""
        for label, snapshot in snapshots:  # noqa: B007 - label is used after the loop
            self._restore(state, snapshot)
            if _scorable(state.net.predict_output(X)):
                break
        else:
            raise ValueError(
                # MLPClassifier's first sentence, which code may match.
                "Solver produced non-finite parameter weights. The input data may contain "
                f"large values and need to be preprocessed: {type(self).__name__} cannot "
                "train on this data, even the initial network's outputs (or their "
                f"squares) overflow {X.dtype}: the input values are too large. Scale X (e.g. with "
                "StandardScaler)."
            )
        warn(
            f"{type(self).__name__} diverged during epoch {self.n_iter_ + 1}: the loss or "
            f"the weights became infinite or NaN. Training stopped and the weights of "
            f"{label} were kept. Try a smaller learning_rate_init, a smaller init_scale, "
            "scaled input (StandardScaler), or solver='adam'.",
            DivergenceWarning,
        )

    def _split_validation(self, X, y, Y, sw, incremental):
        """Hold out ``validation_fraction`` of the rows when early stopping.

        The split is ``MLPClassifier``'s for the same random state: stratified
        for a classifier with one output (two classes, on the same boolean
        column), at random for several outputs (multiclass, multilabel,
        regression), so that a class with a single sample fits.
        """
        if not self.early_stopping or incremental:
            return X, y, Y, sw, (None, None, None, None)
        stratify = Y.astype(bool) if is_classifier(self) and Y.shape[1] == 1 else None
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
        if len(val) < 2:
            raise ValueError(
                f"The validation set is too small. Increase 'validation_fraction' or the "
                f"size of your dataset: early_stopping holds out {len(val)} sample(s) of "
                f"{X.shape[0]}, and a validation score needs at least 2."
            )
        sw_train, sw_val = (None, None) if sw is None else (sw[train], sw[val])
        y_val = Y[val] if sp.issparse(y) else y[val]  # sparse multilabel: its dense indicator
        return X[train], y[train], Y[train], sw_train, (X[val], y_val, Y[val], sw_val)

    def _batch_size(self, n_samples):
        """``batch_size`` clipped to the data, with ``"auto"`` = min(_auto_batch_size, n)."""
        if self.batch_size == "auto":
            return min(self._auto_batch_size, n_samples)
        if self.batch_size > n_samples:
            warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} "
                "samples; using the whole data set as one minibatch.",
                UserWarning,
            )
        return int(min(self.batch_size, n_samples))

    def _schedule_rate(self, state):
        """``'invscaling'``: the next epoch's rate, ``learning_rate_init / (t_ + 1)^power_t``.

        As in ``MLPClassifier``, schedules apply to ``solver='sgd'`` only and
        change the rate between epochs.
        """
        if self.solver == "sgd" and self.learning_rate == "invscaling":
            # A negative power of a float underflows to 0 instead of overflowing.
            state.learning_rate = self.learning_rate_init * float(self.t_ + 1) ** -self.power_t

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

    def _validation_score(self, net, X_val, y_val, Y_val, sw_val):
        """Score (accuracy or R^2) and task loss on the held-out rows, sample-weighted."""
        out = net.predict_output(X_val)
        if not np.isfinite(out).all():
            return np.nan, np.nan  # divergence; the epoch loop handles it
        if sw_val is not None and not sw_val.sum() > 0:
            sw_val = None  # held-out rows of zero weight: score them all alike
        loss = net.loss_fn(Y_val.astype(out.dtype, copy=False), out, sw_val)
        return self._score_output(out, y_val, sw_val), loss

    def _should_stop(self, state):
        """Apply ``n_iter_no_change``; the adaptive schedule (sgd) first divides the rate by 5."""
        if self._no_improvement_count <= self.n_iter_no_change:
            return False
        what = "Validation score" if self.early_stopping else "Training loss"
        msg = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if self.solver != "sgd" or self.learning_rate != "adaptive":
            self._say(f"{msg} Stopping.")
            return True
        if state.learning_rate <= 1e-6:
            self._say(f"{msg} Learning rate too small. Stopping.")
            return True
        state.learning_rate /= 5.0
        self._no_improvement_count = 0
        self._say(f"{msg} Setting learning rate to {state.learning_rate:f}")
        return False

    def _say(self, line):
        """Print ``line`` when ``verbose``."""
        if self.verbose:
            print(line)

    def _print_progress(self, loss, seconds):
        """One line per epoch when ``verbose``: MLPClassifier's, with the score and the time."""
        line = f"Iteration {self.n_iter_}, loss = {loss:.8f}"
        if self.early_stopping:
            line += f", validation score = {self.validation_scores_[-1]:.6f}"
        self._say(f"{line}, time = {seconds:.3f}s")

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

"""The minibatch loop: one epoch of forward passes, rule directions and steps.

Kept apart from the estimator so that the per-minibatch path is short and
easy to profile: everything here runs once per minibatch or once per epoch.
Nothing on the per-minibatch path allocates an array the size of a
minibatch or of a parameter: rows are gathered into buffers of the
workspace, the task loss is gathered per row into an epoch-long vector and
reduced once per epoch, and the optimizers update in place.
"""

import numpy as np
import scipy.sparse as sp

from ._losses import row_squared_error, true_class_cross_entropy
from ._network import Workspace
from ._optimizers import make_optimizer


class TrainingState:
    """Everything a fit mutates, so that a failed fit never touches the estimator.

    Parameters
    ----------
    net : Network
        The network being trained (its arrays are private copies).
    rule : LearningRule
        The learning rule.
    extra : dict
        The rule's own parameters (feedback or inverse weights).
    estimator : BaseNetwork
        Source of the optimizer settings.
    optimizers : list or None
        Optimizers carried over from an earlier fit, or None for new ones.
    """

    def __init__(self, net, rule, extra, estimator, optimizers=None):
        self.net, self.rule, self.extra = net, rule, extra
        #: The L2 coefficient of each ``W_l``: ``alpha``, the first one set by
        #: ``input_alpha``.
        self.layer_alphas = layer_alphas(estimator, net.coefs)
        #: Whether any weight pays an L2 term.
        self.penalised = any(a > 0 for a in self.layer_alphas)
        rates = rule.learning_rates()
        self.extra_grads = {k: [np.empty_like(a) for a in extra[k]] for k in rates}
        # One buffer for the forward parameters, stepped in one pass (the
        # workspace's directions share its layout).
        net.pack()
        groups = [([net.flat_params], 1.0)] + [(extra[k], rates[k]) for k in rates]
        self.groups = groups
        self.optimizers = optimizers or [
            make_optimizer(estimator.solver, params, estimator) for params, _ in groups
        ]
        self.ws = None
        #: The scheme the forward weights were drawn from (None when continued).
        self.init_scheme = None
        self._decay_buffer = None
        self._classes_of = (None, None)
        self._binary_of = (None, None)
        #: The rows' order of the last epoch (continued by ``partial_fit`` calls).
        self.order = None

    @property
    def learning_rate(self):
        """The current learning rate, kept by the forward weights' optimizer."""
        return self.optimizers[0].learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.optimizers[0].learning_rate = float(value)

    def shuffled_order(self, n, rng):
        """The epoch's order of the rows: the last epoch's order, permuted.

        ``MLPClassifier`` reshuffles its previous order each epoch, from the
        natural order at the start of each ``fit``; drawing the same
        permutations in the same way gives its minibatches for the same
        ``random_state``. ``partial_fit`` calls continue the order (and the
        random stream), as the epochs of one fit do.
        """
        if self.order is None or len(self.order) != n:
            self.order = np.arange(n)
        self.order = self.order[rng.permutation(n)]
        return self.order

    def l2_penalty(self, weight_sum):
        """``sum_l alpha_l / 2 * ||W_l||^2`` over the minibatch's total sample weight.

        ``MLPClassifier`` adds it to each minibatch's loss, with the weights
        of that minibatch (one ``alpha`` for every layer).
        """
        if weight_sum <= 0:
            return 0.0
        squares = [float(np.vdot(W, W)) for W in self.net.coefs]
        first, rest = self.layer_alphas[0], self.layer_alphas[-1]
        if first == rest:  # one alpha: MLPClassifier's expression, to the last bit
            return 0.5 * rest * sum(squares) / weight_sum
        return 0.5 * (first * squares[0] + rest * sum(squares[1:])) / weight_sum

    def binary_targets(self, Y):
        """Whether every entry of ``Y`` is 0 or 1 (cached per ``Y``)."""
        if self._binary_of[0] is not Y:
            self._binary_of = (Y, bool(np.all((Y == 0) | (Y == 1))))
        return self._binary_of[1]

    def true_classes(self, Y):
        """Column of the 1 in each row of a one-hot ``Y``, else None (cached per ``Y``)."""
        if self._classes_of[0] is not Y:
            self._classes_of = (Y, _true_classes(Y))
        return self._classes_of[1]

    def workspace(self, batch_size, X, Y, sw):
        """The workspace for ``batch_size`` rows, made on first use.

        Besides the network's buffers it holds the gather buffers of a
        shuffled minibatch, ``x_buffer`` (None for sparse ``X``), ``y_buffer``
        and ``sw_buffer``, and ``sw_column`` for the normalised weights.
        """
        ws = self.ws
        if ws is None or ws.batch_size < batch_size or not _buffers_fit(ws, X, Y, sw):
            dtype = self.net.coefs[0].dtype
            ws = Workspace(self.net.layer_units(), batch_size, dtype)
            ws.x_buffer = None if sp.issparse(X) else np.empty((batch_size, X.shape[1]), X.dtype)
            ws.y_buffer = np.empty((batch_size, Y.shape[1]), Y.dtype)
            ws.sw_buffer = np.empty(batch_size, dtype if sw is None else sw.dtype)
            ws.sw_column = np.empty((batch_size, 1), dtype)
            self.ws = ws
        return ws

    def step(self, ws, learning_rate):
        """Add the L2 term to the directions and move every parameter group.

        When the rule did not train the forward weights on this minibatch
        (``rule.trains_forward`` is False), their group is left alone: no
        weight decay, and no optimizer step, so momentum and Adam's moments
        neither move them nor age.
        """
        forward = self.rule.trains_forward
        if self.penalised and forward and ws.weight_sum > 0:
            # MLPClassifier's L2 term, alpha * W over the minibatch's total sample
            # weight, so that a weight of 2 acts as a duplicated row.
            self.add_weight_decay(ws, ws.weight_sum)
        directions = [[ws.flat_directions]] + [self.extra_grads[k] for k in self.extra_grads]
        for i, (opt, (params, rate), dirs) in enumerate(
            zip(self.optimizers, self.groups, directions)
        ):
            if i or forward:
                opt.step(params, dirs, learning_rate * rate)

    def add_weight_decay(self, ws, weight_sum):
        """``dW_l += alpha_l / weight_sum * W_l`` for every layer, through one reused buffer.

        The weights lead both packed buffers (:meth:`Network.pack`), so one
        slice of each holds every ``W_l`` and no bias; ``W_1``'s part is
        written again when ``input_alpha`` gives it a coefficient of its own.
        """
        n = self.net.n_coef_values
        if self._decay_buffer is None:
            self._decay_buffer = np.empty(n, self.net.flat_params.dtype)
        first, rest = self.layer_alphas[0], self.layer_alphas[-1]
        np.multiply(self.net.flat_params[:n], rest / weight_sum, out=self._decay_buffer)
        if first != rest:
            n1 = self.net.coefs[0].size
            np.multiply(self.net.flat_params[:n1], first / weight_sum, out=self._decay_buffer[:n1])
        ws.flat_directions[:n] += self._decay_buffer


def input_alpha_value(input_alpha, alpha, n_inputs):
    """The L2 coefficient of ``W_1`` that ``input_alpha`` means for ``n_inputs`` columns.

    ``'auto'`` is ``max(alpha, min(n_inputs / 100, 1))``: a penalty that grows
    with the first layer's fan-in, the number of directions in which it can
    fit noise, from 0.01 per column up to 1 at 100 columns. ``alpha=0`` turns
    the L2 term off on every layer, this one included.
    """
    if input_alpha is None:
        return float(alpha)
    if input_alpha == "auto":
        return max(float(alpha), min(n_inputs / 100.0, 1.0)) if alpha > 0 else 0.0
    return float(input_alpha)


def layer_alphas(estimator, coefs):
    """The L2 coefficient of each weight matrix: ``alpha``, ``W_1``'s from ``input_alpha``."""
    alpha = float(estimator.alpha)
    first = input_alpha_value(estimator.input_alpha, alpha, coefs[0].shape[0])
    return [first] + [alpha] * (len(coefs) - 1)


def _true_classes(Y):
    """Column of the 1 in each row of ``Y`` when every row is one-hot, else None."""
    labels = Y.argmax(axis=1)
    one_hot = np.all(Y.sum(axis=1) == 1) and np.all(Y[np.arange(len(Y)), labels] == 1)
    return labels if one_hot and np.count_nonzero(Y) == len(Y) else None


def _buffers_fit(ws, X, Y, sw):
    """Whether the gather buffers of ``ws`` suit ``X``, ``Y`` and ``sw`` (widths, dtypes)."""
    xb, yb = ws.x_buffer, ws.y_buffer
    x_ok = sp.issparse(X) if xb is None else (xb.shape[1:] == X.shape[1:] and xb.dtype == X.dtype)
    sw_ok = sw is None or ws.sw_buffer.dtype == sw.dtype
    return x_ok and sw_ok and yb.shape[1:] == Y.shape[1:] and yb.dtype == Y.dtype


def _gather(X, Y, sw, idx, ws):
    """The minibatch rows ``idx`` of ``X``, ``Y`` and weights, copied into ``ws``'s buffers."""
    # The indices are valid by construction; mode="clip" spares the extra
    # buffered copy that np.take makes for out= in its default mode.
    b = len(idx)
    if ws.x_buffer is None:
        Xb = X[idx]  # sparse rows: scipy allocates the minibatch
    else:
        Xb = np.take(X, idx, axis=0, out=ws.x_buffer[:b], mode="clip")
    Yb = np.take(Y, idx, axis=0, out=ws.y_buffer[:b], mode="clip")
    swb = None if sw is None else np.take(sw, idx, out=ws.sw_buffer[:b], mode="clip")
    return Xb, Yb, swb


def _set_weights(ws, sw_batch, column):
    """Store the minibatch weights in ``column`` as a column normalised to mean one.

    ``ws.weight_sum`` keeps their total (the number of rows without weights).
    """
    if sw_batch is None:
        ws.sample_weight = None
        ws.weight_sum = len(column)
        return
    total = ws.weight_sum = float(sw_batch.sum())
    scale = len(sw_batch) / total if total > 0 else 0.0
    np.multiply(sw_batch, scale, out=column[:, 0])
    ws.sample_weight = column


class _EpochLoss:
    """The task loss of one epoch, recorded per row and averaged once at the end.

    Softmax with one-hot targets records ``p`` of each row's true class,
    gathered through one precomputed flat index per row, and takes
    ``-log p`` at the end; one logistic output (two classes) records the
    probability of each row's class, ``p`` or ``1 - p``, the same way; the
    identity output records ``0.5 ||z - y||^2``; any other output (multilabel)
    falls back to the network's ``loss_fn`` per minibatch. Every form gives
    ``MLPClassifier``'s epoch loss: the mean over the minibatches of each
    one's ``net.loss_fn`` (sample-weighted within it), weighted by its rows;
    without sample weights, the mean over the rows.
    """

    def __init__(self, state, Y, sw, order, batch_size):
        net = state.net
        self.loss_fn, self.sw, self.order, self.n = net.loss_fn, sw, order, Y.shape[0]
        self.batch_size = batch_size
        labels = state.true_classes(Y) if net.output_name == "softmax" else None
        self.kind = "squared" if net.output_name == "identity" else "generic"
        if labels is not None:
            self.kind = "true_class"
            self.flat_index = _flat_index(labels, order, batch_size, Y.shape[1])
        elif net.output_name == "logistic" and Y.shape[1] == 1 and state.binary_targets(Y):
            # The probability of the row's class is sign * p + offset: p when y = 1,
            # 1 - p when y = 0 (exactly p, so a tiny p keeps its precision).
            self.kind = "binary"
            y = Y[:, 0] if order is None else Y[order, 0]
            self.sign, self.offset = 2 * y - 1, 1 - y
        if self.kind == "squared":
            self.diff = np.empty((batch_size, Y.shape[1]), Y.dtype)
        self.rows = None if self.kind == "generic" else np.empty(self.n, Y.dtype)
        self.total = 0.0
        self.penalty = 0.0

    def record(self, out, Yb, swb, start, stop):
        """Record the loss of the minibatch ``start:stop`` whose output is ``out``."""
        if self.kind == "true_class":
            np.take(
                out.reshape(-1), self.flat_index[start:stop], out=self.rows[start:stop], mode="clip"
            )
        elif self.kind == "binary":
            rows = np.multiply(out[:, 0], self.sign[start:stop], out=self.rows[start:stop])
            rows += self.offset[start:stop]
        elif self.kind == "squared":
            row_squared_error(out, Yb, self.rows[start:stop], self.diff[: stop - start])
        else:
            if swb is None or swb.sum() > 0:  # zero weight adds nothing (np.average refuses it)
                self.total += self.loss_fn(Yb, out, swb) * (stop - start)

    def add_penalty(self, penalty, n_rows):
        """Record a minibatch's L2 term, weighted by its rows as ``MLPClassifier`` does."""
        self.penalty += penalty * n_rows

    def mean(self):
        """The sample-weighted mean task loss of the epoch, plus its mean L2 term."""
        return self._task_loss() + self.penalty / self.n

    def _task_loss(self):
        """The epoch's task loss: minibatch means (sample-weighted), weighted by their rows."""
        sw = self.sw
        if self.kind == "generic":
            return self.total / self.n
        if self.kind == "true_class":
            true_class_cross_entropy(self.rows, out=self.rows)
        elif self.kind == "binary":
            true_class_cross_entropy(self.rows, out=self.rows, upper=True)
        rows = self.rows.astype(np.float64)
        if sw is None:
            return float(rows.sum()) / self.n
        w = (sw if self.order is None else sw[self.order]).astype(np.float64)
        starts = np.arange(0, self.n, self.batch_size)
        totals, weights = np.add.reduceat(rows * w, starts), np.add.reduceat(w, starts)
        means = np.divide(totals, weights, out=np.zeros_like(totals), where=weights > 0)
        sizes = np.diff(np.append(starts, self.n))
        return float(np.dot(means, sizes)) / self.n


def _flat_index(labels, order, batch_size, n_classes):
    """Index of each row's true class in the flattened ``(b, k)`` output of its minibatch."""
    if order is not None:
        labels = labels[order]
    position = np.arange(len(labels)) % batch_size
    return position * n_classes + labels


def run_epoch(state, X, Y, sw, batch_size, rng, shuffle, learning_rate):
    """Train one epoch at ``learning_rate``; returns the sample-weighted mean task loss.

    The rate is constant within an epoch: as in ``MLPClassifier``, schedules
    change it between epochs.
    """
    n = X.shape[0]
    order = state.shuffled_order(n, rng) if shuffle else None
    ws_full = state.workspace(min(batch_size, n), X, Y, sw)
    loss = _EpochLoss(state, Y, sw, order, batch_size)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        _train_batch(state, ws_full, X, Y, sw, order, start, stop, loss, learning_rate)
    return loss.mean()


def _train_batch(state, ws_full, X, Y, sw, order, start, stop, loss, learning_rate):
    """Forward, loss, rule directions and optimizer step for the rows ``start:stop``."""
    ws = ws_full.rows(stop - start)
    if order is None:
        Xb, Yb = X[start:stop], Y[start:stop]
        swb = None if sw is None else sw[start:stop]
    else:
        Xb, Yb, swb = _gather(X, Y, sw, order[start:stop], ws_full)
    _set_weights(ws, swb, ws_full.sw_column[: stop - start])
    out = state.net.forward(Xb, ws)
    loss.record(out, Yb, swb, start, stop)
    if state.penalised:
        loss.add_penalty(state.l2_penalty(ws.weight_sum), stop - start)
    state.rule.directions(state.net, ws, Yb, state.extra, state.extra_grads)
    state.step(ws, learning_rate)

"""The end-of-fit check: a fit that learned nothing says so, with its likely cause.

A network whose training loss ends where the constant predictor's is (the
class priors, the mean of ``y``) has learned nothing from ``X``, whether the
tolerance stop ended it on the first plateau or ``max_iter`` did. Such a fit
raises :class:`~sklearn_lra.exceptions.LearnedNothingWarning`, naming what can
be seen to have caused it and what to change.

The rule, for ``fit`` and a warm-start ``fit`` that the tolerance stop or
``max_iter`` ended (not ``partial_fit``, see :func:`check_learned_something`):

* both losses are the task loss of the package's convention (the one of
  ``loss_curve_``: cross-entropy of the softmax, binary cross-entropy summed
  over logistic outputs, half the squared error summed over outputs, on the
  targets as the network sees them), averaged over the rows passed to
  ``fit`` with their sample weights, *without* the L2 term: the constant
  predictor, all-zero weights, pays none, and a large ``alpha`` must not
  make a fit that learned look as if it had not;
* the constant predictor predicts the weighted mean of each target column
  (the class priors, each label's frequency, the mean of ``y``), the best
  constant for each of these losses;
* the model's loss is that of the fitted weights, by one forward pass over
  those rows; it is skipped when the last epoch's ``loss_`` is already below
  the threshold, so a fit that learned pays nothing;
* the fit learned nothing when its loss is at least ``1 - MARGIN`` times the
  constant predictor's, and its outputs carry nothing either: a classifier
  whose training accuracy clearly beats the majority class's, or a
  regressor whose outputs correlate with ``y``, learned something even when
  its loss is poor (overconfident, or at the wrong scale).

This is a statement about the training loss, not about generalisation: a
network that memorises noise passes it.
"""

import numpy as np

from ._activations import ACTIVATIONS
from ._warnings import warn
from .exceptions import LearnedNothingWarning

#: Relative margin: a fit learned nothing when its training loss is above
#: ``(1 - MARGIN)`` times the constant predictor's. 1% is the training R^2
#: (or McFadden's pseudo-R^2) of 0.01; a fit stuck at chance sits within
#: 0.1% of the constant (0.6932 for ln 2 = 0.6931), and a balanced binary
#: classifier 56% right with calibrated probabilities is already 1% below it.
MARGIN = 0.01

#: A classifier whose training error is at most ``1 - _ACCURACY_MARGIN`` times
#: the majority class's learned something even if its loss says otherwise
#: (overconfident outputs): 55% right on a balanced binary problem, 19% on
#: ten balanced classes. A fit stuck at chance is within noise of the majority.
_ACCURACY_MARGIN = 0.1

#: Below this loss (nats) the class priors already predict all but about one
#: row in ten thousand (or the sample weights say so, as a class_weight that
#: gives one class all the weight does): there is nothing to learn to warn about.
_MIN_ENTROPY = 1e-3

#: Ratio of singular values below which a direction of the first layer counts as absent.
_RANK_TOL = 0.05

#: How far above the constant's (and above its first epoch's) a loss must go
#: to say that the steps overshoot.
_OVERSHOOT = 0.1

#: The remedy of a start that keeps the hidden layers from learning.
_RANDOM_START = "start from random weights, e.g. init='glorot_uniform'"


def check_learned_something(estimator, state, X, Y, sw, incremental):
    """Warn when the fit that just ended learned nothing; see the module docstring.

    ``partial_fit`` is not checked: each call is one epoch of a loop the user
    drives, whose first calls are at the constant predictor's loss in every
    healthy stream, so a per-call warning would be noise; ``loss_curve_``
    shows such a loop's progress.

    Parameters
    ----------
    estimator : BaseNetwork
        The estimator, after its epochs (``loss_curve_``, ``n_iter_`` set).
    state : TrainingState
        The trained state (network, rule, the scheme its weights started from).
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The rows passed to the call.
    Y : ndarray of shape (n_samples, n_outputs)
        The encoded targets, as the network's loss takes them.
    sw : ndarray of shape (n_samples,) or None
        Sample weights (times the class weights).
    incremental : bool
        True for ``partial_fit``, which is not checked.
    """
    if incremental or not estimator.loss_curve_ or _ended_otherwise(estimator):
        return
    if sw is not None and not sw.sum() > 0:
        return  # no weighted loss to compare
    const = constant_loss(Y, sw, state.net.loss_fn)
    if not const > _negligible(Y, sw, state.net.output_name):
        return  # the constant is (all but) perfect: nothing is left to learn
    threshold = (1 - MARGIN) * const
    if estimator.loss_curve_[-1] < threshold:
        return  # the cheap bound: the last epoch's loss with its L2 term is lower
    with np.errstate(all="ignore"):  # overflow is the divergence check's to report
        out = state.net.predict_output(X)
        if not np.isfinite(out).all():
            return
        loss = state.net.loss_fn(Y.astype(out.dtype, copy=False), out, sw)
        if loss < threshold or _informative(out, Y, sw, state.net.output_name):
            return
        message = _message(estimator, state, loss, const, Y)
    warn(message, LearnedNothingWarning)


def _ended_otherwise(estimator):
    """Whether neither the tolerance stop nor ``max_iter`` ended the fit.

    Divergence, ``KeyboardInterrupt`` and a callback end a fit early, and each
    says so itself. Exact for a fit from scratch; a warm start's ``n_iter_``
    counts earlier fits too, so one that reached ``max_iter`` epochs in all
    is checked. L-BFGS stops on its own tolerances, which are checked too.
    """
    if _lbfgs(estimator):
        return False
    return not _stopped_on_plateau(estimator) and estimator.n_iter_ < estimator.max_iter


def _lbfgs(estimator):
    """Whether the fit ran full-batch L-BFGS, which has no learning rate."""
    return getattr(estimator, "solver", None) == "lbfgs"


def _informative(out, Y, sw, output_name):
    """Whether outputs whose loss is the constant's still carry what was learned.

    An overconfident classifier can rank well and be right often with a
    cross-entropy above the priors': its predicted classes are learned. A
    classifier counts when its training error is at most
    ``1 - _ACCURACY_MARGIN`` times the majority class's (per label for
    logistic outputs). A regressor never does: ``predict`` returns its
    outputs as they are, so outputs that follow ``y`` at the wrong scale or
    offset still predict worse than the mean (a diverging fit stopped by the
    tolerance rule, say, with a training R^2 far below zero).
    """
    Y = np.asarray(Y, dtype=np.float64)
    out = np.asarray(out, dtype=np.float64)
    if output_name == "identity":
        return False
    if output_name == "softmax":
        right = out.argmax(axis=1) == Y.argmax(axis=1)
        majority = np.average(Y, axis=0, weights=sw).max()
    else:  # logistic outputs: each label right or wrong on its own
        right = (out > 0.5) == (Y > 0.5)
        frequency = np.average(Y, axis=0, weights=sw)
        majority = np.maximum(frequency, 1 - frequency).mean()
    error = 1 - np.average(right.mean(axis=1) if right.ndim == 2 else right, weights=sw)
    return error <= (1 - _ACCURACY_MARGIN) * (1 - majority)


def constant_loss(Y, sw, loss_fn):
    """Task loss of the best constant prediction: the weighted mean of each target column.

    The mean is the minimiser of each task loss over constants: the class
    priors for the softmax's cross-entropy, each label's frequency for
    logistic outputs, the mean of ``y`` for the squared error.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets.
    sw : ndarray of shape (n_samples,) or None
        Sample weights.
    loss_fn : callable
        ``loss_fn(Y, prediction, sample_weight)``, the network's task loss.

    Returns
    -------
    loss : float
        The constant predictor's loss on ``(Y, sw)``.
    """
    Y = np.asarray(Y, dtype=np.float64)
    mean = np.average(Y, axis=0, weights=sw)
    return loss_fn(Y, np.broadcast_to(mean, Y.shape), sw)


def _negligible(Y, sw, output_name):
    """A constant's loss too small for a relative margin to mean anything.

    For classifiers ``_MIN_ENTROPY`` nats; for regressors rounding error of the
    targets' scale (the squared loss has no scale of its own).
    """
    if output_name != "identity":
        return _MIN_ENTROPY
    scale = float(np.average(np.square(Y, dtype=np.float64).sum(axis=1), weights=sw))
    return 1e-12 * (1.0 + scale)


def _message(estimator, state, loss, const, Y):
    """The warning's text: what happened, then the causes and remedies that can be seen."""
    name = type(estimator).__name__
    what = _constant_name(estimator, state)
    shown = _number(loss)
    if state.penalised and estimator.loss_ - loss > MARGIN * const:
        shown += f" (loss_ = {_number(estimator.loss_)} adds the L2 term)"  # why they differ
    text = (
        f"{name} learned nothing: its training loss {shown} is no better than the "
        f"constant predictor's ({_number(const)}, {what}) after {estimator.n_iter_} "
        f"{'iterations' if _lbfgs(estimator) else 'epochs'}."
    )
    if _stopped_on_plateau(estimator):
        text += " The tolerance stop ended it on a plateau at that loss: this is not convergence."
    causes, remedies = zip(*_causes(estimator, state, loss, const, Y.shape[1]))
    return f"{text} Likely cause: {'; '.join(causes)}. Remedy: {'; or '.join(remedies)}."


def _number(x):
    """Four decimals, as loss curves are read, or four digits for a large or tiny loss."""
    return f"{x:.4f}" if 1e-3 <= abs(x) < 1e4 else f"{x:.4g}"


def _constant_name(estimator, state):
    """What the constant prediction is, in the user's terms."""
    if state.net.output_name == "identity":
        return "the mean of y"
    if getattr(estimator, "_multilabel", False):
        return "each label's frequency"
    return "the class priors"


def _stopped_on_plateau(estimator):
    """Whether ``n_iter_no_change`` ended the fit (its counter is reset by anything else)."""
    if _lbfgs(estimator):
        return False
    return getattr(estimator, "_no_improvement_count", 0) > estimator.n_iter_no_change


def _causes(estimator, state, loss, const, n_outputs):
    """``(cause, remedy)`` pairs, most structural first; never empty."""
    blocking = _blocking_causes(estimator, state, n_outputs)
    found = blocking + _slowing_causes(estimator, loss, const, blocked=bool(blocking))
    # More epochs cannot help a fit that no learning signal reaches.
    if _stopped_on_plateau(estimator) and not blocking:
        found.append(
            (
                f"the tolerance stop gave up after {estimator.n_iter_no_change} epochs "
                f"without an improvement of tol={estimator.tol}",
                f"raise n_iter_no_change above {estimator.n_iter_no_change} (a plateau "
                "can last a hundred epochs) or lower tol, and max_iter with them",
            )
        )
    if not found:
        found.append(
            (
                "none of the settings the estimator can check",
                "scale X (StandardScaler), and try a random init, "
                "a larger learning_rate_init and more epochs",
            )
        )
    return found


def _blocking_causes(estimator, state, n_outputs):
    """Causes in the settings or the weights that keep the hidden layers from learning."""
    found = []
    for param, activation in estimator._hidden_units().items():
        found += _unit_causes(estimator, state, param, activation)
    # A cause that does not depend on the units is named once.
    found = list(dict.fromkeys(found))
    # From a random start a diverging direction can dwarf the others: only a
    # zero start is known to confine the first layer.
    zero_start = state.init_scheme == "zeros"
    if not found and zero_start and _confined(state.net.coefs, n_outputs):
        how = "init='zeros'" if estimator.init == "zeros" else "init='auto', which is zeros here"
        rank = _first_layer_rank(state.net.coefs)
        found.append(
            (
                f"from all-zero weights ({how}) the first layer's weights span only "
                f"{_count(rank, 'direction')} of the input, no more than the "
                f"{_count(n_outputs, 'output')}, so the hidden units see only the "
                "directions linearly correlated with the targets",
                _RANDOM_START,
            )
        )
    return found


def _unit_causes(estimator, state, param, activation):
    """Blocking causes of the settings for the hidden units ``param`` names."""
    found, rule = [], state.rule
    problem = state.init_scheme == "zeros" and rule.zero_init_problem(activation, param)
    if problem:
        found.append((f"from init='zeros' {problem}", _RANDOM_START))
    for problem in rule.setting_problems(activation, param):
        # The rule's sentence may end with its own remedy ("... Use X").
        cause, _, remedy = problem.partition(". Use ")
        found.append((cause, remedy or "see the warning raised before training"))
    if rule.needs_derivative and not ACTIVATIONS[activation].has_gradient:
        found.append(
            (
                f"{param}={activation!r} has a zero derivative, so the layers of these "
                "units learn nothing",
                "a differentiable activation"
                + ("" if hasattr(estimator, "form") else ", or LRA, which needs none"),
            )
        )
    return found


def _count(n, noun):
    """``'1 output'``, ``'3 outputs'``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _confined(coefs, n_outputs):
    """Whether the first hidden layer uses no more input directions than there are outputs.

    Only meaningful when the input and the layer have more directions than
    that: a one-feature regression is rank one whatever it learned.
    """
    if len(coefs) < 2 or min(coefs[0].shape) <= n_outputs:
        return False
    return _first_layer_rank(coefs) <= n_outputs


def _first_layer_rank(coefs):
    """Directions of the input the first hidden layer uses.

    A direction counts when its singular value is at least ``_RANK_TOL``
    times the largest; all-zero weights use none.
    """
    s = np.linalg.svd(np.asarray(coefs[0], dtype=np.float64), compute_uv=False)
    if not s.size or s[0] == 0:
        return 0
    return int(np.count_nonzero(s >= _RANK_TOL * s[0]))


def _slowing_causes(estimator, loss, const, blocked):
    """Causes in the units and the steps: a weak signal, steps too small or too large.

    A loss that never moved is the symptom of a blocking cause when there is one.
    """
    found = []
    if "logistic" in estimator._hidden_units().values():
        found.append(
            (
                "logistic hidden units, whose slope is at most 1/4 and whose outputs "
                "are not centred, pass a weak learning signal",
                "activation='tanh' or 'relu'",
            )
        )
    return found + _step_causes(estimator, loss, const, blocked)


def _step_causes(estimator, loss, const, blocked):
    """Causes in the steps: the loss ended above the constant's, or never moved."""
    curve = np.asarray(estimator.loss_curve_, dtype=np.float64)
    if _lbfgs(estimator):
        return []  # no learning rate to blame
    rate = f"learning_rate_init={estimator.learning_rate_init:g}"
    # Above the constant's and risen since the first epoch: a loss still on its
    # way down from a poor start is not an overshoot.
    if loss > (1 + _OVERSHOOT) * const and curve.max() > (1 + _OVERSHOOT) * curve[0]:
        return [
            (
                f"the loss rose above the constant's: the steps of {rate} overshoot",
                "a smaller learning_rate_init",
            )
        ]
    if not blocked and np.ptp(curve) <= MARGIN * const:
        return [
            (
                f"the loss stayed within 1% of its first epoch's: the steps of {rate} "
                "are too small, or no learning signal reaches the weights",
                "a larger learning_rate_init",
            )
        ]
    if not _stopped_on_plateau(estimator) and _still_falling(curve, estimator.tol):
        return [
            (
                f"the loss was still falling when the fit ended after {len(curve)} epochs",
                "a larger max_iter or learning_rate_init",
            )
        ]
    return []


def _still_falling(curve, tol):
    """Whether the last epoch's loss beat every earlier epoch's by more than ``tol``."""
    return len(curve) > 1 and curve[-1] < curve[:-1].min() - tol

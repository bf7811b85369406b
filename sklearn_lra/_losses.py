"""Output functions, task losses and the local losses of target-based rules.

Task losses pair with an output function so that the output error is always
``e_L = z_L - Y`` (softmax with cross-entropy, logistic with binary
cross-entropy for multilabel targets, identity with squared error).
Local losses measure how far a layer's representation is from its target;
their ``*_error(diff, out, scratch)`` functions write the derivative of the
loss with respect to the representation into ``out``.
"""

import numpy as np
from scipy.special import xlogy

# Probabilities are clipped away from 0 so that log() stays finite in float32.
_PROB_EPS = {np.dtype(np.float32): 1e-7, np.dtype(np.float64): 1e-12}


def softmax(h, out):
    """Row-wise softmax, stable for any finite input."""
    if out is not h:
        out[...] = h
    out -= out.max(axis=1, keepdims=True)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def logistic(h, out):
    """Element-wise logistic sigmoid ``1 / (1 + exp(-h))``, the multilabel output.

    Computed as ``(1 + tanh(h / 2)) / 2``, which never overflows.
    """
    np.multiply(h, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


def identity(h, out):
    """The regressor's output function."""
    if out is not h:
        out[...] = h
    return out


def exponential(h, out):
    """The Poisson regressor's output function ``exp(h)``: the inverse of its log link."""
    return np.exp(h, out=out)


def cross_entropy(Y, P, sample_weight=None):
    """Mean of ``-sum_k Y_k log P_k`` over the rows, optionally weighted."""
    eps = _PROB_EPS.get(P.dtype, 1e-12)
    row = -np.einsum("ij,ij->i", Y, np.log(np.clip(P, eps, 1.0)))
    return float(np.average(row, weights=sample_weight))


def binary_cross_entropy(Y, P, sample_weight=None):
    """Mean over the rows of ``-sum_k [Y_k log P_k + (1 - Y_k) log(1 - P_k)]``.

    The loss of independent logistic outputs (multilabel targets), summed over
    the labels as ``MLPClassifier``'s ``binary_log_loss`` does.
    """
    eps = _PROB_EPS.get(P.dtype, 1e-12)
    P = np.clip(P, eps, 1.0 - eps)
    row = -(np.einsum("ij,ij->i", Y, np.log(P)) + np.einsum("ij,ij->i", 1 - Y, np.log1p(-P)))
    return float(np.average(row, weights=sample_weight))


def squared_error(Y, Z, sample_weight=None):
    """Mean of ``0.5 * ||Z - Y||^2`` over the rows, optionally weighted."""
    diff = Z - Y
    row = 0.5 * np.einsum("ij,ij->i", diff, diff)
    return float(np.average(row, weights=sample_weight))


def half_poisson_deviance(Y, Z, sample_weight=None):
    """Mean over the rows of ``sum_k [Y_k log(Y_k / Z_k) - Y_k + Z_k]``, optionally weighted.

    ``MLPRegressor``'s ``loss='poisson'``: half the Poisson deviance, whose
    gradient with respect to the pre-activation of an ``exp`` output is
    ``Z - Y``, the output error of every other task loss.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        row = (xlogy(Y, Y / Z) - Y + Z).sum(axis=1)
    return float(np.average(row, weights=sample_weight))


def true_class_cross_entropy(p, out, upper=False):
    """``-log p`` per row from the probability ``p`` of each row's true class.

    Equals :func:`cross_entropy`'s row term for one-hot targets (same
    clipping); with ``upper``, ``p`` is also clipped below ``1 - eps``, as
    :func:`binary_cross_entropy` clips, whose row term it then equals for
    one output and targets of 0 and 1.
    """
    eps = _PROB_EPS.get(p.dtype, 1e-12)
    np.clip(p, eps, 1.0 - eps if upper else 1.0, out=out)
    np.log(out, out=out)
    return np.negative(out, out=out)


def row_squared_error(Z, Y, out, diff):
    """``0.5 * ||Z - Y||^2`` of each row into ``out``, using the buffer ``diff``."""
    np.subtract(Z, Y, out=diff)
    np.einsum("ij,ij->i", diff, diff, out=out)
    out *= 0.5
    return out


OUTPUTS = {
    "softmax": (softmax, cross_entropy),
    "logistic": (logistic, binary_cross_entropy),
    "identity": (identity, squared_error),
    "exp": (exponential, half_poisson_deviance),
}


def squared_local_error(diff, out, scratch):
    """Derivative of ``0.5 * diff**2``: the difference itself."""
    if out is not diff:
        out[...] = diff
    return out


def cauchy_local_error(diff, out, scratch):
    """Derivative of the Cauchy loss ``log(1 + diff**2)``: ``2 d / (1 + d**2)``.

    ``out`` may be ``diff``; ``scratch`` must be a third array of the same shape.
    """
    np.square(diff, out=scratch)
    scratch += 1
    np.divide(diff, scratch, out=out)
    out *= 2
    return out


LOCAL_ERRORS = {"squared": squared_local_error, "cauchy": cauchy_local_error}

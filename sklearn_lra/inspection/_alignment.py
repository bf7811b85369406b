"""Angles between a learning rule's weight updates and back-propagation's gradient."""

import copy

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted, validate_data

from .._network import Workspace
from ..rules.bp import BackPropagationRule


def alignment_angles(estimator, X, y):
    """Angle between each layer's rule update and the back-propagation gradient.

    The fitted network is run on ``(X, y)`` as one full batch. For every
    weight layer ``l`` the estimator's learning rule gives its descent
    direction ``dW_l``, back-propagation gives the gradient ``g_l`` of the
    task loss for the same weights and data, and the angle between the two
    flattened matrices is reported. This is the alignment measure of the
    feedback-alignment literature [1]_ [2]_: an angle below 90 degrees means
    the rule's update still descends the task loss.

    Parameters
    ----------
    estimator : estimator of sklearn_lra
        A fitted estimator of this package (LRA, BP, FA, DFA or DTP,
        classifier or regressor).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Data on which both updates are computed.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Class labels (classifier, every label in ``classes_``) or targets
        (regressor).

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the keys:

        angles : ndarray of shape (n_layers,)
            Angle in degrees, in ``[0, 180]``, for ``W_1 .. W_L``; NaN for a
            layer where either update is exactly zero (e.g. the hidden layers
            of back-propagation from an all-zero initialisation, or with
            ``activation='sign'``), where no angle is defined.
        layers : list of str
            A label per layer, ``'W_1 (64 -> 32)'`` and so on.

    Notes
    -----
    With ``a = vec(dW_l)`` the rule's direction and ``b = vec(g_l)`` the
    back-propagation gradient::

        angle_l = arccos(<a, b> / (|a| |b|))

    evaluated as ``2 arcsin(|a/|a| - b/|b|| / 2)``, which is the same angle
    but exact near 0 (identical updates give exactly 0). Only the weights
    enter, not the intercepts. The angle does not depend on the scale of an
    update, so ``update_cap`` and the learning rate play no part. The output
    layer of BP, FA, DFA and LRA all use the output error ``e_L = z_L - Y``,
    so their angle there is 0. For a rule with ``inverse_steps > 1`` (DTP),
    the angle is that of a minibatch on which the forward weights move.

    References
    ----------
    .. [1] Lillicrap, Cownden, Tweed and Akerman, "Random synaptic feedback
       weights support error backpropagation for deep learning", Nature
       Communications 7, 13276, 2016.
    .. [2] Nokland, "Direct Feedback Alignment Provides Learning in Deep
       Neural Networks", NeurIPS 2016.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_lra import FAClassifier
    >>> from sklearn_lra.inspection import alignment_angles
    >>> X, y = make_classification(100, 6, random_state=0)
    >>> fa = FAClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0).fit(X, y)
    >>> result = alignment_angles(fa, X, y)
    >>> result.angles.shape
    (2,)
    >>> float(result.angles[-1])  # the output layer sees the output error itself
    0.0
    """
    check_is_fitted(estimator, "coefs_")
    X, Y = _validated_data(estimator, X, y)
    net = estimator._network()
    rule_dW = _full_batch_directions(
        _rule_for_angles(estimator), net, X, Y, _rule_params(estimator)
    )
    bp_dW = _full_batch_directions(BackPropagationRule(estimator), net, X, Y, {})
    angles = np.array([_angle(a, b) for a, b in zip(rule_dW, bp_dW)])
    return Bunch(angles=angles, layers=layer_labels(net.layer_units()))


def layer_labels(layer_units):
    """``'W_l (n_{l-1} -> n_l)'`` for every weight layer."""
    return [
        f"W_{l} ({n_in} -> {n_out})"
        for l, (n_in, n_out) in enumerate(zip(layer_units[:-1], layer_units[1:]), start=1)
    ]


def _validated_data(estimator, X, y):
    """``X`` in the network's dtype (CSR if sparse) and ``y`` encoded as in ``fit``."""
    dtype = estimator.coefs_[0].dtype
    X = validate_data(estimator, X, reset=False, accept_sparse=["csr", "csc"], dtype=dtype)
    if sp.issparse(X):
        X = X.tocsr()
    Y = estimator._encode_targets(y, False, None, dtype)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {Y.shape[0]}.")
    return X, Y


def _rule_for_angles(estimator):
    """The estimator's rule, made to update the forward weights on its first minibatch."""
    if "inverse_steps" in estimator.get_params():
        # DTP leaves the forward weights still on all but every k-th minibatch.
        estimator = copy.copy(estimator).set_params(inverse_steps=1)
    return estimator._make_rule()


def _rule_params(estimator):
    """The rule's own fitted parameters (feedback or inverse weights), by attribute name."""
    return {name: getattr(estimator, name) for name in estimator._rule_attributes}


def _full_batch_directions(rule, net, X, Y, extra):
    """Copies of the rule's weight directions ``dW_l`` for all of ``(X, Y)`` as one batch."""
    ws = Workspace(net.layer_units(), X.shape[0], net.coefs[0].dtype)
    net.forward(X, ws)
    # No direction buffers for the rule's own parameters: they are not compared,
    # and DTP then draws no noise, so the estimator's random state is untouched.
    rule.directions(net, ws, Y, extra, {})
    return [g.astype(np.float64) for g in ws.coef_grads]


def _angle(a, b):
    """Angle in degrees between two arrays seen as vectors; NaN if either is zero."""
    a, b = a.ravel(), b.ravel()
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a == 0 or norm_b == 0 or not (np.isfinite(norm_a) and np.isfinite(norm_b)):
        return np.nan
    chord = np.linalg.norm(a / norm_a - b / norm_b)
    return float(np.degrees(2.0 * np.arcsin(min(chord / 2.0, 1.0))))

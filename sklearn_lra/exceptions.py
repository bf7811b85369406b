"""Warnings raised by the estimators of sklearn-lra."""


class DivergenceWarning(UserWarning):
    """Training diverged; the weights of the last finite epoch were kept.

    Raised when the loss, the weights or the outputs of a network become
    infinite or NaN during ``fit`` or ``partial_fit``. The estimator stays
    usable: it keeps the latest parameters whose outputs on the training data
    are finite.
    """

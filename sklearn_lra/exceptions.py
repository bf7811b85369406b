"""Warnings raised by the estimators of sklearn-lra."""

from sklearn.exceptions import ConvergenceWarning


class DivergenceWarning(UserWarning):
    """Training diverged; the weights of an earlier, finite epoch were kept.

    Raised when the loss, the weights or the outputs of a network become
    infinite or NaN during ``fit`` or ``partial_fit``. The estimator stays
    usable: it keeps the weights of the last finite epoch or, when the loss
    had been climbing before it overflowed, those the epoch of lowest
    training loss started from; in either case the first of these (then the
    epoch before, then the initialisation) whose outputs on the training
    data, and their squares, are finite. The message names the epoch kept.
    """


class LearnedNothingWarning(ConvergenceWarning):
    """A fit ended with a training loss no better than the constant predictor's.

    Raised at the end of ``fit`` (and of a warm-start ``fit``) when the
    training loss, without the L2 term, is within 1% of the loss of
    predicting the class priors (classifiers) or the mean of ``y``
    (regressors): the network has learned nothing from ``X``, whether the
    tolerance stop ended it on a plateau or ``max_iter`` did. The message
    names the causes the estimator can see (an all-zero start, settings
    that send no signal to the hidden layers, steps too small or too large,
    an early tolerance stop) and their remedies. It subclasses
    :class:`~sklearn.exceptions.ConvergenceWarning`, so filters on that class
    also catch it. The check concerns the training loss, not
    generalisation: a network that fits noise in ``y`` passes it.
    """

"""A scikit-learn callback that records alignment angles after every epoch."""

import numpy as np

from ._alignment import alignment_angles


class AlignmentMonitor:
    """Callback recording :func:`alignment_angles` on fixed data after every epoch.

    Set it on an estimator of this package with ``set_callbacks``; after each
    training epoch it measures, on ``(X, y)``, the angle between the rule's
    update and the back-propagation gradient of every weight layer. The
    record follows the estimator's ``loss_curve_``: a fit from scratch starts
    it again, ``warm_start`` and ``partial_fit`` extend it. Use one monitor
    per estimator.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Data on which the angles are measured, in the estimator's input
        space (training data, or a held-out sample of it).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Labels or targets of ``X``.

    Attributes
    ----------
    angles_ : ndarray of shape (n_epochs, n_layers)
        Angle in degrees of each layer after each recorded epoch (NaN where
        undefined, see :func:`alignment_angles`).
    epochs_ : ndarray of shape (n_epochs,)
        The epoch of each record over every call (``len(loss_curve_)``; 1 for the first).
    layers_ : list of str
        Label of each layer (the columns of ``angles_``).

    See Also
    --------
    alignment_angles : the angles of a fitted estimator, once.
    plot_alignment : plot ``angles_`` against the epochs.

    Notes
    -----
    The estimator passes ``fitted_estimator`` (its state at the end of the
    epoch) to :meth:`on_fit_task_end`; the angles are computed on that copy,
    so monitoring never changes training. Each record costs one forward pass
    and two backward sweeps over ``X``: pass a subsample for large data.
    The monitor keeps its records in the process where the estimator trains:
    estimators fitted in worker processes (``n_jobs``) do not send theirs
    back.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_lra import FAClassifier
    >>> from sklearn_lra.inspection import AlignmentMonitor
    >>> X, y = make_classification(100, 6, random_state=0)
    >>> monitor = AlignmentMonitor(X, y)
    >>> fa = FAClassifier(hidden_layer_sizes=(8,), max_iter=5, tol=0, random_state=0)
    >>> _ = fa.set_callbacks(monitor).fit(X, y)
    >>> monitor.angles_.shape
    (5, 2)
    """

    def __init__(self, X, y):
        self.X = X
        self.y = y
        self._angles, self._epochs, self.layers_ = [], [], None

    @property
    def angles_(self):
        """Angles in degrees, one row per recorded epoch."""
        n_layers = len(self.layers_) if self.layers_ else 0
        return np.array(self._angles, dtype=float).reshape(len(self._angles), n_layers)

    @property
    def epochs_(self):
        """The epoch number (``len(loss_curve_)``) of each row of ``angles_``."""
        return np.array(self._epochs, dtype=int)

    def setup(self, estimator, context):
        """Nothing to prepare: the record is reset by a fit's first epoch."""

    def on_fit_task_begin(self, estimator, context):
        """Nothing to do when a task begins."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Record the angles of the network as it is at the end of an epoch.

        Parameters
        ----------
        estimator : estimator instance
            The estimator being trained.
        context : sklearn.callback.CallbackContext
            The task that ended; only ``'epoch'`` tasks are recorded.
        fitted_estimator : estimator instance or None
            The estimator as if training had stopped here.

        Returns
        -------
        stop : bool
            Always False: monitoring never stops training.
        """
        if context.task_name != "epoch" or fitted_estimator is None:
            return False
        # The epoch over all calls: n_iter_ restarts with each warm start, loss_curve_ grows.
        epoch = len(fitted_estimator.loss_curve_)
        if epoch <= 1:
            self._angles, self._epochs = [], []
        result = alignment_angles(fitted_estimator, self.X, self.y)
        self._angles.append(result.angles)
        self._epochs.append(epoch)
        self.layers_ = result.layers
        return False

    def teardown(self, estimator, context):
        """Nothing to release."""

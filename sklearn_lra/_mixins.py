"""Classifier and regressor behaviour on top of the shared engine."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import _check_sample_weight, column_or_1d

from ._compat import StrOptions, _fit_context

#: The kinds of ``y`` that ``check_classification_targets`` accepts.
_CLASSIFICATION_TARGETS = (
    "binary",
    "multiclass",
    "multiclass-multioutput",
    "multilabel-indicator",
    "multilabel-sequences",
)


def _stochastic(estimator):
    """``partial_fit`` exists for the stochastic solvers only, as in ``MLPClassifier``."""
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. lbfgs is not stochastic."
        )
    return True


def _labels_of(y):
    """The distinct labels of an already checked ``y``: one sort.

    Labels that do not sort together (str and int) go to ``unique_labels``,
    which says so.
    """
    try:
        return np.unique(y)
    except TypeError:
        return unique_labels(y)


class NetworkClassifierMixin(ClassifierMixin):
    """Classifier behaviour: label encoding, output function, probabilities.

    As in ``MLPClassifier``: a softmax output for three classes or more, one
    logistic output for two classes (the probability of ``classes_[1]``), and
    one independent logistic output per label for multilabel-indicator
    targets.
    """

    _own_defaults = {"class_weight": None}
    _own_constraints = {"class_weight": [dict, StrOptions({"balanced"}), None]}

    #: Set by a fit; False for models pickled before multilabel targets existed.
    _multilabel = False
    #: Whether a fit got a sparse indicator matrix, so that predict returns one.
    _sparse_output = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _class_weights(self, y, incremental):
        """Per-sample weights from ``class_weight`` (None when it is None)."""
        if self.class_weight is None:
            return None
        if self._multilabel:
            raise ValueError(
                "class_weight is not supported for multilabel targets: a sample "
                "belongs to several classes at once. Pass sample_weight instead."
            )
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the class "
                "frequencies of one call are not those of the data. Pass a dict, e.g. "
                "computed once with sklearn.utils.class_weight.compute_class_weight."
            )
        return compute_sample_weight(self.class_weight, y)

    def _output_function(self):
        return "logistic" if self._multilabel or len(self.classes_) == 2 else "softmax"

    def _check_warm_start_targets(self, y):
        """A warm start continues on the classes it was fitted with (MLPClassifier's message)."""
        if self._multilabel or np.ndim(y) == 2:
            return  # the label count is checked with the encoding
        classes = _labels_of(column_or_1d(y))
        if set(classes) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the "
                f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
            )

    def _encode_targets(self, y, first, classes, dtype):
        """One-hot ``Y`` (or the label indicator matrix); sets ``classes_`` on a first fit.

        A first fit checks ``y`` fully. A later ``partial_fit`` call with 1-D
        labels only looks each label up in ``classes_`` (an unknown or
        continuous label is unseen there): every check of the kind of ``y``
        sorts its labels, which costs as much as an epoch on a small table.
        """
        kind = type_of_target(y, input_name="y") if first or np.ndim(y) == 2 else None
        if first or (kind is not None and kind not in _CLASSIFICATION_TARGETS):
            check_classification_targets(y)  # its errors, and its many-classes warning
        multilabel = kind == "multilabel-indicator"
        if not first and multilabel != self._multilabel:
            kinds = ("single-label", "multilabel-indicator")
            raise ValueError(
                f"y is {kinds[multilabel]} but the model was fitted on "
                f"{kinds[self._multilabel]} targets. Refit with warm_start=False."
            )
        if multilabel:
            return self._encode_multilabel(y, first, classes, dtype)
        y = column_or_1d(y, warn=True)
        if first or not hasattr(self, "classes_"):  # or weights set by hand
            self._multilabel = self._sparse_output = False
            labels = unique_labels(y) if classes is None else unique_labels(classes)
            if len(labels) < 2:
                raise ValueError(
                    f"{type(self).__name__} can't train when only one class is "
                    f"present: got only the label {labels[0]!r}. A classifier needs "
                    "samples of at least 2 classes."
                )
            self.classes_ = labels
        idx = self._class_index(y)
        if len(self.classes_) == 2:
            return (idx == 1).astype(dtype).reshape(-1, 1)
        return np.eye(len(self.classes_), dtype=dtype)[idx]

    def _class_index(self, y):
        """The index of each label of ``y`` in ``classes_``; unseen labels are an error."""
        classes = self.classes_
        try:
            idx = np.searchsorted(classes, y)
        except TypeError:  # labels that do not compare with classes_ (str and int)
            unique_labels(y, classes)  # says so
            raise
        found = classes[np.minimum(idx, len(classes) - 1)] == y
        if not np.all(found):
            unseen = _labels_of(y[~found]).tolist()
            shown = unseen if len(unseen) <= 10 else unseen[:10] + [f"... {len(unseen) - 10} more"]
            raise ValueError(
                f"y contains labels {shown} that are not in classes_ "
                f"{classes.tolist()}; pass every label in `classes` on the "
                "first call to partial_fit."
            )
        return idx

    def _encode_multilabel(self, y, first, classes, dtype):
        """The indicator matrix as floats; ``classes_`` are the label indices."""
        Y = y.toarray() if hasattr(y, "toarray") else np.asarray(y)
        if first and classes is not None and not np.array_equal(classes, np.arange(Y.shape[1])):
            raise ValueError(
                f"For multilabel targets, classes must be the label indices "
                f"0..{Y.shape[1] - 1} (the columns of y), got {list(classes)}."
            )
        if first:
            self._multilabel = True
            self._sparse_output = sp.issparse(y)
            self.classes_ = np.arange(Y.shape[1])
        elif Y.shape[1] != len(self.classes_):
            raise ValueError(
                f"y has {Y.shape[1]} labels but the model was fitted with {len(self.classes_)}."
            )
        return Y.astype(dtype)

    def _labels_from_output(self, out):
        """Predicted labels: the most probable class, or every label above 1/2."""
        if self._multilabel:
            return (out > 0.5).astype(int)
        if out.shape[1] == 1:
            return self.classes_[(out[:, 0] > 0.5).astype(int)]
        return self.classes_[out.argmax(axis=1)]

    def _score_output(self, out, y, sample_weight=None):
        """Accuracy (subset accuracy for multilabel targets), sample-weighted if given."""
        match = self._labels_from_output(out) == y
        match = match.all(axis=1) if self._multilabel else match
        return float(np.average(match, weights=sample_weight))

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The most probable class of each sample; for multilabel targets,
            the indicator matrix of the labels whose probability exceeds 1/2
            (a sparse CSR matrix when the model was fitted on a sparse one).
        """
        labels = self._labels_from_output(self._forward(X))
        return sp.csr_matrix(labels) if self._multilabel and self._sparse_output else labels

    def predict_proba(self, X):
        """Class probabilities (per label for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``. Rows sum to one, except for
            multilabel targets, where each column is the probability of one
            label (independent logistic outputs).
        """
        out = self._forward(X)
        if out.shape[1] == 1 and not self._multilabel:
            return np.hstack([1 - out, out])
        return out

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

    @available_if(_stochastic)
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
        if fitted and classes is not None and hasattr(self, "classes_"):
            if not np.array_equal(_labels_of(np.asarray(classes)), self.classes_):
                raise ValueError(
                    f"`classes` {list(classes)} differs from the classes_ "
                    f"{self.classes_.tolist()} of the first call to partial_fit."
                )
        return self._partial_fit(X, y, sample_weight, classes)


#: The attributes of a regressor that standardises its targets, for its docstring.
TARGET_SCALING_ATTRIBUTES = """target_mean_ : ndarray of shape (n_outputs,)
        Weighted mean of each target column (``sample_weight``), subtracted
        before training.
    target_scale_ : ndarray of shape (n_outputs,)
        Weighted standard deviation of each target column (1 for a constant
        column), by which the centred targets are divided. The network learns
        ``(y - target_mean_) / target_scale_`` and ``predict`` returns
        ``target_mean_ + target_scale_ * z_L``. Both are set by the first fit
        (the first call of ``partial_fit``: its batch) and kept by
        ``warm_start`` and later ``partial_fit`` calls. ``loss_``,
        ``loss_curve_``, ``best_loss_`` and ``validation_loss_curve_`` are
        measured on these standardised targets, whatever the units of ``y``:
        predicting the mean scores 0.5 per non-constant output (plus the L2
        term), and ``tol`` means the same for every ``y``.
        ``validation_scores_`` is the R^2 of the predictions in ``y``'s
        units.
"""


def _power_of_two_above(a):
    """The smallest power of two ``>= a`` (1 where ``a`` is 0), per element."""
    _, exponent = np.frexp(np.where(a > 0, a, 1.0))
    return np.ldexp(1.0, exponent)


def _weighted_moments(Y, w):
    """Weighted mean and standard deviation of each column of ``Y`` (float64).

    Columns are divided by a power of two above their largest magnitude
    first, so that targets near float64's limit give finite moments; a power
    of two divides exactly, so ``Y * 2**k`` gives exactly scaled moments.
    """
    Y = np.asarray(Y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    w = w / w.max() if w.max() > 0 else np.ones_like(w)  # sums of w stay finite
    size = _power_of_two_above(np.abs(Y).max(axis=0))
    mean = np.average(Y / size, axis=0, weights=w) * size
    dev = Y - mean
    spread = _power_of_two_above(np.abs(dev).max(axis=0))
    std = np.sqrt(np.average((dev / spread) ** 2, axis=0, weights=w)) * spread
    return mean, std


def target_scaling(Y, sample_weight=None):
    """Mean and scale that standardise each column of ``Y``.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Non-negative weights; None weighs every sample equally.

    Returns
    -------
    mean, scale : ndarray of shape (n_outputs,)
        The weighted mean and standard deviation (biased, as
        ``StandardScaler``'s); a column whose deviation is within rounding
        of its mean (a constant column) gets scale 1.
    """
    w = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    mean, std = _weighted_moments(Y, w)
    # StandardScaler's bound on the rounding of a constant column's variance.
    constant = std <= Y.shape[0] * np.finfo(np.float64).eps * np.abs(mean)
    return mean, np.where(constant | (std == 0), 1.0, std)


class NetworkRegressorMixin(RegressorMixin):
    """Regressor behaviour: identity output with squared error.

    A class whose ``_standardize_targets`` is True trains on targets
    standardised per column (``target_mean_`` and ``target_scale_``) and maps
    its outputs back: its updates, which depend on the size of the output
    error, then do not depend on the units of ``y``. False (the default)
    trains on ``y`` as it is, as ``MLPRegressor`` does.
    """

    #: Whether fit standardises each target column (see the class docstring).
    _standardize_targets = False

    def _class_weights(self, y, incremental):
        """Regressors have no classes: no weights."""
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _output_function(self):
        # MLPRegressor's loss='poisson': an exp output (log link) with half the deviance.
        return "exp" if getattr(self, "loss", "squared_error") == "poisson" else "identity"

    def _fit(self, X, y, sample_weight, incremental, classes):
        # _encode_targets needs the weights for the targets' weighted moments;
        # the engine passes it none, so they travel on the instance for one call.
        self._target_sample_weight = sample_weight
        try:
            return super()._fit(X, y, sample_weight, incremental, classes)
        finally:
            self.__dict__.pop("_target_sample_weight", None)

    def _encode_targets(self, y, first, classes, dtype):
        """Targets as a float matrix ``(n_samples, n_outputs)``, standardised if the class says.

        A first fit of a standardising class sets ``target_mean_`` and
        ``target_scale_``; later calls reuse them (a model fitted before
        they existed has neither and trains on ``y`` as it is).
        """
        with np.errstate(over="ignore"):
            Y = np.asarray(y, dtype=dtype)
        # predict returns the weights' dtype, which must hold y's values.
        if not np.isfinite(Y).all():
            raise ValueError(
                f"y has values too large for {np.dtype(dtype).name}, the dtype of X; "
                "scale y (e.g. with TransformedTargetRegressor) or pass float64 X."
            )
        if Y.ndim == 1:
            Y, y = Y.reshape(-1, 1), np.reshape(y, (-1, 1))
        if not first and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs but the model was fitted with {self.n_outputs_}."
            )
        if first:
            self._set_target_scaling(y)
        if getattr(self, "target_scale_", None) is None:
            return Y
        # From y itself: float32 would round the offset before it is removed.
        Y = (np.asarray(y, dtype=np.float64) - self.target_mean_) / self.target_scale_
        return Y.astype(dtype, copy=False)

    def _set_target_scaling(self, Y):
        """Set ``target_mean_`` and ``target_scale_`` from ``Y`` and the fit's weights.

        Only for a standardising class with the identity output (a log link,
        ``loss='poisson'``, needs ``y >= 0`` as it is); otherwise a first fit
        removes any scaling of an earlier fit.
        """
        if not (self._standardize_targets and self._output_function() == "identity"):
            self.__dict__.pop("target_mean_", None)
            self.__dict__.pop("target_scale_", None)
            return
        sw = getattr(self, "_target_sample_weight", None)
        if sw is not None:
            sw = _check_sample_weight(sw, Y, dtype=np.float64, ensure_non_negative=True)
        self.target_mean_, self.target_scale_ = target_scaling(Y, sw)

    def _to_target_units(self, out, dtype):
        """Network outputs mapped back to ``y``'s units, computed in ``dtype``.

        ``dtype`` is the one the network computes in, where the ONNX export
        computes the map too; the result keeps ``out``'s dtype.
        """
        scale = getattr(self, "target_scale_", None)
        if scale is None:
            return out
        z = out.astype(dtype, copy=False)
        mapped = z * scale.astype(dtype) + self.target_mean_.astype(dtype)
        return mapped.astype(out.dtype, copy=False)

    def _score_output(self, out, y, sample_weight=None):
        """R^2 of the network's outputs against ``y``, in ``y``'s units."""
        out = self._to_target_units(out, out.dtype)  # the network's own output
        return float(
            r2_score(y, out.ravel() if out.shape[1] == 1 else out, sample_weight=sample_weight)
        )

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
        out = self._to_target_units(self._forward(X), self.coefs_[0].dtype)
        return out.ravel() if out.shape[1] == 1 else out

    @available_if(_stochastic)
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

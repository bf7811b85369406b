"""Plots of training curves and alignment angles (matplotlib is optional)."""

import numpy as np


def _pyplot(function_name):
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{function_name} requires matplotlib; pip install matplotlib or sklearn-lra[plot]."
        ) from exc
    return plt


def _axes(ax, function_name):
    """``ax``, or the current Axes of a new figure."""
    if ax is not None:
        return ax
    plt = _pyplot(function_name)
    return plt.figure().add_subplot()


def _named_estimators(estimators):
    """``{label: estimator}`` from one estimator, a list of them, or a dict."""
    if isinstance(estimators, dict):
        return dict(estimators)
    if hasattr(estimators, "loss_curve_") or hasattr(estimators, "fit"):
        estimators = [estimators]
    named = {}
    for est in estimators:
        name = type(est).__name__
        label, i = name, 2
        while label in named:  # two estimators of one class: number them
            label, i = f"{name} ({i})", i + 1
        named[label] = est
    return named


def plot_learning_curves(estimators_or_dict, ax=None):
    """Plot the training loss of each epoch, and the validation score if recorded.

    Parameters
    ----------
    estimators_or_dict : estimator, list of estimators or dict
        Fitted estimators with a ``loss_curve_`` (any of this package, or
        scikit-learn's ``MLPClassifier``). A dict maps a legend label to an
        estimator; otherwise the class names label the curves.
    ax : matplotlib Axes, default=None
        Where to draw the loss; None draws on a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes of the training loss (log scale). When an estimator was
        trained with ``early_stopping=True`` its ``validation_scores_`` are
        drawn dashed, in the same colour, on a twin Axes with the score on
        the right (``ax.right_ax``).

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_lra import BPClassifier, LRAClassifier
    >>> from sklearn_lra.inspection import plot_learning_curves
    >>> X, y = make_classification(100, 6, random_state=0)
    >>> models = {"LRA": LRAClassifier(max_iter=20, tol=0), "BP": BPClassifier(max_iter=20, tol=0)}
    >>> ax = plot_learning_curves({k: m.fit(X, y) for k, m in models.items()})
    """
    _pyplot("plot_learning_curves")
    ax = _axes(ax, "plot_learning_curves")
    right = None
    for label, est in _named_estimators(estimators_or_dict).items():
        (line,) = ax.plot(np.arange(1, len(est.loss_curve_) + 1), est.loss_curve_, label=label)
        scores = getattr(est, "validation_scores_", None)
        if scores is not None and len(scores):
            right = ax.twinx() if right is None else right
            epochs = np.arange(1, len(scores) + 1)
            right.plot(epochs, scores, ls="--", color=line.get_color(), label=f"{label} (val.)")
    ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
    # Falling losses leave the upper right free, rising scores the middle right.
    ax.legend(loc="upper right" if right is None else "center right")
    if right is not None:
        right.set_ylabel("validation score (dashed)")
        ax.right_ax = right
    return ax


def plot_alignment(angles_history, ax=None, *, layers=None, label=None):
    """Plot the alignment angle of each layer against the epochs.

    Parameters
    ----------
    angles_history : AlignmentMonitor or array-like of shape (n_epochs, n_layers)
        A monitor after training, or its ``angles_`` (degrees, one row per
        epoch; a 1-D array is one layer).
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.
    layers : list of str, default=None
        Legend label of each column; by default the monitor's ``layers_``,
        else ``'W_1'``, ``'W_2'``, ...
    label : str, default=None
        Prefix of every legend entry, to tell several estimators apart on one
        Axes.

    Returns
    -------
    ax : matplotlib Axes
        The Axes, with a dotted line at 90 degrees: below it, the update of
        the rule descends the task loss.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    AlignmentMonitor : records the angles during training.
    """
    _pyplot("plot_alignment")
    angles, epochs, default_layers = _history(angles_history)
    layers = layers or default_layers or [f"W_{l}" for l in range(1, angles.shape[1] + 1)]
    ax = _axes(ax, "plot_alignment")
    for column, name in zip(angles.T, layers):
        ax.plot(epochs, column, marker=".", label=name if label is None else f"{label}: {name}")
    ax.axhline(90.0, color="grey", ls=":", lw=1)
    ax.set(xlabel="epoch", ylabel="angle to the BP gradient (degrees)", ylim=(0, 180))
    ax.legend(loc="best")
    return ax


def _history(angles_history):
    """Angles ``(n_epochs, n_layers)``, epoch numbers and layer labels of a history."""
    if hasattr(angles_history, "angles_"):
        return angles_history.angles_, angles_history.epochs_, angles_history.layers_
    angles = np.asarray(angles_history, dtype=float)
    if angles.ndim == 1:
        angles = angles[:, None]
    if angles.ndim != 2:
        raise ValueError(
            f"angles_history must have shape (n_epochs, n_layers), got {angles.shape}."
        )
    return angles, np.arange(1, angles.shape[0] + 1), None

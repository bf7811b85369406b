"""Parameter and attribute documentation shared by every estimator.

Each estimator's docstring holds the markers ``{shared_parameters}``,
``{shared_attributes}`` and ``{classifier_attributes}``; :func:`fill_doc`
replaces them, so a shared parameter is documented once.
"""

import inspect
import re

SHARED_PARAMETERS = """\
hidden_layer_sizes : int or tuple of int, default=(100,)
        Width of each hidden layer; its length is the number of hidden layers.
    activation : str, default={default:activation}
        Hidden nonlinearity ``phi``: one of 'identity', 'logistic', 'tanh',
        'relu', 'relu6', 'tanh_relu6', 'softplus', 'sign', 'hardtanh',
        'leaky_relu', 'lwta'. ``'lwta'`` is local winner-take-all over blocks
        of 4 consecutive units; ``'tanh_relu6'`` alternates tanh units (even
        positions) and ReLU-6 units (odd positions); ``'sign'`` has a zero
        derivative.
    input_activation : str, 'auto' or None, default={default:input_activation}
        The first hidden layer's nonlinearity, one of the names of
        ``activation``; the other hidden layers keep ``activation``. None:
        ``activation``. ``'auto'``: ``'tanh_relu6'`` when ``activation`` is
        ``'tanh'``, else ``activation``. Tanh units are odd functions of
        their inputs; the ReLU-6 half lets the first layer also form even
        ones, such as a distance from a centre (classes by radius).
    init : str, default={default:init}
        Initialisation of the forward weights ``W_l``: one of 'zeros',
        'normal', 'uniform', 'orthogonal', 'glorot_uniform', 'glorot_normal',
        'he_normal', 'he_uniform', 'he_uniform_bias', 'mlp', or 'auto':
        ``'he_uniform_bias'`` for LRA's fdbk and lra_e forms (chosen by
        nested validation on the tabular suite; ``init='zeros'`` is the
        paper's null start), else 'mlp'. ``'mlp'`` is ``MLPClassifier``'s
        initialisation, drawn in its order: weights and biases uniform on
        ``+-sqrt(6 / (fan_in + fan_out))`` (``sqrt(2 / ...)`` for logistic
        units), so that BP with the same ``random_state`` starts from
        MLPClassifier's network. ``'he_uniform_bias'`` draws weights and
        biases in the same order from He's bound ``+-sqrt(6 / fan_in)``.
        Every other scheme starts the biases at zero. A rule that cannot train from
        ``'zeros'`` warns before training.
    init_scale : float or None, default={default:init_scale}
        Standard deviation for ``'normal'``, half-width for ``'uniform'``, gain
        for the other schemes. None means 0.1 for normal and uniform, 1 else.
    input_scale : float, 'auto' or None, default={default:input_scale}
        Gain of the first layer's initial weights ``W_1`` on top of
        ``init_scale`` (the biases and the other layers keep theirs). None:
        1. ``'auto'``: ``min(1, sqrt(2 / d))`` for ``d`` input columns, so
        that the first layer of a wide table starts small and its random
        features are not made mostly of columns that do not matter.
    solver : {solvers}, default={default:solver}
        Optimizer applied to the rule's descent directions.
        {lbfgs}
    alpha : float, default={default:alpha}
        L2 penalty; adds ``alpha * W / B`` to each weight's direction.
    input_alpha : float, 'auto' or None, default={default:input_alpha}
        L2 penalty of the first layer's weights ``W_1`` (the other layers keep
        ``alpha``). None: ``alpha``, as in MLPClassifier. ``'auto'``: it grows
        with the number of input columns ``d``, ``max(alpha, min(d / 100, 1))``,
        so that wide tables, whose first layer can fit noise in many
        directions, are held back more than tables of a few columns;
        ``alpha=0`` turns it off too.
    batch_size : int or 'auto', default='auto'
        Minibatch size ``B``; ``'auto'`` is ``min({auto_batch}, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of ``'sgd'``, as in
        :class:`~sklearn.neural_network.MLPClassifier`: ``'invscaling'`` sets
        the rate after each epoch to ``learning_rate_init / (t_ + 1)^power_t``;
        ``'adaptive'`` divides it by 5 when ``n_iter_no_change`` epochs do not
        improve (also across ``partial_fit`` calls) and stops below 1e-6.
        The rate lives in the optimizer: ``partial_fit`` keeps it, a new
        ``fit`` (warm or not) starts again from ``learning_rate_init``.
    learning_rate_init : float, default={default:learning_rate_init}
        Initial step size.
    power_t : float, default=0.5
        Exponent of the ``'invscaling'`` schedule.
    max_iter : int, default=200
        Maximum number of epochs of one ``fit`` (iterations for ``'lbfgs'``).
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation, the shuffling and the validation split,
        drawn afresh by every ``fit``, as in ``MLPClassifier`` (with an int,
        warm starts hold out the same rows). ``partial_fit`` calls continue
        the random stream and the rows' order, so that ``k`` calls on the
        same data equal ``fit`` with ``max_iter=k`` (MLPClassifier redraws
        at every call: with an int, each call shuffles the rows alike).
    tol : float, default=1e-4
        Minimum improvement of the loss (or validation score) that counts.
    verbose : bool, default=False
        Print one line per epoch.
    warm_start : bool, default=False
        Continue from the current weights when ``fit`` is called again.
    momentum : float, default={default:momentum}
        Momentum of ``'sgd'``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``'sgd'``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score
        (sample-weighted) stops improving, and restore the weights of the best
        epoch, the best of earlier warm-started fits included. As in
        ``MLPClassifier``, the split is stratified for two classes and random
        otherwise (multiclass, multilabel, regression). Not with ``'lbfgs'``
        (ignored) nor ``partial_fit`` (refused).
    validation_fraction : float, default=0.1
        Fraction held out for early stopping.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's moment decay rates and stabiliser.
    n_iter_no_change : int, default=10
        Epochs without improvement of more than ``tol`` before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations of ``'lbfgs'`` (unused otherwise).
    dtype : {'float32', 'float64', np.float32, np.float64} or None, default=None
        Floating-point type to train in, whatever the type of ``X``. None keeps
        ``X``'s: float32 stays float32, anything else trains in float64, as
        :class:`~sklearn.neural_network.MLPClassifier` does. ``'float32'``
        halves the memory of the weights and the minibatches and makes
        training faster (the documentation's page on speed gives the
        measured gain). The fitted
        weights have this type; predictions are computed in it and returned
        in the wider of it and the dtype of the ``X`` predicted (float64 for
        float64 ``X``), as MLPClassifier's are. It is read on a fit from
        scratch: ``warm_start`` and ``partial_fit`` continue in the fitted
        weights' type."""

SHARED_ATTRIBUTES = """\
coefs_ : list of ndarray
        ``coefs_[l - 1]`` is ``W_l`` of shape ``(n_{l-1}, n_l)``.
    intercepts_ : list of ndarray
        ``intercepts_[l - 1]`` is ``b_l``.
    loss_ : float
        Training loss (task loss plus L2 term) of the last epoch.
    loss_curve_ : list of float
        Training loss (task loss plus L2 term) after each epoch (each
        iteration for ``'lbfgs'``), over all fits a warm start or
        ``partial_fit`` continued.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Held-out score after each epoch (early stopping only).
    validation_loss_curve_ : list of float or None
        Held-out task loss after each epoch (early stopping only).
    best_validation_score_ : float or None
        Best held-out score (early stopping only).
    n_iter_ : int
        Number of epochs (``'lbfgs'``: iterations) of the last ``fit`` call;
        1 after a ``partial_fit``, as in ``MLPClassifier``.
    t_ : int
        Number of training samples seen, over all calls.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        ``'softmax'`` for classifiers of three classes or more,
        ``'logistic'`` for two classes (one output) and multilabel targets,
        ``'identity'`` for regressors (``'exp'`` for BPRegressor's
        ``loss='poisson'``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Feature names, when ``X`` had string column names."""

#: The solver options and the sentence on 'lbfgs', for rules without / with a global loss.
LBFGS_TEXT = {
    False: (
        "{'sgd', 'adam'}",
        """``'lbfgs'`` is refused with its reason: this rule follows no
        gradient of one global loss for L-BFGS to search along
        (BPClassifier / BPRegressor offer it).""",
    ),
    True: (
        "{'lbfgs', 'sgd', 'adam'}",
        """``'lbfgs'`` is full-batch L-BFGS on the task loss plus the L2
        term, as in :class:`~sklearn.neural_network.MLPClassifier` (no
        ``partial_fit``).""",
    ),
}

CLASSIFIER_PARAMETERS = """\
class_weight : dict, 'balanced' or None, default=None
        Weight of each class, multiplied into ``sample_weight``: a dict
        ``{label: weight}``, or ``'balanced'`` for ``n_samples / (n_classes *
        np.bincount(y))`` (not with ``partial_fit``)."""

CLASSIFIER_ATTRIBUTES = """\
classes_ : ndarray of shape (n_classes,)
        Class labels (the label indices for multilabel targets)."""


def fill_doc(cls):
    """Class decorator substituting the shared sections into ``cls.__doc__``.

    Classifiers also get ``class_weight`` after the shared parameters.
    """
    signature = inspect.signature(cls.__init__).parameters
    # A rule may override a shared default: the text shows the class's own value.
    parameters = re.sub(
        r"\{default:(\w+)\}", lambda m: repr(signature[m.group(1)].default), SHARED_PARAMETERS
    )
    solvers, lbfgs = LBFGS_TEXT[bool(getattr(cls, "_global_loss", False))]
    parameters = parameters.replace("{solvers}", solvers).replace("{lbfgs}", lbfgs)
    parameters = parameters.replace("{auto_batch}", str(cls._auto_batch_size))
    if "class_weight" in cls._parameter_constraints:
        parameters += "\n    " + CLASSIFIER_PARAMETERS
    doc = cls.__doc__
    for marker, text in [
        ("{shared_parameters}", parameters),
        ("{shared_attributes}", SHARED_ATTRIBUTES),
        ("{classifier_attributes}", CLASSIFIER_ATTRIBUTES),
    ]:
        doc = doc.replace(marker, text)
    cls.__doc__ = doc
    return cls


def _block(text):
    """A numpydoc block written for a class docstring, trimmed to be joined into one."""
    return text.strip().rstrip()


#: The Examples section of every estimator: a small fit, deterministic, fast
#: (run by tests/test_doctests.py), with early stopping so that it ends before
#: ``max_iter`` and raises no ConvergenceWarning.
EXAMPLES = {
    "classifier": """
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_lra import {name}
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16  # pixel values in [0, 1]
    >>> clf = {name}(hidden_layer_sizes=(32,), early_stopping=True, random_state=0)
    >>> clf.fit(X[:1000], y[:1000]).score(X[1000:], y[1000:]) > 0.7
    True
    >>> clf.predict(X[1000:1005]).shape
    (5,)
""",
    "regressor": """
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklearn_lra import {name}
    >>> X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    >>> y = y / y.std()
    >>> reg = {name}(
    ...     hidden_layer_sizes=(32,), early_stopping=True, max_iter=1000, random_state=0
    ... )
    >>> reg.fit(X[:200], y[:200]).score(X[200:], y[200:]) > 0.9
    True
""",
}


def estimator_doc(
    kind, rule, *, prefix, tune, summary="", parameters="", attributes="", see_also=(), notes=""
):
    """The docstring of a rule's classifier or regressor, before :func:`fill_doc`.

    Parameters
    ----------
    kind : {'classifier', 'regressor'}
        Which of the two estimators of the rule.
    rule : str
        The rule's name, as in "trained by <rule>".
    prefix : str
        The classes' common prefix ("LRA" for LRAClassifier), for the example.
    tune : str
        The paragraph ranking the parameters worth tuning ("Tune first: ...").
    summary : str, default=""
        A paragraph after the title.
    parameters, attributes : str, default=""
        The rule's own numpydoc entries (4-space indented after the first line).
    see_also : sequence of (str, str), default=()
        ``(prefix, text)``: ``prefix`` + 'Classifier' or 'Regressor' is linked.
    notes : str, default=""
        The ``Notes`` and ``References`` sections; the ``Examples`` section
        (:data:`EXAMPLES`) follows them.

    Returns
    -------
    doc : str
    """
    suffix = kind.title()
    sections = [f"Multi-layer perceptron {kind} trained by {rule}."]
    if summary:
        sections.append("    " + _block(summary))
    sections.append("    " + _block(tune))
    params = "{shared_parameters}" + ("\n    " + _block(parameters) if parameters else "")
    sections.append("    Parameters\n    ----------\n    " + params)
    attrs = [
        a
        for a in (
            "{classifier_attributes}" if kind == "classifier" else "",
            _block(attributes) if attributes else "",
            "{shared_attributes}",
        )
        if a
    ]
    sections.append("    Attributes\n    ----------\n    " + "\n    ".join(attrs))
    if see_also:
        links = "\n    ".join(f"{prefix}{suffix} : {text}" for prefix, text in see_also)
        sections.append("    See Also\n    --------\n    " + links)
    examples = EXAMPLES[kind].replace("{name}", prefix + suffix)
    return "\n\n".join(sections) + "\n" + notes + examples

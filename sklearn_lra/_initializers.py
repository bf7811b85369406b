"""Initialisation of forward weights and of fixed or learned feedback matrices."""

import numpy as np

#: Value of ``init_scale`` used when it is None, per scheme. For ``normal`` it is
#: the standard deviation, for ``uniform`` the half-width, for the others a gain
#: that multiplies the scheme's own variance-preserving scale.
DEFAULT_SCALES = {
    "zeros": 0.0,
    "normal": 0.1,
    "uniform": 0.1,
    "orthogonal": 1.0,
    "glorot_uniform": 1.0,
    "glorot_normal": 1.0,
    "he_normal": 1.0,
    "he_uniform": 1.0,
    "he_uniform_bias": 1.0,
    "mlp": 1.0,
}
INIT_SCHEMES = tuple(DEFAULT_SCALES)


def _orthogonal(rng, shape):
    """A random matrix with orthonormal rows or columns (QR of a Gaussian)."""
    rows, cols = shape
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # makes the distribution uniform (Haar)
    return q if rows >= cols else q.T


def init_matrix(scheme, shape, rng, scale=None, dtype=np.float64):
    """Draw a ``fan_in x fan_out`` matrix.

    Parameters
    ----------
    scheme : str
        One of ``INIT_SCHEMES``.
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.RandomState
        Source of randomness.
    scale : float or None
        Standard deviation (``normal``), half-width (``uniform``) or gain (the
        others); None takes ``DEFAULT_SCALES[scheme]``.
    dtype : numpy dtype
        Dtype of the result.

    Returns
    -------
    W : ndarray of shape ``shape``
    """
    scale = DEFAULT_SCALES[scheme] if scale is None else scale
    fan_in, fan_out = shape
    if scheme == "zeros":
        w = np.zeros(shape)
    elif scheme == "normal":
        w = scale * rng.standard_normal(shape)
    elif scheme == "uniform":
        w = rng.uniform(-scale, scale, shape)
    elif scheme == "orthogonal":
        w = scale * _orthogonal(rng, shape)
    elif scheme in ("glorot_uniform", "mlp"):
        w = rng.uniform(-1, 1, shape) * scale * np.sqrt(6.0 / (fan_in + fan_out))
    elif scheme == "glorot_normal":
        w = rng.standard_normal(shape) * scale * np.sqrt(2.0 / (fan_in + fan_out))
    elif scheme == "he_normal":
        w = rng.standard_normal(shape) * scale * np.sqrt(2.0 / fan_in)
    elif scheme in ("he_uniform", "he_uniform_bias"):
        w = rng.uniform(-1, 1, shape) * scale * np.sqrt(6.0 / fan_in)
    else:
        raise ValueError(f"Unknown initialisation scheme {scheme!r}.")
    return w.astype(dtype, copy=False)


#: What ``init='auto'`` draws unless the rule names its own scheme
#: (``LearningRule.auto_init``): scikit-learn MLPClassifier's own initialisation.
AUTO_NONZERO_INIT = "mlp"


def init_layers(scheme, layer_units, rng, scale, dtype, activation):
    """Forward weights and biases of a network with widths ``layer_units``.

    ``'mlp'`` is ``MLPClassifier``'s initialisation, drawn as it draws it:
    layer by layer, weights then biases, each uniform on ``+-scale *
    sqrt(6 / (fan_in + fan_out))`` (``sqrt(2 / ...)`` for logistic units), so
    that the same ``random_state`` gives the same initial network.
    ``'he_uniform_bias'`` draws in the same order from He's bound ``+-scale *
    sqrt(6 / fan_in)``: biases as spread as the weights place each unit's
    threshold somewhere across the data instead of at its centre, where
    every odd unit (tanh) would start as an odd function of its input. Every
    other scheme draws the weights with :func:`init_matrix` and starts the
    biases at zero.

    Parameters
    ----------
    scheme : str
        One of ``INIT_SCHEMES``.
    layer_units : list of int
        Widths ``n_0, ..., n_L``.
    rng : numpy.random.RandomState
        Source of randomness.
    scale : float or None
        The scheme's scale (see :func:`init_matrix`).
    dtype : numpy dtype
        Dtype of the arrays.
    activation : str
        The hidden activation (``'mlp'`` narrows the range for logistic units).

    Returns
    -------
    coefs, intercepts : list of ndarray
    """
    shapes = list(zip(layer_units[:-1], layer_units[1:]))
    if scheme not in ("mlp", "he_uniform_bias"):
        coefs = [init_matrix(scheme, shape, rng, scale, dtype) for shape in shapes]
        return coefs, [np.zeros(n, dtype=dtype) for n in layer_units[1:]]
    factor = 2.0 if activation == "logistic" else 6.0
    gain = DEFAULT_SCALES[scheme] if scale is None else scale
    coefs, intercepts = [], []
    for fan_in, fan_out in shapes:
        if scheme == "mlp":
            bound = gain * np.sqrt(factor / (fan_in + fan_out))
        else:
            bound = gain * np.sqrt(6.0 / fan_in)
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype, copy=False))
        intercepts.append(rng.uniform(-bound, bound, fan_out).astype(dtype, copy=False))
    return coefs, intercepts


#: ``input_scale='auto'``: the number of input columns up to which the first
#: layer keeps the scheme's own scale (``doc/lra_defaults.md``, tenth round).
AUTO_INPUT_COLUMNS = 2


def input_scale_value(input_scale, n_inputs):
    """The gain of the first layer's initial weights that ``input_scale`` means.

    ``'auto'`` is ``min(1, sqrt(AUTO_INPUT_COLUMNS / n_inputs))``: up to two
    columns the scheme's scale, beyond that a bound that shrinks as
    ``1 / n_inputs`` instead of ``1 / sqrt(n_inputs)``. A variance-preserving
    start gives every column the same share of a unit's initial
    pre-activation, so on a table with many irrelevant columns the random
    features are mostly noise; the smaller start lets training find the
    columns that matter. The biases keep their scale, so the units'
    thresholds stay spread across the data. None is 1.

    Parameters
    ----------
    input_scale : float, 'auto' or None
        The estimator's ``input_scale``.
    n_inputs : int
        Columns of the first layer's input.

    Returns
    -------
    gain : float
    """
    if input_scale is None:
        return 1.0
    if input_scale == "auto":
        return min(1.0, float(np.sqrt(AUTO_INPUT_COLUMNS / n_inputs)))
    return float(input_scale)


def resolve_init(init, rule, activation):
    """The scheme that ``init`` names for this rule and activation.

    ``'auto'`` is the rule's own ``auto_init`` (:data:`AUTO_NONZERO_INIT`
    unless the rule says otherwise). Any other value is returned unchanged.

    Parameters
    ----------
    init : str
        The estimator's ``init``.
    rule : LearningRule
        The rule being trained; see ``LearningRule.auto_init``.
    activation : str
        The estimator's ``activation`` (kept for rules whose start depends on it).

    Returns
    -------
    scheme : str
        One of ``INIT_SCHEMES``.
    """
    if init != "auto":
        return init
    return rule.auto_init

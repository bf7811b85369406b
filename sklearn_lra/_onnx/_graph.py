"""The forward pass of a fitted network as ONNX nodes.

Mirrors :meth:`sklearn_lra._network.Network.forward`: ``h_l = z_{l-1} W_l + b_l``,
``z_l = phi(h_l)`` below the top layer and the output function at the top.
Every activation of :mod:`sklearn_lra._activations` has a graph here that
computes what its numpy forward computes, ties and special values included.
"""

import numpy as np
from onnx import TensorProto

from .._activations import LEAKY_RELU_SLOPE, LWTA_BLOCK_SIZE

PROTO_TYPES = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE}


class GraphBuilder:
    """Adds nodes and constants to a skl2onnx container under unique names.

    Parameters
    ----------
    scope : skl2onnx Scope
        Source of unique names.
    container : skl2onnx ModelComponentContainer
        The graph being built.
    dtype : numpy dtype
        Float type of the arithmetic (the fitted weights' dtype).
    """

    def __init__(self, scope, container, dtype):
        self.scope, self.container = scope, container
        self.dtype = np.dtype(dtype)
        self.proto = PROTO_TYPES[self.dtype]

    def node(self, op_type, inputs, output=None, domain="", **attrs):
        """Add one node; returns the name of its output."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(op_type, inputs, output, op_domain=domain, name=name, **attrs)
        return output

    def constant(self, value, dtype=None, name="constant"):
        """An initializer holding ``value`` (in the arithmetic's dtype unless told)."""
        value = np.asarray(value, dtype=dtype or self.dtype)
        unique = self.scope.get_unique_variable_name(name)
        proto = TensorProto.INT64 if value.dtype == np.int64 else PROTO_TYPES[value.dtype]
        self.container.add_initializer(unique, proto, list(value.shape), value.ravel().tolist())
        return unique

    def cast(self, x, proto, output=None):
        """``x`` cast to the ONNX element type ``proto``."""
        return self.node("Cast", [x], output, to=proto)


def _identity(g, h, n_units):
    return h


def _logistic(g, h, n_units):
    return g.node("Sigmoid", [h])


def _tanh(g, h, n_units):
    return g.node("Tanh", [h])


def _relu(g, h, n_units):
    return g.node("Relu", [h])


def _clip(g, h, low, high):
    return g.node("Clip", [h, g.constant(low), g.constant(high)])


def _relu6(g, h, n_units):
    return _clip(g, h, 0, 6)


def _tanh_relu6(g, h, n_units):
    """Tanh on even units, ReLU-6 on odd ones, blended by a 0/1 mask.

    Each unit takes one branch times 1 plus the other times 0, which gives
    that branch exactly (as numpy writes each half on its own).
    """
    even = (np.arange(n_units) % 2 == 0).reshape(1, -1)
    tanh = g.node("Mul", [g.node("Tanh", [h]), g.constant(even)])
    relu6 = g.node("Mul", [_relu6(g, h, n_units), g.constant(~even)])
    return g.node("Add", [tanh, relu6])


def _hardtanh(g, h, n_units):
    return _clip(g, h, -1, 1)


def _sign(g, h, n_units):
    # ONNX Sign, like np.sign, maps 0 to 0 (and -0.0 to 0).
    return g.node("Sign", [h])


def _softplus(g, h, n_units):
    """``max(h, 0) + log1p(exp(-|h|))``: np.logaddexp(h, 0)'s formula.

    onnxruntime has no double Softplus, and ONNX no Log1p: ``log1p(e)`` is
    computed as ``log(u) * e / (u - 1)`` with ``u = 1 + e``, which is accurate
    to a few ulps, and as ``e`` itself where ``u`` rounds to 1 (Goldberg, 1991).
    """
    e = g.node("Exp", [g.node("Neg", [g.node("Abs", [h])])])
    one = g.constant(1)
    u = g.node("Add", [one, e])
    ratio = g.node("Div", [e, g.node("Sub", [u, one])])
    log1p = g.node("Mul", [g.node("Log", [u]), ratio])
    log1p = g.node("Where", [g.node("Equal", [u, one]), e, log1p])
    return g.node("Add", [g.node("Max", [h, g.constant(0)]), log1p])


def _leaky_relu(g, h, n_units):
    # Multiplying by the slope in the model's dtype reproduces numpy exactly;
    # the LeakyRelu operator's alpha is a float32 attribute even for doubles.
    scaled = g.node("Mul", [h, g.constant(LEAKY_RELU_SLOPE)])
    return g.node("Where", [g.node("Less", [h, g.constant(0)]), scaled, h])


def _lwta(g, h, n_units):
    """Local winner-take-all over consecutive blocks of ``LWTA_BLOCK_SIZE`` units.

    A last, shorter block is padded with -inf, which never beats a real unit
    and, on a tie with one, loses to it because ArgMax (like numpy's argmax)
    picks the first maximum. Winners keep their value, the others become 0.
    """
    size = LWTA_BLOCK_SIZE
    n_blocks = -(-n_units // size)
    pad = n_blocks * size - n_units
    if pad:
        pads = g.constant([0, 0, 0, pad], dtype=np.int64)
        h = g.node("Pad", [h, pads, g.constant(-np.inf)], mode="constant")
    blocks = g.node("Reshape", [h, g.constant([0, n_blocks, size], dtype=np.int64)])
    winner = g.node("ArgMax", [blocks], axis=2, keepdims=1, select_last_index=0)
    positions = g.constant(np.arange(size).reshape(1, 1, size), dtype=np.int64)
    mask = g.node("Equal", [winner, positions])
    z = g.node("Where", [mask, blocks, g.constant(0)])
    z = g.node("Reshape", [z, g.constant([0, n_blocks * size], dtype=np.int64)])
    if pad:
        starts, ends = g.constant([0], dtype=np.int64), g.constant([n_units], dtype=np.int64)
        z = g.node("Slice", [z, starts, ends, g.constant([1], dtype=np.int64)])
    return z


ACTIVATION_GRAPHS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "relu6": _relu6,
    "tanh_relu6": _tanh_relu6,
    "softplus": _softplus,
    "sign": _sign,
    "hardtanh": _hardtanh,
    "leaky_relu": _leaky_relu,
    "lwta": _lwta,
}

OUTPUT_GRAPHS = {
    "identity": lambda g, h: h,
    "softmax": lambda g, h: g.node("Softmax", [h], axis=1),
    "logistic": lambda g, h: g.node("Sigmoid", [h]),
    "exp": lambda g, h: g.node("Exp", [h]),  # BPRegressor(loss='poisson')
}


def forward(g, x, coefs, intercepts, activation, output, input_activation=None):
    """The network's output ``z_L`` for the input variable ``x``.

    Parameters
    ----------
    g : GraphBuilder
        Builder whose dtype is that of ``coefs``.
    x : str
        Name of the input, already in the builder's dtype.
    coefs, intercepts : list of ndarray
        ``W_l`` and ``b_l`` of every layer.
    activation : str
        Hidden activation, a key of ``ACTIVATION_GRAPHS``.
    output : str
        Output function, a key of ``OUTPUT_GRAPHS``.
    input_activation : str or None, default=None
        The first hidden layer's activation; None uses ``activation``.

    Returns
    -------
    z : str
        Name of the output variable, in the builder's dtype.
    """
    input_activation = input_activation or activation
    for name in (activation, input_activation):
        if name not in ACTIVATION_GRAPHS:
            raise ValueError(f"No ONNX graph for the activation {name!r}.")
    if output not in OUTPUT_GRAPHS:
        raise ValueError(f"No ONNX graph for the output function {output!r}.")
    z = x
    for l, (W, b) in enumerate(zip(coefs, intercepts), start=1):
        h = g.node("MatMul", [z, g.constant(W, name="coefficient")])
        h = g.node("Add", [h, g.constant(b.reshape(1, -1), name="intercept")])
        if l == len(coefs):
            return OUTPUT_GRAPHS[output](g, h)
        hidden = input_activation if l == 1 else activation
        z = ACTIVATION_GRAPHS[hidden](g, h, W.shape[1])
    raise ValueError("The network has no layer.")

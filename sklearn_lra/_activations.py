"""Activation functions and their derivatives, looked up by name.

Every function writes into a preallocated ``out`` array (which may be the input
itself) so that the training loop allocates nothing per minibatch. Derivatives
receive both the pre-activation ``h`` and the post-activation ``z = phi(h)``
because several of them are cheapest to compute from ``z``.
"""

from collections import namedtuple

import numpy as np
from scipy.special import expit

Activation = namedtuple("Activation", ["forward", "derivative", "has_gradient"])
Activation.__doc__ = """An activation ``phi``.

forward(h, out) -> out
    Writes ``phi(h)``.
derivative(h, z, out) -> out
    Writes ``phi'(h)`` given ``z = phi(h)``.
has_gradient : bool
    False when ``phi'`` is zero almost everywhere (signum), so that
    derivative-based rules cannot send a learning signal through it.
"""

LWTA_BLOCK_SIZE = 4
LEAKY_RELU_SLOPE = 0.01


def _identity(h, out):
    if out is not h:
        out[...] = h
    return out


def _identity_derivative(h, z, out):
    out.fill(1)
    return out


def _logistic(h, out):
    return expit(h, out=out)


def _logistic_derivative(h, z, out):
    np.subtract(1, z, out=out)
    out *= z
    return out


def _tanh(h, out):
    return np.tanh(h, out=out)


def _tanh_derivative(h, z, out):
    np.square(z, out=out)
    np.subtract(1, out, out=out)
    return out


def _relu(h, out):
    return np.maximum(h, 0, out=out)


def _relu_derivative(h, z, out):
    return np.greater(h, 0, out=out)


def _relu6(h, out):
    return np.clip(h, 0, 6, out=out)


def _relu6_derivative(h, z, out):
    np.greater(h, 0, out=out)
    out *= h < 6
    return out


def _tanh_relu6(h, out):
    # Units alternate: even columns tanh, odd columns ReLU-6. Odd units alone
    # make no function that is even in the inputs (classes by radius); a pair
    # of ReLU-6 units with opposite weights does (|w . x| below 6).
    np.tanh(h[..., ::2], out=out[..., ::2])
    np.clip(h[..., 1::2], 0, 6, out=out[..., 1::2])
    return out


def _tanh_relu6_derivative(h, z, out):
    _tanh_derivative(h[..., ::2], z[..., ::2], out[..., ::2])
    _relu6_derivative(h[..., 1::2], z[..., 1::2], out[..., 1::2])
    return out


def _softplus(h, out):
    # log(exp(h) + exp(0)), overflow-free and with no temporary array.
    return np.logaddexp(h, 0, out=out)


def _softplus_derivative(h, z, out):
    return expit(h, out=out)


def _sign(h, out):
    return np.sign(h, out=out)


def _zero_derivative(h, z, out):
    out.fill(0)
    return out


def _hardtanh(h, out):
    return np.clip(h, -1, 1, out=out)


def _hardtanh_derivative(h, z, out):
    np.abs(h, out=out)
    np.less(out, 1, out=out)
    return out


def _leaky_relu(h, out):
    # Scale only the negative entries, so that out may alias h.
    if out is not h:
        out[...] = h
    out[out < 0] *= LEAKY_RELU_SLOPE
    return out


def _leaky_relu_derivative(h, z, out):
    np.greater(h, 0, out=out)
    out *= 1 - LEAKY_RELU_SLOPE
    out += LEAKY_RELU_SLOPE
    return out


def _lwta_winners(h):
    """Boolean mask of the units that win their block of ``LWTA_BLOCK_SIZE``.

    Blocks are consecutive units; a last, shorter block is allowed. Ties go to
    the first unit of the block, so exactly one unit per block is active.
    """
    n_samples, n_units = h.shape
    mask = np.zeros(h.shape, dtype=bool)
    size = LWTA_BLOCK_SIZE
    full = (n_units // size) * size
    if full:
        blocks = h[:, :full].reshape(n_samples, -1, size)
        arg = blocks.argmax(axis=2)
        view = mask[:, :full].reshape(n_samples, -1, size)
        np.put_along_axis(view, arg[..., None], True, axis=2)
    if full < n_units:
        arg = h[:, full:].argmax(axis=1)
        mask[np.arange(n_samples), full + arg] = True
    return mask


def _lwta(h, out):
    winners = _lwta_winners(h)
    np.multiply(h, winners, out=out)
    return out


def _lwta_derivative(h, z, out):
    out[...] = _lwta_winners(h)
    return out


#: ``input_activation='auto'``: the first hidden layer's units for each
#: ``activation``; every other activation keeps its own. Half the tanh units
#: become ReLU-6, which learn functions even in the inputs such as a radius
#: (``doc/lra_defaults.md``, twelfth round).
AUTO_INPUT_ACTIVATIONS = {"tanh": "tanh_relu6"}

ACTIVATIONS = {
    "identity": Activation(_identity, _identity_derivative, True),
    "logistic": Activation(_logistic, _logistic_derivative, True),
    "tanh": Activation(_tanh, _tanh_derivative, True),
    "relu": Activation(_relu, _relu_derivative, True),
    "relu6": Activation(_relu6, _relu6_derivative, True),
    "tanh_relu6": Activation(_tanh_relu6, _tanh_relu6_derivative, True),
    "softplus": Activation(_softplus, _softplus_derivative, True),
    "sign": Activation(_sign, _zero_derivative, False),
    "hardtanh": Activation(_hardtanh, _hardtanh_derivative, True),
    "leaky_relu": Activation(_leaky_relu, _leaky_relu_derivative, True),
    "lwta": Activation(_lwta, _lwta_derivative, True),
}

"""A fully connected network: parameters, forward pass, and reusable buffers.

Indices follow the equations: layer ``l = 1..L`` maps ``z[l-1]`` to
``h[l] = z[l-1] W_l + b_l`` and ``z[l] = phi(h[l])`` (the output function at
``l = L``). ``W_l`` is ``coefs[l - 1]``; lists ``h``, ``z`` and the buffers of
a :class:`Workspace` are indexed by ``l`` directly (slot 0 of ``h`` is unused).
"""

import math

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS
from ._losses import OUTPUTS

#: Rows per chunk of :meth:`Network.predict_output`.
PREDICT_CHUNK_ROWS = 4096


def matmul_into(A, W, out):
    """``out = A @ W`` for a dense or sparse ``A`` without allocating when dense."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.matmul(A, W, out=out)
    return out


def transpose_matmul_into(A, D, out):
    """``out = A.T @ D`` for a dense or sparse ``A``."""
    if sp.issparse(A):
        out[...] = A.T @ D
    else:
        np.matmul(A.T, D, out=out)
    return out


def packed(shapes, dtype, values=None):
    """One buffer holding arrays of ``shapes`` back to back, and views of it in those shapes.

    An optimizer then updates every array with one pass over the buffer
    instead of one pass per array: with the small layers of tabular data the
    per-call cost of numpy, not the arithmetic, dominates a step. ``values``
    (arrays of the same shapes) are copied in when given.
    """
    sizes = [math.prod(shape) for shape in shapes]
    flat = np.empty(sum(sizes), dtype)
    ends = np.cumsum(sizes)
    views = [flat[end - size : end].reshape(shape) for shape, size, end in zip(shapes, sizes, ends)]
    if values is not None:
        for view, value in zip(views, values):
            view[...] = value
    return flat, views


class Workspace:
    """Preallocated arrays for minibatches of up to ``batch_size`` rows.

    Holds the forward pass (``h``, ``z``), work arrays per layer (``delta``
    for errors, ``target`` for target representations, ``scratch``, and
    ``weighted`` for sample-weighted errors) and one direction buffer per
    forward parameter, all views of ``flat_directions`` in the order of
    ``Network.params``. A workspace made with ``training=False`` holds only the
    forward pass. ``rows(b)`` returns a workspace of row views for a shorter
    last minibatch, so nothing is allocated while an epoch runs.
    """

    _PER_LAYER = ("h", "z", "delta", "scratch", "target", "weighted")

    def __init__(self, layer_units, batch_size, dtype, training=True, _views_of=None):
        self.batch_size = batch_size
        self.sample_weight = None
        #: Total sample weight of the minibatch (its rows, without weights).
        self.weight_sum = batch_size
        if _views_of is not None:
            self._view(_views_of)
            return
        names = self._PER_LAYER if training else ("h", "z")
        for name in self._PER_LAYER:
            arrays = [None] + [
                np.empty((batch_size, n), dtype) if name in names else None for n in layer_units[1:]
            ]
            setattr(self, name, arrays)
        shapes = list(zip(layer_units[:-1], layer_units[1:]))
        n = len(shapes)
        if training:
            self.flat_directions, grads = packed(shapes + [(k,) for k in layer_units[1:]], dtype)
            self.coef_grads, self.intercept_grads = grads[:n], grads[n:]
        else:
            self.flat_directions = None
            self.coef_grads, self.intercept_grads = [None] * n, [None] * n
        self._views = {batch_size: self}

    def _view(self, full):
        """Make this workspace the first ``batch_size`` rows of ``full``."""
        for name in self._PER_LAYER:
            rows = [None if a is None else a[: self.batch_size] for a in getattr(full, name)]
            setattr(self, name, rows)
        self.flat_directions = full.flat_directions
        self.coef_grads = full.coef_grads
        self.intercept_grads = full.intercept_grads
        self._views = full._views

    def rows(self, n_rows):
        """The workspace restricted to the first ``n_rows`` rows (cached)."""
        ws = self._views.get(n_rows)
        if ws is None:
            ws = Workspace(None, n_rows, None, _views_of=self)
            self._views[n_rows] = ws
        return ws

    @property
    def directions(self):
        """Direction buffers in the order of ``Network.params``."""
        return self.coef_grads + self.intercept_grads


class Network:
    """Weights, biases and the nonlinearities of a fully connected network.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        ``W_l`` of shape ``(n_{l-1}, n_l)`` and ``b_l`` of shape ``(n_l,)``.
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    output : str
        Output function, a key of ``OUTPUTS``.
    input_activation : str or None, default=None
        The first hidden layer's activation; None uses ``activation``.
    """

    def __init__(self, coefs, intercepts, activation, output, input_activation=None):
        self.coefs = coefs
        self.intercepts = intercepts
        #: One buffer behind ``params`` once :meth:`pack` ran, else None.
        self.flat_params = None
        #: The number of weights, biases excluded (set by :meth:`pack`).
        self.n_coef_values = None
        self.activation_name = activation
        self.phi = ACTIVATIONS[activation]
        self.input_activation_name = input_activation or activation
        self.input_phi = ACTIVATIONS[self.input_activation_name]
        self.output_name = output
        self.out_fn, self.loss_fn = OUTPUTS[output]

    @property
    def n_layers(self):
        """Number of weight layers ``L``."""
        return len(self.coefs)

    @property
    def params(self):
        """The forward parameters as one flat list (weights, then biases)."""
        return self.coefs + self.intercepts

    def pack(self):
        """Move the parameters into one buffer (:func:`packed`), in the order of ``params``.

        ``coefs`` and ``intercepts`` become views of ``flat_params``, the
        weights first, so ``flat_params[:n_coef_values]`` holds every weight.
        """
        params = self.params
        self.flat_params, views = packed([p.shape for p in params], params[0].dtype, params)
        self.coefs, self.intercepts = views[: self.n_layers], views[self.n_layers :]
        self.n_coef_values = sum(W.size for W in self.coefs)

    def layer_units(self):
        """Widths ``n_0, ..., n_L``."""
        return [self.coefs[0].shape[0]] + [W.shape[1] for W in self.coefs]

    def phi_at(self, l):
        """The activation of hidden layer ``l`` (1 to ``L - 1``): the first has its own."""
        return self.input_phi if l == 1 else self.phi

    def activate(self, l, h, out):
        """Apply layer ``l``'s nonlinearity: ``phi`` below the top, else the output."""
        if l == self.n_layers:
            return self.out_fn(h, out)
        return self.phi_at(l).forward(h, out)

    def forward(self, X, ws):
        """Fill ``ws.h`` and ``ws.z`` for the rows of ``X``; returns ``z_L``."""
        ws.z[0] = z = X
        for l, (W, b) in enumerate(zip(self.coefs, self.intercepts), start=1):
            h = matmul_into(z, W, ws.h[l])
            h += b
            z = self.activate(l, h, ws.z[l])
        return z

    def predict_output(self, X, chunk_size=PREDICT_CHUNK_ROWS):
        """``z_L`` for all rows of ``X``, computed in chunks to bound memory.

        Beyond the ``(n, n_L)`` result, memory stays at one chunk's buffers:
        a dense ``X`` of another float dtype is cast one chunk at a time.
        """
        n = X.shape[0]
        dtype = self.coefs[0].dtype
        out = np.empty((n, self.coefs[-1].shape[1]), dtype=dtype)
        ws = Workspace(self.layer_units(), min(chunk_size, max(n, 1)), dtype, training=False)
        cast = None
        if not sp.issparse(X) and X.dtype != dtype:
            cast = np.empty((ws.batch_size, X.shape[1]), dtype)
        for start in range(0, n, ws.batch_size):
            stop = min(start + ws.batch_size, n)
            chunk = X[start:stop]
            if cast is not None:
                chunk = _cast_into(chunk, cast[: stop - start])
            out[start:stop] = self.forward(chunk, ws.rows(stop - start))
        return out


def _cast_into(a, buffer):
    """``a`` converted into the preallocated ``buffer`` of another float dtype."""
    np.copyto(buffer, a, casting="same_kind")
    return buffer

"""Activations and local losses: derivatives against finite differences."""

import numpy as np
import pytest

from sklearn_lra._activations import ACTIVATIONS
from sklearn_lra._losses import LOCAL_ERRORS

SMOOTH = [name for name, act in ACTIVATIONS.items() if act.has_gradient]


def _points(rng):
    """Pre-activations away from kinks (0, +-1, 6) so differences are defined."""
    h = rng.uniform(-8, 8, size=(40, 8))
    for kink in (0.0, 1.0, -1.0, 6.0):
        near = np.abs(h - kink) < 1e-3
        h[near] += 0.01
    return h


@pytest.mark.parametrize("name", SMOOTH)
def test_derivative_matches_finite_differences(name):
    """phi'(h) equals the central difference of phi at h."""
    act = ACTIVATIONS[name]
    h = _points(np.random.RandomState(0))
    eps = 1e-6
    up = act.forward(h + eps, np.empty_like(h))
    down = act.forward(h - eps, np.empty_like(h))
    z = act.forward(h.copy(), np.empty_like(h))
    analytic = act.derivative(h, z, np.empty_like(h))
    np.testing.assert_allclose(analytic, (up - down) / (2 * eps), atol=1e-5)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_forward_in_place_equals_out_of_place(name):
    """Writing phi(h) over h gives the same values as into a new array."""
    act = ACTIVATIONS[name]
    h = _points(np.random.RandomState(1))
    expected = act.forward(h, np.empty_like(h))
    np.testing.assert_array_equal(act.forward(h, h), expected)


def test_sign_has_no_gradient():
    """The signum unit reports a zero derivative, which derivative-based rules check."""
    act = ACTIVATIONS["sign"]
    h = np.array([[-2.0, 0.5, 3.0]])
    assert not act.has_gradient
    assert not act.derivative(h, act.forward(h, h.copy()), np.empty_like(h)).any()


def test_lwta_keeps_one_winner_per_block():
    """Local winner-take-all passes the largest unit of each block of 4, zeroes the rest."""
    h = np.array([[1.0, 3.0, 2.0, 0.0, -1.0, -5.0, -2.0, -3.0, 7.0, 1.0]])
    z = ACTIVATIONS["lwta"].forward(h, np.empty_like(h))
    np.testing.assert_array_equal(z, [[0, 3, 0, 0, -1, 0, 0, 0, 7, 0]])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_extreme_inputs_stay_finite(name):
    """No activation overflows for pre-activations of +-1e30, float32 or float64."""
    for dtype in (np.float32, np.float64):
        h = np.array([[-1e30, -1e3, 0.0, 1e3, 1e30]], dtype=dtype)
        z = ACTIVATIONS[name].forward(h, np.empty_like(h))
        assert np.isfinite(z).all() and z.dtype == dtype


@pytest.mark.parametrize("name", list(LOCAL_ERRORS))
def test_local_error_is_the_loss_derivative(name):
    """Local errors are the derivatives of 0.5 d^2 and log(1 + d^2), also in place."""
    d = np.linspace(-3, 3, 13)[None, :]
    loss = {"squared": lambda x: 0.5 * x**2, "cauchy": lambda x: np.log1p(x**2)}[name]
    eps = 1e-6
    numeric = (loss(d + eps) - loss(d - eps)) / (2 * eps)
    in_place = d.copy()
    LOCAL_ERRORS[name](in_place, in_place, np.empty_like(d))
    np.testing.assert_allclose(in_place, numeric, atol=1e-6)

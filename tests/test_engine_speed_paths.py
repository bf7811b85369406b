"""The engine's fast paths equal the plain computations they replace."""

import tracemalloc

import numpy as np
import pytest

from sklearn_lra import BPClassifier, BPRegressor
from sklearn_lra._activations import ACTIVATIONS
from sklearn_lra._network import Network
from sklearn_lra._optimizers import SGD, Adam
from sklearn_lra._training import TrainingState, run_epoch
from sklearn_lra.rules.bp import BackPropagationRule


def _network(units, output="softmax", dtype=np.float64, seed=0):
    rng = np.random.RandomState(seed)
    coefs = [(0.5 * rng.randn(a, b)).astype(dtype) for a, b in zip(units[:-1], units[1:])]
    intercepts = [(0.1 * rng.randn(b)).astype(dtype) for b in units[1:]]
    return Network(coefs, intercepts, "tanh", output)


def _state(net, **params):
    est = BPClassifier(**{"alpha": 0.0, **params})  # the task loss alone
    return TrainingState(net, BackPropagationRule(est), {}, est)


def _data(n=37, n_features=5, n_classes=3, dtype=np.float64, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, n_features).astype(dtype)
    Y = np.eye(n_classes, dtype=dtype)[rng.randint(n_classes, size=n)]
    return X, Y


def test_chunked_prediction_equals_one_chunk():
    """predict_output in chunks of 7 rows equals one pass over all rows."""
    net = _network([5, 8, 6, 3])
    X, _ = _data(n=50)
    np.testing.assert_allclose(
        net.predict_output(X, chunk_size=7), net.predict_output(X, chunk_size=50), rtol=1e-12
    )


def test_prediction_casts_other_dtypes_chunk_by_chunk():
    """float64 rows through a float32 network equal the rows cast up front."""
    net = _network([5, 8, 3], dtype=np.float32)
    X, _ = _data(n=20)
    out = net.predict_output(X, chunk_size=6)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, net.predict_output(X.astype(np.float32), chunk_size=6))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_float32_stays_float32_through_an_epoch(solver):
    """Every parameter, optimizer state and buffer stays float32, with sample weights."""
    net = _network([5, 8, 3], dtype=np.float32)
    X, Y = _data(dtype=np.float32)
    sw = np.linspace(0.5, 2.0, len(X), dtype=np.float32)
    state = _state(net, solver=solver, alpha=1e-3)
    loss = run_epoch(state, X, Y, sw, 8, np.random.RandomState(0), True, 0.01)
    assert np.isfinite(loss)
    opt = state.optimizers[0]
    moments = opt.velocities if solver == "sgd" else opt.first + opt.second
    ws = state.ws
    buffers = ws.h[1:] + ws.z[1:] + ws.delta[1:] + ws.directions
    buffers += [ws.x_buffer, ws.y_buffer, ws.sw_buffer, ws.sw_column]
    for a in net.params + moments + buffers:
        assert a.dtype == np.float32


@pytest.mark.parametrize("output", ["softmax", "identity", "logistic"])
@pytest.mark.parametrize("weighted", [False, True])
def test_epoch_loss_equals_the_task_loss(output, weighted):
    """With a zero learning rate the epoch loss is MLPClassifier's, from loss_fn.

    That is ``loss_fn`` on the whole data without weights; with weights, the
    mean over the minibatches of their weighted ``loss_fn``, weighted by
    their rows. ``logistic`` is one output with targets 0 and 1 (two
    classes), recorded per row as the probability of the row's class.
    """
    n_out = 1 if output == "logistic" else 3
    net = _network([5, 8, n_out], output=output)
    X, Y = _data()
    if output == "logistic":
        Y = Y[:, :1]
        assert 0 < Y.sum() < len(Y)
    sw = np.linspace(0.0, 2.0, len(X)) if weighted else None
    out = net.predict_output(X)
    expected = net.loss_fn(Y, out, sw)
    if weighted:
        order = np.random.RandomState(0).permutation(len(X))
        batches = [order[i : i + 8] for i in range(0, len(X), 8)]
        total = sum(net.loss_fn(Y[b], out[b], sw[b]) * len(b) for b in batches if sw[b].sum())
        expected = total / len(X)
    state = _state(net)
    loss = run_epoch(state, X, Y, sw, 8, np.random.RandomState(0), True, 0.0)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_soft_targets_use_the_general_loss():
    """Targets that are not one-hot still give the mean cross-entropy."""
    net = _network([5, 8, 3])
    X, Y = _data()
    Y = 0.8 * Y + 0.2 / 3
    expected = net.loss_fn(Y, net.predict_output(X))
    loss = run_epoch(_state(net), X, Y, None, 8, np.random.RandomState(0), True, 0.0)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_shuffled_epoch_equals_the_epoch_on_permuted_rows():
    """Gathering shuffled rows into buffers equals training on the permuted data."""
    X, Y = _data()
    a, b = _network([5, 8, 3]), _network([5, 8, 3])
    order = np.random.RandomState(0).permutation(len(X))
    la = run_epoch(_state(a), X, Y, None, 8, np.random.RandomState(0), True, 0.1)
    lb = run_epoch(_state(b), X[order], Y[order], None, 8, None, False, 0.1)
    assert la == pytest.approx(lb, rel=1e-12)
    for u, v in zip(a.params, b.params):
        np.testing.assert_allclose(u, v, rtol=1e-12)


def _closed_form_steps(optimizer, nesterov=True):
    """Three steps of ``optimizer`` and of its equations on the same float32 problem."""
    rng = np.random.RandomState(0)
    params = [rng.randn(4, 3).astype(np.float32), rng.randn(3).astype(np.float32)]
    grads = [[rng.randn(*p.shape).astype(np.float32) for p in params] for _ in range(3)]
    ref = [p.astype(np.float64) for p in params]
    state = [[np.zeros_like(r) for r in ref] for _ in range(2)]
    opt = SGD(params, 0.9, nesterov) if optimizer == "sgd" else Adam(params)
    for t, g in enumerate(grads, start=1):
        opt.step(params, [a.copy() for a in g], np.float64(0.05))  # a float64 scalar
        for i, gi in enumerate(g):
            if optimizer == "sgd":
                state[0][i] = 0.9 * state[0][i] - 0.05 * gi
                ref[i] += 0.9 * state[0][i] - 0.05 * gi if nesterov else state[0][i]
            else:
                state[0][i] = 0.9 * state[0][i] + 0.1 * gi
                state[1][i] = 0.999 * state[1][i] + 0.001 * gi.astype(np.float64) ** 2
                step = 0.05 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
                ref[i] -= step * state[0][i] / (np.sqrt(state[1][i]) + 1e-8)
    return params, ref


@pytest.mark.parametrize("optimizer,nesterov", [("sgd", True), ("sgd", False), ("adam", None)])
def test_in_place_steps_equal_closed_forms_in_float32(optimizer, nesterov):
    """The in-place float32 steps follow the float64 equations and stay float32."""
    params, ref = _closed_form_steps(optimizer, nesterov)
    for p, r in zip(params, ref):
        assert p.dtype == np.float32
        np.testing.assert_allclose(p, r, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_a_step_allocates_no_parameter_sized_array(optimizer):
    """An optimizer step needs no temporary array: its directions are the scratch space."""
    params = [np.ones((500, 200))]
    opt = optimizer(params)
    grads = [np.full((500, 200), 0.1)]
    opt.step(params, grads, 0.01)
    tracemalloc.start()
    opt.step(params, grads, 0.01)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < params[0].nbytes / 10


def test_softplus_in_place_is_finite_for_extreme_inputs():
    """softplus written over its input matches max(h, 0) + log1p(exp(-|h|))."""
    h = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    expected = np.maximum(h, 0) + np.log1p(np.exp(-np.abs(h)))
    out = ACTIVATIONS["softplus"].forward(h, h)
    assert out is h
    np.testing.assert_allclose(h, expected, rtol=1e-12)


def test_regressor_loss_curve_is_half_the_mean_squared_error():
    """A regressor trained with a zero-learning-rate-like epoch reports 0.5 * MSE."""
    X, Y = _data()
    y = X @ np.arange(5.0)
    est = BPRegressor(
        hidden_layer_sizes=(4,),
        max_iter=1,
        learning_rate_init=1e-12,
        random_state=0,
        momentum=0.0,
        alpha=0.0,  # the curve would hold the L2 term too
    )
    est.partial_fit(X, y)
    out = est.predict(X)
    assert est.loss_curve_[0] == pytest.approx(0.5 * np.mean((out - y) ** 2), rel=1e-6)

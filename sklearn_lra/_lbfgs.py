"""Full-batch L-BFGS (``solver='lbfgs'``) for the rules that descend one global loss.

L-BFGS searches along the gradient of one objective; back-propagation
computes that gradient exactly, so its estimators offer the solver as
``MLPClassifier`` does: scipy's L-BFGS-B on the task loss plus the L2 term
over all rows, with ``maxiter=max_iter``, ``maxfun=max_fun`` and
``gtol=tol``. The other rules update each layer by a rule of its own, not by
the gradient of any single loss, and refuse the solver.

The objective over packed parameters ``theta`` (every ``W_l`` flattened, then
every ``b_l``, ``MLPClassifier``'s order)::

    f(theta) = sum_i w_i loss(y_i, z_L(x_i)) / sum_i w_i + sum_l alpha_l / 2 ||W_l||^2 / sum_i w_i

where ``alpha_l`` is ``alpha``, ``W_1``'s set by ``input_alpha``.
"""

import numpy as np
import scipy.optimize

from ._compat import _check_optimize_result, lbfgs_iprint_option
from ._training import _set_weights

#: Why a rule without a global loss cannot use L-BFGS (completed with the class name).
NO_GLOBAL_LOSS = (
    "{name} cannot use solver='lbfgs': L-BFGS follows the gradient of one global "
    "loss, and {name} trains each layer from its own learning signal (random "
    "feedback or local targets), which is not the gradient of any single loss, so "
    "a line search has no objective to decrease. Use solver='adam' or 'sgd', or "
    "BPClassifier / BPRegressor for L-BFGS."
)


class LossAndGradient:
    """``f(theta)`` and its gradient for the rows ``X`` (all at once), as scipy calls it.

    Parameters
    ----------
    state : TrainingState
        The network and rule; its parameters are overwritten with each ``theta``.
    X, Y : arrays
        Inputs and encoded targets.
    sw : ndarray or None
        Sample weights.
    """

    def __init__(self, state, X, Y, sw):
        self.state, self.X, self.Y, self.sw = state, X, Y, sw
        self.ws = state.workspace(X.shape[0], X, Y, sw).rows(X.shape[0])
        _set_weights(self.ws, sw, state.ws.sw_column[: X.shape[0]])
        self.params = state.net.params  # coefs, then intercepts: MLP's packing order

    def pack(self):
        """The current parameters as one float64 vector."""
        return np.concatenate([p.ravel() for p in self.params]).astype(np.float64)

    def unpack(self, theta):
        """Write ``theta`` into the parameter arrays, in their own dtype."""
        start = 0
        for p in self.params:
            p[...] = theta[start : start + p.size].reshape(p.shape)
            start += p.size

    def __call__(self, theta):
        """``(f(theta), grad f(theta))``."""
        state, ws = self.state, self.ws
        self.unpack(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out = state.net.forward(self.X, ws)
            loss = state.net.loss_fn(self.Y.astype(out.dtype, copy=False), out, self.sw)
            loss += state.l2_penalty(ws.weight_sum) if state.penalised else 0.0
            state.rule.directions(state.net, ws, self.Y, state.extra, state.extra_grads)
            if state.penalised and ws.weight_sum > 0:
                state.add_weight_decay(ws, ws.weight_sum)
        grad = np.concatenate([g.ravel() for g in ws.directions]).astype(np.float64)
        return float(loss), grad


def minimize(estimator, state, X, Y, sw):
    """Run L-BFGS-B from the state's parameters, which it leaves at the solution.

    Returns
    -------
    n_iter : int
        Iterations run (``_check_optimize_result`` warns when it did not converge).
    loss : float
        The objective at the solution.
    losses : list of float
        The objective after each iteration.
    """
    objective = LossAndGradient(state, X, Y, sw)
    losses = []
    verbose = estimator.verbose is True or estimator.verbose >= 1
    result = scipy.optimize.minimize(
        objective,
        objective.pack(),
        method="L-BFGS-B",
        jac=True,
        options={
            "maxfun": estimator.max_fun,
            "maxiter": estimator.max_iter,
            "gtol": estimator.tol,
            **lbfgs_iprint_option(1 if verbose else -1),
        },
        callback=lambda intermediate_result: losses.append(float(intermediate_result.fun)),
    )
    n_iter = _check_optimize_result("lbfgs", result, estimator.max_iter)
    objective.unpack(result.x)
    return n_iter, float(result.fun), losses

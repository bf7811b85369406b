r"""Where one training epoch of BP, LRA and DTP spends its time (cProfile).

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/profile_epoch.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-profile.md`` (``-quick.md`` with ``--quick``): for a
784-256x3-10 tanh network on float32 MNIST rows, at batch 50 and 256, first
what an epoch must do besides the matrix products (the activations and an
update of the weights, timed side by side with the floor and with BP's and
LRA's epochs), then DTP's own matrix products and Gaussian noise next to the
same floor and DTP's epoch, then the functions with the most own time in one
``partial_fit`` epoch after a warm-up epoch. numpy's ufuncs (``np.matmul``
included) are not Python functions, so cProfile counts their time in the
function that calls them: a rule's ``directions`` holds its own
``delta W^T`` or ``e E`` products.
"""

import cProfile
import pstats
import time
from pathlib import Path

import _common as c
import numpy as np

import sklearn_lra
from sklearn_lra._optimizers import SGD

MODES = {
    "full": dict(n_train=10_000, batches=(50, 256), rounds=5),
    "quick": dict(n_train=2_000, batches=(50,), rounds=2),
}
RULES = (sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier, sklearn_lra.DTPClassifier)
PROFILE_TOP = 10


def profile_section(X_all, y_all, cfg, report, rules=RULES):
    """One table per rule and batch size: the functions with the most own time."""
    n = cfg["n_train"]
    X, y = X_all[:n].astype(np.float32), y_all[:n]
    report.heading(
        "Profile of one epoch",
        f"cProfile of one `partial_fit` epoch on {n:,} float32 rows, network "
        f"784-{'-'.join(map(str, c.HIDDEN))}-10 (tanh), after a warm-up epoch: the "
        f"{PROFILE_TOP} functions with the most own time. `matmul_into` and "
        "`transpose_matmul_into` are the forward and weight-gradient products; numpy "
        "calls made directly inside a function (such as BP's `delta W^T` in `directions`) "
        "count as that function's own time. The profiler itself slows the many small calls.",
    )
    for batch in cfg.get("batches", (50,)):
        for cls in rules:
            est = c.make_estimator(cls, c.HIDDEN, batch)
            est.partial_fit(X, y, classes=np.unique(y_all))
            profiler = cProfile.Profile()
            profiler.runcall(est.partial_fit, X, y)
            title = f"{cls.__name__}, batch {batch}"
            report.table(title, ["function", "calls", "own s", "share"], top(profiler))


class LeastEpoch(c.MatmulFloor):
    """The matrix-product floor plus the elementwise work every rule's epoch needs.

    ``activations``: tanh of each hidden layer in the forward pass and its
    derivative ``1 - z^2`` times the error in the backward pass (two passes
    over each hidden layer, one temporary). ``update``: ``None``; ``'one pass'``,
    ``p - g`` over every weight matrix once per minibatch, the least any
    update that touches every parameter can do; ``'fused traffic'``, the
    memory traffic of a Nesterov step fused into one compiled loop (read the
    weights, their velocity and the gradient; write the weights and the
    velocity), made of two numpy passes that move exactly that much;
    ``'nesterov'``, the package's SGD step with Nesterov momentum
    (``sklearn_lra._optimizers.SGD``).
    """

    def __init__(self, units, n_rows, batch_size, dtype, activations=False, update=None):
        super().__init__(units, n_rows, batch_size, dtype)
        self.activations, self.update = activations, update
        self.tmp = [np.empty_like(z) for z in self.z]
        self.optimizer = SGD(self.W, momentum=0.9, nesterov=True)
        self.velocity = [np.zeros_like(W) for W in self.W]

    def _epoch(self):
        W, z, d, g, tmp = self.W, self.z, self.d, self.g, self.tmp
        last = len(W)
        for b in self.sizes:
            for l in range(1, last + 1):
                np.matmul(z[l - 1][:b], W[l - 1], out=z[l][:b])
                if self.activations and l < last:
                    np.tanh(z[l][:b], out=z[l][:b])
            for l in range(last, 0, -1):
                np.matmul(z[l - 1][:b].T, d[l][:b], out=g[l - 1])
                if l >= 2:
                    np.matmul(d[l][:b], W[l - 1].T, out=d[l - 1][:b])
                    if self.activations:
                        np.square(z[l - 1][:b], out=tmp[l - 1][:b])
                        np.subtract(1, tmp[l - 1][:b], out=tmp[l - 1][:b])
                        d[l - 1][:b] *= tmp[l - 1][:b]
            self._update()

    def _update(self):
        # The weights stay put (only the memory traffic counts): 'one pass' reads
        # both arrays and writes one, into g (the next product overwrites it);
        # the SGD step runs at learning rate 0.
        if self.update == "one pass":
            for p, g in zip(self.W, self.g):
                np.add(p, g, out=g)
        elif self.update == "fused traffic":
            # Reads p, g, then g again, and writes g and v: the three reads and
            # two writes of a fused step (g is still in cache for the copy).
            for p, g, v in zip(self.W, self.g, self.velocity):
                np.add(p, g, out=g)
                np.copyto(v, g)
        elif self.update == "nesterov":
            self.optimizer.step(self.W, self.g, 0.0)


class DTPProducts(c.MatmulFloor):
    """The matrix products of one DTP epoch (and, with ``noise``, its Gaussian draws).

    Per minibatch: every layer's forward product and weight gradient, the top
    layer's backward product (DTP sends no error through ``W^T`` below it),
    and for each hidden layer ``l >= 2`` with its inverse ``V_l``: the inverse
    applied to the target and to the output (two products), and the inverse's
    training on a noisy copy of the layer below: the layer on the noisy rows,
    the inverse on that, and the gradient of ``V_l`` (three products). With
    ``noise``, the noisy copy is drawn as ``DTPClassifier`` draws it
    (``RandomState.standard_normal`` in float64, cast to float32).
    """

    def __init__(self, units, n_rows, batch_size, dtype, noise=False):
        super().__init__(units, n_rows, batch_size, dtype)
        self.noise, self.rng = noise, np.random.RandomState(0)
        rng = np.random.default_rng(1)
        self.V = [(0.05 * rng.standard_normal(W.T.shape)).astype(dtype) for W in self.W[1:-1]]
        self.gV = [np.empty_like(V) for V in self.V]
        self.a = [np.empty_like(z) for z in self.z]  # outputs of the inverse products

    def _epoch(self):
        W, z, d, g, V, gV, a = self.W, self.z, self.d, self.g, self.V, self.gV, self.a
        last = len(W)
        for b in self.sizes:
            for l in range(1, last + 1):
                np.matmul(z[l - 1][:b], W[l - 1], out=z[l][:b])
            for l in range(last, 0, -1):
                np.matmul(z[l - 1][:b].T, d[l][:b], out=g[l - 1])
            np.matmul(d[last][:b], W[last - 1].T, out=d[last - 1][:b])
            for l in range(2, last):  # hidden layers with an inverse V_l
                Vl, below = V[l - 2], a[l - 1][:b]
                np.matmul(z[l][:b], Vl, out=below)  # g_l(target)
                np.matmul(d[l][:b], Vl, out=below)  # g_l(output)
                if self.noise:
                    self.rng.standard_normal(below.shape).astype(below.dtype, copy=False)
                np.matmul(z[l - 1][:b], W[l - 1], out=a[l][:b])  # f_l(noisy)
                np.matmul(a[l][:b], Vl, out=below)  # g_l(f_l(noisy))
                np.matmul(a[l][:b].T, below, out=gV[l - 2])  # dV_l


def dtp_section(X_all, y_all, cfg, report):
    """DTP's own products and noise next to BP's floor and DTPClassifier's epoch."""
    n, rounds = cfg["n_train"], cfg["rounds"]
    report.heading(
        "What DTP must do besides BP's products",
        f"{n:,} float32 rows, network 784-{'-'.join(map(str, c.HIDDEN))}-10 (tanh), "
        f"{rounds} rounds; seconds per epoch (median) and the median per-round ratio to "
        "back-propagation's matrix-product floor, the reference of the DTP target (2x). "
        "DTP's products are its forward products and weight gradients, its top backward "
        "product, and five more products per hidden layer with an inverse (two to send "
        "the target down, three to train the inverse); its noise is one Gaussian draw "
        "per hidden layer with an inverse and minibatch, as `DTPClassifier` draws it.",
    )
    units = (784, *c.HIDDEN, c.N_CLASSES)
    X, y = X_all[:n].astype(np.float32), y_all[:n]
    for batch in cfg.get("batches", (50,)):
        entries = {
            "BP's matrix products (the floor)": c.MatmulFloor(units, n, batch, np.float32),
            "DTP's matrix products": DTPProducts(units, n, batch, np.float32),
            "+ its Gaussian noise": DTPProducts(units, n, batch, np.float32, noise=True),
            "DTPClassifier": c.EpochTimer(
                c.make_estimator(sklearn_lra.DTPClassifier, c.HIDDEN, batch), X, y
            ),
        }
        floor_table(entries, "BP's matrix products (the floor)", batch, rounds, report)


def least_section(X_all, y_all, cfg, report):
    """The floor, what every epoch must add to it, and BP's and LRA's epochs, side by side."""
    n, rounds = cfg["n_train"], cfg["rounds"]
    report.heading(
        "What an epoch must do besides the products",
        f"{n:,} float32 rows, network 784-{'-'.join(map(str, c.HIDDEN))}-10 (tanh), "
        f"{rounds} rounds, every entry timed in each round; seconds per epoch (median) and "
        "the median per-round ratio to the matrix-product floor. Each line adds work to "
        "the one above: the tanh of the hidden layers and its derivative (which every "
        "rule computes), then one pass `p - g` over the weights per minibatch (the least "
        "that any update touching every weight costs), or the memory traffic of an SGD "
        "step with Nesterov momentum fused into one compiled loop (three reads and two "
        "writes per weight: the least that step can cost), or the package's SGD step "
        "with Nesterov momentum (5 numpy passes over the weights). BPClassifier and "
        "LRAClassifier are one epoch inside a fit, as in `epoch_cost.py`.",
    )
    units = (784, *c.HIDDEN, c.N_CLASSES)
    X, y = X_all[:n].astype(np.float32), y_all[:n]
    for batch in cfg.get("batches", (50,)):
        entries = {
            "matrix products (the floor)": c.MatmulFloor(units, n, batch, np.float32),
            "+ tanh and its derivative": LeastEpoch(units, n, batch, np.float32, True),
            "+ one pass over the weights per step": LeastEpoch(
                units, n, batch, np.float32, True, "one pass"
            ),
            "+ the memory traffic of a fused Nesterov step": LeastEpoch(
                units, n, batch, np.float32, True, "fused traffic"
            ),
            "+ SGD step with Nesterov momentum": LeastEpoch(
                units, n, batch, np.float32, True, "nesterov"
            ),
        }
        for cls in (sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier):
            entries[cls.__name__] = c.EpochTimer(c.make_estimator(cls, c.HIDDEN, batch), X, y)
        floor_table(entries, "matrix products (the floor)", batch, rounds, report)


def floor_table(entries, floor, batch, rounds, report):
    """Time ``entries`` in rounds; one table of seconds per epoch and ratios to ``floor``."""
    times = c.run_rounds(entries, rounds)
    rows = [
        [name, f"{c.median(t):.3f}", f"{c.ratio(times, name, floor):.2f}"]
        for name, t in times.items()
    ]
    report.table(f"batch {batch}", ["", "s/epoch", "x floor"], rows)


def top(profiler):
    """The ``PROFILE_TOP`` functions with the most own time, as table rows."""
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values())
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_TOP]
    rows = []
    for (path, line, name), (_, calls, own, _, _) in ranked:
        where = f"{Path(path).name}:{line} {name}" if line else name
        rows.append([f"`{where}`", str(calls), f"{own:.3f}", f"{100 * own / total:.0f}%"])
    rows.append(["all functions", "", f"{total:.3f}", "100%"])
    return rows


def main(argv=None):
    args = c.parser(__doc__.splitlines()[0], "results-profile").parse_args(argv)
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: profile of one epoch", "results-profile")
    X, y, source = c.load_data(cfg["n_train"])
    report.add(f"- data: {source}\n")
    least_section(X, y, cfg, report)
    dtp_section(X, y, cfg, report)
    profile_section(X, y, cfg, report)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

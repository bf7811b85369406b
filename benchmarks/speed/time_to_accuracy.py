r"""Wall time until a target test accuracy on MNIST, BP and LRA next to MLPClassifier and PyTorch.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/time_to_accuracy.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-time-to-accuracy.md`` (``-quick.md`` with
``--quick``). Network 784-256x3-10 tanh, batch 50, float32, on MNIST's official
training set and test set. Entries: BPClassifier and LRAClassifier with their
defaults (SGD with Nesterov momentum 0.9), BPClassifier with Adam (learning
rate 0.001), MLPClassifier with the same two optimisers and rates
(``alpha=0``), and, when ``torch`` is installed, the
same network and optimisers in PyTorch on the CPU (its threads set to
``--blas-threads`` when given).

Every entry trains one epoch at a time (``partial_fit``; a training step loop
for PyTorch), and the entries take turns epoch by epoch, so that a change in
the machine's load hits all of them alike. Only training is timed; after each
epoch the test accuracy is measured untimed. Stopping at a test accuracy is a
measurement of speed here, not a way to choose a model: nothing is selected
on these figures. An entry stops when it has reached every target or after
``max_epochs``.
"""

import time

import _common as c
import numpy as np

import sklearn_lra

MODES = {
    "full": dict(n_train=None, n_test=None, seeds=(0, 1, 2), max_epochs=30, targets=(0.975, 0.98)),
    # A smoke run: lower targets that 2,000 rows can reach in a few epochs.
    "quick": dict(n_train=2_000, n_test=1_000, seeds=(0,), max_epochs=3, targets=(0.8, 0.85)),
}
HIDDEN, BATCH = (256, 256, 256), 50
#: name -> (estimator class name or "torch", optimiser)
ENTRIES = {
    "BPClassifier(sgd)": ("BPClassifier", "sgd"),
    "LRAClassifier(sgd)": ("LRAClassifier", "sgd"),
    "MLPClassifier(sgd)": ("MLPClassifier", "sgd"),
    "BPClassifier(adam)": ("BPClassifier", "adam"),
    "MLPClassifier(adam)": ("MLPClassifier", "adam"),
    "torch(sgd)": ("torch", "sgd"),
    "torch(adam)": ("torch", "adam"),
}
#: Every entry's rate: the benchmarks' SGD rate (``_common.make_estimator`` and
#: ``_common.mlp``), and 0.001 with Adam. Written out: BPClassifier's own default
#: is now MLPClassifier's Adam rate, which would slow PyTorch's SGD tenfold.
LEARNING_RATES = {"sgd": 0.01, "adam": 0.001}
#: (entry, reference, limit): the issue's targets on the time to each accuracy.
RATIO_TARGETS = [
    ("BPClassifier(sgd)", "MLPClassifier(sgd)", 0.6),
    ("BPClassifier(adam)", "MLPClassifier(adam)", 0.6),
    ("LRAClassifier(sgd)", "MLPClassifier(sgd)", 1.0),
    ("BPClassifier(sgd)", "torch(sgd)", 1.0),
    ("BPClassifier(adam)", "torch(adam)", 1.0),
]


class SklearnRunner:
    """One estimator trained epoch by epoch with ``partial_fit``."""

    def __init__(self, kind, solver, seed, classes):
        if kind == "MLPClassifier":
            self.est = c.mlp(solver, HIDDEN, BATCH, random_state=seed)
        else:
            # The package's own defaults with SGD; Adam at the common rate.
            rate = {} if solver == "sgd" else {"learning_rate_init": LEARNING_RATES[solver]}
            cls = getattr(sklearn_lra, kind)
            self.est = c.make_estimator(
                cls, HIDDEN, BATCH, solver=solver, random_state=seed, **rate
            )
        self.classes = classes

    def epoch(self, X, y):
        self.est.partial_fit(X, y, classes=self.classes)

    def accuracy(self, X, y):
        return float(np.mean(self.est.predict(X) == y))


class TorchRunner:
    """The same network and optimiser in PyTorch (CPU, float32, shuffled minibatches)."""

    def __init__(self, solver, seed, n_features, n_classes, threads):
        import torch

        self.torch = torch
        if threads:
            torch.set_num_threads(threads)
        torch.manual_seed(seed)
        sizes = [n_features, *HIDDEN]
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
        layers.append(torch.nn.Linear(sizes[-1], n_classes))
        self.model = torch.nn.Sequential(*layers)
        for m in self.model:
            if isinstance(m, torch.nn.Linear):  # Glorot uniform and zero biases, as ours
                torch.nn.init.xavier_uniform_(m.weight)
                torch.nn.init.zeros_(m.bias)
        rate = LEARNING_RATES[solver]
        params = self.model.parameters()
        if solver == "sgd":
            self.opt = torch.optim.SGD(params, lr=rate, momentum=0.9, nesterov=True)
        else:
            self.opt = torch.optim.Adam(params, lr=rate, betas=(0.9, 0.999), eps=1e-8)
        self.loss = torch.nn.CrossEntropyLoss()
        self.rng = np.random.default_rng(seed)

    def epoch(self, X, y):
        torch = self.torch
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
        order = torch.from_numpy(self.rng.permutation(len(X)))
        for start in range(0, len(X), BATCH):
            idx = order[start : start + BATCH]
            self.opt.zero_grad(set_to_none=True)
            self.loss(self.model(Xt[idx]), yt[idx]).backward()
            self.opt.step()

    def accuracy(self, X, y):
        torch = self.torch
        with torch.no_grad():
            pred = self.model(torch.from_numpy(X)).argmax(dim=1).numpy()
        return float(np.mean(pred == y))


def make_runners(seed, classes, threads, with_torch):
    runners = {}
    for name, (kind, solver) in ENTRIES.items():
        if kind == "torch":
            if with_torch:
                runners[name] = TorchRunner(solver, seed, c.N_FEATURES, len(classes), threads)
        else:
            runners[name] = SklearnRunner(kind, solver, seed, classes)
    return runners


def race(runners, data, max_epochs, targets):
    """Train every runner epoch by epoch, in turns; returns {name: {target: (epochs, s)}}."""
    X_train, y_train, X_test, y_test = data
    reached = {name: {} for name in runners}
    curves = {name: [] for name in runners}
    clock = dict.fromkeys(runners, 0.0)
    active = list(runners)
    for epoch in range(1, max_epochs + 1):
        for name in list(active):
            runner = runners[name]
            clock[name] += c.timed(lambda r=runner: r.epoch(X_train, y_train))
            accuracy = runner.accuracy(X_test, y_test)
            curves[name].append(accuracy)
            for target in targets:
                if accuracy >= target and target not in reached[name]:
                    reached[name][target] = (epoch, clock[name])
            if len(reached[name]) == len(targets):
                active.remove(name)
        if not active:
            break
    return reached, curves, clock


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def report_results(per_seed, report, cfg):
    """Median epochs and seconds to each target, then the ratio targets."""
    names = list(per_seed[0][0])
    rows = []
    for name in names:
        cells = [name]
        for target in cfg["targets"]:
            hits = [reached[name].get(target) for reached, _, _ in per_seed]
            done = [h for h in hits if h is not None]
            if len(done) < len(hits):
                cells += [f"not reached in {len(hits) - len(done)} of {len(hits)} seeds", ""]
                continue
            cells += [
                f"{c.median([h[0] for h in done]):g}",
                f"{c.median([h[1] for h in done]):.1f}",
            ]
        best = c.median([max(curves[name]) for _, curves, _ in per_seed])
        per_epoch = c.median([clock[name] / len(curves[name]) for _, curves, clock in per_seed])
        rows.append(cells + [f"{best:.4f}", f"{per_epoch:.2f}"])
    header = ["entry"]
    for target in cfg["targets"]:
        header += [f"epochs to {target:.1%}", f"s to {target:.1%}"]
    report.heading(
        "Time to accuracy",
        f"Medians over seeds {cfg['seeds']}; at most {cfg['max_epochs']} epochs. Seconds "
        "are training time only, summed over the epochs up to the first whose test "
        "accuracy reaches the target.",
    )
    report.table(None, header + ["best test accuracy", "s/epoch"], rows)
    targets = []
    for entry, ref, limit in RATIO_TARGETS:
        if entry not in names or ref not in names:
            continue
        for target in cfg["targets"]:
            ratios = []
            for reached, _, _ in per_seed:
                a, b = reached[entry].get(target), reached[ref].get(target)
                if a is not None and b is not None:
                    ratios.append(a[1] / b[1])
            if len(ratios) < len(per_seed):
                targets.append(
                    [f"{entry} / {ref}, {target:.1%}", "not reached", f"<= {limit}", "n/a"]
                )
                continue
            value = c.median(ratios)
            what = f"{entry} / {ref}, time to {target:.1%}"
            targets.append([what, f"{value:.2f}", f"<= {limit}", c.verdict(value <= limit)])
    report.heading("Targets", "Median over seeds of the per-seed ratio of times.")
    report.table(None, ["target", "measured", "threshold", "result"], targets)


def main(argv=None):
    p = c.parser(__doc__.splitlines()[0], "results-time-to-accuracy")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument("--n-train", type=int, help="training rows (default: the mode's)")
    p.add_argument("--max-epochs", type=int, help="epochs at most (default: the mode's)")
    p.add_argument("--seeds", type=int, nargs="+", help="seeds (default: the mode's)")
    p.add_argument("--targets", type=float, nargs="+", help="test accuracies to reach")
    args = p.parse_args(argv)
    cfg = dict(MODES["quick" if args.quick else "full"])
    for key in ("n_train", "max_epochs", "seeds", "targets"):
        value = getattr(args, key)
        if value is not None:
            cfg[key] = tuple(value) if isinstance(value, list) else value
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: time to accuracy", "results-time-to-accuracy")
    data = c.load_mnist_split(cfg["n_train"], cfg["n_test"])
    if data is None:
        raise SystemExit("MNIST is not on this machine: python -m sklearn_lra.datasets ...")
    data = tuple(np.ascontiguousarray(a) for a in data)
    with_torch = torch_available() and not args.no_torch
    if with_torch:
        import torch

        threads = args.blas_threads or torch.get_num_threads()  # what its runners will use
        report.add(f"- PyTorch {torch.__version__}, {threads} threads\n")
    else:
        report.add("- PyTorch: not installed or --no-torch; its entries are left out\n")
    report.add(f"- data: MNIST, {len(data[0]):,} training and {len(data[2]):,} test rows\n")
    classes = np.unique(data[1])
    per_seed = []
    for seed in cfg["seeds"]:
        runners = make_runners(seed, classes, args.blas_threads, with_torch)
        per_seed.append(race(runners, data, cfg["max_epochs"], cfg["targets"]))
    report_results(per_seed, report, cfg)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

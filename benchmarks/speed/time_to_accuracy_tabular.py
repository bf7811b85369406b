r"""Wall time until MLPClassifier's own cross-validated accuracy, on the public tables.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/time_to_accuracy_tabular.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-time-to-accuracy-tabular.md`` and, beside it, a
CSV of the per-table figures (``--from-csv`` re-renders the report from it
without training). The classification tables of the tabular suite
(``benchmarks/tabular/tabular_data.py``, at most 2,000 rows each, the suite's preprocessing
fitted on each training fold), stratified 5-fold cross-validation with the
suite's first repeat (seed 0; an estimator's seed is its fold).

The target of a table is the mean test accuracy over the five folds of
``MLPClassifier()`` with its defaults, fitted in this run. Every entry first
trains on the five training folds in lockstep, one epoch of each fold at a
time (untimed), and after each epoch its cross-validated accuracy (the mean
over the folds of the test-fold accuracy) is compared with the target: the
first epoch that reaches it is the entry's epochs to the target. The
package's estimators train by ``partial_fit``, whose epochs are those of a
``fit`` (the same minibatches and updates); MLPClassifier's ``partial_fit``
shuffles differently from its ``fit``, so its epochs are read from one
long ``fit`` that records its test accuracy after each epoch.

Then what a user waits for is timed: a fresh ``fit`` of each fold with
``max_iter`` set to those epochs (``tol=0`` and a large
``n_iter_no_change``, so that it runs them all), summed over the folds, in
3 rounds (each round times every entry, back to back; medians over rounds).
A fit is what the comparison is about: ``partial_fit`` validates its input
and checks its outputs at every call, which on tables of a few thousand
rows costs as much as the epoch. The report gives the cross-validated
accuracy of the timed fits too, which is the one the race reached.
PyTorch's fit is its training loop for the same epochs.

Entries use their estimators' defaults (one hidden layer of 100 units,
minibatches of ``batch_size='auto'``), so that the comparison is the one a user makes:
BPClassifier and MLPClassifier with Adam (their default) and with SGD
(``solver='sgd'``, the rest default), LRAClassifier with its defaults, and,
when ``torch`` is installed, the same network and optimisers in PyTorch on
the CPU. Stopping at a test accuracy measures speed; nothing is selected on
these figures. An entry stops at the target or after ``max_epochs``
(MLPClassifier's ``max_iter``).
"""

import csv
import sys
import time
import warnings
from pathlib import Path

import _common as c
import numpy as np
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier

import sklearn_lra

sys.path.insert(0, str(c.ROOT / "benchmarks" / "tabular"))  # the tabular suite's tables
from tabular_data import CLASSIFICATION, load_table, make_preprocessor  # noqa: E402

MODES = {
    "full": dict(tables=CLASSIFICATION, max_epochs=200, n_splits=5, rounds=3),
    "quick": dict(tables=["penguins", "two_class_dat"], max_epochs=200, n_splits=3, rounds=1),
}
MAX_ROWS = 2000
#: name -> (estimator, solver); every other parameter is the estimator's default.
ENTRIES = {
    "BPClassifier(adam)": ("BPClassifier", "adam"),
    "MLPClassifier(adam)": ("MLPClassifier", "adam"),
    "BPClassifier(sgd)": ("BPClassifier", "sgd"),
    "MLPClassifier(sgd)": ("MLPClassifier", "sgd"),
    "LRAClassifier": ("LRAClassifier", None),
    "torch(adam)": ("torch", "adam"),
    "torch(sgd)": ("torch", "sgd"),
}
#: (entry, reference, limit): the issue's targets on the time to the accuracy.
RATIO_TARGETS = [
    ("BPClassifier(adam)", "MLPClassifier(adam)", 0.6),
    ("BPClassifier(sgd)", "MLPClassifier(sgd)", 0.6),
    ("LRAClassifier", "MLPClassifier(adam)", 1.0),
    ("LRAClassifier", "MLPClassifier(sgd)", 1.0),
    ("BPClassifier(adam)", "torch(adam)", 1.0),
    ("BPClassifier(sgd)", "torch(sgd)", 1.0),
]
CSV_FIELDS = ["table", "target", "entry", "epochs", "seconds", "fit_accuracy", "best"]


def build(kind, solver, seed):
    """The estimator of an entry, seeded; MLPClassifier and BPClassifier share defaults."""
    params = {} if solver is None else {"solver": solver}
    if kind == "MLPClassifier":
        return MLPClassifier(random_state=seed, **params)
    return getattr(sklearn_lra, kind)(random_state=seed, **params)


class SklearnFold:
    """One estimator on one fold: ``partial_fit`` epochs, or a fit of ``epochs`` epochs."""

    def __init__(self, kind, solver, seed, classes):
        self.spec, self.classes = (kind, solver, seed), classes
        self.est = build(*self.spec)

    def epoch(self, X, y):
        self.est.partial_fit(X, y, classes=self.classes)

    def accuracy(self, X, y):
        return float(np.mean(self.est.predict(X) == y))

    def fit(self, X, y, epochs):
        """A fresh estimator fitted for exactly ``epochs`` epochs; returns self."""
        self.est = build(*self.spec).set_params(max_iter=epochs, tol=0.0, n_iter_no_change=10**6)
        self.est.fit(X, y)
        return self


class _RecordingMLP(MLPClassifier):
    """MLPClassifier that records its test accuracy after every epoch of a fit.

    ``MLPClassifier.partial_fit`` reshuffles a fresh ``arange`` at every call
    where ``fit`` reshuffles the previous order, so its epochs do not follow
    a fit's; this hooks the per-epoch bookkeeping of ``fit`` (a private
    method, fine for a benchmark) to read the fit's own path.
    """

    def _update_no_improvement_count(self, *args, **kwargs):
        X, y, curve = self.watch_
        curve.append(float(np.mean(self.predict(X) == y)))
        return super()._update_no_improvement_count(*args, **kwargs)


class MLPFold(SklearnFold):
    """MLPClassifier on one fold: the epochs of one long fit, read back one at a time."""

    def __init__(self, solver, seed, classes, X_test, y_test, max_epochs):
        super().__init__("MLPClassifier", solver, seed, classes)
        self.test, self.max_epochs, self.curve, self.n = (X_test, y_test), max_epochs, None, 0

    def epoch(self, X, y):
        if self.curve is None:
            est = _RecordingMLP(**self.est.get_params())
            est.set_params(max_iter=self.max_epochs, tol=0.0, n_iter_no_change=10**6)
            est.watch_ = (*self.test, [])
            est.fit(X, y)
            self.curve = est.watch_[2]
        self.n += 1

    def accuracy(self, X, y):
        return self.curve[self.n - 1]


class TorchFold:
    """MLPClassifier's network and optimisers in PyTorch: ReLU, 100 units, batch 200.

    Glorot-uniform weights and zero biases; MLPClassifier's L2 term
    (``alpha = 1e-4`` over the minibatch size) as weight decay on the weights;
    float64, as the other entries train on these float64 features.
    """

    HIDDEN, BATCH, ALPHA, RATE = 100, 200, 1e-4, 1e-3

    def __init__(self, solver, seed, n_features, classes):
        import torch

        self.torch, self.classes = torch, classes
        self.spec = (solver, seed, n_features)
        self._build()

    def _build(self):
        torch = self.torch
        solver, seed, n_features = self.spec
        torch.manual_seed(seed)
        first = torch.nn.Linear(n_features, self.HIDDEN)
        last = torch.nn.Linear(self.HIDDEN, len(self.classes))
        self.model = torch.nn.Sequential(first, torch.nn.ReLU(), last).double()
        for layer in (first, last):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
        groups = [
            {"params": [first.weight, last.weight], "weight_decay": self.ALPHA / self.BATCH},
            {"params": [first.bias, last.bias], "weight_decay": 0.0},
        ]
        if solver == "sgd":
            self.opt = torch.optim.SGD(groups, lr=self.RATE, momentum=0.9, nesterov=True)
        else:
            self.opt = torch.optim.Adam(groups, lr=self.RATE, betas=(0.9, 0.999), eps=1e-8)
        self.loss = torch.nn.CrossEntropyLoss()
        self.rng = np.random.default_rng(seed)

    def epoch(self, X, y):
        torch = self.torch
        Xt = torch.from_numpy(X)
        yt = torch.from_numpy(np.searchsorted(self.classes, y))
        order = torch.from_numpy(self.rng.permutation(len(X)))
        for start in range(0, len(X), self.BATCH):
            idx = order[start : start + self.BATCH]
            self.opt.zero_grad(set_to_none=True)
            self.loss(self.model(Xt[idx]), yt[idx]).backward()
            self.opt.step()

    def accuracy(self, X, y):
        with self.torch.no_grad():
            pred = self.model(self.torch.from_numpy(X)).argmax(dim=1).numpy()
        return float(np.mean(self.classes[pred] == y))

    def fit(self, X, y, epochs):
        """A fresh network trained for ``epochs`` epochs (its training loop); returns self."""
        self._build()
        for _ in range(epochs):
            self.epoch(X, y)
        return self


def folds(name, n_splits):
    """The preprocessed (X_train, y_train, X_test, y_test) of each fold of a table."""
    X, y, _ = load_table(name, max_rows=MAX_ROWS)
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    out = []
    for train, test in cv.split(np.zeros(len(y)), y):
        prep = make_preprocessor(X).fit(X.iloc[train])
        Xtr = np.ascontiguousarray(prep.transform(X.iloc[train]), dtype=np.float64)
        Xte = np.ascontiguousarray(prep.transform(X.iloc[test]), dtype=np.float64)
        out.append((Xtr, y[train], Xte, y[test]))
    return out, np.unique(y)


def mlp_target(data):
    """MLPClassifier()'s mean test accuracy over the folds (its seed is the fold)."""
    scores = []
    for seed, (Xtr, ytr, Xte, yte) in enumerate(data):
        scores.append(MLPClassifier(random_state=seed).fit(Xtr, ytr).score(Xte, yte))
    return float(np.mean(scores))


def make_fold_runners(kind, solver, data, classes, max_epochs):
    """One runner per fold (its seed is the fold's index)."""
    if kind == "torch":
        return [TorchFold(solver, seed, d[0].shape[1], classes) for seed, d in enumerate(data)]
    if kind == "MLPClassifier":
        return [
            MLPFold(solver, seed, classes, d[2], d[3], max_epochs) for seed, d in enumerate(data)
        ]
    return [SklearnFold(kind, solver, seed, classes) for seed in range(len(data))]


def cv_accuracy(runners, data):
    """Mean over the folds of each runner's test-fold accuracy."""
    return float(np.mean([r.accuracy(d[2], d[3]) for r, d in zip(runners, data)]))


def race(entries, data, target, max_epochs):
    """Every entry, epoch by epoch, until its CV accuracy reaches ``target`` (untimed).

    Returns ``{entry: (epochs or None, best CV accuracy)}``.
    """
    best = dict.fromkeys(entries, 0.0)
    reached = {}
    active = list(entries)
    for epoch in range(1, max_epochs + 1):
        for name in list(active):
            for runner, (Xtr, ytr, _, _) in zip(entries[name], data):
                runner.epoch(Xtr, ytr)
            score = cv_accuracy(entries[name], data)
            best[name] = max(best[name], score)
            if score >= target:
                reached[name] = epoch
                active.remove(name)
        if not active:
            break
    return {name: (reached.get(name), best[name]) for name in entries}


def time_fits(entries, data, epochs, rounds):
    """Seconds of fitting every fold for ``epochs[name]`` epochs (median over rounds).

    Returns ``{entry: (seconds, CV accuracy of the timed fits)}`` for the
    entries with a number of epochs.
    """
    names = [n for n in entries if epochs[n] is not None]
    seconds = {n: [] for n in names}
    for _ in range(rounds):
        for name in names:
            total = 0.0
            for runner, (Xtr, ytr, _, _) in zip(entries[name], data):
                total += c.timed(lambda r=runner, X=Xtr, y=ytr, k=epochs[name]: r.fit(X, y, k))
            seconds[name].append(total)
    return {n: (c.median(seconds[n]), cv_accuracy(entries[n], data)) for n in names}


def run_table(name, cfg, with_torch):
    """The target of one table, every entry's epochs to it and its fit time, as CSV rows."""
    data, classes = folds(name, cfg["n_splits"])
    target = mlp_target(data)
    entries = {
        entry: make_fold_runners(kind, solver, data, classes, cfg["max_epochs"])
        for entry, (kind, solver) in ENTRIES.items()
        if with_torch or kind != "torch"
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raced = race(entries, data, target, cfg["max_epochs"])
        timed = time_fits(entries, data, {n: e for n, (e, _) in raced.items()}, cfg["rounds"])
    rows = []
    for entry, (epochs, best) in raced.items():
        seconds, fit_accuracy = timed.get(entry, (None, None))
        rows.append(
            dict(
                table=name,
                target=target,
                entry=entry,
                epochs=epochs,
                seconds=seconds,
                fit_accuracy=fit_accuracy,
                best=best,
            )
        )
    return rows


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for key in ("target", "seconds", "fit_accuracy", "best"):
                row[key] = float(row[key]) if row[key] else None
            row["epochs"] = int(row["epochs"]) if row["epochs"] else None
            rows.append(row)
    return rows


def by_table(rows):
    """``{table: {entry: row}}`` in the order of the rows."""
    tables = {}
    for row in rows:
        tables.setdefault(row["table"], {})[row["entry"]] = row
    return tables


def report_tables(rows, report, cfg):
    """Per table: the target, each entry's epochs and fit seconds to it, then accuracies."""
    tables = by_table(rows)
    names = list(next(iter(tables.values())))
    report.heading(
        "Time to MLPClassifier's cross-validated accuracy, per table",
        "Epochs until the mean test-fold accuracy first reaches the target, and the seconds "
        f"of fitting the {cfg['n_splits']} folds for that many epochs (median of "
        f"{cfg['rounds']} rounds); '-' when the target was not reached within "
        f"{cfg['max_epochs']} epochs.",
    )
    cells = []
    for table, entries in tables.items():
        row = [table, f"{next(iter(entries.values()))['target']:.3f}"]
        for name in names:
            r = entries[name]
            row.append("-" if r["epochs"] is None else f"{r['epochs']} / {r['seconds']:.2f} s")
        cells.append(row)
    report.table(None, ["table", "target"] + names, cells)
    report.heading(
        "Accuracies",
        "Per table and entry: the cross-validated accuracy of the timed fits (the same "
        "epochs, from a fresh start), then in brackets the best one seen in the epoch-by-"
        "epoch run (the timed fits repeat the race's path, so the two agree).",
    )
    cells = []
    for table, entries in tables.items():
        row = [table]
        for name in names:
            r = entries[name]
            fit = "-" if r["fit_accuracy"] is None else f"{r['fit_accuracy']:.3f}"
            row.append(f"{fit} ({r['best']:.3f})")
        cells.append(row)
    report.table(None, ["table"] + names, cells)


def report_targets(rows, report):
    """Per ratio target: tables where both reached, their median ratio, and misses."""
    tables = by_table(rows)
    lines = []
    for entry, ref, limit in RATIO_TARGETS:
        ratios, per_epoch, only_ref, only_entry, neither = [], [], 0, 0, 0
        for entries in tables.values():
            if entry not in entries or ref not in entries:
                continue
            ea, eb = entries[entry], entries[ref]
            a, b = ea["seconds"], eb["seconds"]
            if a is not None and b is not None:
                ratios.append(a / b)
                per_epoch.append((a / ea["epochs"]) / (b / eb["epochs"]))
            elif b is not None:
                only_ref += 1
            elif a is not None:
                only_entry += 1
            else:
                neither += 1
        if not ratios:
            continue
        value = c.median(ratios)
        within = sum(r <= limit for r in ratios)
        lines.append(
            [
                f"{entry} / {ref}",
                f"{value:.2f}",
                f"{min(ratios):.2f} to {max(ratios):.2f}",
                f"{within} of {len(ratios)}",
                f"{c.median(per_epoch):.2f}",
                f"{only_ref} / {only_entry} / {neither}",
                f"<= {limit}",
                c.verdict(value <= limit and only_ref == 0),
            ]
        )
    report.heading(
        "Targets",
        "Per table the ratio of the two entries' times to the table's target, over the "
        "tables both reached; the verdict asks for the median within the threshold and "
        "no table that the reference reached and the entry did not. 'per epoch' is the "
        "median ratio of the fits' seconds per epoch over the same tables: the cost of "
        "the engines, apart from how many epochs each path needed.",
    )
    header = [
        "ratio",
        "median",
        "range",
        "tables within",
        "per epoch",
        "reached by the reference only / the entry only / neither",
        "threshold",
        "result",
    ]
    report.table(None, header, lines)


def main(argv=None):
    p = c.parser(__doc__.splitlines()[0], "results-time-to-accuracy-tabular")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument("--tables", nargs="+", help="tables to run (default: the mode's)")
    p.add_argument("--from-csv", action="store_true", help="re-render from the stored CSV")
    args = p.parse_args(argv)
    cfg = dict(MODES["quick" if args.quick else "full"])
    if args.tables:
        cfg["tables"] = args.tables
    tic = time.perf_counter()
    report, output = c.start(
        args,
        "sklearn-lra: time to MLPClassifier's accuracy on tables",
        "results-time-to-accuracy-tabular",
    )
    csv_path = Path(output).with_suffix(".csv")
    with_torch = torch_available() and not args.no_torch
    if args.from_csv:
        rows = read_csv(csv_path)
        report.add(f"- re-rendered from `{csv_path.name}` (`--from-csv`)\n")
    else:
        if with_torch:
            import torch

            threads = args.blas_threads or torch.get_num_threads()
            if args.blas_threads:
                torch.set_num_threads(args.blas_threads)
            report.add(f"- PyTorch {torch.__version__}, {threads} threads, float64\n")
        else:
            report.add("- PyTorch: not installed or --no-torch; its entries are left out\n")
        rows = []
        for name in cfg["tables"]:
            print(f"{name} ...", file=sys.stderr, flush=True)
            rows += run_table(name, cfg, with_torch)
            write_csv(rows, csv_path)
    report.add(
        f"- tables: {len(by_table(rows))} classification tables of the tabular suite, at most "
        f"{MAX_ROWS:,} rows, stratified {cfg['n_splits']}-fold CV (seed 0), float64 features "
        "from the suite's preprocessing\n"
    )
    report_tables(rows, report, cfg)
    report_targets(rows, report)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

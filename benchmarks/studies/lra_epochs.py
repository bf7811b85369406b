r"""Why LRA needs more epochs than BP on MNIST: one knob at a time, on validation rows.

``benchmarks/speed/results/results-time-to-accuracy.md`` shows LRAClassifier needing more
epochs than BPClassifier to reach a test accuracy (784-256x3-10 tanh,
minibatches of 50, float32, SGD at 0.01 with Nesterov momentum 0.9, no L2).
This script asks which of LRA's knobs accounts for that, measured on
validation rows only: every estimator trains on the first 50,000 official
MNIST training rows and is scored on the last 10,000 training rows. MNIST's
test set is never read.

Part 1, ``epochs``: each entry trains epoch by epoch with ``partial_fit``
(as ``time_to_accuracy.py`` does, through ``_common.make_estimator`` with
the same settings; float32 because MNIST's rows are float32) for 20 epochs,
with seeds 0, 1 and 2 (a seed draws the weights, the feedback matrices and
the minibatch order), and the validation accuracy and log loss are recorded
after every epoch. Entries: BP at learning rates 0.01 (the reference), 0.005
and 0.02, and LRA with its defaults and with one knob changed at a time
(``init``, ``adaptive_scale``, ``learning_rate_init``, ``beta``, ``window``,
``local_error='pre'`` (no window), ``local_loss``, ``n_target_steps``). The
report gives the epochs to 97.5% and 98% validation accuracy (median over
seeds and each seed's value), and the best and last validation accuracy.
Rows go to ``benchmarks/studies/lra_epochs/epochs.csv`` as each (entry, seed)
finishes.

Part 2, ``diagnostics``: LRA with its defaults (and, for comparison, with
Glorot's initial weights) is trained again with seed 0; at the start and
after epochs 1, 3, 10 and 20, on 20 fixed minibatches of training rows, the
script runs one forward pass and computes, per layer and with the same
weights, LRA's descent direction ``dW_l`` (the rule's own ``directions``,
caps applied) and BP's gradient ``dW_l`` (``BackPropagationRule``, which the
tests check against finite differences): their cosine, the ratio of their
Frobenius norms, LRA's component along BP's gradient in units of BP's step,
how often LRA's cap on ``||dW_l||_F`` binds (the norm before capping
exceeds the cap; recorded by wrapping ``cap_norm`` in this process), and the
fraction of hidden units inside the update window. Rows go to
``benchmarks/studies/lra_epochs/diagnostics.csv``.

Writes ``benchmarks/studies/lra_epochs.md``; the section "What it shows" is
read from ``benchmarks/studies/lra_epochs/findings.md`` (written after looking at
the tables) when it exists. Run from the repository root (about 20 minutes
on 2 cores)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
        python benchmarks/studies/lra_epochs.py --n-jobs 2

``--from-csv`` re-renders the report from the stored rows without training;
``--resume`` keeps the stored rows and trains only what is missing;
``--quick`` is a smoke run (2,000 rows, 2 epochs, one seed, written to
``lra_epochs-quick/`` and ``lra_epochs-quick.md``).
"""

import argparse
import csv
import json
import multiprocessing
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
# The speed benchmarks' shared module: the machine's description, the benchmark
# estimator (as in time_to_accuracy.py) and the report.
sys.path.insert(0, str(HERE.parent / "speed"))
import _common as c  # noqa: E402

HIDDEN, BATCH = (256, 256, 256), 50
N_FIT = 50_000
MODES = {
    "full": dict(
        n_fit=N_FIT, n_val=10_000, seeds=(0, 1, 2), max_epochs=20, checkpoints=(0, 1, 3, 10, 20)
    ),
    "quick": dict(n_fit=2_000, n_val=1_000, seeds=(0,), max_epochs=2, checkpoints=(0, 1)),
}
TARGETS = (0.975, 0.98)
#: Epochs whose median validation accuracy the curve table shows.
CURVE_EPOCHS = (1, 2, 3, 5, 7, 10, 15, 20)
#: Training losses at which the validation accuracy is compared.
FIT_LOSSES = (0.05, 0.02, 0.01)

#: name -> (estimator class, knob, parameters on top of ``_common.make_estimator``'s).
ENTRIES = {
    "BP (reference)": ("BPClassifier", "reference", {}),
    "BP lr 0.005": ("BPClassifier", "learning_rate_init", {"learning_rate_init": 0.005}),
    "BP lr 0.02": ("BPClassifier", "learning_rate_init", {"learning_rate_init": 0.02}),
    "LRA defaults": ("LRAClassifier", "defaults", {}),
    "LRA init=glorot_uniform": ("LRAClassifier", "init", {"init": "glorot_uniform"}),
    # The automatic scale before the sixth round of defaults (doc/lra_defaults.md).
    "LRA feedback_scale=None": ("LRAClassifier", "feedback_scale", {"feedback_scale": None}),
    "LRA adaptive_scale=False": ("LRAClassifier", "adaptive_scale", {"adaptive_scale": False}),
    "LRA lr 0.005": ("LRAClassifier", "learning_rate_init", {"learning_rate_init": 0.005}),
    "LRA lr 0.02": ("LRAClassifier", "learning_rate_init", {"learning_rate_init": 0.02}),
    "LRA lr 0.05": ("LRAClassifier", "learning_rate_init", {"learning_rate_init": 0.05}),
    "LRA beta 0.1": ("LRAClassifier", "beta", {"beta": 0.1}),
    "LRA beta 1.0": ("LRAClassifier", "beta", {"beta": 1.0}),
    "LRA beta 2.0": ("LRAClassifier", "beta", {"beta": 2.0}),
    "LRA window 0.25": ("LRAClassifier", "window", {"window": 0.25}),
    "LRA window 1.0": ("LRAClassifier", "window", {"window": 1.0}),
    "LRA local_error='pre' (no window)": ("LRAClassifier", "window", {"local_error": "pre"}),
    "LRA local_loss='squared'": ("LRAClassifier", "local_loss", {"local_loss": "squared"}),
    # Cauchy's error is 2d for small misses: squared at twice the beta has the same
    # small-miss gain without Cauchy's bound on large misses (two values, one knob).
    "LRA local_loss='squared', beta 1.0": (
        "LRAClassifier",
        "local_loss",
        {"local_loss": "squared", "beta": 1.0},
    ),
    "LRA n_target_steps=2": ("LRAClassifier", "n_target_steps", {"n_target_steps": 2}),
}
REFERENCE, LRA_DEFAULT = "BP (reference)", "LRA defaults"
#: Diagnostic trajectories (seed 0): name -> LRA parameters.
TRAJECTORIES = {
    "LRA defaults": {},
    "LRA init=glorot_uniform": {"init": "glorot_uniform"},
}
N_DIAG_BATCHES = 20
EPOCH_FIELDS = [
    "entry",
    "estimator",
    "knob",
    "params",
    "seed",
    "epoch",
    "val_accuracy",
    "val_log_loss",
    "train_loss",
    "train_seconds",
    "diverged",
]
DIAG_FIELDS = [
    "trajectory",
    "epoch",
    "val_accuracy",
    "layer",
    "shape",
    "cos_mean",
    "cos_min",
    "cos_max",
    "cos_of_sums",
    "norm_ratio_median",
    "norm_ratio_min",
    "norm_ratio_max",
    "along_bp_mean",
    "lra_norm_mean",
    "bp_norm_mean",
    "cap_median",
    "uncapped_over_cap_median",
    "cap_binds",
    "window_open",
]

_DATA = {}


# ------------------------------------------------------------------ data


def load_split(n_fit, n_val):
    """The first ``n_fit`` official training rows and the last ``n_val`` (validation)."""
    from sklearn_lra.datasets import fetch_mnist

    X, y = fetch_mnist(subset="train", return_X_y=True, download_if_missing=False)
    X_fit, y_fit = np.ascontiguousarray(X[:n_fit]), y[:n_fit]
    X_val, y_val = np.ascontiguousarray(X[len(X) - n_val :]), y[len(X) - n_val :]
    assert n_fit <= len(X) - n_val, "fitting and validation rows overlap"
    return X_fit, y_fit, X_val, y_val


def _init_worker(n_fit, n_val):
    warnings.simplefilter("ignore")
    _DATA["split"] = load_split(n_fit, n_val)


# ------------------------------------------------------------ part 1


def make(cls_name, params, seed):
    """The benchmark estimator of ``time_to_accuracy.py`` with ``params`` on top."""
    import sklearn_lra

    return c.make_estimator(
        getattr(sklearn_lra, cls_name), HIDDEN, BATCH, random_state=seed, **params
    )


def validation_scores(est, X_val, y_val):
    """Validation accuracy and log loss (natural log, probabilities clipped at 1e-15)."""
    proba = est.predict_proba(X_val)
    pred = est.classes_[np.argmax(proba, axis=1)]
    p_true = proba[np.arange(len(y_val)), np.searchsorted(est.classes_, y_val)]
    log_loss = float(-np.mean(np.log(np.clip(p_true.astype(np.float64), 1e-15, 1.0))))
    return float(np.mean(pred == y_val)), log_loss


def train_entry(name, seed, max_epochs):
    """Train one entry with one seed epoch by epoch; returns its CSV rows."""
    from sklearn_lra.exceptions import DivergenceWarning

    cls_name, knob, params = ENTRIES[name]
    X_fit, y_fit, X_val, y_val = _DATA["split"]
    classes = np.unique(y_fit)
    est = make(cls_name, params, seed)
    rows = []
    for epoch in range(1, max_epochs + 1):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tic = time.perf_counter()
            est.partial_fit(X_fit, y_fit, classes=classes)
            seconds = time.perf_counter() - tic
        diverged = any(issubclass(w.category, DivergenceWarning) for w in caught)
        try:
            acc, loss = validation_scores(est, X_val, y_val)
        except ValueError:  # outputs overflow: the weights diverged
            acc, loss, diverged = float("nan"), float("nan"), True
        rows.append(
            dict(
                entry=name,
                estimator=cls_name,
                knob=knob,
                params=json.dumps(params, sort_keys=True),
                seed=seed,
                epoch=epoch,
                val_accuracy=f"{acc:.4f}",
                val_log_loss=f"{loss:.5f}",
                train_loss=f"{est.loss_:.5f}",
                train_seconds=f"{seconds:.3f}",
                diverged=int(diverged),
            )
        )
        if diverged:
            break
    return rows


# ------------------------------------------------------------ part 2


class CapRecorder:
    """Wraps ``cap_norm`` of ``sklearn_lra.rules.lra``: records (norm, cap), then caps as before."""

    def __init__(self):
        import sklearn_lra.rules.lra as lra_module

        self.module = lra_module
        self.original = lra_module.cap_norm
        self.calls = []

    def __enter__(self):
        original, calls = self.original, self.calls

        def recording_cap_norm(a, cap):
            calls.append((float(np.sqrt(np.vdot(a, a))), None if cap is None else float(cap)))
            return original(a, cap)

        self.module.cap_norm = recording_cap_norm
        return self

    def __exit__(self, *exc):
        self.module.cap_norm = self.original


def _cos(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(np.vdot(a, b) / (na * nb)) if na > 0 and nb > 0 else float("nan")


def directions_at(est, net, extra, batches):
    """Per minibatch and layer: LRA's capped ``dW_l``, BP's ``dW_l``, the caps, the windows.

    Both rules see the same weights and the same forward pass of the same rows
    (each on its own workspace, so neither can disturb the other's buffers).
    """
    from sklearn_lra._network import Workspace
    from sklearn_lra.rules.bp import BackPropagationRule

    lra = est._make_rule()
    bp = BackPropagationRule(est)
    units = net.layer_units()
    dtype = net.coefs[0].dtype
    out = []
    for Xb, Yb in batches:
        ws_lra = Workspace(units, len(Xb), dtype)
        ws_bp = Workspace(units, len(Xb), dtype)
        net.forward(Xb, ws_lra)
        net.forward(Xb, ws_bp)
        # The window of 'pre_window' on each hidden layer, s_l included (as lra.py forms it).
        window_open = []
        for l in range(1, net.n_layers):
            h = ws_lra.h[l]
            scale = lra._layer_scale(h, ws_lra)
            window_open.append(float(np.mean(np.abs(h) < lra.window * scale)))
        with CapRecorder() as rec:
            lra.directions(net, ws_lra, Yb, extra, {})
        bp.directions(net, ws_bp, Yb, {}, {})
        caps = rec.calls[::-1]  # lra.py updates layer L first
        assert len(caps) == net.n_layers
        out.append(
            dict(
                lra=[g.astype(np.float64) for g in ws_lra.coef_grads],
                bp=[g.astype(np.float64) for g in ws_bp.coef_grads],
                caps=caps,
                window_open=window_open,
            )
        )
    return out


def diagnose(trajectory, checkpoints, seed=0):
    """Train the trajectory with ``seed`` and measure the directions at each checkpoint."""
    from sklearn.base import clone
    from sklearn.utils import check_random_state

    from sklearn_lra._network import Network

    X_fit, y_fit, X_val, y_val = _DATA["split"]
    classes = np.unique(y_fit)
    est = make("LRAClassifier", TRAJECTORIES[trajectory], seed)
    # The fixed minibatches: rows of the fitting set drawn once, the same at every checkpoint.
    idx = np.random.RandomState(12345).permutation(len(X_fit))[: N_DIAG_BATCHES * BATCH]
    Y = (y_fit[:, None] == classes[None, :]).astype(np.float32)
    batches = [(X_fit[i], Y[i]) for i in np.array_split(idx, N_DIAG_BATCHES)]
    # The initial state exactly as the first partial_fit draws it: same random
    # state, same _new_state call (the weights first, then the feedback matrices).
    start = clone(est)
    start.classes_, start._multilabel = classes, False
    start._random_state = check_random_state(start.random_state)
    state = start._new_state(X_fit.shape[1], len(classes), X_fit.dtype)
    initial_E = [E.copy() for E in state.extra["feedback_matrices_"]]
    rows = []
    epoch = 0
    for checkpoint in checkpoints:
        while epoch < checkpoint:
            est.partial_fit(X_fit, y_fit, classes=classes)
            epoch += 1
        if checkpoint == 0:
            net, extra, acc = state.net, state.extra, float("nan")
        else:
            net = Network(
                [W.copy() for W in est.coefs_],
                [b.copy() for b in est.intercepts_],
                est.activation,
                est.out_activation_,
            )
            extra = {"feedback_matrices_": est.feedback_matrices_}
            # E is fixed (gamma=0 for form='fdbk'): it must be the one drawn at the start.
            assert all(np.array_equal(a, b) for a, b in zip(initial_E, est.feedback_matrices_))
            acc = float(np.mean(est.predict(X_val) == y_val))
        rows += summarize(trajectory, checkpoint, acc, directions_at(est, net, extra, batches))
    return rows


def summarize(trajectory, epoch, acc, per_batch):
    """One row per layer: cosines, norm ratios, the component along BP, the caps."""
    rows = []
    n_layers = len(per_batch[0]["lra"])
    for l in range(n_layers):
        lra = [b["lra"][l] for b in per_batch]
        bp = [b["bp"][l] for b in per_batch]
        n_lra = np.array([np.linalg.norm(g) for g in lra])
        n_bp = np.array([np.linalg.norm(g) for g in bp])
        cos = np.array([_cos(a, b) for a, b in zip(lra, bp)])
        ok = n_bp > 0
        ratio = np.where(ok, n_lra / np.where(ok, n_bp, 1), np.nan)
        along = np.where(
            ok, [np.vdot(a, b) for a, b in zip(lra, bp)] / np.where(ok, n_bp, 1) ** 2, np.nan
        )
        caps = [b["caps"][l] for b in per_batch]
        binds = [cap is not None and norm > cap for norm, cap in caps]
        over = [norm / cap for norm, cap in caps if cap]
        wins = [b["window_open"][l] for b in per_batch] if l < n_layers - 1 else []
        rows.append(
            dict(
                trajectory=trajectory,
                epoch=epoch,
                val_accuracy=_fmt(acc, 4),
                layer=l + 1,
                shape="x".join(map(str, lra[0].shape)),
                cos_mean=_fmt(_nanmean(cos)),
                cos_min=_fmt(_nanmin(cos)),
                cos_max=_fmt(_nanmax(cos)),
                cos_of_sums=_fmt(_cos(sum(lra), sum(bp))),
                norm_ratio_median=_fmt(_nanmedian(ratio)),
                norm_ratio_min=_fmt(_nanmin(ratio)),
                norm_ratio_max=_fmt(_nanmax(ratio)),
                along_bp_mean=_fmt(_nanmean(along)),
                lra_norm_mean=_fmt(float(n_lra.mean()), 5),
                bp_norm_mean=_fmt(float(n_bp.mean()), 5),
                cap_median=_fmt(
                    statistics.median([cap for _, cap in caps if cap]) if over else float("nan")
                ),
                uncapped_over_cap_median=_fmt(statistics.median(over) if over else float("nan")),
                cap_binds=_fmt(float(np.mean(binds)), 2),
                window_open=_fmt(float(np.mean(wins)) if wins else float("nan"), 3),
            )
        )
    return rows


def _fmt(x, digits=3):
    return "nan" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def _nan_or(fn, a):
    a = np.asarray(a, dtype=float)
    return float(fn(a[np.isfinite(a)])) if np.isfinite(a).any() else float("nan")


def _nanmean(a):
    return _nan_or(np.mean, a)


def _nanmin(a):
    return _nan_or(np.min, a)


def _nanmax(a):
    return _nan_or(np.max, a)


def _nanmedian(a):
    return _nan_or(np.median, a)


# --------------------------------------------------------------- running


def run_task(task):
    kind, name, seed, arg = task
    if kind == "train":
        return kind, train_entry(name, seed, arg)
    return kind, diagnose(name, arg, seed)


def read_csv(path):
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def run(cfg, out_dir, n_jobs, resume):
    """Train every missing (entry, seed) and the diagnostics; rows written as they finish."""
    out_dir.mkdir(exist_ok=True)
    epochs_csv, diag_csv = out_dir / "epochs.csv", out_dir / "diagnostics.csv"
    done = set()
    if resume:
        by_task = {}
        for r in read_csv(epochs_csv):
            by_task.setdefault((r["entry"], int(r["seed"])), []).append(r)
        done = {
            k
            for k, rs in by_task.items()
            if len(rs) == cfg["max_epochs"] or rs[-1]["diverged"] == "1"
        }
        kept = [r for k in done for r in by_task[k]]
        diag_rows = read_csv(diag_csv)
        done_traj = {r["trajectory"] for r in diag_rows}
    else:
        kept, diag_rows, done_traj = [], [], set()
    with open(epochs_csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=EPOCH_FIELDS)
        writer.writeheader()
        writer.writerows(kept)
    # The slowest entries first (n_target_steps=2), then the diagnostics, then the rest.
    train = [
        ("train", name, seed, cfg["max_epochs"])
        for seed in cfg["seeds"]
        for name in ENTRIES
        if (name, seed) not in done
    ]
    slow = [t for t in train if "n_target_steps" in t[1]]
    diag = [("diag", t, 0, cfg["checkpoints"]) for t in TRAJECTORIES if t not in done_traj]
    tasks = slow + diag + [t for t in train if t not in slow]
    print(f"{len(tasks)} tasks on {n_jobs} processes", flush=True)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(n_jobs, initializer=_init_worker, initargs=(cfg["n_fit"], cfg["n_val"])) as pool:
        for i, (kind, rows) in enumerate(pool.imap_unordered(run_task, tasks), start=1):
            if kind == "train":
                with open(epochs_csv, "a", newline="") as f:
                    csv.DictWriter(f, fieldnames=EPOCH_FIELDS).writerows(rows)
                last = rows[-1]
                what = f"{last['entry']} seed {last['seed']}: last {last['val_accuracy']}"
            else:
                diag_rows += rows
                with open(diag_csv, "w", newline="") as f:
                    writer = csv.DictWriter(f, fieldnames=DIAG_FIELDS)
                    writer.writeheader()
                    writer.writerows(diag_rows)
                what = f"diagnostics {rows[0]['trajectory']}"
            print(f"[{i}/{len(tasks)}] {what}", flush=True)


# ---------------------------------------------------------------- report


def epochs_to(curve, target):
    """The first epoch (1-based) whose validation accuracy reaches ``target``, else None."""
    for epoch, acc in enumerate(curve, start=1):
        if acc >= target:
            return epoch
    return None


def _median_cell(values, max_epochs):
    """``median (per seed)``; an unreached target counts as more than ``max_epochs``."""
    shown = ["-" if v is None else str(v) for v in values]
    big = [max_epochs + 1 if v is None else v for v in values]
    med = statistics.median(big)
    text = f">{max_epochs}" if med > max_epochs else f"{med:g}"
    return f"{text} ({', '.join(shown)})"


def curves_of(rows):
    """{entry: {seed: [val accuracy per epoch]}} in ENTRIES order."""
    curves = {}
    for r in rows:
        acc = float(r["val_accuracy"])
        curves.setdefault(r["entry"], {}).setdefault(int(r["seed"]), []).append(acc)
    return {name: curves[name] for name in ENTRIES if name in curves}


def render(cfg, out_dir, output, header_lines, wall):
    rows = read_csv(out_dir / "epochs.csv")
    diag = read_csv(out_dir / "diagnostics.csv")
    curves = curves_of(rows)
    max_epochs = cfg["max_epochs"]
    by = {}
    for r in rows:
        by.setdefault(r["entry"], []).append(r)
    report = c.Report(quiet=True)
    report.add("# LRA's extra epochs on MNIST: which knob (validation rows only)\n")
    report.add("\n".join(header_lines) + "\n")
    if wall is not None:
        report.add(f"- wall time of the run: {wall / 60:.1f} min\n")
    report.add(
        f"- data: the first {cfg['n_fit']:,} official MNIST training rows fit; the last "
        f"{cfg['n_val']:,} training rows validate. MNIST's test set is never read. Every "
        "accuracy below is a validation accuracy, and nothing is chosen on these figures: "
        "each entry is a fixed setting, one knob changed from LRA's defaults (or BP's rate).\n"
        f"- training: 784-{'-'.join(map(str, HIDDEN))}-10 tanh, minibatches of {BATCH}, "
        "float32, SGD at 0.01 with Nesterov momentum 0.9, alpha=0, shuffled, each "
        "estimator's other defaults (`_common.make_estimator`, as in "
        "`time_to_accuracy.py`); one `partial_fit` per epoch, "
        f"{max_epochs} epochs, seeds {cfg['seeds']} (a seed draws the weights, the "
        "feedback matrices and the minibatch order; the same seed gives the same "
        "order and feedback matrices to every LRA entry).\n"
    )
    findings = out_dir / "findings.md"
    if findings.exists():
        report.add("\n## What it shows\n\n" + findings.read_text().strip() + "\n")

    # -- the main table
    table = []
    for name, per_seed in curves.items():
        cls_name, knob, params = ENTRIES[name]
        seeds = sorted(per_seed)
        cells = [name]
        for target in TARGETS:
            cells.append(_median_cell([epochs_to(per_seed[s], target) for s in seeds], max_epochs))
        best = [max(per_seed[s]) for s in seeds]
        best_epoch = [int(np.argmax(per_seed[s])) + 1 for s in seeds]
        last = [per_seed[s][-1] for s in seeds]
        secs = [float(r["train_seconds"]) for r in by[name]]
        diverged = sum(r["diverged"] == "1" for r in by[name])
        cells += [
            f"{100 * statistics.median(best):.2f} ({', '.join(f'{100 * b:.2f}' for b in best)})",
            ", ".join(map(str, best_epoch)),
            f"{100 * statistics.median(last):.2f} ({', '.join(f'{100 * b:.2f}' for b in last)})",
            f"{statistics.median(secs):.2f}" + (f"; diverged {diverged}" if diverged else ""),
        ]
        table.append(cells)
    report.heading(
        "Epochs to a validation accuracy",
        "Median over the seeds, each seed's value in brackets (seed 0, 1, 2); `-` is a "
        f"target not reached in {max_epochs} epochs, counted as more than {max_epochs} in "
        "the median. Best and last: validation accuracy (%), the best over the epochs and "
        f"after epoch {max_epochs}. A difference smaller than the seeds' spread is a tie.",
    )
    report.table(
        None,
        ["entry"]
        + [f"epochs to {t:.1%}" for t in TARGETS]
        + ["best val. acc. %", "epoch of best", f"val. acc. % after {max_epochs}", "s/epoch"],
        table,
    )

    # -- paired differences against LRA's defaults and BP's reference
    if LRA_DEFAULT in curves and REFERENCE in curves:
        diff_rows = []
        for name, per_seed in curves.items():
            cells = [name]
            for ref in (REFERENCE, LRA_DEFAULT):
                for target in TARGETS:
                    d = []
                    for s in sorted(per_seed):
                        a = epochs_to(per_seed[s], target)
                        b = epochs_to(curves[ref].get(s, []), target)
                        d.append("?" if a is None or b is None else f"{a - b:+d}")
                    cells.append(", ".join(d))
            diff_rows.append(cells)
        report.heading(
            "Paired differences in epochs",
            "Per seed (0, 1, 2): the entry's epochs to the target minus the reference's with "
            "the same seed (same minibatch order); `?` where either did not reach it.",
        )
        report.table(
            None,
            ["entry"] + [f"vs {ref}, {t:.1%}" for ref in ("BP", "LRA defaults") for t in TARGETS],
            diff_rows,
        )

    # -- the curves
    epochs_shown = [e for e in CURVE_EPOCHS if e <= max_epochs]
    curve_rows = []
    for name, per_seed in curves.items():
        cells = [name]
        for e in epochs_shown:
            vals = [per_seed[s][e - 1] for s in per_seed if len(per_seed[s]) >= e]
            cells.append(f"{100 * statistics.median(vals):.2f}" if vals else "")
        curve_rows.append(cells)
    report.heading(
        "Validation accuracy by epoch",
        "Median over the seeds of the validation accuracy (%) after each epoch.",
    )
    report.table(None, ["entry"] + [f"ep {e}" for e in epochs_shown], curve_rows)

    loss_rows = []
    for name in curves:
        cells = [name]
        for e in epochs_shown:
            tl = [float(r["train_loss"]) for r in by[name] if int(r["epoch"]) == e]
            vl = [float(r["val_log_loss"]) for r in by[name] if int(r["epoch"]) == e]
            cells.append(f"{statistics.median(tl):.4f} / {statistics.median(vl):.4f}" if tl else "")
        loss_rows.append(cells)
    fit_rows = []
    for name in curves:
        cells = [name]
        for threshold in FIT_LOSSES:
            epochs, accs = [], []
            for s in sorted(curves[name]):
                seed_rows = sorted(
                    (r for r in by[name] if int(r["seed"]) == s), key=lambda r: int(r["epoch"])
                )
                hit = next((r for r in seed_rows if float(r["train_loss"]) <= threshold), None)
                epochs.append(None if hit is None else int(hit["epoch"]))
                if hit is not None:
                    accs.append(float(hit["val_accuracy"]))
            cells.append(_median_cell(epochs, max_epochs))
            cells.append(
                f"{100 * statistics.median(accs):.2f} ({', '.join(f'{100 * a:.2f}' for a in accs)})"
                if accs
                else "-"
            )
        fit_rows.append(cells)
    report.heading(
        "Fitting the training rows, and what it buys on validation rows",
        "Per seed, the first epoch whose mean training cross-entropy (`loss_`, measured "
        "during the epoch) is at most the threshold: its median (each seed's), and the "
        "validation accuracy (%) after that epoch, median (each seed that got there). "
        "This separates how fast a rule fits the training rows from how well the fit "
        "generalises.",
    )
    header = ["entry"]
    for threshold in FIT_LOSSES:
        header += [f"epochs to loss <= {threshold}", "val. acc. % there"]
    report.table(None, header, fit_rows)

    report.heading(
        "Training and validation loss by epoch",
        "Median over the seeds: the mean training cross-entropy of the epoch (measured "
        "during the epoch, as `loss_curve_`) / the validation cross-entropy after it.",
    )
    report.table(None, ["entry"] + [f"ep {e}" for e in epochs_shown], loss_rows)

    # -- diagnostics
    if diag:
        report.heading(
            "Diagnostics: LRA's direction against BP's gradient",
            f"Seed 0, {N_DIAG_BATCHES} fixed minibatches of {BATCH} training rows, at the start "
            "(epoch 0) and after the epochs shown; the same weights and forward pass for both "
            "rules. Per layer `l` (W_1 is 784x256, W_4 is 256x10), over the minibatches: "
            "**cos**, the mean [min, max] cosine between LRA's `dW_l` (caps applied) and BP's "
            "gradient `dW_l`; **cos of sums**, the cosine between the two directions summed "
            "over the 20 minibatches (what momentum averages); **norm ratio**, the median "
            "[min, max] of `||dW_l^LRA||_F / ||dW_l^BP||_F`; **along BP**, the mean of "
            "`<dW^LRA, dW^BP> / ||dW^BP||^2`, LRA's step along BP's gradient in units of "
            "BP's own step (at the same learning rate); **cap binds**, the fraction of "
            "minibatches whose norm before capping exceeds the cap, with the median of "
            "(norm before capping) / cap; **window**, the fraction of hidden units (rows x "
            "units) inside the update window `|h| < window * s_l`. At the all-zero start "
            "BP's gradient of every weight matrix is zero (W = 0 sends no error down, and "
            "z_3 = tanh(0) = 0), so its cosines and ratios are undefined (nan).",
        )
        for trajectory in dict.fromkeys(r["trajectory"] for r in diag):
            drows = []
            for r in diag:
                if r["trajectory"] != trajectory:
                    continue
                drows.append(
                    [
                        r["epoch"],
                        ""
                        if r["val_accuracy"] == "nan"
                        else f"{100 * float(r['val_accuracy']):.2f}",
                        f"{r['layer']} ({r['shape']})",
                        f"{r['cos_mean']} [{r['cos_min']}, {r['cos_max']}]",
                        r["cos_of_sums"],
                        f"{r['norm_ratio_median']} [{r['norm_ratio_min']}, {r['norm_ratio_max']}]",
                        r["along_bp_mean"],
                        f"{r['lra_norm_mean']} / {r['bp_norm_mean']}",
                        f"{r['cap_binds']} ({r['uncapped_over_cap_median']})",
                        r["window_open"],
                    ]
                )
            report.table(
                f"{trajectory}, seed 0",
                [
                    "epoch",
                    "val. acc. %",
                    "layer",
                    "cos",
                    "cos of sums",
                    "norm ratio LRA/BP",
                    "along BP",
                    "mean norm LRA / BP",
                    "cap binds (norm/cap)",
                    "window",
                ],
                drows,
            )
    report.add(
        f"\nRows: `{out_dir.relative_to(HERE.parents[1])}/epochs.csv` (one per entry, seed and "
        f"epoch) and `{out_dir.relative_to(HERE.parents[1])}/diagnostics.csv` (one per "
        "trajectory, checkpoint and layer).\n"
    )
    report.write(output)
    print(f"written to {output}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-jobs", type=int, default=2, help="worker processes (at most 2 here)")
    p.add_argument("--from-csv", action="store_true", help="re-render the report, no training")
    p.add_argument("--resume", action="store_true", help="train only what the CSV lacks")
    p.add_argument("--quick", action="store_true", help="a smoke run")
    p.add_argument("--output", help="Markdown file (default benchmarks/studies/lra_epochs.md)")
    args = p.parse_args(argv)
    mode = "quick" if args.quick else "full"
    cfg = MODES[mode]
    suffix = "-quick" if args.quick else ""
    out_dir = HERE / ("lra_epochs" + suffix)
    output = Path(args.output) if args.output else HERE / f"lra_epochs{suffix}.md"
    run_info = out_dir / "run.json"
    if args.from_csv:
        info = json.loads(run_info.read_text())
        header = info["header"] + [f"- report re-rendered from the stored rows: `{c.command()}`"]
        render(cfg, out_dir, output, header, info.get("wall_seconds"))
        return
    warnings.simplefilter("ignore")
    tic = time.perf_counter()
    header = c.machine_description()
    out_dir.mkdir(exist_ok=True)
    run(cfg, out_dir, args.n_jobs, args.resume)
    wall = time.perf_counter() - tic
    header.append(f"- load average at the end: {c.load()}")
    run_info.write_text(json.dumps({"header": header, "wall_seconds": wall}, indent=1) + "\n")
    render(cfg, out_dir, output, header, wall)


if __name__ == "__main__":
    main()

"""Which of LRA's knobs matter: a joint study across depth on MNIST validation rows.

Five parts, every fit ``LRAClassifier`` with the settings the reproduction
uses (SGD at 0.01 with Nesterov momentum 0.9, minibatches of 50, no weight
decay, 10 epochs, hidden layers of 256), trained on 10,000 rows drawn once
from the first 50,000 official MNIST training rows and scored on the last
10,000 training rows (validation; the test set is never read):

``gain``
    ``beta`` x ``local_loss`` x ``init`` {zeros, glorot_uniform} x depth
    {1, 3, 8}, tanh units, fixed feedback matrices: does the Cauchy loss
    differ from the squared loss at the same small-miss slope (Cauchy's
    error is ``2 d`` near zero), and does the best gain depend on depth?
``caps``
    the full factorial of ``update_cap`` {auto, None} x
    ``preactivation_cap`` {30, None} x ``adaptive_scale`` {True, False} x
    ``displacement_cap`` {None, 1} for tanh, ReLU-6 and softplus units,
    from zeros and from ``N(0, 1)`` weights (a bad initialisation), at 3
    and 8 hidden layers.
``others``
    one knob at a time, at 3 and 8 hidden layers: ``n_target_steps`` {1, 2,
    3}, ``feedback_init``, ``gamma`` {0.1, 1, 3} of ``form='lra_e'``,
    ``window`` {0.1, 0.25, 0.5, 1} per unit type, and ``centering`` per unit
    type from zeros and from ``N(0, 1)`` weights.
``sign_window``
    signum units' ``window`` {0.1, 0.25} from ``N(0, 1)`` weights at 3 and 8
    hidden layers (``others`` varies it from zeros only).
``learned_e``
    ``form='lra_e'`` (``E`` learns at ``gamma=1``): ``feedback_scale``
    {None (``1 / sqrt(n_l)``, here 1/16), 1} x ``beta`` {0.1, 0.5, 1.6, 8},
    from zeros, at 3 and 8 hidden layers; 1.6 and 8 with None match 0.1 and
    0.5 with 1 in the product of the two. With a fixed ``E``, ``beta`` and
    ``feedback_scale`` are exactly one gain (``tests/test_lra_defaults.py``);
    with a learned ``E`` its scale also sets how far its own updates move it.

Two seeds (0, 1) per setting; a seed draws the weights, the feedback
matrices and the minibatch order. Writes ``benchmarks/studies/lra_knobs/<part>.csv``
and prints the tables of ``doc/lra_knobs.md``.

Run from the repository root (about 25 minutes on 2 idle cores)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/lra_knobs.py --n-jobs 2

``--part gain`` runs one part; ``--from-csv`` prints the tables from the
stored rows without training. The stored rows were written at commit
66a544b (rule revision 4, ``update_cap='auto'`` by default), those of
``sign_window`` with rule revision 5 (no ``update_cap``). What they
showed removed ``displacement_cap`` and folded ``preactivation_cap`` into
``adaptive_scale`` (``doc/lra_knobs.md``), so the ``caps`` part trains only
at that commit (``git worktree add /tmp/rev4 66a544b``); today's code
prints its stored rows.
"""

import argparse
import csv
import itertools
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

OUT = Path(__file__).with_name("lra_knobs")
SEEDS = (0, 1)
N_FIT = 10000

#: The reproduction's training settings (``experiments/_profiles.py``).
BASE = dict(
    solver="sgd",
    learning_rate_init=0.01,
    momentum=0.9,
    nesterovs_momentum=True,
    alpha=0.0,
    batch_size=50,
    max_iter=10,
    n_iter_no_change=np.inf,
    # Settings that became LRAClassifier's defaults after this study, pinned to
    # their values of its day.
    input_scale=None,
    input_activation=None,
)

CAP_FACTORS = {
    "update_cap": ("auto", None),
    "preactivation_cap": (30.0, None),
    "adaptive_scale": (True, False),
    "displacement_cap": (None, 1.0),
}


def gain_settings():
    """``beta`` x ``local_loss`` x init x depth, tanh units."""
    for depth, init, loss, beta in itertools.product(
        (1, 3, 8), ("zeros", "glorot_uniform"), ("cauchy", "squared"), (0.125, 0.25, 0.5, 1, 2)
    ):
        yield dict(depth=depth, init=init, local_loss=loss, beta=beta, activation="tanh")


def caps_settings():
    """The factorial of the caps and ``adaptive_scale``, per unit, init and depth."""
    for depth, act, init, values in itertools.product(
        (3, 8),
        ("tanh", "relu6", "softplus"),
        ("zeros", "normal(1.0)"),
        itertools.product(*CAP_FACTORS.values()),
    ):
        yield dict(depth=depth, activation=act, init=init, **dict(zip(CAP_FACTORS, values)))


def learned_e_settings():
    """``feedback_scale`` x ``beta`` with learned feedback matrices."""
    for depth, scale, beta in itertools.product((3, 8), (None, 1.0), LEARNED_E_BETAS):
        yield dict(
            depth=depth,
            form="lra_e",
            feedback_scale=scale,
            beta=beta,
            init="zeros",
            activation="tanh",
        )


#: With 256-unit layers ``feedback_scale=None`` is ``1 / 16``: ``beta`` 1.6 and 8
#: with it match the products of ``beta`` 0.1 and 0.5 with ``feedback_scale=1``.
LEARNED_E_BETAS = (0.1, 0.5, 1.6, 8.0)


def other_settings():
    """One knob at a time for the rest, each across depth (and units where it acts)."""
    base = dict(init="zeros", activation="tanh")
    for depth in (3, 8):
        for k in (1, 2, 3):
            yield dict(base, depth=depth, knob="n_target_steps", n_target_steps=k)
        for dist in ("normal", "uniform", "orthogonal"):
            yield dict(base, depth=depth, knob="feedback_init", feedback_init=dist)
        for gamma in (0.1, 1.0, 3.0):
            yield dict(base, depth=depth, knob="gamma", form="lra_e", gamma=gamma)
        for act, window in itertools.product(UNITS, WINDOWS):
            yield dict(base, depth=depth, knob="window", activation=act, window=window)
        for act, init, centre in itertools.product(UNITS, ("zeros", "normal(1.0)"), (False, True)):
            yield dict(depth=depth, knob="centering", activation=act, init=init, centering=centre)


def sign_window_settings():
    """Signum units' window from large weights, where ``others`` tried zeros only."""
    for depth, window in itertools.product((3, 8), (0.1, 0.25)):
        yield dict(depth=depth, activation="sign", init="normal(1.0)", window=window)


UNITS = ("tanh", "relu6", "softplus", "sign")
WINDOWS = (0.1, 0.25, 0.5, 1.0)

PARTS = {
    "gain": gain_settings,
    "caps": caps_settings,
    "learned_e": learned_e_settings,
    "others": other_settings,
    "sign_window": sign_window_settings,
}


def _estimator_params(setting, seed):
    """``LRAClassifier`` keyword arguments of a setting."""
    params = {k: v for k, v in setting.items() if k not in ("depth", "init", "knob")}
    init = setting["init"]
    if init.startswith("normal("):
        params.update(init="normal", init_scale=float(init[len("normal(") : -1]))
    else:
        params["init"] = init
    return dict(BASE, hidden_layer_sizes=(256,) * setting["depth"], random_state=seed, **params)


def _fit_one(setting, seed, data):
    """Validation error (%) of one setting and seed."""
    from sklearn_lra import LRAClassifier

    X_fit, y_fit, X_val, y_val = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = LRAClassifier(**_estimator_params(setting, seed)).fit(X_fit, y_fit)
        return 100 * (1 - est.score(X_val, y_val))


def _data():
    """10,000 fitting rows from the first 50,000; the last 10,000 validate."""
    from sklearn_lra.datasets import fetch_mnist

    X, y = fetch_mnist(subset="train", return_X_y=True)
    rows = np.sort(np.random.RandomState(0).permutation(50000)[:N_FIT])
    return X[rows], y[rows], X[50000:], y[50000:]


def run_part(name, n_jobs):
    """Fit every setting of a part with every seed; write and return its rows."""
    from sklearn_lra import LRAClassifier

    if name == "caps" and "displacement_cap" not in LRAClassifier().get_params():
        raise SystemExit(
            "The caps part varies displacement_cap and preactivation_cap, which this "
            "version no longer has: run it at commit 66a544b, or print its stored rows "
            "with --from-csv."
        )
    settings = list(PARTS[name]())
    data = _data()
    errors = Parallel(n_jobs=n_jobs, verbose=5)(
        delayed(_fit_one)(s, seed, data) for s in settings for seed in SEEDS
    )
    rows = []
    it = iter(errors)
    for s in settings:
        for seed in SEEDS:
            rows.append(
                {
                    **{k: _text(v) for k, v in s.items()},
                    "seed": seed,
                    "validation_error": f"{next(it):.2f}",
                }
            )
    OUT.mkdir(exist_ok=True)
    with open(OUT / f"{name}.csv", "w", newline="") as f:
        fields = list(dict.fromkeys(k for r in rows for k in r if k != "validation_error"))
        writer = csv.DictWriter(f, fieldnames=[*fields, "validation_error"], restval="")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _text(value):
    return "None" if value is None else str(value)


def read_part(name):
    with open(OUT / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


def _mean(rows, **where):
    """Mean validation error over the rows matching ``where`` (and the seeds)."""
    errs = [
        float(r["validation_error"])
        for r in rows
        if all(r[k] == _text(v) for k, v in where.items())
    ]
    return np.mean(errs), errs


def seed_spread(rows, keys):
    """Median absolute difference between the two seeds of a setting."""
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r.get(k, "") for k in keys), []).append(
            float(r["validation_error"])
        )
    return float(np.median([abs(v[0] - v[1]) for v in groups.values() if len(v) == 2]))


def print_gain(rows):
    """Validation error per beta, for each depth, init and loss."""
    betas = sorted({float(r["beta"]) for r in rows})
    print("| depth | init | local_loss | " + " | ".join(f"beta {b:g}" for b in betas) + " |")
    print("|---|---|---|" + "---:|" * len(betas))
    for depth, init, loss in itertools.product(
        ("1", "3", "8"), ("zeros", "glorot_uniform"), ("cauchy", "squared")
    ):
        cells = [
            f"{_mean(rows, depth=depth, init=init, local_loss=loss, beta=_num(b))[0]:.2f}"
            for b in betas
        ]
        print(f"| {depth} x 256 | {init} | {loss} | " + " | ".join(cells) + " |")
    keys = ("depth", "init", "local_loss", "beta")
    print(f"\nMedian |seed 0 - seed 1|: {seed_spread(rows, keys):.2f} points.")


def _num(b):
    return int(b) if float(b).is_integer() else b


def print_caps(rows):
    """Main effects of each cap factor per unit, init and depth, and the best/worst combos."""
    keys = ("depth", "activation", "init", *CAP_FACTORS)
    spread = seed_spread(rows, keys)
    print("Effect of switching each factor off (mean validation error with it off minus on,")
    print("averaged over the other three factors' 8 combinations and 2 seeds; points):\n")
    print(
        "| depth | units | init | default | update_cap None | preactivation_cap None "
        "| adaptive_scale False | displacement_cap 1 | best - worst combination |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    default = dict(
        update_cap="auto", preactivation_cap=30.0, adaptive_scale=True, displacement_cap=None
    )
    for depth, act, init in itertools.product(
        ("3", "8"), ("tanh", "relu6", "softplus"), ("zeros", "normal(1.0)")
    ):
        cell = dict(depth=depth, activation=act, init=init)
        effects = []
        for factor, (on, off) in CAP_FACTORS.items():
            if factor == "displacement_cap":
                on, off = None, 1.0
            effects.append(
                _mean(rows, **cell, **{factor: off})[0] - _mean(rows, **cell, **{factor: on})[0]
            )
        combos = [
            _mean(rows, **cell, **dict(zip(CAP_FACTORS, v)))[0]
            for v in itertools.product(*CAP_FACTORS.values())
        ]
        print(
            f"| {depth} | {act} | {init} | {_mean(rows, **cell, **default)[0]:.2f} | "
            + " | ".join(f"{e:+.2f}" for e in effects)
            + f" | {min(combos):.2f} / {max(combos):.2f} |"
        )
    print(f"\nMedian |seed 0 - seed 1| of a combination: {spread:.2f} points.")


def print_learned_e(rows):
    print("| depth | feedback_scale | " + " | ".join(f"beta {b:g}" for b in LEARNED_E_BETAS) + " |")
    print("|---|---|" + "---:|" * len(LEARNED_E_BETAS))
    for depth, scale in itertools.product(("3", "8"), (None, 1.0)):
        cells = [
            f"{_mean(rows, depth=depth, feedback_scale=scale, beta=b)[0]:.2f}"
            for b in LEARNED_E_BETAS
        ]
        print(f"| {depth} x 256 | {_text(scale)} | " + " | ".join(cells) + " |")
    keys = ("depth", "feedback_scale", "beta")
    print(f"\nMedian |seed 0 - seed 1|: {seed_spread(rows, keys):.2f} points.")


def print_others(rows):
    """Validation error per value of each remaining knob."""
    for knob, cols in (
        ("n_target_steps", ("n_target_steps",)),
        ("feedback_init", ("feedback_init",)),
        ("gamma", ("gamma",)),
        ("window", ("activation", "window")),
        ("centering", ("activation", "init", "centering")),
    ):
        sub = [r for r in rows if r["knob"] == knob]
        values = list(dict.fromkeys(tuple(r[c] for c in cols) for r in sub))
        print(f"\n`{knob}` (from zeros unless init says otherwise):\n")
        print("| " + " | ".join(cols) + " | 3 x 256 | 8 x 256 |")
        print("|" + "---|" * len(cols) + "---:|---:|")
        for v in values:
            where = dict(zip(cols, v))
            cells = [f"{_mean(sub, depth=d, **where)[0]:.2f}" for d in ("3", "8")]
            print("| " + " | ".join(v) + " | " + " | ".join(cells) + " |")
    keys = (
        "knob",
        "depth",
        "activation",
        "init",
        "n_target_steps",
        "feedback_init",
        "gamma",
        "window",
        "centering",
    )
    print(f"\nMedian |seed 0 - seed 1|: {seed_spread(rows, keys):.2f} points.")


def print_sign_window(rows):
    print("| window | 3 x 256 | 8 x 256 |")
    print("|---|---:|---:|")
    for window in ("0.1", "0.25"):
        cells = [f"{_mean(rows, depth=d, window=window)[0]:.2f}" for d in ("3", "8")]
        print(f"| {window} | " + " | ".join(cells) + " |")
    keys = ("depth", "window")
    print(f"\nMedian |seed 0 - seed 1|: {seed_spread(rows, keys):.2f} points.")


PRINTERS = {
    "gain": print_gain,
    "caps": print_caps,
    "learned_e": print_learned_e,
    "others": print_others,
    "sign_window": print_sign_window,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=list(PARTS), action="append")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--from-csv", action="store_true")
    args = parser.parse_args()
    for name in args.part or list(PARTS):
        rows = read_part(name) if args.from_csv else run_part(name, args.n_jobs)
        print(f"\n## {name}\n")
        PRINTERS[name](rows)


if __name__ == "__main__":
    main()

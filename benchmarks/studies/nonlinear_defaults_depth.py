"""LRA's, FA's and DFA's candidate defaults across depth, on MNIST validation rows.

The nonlinear-tables study (``doc/lra_defaults.md``, "Random start") moves
LRA's default start from all-zero to random weights, and FA's and DFA's
optimizer. Deep networks are where such a change could hurt, so every
candidate trains the rule's classifier (``--rule LRA``, ``FA`` or ``DFA``)
with its defaults otherwise (LRA: tanh, SGD with Nesterov momentum 0.9, the
fdbk form; FA and DFA: ReLU, feedback scale 0.1; each candidate pins what it
varies) at three and eight hidden layers of 256 units, on the first 10,000
official MNIST training rows, for 10 epochs, and is scored on the last 10,000
training rows (validation; the test set is never read). Writes
``benchmarks/studies/nonlinear_defaults/depth.csv`` (``depth_FA.csv``, ...) and prints
the table quoted in ``doc/lra_defaults.md`` (``doc/tabular_defaults.md``).

Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/nonlinear_defaults_depth.py --n-jobs 2
    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/nonlinear_defaults_depth.py --n-jobs 2 \
        --only "he, sgd 0.03, batch 64, alpha 0.1"
    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/nonlinear_defaults_depth.py --rule FA \
        --n-jobs 2
    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/nonlinear_defaults_depth.py --rule DFA \
        --n-jobs 2
"""

import argparse
import csv
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

import sklearn_lra
from sklearn_lra.datasets import fetch_mnist

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lra_defaults_depth import write_and_print  # noqa: E402

OUT = Path(__file__).with_name("nonlinear_defaults") / "depth.csv"
SEEDS = (0, 1, 2)
# Every candidate pins the parameters it varies, so the table does not move
# when the package's defaults do; BEFORE holds the values they had before.
BEFORE = dict(batch_size=200, local_error="pre_window", alpha=0.0, feedback_scale=None)
# The random-start candidates of the first round ran without an L2 penalty.
NO_L2 = dict(alpha=0.0, feedback_scale=None)


def _he_window(rate, alpha, init="he_uniform", feedback_scale=None):
    """He's uniform start, the window, minibatches of 64: SGD at ``rate``, L2 ``alpha``."""
    return dict(
        init=init,
        learning_rate_init=rate,
        batch_size=64,
        local_error="pre_window",
        alpha=alpha,
        feedback_scale=feedback_scale,
    )


def _fa_settings(activation, alpha, **extra):
    """FA's settings within LRA: He's start with biases, adam at 3e-3, the miss times phi'."""
    return dict(
        init="he_uniform_bias",
        activation=activation,
        solver="adam",
        learning_rate_init=3e-3,
        batch_size=64,
        local_error="post_derivative",
        alpha=alpha,
        feedback_scale="auto",
        **extra,
    )


CANDIDATES = {
    "zeros, sgd 0.01 (before)": dict(init="zeros", learning_rate_init=0.01, **BEFORE),
    "glorot, sgd 0.03": dict(init="glorot_uniform", learning_rate_init=0.03, **BEFORE),
    "glorot, adam 3e-3": dict(
        init="glorot_uniform", solver="adam", learning_rate_init=3e-3, **BEFORE
    ),
    "he, sgd 0.01, batch 64": _he_window(0.01, **NO_L2),
    "he, sgd 0.01, batch 64, post_derivative": dict(
        init="he_uniform",
        learning_rate_init=0.01,
        batch_size=64,
        local_error="post_derivative",
        **NO_L2,
    ),
    "mlp x2, sgd 0.03, batch 64, post_derivative": dict(
        init="mlp",
        init_scale=2.0,
        learning_rate_init=0.03,
        batch_size=64,
        local_error="post_derivative",
        **NO_L2,
    ),
    # The L2 penalty of the second round (tabular_select_LRA_alpha.md).
    "he, sgd 0.01, batch 64, alpha 0.1": _he_window(0.01, alpha=0.1),
    "he, sgd 0.01, batch 64, alpha 0.3": _he_window(0.01, alpha=0.3),
    # The classifier's steps of the fourth round (tabular_select_LRA_rate.md).
    "he, sgd 0.02, batch 64, alpha 0.1": _he_window(0.02, alpha=0.1),
    "he, sgd 0.03, batch 64, alpha 0.1": _he_window(0.03, alpha=0.1),
    # The fifth round's start: biases drawn as the weights (tabular_select_LRA_bias.md).
    "he + biases, sgd 0.02, batch 64, alpha 0.1": _he_window(
        0.02, alpha=0.1, init="he_uniform_bias"
    ),
    # The sixth round's feedback scale, 'auto': the E_L of a softmax of K
    # classes as if it had sqrt(K) rows (tabular_select_LRA_softmax_feedback.md).
    "he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto": _he_window(
        0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"
    ),
    # The seventh round's question: E learned along dW^T at gamma times the
    # step (LRA-E's rule; tabular_select_LRA_gamma.md).
    **{
        f"he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto, gamma {g}": dict(
            _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"), gamma=g
        )
        for g in (1.0, 3.0)
    },
    # ... and E_L alone, the hidden layers' E fixed (gamma='output').
    "he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto, gamma output": dict(
        _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"),
        gamma="output",
    ),
    # FA's settings for LRA (ReLU, the miss times phi', adam at 3e-3, MLP's
    # alpha), with and without the first-layer penalty that grows with the
    # input columns (doc/lra_defaults.md, eighth round).
    **{
        f"he + biases, relu, adam 3e-3, batch 64, post_derivative, alpha 1e-4{tag}": _fa_settings(
            "relu", 1e-4, input_alpha=ia
        )
        for tag, ia in (("", None), (", input_alpha auto", "auto"))
    },
    # ReLU units with the miss times phi' at the defaults' step and penalty
    # (doc/lra_defaults.md, eighth round; the user guide's advice for XOR-like
    # and radial classes).
    "he + biases, relu, sgd 0.02, batch 64, post_derivative, alpha 0.1, feedback auto": dict(
        _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"),
        activation="relu",
        local_error="post_derivative",
    ),
    # The ninth round's pick on fresh splits (tabular_select_LRA_init_scale_beta.md):
    # He's start at half its scale and beta 1, and beta 1 alone.
    **{
        f"he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto{tag}": dict(
            _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"), **extra
        )
        for tag, extra in (
            (", init_scale 0.5, beta 1", dict(init_scale=0.5, beta=1.0)),
            (", beta 1", dict(beta=1.0)),
        )
    },
    # The tenth round: the first layer's start shrinks beyond two input
    # columns (input_scale='auto', tabular_select_LRA_input_scale.md).
    "he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto, input_scale auto": dict(
        _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"),
        input_scale="auto",
    ),
    # Eleventh round: ReLU-6 units (bounded) with FA's settings (the miss times
    # phi', adam at 3e-3) and the tenth round's first layer, at MLP's alpha and
    # at 0.01 (tabular_select_LRA_relu6.md).
    **{
        f"he + biases, relu6, adam 3e-3, batch 64, post_derivative, alpha {tag}, "
        "feedback auto, input_scale auto": _fa_settings("relu6", alpha, input_scale="auto")
        for tag, alpha in (("1e-4", 1e-4), ("0.01", 0.01))
    },
    # Twelfth round: half the first layer's tanh units become ReLU-6
    # (input_activation='tanh_relu6', tabular_select_LRA_input_activation.md).
    "he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto, input_scale auto, "
    "input_activation tanh_relu6": dict(
        _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"),
        input_scale="auto",
        input_activation="tanh_relu6",
    ),
    # Thirteenth round (not adopted): the twelfth round's defaults with the top
    # E_L learned (gamma='output'; the round's later tolerance stop does not
    # act in these fixed 10 epochs; tabular_select_LRA_levers.md).
    "he + biases, sgd 0.02, batch 64, alpha 0.1, feedback auto, input_scale auto, "
    "input_activation tanh_relu6, gamma output": dict(
        _he_window(0.02, alpha=0.1, init="he_uniform_bias", feedback_scale="auto"),
        input_scale="auto",
        input_activation="tanh_relu6",
        gamma="output",
    ),
    # Logistic units with and without centred updates (centering='auto'
    # centres them since the sixth round), under both feedback scales.
    **{
        f"logistic, feedback {fs}, {'centred' if c else 'not centred'}": dict(
            activation="logistic", feedback_scale=fs, centering=c
        )
        for fs in (None, "auto")
        for c in (False, True)
    },
}
#: FA's and DFA's candidates (their feedback scale 0.1 throughout; ReLU units).
FEEDBACK_CANDIDATES = {
    "sgd 0.01, batch min(200, n) (before)": dict(
        solver="sgd", learning_rate_init=0.01, batch_size=200
    ),
    "sgd 0.01, batch 64": dict(solver="sgd", learning_rate_init=0.01, batch_size=64),
    "adam 3e-3, batch min(200, n)": dict(solver="adam", learning_rate_init=3e-3, batch_size=200),
    # Larger L2 terms (tabular_select_FA_classifier_alpha.md).
    **{
        f"adam 3e-3, batch min(200, n), alpha {a}": dict(
            solver="adam", learning_rate_init=3e-3, batch_size=200, alpha=a
        )
        for a in (0.03, 0.3)
    },
    # The first layer's L2 term growing with the input columns (784 on MNIST:
    # input_alpha 1), alone and with alpha 0.03 (tabular_select_FA_near_linear.md).
    "adam 3e-3, batch min(200, n), input_alpha auto": dict(
        solver="adam", learning_rate_init=3e-3, batch_size=200, input_alpha="auto"
    ),
    "adam 3e-3, batch min(200, n), alpha 0.03, input_alpha auto": dict(
        solver="adam", learning_rate_init=3e-3, batch_size=200, alpha=0.03, input_alpha="auto"
    ),
}
# The penalty the rows above ran with unless they name theirs: one alpha of 1e-4.
FEEDBACK_PINNED = dict(activation="relu", feedback_scale=0.1, alpha=1e-4, input_alpha=None)
SIZES = {"3 x 256": (256,) * 3, "8 x 256": (256,) * 8}


def _candidates(rule):
    """The candidates of ``rule``: name -> parameters."""
    if rule == "LRA":
        # Rows before the tenth round ran the first layer at its full start,
        # and rows before the twelfth with the same units on every layer.
        pinned = {"input_scale": None, "input_activation": None}
        return {name: {**pinned, **p} for name, p in CANDIDATES.items()}
    return {name: {**FEEDBACK_PINNED, **p} for name, p in FEEDBACK_CANDIDATES.items()}


def _fit(rule, name, size, seed, data, extra):
    X_fit, y_fit, X_val, y_val = data
    warnings.simplefilter("ignore")
    params = {**_candidates(rule).get(name, {}), **extra.get(name, {})}
    est = getattr(sklearn_lra, f"{rule}Classifier")(
        hidden_layer_sizes=SIZES[size],
        max_iter=10,
        n_iter_no_change=np.inf,
        random_state=seed,
        **params,
    ).fit(X_fit, y_fit)
    return name, size, seed, 100 * (1 - est.score(X_val, y_val))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rule", choices=["LRA", "FA", "DFA"], default="LRA")
    p.add_argument("--n-jobs", type=int, default=1)
    p.add_argument("--extra", default="{}", help="JSON: more candidates, name -> params")
    p.add_argument(
        "--only", nargs="+", help="fit only these candidates; keep the others' rows of the CSV"
    )
    args = p.parse_args(argv)
    extra = json.loads(args.extra)
    cands = _candidates(args.rule)
    names = list(cands) + [n for n in extra if n not in cands]
    out = OUT if args.rule == "LRA" else OUT.with_name(f"depth_{args.rule}.csv")
    kept = _kept_rows(out, args.only)
    X, y = fetch_mnist(subset="train", return_X_y=True)
    data = (X[:10000], y[:10000], X[50000:], y[50000:])
    fitted = args.only or names
    jobs = [(n, s, seed) for n in fitted for s in SIZES for seed in SEEDS]
    rows = Parallel(n_jobs=args.n_jobs)(delayed(_fit)(args.rule, *j, data, extra) for j in jobs)
    names = [n for n in names if n in fitted or any(r[0] == n for r in kept)]
    write_and_print(kept + rows, out, names, list(SIZES))


def _kept_rows(out, only):
    """The rows of ``out`` for the candidates ``only`` does not name (none without ``only``)."""
    if not only or not out.exists():
        return []
    with open(out, newline="") as f:
        return [
            (r["setting"], r["size"], int(r["seed"]), float(r["validation_error"]))
            for r in csv.DictReader(f)
            if r["setting"] not in only
        ]


if __name__ == "__main__":
    main()

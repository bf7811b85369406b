"""Units and data draws on the suite's synthetic problems.

The suite scores each synthetic problem of ``benchmarks/tabular/`` on one
draw of its data (seed 0), and LRA's defaults stay more than 2 points below
MLPClassifier on two of them, ``shells_1000`` and ``xor_1000``. This study
asks two questions of the problems where the units matter most (classes by
radius, XOR and parity of signs beside distractors, a checkerboard):

1. How far is a gap on the suite's draw a property of the problem, and how
   far of the draw? Each problem is drawn five times: the suite's draw and
   four more, from the same generator and parameters with seeds 1 to 4.
2. Is the gap the rule's or the units'? Beside MLPClassifier at its
   defaults (ReLU units) run MLPClassifier with tanh units (exact gradients,
   adam), once at its defaults and once with 300 units and 2,000 epochs (so
   that neither width nor budget limits it); LRA's defaults (tanh); and LRA
   with three units other than tanh: ReLU-6 (bounded), ReLU with the miss
   times ``phi'`` (the user guide's suggestion for radial classes) and hard
   tanh; with ReLU-6 units trained as FAClassifier trains its own (the
   miss times ``phi'``, adam at 3e-3, MLPClassifier's L2 term); and with a
   first layer of alternating tanh and ReLU-6 units (``input_activation=
   'tanh_relu6'``, LRAClassifier's default since the twelfth round).

Standardised inputs, stratified 5-fold cross-validation per draw (the draw's
seed sets the folds; the fold number seeds the estimator). Gaps are to
MLPClassifier on the same folds, in accuracy points, with the standard error
over the five draws of the per-draw gap. The reference runs 500 epochs; the
suite's MLPClassifier (its defaults, 200 epochs) is an entry too, and LRA's
gaps are also given against it (added in the thirteenth round, when it
turned out to generalise better on XOR beside distractors). Report data: it
chooses nothing.
Writes ``benchmarks/studies/synthetic_units.md``.

Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/synthetic_units.py --n-jobs 2
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lra import LRAClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tabular"))
from tabular_synthetic import GENERATORS, PROBLEMS  # noqa: E402

OUT = Path(__file__).with_suffix(".md")
TABLES = ("shells_500", "shells_1000", "xor_200", "xor_1000", "parity3_1000", "checkerboard_1000")
DRAWS = (0, 1, 2, 3, 4)  # 0 is the suite's draw
REFERENCE = "MLPClassifier"
#: The suite's own MLPClassifier: its defaults, 200 epochs. On XOR beside
#: distractors it generalises better than the reference's 500 epochs
#: (doc/lra_defaults.md, thirteenth round), so the gaps are given to both.
SUITE_MLP = "MLPClassifier, 200 epochs (the suite's)"
#: ReLU-6 units trained as FAClassifier trains its ReLU units: the miss times
#: ``phi'``, adam at 3e-3 and MLPClassifier's L2 term (``doc/lra_defaults.md``,
#: eleventh round).
RELU6_FA_SETTINGS = dict(
    activation="relu6",
    local_error="post_derivative",
    solver="adam",
    learning_rate_init=3e-3,
    alpha=1e-4,
)
ENTRIES = {
    REFERENCE: lambda seed: MLPClassifier(max_iter=500, random_state=seed),
    SUITE_MLP: lambda seed: MLPClassifier(random_state=seed),
    "MLP, tanh": lambda seed: MLPClassifier(activation="tanh", max_iter=500, random_state=seed),
    "MLP, tanh, 300 units, 2000 epochs": lambda seed: MLPClassifier(
        hidden_layer_sizes=(300,), activation="tanh", max_iter=2000, random_state=seed
    ),
    # The defaults of the eleventh round: tanh units on every layer.
    "LRA (defaults, tanh)": lambda seed: LRAClassifier(input_activation=None, random_state=seed),
    "LRA, ReLU-6": lambda seed: LRAClassifier(activation="relu6", random_state=seed),
    "LRA, ReLU, miss times phi'": lambda seed: LRAClassifier(
        activation="relu", local_error="post_derivative", random_state=seed
    ),
    "LRA, hard tanh": lambda seed: LRAClassifier(activation="hardtanh", random_state=seed),
    "LRA, ReLU-6, FA's settings": lambda seed: LRAClassifier(
        **RELU6_FA_SETTINGS, random_state=seed
    ),
    # The twelfth round's default: half the first layer's tanh units are ReLU-6.
    "LRA, tanh_relu6 first layer (defaults since)": lambda seed: LRAClassifier(
        input_activation="tanh_relu6", random_state=seed
    ),
}


def draw(table, seed):
    """``(X, y)`` of a suite problem, drawn with ``seed`` instead of the suite's."""
    p = PROBLEMS[table]
    return GENERATORS[p.generator](p.n_rows, p.seed + seed, **p.params)


def _fold_scores(table, seed, entry):
    """Test accuracy of ``entry`` on each of the 5 folds of one draw."""
    warnings.simplefilter("ignore")
    X, y = draw(table, seed)
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    scores = []
    for k, (train, test) in enumerate(cv.split(X, y)):
        pipe = make_pipeline(StandardScaler(), ENTRIES[entry](k)).fit(X[train], y[train])
        scores.append(pipe.score(X[test], y[test]))
    return scores


def score_all(n_jobs):
    """(table, entry) -> array of shape (n_draws, 5) of fold accuracies."""
    jobs = [(t, s, e) for t in TABLES for s in DRAWS for e in ENTRIES]
    out = Parallel(n_jobs=n_jobs)(delayed(_fold_scores)(*job) for job in jobs)
    scores = {}
    for (table, _, entry), folds in zip(jobs, out):
        scores.setdefault((table, entry), []).append(folds)
    return {key: np.array(value) for key, value in scores.items()}


def gap_cell(scores, table, entry, reference=REFERENCE):
    """``gap ± SE`` over the draws to ``reference``, and the suite draw's gap, in points."""
    per_draw = 100 * (scores[table, entry] - scores[table, reference]).mean(axis=1)
    se = per_draw.std(ddof=1) / np.sqrt(len(per_draw))
    return f"{per_draw.mean():+.1f} ± {se:.1f} ({per_draw[0]:+.1f})"


def _gap_table(scores, reference, entries, intro):
    """The Markdown lines of one table of gaps to ``reference``, a row per problem."""
    lines = [
        "",
        f"## Gap to {reference} in points",
        "",
        intro,
        "",
        "| problem | " + " | ".join(entries) + " |",
        "|---|" + "---:|" * len(entries),
    ]
    for t in TABLES:
        cells = [gap_cell(scores, t, e, reference) for e in entries]
        lines.append(f"| `{t}` | " + " | ".join(cells) + " |")
    return lines


def write_record(scores, command):
    """Write the Markdown record to ``OUT`` and print it."""
    entries = [e for e in ENTRIES if e != REFERENCE]
    lines = [
        "# Units and data draws on the suite's synthetic problems",
        "",
        f"Command: `{command}`  ",
        f"Stratified 5-fold cross-validation on each of {len(DRAWS)} draws of each problem "
        "(draw 0 is the suite's); standardised inputs; one hidden layer. Report data: "
        "nothing is chosen from it.",
        "",
        "## Accuracy, mean over draws and folds",
        "",
        "| problem | " + " | ".join(ENTRIES) + " |",
        "|---|" + "---:|" * len(ENTRIES),
    ]
    for t in TABLES:
        cells = [f"{scores[t, e].mean():.3f}" for e in ENTRIES]
        lines.append(f"| `{t}` | " + " | ".join(cells) + " |")
    lines += _gap_table(
        scores,
        REFERENCE,
        entries,
        "Mean over the draws ± its standard error over the draws, and in brackets "
        "the suite's draw alone (the same folds for every entry; they are not the "
        "suite's folds).",
    )
    lines += _gap_table(
        scores,
        SUITE_MLP,
        [e for e in ENTRIES if e.startswith("LRA")],
        "As above, against the suite's MLPClassifier (its defaults: 200 epochs).",
    )
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-jobs", type=int, default=1)
    args = p.parse_args(argv)
    script = "benchmarks/studies/synthetic_units.py"
    command = f"OPENBLAS_NUM_THREADS=1 python {script} --n-jobs {args.n_jobs}"
    write_record(score_all(args.n_jobs), command)


if __name__ == "__main__":
    main()

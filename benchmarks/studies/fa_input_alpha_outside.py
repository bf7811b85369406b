"""FA's first-layer penalty on problems outside the tabular suite.

``FAClassifier`` defaults to ``input_alpha='auto'`` since a nested selection on
the suite (``doc/tabular_defaults.md``). This check, run after that choice and
not used for it, scores the default against one ``alpha`` for every layer
(``input_alpha=None``) and against MLPClassifier on problems no selection saw:
scikit-learn's four small classification tables and three
``make_classification`` problems with several clusters per class and many
uninformative columns. Standardised inputs, stratified 5-fold
cross-validation, three seeds (the seed sets both the splits and the
estimator); one hidden layer of 100 units, so DFA is FA. Writes
``benchmarks/studies/fa_input_alpha_outside.md``.

Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/fa_input_alpha_outside.py --n-jobs 2
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn import datasets
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lra import FAClassifier

OUT = Path(__file__).with_suffix(".md")
SEEDS = (0, 1, 2)
ENTRIES = {
    "MLPClassifier": lambda seed: MLPClassifier(random_state=seed),
    "FA, input_alpha='auto' (default)": lambda seed: FAClassifier(random_state=seed),
    "FA, input_alpha=None": lambda seed: FAClassifier(input_alpha=None, random_state=seed),
}
#: (informative, columns, rows) of the make_classification problems.
GENERATED = ((5, 40, 300), (10, 100, 500), (4, 20, 1000))


def problems():
    """name -> (X, y): the toy tables, then the generated problems."""
    out = {
        name: loader(return_X_y=True)
        for name, loader in [
            ("iris", datasets.load_iris),
            ("wine", datasets.load_wine),
            ("breast_cancer", datasets.load_breast_cancer),
            ("digits", datasets.load_digits),
        ]
    }
    for informative, columns, rows in GENERATED:
        out[f"make_classification, {columns} columns, {rows} rows"] = datasets.make_classification(
            rows,
            columns,
            n_informative=informative,
            n_redundant=2,
            n_clusters_per_class=3,
            random_state=columns,
        )
    return out


def _score(X, y, entry, seed):
    warnings.simplefilter("ignore")
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    pipe = make_pipeline(StandardScaler(), ENTRIES[entry](seed))
    return cross_val_score(pipe, X, y, cv=cv).mean()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-jobs", type=int, default=1)
    args = p.parse_args(argv)
    probs = problems()
    jobs = [(name, entry, seed) for name in probs for entry in ENTRIES for seed in SEEDS]
    scores = Parallel(n_jobs=args.n_jobs)(
        delayed(_score)(*probs[name], entry, seed) for name, entry, seed in jobs
    )
    table = {}
    for (name, entry, _), score in zip(jobs, scores):
        table.setdefault((name, entry), []).append(score)
    lines = [
        "# FA's first-layer penalty outside the tabular suite",
        "",
        "Command: `OPENBLAS_NUM_THREADS=1 python benchmarks/studies/fa_input_alpha_outside.py"
        f" --n-jobs {args.n_jobs}`  ",
        "Mean accuracy of stratified 5-fold cross-validation, mean ± standard deviation "
        f"over {len(SEEDS)} seeds (splits and estimator); standardised inputs, one hidden "
        "layer of 100 units, every other parameter at its default.",
        "",
        "| problem | " + " | ".join(ENTRIES) + " |",
        "|---|" + "---:|" * len(ENTRIES),
    ]
    for name in probs:
        cells = [f"{np.mean(table[name, e]):.4f} ± {np.std(table[name, e]):.4f}" for e in ENTRIES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    means = [np.mean([np.mean(table[n, e]) for n in probs]) for e in ENTRIES]
    lines.append("| **mean** | " + " | ".join(f"{m:.4f}" for m in means) + " |")
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()

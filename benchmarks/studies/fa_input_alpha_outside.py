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
import sys
from pathlib import Path

from sklearn import datasets
from sklearn.neural_network import MLPClassifier

from sklearn_lra import FAClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outside_suite import score_table, toy_tables, write_record  # noqa: E402

OUT = Path(__file__).with_suffix(".md")
ENTRIES = {
    "MLPClassifier": lambda seed: MLPClassifier(random_state=seed),
    "FA, input_alpha='auto' (default)": lambda seed: FAClassifier(random_state=seed),
    "FA, input_alpha=None": lambda seed: FAClassifier(input_alpha=None, random_state=seed),
}
#: (informative, columns, rows) of the make_classification problems.
GENERATED = ((5, 40, 300), (10, 100, 500), (4, 20, 1000))


def problems():
    """name -> (X, y): the toy tables, then the generated problems."""
    out = toy_tables()
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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-jobs", type=int, default=1)
    args = p.parse_args(argv)
    probs = problems()
    write_record(
        OUT,
        "FA's first-layer penalty outside the tabular suite",
        "OPENBLAS_NUM_THREADS=1 python benchmarks/studies/fa_input_alpha_outside.py"
        f" --n-jobs {args.n_jobs}",
        "standardised inputs, one hidden layer of 100 units, every other parameter at its default",
        score_table(probs, ENTRIES, args.n_jobs),
        probs,
        ENTRIES,
    )


if __name__ == "__main__":
    main()

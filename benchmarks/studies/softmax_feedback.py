"""How many rows a softmax output's feedback matrix counts as, at one and three hidden layers.

``LRAClassifier(feedback_scale='auto')`` draws the top feedback matrix ``E_L``
of a softmax output (three or more classes) with standard deviation
``1 / sqrt(rows)``, ``rows = softmax_rows(n_classes)``. This study compares
three values of ``rows``: ``n_classes`` (what ``feedback_scale=None`` does),
``sqrt(n_classes)`` (the shipped ``'auto'``) and 1 (the norm of ``p - y``
alone), with the package's defaults otherwise, on the tabular suite's
classification tables of three or more classes, with one and with three
hidden layers of 100 units. Binary tables have no softmax: every value draws
the same matrices there.

Inner validation only: for each split seed, each table (at most 2,000 rows)
is cut into 5 stratified folds; the training part of each of the first 3 is
split again into two thirds (fitted) and one third (scored). No outer test
fold is read. Writes ``benchmarks/studies/softmax_feedback/softmax_feedback.csv``
and ``.md``. Run from the repository root (3 minutes on 2 cores)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/softmax_feedback.py --n-jobs 2
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import StratifiedKFold, train_test_split

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tabular"))
from tabular_data import TABLES, load_table, make_pipeline  # noqa: E402

OUT = HERE / "softmax_feedback" / "softmax_feedback.md"
#: The rows a softmax of K classes counts as, by label.
ROWS = {"K (None)": lambda k: k, "sqrt(K) ('auto')": np.sqrt, "1": lambda k: 1}
SEEDS = (31, 41)
DEPTHS = (1, 3)


def many_class_tables():
    """The suite's classification tables with three or more classes."""
    names = []
    for name, table in TABLES.items():
        if table.task != "classification":
            continue
        _, y, _ = load_table(name, max_rows=2000)
        if len(np.unique(y)) >= 3:
            names.append(name)
    return names


def _fit(table, label, depth, seed, fold):
    import sklearn_lra.rules._feedback as feedback  # patched in this worker only
    from sklearn_lra import LRAClassifier

    warnings.simplefilter("ignore")
    # The quantity this study varies: what 'auto' counts a softmax as.
    feedback.softmax_rows = ROWS[label]
    X, y, _ = load_table(table, max_rows=2000)
    train, _ = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y))[fold]
    fit, val = train_test_split(train, test_size=1 / 3, random_state=fold + 50, stratify=y[train])
    est = LRAClassifier(hidden_layer_sizes=(100,) * depth, random_state=fold)
    pipe = make_pipeline(est, X, "classification").fit(X.iloc[fit], y[fit])
    return dict(
        table=table,
        rows=label,
        depth=depth,
        seed=seed,
        fold=fold,
        validation=pipe.score(X.iloc[val], y[val]),
        n_iter=pipe[-1].n_iter_,
    )


def report(df, command, elapsed):
    """Markdown: mean inner score per table, and the gap to ``K (None)`` per depth ± SE."""
    lines = [
        "# Rows of a softmax's feedback matrix (inner validation only)",
        "",
        f"Command: `{command}`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; wall time "
        f"{elapsed / 60:.1f} min",
        "",
        f"{df.table.nunique()} tables of three or more classes; split seeds {list(SEEDS)}, "
        "3 folds each; scores: accuracy on the inner third. Gap: to `K (None)` in points, "
        "averaged over tables, ± its standard error over the seed-fold pairs.",
        "",
    ]
    for depth in DEPTHS:
        d = df[df.depth == depth]
        piv = d.pivot_table(index="table", columns="rows", values="validation")[list(ROWS)]
        pair = d.pivot_table(index=["seed", "fold"], columns="rows", values="validation")
        lines += [f"## {depth} hidden layer{'s' if depth > 1 else ''} of 100 units", ""]
        lines += ["| table | " + " | ".join(ROWS) + " |", "|---|" + "---:|" * len(ROWS)]
        for table, row in piv.iterrows():
            lines.append(f"| {table} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
        lines.append("| **mean** | " + " | ".join(f"{v:.4f}" for v in piv.mean()) + " |")
        gaps = []
        for label in ROWS:
            g = 100 * (pair[label] - pair["K (None)"])
            gaps.append(f"{g.mean():+.2f} ± {g.std(ddof=1) / np.sqrt(len(g)):.2f}")
        lines += ["| gap to `K (None)` | " + " | ".join(gaps) + " |", ""]
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--output", type=Path, default=OUT)
    args = p.parse_args(argv)
    start = time.time()
    tables = many_class_tables()
    jobs = [
        (t, label, depth, seed, fold)
        for t in tables
        for label in ROWS
        for depth in DEPTHS
        for seed in SEEDS
        for fold in range(3)
    ]
    rows = Parallel(n_jobs=args.n_jobs)(delayed(_fit)(*j) for j in jobs)
    df = pd.DataFrame(rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.output.with_suffix(".csv"), index=False)
    command = "python benchmarks/studies/softmax_feedback.py " + " ".join(sys.argv[1:])
    text = report(df, command.strip(), time.time() - start)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()

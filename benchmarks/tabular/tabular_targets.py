"""The targets of the nonlinear-tables work, checked entry by entry from a tabular CSV.

For every entry of a record of ``tabular.py`` this prints, at one depth, the
figures the targets are stated in and whether each target is met:

- the mean gap to the reference (MLPClassifier) on the nonlinear tables, with
  its paired standard error over the splits;
- the worst nonlinear table, and those more than the allowed margin below
  the reference;
- the synthetic interaction problems that are more than their margin below;
- the mean gap on the near-linear tables to a baseline entry (the defaults
  before the work), with its standard error.

Per-table gaps are means over the splits, as in the report. A target whose
subset the record does not hold is left out of the count. The margins are
LRA's (``--targets lra``) or FA's and DFA's (``--targets fa``: only the
nonlinear mean, at 2 points, and the near-linear one). The script reads only
the CSV, so it can judge any record, and it chooses nothing: a record it
judges must not have picked the entries it holds.

Run from the repository root::

    python benchmarks/tabular/tabular_targets.py \
        benchmarks/tabular/results/tabular_lra_frontier.csv --baseline 'LRA before'
"""

import argparse
import sys

import numpy as np
import pandas as pd
from tabular_gaps import gaps

#: Margins in points (negative: how far below the reference or baseline an
#: entry may be); None where the target does not apply.
TARGETS = {
    "lra": {
        "nonlinear mean": -1.0,
        "nonlinear table": -3.0,
        "synthetic table": -2.0,
        "near-linear": -0.3,
    },
    "fa": {
        "nonlinear mean": -2.0,
        "nonlinear table": None,
        "synthetic table": None,
        "near-linear": -0.3,
    },
}

NONLINEAR, SYNTHETIC, NEAR_LINEAR = "nonlinear", "synthetic interaction", "near-linear"
#: The cell of a target whose subset the record does not hold.
NO_TABLES = "no tables"


def subset_gap(df, estimator, reference, depth, subset):
    """Mean gap in points over a subset's tables, and its standard error over the splits.

    The gap is first averaged over the subset's tables within each split
    (repeat x fold), so the error is that of a paired comparison.
    """
    keys = ["table", "repeat", "fold"]
    rows = df[df["depth"].isin([0, depth]) & (df["subset"] == subset)]
    a = rows[rows["estimator"] == estimator].set_index(keys)["score"]
    b = rows[rows["estimator"] == reference].set_index(keys)["score"]
    per_split = (100 * (a - b).dropna()).groupby(level=["repeat", "fold"]).mean()
    if per_split.empty:
        return np.nan, np.nan
    se = per_split.std(ddof=1) / np.sqrt(len(per_split)) if len(per_split) > 1 else np.nan
    return per_split.mean(), se


def judge(df, estimator, reference, baseline, depth, margins):
    """One entry's figures and verdicts, as a dict of report cells."""
    table_gaps = gaps(df, estimator, reference, depth)
    nonlinear = table_gaps[table_gaps["subset"] == NONLINEAR]
    synthetic = table_gaps[table_gaps["subset"] == SYNTHETIC]
    out, met = {"entry": estimator}, []
    mean, se = subset_gap(df, estimator, reference, depth, NONLINEAR)
    out["nonlinear mean"] = _mean_cell(mean, se, met, margins["nonlinear mean"])
    worst = nonlinear.iloc[:1]
    out["worst nonlinear table"] = _names(worst) if len(worst) else NO_TABLES
    for key, tables in [("nonlinear table", nonlinear), ("synthetic table", synthetic)]:
        if margins[key] is None:
            continue
        head = "nonlinear tables below" if key == "nonlinear table" else "synthetic problems below"
        if tables.empty:
            out[head] = NO_TABLES
            continue
        below = tables[tables["gap"] < margins[key]]
        out[head] = _names(below) if len(below) else "none"
        met.append(below.empty)
    if baseline is not None:
        mean, se = subset_gap(df, estimator, baseline, depth, NEAR_LINEAR)
        out[f"near-linear vs {baseline}"] = _mean_cell(mean, se, met, margins["near-linear"])
    out["targets met"] = f"{sum(met)} / {len(met)}"
    return out


def _mean_cell(mean, se, met, margin):
    """The cell of a subset mean; appends its verdict to ``met`` if the subset is there."""
    if np.isnan(mean):
        return NO_TABLES
    met.append(mean >= margin)
    return f"{mean:+.2f} ± {se:.2f}"


def _names(tables):
    """The tables with their gaps, worst first."""
    return ", ".join(f"{name} {gap:+.1f}" for name, gap in tables["gap"].items())


def markdown(rows):
    """The dicts of :func:`judge` as one Markdown table."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---|" * (len(head) - 1)]
    lines += ["| " + " | ".join(str(r.get(h, "")) for h in head) + " |" for r in rows]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("csv", help="a CSV written by tabular.py")
    p.add_argument("--reference", default="MLP", help="the entry gaps are measured against")
    p.add_argument("--baseline", help="the entry of the near-linear target (the defaults before)")
    p.add_argument("--targets", choices=sorted(TARGETS), default="lra")
    p.add_argument("--entries", nargs="+", help="entries to judge (default: all but the reference)")
    p.add_argument("--depth", type=int, default=1)
    args = p.parse_args(argv)
    df = pd.read_csv(args.csv)
    names = args.entries or [e for e in df["estimator"].unique() if e != args.reference]
    missing = sorted({args.reference, args.baseline, *names} - set(df["estimator"]) - {None})
    if missing:
        sys.exit(f"not in {args.csv}: {', '.join(missing)}")
    margins = TARGETS[args.targets]
    print(
        markdown([judge(df, e, args.reference, args.baseline, args.depth, margins) for e in names])
    )


if __name__ == "__main__":
    main()

"""Per-table gaps of one estimator to another, from a tabular benchmark's CSV.

The report of ``tabular.py`` gives per-table means and per-subset gaps; this
prints, for each table, the paired gap ``estimator - reference`` in points
(score x 100), its standard error over the splits (repeat x fold) and its
mean in each repeat, worst table first. It reads only the CSV, so any record
of the benchmark can be asked again.

Run from the repository root::

    python benchmarks/tabular/tabular_gaps.py \
        benchmarks/tabular/results/tabular_lra_shortfalls_repeats.csv --estimator LRA
"""

import argparse
import sys

import numpy as np
import pandas as pd


def gaps(df, estimator, reference, depth):
    """One row per table: mean gap in points, its standard error, the mean per repeat.

    Parameters
    ----------
    df : DataFrame
        The benchmark's rows (its CSV).
    estimator, reference : str
        Labels of the two entries compared.
    depth : int
        Hidden layers of the network entries (the linear model and gradient
        boosting, stored with depth 0, are found at every depth).

    Returns
    -------
    DataFrame
        Columns ``subset``, ``gap``, ``se``, ``splits`` and ``repeat <r>``,
        sorted by ``gap``.
    """
    keys = ["table", "repeat", "fold"]
    rows = df[df["depth"].isin([0, depth])]
    a = rows[rows["estimator"] == estimator].set_index(keys)["score"]
    b = rows[rows["estimator"] == reference].set_index(keys)["score"]
    gap = 100 * (a - b).dropna()
    subset = rows.drop_duplicates("table").set_index("table")["subset"]
    out = []
    for table, g in gap.groupby(level="table"):
        row = {"table": table, "subset": subset[table], "gap": g.mean(), "splits": len(g)}
        row["se"] = g.std(ddof=1) / np.sqrt(len(g)) if len(g) > 1 else np.nan
        for r, per_repeat in g.groupby(level="repeat"):
            row[f"repeat {r}"] = per_repeat.mean()
        out.append(row)
    return pd.DataFrame(out).set_index("table").sort_values("gap")


def markdown(table, estimator, reference):
    """The rows of :func:`gaps` as a Markdown table."""
    repeats = [c for c in table.columns if c.startswith("repeat ")]
    head = ["table", "subset", f"{estimator} - {reference} (points)", "± SE", "splits", *repeats]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for name, r in table.iterrows():
        cells = [name, r["subset"], f"{r['gap']:+.2f}", f"{r['se']:.2f}", f"{r['splits']:d}"]
        cells += [f"{r[c]:+.1f}" for c in repeats]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("csv", help="a CSV written by tabular.py")
    p.add_argument("--estimator", default="LRA")
    p.add_argument("--reference", default="MLP")
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--tables", nargs="+", help="only these tables")
    args = p.parse_args(argv)
    df = pd.read_csv(args.csv)
    if args.tables:
        df = df[df["table"].isin(args.tables)]
    table = gaps(df, args.estimator, args.reference, args.depth)
    if table.empty:
        sys.exit(f"no table has both {args.estimator!r} and {args.reference!r}")
    print(markdown(table, args.estimator, args.reference))


if __name__ == "__main__":
    main()

"""Summaries of the tabular benchmark's rows, and its Markdown report.

Every figure of the report is recomputed from the rows (one per table x
estimator x fit), so the CSV alone reproduces the Markdown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CSV_COLUMNS = [
    "table",
    "task",
    "estimator",
    "repeat",
    "fold",
    "score",
    "train_score",
    "fit_time",
    "n_iter",
    "n_convergence_warnings",
    "n_other_warnings",
    "error",
]


def to_frame(rows):
    """The rows as a DataFrame with the CSV's columns in order."""
    df = pd.DataFrame(rows)
    for col in CSV_COLUMNS:
        if col not in df:
            df[col] = np.nan
    df["error"] = df["error"].fillna("")
    return df[CSV_COLUMNS]


def per_table(df, column="score"):
    """Mean and standard deviation of ``column`` per (table, estimator), tables as rows."""
    g = df.groupby(["table", "estimator"], sort=False)[column]
    return g.mean().unstack("estimator"), g.std(ddof=1).unstack("estimator")


def mean_ranks(means):
    """Mean over tables of each estimator's rank (1 = best score on the table)."""
    return means.rank(axis=1, ascending=False, method="average").mean(axis=0)


def _paired_se(df, est, reference):
    """Standard error of the gap to ``reference`` from its spread over the splits.

    For each split (repeat, fold) the gap is averaged over the tables; the
    standard error is the sample standard deviation of those averages over
    the square root of their number (NaN with a single split).
    """
    keys = ["repeat", "fold", "table"]
    a = df[df["estimator"] == est].set_index(keys)["score"]
    b = df[df["estimator"] == reference].set_index(keys)["score"]
    per_split = (a - b).groupby(level=["repeat", "fold"]).mean()
    if len(per_split) < 2:
        return np.nan
    return per_split.std(ddof=1) / np.sqrt(len(per_split))


def summary(df, reference="MLP"):
    """One row per estimator and task: mean score, mean rank, gap to ``reference``, times.

    The gap is the estimator's mean minus the reference's mean, in the score's
    units; the worst shortfall is the most negative per-table difference.
    """
    out = []
    for task, sub in df.groupby("task", sort=False):
        means, _ = per_table(sub)
        ranks = mean_ranks(means)
        ref = means[reference] if reference in means else None
        for est in means.columns:
            part = sub[sub["estimator"] == est]
            rec = dict(
                task=task,
                estimator=est,
                mean=means[est].mean(),
                mean_rank=ranks[est],
                fit_time_total=part["fit_time"].sum(),
                train_mean=part.groupby("table")["train_score"].mean().mean(),
                n_fits=len(part),
                n_errors=int((part["error"] != "").sum()),
                n_convergence_warnings=int(part["n_convergence_warnings"].sum()),
                n_other_warnings=int(part["n_other_warnings"].sum()),
            )
            if ref is not None:
                diff = means[est] - ref
                rec["gap_to_reference"] = diff.mean()
                rec["gap_se"] = _paired_se(sub, est, reference)
                rec["worst_shortfall"] = diff.min()
                rec["worst_table"] = diff.idxmin()
            out.append(rec)
    return pd.DataFrame(out)


def _fmt(x, digits=3):
    return "" if pd.isna(x) else f"{x:.{digits}f}"


def _table_md(means, stds, task, times):
    ests = list(means.columns)
    score = "accuracy" if task == "classification" else "R²"
    lines = [
        f"Mean {score} over the folds, ± standard deviation across folds and repeats; best "
        "per table in bold.",
        "",
        "| table | " + " | ".join(ests) + " |",
        "|---|" + "---:|" * len(ests),
    ]
    for table in means.index:
        best = means.loc[table].max()
        cells = []
        for est in ests:
            m, s = means.loc[table, est], stds.loc[table, est]
            cell = f"{_fmt(m)} ± {_fmt(s)}"
            cells.append(f"**{cell}**" if m == best else cell)
        lines.append(f"| {table} | " + " | ".join(cells) + " |")
    lines.append("| **mean** | " + " | ".join(_fmt(means[e].mean()) for e in ests) + " |")
    ranks = mean_ranks(means)
    lines.append("| **mean rank** | " + " | ".join(f"{ranks[e]:.2f}" for e in ests) + " |")
    lines.append(
        "| **fit time (s, all folds)** | " + " | ".join(f"{times[e]:.1f}" for e in ests) + " |"
    )
    return lines


def markdown(df, header, reference="MLP"):
    """The report: header lines, then per task the per-table table and the summary."""
    lines = list(header)
    summ = summary(df, reference)
    for task in ["classification", "regression"]:
        sub = df[df["task"] == task]
        if sub.empty:
            continue
        means, stds = per_table(sub)
        times = sub.groupby("estimator")["fit_time"].sum()
        title = "Classification (accuracy)" if task == "classification" else "Regression (R²)"
        lines += ["", f"## {title}", ""]
        lines += _table_md(means, stds, task, times)
        lines += [
            "",
            f"Summary ({task}); gaps in score units against {reference}; ± SE: standard "
            "error of the gap from its spread over the cross-validation splits (paired "
            "comparison; gaps within about two SE are ties):",
            "",
        ]
        lines += [
            "| estimator | mean | mean rank | gap to "
            f"{reference} | ± SE | worst table shortfall | mean train score | fit time (s) "
            "| fits | errors | ConvergenceWarnings | other warnings |",
            "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for _, r in summ[summ["task"] == task].iterrows():
            worst = (
                f"{_fmt(r.get('worst_shortfall'))} ({r.get('worst_table')})"
                if "worst_shortfall" in r and not pd.isna(r.get("worst_shortfall"))
                else ""
            )
            lines.append(
                f"| {r['estimator']} | {_fmt(r['mean'], 4)} | {r['mean_rank']:.2f} | "
                f"{_fmt(r.get('gap_to_reference'), 4)} | {_fmt(r.get('gap_se'), 4)} | "
                f"{worst} | {_fmt(r['train_mean'])} | "
                f"{r['fit_time_total']:.1f} | {r['n_fits']} | {r['n_errors']} | "
                f"{r['n_convergence_warnings']} | {r['n_other_warnings']} |"
            )
    errors = df[df["error"] != ""]
    if len(errors):
        lines += ["", "## Errors", ""]
        for (table, est), part in errors.groupby(["table", "estimator"]):
            lines.append(f"- {table} / {est}: {len(part)} fits, e.g. `{part['error'].iloc[0]}`")
    lines += ["", f"Total fit time of all estimators: {df['fit_time'].sum():.1f} s.", ""]
    return "\n".join(lines)

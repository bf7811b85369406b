"""Choose on validation data, report on test data: the split, the choices, the statistics."""

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from sklearn_lra.experiments import Profile, _data, expand_profile, run_grid, write_outputs
from sklearn_lra.experiments._grid import TUNED
from sklearn_lra.experiments._selection import (
    choose_on_validation,
    final_runs,
    tuning_choices,
)
from sklearn_lra.experiments._tables import make_rows
from sklearn_lra.experiments._verdict import compare, interval
from sklearn_lra.experiments.cli import main

from .test_experiments import tiny_study

DOC = Path(__file__).resolve().parents[1] / "doc"


# ----------------------------------------------------------------- the split


def test_mnist_validation_is_the_last_10000_training_rows(monkeypatch):
    """Training rows (and their subsample) come from the first 50,000 rows only."""
    n = 60000

    def fake_fetch(data_home=None, subset="train", return_X_y=True):
        size = n if subset == "train" else 100
        ids = np.arange(size, dtype=np.float32)[:, None]  # feature 0 is the row's index
        return ids, np.arange(size) % 10

    import sklearn_lra.datasets

    monkeypatch.setattr(sklearn_lra.datasets, "fetch_mnist", fake_fetch)
    _data._load_full.cache_clear()
    try:
        full = _data.load_split("mnist")
        sub = _data.load_split("mnist", n_train=10000)
    finally:
        _data._load_full.cache_clear()
    train, val = full.X_train[:, 0], full.X_val[:, 0]
    np.testing.assert_array_equal(train, np.arange(50000))
    np.testing.assert_array_equal(val, np.arange(50000, 60000))
    assert len(full.y_test) == 100
    # the subsample: 10,000 distinct training rows, none of them validation rows
    rows = sub.X_train[:, 0]
    assert len(np.unique(rows)) == 10000 and rows.max() < 50000
    np.testing.assert_array_equal(sub.X_val, full.X_val)


def test_digits_validation_is_a_stratified_part_of_the_training_part():
    """1,077 / 270 / 450 rows, disjoint, every class in the validation part."""
    from sklearn.datasets import load_digits

    X, _ = load_digits(return_X_y=True)
    split = _data.load_split("digits")
    sizes = [len(split.y_train), len(split.y_val), len(split.y_test)]
    assert (
        sizes == [1077, 270, 450]
        and "1,077 train / 270 validation / 450 test" in (_data.DATASETS["digits"])
    )
    assert _data.N_VALIDATION["digits"] == 270 and _data.N_TEST["digits"] == 450
    # each part's rows, as indices of load_digits (its rows are distinct as float vectors)
    index = {row.tobytes(): i for i, row in enumerate((X / 16.0).astype(np.float32))}
    parts = [{index[r.tobytes()] for r in part} for part in split[::2]]
    assert sum(map(len, parts)) == len(set.union(*parts))  # disjoint
    counts = np.bincount(split.y_val)
    assert counts.min() >= 26 and counts.max() <= 28  # stratified: 10% each, give or take


# ----------------------------------------------------------------- runs and CSV


def tiny(**overrides):
    """An ablation of BP's learning rate on the digits, as small as the tiny study."""
    settings = dict(
        title="Tiny", kind="ablation", rules=("bp",), grid={"learning_rate_init": (0.001, 0.01)}
    )
    return tiny_study(**{**settings, **overrides})


def test_every_run_records_validation_and_test_errors_in_cache_and_csv(tmp_path):
    profile = Profile("tiny", "for tests", (tiny(),))
    runs = expand_profile(profile)
    outcome = run_grid(runs, tmp_path, verbose=False)
    for result in outcome.results.values():
        assert result["val_curve"][-1][1] == result["val_error"]
        assert [e for e, _ in result["val_curve"]] == [e for e, _ in result["test_curve"]]
        assert result["commit"]
    files = write_outputs(profile, runs, outcome.results, tmp_path, plots=False)
    with open(files.csv, newline="") as f:
        rows = list(csv.DictReader(f))
    assert all(0 <= float(r["val_error"]) <= 1 and r["val_curve"].startswith("[[") for r in rows)
    text = files.report.read_text()
    assert "**Selection protocol.** Every run trains on the training rows only" in text
    assert "Chosen on validation error" in text


def test_cached_results_from_before_the_split_are_never_reused(tmp_path):
    """A stored result without a validation curve counts as missing."""
    from sklearn_lra.experiments._cache import load_result, save_result

    runs = expand_profile(Profile("tiny", "", (tiny(grid={}),)))
    first = run_grid(runs, tmp_path, verbose=False)
    key = runs[0].key
    old = {k: v for k, v in first.results[key].items() if not k.startswith("val_")}
    save_result(tmp_path, key, old)
    assert "val_curve" not in load_result(tmp_path, key)
    assert run_grid(runs, tmp_path, verbose=False).n_trained == 1


# ----------------------------------------------------------------- choices


def ablation_row(variant, val, test, seed=0):
    return dict(
        study="a",
        kind="ablation",
        rule="lra",
        dataset="mnist",
        depth=3,
        width=256,
        activation="tanh",
        init="default",
        variant=variant,
        seed=seed,
        status="ok",
        val_error=val,
        test_error=test,
    )


def test_the_choice_follows_validation_error_even_when_test_error_disagrees():
    rows = [ablation_row("beta=0.5", 0.030, 0.020), ablation_row("beta=1.0", 0.020, 0.040)]
    (choice,) = choose_on_validation(rows, "variant", ["dataset"])
    assert choice.chosen == "beta=1.0"  # the test error would have said beta=0.5
    assert choice.val.mean == 0.020
    # 2.0% vs 3.0% on 10,000 validation images: the difference is outside the noise
    assert choice.tied == []


def test_nothing_is_chosen_from_runs_without_validation_error():
    rows = [ablation_row("beta=0.5", None, 0.020), ablation_row("beta=1.0", None, 0.040)]
    with pytest.raises(ValueError, match="no validation error"):
        choose_on_validation(rows, "variant", ["dataset"])


def tuning_study():
    return tiny_study(
        name="tune",
        title="Tune",
        kind="tuning",
        rules=("bp", "lra"),
        final_seeds=(1, 2),
        grid={"learning_rate_init": (0.001, 0.01)},
        rule_grid={"lra": {"beta": (0.5, 1.0)}},
    )


def test_tuning_retrains_the_setting_chosen_on_validation_with_the_final_seeds():
    study = tuning_study()
    runs = expand_profile(Profile("t", "", (study,)))
    assert len(runs) == study.n_runs == 2 + 4
    # validation prefers the large rate for BP and beta=0.5 with the small rate for LRA;
    # test error says the opposite everywhere
    val = {"learning_rate_init=0.01": 0.1, "beta=0.5, learning_rate_init=0.001": 0.1}
    results = {
        run.key: {
            "status": "ok",
            "val_error": val.get(run.labels["variant"], 0.3),
            "test_error": 0.4 - val.get(run.labels["variant"], 0.3),
        }
        for run in runs
    }
    rows = make_rows(runs, results)
    chosen = {c.setting[-1]: c.chosen for c in tuning_choices(study, rows)}
    assert chosen == {"bp": "learning_rate_init=0.01", "lra": "beta=0.5, learning_rate_init=0.001"}
    finals = final_runs(study, rows)
    assert {(r.kind, r.labels["seed"]) for r in finals} == {(TUNED, 1), (TUNED, 2)}
    params = {r.config["rule"]: r.config["params"] for r in finals}
    assert params["bp"]["learning_rate_init"] == 0.01
    assert (params["lra"]["beta"], params["lra"]["learning_rate_init"]) == (0.5, 0.001)
    # an incomplete search chooses nothing
    assert final_runs(study, rows[:-1]) == []


# ----------------------------------------------------------------- statistics


def seeds_rows(errors, dataset="mnist"):
    return [
        dict(dataset=dataset, seed=s, status="ok", test_error=e, val_error=None)
        for s, e in enumerate(errors)
    ]


def test_interval_and_paired_comparison_on_worked_numbers():
    """Worked by hand, t(0.975, 2) = 4.3027, z = 1.9600, n = 10,000 test images.

    a = 2.0, 2.2, 2.4%; b = 3.0, 3.1, 3.5%. Paired differences -1.0, -0.9, -1.1 points:
    mean -1.0, sd 0.1, so V_seeds = 0.001^2 / 3 = 3.333e-7. Binomial: 0.022 * 0.978 / 1e4
    + 0.032 * 0.968 / 1e4 = 5.2492e-6. Half-width sqrt(4.3027^2 * 3.333e-7 + 1.96^2 *
    5.2492e-6) = sqrt(6.1708e-6 + 2.01653e-5) = 0.0051318. CI [-1.513, -0.487] points: a wins.
    """
    a, b = seeds_rows([0.020, 0.022, 0.024]), seeds_rows([0.030, 0.031, 0.035])
    diff = compare(a, b)
    assert diff.mean == pytest.approx(-0.010)
    assert diff.low == pytest.approx(-0.0151318, abs=2e-7)
    assert diff.high == pytest.approx(-0.0048682, abs=2e-7)
    assert diff.outcome == "win" and compare(b, a).outcome == "loss"
    # Mean 2.2%, sd 0.2 points over 3 seeds: sqrt(4.3027^2 * 0.002^2 / 3 + 1.96^2 * 0.022 *
    # 0.978 / 1e4) = sqrt(2.46843e-5 + 8.26573e-6) = 0.0057402.
    iv = interval(a)
    assert (iv.low, iv.high) == pytest.approx((0.022 - 0.0057402, 0.022 + 0.0057402), abs=2e-7)


def test_one_seed_comparison_is_binomial_and_calls_small_differences_ties():
    """LRA 2.16% vs DTP 2.08% on 10,000 images: 1.96 * sqrt(2 * ~0.021 * 0.979 / 1e4) = 0.40
    points, far more than the 0.08 between them."""
    diff = compare(seeds_rows([0.0216]), seeds_rows([0.0208]))
    half = 1.96 * np.sqrt((0.0216 * 0.9784 + 0.0208 * 0.9792) / 1e4)
    # 1.96 is the quantile rounded: agreement to 1e-6
    assert (diff.low, diff.high) == pytest.approx((0.0008 - half, 0.0008 + half), abs=1e-6)
    assert diff.outcome == "tie"
    assert compare(seeds_rows([0.0216]), seeds_rows([0.0308])).outcome == "win"


# ----------------------------------------------------------------- old CSVs


def test_a_shipped_csv_without_validation_still_renders_and_chooses_nothing(tmp_path, capsys):
    """A CSV of runs made before the validation split (its validation columns empty, as
    the shipped reports' were until they were rerun) renders, and nothing is chosen."""
    shutil.copy(DOC / "results_full_data.md", tmp_path / "results.md")
    with open(DOC / "results_full_data_runs.csv", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    with open(tmp_path / "results_runs.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerows({**r, "val_error": "", "val_curve": ""} for r in rows)
    args = ["reproduce", "--profile", "full-data", "--from-csv", "--no-plots"]
    assert main([*args, "--report", str(tmp_path / "results.md")]) == 0
    text = (tmp_path / "results.md").read_text()
    assert "These runs predate the validation split: their CSV has no validation-error" in text
    assert "made on this same test error" in text
    assert "Chosen on validation" not in text
    with open(tmp_path / "results_runs.csv", newline="") as f:
        assert all(r["val_error"] == "" for r in csv.DictReader(f))  # nothing made up


def test_the_report_check_recomputes_every_choice_from_the_validation_column(tmp_path):
    """The shipped-report test's parser finds the choices of a report and catches a
    choice that follows test error."""
    from .test_shipped_reports import check_choices

    study = tiny(seeds=(0, 1), grid={"learning_rate_init": (0.0001, 0.01, 0.1)})
    profile = Profile("tiny", "for tests", (study,))
    runs = expand_profile(profile)
    results = run_grid(runs, tmp_path, verbose=False).results
    # make validation and test disagree: the test error ranks the settings backwards
    for result in results.values():
        result["test_error"] = 1.0 - result["val_error"]
    files = write_outputs(profile, runs, results, tmp_path, plots=False)
    text = files.report.read_text()
    with open(files.csv, newline="") as f:
        rows = list(csv.DictReader(f))
    assert check_choices(text, rows) == 1
    for row in rows:  # the same report against a CSV whose validation column was the test's
        row["val_error"] = row["test_error"]
    with pytest.raises(AssertionError):
        check_choices(text, rows)


def test_tuning_study_runs_end_to_end_and_rerenders_from_its_csv(tmp_path, capsys):
    """Search, choice on validation, retraining with the final seeds; the CSV alone gives
    the same report back."""
    from .test_shipped_reports import check_choices

    report = tmp_path / "a" / "results.md"
    args = ["reproduce", "--profile", "small", "--studies", "tuning", "--rules", "bp,lra"]
    args += ["--epochs", "1", "--results-dir", str(tmp_path / "r"), "--no-plots", "--quiet"]
    assert main([*args, "--report", str(report)]) == 0
    assert "Trained 12 configurations" in capsys.readouterr().out  # 4 + 4 searched, 2 x 2 final
    text = report.read_text()
    with open(tmp_path / "a" / "results_runs.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["kind"] for r in rows} == {"tuning", "tuned"}
    assert {r["seed"] for r in rows if r["kind"] == "tuned"} == {"1", "2"}
    assert check_choices(text, rows) == 2
    assert "Test error (%) of each rule's chosen configuration, retrained" in text
    assert "LRA " in text.split("With the same budget for every rule")[1]
    copy = tmp_path / "b" / "results.md"
    copy.parent.mkdir()
    shutil.copy(report, copy)
    shutil.copy(tmp_path / "a" / "results_runs.csv", tmp_path / "b" / "results_runs.csv")
    assert main([*args, "--report", str(copy), "--from-csv"]) == 0
    rerendered = [line for line in copy.read_text().splitlines() if "re-rendered" not in line]
    assert rerendered == text.splitlines()

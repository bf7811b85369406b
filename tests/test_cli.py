"""The command line: the digits demo and the reproduce sub-command are wired up."""

import sys
import warnings

import pytest

import sklearn_lra.experiments.cli as reproduce_cli
from sklearn_lra._cli import build_parser, main
from sklearn_lra._demo import BP_ZEROS_NOTE, format_table, run_demo


def test_demo_prints_a_progress_line_per_model_and_a_table():
    """The demo trains LRA and BP from normal and zero init and prints a table."""
    lines = []
    rows = run_demo(hidden_layer_sizes=(32,), max_iter=30, out=lines.append)
    assert [(r["rule"], r["init"]) for r in rows] == [
        ("LRA", "normal"),
        ("BP", "normal"),
        ("LRA", "zeros"),
        ("BP", "zeros"),
    ]
    assert sum("] training " in line for line in lines) == 4
    assert lines[-len(rows) - 2 :] == format_table(rows)
    by = {(r["rule"], r["init"]): r["accuracy"] for r in rows}
    assert by[("LRA", "zeros")] > 0.8 > 0.2 > by[("BP", "zeros")]


def test_main_runs_the_demo(capsys):
    """`python -m sklearn_lra demo` with small settings exits with 0 and prints the table."""
    assert main(["demo", "--hidden", "16", "--epochs", "3"]) == 0
    assert "| rule | init | test accuracy |" in capsys.readouterr().out


def test_demo_says_bp_fails_from_zeros_and_lets_no_warning_escape(capsys):
    """The demo's expected BP-from-zeros failure is a sentence of its output, not a
    warning attributed to the interpreter's machinery (``<frozen runpy>``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["demo", "--hidden", "16", "--epochs", "20"]) == 0
    assert [str(w.message) for w in caught] == []
    out = capsys.readouterr().out
    assert BP_ZEROS_NOTE in out
    # Said once, right after BP's zero-init row, and no other warning is shown.
    assert out.count(BP_ZEROS_NOTE) == 1
    assert "warning (" not in out


def test_reproduce_is_a_sub_command():
    """The parser knows the reproduce sub-command and its profiles."""
    args = build_parser().parse_args(["reproduce", "--profile", "small", "--dry-run"])
    assert args.profile == "small" and args.dry_run


def test_unknown_command_is_an_error():
    """An unknown sub-command exits with argparse's usage error."""
    with pytest.raises(SystemExit):
        main(["train"])


def _help(*argv, capsys):
    """The text ``--help`` prints for a (sub-)command."""
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


def test_reproduce_help_lists_profiles_studies_and_safe_examples(capsys):
    """The help names every profile with its data and time, every study, and
    its examples write nowhere near the reports shipped in doc/."""
    from sklearn_lra.experiments._profiles import PROFILES

    text = _help("reproduce", capsys=capsys)
    assert "STUDIE" not in text and "--studies STUDY" in text
    for name, profile in PROFILES.items():
        assert f"  {name}:\n" in text
        for study in profile.studies:
            assert study.name in text
    assert "hours" in text and "minutes" in text
    examples = text.split("examples:", 1)[1]
    assert examples.count("python -m sklearn_lra reproduce") >= 4
    assert "doc/" not in examples.split("The reports shipped in doc/")[0]


def test_demo_help_describes_the_demo(capsys):
    """``demo --help`` says what the demo trains and shows examples."""
    text = _help("demo", capsys=capsys)
    assert "digits" in text and "all-zero" in text and "examples:" in text


@pytest.fixture
def no_training(monkeypatch):
    """Make any training (or report re-rendering) fail the test."""

    def trained(*args, **kwargs):
        raise AssertionError("reproduce started training before checking its dependencies")

    monkeypatch.setattr(reproduce_cli, "run_grid", trained)
    monkeypatch.setattr(reproduce_cli, "_rerender", trained)


def test_reproduce_without_matplotlib_fails_before_training(
    tmp_path, monkeypatch, capsys, no_training
):
    """`reproduce --profile small` checks for matplotlib first and names the extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    status = main(["reproduce", "--profile", "small", "--results-dir", str(tmp_path)])
    assert status == 2
    err = capsys.readouterr().err
    assert 'pip install "sklearn-lra[plot]"' in err and "nothing was trained" in err
    assert not list(tmp_path.iterdir())


def test_reproduce_without_pooch_fails_before_training_when_data_must_be_downloaded(
    tmp_path, monkeypatch, capsys, no_training
):
    """MNIST found nowhere locally needs pooch to download: checked before training."""
    monkeypatch.setitem(sys.modules, "pooch", None)
    monkeypatch.chdir(tmp_path)  # no shared/data above the working directory
    monkeypatch.delenv("SKLEARN_LRA_MNIST", raising=False)
    argv = ["reproduce", "--profile", "full-data", "--datasets", "mnist", "--no-plots"]
    argv += ["--max-configs", "1", "--results-dir", str(tmp_path / "results")]
    assert main([*argv, "--data-home", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert 'pip install "sklearn-lra[datasets]"' in err and "mnist" in err
    assert "matplotlib" not in err


def test_reproduce_checks_nothing_it_will_not_need(tmp_path, monkeypatch):
    """--no-plots needs no matplotlib; the bundled digits need no pooch."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "pooch", None)
    args = build_parser().parse_args(["reproduce", "--profile", "small", "--no-plots"])
    runs = reproduce_cli.expand_profile(reproduce_cli.get_profile("small"))
    assert reproduce_cli.missing_dependencies(args, runs, str(tmp_path)) == []

"""The command line: the digits demo and the reproduce sub-command are wired up."""

import pytest

from sklearn_lra._cli import build_parser, main
from sklearn_lra._demo import format_table, run_demo


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


def test_reproduce_is_a_sub_command():
    """The parser knows the reproduce sub-command and its profiles."""
    args = build_parser().parse_args(["reproduce", "--profile", "small", "--dry-run"])
    assert args.profile == "small" and args.dry_run


def test_unknown_command_is_an_error():
    """An unknown sub-command exits with argparse's usage error."""
    with pytest.raises(SystemExit):
        main(["train"])

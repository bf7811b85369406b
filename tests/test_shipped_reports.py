"""The reports shipped in ``doc/`` agree with the CSV of runs written next to them.

Every ``mean ± std`` of a report's tables is recomputed here from the CSV,
independently of the runner's table code, in both directions: each setting of
the CSV appears in the report, and each figure of the report comes from the
CSV. A hand-edited number or a report left behind by a rerun fails.
"""

import csv
import re
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "doc"
REPORTS = ["results", "results_full_data", "results_null_init_20_epochs"]
SETTING = ("study", "dataset", "n_train", "depth", "activation", "init", "variant", "rule")
FIGURE = re.compile(r"(\d+\.\d\d) ± (\d+\.\d\d)")


def _runs(name):
    with open(DOC / f"{name}_runs.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _figures_from_csv(runs):
    """``(mean, std)`` of every setting: test error in percent, sample std over seeds."""
    errors = defaultdict(list)
    for run in runs:
        if run["status"] in ("ok", "diverged"):
            errors[tuple(run[k] for k in SETTING)].append(100 * float(run["test_error"]))
    return {
        setting: (statistics.mean(e), statistics.stdev(e) if len(e) > 1 else 0.0)
        for setting, e in errors.items()
    }


def _figures_of_report(name):
    """``(mean, std)`` of every ``mean ± std`` in a report's tables (not its verdict)."""
    text = (DOC / f"{name}.md").read_text(encoding="utf-8").split("\n## Verdict")[0]
    tables = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    return [(float(m), float(s)) for m, s in FIGURE.findall(tables)]


def _printed_as(figure, printed):
    """Whether ``printed`` (two decimals) is ``figure`` rounded, up to the last bit."""
    return all(abs(a - b) <= 0.005 + 1e-9 for a, b in zip(figure, printed))


@pytest.mark.parametrize("name", REPORTS)
def test_every_setting_of_the_csv_is_in_its_report(name):
    printed = _figures_of_report(name)
    figures = _figures_from_csv(_runs(name))
    assert len(figures) >= 25  # the smallest report: 5 rules x 5 activations
    missing = {
        setting: figure
        for setting, figure in figures.items()
        if not any(_printed_as(figure, p) for p in printed)
    }
    assert not missing


@pytest.mark.parametrize("name", REPORTS)
def test_every_figure_of_the_report_comes_from_the_csv(name):
    figures = list(_figures_from_csv(_runs(name)).values())
    printed = _figures_of_report(name)
    assert len(printed) >= 25
    stray = [p for p in printed if not any(_printed_as(f, p) for f in figures)]
    assert not stray


@pytest.mark.parametrize("name", REPORTS)
def test_report_counts_the_configurations_of_its_csv(name):
    text = (DOC / f"{name}.md").read_text(encoding="utf-8")
    runs = _runs(name)
    stated = re.search(r"Configurations: (\d+) distinct .*?, (\d+) runs over the studies", text)
    assert stated, "the report states how many configurations it holds"
    assert int(stated.group(1)) == len({run["key"] for run in runs})
    assert int(stated.group(2)) == len(runs)

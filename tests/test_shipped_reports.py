"""The reports shipped in ``doc/`` agree with the CSV of runs written next to them.

Every ``mean ± std`` of a report's tables is recomputed here from the CSV,
independently of the runner's table code, in both directions: each setting of
the CSV appears in the report, and each figure of the report comes from the
CSV (its test error, or its validation error where the CSV has one). A
hand-edited number or a report left behind by a rerun fails. Every choice a
report prints is recomputed from the validation column; a report whose CSV has
none must say so and choose nothing.
"""

import csv
import re
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "doc"
REPORTS = ["results", "results_full_data", "results_null_init_20_epochs"]
SETTING = ("study", "kind", "dataset", "n_train", "depth", "activation", "init", "variant", "rule")
FIGURE = re.compile(r"(\d+\.\d\d) ± (\d+\.\d\d)")
#: Runs whose test error is never reported: a tuning study's search.
SEARCH_KINDS = ("tuning",)


def _runs(name):
    with open(DOC / f"{name}_runs.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _figures_from_csv(runs, column="test_error"):
    """``(mean, std)`` of every setting: an error in percent, sample std over seeds."""
    errors = defaultdict(list)
    for run in runs:
        if run["status"] in ("ok", "diverged") and run.get(column):
            if column == "test_error" and run["kind"] in SEARCH_KINDS:
                continue
            errors[tuple(run[k] for k in SETTING)].append(100 * float(run[column]))
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
    runs = _runs(name)
    figures = [*_figures_from_csv(runs).values(), *_figures_from_csv(runs, "val_error").values()]
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


def _has_validation(runs):
    return all(run.get("val_error") for run in runs if run["status"] in ("ok", "diverged"))


def _chosen_in_report(text):
    """``(study, {column: value}, chosen)`` of every row of a 'Chosen on validation' table."""
    columns = {"data set": "dataset", "depth": "depth", "activation": "activation"}
    columns.update(init="init", rule="rule", width="width")
    chosen = []
    for block in text.split("Chosen on validation error in study `")[1:]:
        study = block.split("`", 1)[0]
        lines = [line for line in block.split("\n\n", 2)[1].splitlines() if line.startswith("|")]
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        column = header.index("chosen on validation")
        for line in lines[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            setting = {columns[h]: c for h, c in zip(header, cells) if h in columns}
            chosen.append((study, setting, cells[column]))
    return chosen


def _lowest_validation(runs, study, setting):
    """The variant of ``study`` with the lowest mean validation error within ``setting``."""
    errors = defaultdict(list)
    for run in runs:
        if run["study"] != study or run["kind"] == "tuned":
            continue  # a tuning study chooses on its search only
        if run["status"] in ("ok", "diverged") and all(run[k] == v for k, v in setting.items()):
            errors[run["variant"]].append(float(run["val_error"]))
    assert errors, (study, setting)
    return min(errors, key=lambda v: statistics.mean(errors[v]))


def check_choices(text, runs):
    """Every choice printed in a report is the lowest validation error of the CSV.

    Returns
    -------
    n_checked : int
    """
    if not _has_validation(runs):
        assert "These runs predate the validation split" in text.split("## How")[0]
        assert "made on this same test error" in text.split("## How")[0]
        assert "Chosen on validation" not in text
        return 0
    assert "**Selection protocol.** Every run trains on the training rows only" in text
    choices = _chosen_in_report(text)
    for study, setting, chosen in choices:
        assert chosen == _lowest_validation(runs, study, setting), (study, setting)
    return len(choices)


@pytest.mark.parametrize("name", REPORTS)
def test_no_choice_of_a_report_is_made_on_test_error(name):
    text = (DOC / f"{name}.md").read_text(encoding="utf-8")
    check_choices(text, _runs(name))


#: The provenance lines that record a re-render itself (its date; the runs whose
#: configuration hash changed since the CSV was written): not part of the layout.
RERENDER_NOTES = re.compile(
    r"^- (Report and figures re-rendered from the CSV on |\d+ runs of the CSV were matched)"
)


def _without_rerender_notes(text):
    """``text`` without the lines of :data:`RERENDER_NOTES`."""
    return [line for line in text.splitlines() if not RERENDER_NOTES.match(line)]


def test_rerendering_a_report_from_its_csv_gives_the_shipped_page(tmp_path, monkeypatch):
    """The writer writes the shipped layout: the smallest report, re-rendered, is unchanged.

    ``--from-csv`` on a copy of the report and its CSV (it trains nothing and
    keeps the copy's date, hardware and versions) gives the shipped page line
    for line, apart from the notes that record the re-render itself.
    """
    pytest.importorskip("matplotlib")
    from sklearn_lra.experiments.cli import main

    name = "results_null_init_20_epochs"
    (tmp_path / "doc").mkdir()
    for suffix in (".md", "_runs.csv"):
        (tmp_path / "doc" / f"{name}{suffix}").write_bytes((DOC / f"{name}{suffix}").read_bytes())
    monkeypatch.chdir(tmp_path)
    argv = ["reproduce", "--profile", "full", "--studies", "null_init", "--datasets", "mnist"]
    argv += ["--n-jobs", "2", "--report", f"doc/{name}.md", "--from-csv", "--quiet"]
    assert main(argv) == 0
    shipped = (DOC / f"{name}.md").read_text(encoding="utf-8")
    rendered = (tmp_path / "doc" / f"{name}.md").read_text(encoding="utf-8")
    assert _without_rerender_notes(rendered) == _without_rerender_notes(shipped)
    assert rendered.endswith("\n") and shipped.endswith("\n")
    appendix = f"{name}_appendix.md"
    assert (tmp_path / "doc" / appendix).read_text(encoding="utf-8") == (DOC / appendix).read_text(
        encoding="utf-8"
    )

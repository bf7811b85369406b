"""The benchmark scripts' sections run and report what they claim (tiny sizes, no timing)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import sklearn_lra

FOLDER = Path(__file__).resolve().parents[1] / "benchmarks" / "speed"


def load_script(name):
    """A speed benchmark imported by path (with its folder importable, for ``_common``)."""
    if str(FOLDER) not in sys.path:
        sys.path.insert(0, str(FOLDER))
    spec = importlib.util.spec_from_file_location(name, FOLDER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quiet_report():
    return load_script("_common").Report(quiet=True)


def tables_of(report):
    return [part for part in report.parts if part.startswith("**") or part.startswith("| ")]


def test_every_script_is_run_by_the_runner_or_documented_apart():
    runner = load_script("run_benchmarks")
    scripts = {p.name for p in FOLDER.glob("*.py") if not p.name.startswith("_")}
    apart = {"run_benchmarks.py", "threads.py"}
    assert set(runner.SCRIPTS) == scripts - apart


def test_every_script_sits_in_one_part_and_is_in_the_index():
    """benchmarks/ holds three parts; its README names every script of each."""
    root = FOLDER.parent
    assert {p.name for p in root.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "speed",
        "tabular",
        "studies",
    }
    assert not list(root.glob("*.py"))
    index = (root / "README.md").read_text(encoding="utf-8")
    for part in ("speed", "tabular", "studies"):
        for script in (root / part).glob("*.py"):
            if not script.name.startswith("_"):
                assert f"`{script.name}`" in index, f"{part}/{script.name}"


def test_profile_section_ranks_the_functions_of_one_epoch():
    """A table per profiled estimator, rows ranked by own time, shares summing to <= 100%."""
    bench = load_script("profile_epoch")
    rng = np.random.RandomState(0)
    X, y = rng.rand(300, 784).astype(np.float32), rng.randint(0, 10, 300)
    report = quiet_report()
    rules = (sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier)
    bench.profile_section(X, y, {"n_train": 200, "batches": (50,)}, report, rules=rules)
    tables = [part for part in report.parts if part.startswith("**")]
    titles = [t.splitlines()[0] for t in tables]
    assert titles == ["**BPClassifier, batch 50**", "**LRAClassifier, batch 50**"]
    for table in tables:
        rows = [line.split(" | ") for line in table.splitlines()[4:] if line.startswith("| `")]
        own = [float(row[2]) for row in rows]
        assert len(rows) == bench.PROFILE_TOP and own == sorted(own, reverse=True)
        assert sum(float(row[3].rstrip(" |%")) for row in rows) <= 100 + len(rows)
    assert any("matmul_into" in part for part in tables)


class _CountingNumpy:
    """numpy, with the multiply-adds of every ``matmul`` counted."""

    def __init__(self):
        self.multiply_adds = 0

    def __getattr__(self, name):
        return getattr(np, name)

    def matmul(self, a, b, out=None):
        self.multiply_adds += a.shape[0] * a.shape[1] * b.shape[1]
        return np.matmul(a, b, out=out)


def test_dtp_products_are_the_floor_less_the_lower_backward_plus_five_per_inverse(monkeypatch):
    """Counted multiply-adds of one minibatch equal the count written out by hand."""
    bench = load_script("profile_epoch")
    units, b = (6, 5, 4, 3, 2), 7
    counter = _CountingNumpy()
    monkeypatch.setattr(bench, "np", counter)
    bench.DTPProducts(units, b, b, np.float64)._epoch()
    dtp = counter.multiply_adds
    counter.multiply_adds = 0
    monkeypatch.setattr(bench.c, "np", counter)
    bench.c.MatmulFloor(units, b, b, np.float64)._epoch()
    layers = [6 * 5, 5 * 4, 4 * 3, 3 * 2]  # n_{l-1} n_l of each weight matrix
    floor = b * (sum(layers) + sum(layers) + sum(layers[1:]))  # forward, gradient, backward
    assert counter.multiply_adds == floor
    # DTP: forward and gradients, the top backward product, and five products the
    # size of W_l per hidden layer with an inverse V_l (shaped as W_l^T): l = 2, 3.
    assert dtp == b * (2 * sum(layers) + layers[-1] + 5 * (layers[1] + layers[2]))


def test_epoch_targets_compare_the_right_ratios():
    """Made-up times: each target's ratio is the median of per-round ratios, judged by its limit."""
    bench = load_script("epoch_cost")
    names = {"matrix-product floor": 1.0, "MLPClassifier(sgd)": 2.0, "BPClassifier": 1.1}
    names.update({"LRAClassifier": 1.3, "DTPClassifier": 2.5})
    times = {name: [t, t, t] for name, t in names.items()}
    report = quiet_report()
    bench.targets_section({("float32", 50): times}, {"batches": (50,)}, report)
    rows = {row[0]: row[1:] for row in _rows(report.parts[-1])}
    assert rows["BPClassifier / matrix-product floor, batch 50"] == ["1.10", "<= 1.15", "PASS"]
    assert rows["LRAClassifier / matrix-product floor, batch 50"] == ["1.30", "<= 1.25", "FAIL"]
    assert rows["DTPClassifier / matrix-product floor, batch 50"] == ["2.50", "<= 2.0", "FAIL"]
    assert rows["LRAClassifier / BPClassifier, batch 50"][-1] == "PASS"


class _FakeRunner:
    """Accuracy after each epoch from a list; each epoch 'takes' a fixed time."""

    def __init__(self, accuracies):
        self.accuracies, self.n = accuracies, 0

    def epoch(self, X, y):
        self.n += 1

    def accuracy(self, X, y):
        return self.accuracies[self.n - 1]


def test_time_to_accuracy_records_the_first_epoch_reaching_each_target(monkeypatch):
    bench = load_script("time_to_accuracy")
    monkeypatch.setattr(bench.c, "timed", lambda fn: (fn(), 2.0)[1])  # every epoch: 2 s
    runners = {"fast": _FakeRunner([0.5, 0.9, 0.99]), "slow": _FakeRunner([0.5, 0.6, 0.7, 0.96])}
    data = (None, None, None, None)
    reached, curves, clock = bench.race(runners, data, max_epochs=4, targets=(0.8, 0.95))
    assert reached["fast"] == {0.8: (2, 4.0), 0.95: (3, 6.0)}
    assert reached["slow"] == {0.95: (4, 8.0), 0.8: (4, 8.0)}
    assert len(curves["fast"]) == 3  # it stops once every target is reached
    report = quiet_report()
    cfg = {"targets": (0.8, 0.95), "seeds": (0,), "max_epochs": 4}
    bench.report_results([(reached, curves, clock)], report, cfg)
    rows = {row[0]: row[1:] for row in _rows(report.parts[1])}
    assert rows["fast"][:4] == ["2", "4.0", "3", "6.0"]


class _FakeFold:
    """A fold runner whose CV accuracy after each epoch comes from a list."""

    def __init__(self, accuracies):
        self.accuracies, self.n, self.fits = accuracies, 0, []

    def epoch(self, X, y):
        self.n += 1

    def accuracy(self, X, y):
        return self.accuracies[self.n - 1]

    def fit(self, X, y, epochs):
        self.fits.append(epochs)
        self.n = epochs
        return self


def test_tabular_race_finds_the_first_epoch_whose_cv_accuracy_reaches_the_target(monkeypatch):
    bench = load_script("time_to_accuracy_tabular")
    data = [(None, None, None, None)] * 2
    # Fold means: fast 0.6, 0.8 (reached at 2); slow 0.5, 0.6, 0.7 (never).
    entries = {
        "fast": [_FakeFold([0.5, 0.9, 0.9]), _FakeFold([0.7, 0.7, 0.7])],
        "slow": [_FakeFold([0.5, 0.6, 0.7]), _FakeFold([0.5, 0.6, 0.7])],
    }
    raced = bench.race(entries, data, target=0.8, max_epochs=3)
    assert raced == {"fast": (2, 0.8), "slow": (None, 0.7)}
    assert [f.n for f in entries["fast"]] == [2, 2]  # it stops at the target
    monkeypatch.setattr(bench.c, "timed", lambda fn: (fn(), 1.5)[1])
    timed = bench.time_fits(entries, data, {"fast": 2, "slow": None}, rounds=3)
    assert timed == {"fast": (3.0, 0.8)}  # two folds of 1.5 s each; the fits' CV accuracy
    assert entries["fast"][0].fits == [2, 2, 2] and entries["slow"][0].fits == []


def test_tabular_targets_count_tables_the_entry_missed():
    bench = load_script("time_to_accuracy_tabular")

    def row(table, entry, seconds):
        epochs = None if seconds is None else 3
        return dict(
            table=table,
            target=0.8,
            entry=entry,
            epochs=epochs,
            seconds=seconds,
            fit_accuracy=None,
            best=0.8,
        )

    rows = [
        row("a", "BPClassifier(adam)", 1.0),
        row("a", "MLPClassifier(adam)", 2.0),
        row("b", "BPClassifier(adam)", 1.0),
        row("b", "MLPClassifier(adam)", 4.0),
        row("c", "BPClassifier(adam)", None),
        row("c", "MLPClassifier(adam)", 1.0),
    ]
    report = quiet_report()
    bench.report_targets(rows, report)
    rows = {row[0]: row[1:] for row in _rows(report.parts[-1])}
    assert list(rows)[-1] == "BPClassifier(adam) / MLPClassifier(adam)"  # the only pair present
    assert rows["BPClassifier(adam) / MLPClassifier(adam)"] == [
        "0.38",
        "0.25 to 0.50",
        "2 of 2",
        "0.38",
        "1 / 0 / 0",
        "<= 0.6",
        "FAIL",
    ]


def test_tabular_csv_round_trip(tmp_path):
    bench = load_script("time_to_accuracy_tabular")
    rows = [
        dict(
            table="a",
            target=0.8,
            entry="x",
            epochs=None,
            seconds=None,
            fit_accuracy=None,
            best=0.75,
        ),
        dict(table="a", target=0.8, entry="y", epochs=4, seconds=0.5, fit_accuracy=0.81, best=0.82),
    ]
    bench.write_csv(rows, tmp_path / "r.csv")
    assert bench.read_csv(tmp_path / "r.csv") == rows


def test_threads_report_judges_load_and_idle_ratios():
    bench = load_script("threads")
    versions = {"this checkout": Path("."), "baseline": Path(".")}
    seconds = {
        ("2 busy processes", "this checkout", "default"): 1.1,
        ("2 busy processes", "this checkout", "one thread"): 1.0,
        ("2 busy processes", "baseline", "default"): 3.0,
        ("2 busy processes", "baseline", "one thread"): 1.0,
        ("idle", "this checkout", "default"): 1.0,
        ("idle", "this checkout", "one thread"): 1.5,
        ("idle", "baseline", "default"): 0.9,
        ("idle", "baseline", "one thread"): 1.5,
    }
    results = {}
    for network in bench.NETWORKS:
        for (load, version, setting), s in seconds.items():
            r = {"seconds": s, "threads": [1], "score": 0.9}
            results[load, version, network, setting] = [r]
    report = quiet_report()
    bench.report_results(results, versions, report)
    rows = {row[0]: row[1:] for row in _rows(report.parts[-1])}
    network = next(iter(bench.NETWORKS))
    loaded = f"{network}, this checkout: default / one thread, next to busy processes"
    assert rows[loaded] == ["1.10", "<= 1.2", "PASS"]
    idle = f"{network}: this checkout / baseline, default settings, idle"
    assert rows[idle] == ["1.11", "<= 1.05", "FAIL"]


def test_float32_pair_trains_both_dtypes_on_float64_input():
    bench = load_script("float32_training")
    rng = np.random.RandomState(0)
    X, y = rng.rand(60, 5), rng.randint(0, 2, 60)
    est = sklearn_lra.BPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    pair = bench.fit_pair(est, X, y, X, y)
    assert set(pair) == {None, "float32"}
    for seconds, epochs, score in pair.values():
        assert seconds > 0 and epochs == 2 and 0 <= score <= 1
    assert est.get_params()["dtype"] is None  # the estimator given is left alone


@pytest.mark.parametrize(
    "name",
    [
        "epoch_cost",
        "predict_throughput",
        "scaling",
        "float32_training",
        "time_to_accuracy",
        "time_to_accuracy_tabular",
    ],
)
def test_scripts_have_a_quick_and_a_full_mode(name):
    assert set(load_script(name).MODES) == {"quick", "full"}


def _rows(table):
    """The body rows of a Markdown table, as lists of stripped cells."""
    lines = [line for line in table.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]

"""The benchmark script's sections run and report what they claim (tiny sizes)."""

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "run_benchmarks.py"


def load_script():
    spec = importlib.util.spec_from_file_location("run_benchmarks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_profile_section_ranks_the_functions_of_one_epoch():
    """A table per profiled estimator, rows ranked by own time, shares summing to <= 100%."""
    bench = load_script()
    rng = np.random.RandomState(0)
    X, y = rng.rand(300, 784).astype(np.float32), rng.randint(0, 10, 300)
    report = bench.Report()
    report.add = report.parts.append  # keep the test quiet
    bench.profile_section(X, y, {"n_train": 200}, report)
    tables = [part for part in report.parts if part.startswith("**")]
    assert [t.splitlines()[0] for t in tables] == ["**BPClassifier**", "**LRAClassifier**"]
    for table in tables:
        rows = [line.split(" | ") for line in table.splitlines()[4:] if line.startswith("| `")]
        own = [float(row[2]) for row in rows]
        assert len(rows) == bench.PROFILE_TOP and own == sorted(own, reverse=True)
        assert sum(float(row[3].rstrip(" |%")) for row in rows) <= 100 + len(rows)
    assert any("matmul_into" in part for part in tables)

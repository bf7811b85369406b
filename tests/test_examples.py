"""Every example in examples/ runs cleanly, quickly, and has a gallery header."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))


def test_examples_are_found():
    """The glob finds the gallery, so a moved directory cannot pass silently."""
    assert len(EXAMPLES) >= 4
    assert (EXAMPLES[0].parent / "README.txt").is_file()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_has_a_gallery_title(path):
    """The module docstring opens with a title over a line of '=' as long as it."""
    lines = ast.get_docstring(ast.parse(path.read_text())).splitlines()
    title, underline = lines[1], lines[2]
    assert set(lines[0]) == {"="} and title.strip() and set(underline) == {"="}
    assert len(underline) >= len(title)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, tmp_path):
    """The example exits cleanly with the Agg backend and writes no file."""
    env = {**os.environ, "MPLBACKEND": "Agg", "SKLEARN_LRA_EXAMPLE_QUICK": "1"}
    # One BLAS thread: on a busy machine OpenBLAS threads spin-wait on these
    # small matrices and make training tens of times slower.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    # As in the test suite's own configuration, deprecations are errors.
    command = [sys.executable, "-W", "error::FutureWarning", "-W", "error::DeprecationWarning"]
    proc = subprocess.run(
        [*command, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list(tmp_path.iterdir()) == []

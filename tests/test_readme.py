"""README.md's quick start runs as shown, prints what it shows and warns only as it shows.

The python code blocks of README.md, joined in order, are saved as a script and run
with ``python`` in a new process. Lines of the form ``#> text`` are what the script
prints, in order; lines ``#! Category: message`` are the warnings it raises (stderr
is read for ``Category:``). Printed numbers may differ from the shown ones by 0.03
(BLAS and platform rounding); a larger difference means README is out of date.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NUMBER = re.compile(r"\d+\.\d+")
TOLERANCE = 0.03


def _code():
    """The README's python blocks, joined."""
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    assert blocks, "README.md has no python code block"
    return "\n".join(blocks)


def _shown(code, marker):
    """The lines README shows after ``marker`` (``#>`` output, ``#!`` warnings)."""
    return [
        line.strip()[len(marker) :].strip()
        for line in code.splitlines()
        if line.strip().startswith(marker)
    ]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The README's code run as a script in an empty folder."""
    code = _code()
    folder = tmp_path_factory.mktemp("readme")
    script = folder / "readme.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env.pop("PYTHONWARNINGS", None)
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return code, proc


def test_readme_is_short():
    """A user reads the README in a few minutes: at most 150 lines."""
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 150


def test_readme_keeps_the_ci_commands():
    """README holds the install + demo and install + tests commands that ``.ci/run`` runs."""
    text = README.read_text(encoding="utf-8")
    assert 'pip install ".[test]" && python -m pytest -q' in text
    assert "pip install . && python -m sklearn_lra demo" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install ".[test]"' in ci and "python -m pytest -q" in ci


def test_readme_example_is_a_tabular_workflow():
    """The quick start is a Pipeline with a ColumnTransformer on a DataFrame, then a search."""
    code = _code()
    for needle in ("pd.DataFrame", "ColumnTransformer", "np.nan", "GridSearchCV", 'init="zeros"'):
        assert needle in code


def test_readme_example_prints_what_it_shows(run):
    """Each printed line is the ``#>`` line shown, numbers within the tolerance."""
    code, proc = run
    shown = _shown(code, "#>")
    printed = proc.stdout.splitlines()
    assert len(printed) == len(shown), (printed, shown)
    for got, want in zip(printed, shown):
        assert NUMBER.sub("N", got) == NUMBER.sub("N", want), (got, want)
        for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)):
            assert abs(float(a) - float(b)) <= TOLERANCE, (got, want)


def test_readme_example_warns_only_as_it_shows(run):
    """Every warning printed is shown with a ``#!`` line, and every one shown is printed."""
    code, proc = run
    shown = sorted(line.split(":", 1)[0] for line in _shown(code, "#!"))
    printed = sorted(re.findall(r"^\S+:\d+: (\w+): ", proc.stderr, re.M))
    assert printed == shown, proc.stderr[-3000:]

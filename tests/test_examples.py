"""Every example in examples/ has a gallery header and reads as an example.

The gallery build of ``tests/test_docs.py`` runs them.
"""

import ast
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
def test_example_has_no_test_plumbing(path):
    """An example reads like one: no environment switches for the test suite.

    The examples are fast by design (the bundled digits, small networks, a
    few dozen epochs); ``tests/test_docs.py`` runs each one, as the gallery
    build does, and checks that it drew its figures and wrote no file.
    """
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv" not in source
    assert "SKLEARN_LRA_" not in source

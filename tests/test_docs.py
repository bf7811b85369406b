"""The documentation builds with Sphinx, offline, with every warning an error.

Needs the ``doc`` extra. Without it the test is skipped, unless the environment
variable ``SKLEARN_LRA_REQUIRE_DOCS=1`` is set (as CI does), when it fails. The
gallery's pages are built without running the examples
(``SKLEARN_LRA_DOCS_RUN_EXAMPLES=0``): ``tests/test_examples.py`` runs them.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sklearn_lra
import sklearn_lra.datasets

from ._requirements import require_modules

ROOT = Path(__file__).resolve().parents[1]

#: Import names of what ``doc/conf.py`` loads (the ``doc`` extra).
DOC_MODULES = (
    "sphinx",
    "numpydoc",
    "sphinx_gallery",
    "myst_parser",
    "pydata_sphinx_theme",
    "matplotlib",
)

#: Seconds the build may take before the test gives up on it.
BUILD_TIMEOUT = 600


def _copy_sources(dest):
    """``doc/`` (without build products) and ``examples/`` under ``dest``."""
    ignore = shutil.ignore_patterns("_build", "generated", "auto_examples", "__pycache__")
    shutil.copytree(ROOT / "doc", dest / "doc", ignore=ignore)
    if (ROOT / "examples").is_dir():
        shutil.copytree(ROOT / "examples", dest / "examples", ignore=ignore)
    return dest / "doc"


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """Build the docs once into a temporary folder; returns the HTML folder."""
    require_modules(DOC_MODULES, "SKLEARN_LRA_REQUIRE_DOCS", "doc")
    tmp = tmp_path_factory.mktemp("docs")
    # A copy, so that the build writes nothing into the work tree.
    doc = _copy_sources(tmp / "src")
    out = tmp / "html"
    env = {
        **os.environ,
        "SKLEARN_LRA_DOCS_RUN_EXAMPLES": "0",
        # Document the package under test, wherever it is imported from.
        "PYTHONPATH": os.pathsep.join(
            [str(Path(sklearn_lra.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]
        ),
    }
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", doc, out]
    proc = subprocess.run(
        [str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT
    )
    assert proc.returncode == 0, f"sphinx failed:\n{proc.stdout[-5000:]}\n{proc.stderr[-10000:]}"
    return out


def test_docs_build_without_warnings(html):
    """``sphinx -W`` succeeds and writes the front page."""
    assert (html / "index.html").is_file()


def test_every_public_object_has_an_api_page(html):
    """Each name of ``sklearn_lra.__all__`` and each data loader gets its own page."""
    names = [f"sklearn_lra.{n}" for n in sklearn_lra.__all__ if not n.startswith("_")]
    names += [f"sklearn_lra.datasets.{n}" for n in sklearn_lra.datasets.__all__]
    missing = [n for n in names if not (html / "generated" / f"{n}.html").is_file()]
    assert not missing


@pytest.mark.parametrize(
    "page",
    [
        "install",
        "quick_start",
        "user_guide/lra",
        "user_guide/bp",
        "user_guide/fa",
        "user_guide/dfa",
        "user_guide/dtp",
        "reconstruction",
        "results",
        "auto_examples/index",
    ],
)
def test_page_is_built(html, page):
    """The guide, the reconstruction notes, the gallery and the results are in the site."""
    assert (html / f"{page}.html").is_file()


def test_inspection_is_documented_when_importable(html):
    """``sklearn_lra.inspection`` has its API page exactly when it can be imported."""
    importable = importlib.util.find_spec("sklearn_lra.inspection") is not None
    assert (html / "api" / "inspection.html").is_file() == importable

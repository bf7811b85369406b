"""The code of ``doc/deploying.rst`` runs as it stands.

Needs the ``onnx``, ``persist`` and ``distributed`` extras. Without them the
test is skipped, unless ``SKLEARN_LRA_REQUIRE_ONNX=1`` is set (as CI does),
when it fails.
"""

import re
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from ._requirements import require_modules

PAGE = Path(__file__).resolve().parents[1] / "doc" / "deploying.rst"

MODULES = ("skl2onnx", "onnxruntime", "skops", "dask", "distributed", "dask_ml")


def _python_blocks(text):
    """The bodies of the page's ``.. code-block:: python`` directives, dedented."""
    blocks = []
    for match in re.finditer(r"^\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text, re.M):
        lines = match.group(1).rstrip("\n").splitlines()
        blocks.append("\n".join(line[3:] for line in lines))
    return blocks


def test_page_has_the_four_sections_code():
    """ONNX, skops, dask-ml and the Dask search each have code on the page."""
    code = "\n".join(_python_blocks(PAGE.read_text()))
    for needle in ("skl2onnx.to_onnx", "sio.get_untrusted_types", "Incremental(", 'backend="dask"'):
        assert needle in code


def test_page_code_runs(tmp_path, monkeypatch):
    """Every python block, in order, in one namespace, in an empty folder."""
    require_modules(MODULES, "SKLEARN_LRA_REQUIRE_ONNX", "onnx,persist,distributed")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for block in _python_blocks(PAGE.read_text()):
            exec(compile(block, str(PAGE), "exec"), namespace)  # noqa: S102
    assert (tmp_path / "model.skops").is_file()
    assert set(namespace["search"].best_params_) == {"beta", "form", "max_iter"}

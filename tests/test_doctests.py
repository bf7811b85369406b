"""Every example in the docstrings of sklearn_lra runs as shown, and warns nothing.

pytest's ``--doctest-modules`` would need the package's modules on its command
line; here ``doctest`` runs the examples of each module the package holds, one
test per docstring, so that ``python -m pytest`` runs them too.
"""

import doctest
import importlib
import pkgutil
import re
import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

import sklearn_lra

from ._requirements import require_modules

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Modules that run a program when imported (``python -m``): no docstrings to test.
ENTRY_POINTS = {"sklearn_lra.__main__", "sklearn_lra.experiments.__main__"}

#: Docstrings whose examples fit for a few epochs, to stay fast: the fit says it did not
#: converge (or, after 2 to 5 epochs, that it learned nothing yet), and nothing else.
SHORT_FITS = {
    "sklearn_lra.inspection._alignment.alignment_angles",
    "sklearn_lra.inspection._monitor.AlignmentMonitor",
    "sklearn_lra.inspection._plotting.plot_learning_curves",
    "sklearn_lra.onnx",
}

#: Docstrings whose examples need an extra: (modules, variable that makes a skip a failure,
#: extra).
NEEDS = {
    "sklearn_lra.onnx": (("skl2onnx", "onnxruntime"), "SKLEARN_LRA_REQUIRE_ONNX", "onnx"),
    "sklearn_lra.inspection._plotting.plot_learning_curves": (
        ("matplotlib",),
        "SKLEARN_LRA_REQUIRE_PLOT",
        "plot",
    ),
}


def _modules():
    """Every module of the package, imported."""
    names = [sklearn_lra.__name__]
    names += [m.name for m in pkgutil.walk_packages(sklearn_lra.__path__, "sklearn_lra.")]
    return [importlib.import_module(name) for name in names if name not in ENTRY_POINTS]


def _doctests():
    """The docstrings with examples, each found in the module that defines it."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = {t.name: t for module in _modules() for t in finder.find(module) if t.examples}
    return [tests[name] for name in sorted(tests)]


DOCTESTS = _doctests()


def test_every_estimator_docstring_has_examples():
    """Each public estimator's docstring has an Examples section that runs here."""
    names = {t.name.rsplit(".", 1)[-1] for t in DOCTESTS}
    for name in sklearn_lra.__all__:
        if name.endswith(("Classifier", "Regressor")):
            assert name in names, name


@pytest.mark.parametrize("test", DOCTESTS, ids=lambda t: t.name)
def test_docstring_examples(test):
    """The examples of one docstring give the output they show, and warn nothing but
    what a short fit says (SHORT_FITS); the estimators' examples warn nothing."""
    if test.name in NEEDS:
        require_modules(*NEEDS[test.name])
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, "".join(report)
    allowed = (ConvergenceWarning,) if test.name in SHORT_FITS else ()
    unexpected = [w for w in caught if not issubclass(w.category, allowed)]
    assert not unexpected, [f"{w.category.__name__}: {w.message}" for w in unexpected]
    assert test.name in SHORT_FITS or not caught


#: A path into the repository, which an installed package does not have.
REPOSITORY_PATH = re.compile(r"\b(?:doc|benchmarks|tests|examples)/[\w./-]+")


def test_no_docstring_points_at_a_repository_file():
    """Docstrings name documentation pages, not files of the repository."""
    finder = doctest.DocTestFinder(exclude_empty=False)
    found = {
        t.name: REPOSITORY_PATH.findall(t.docstring or "")
        for module in _modules()
        for t in finder.find(module)
    }
    assert not {name: paths for name, paths in found.items() if paths}


def test_every_estimator_docstring_ranks_its_parameters():
    """Each estimator says what to tune first, starting with the learning rate."""
    for name in sklearn_lra.__all__:
        if name.endswith(("Classifier", "Regressor")):
            doc = getattr(sklearn_lra, name).__doc__
            tune = doc[doc.index("Tune first") : doc.index("Parameters\n")]
            assert tune.index("``learning_rate_init``") < tune.index("``hidden_layer_sizes``")

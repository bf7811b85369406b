"""Write the intersphinx inventories of scikit-learn, numpy and scipy kept here.

The documentation must build offline with every warning an error, so
``conf.py`` reads these local files instead of downloading each project's
``objects.inv``. They are written from the installed libraries: every public
class and function (and each class's public methods) of the modules listed
below, at the address where that project's documentation site puts it, plus
the few labels and glossary terms that the docstrings this site shows (ours
and those inherited from scikit-learn) refer to. Rerun after upgrading a
library::

    python doc/_intersphinx/make_inventories.py

Names missing here are not an error: Sphinx then prints them as code
without a link.
"""

import importlib
import inspect
import re
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: scikit-learn's labels (``:ref:``) and glossary terms (``:term:``) used by
#: the docstrings of the estimators' inherited methods, with their pages.
SKLEARN_LABELS = {
    "metadata_routing": ("metadata_routing.html#metadata-routing", "Metadata Routing"),
    "accuracy_score": ("modules/model_evaluation.html#accuracy-score", "Accuracy score"),
    "r2_score": ("modules/model_evaluation.html#r2-score", "R² score"),
    "visualizing_composite_estimators": (
        "modules/compose.html#visualizing-composite-estimators",
        "Visualizing Composite Estimators",
    ),
    "user_guide": ("user_guide.html", "User Guide"),
    "glossary": ("glossary.html", "Glossary"),
}
SKLEARN_TERMS = (
    "meta-estimator",
    "estimator",
    "fit",
    "predict",
    "predict_proba",
    "partial_fit",
    "warm_start",
    "random_state",
    "n_jobs",
    "sample_weight",
    "metadata routing",
)

#: Modules whose public names are listed, per project.
SKLEARN_MODULES = (
    "sklearn",
    "sklearn.base",
    "sklearn.callback",
    "sklearn.compose",
    "sklearn.datasets",
    "sklearn.exceptions",
    "sklearn.impute",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.multioutput",
    "sklearn.neural_network",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "sklearn.utils",
    "sklearn.utils.metadata_routing",
)
SCIPY_MODULES = ("scipy.sparse", "scipy.special", "scipy.linalg", "scipy.optimize", "scipy.stats")


def _public(module):
    """Public classes and functions of a module, by its ``__all__`` if any."""
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    for name in names:
        try:
            obj = getattr(module, name, None)
        except ImportError:  # scikit-learn's experimental names need an opt-in
            continue
        if inspect.isclass(obj) or callable(obj) and not inspect.ismodule(obj):
            yield name, obj


def _entries(module_names, uri_of):
    """``(name, role, uri)`` of the modules' public objects and methods."""
    for module_name in module_names:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, obj in _public(module):
            full = f"{module_name}.{name}"
            uri = uri_of(full)
            yield full, "py:class" if inspect.isclass(obj) else "py:function", uri
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and callable(member):
                        yield f"{full}.{attr}", "py:method", uri_of(f"{full}.{attr}")


def _write(path, project, version, entries):
    """An ``objects.inv`` (format 2) of ``(name, role, uri, display)``."""
    lines = []
    for name, role, uri, display in sorted(set(entries)):
        uri = uri[: -len(name)] + "$" if uri.endswith("#" + name) else uri
        lines.append(f"{name} {role} 1 {uri} {display}")
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = zlib.compress(("\n".join(lines) + "\n").encode("utf-8"), 9)
    path.write_bytes(header.encode("utf-8") + body)
    print(f"{path.name}: {len(lines)} entries")


def _labels_used():
    """The ``:ref:`` and ``:term:`` targets in our estimators' docstrings."""
    import sklearn_lra

    found = set()
    for name in sklearn_lra.__all__:
        cls = getattr(sklearn_lra, name)
        for attr in dir(cls) if inspect.isclass(cls) else ():
            doc = inspect.getdoc(getattr(cls, attr, None)) or ""
            for role, target in re.findall(r":(ref|term):`([^`]*)`", doc):
                found.add((role, re.sub(r".*<(.*)>", r"\1", target)))
    return found


def sklearn_inventory():
    import sklearn

    entries = [(n, r, u, "-") for n, r, u in _entries(SKLEARN_MODULES, _sklearn_uri)]
    entries += [(k, "std:label", u, d) for k, (u, d) in SKLEARN_LABELS.items()]
    entries += [
        (t, "std:term", "glossary.html#term-" + t.replace(" ", "-"), "-") for t in SKLEARN_TERMS
    ]
    known = set(SKLEARN_LABELS) | set(SKLEARN_TERMS)
    unknown = {target for _, target in _labels_used()} - known
    if unknown:
        raise SystemExit(f"add these scikit-learn labels or terms: {sorted(unknown)}")
    _write(HERE / "sklearn.inv", "scikit-learn", sklearn.__version__, entries)


def _sklearn_uri(full):
    """scikit-learn: one page per public class or function (methods on the class's)."""
    parts = full.split(".")
    page = ".".join(parts[:-1]) if len(parts) > 2 and parts[-2][:1].isupper() else full
    return f"modules/generated/{page}.html#{full}"


def _generated_uri(full):
    """numpy and scipy: ``reference/generated/<name>.html`` (methods on their class's)."""
    parts = full.split(".")
    page = ".".join(parts[:-1]) if len(parts) > 2 and parts[-2][:1].isupper() else full
    return f"reference/generated/{page}.html#{full}"


def numpy_inventory():
    import numpy

    entries = [(n, r, u, "-") for n, r, u in _entries(("numpy",), _generated_uri)]
    _write(HERE / "numpy.inv", "NumPy", numpy.__version__, entries)


def scipy_inventory():
    import scipy

    entries = [(n, r, u, "-") for n, r, u in _entries(SCIPY_MODULES, _generated_uri)]
    _write(HERE / "scipy.inv", "SciPy", scipy.__version__, entries)


if __name__ == "__main__":
    sklearn_inventory()
    numpy_inventory()
    scipy_inventory()

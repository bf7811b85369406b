"""Sphinx configuration of the sklearn-lra documentation.

Build (offline, warnings are errors)::

    python -m sphinx -W --keep-going -b html doc doc/_build/html

The example gallery runs every ``examples/plot_*.py``; set the environment
variable ``SKLEARN_LRA_DOCS_RUN_EXAMPLES=0`` to build its pages without
running them.

Nothing is fetched from the network, at build time or when a page is read:
the equations are rendered by a copy of MathJax that the
``sphinx-mathjax-offline`` package ships and the build copies into
``_static``, and the links to scikit-learn, numpy and scipy come from the
inventories kept in ``_intersphinx/`` (see ``make_inventories.py`` there).
"""

import importlib.util
import os
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent
ROOT = DOC.parent
# Document (and run the examples against) this checkout, installed or not.
sys.path.insert(0, str(ROOT))

import sklearn_lra  # noqa: E402

project = "sklearn-lra"
author = "the sklearn-lra developers"
copyright = "the sklearn-lra developers, BSD-3-Clause"
release = sklearn_lra.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # A copy of MathJax 3 in _static, in place of the CDN: maths renders offline.
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_intersphinx",
    # Left by older sphinx-gallery builds; it loads scripts from a CDN.
    "sg_execution_times.rst",
    "README.md",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
]

# sklearn_lra.inspection is optional: its page drops out (the API index globs
# for it) when the module is not there, instead of failing the build.
if importlib.util.find_spec("sklearn_lra.inspection") is None:
    exclude_patterns.append("api/inspection.rst")

# -- autodoc / autosummary / numpydoc ----------------------------------------

autosummary_generate = True
# Every public method, inherited ones included (fit, predict, score,
# get_params, ...): the class template asks for them.
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
# "fit()" rather than "LRAClassifier.fit()" in a page's table of contents.
toc_object_entries_show_parents = "hide"
# numpydoc writes the member tables from the docstrings' own sections; the
# autosummary class template lists the public methods.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# The equations in the docstrings are ASCII (``h_l = z_{l-1} W_l + b_l``);
# keep literal text literal rather than guessing cross-references.
numpydoc_xref_param_type = False

# -- intersphinx: local inventories, so that an offline build links too ------

intersphinx_mapping = {
    name: (url, str(DOC / "_intersphinx" / f"{name}.inv"))
    for name, url in (
        ("sklearn", "https://scikit-learn.org/stable/"),
        ("numpy", "https://numpy.org/doc/stable/"),
        ("scipy", "https://docs.scipy.org/doc/scipy/"),
    )
}

# -- sphinx-gallery ----------------------------------------------------------


def _run_examples():
    """Whether to execute the gallery's scripts (default yes)."""
    return os.environ.get("SKLEARN_LRA_DOCS_RUN_EXAMPLES", "1").strip().lower() not in {
        "0",
        "false",
        "no",
    }


sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": _run_examples(),
    "doc_module": ("sklearn_lra",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    # A failing example fails the build, like any other warning.
    "only_warn_on_example_error": False,
    # No sg_execution_times pages: they load their table scripts from a CDN.
    "write_computation_times": False,
}

# -- MyST (results.md is written by ``python -m sklearn_lra reproduce``) -----

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-lra {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # Every top-level page in the navbar, in the order of index.rst: install,
    # quick start, user guide, API, examples, deploying, then the research records
    # grouped under one entry. None of them behind a "More" menu.
    "header_links_before_dropdown": 7,
    # The search as an icon and the links from the left edge: the seven links,
    # the search and the colour switch fit on one line at 1400 pixels.
    "navbar_persistent": ["search-button"],
    "navbar_align": "left",
}
# Pages with no child pages would show an empty navigation column: drop it. The
# research records keep theirs (the group's pages), the user guide and the API
# theirs. The reports' wide tables get the width of the right-hand column: their
# table of contents moves under the group's navigation.
_WIDE_PAGES = (
    "claims",
    "performance",
    *(
        f"{report}{part}"
        for report in ("results", "results_full_data", "results_null_init_20_epochs")
        for part in ("", "_appendix")
    ),
)
html_sidebars = {
    "index": [],
    "install": [],
    "quick_start": [],
    "deploying": [],
    **{page: ["sidebar-nav-bs", "page-toc"] for page in _WIDE_PAGES},
}
html_theme_options["secondary_sidebar_items"] = {
    "**": ["page-toc"],
    **{page: [] for page in _WIDE_PAGES},
}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# Keeps short table cells (a figure and its spread) on one line.
html_js_files = ["tables.js"]
html_show_sourcelink = False

"""Reproduce the LRA paper's claims: grids of training runs, cached, reported.

A :class:`Profile` is a list of :class:`Study` grids (rule x depth x
activation x initialisation x data set x seed, optionally x any estimator
keyword). :func:`expand_profile` turns it into runs, :func:`run_grid` trains
them in parallel with joblib and caches each result, and
:func:`write_outputs` writes a CSV, figures and a Markdown report ending in
a verdict on each claim. The ``reproduce`` command (:mod:`.cli`) does all
three.

Examples
--------
>>> from sklearn_lra.experiments import expand_profile, get_profile, restrict
>>> from sklearn_lra.experiments import run_grid, write_outputs
>>> profile = restrict(get_profile("small"), studies=["rules"], rules=["lra", "bp"])
>>> runs = expand_profile(profile)  # doctest: +SKIP
>>> outcome = run_grid(runs, "results", n_jobs=2)  # doctest: +SKIP
>>> write_outputs(profile, runs, outcome.results, "results")  # doctest: +SKIP
"""

from ._data import DATASETS, load_split
from ._grid import (
    Profile,
    Run,
    Study,
    config_key,
    expand_profile,
    expand_study,
    parse_init,
    restrict,
)
from ._profiles import PROFILES, get_profile
from ._registry import RULES, available_rules, resolve_rule
from ._report import write_outputs
from ._runner import GridOutcome, run_config, run_grid
from ._tables import make_rows, summarise
from ._verdict import evaluate_claims, evaluate_targets

__all__ = [
    "DATASETS",
    "PROFILES",
    "RULES",
    "GridOutcome",
    "Profile",
    "Run",
    "Study",
    "available_rules",
    "config_key",
    "evaluate_claims",
    "evaluate_targets",
    "expand_profile",
    "expand_study",
    "get_profile",
    "load_split",
    "make_rows",
    "parse_init",
    "resolve_rule",
    "restrict",
    "run_config",
    "run_grid",
    "summarise",
    "write_outputs",
]

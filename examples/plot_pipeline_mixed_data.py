"""
==========================================================
LRA in a Pipeline on a mixed table with missing values
==========================================================

:class:`~sklearn_lra.LRAClassifier` is an ordinary scikit-learn estimator, so
it slots into the usual preprocessing and model-selection tools. Here it
predicts whether a customer cancels a subscription ("churn") from a table
that mixes numbers and categories and has missing entries, the way real
tables do:

- a :class:`~sklearn.compose.ColumnTransformer` imputes and scales the
  numeric columns, and imputes and one-hot encodes the categorical ones;
- a :class:`~sklearn.pipeline.Pipeline` chains it with the network, so that
  the preprocessing is fitted on the training folds only;
- :class:`~sklearn.model_selection.GridSearchCV` tunes the LRA step size
  ``beta`` and the hidden layers by cross-validation.
"""

# %%
# A synthetic customer table
# --------------------------
# 2,000 customers with their age, monthly charge, months of tenure, number
# of support calls, plan, region and payment method. Churn is more likely
# for short tenures, high charges, many support calls, the basic plan and
# payment by cheque. About 8% of the age, charge, region and payment entries
# are missing.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_lra import LRAClassifier


def make_customers(n_customers, seed):
    """A customer table with missing values and a churn label."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "standard", "premium"], n_customers, p=[0.5, 0.3, 0.2])
    payment = rng.choice(["card", "bank transfer", "cheque"], n_customers, p=[0.5, 0.3, 0.2])
    table = pd.DataFrame(
        {
            "age": rng.normal(45, 14, n_customers).clip(18, 90).round(),
            "monthly_charge": rng.gamma(4.0, 12.0, n_customers).round(2),
            "tenure_months": rng.geometric(1 / 30, n_customers),
            "support_calls": rng.poisson(1.5, n_customers),
            "plan": plan,
            "region": rng.choice(["north", "south", "east", "west"], n_customers),
            "payment_method": payment,
        }
    )
    logit = (
        -1.0
        - 0.04 * (table.tenure_months - 30)
        + 0.03 * (table.monthly_charge - 48)
        + 0.5 * (table.support_calls - 1.5)
        + 0.8 * (plan == "basic")
        - 0.6 * (plan == "premium")
        + 0.9 * (payment == "cheque")
        - 0.02 * (table.age - 45)
    )
    churn = rng.random(n_customers) < 1 / (1 + np.exp(-logit))
    for column in ["age", "monthly_charge", "region", "payment_method"]:
        table.loc[rng.random(n_customers) < 0.08, column] = np.nan
    return table, pd.Series(np.where(churn, "churned", "stayed"), name="churn")


X, y = make_customers(2000, seed=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(X.head().to_string())
print(f"\nmissing entries per column:\n{X.isna().sum()}")
print(f"\nchurn rate: {(y == 'churned').mean():.2f}")

# %%
# Preprocessing and model in one Pipeline
# ---------------------------------------
# Numeric columns: median imputation, then standardisation (a network trains
# poorly on unscaled inputs). Categorical columns: the most frequent value
# fills the gaps, then one-hot encoding; categories unseen during training
# are ignored at prediction time.
numeric = ["age", "monthly_charge", "tenure_months", "support_calls"]
categorical = ["plan", "region", "payment_method"]
preprocess = ColumnTransformer(
    [
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        (
            "categorical",
            make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore"),
            ),
            categorical,
        ),
    ]
)
model = Pipeline(
    [
        ("preprocess", preprocess),
        ("lra", LRAClassifier(init="zeros", max_iter=60, random_state=0)),
    ]
)
model  # noqa: B018 - sphinx-gallery shows the diagram of the last expression

# %%
# Tuning LRA by cross-validation
# ------------------------------
# ``beta`` sets how far each hidden layer's target moves away from its
# current representation; the hidden layers set the capacity. Parameters of
# a Pipeline step are addressed as ``<step>__<parameter>``.
param_grid = {
    "lra__beta": [0.05, 0.1, 0.3],
    "lra__hidden_layer_sizes": [(32,), (64, 64)],
}
search = GridSearchCV(model, param_grid, cv=3, scoring="roc_auc")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of 60 epochs
    search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
columns = ["param_lra__beta", "param_lra__hidden_layer_sizes", "mean_test_score", "std_test_score"]
print(results[columns].sort_values("mean_test_score", ascending=False).to_string(index=False))
print(f"\nbest parameters: {search.best_params_}")

# %%
# The tuned pipeline against a linear baseline
# --------------------------------------------
# The refitted best pipeline is scored on the held-out customers, next to a
# logistic regression fed by the same preprocessing. The churn probability
# of this synthetic table is a logistic function of the columns, so the
# linear model is the right model here; the network matches it.
baseline = make_pipeline(preprocess, LogisticRegression(max_iter=1000)).fit(X_train, y_train)
for name, fitted in [("LRA (tuned)", search.best_estimator_), ("logistic regression", baseline)]:
    auc = search.scorer_(fitted, X_test, y_test)
    print(f"{name:<20} test ROC AUC {auc:.3f}   accuracy {fitted.score(X_test, y_test):.3f}")

# %%
# Cross-validated score of every candidate
# ----------------------------------------
scores = results.pivot(
    index="param_lra__beta", columns="param_lra__hidden_layer_sizes", values="mean_test_score"
)
fig, ax = plt.subplots(figsize=(4.5, 3.5))
image = ax.imshow(scores.to_numpy(), cmap="viridis")
ax.set(
    xticks=range(scores.shape[1]),
    xticklabels=[str(c) for c in scores.columns],
    yticks=range(scores.shape[0]),
    yticklabels=[str(b) for b in scores.index],
    xlabel="hidden_layer_sizes",
    ylabel="beta",
    title="mean cross-validated ROC AUC",
)
middle = (scores.to_numpy().min() + scores.to_numpy().max()) / 2
for (i, j), value in np.ndenumerate(scores.to_numpy()):
    color = "black" if value > middle else "white"  # readable on viridis
    ax.text(j, i, f"{value:.3f}", ha="center", va="center", color=color)
fig.colorbar(image, ax=ax)
fig.tight_layout()
plt.show()

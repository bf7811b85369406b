"""
==============================================
LRA against back-propagation on the digits
==============================================

Train the same 64-128-128-10 tanh network on scikit-learn's bundled 8x8
handwritten digits twice: with local representation alignment
(:class:`~sklearn_lra.LRAClassifier`) and with back-propagation
(:class:`~sklearn_lra.BPClassifier`). LRA starts from all-zero weights (the
paper's null start; its default is a random one); back-propagation starts
from a Glorot initialisation, since from zeros it cannot train its hidden
layers at all (see
:ref:`sphx_glr_auto_examples_plot_zero_initialisation.py`).

We compare test accuracy, training time and learning curves.
"""

# %%
# The data
# --------
# 1,797 grey-scale images of 8x8 pixels with values 0..16, scaled to [0, 1].
# 30% of the images are held out as a test set, stratified by digit.
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from sklearn_lra import BPClassifier, LRAClassifier
from sklearn_lra.inspection import plot_learning_curves

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.3, stratify=y, random_state=0
)
print(f"{len(X_train)} training and {len(X_test)} test images")

# %%
# Two networks, one architecture
# ------------------------------
# Both estimators share scikit-learn's ``MLPClassifier`` parameters. With
# ``early_stopping=True`` each holds out 10% of the training images, records
# its accuracy on them after every epoch (``validation_scores_``) and keeps the
# weights of the best epoch. Both train with the same optimiser, stochastic
# gradient descent with momentum, spelled out here rather than left to the
# estimators' defaults.
common = dict(
    hidden_layer_sizes=(128, 128),
    activation="tanh",
    solver="sgd",
    learning_rate_init=0.01,
    momentum=0.9,
    max_iter=60,
    early_stopping=True,
    n_iter_no_change=15,
    random_state=0,
)
models = {
    "LRA (zero init)": LRAClassifier(init="zeros", **common),
    "BP (Glorot init)": BPClassifier(init="glorot_uniform", **common),
}

for name, model in models.items():
    tic = time.perf_counter()
    with warnings.catch_warnings():
        # A fixed budget of epochs: training may stop before it converges.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - tic
    accuracy = model.score(X_test, y_test)
    print(f"{name:<17} test accuracy {accuracy:.3f}  ({model.n_iter_} epochs, {seconds:.1f} s)")

# %%
# Both rules reach a similar test accuracy. LRA never computes a gradient of
# the task loss: each layer moves towards a target representation that the
# layer above proposes through a random feedback matrix.
#
# Learning curves
# ---------------
# :func:`~sklearn_lra.inspection.plot_learning_curves` draws the training
# loss of every epoch (solid, left axis) and the validation accuracy (dashed,
# right axis).
fig, ax = plt.subplots(figsize=(7, 4))
plot_learning_curves(models, ax=ax)
ax.set_title("Digits, 64-128-128-10 tanh network")
fig.tight_layout()

# %%
# Where the mistakes are
# ----------------------
# The confusion matrices on the test set show which digits each rule mixes up.
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, (name, model) in zip(axes, models.items()):
    ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, ax=ax, colorbar=False)
    ax.set_title(name)
fig.tight_layout()
plt.show()

"""
=================================================
Training from an all-zero initialisation
=================================================

The headline claim of local representation alignment (Ororbia et al., 2018):
a network whose weights all start at exactly zero can still learn, for smooth
and for non-differentiable units alike. Back-propagation cannot.

With every weight zero, every hidden unit outputs ``phi(0)`` and the output
error ``softmax(0) - Y`` is not zero. Back-propagation sends that error down
through ``W^T = 0``: the hidden layers receive nothing and never move. LRA
sends it down through a random feedback matrix ``E``, so each hidden layer
gets a target that differs from its output; the first layer, which sees the
non-zero input, moves first and the layers above follow.

We train a 64-100-100-10 network on the bundled digits from ``init='zeros'``
with four activations: tanh, ReLU-6, softplus and sign (signum, whose
derivative is zero almost everywhere).
"""

# %%
# Train every pair
# ----------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sklearn_lra import BPClassifier, LRAClassifier

ACTIVATIONS = ["tanh", "relu6", "softplus", "sign"]

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.3, stratify=y, random_state=0
)

results = {}
for activation in ACTIVATIONS:
    for rule, cls in [("LRA", LRAClassifier), ("BP", BPClassifier)]:
        model = cls(
            hidden_layer_sizes=(100, 100),
            activation=activation,
            init="zeros",
            solver="sgd",  # the same optimiser for both rules
            learning_rate_init=0.01,
            momentum=0.9,
            max_iter=30,
            random_state=0,
        )
        with warnings.catch_warnings():
            # Expected here: BP warns that sign units have no
            # gradient; 30 epochs may end before convergence.
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        results[activation, rule] = model
        # "moved": the weight matrices that left zero during training.
        moved = [f"W_{l}" for l, W in enumerate(model.coefs_, start=1) if np.any(W)]
        print(
            f"{activation:<8} {rule:<3} accuracy {model.score(X_test, y_test):.2f}"
            f"  moved: {', '.join(moved) or 'none'}"
        )

# %%
# LRA learns with every activation, sign units included (86% to 97% test
# accuracy after 30 epochs; softplus is the slowest to leave zero). BP stays at
# chance (one digit in ten). With tanh, ReLU-6 and sign, ``phi(0) = 0``: no
# weight ever leaves zero, only the output biases learn the class
# frequencies. With softplus, ``phi(0) = log 2`` lets the weights move, but
# every unit of a layer receives the same update, so the units remain
# identical copies of each other and the network is no better than one with a
# single hidden unit per layer.
#
# Test accuracy
# -------------
fig, ax = plt.subplots(figsize=(7, 3.5))
width = 0.38
positions = np.arange(len(ACTIVATIONS))
for offset, rule in [(-width / 2, "LRA"), (width / 2, "BP")]:
    scores = [results[a, rule].score(X_test, y_test) for a in ACTIVATIONS]
    bars = ax.bar(positions + offset, scores, width, label=rule)
    ax.bar_label(bars, fmt="%.2f")
ax.axhline(0.1, color="grey", ls=":", lw=1, label="chance")
# The legend sits in a band above the bars (ylim goes past 1), not on them.
ax.set(xticks=positions, xticklabels=ACTIVATIONS, ylabel="test accuracy", ylim=(0, 1.32))
ax.set_yticks(np.linspace(0, 1, 6))
ax.set_title("Digits, all weights initialised to zero")
ax.legend(loc="upper center", ncol=3)
fig.tight_layout()

# %%
# Training loss
# -------------
# LRA's loss stays flat for a few epochs while the first layer leaves zero
# and the layers above follow, then falls (sign units, whose output jumps to
# +-1 as soon as a weight moves, start at once). BP's loss stays at that of
# predicting the class frequencies, about ``log(10) = 2.3``, until training
# stops for lack of progress.
fig, axes = plt.subplots(1, len(ACTIVATIONS), figsize=(11, 3), sharey=True)
for ax, activation in zip(axes, ACTIVATIONS):
    for rule in ["LRA", "BP"]:
        ax.plot(results[activation, rule].loss_curve_, label=rule)
    ax.set(title=activation, xlabel="epoch")
axes[0].set_ylabel("training loss")
axes[0].legend()
fig.tight_layout()
plt.show()

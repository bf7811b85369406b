"""
=============================================
Exporting an LRA pipeline to ONNX
=============================================

A model trained with :class:`~sklearn_lra.LRAClassifier` can be shipped the
way a scikit-learn :class:`~sklearn.neural_network.MLPClassifier` is shipped:
as an `ONNX <https://onnx.ai>`_ graph that `onnxruntime
<https://onnxruntime.ai>`_ (or any other ONNX runtime, in C, C++, C#, Java or
JavaScript) scores without Python or scikit-learn.

Importing :mod:`sklearn_lra.onnx` registers the package's estimators with
`skl2onnx <https://onnx.ai/sklearn-onnx/>`_; ``skl2onnx.to_onnx`` then
converts a whole :class:`~sklearn.pipeline.Pipeline`, preprocessing
included. This example needs the ``onnx`` extra
(``pip install "sklearn-lra[onnx]"``).
"""

# %%
# Train a pipeline
# ----------------
# A standard scaler and a tanh network of 64 units trained by LRA on
# scikit-learn's bundled 8x8 digits, in float32: the dtype ONNX runtimes
# are fastest in, and the one the network then computes in.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime
import skl2onnx
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_lra.onnx  # noqa: F401 - registers the converters with skl2onnx
from sklearn_lra import LRAClassifier

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

pipe = make_pipeline(
    StandardScaler(),
    LRAClassifier(hidden_layer_sizes=(64,), max_iter=40, random_state=0),
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # only in the quick test run
    pipe.fit(X_train, y_train)
print(f"scikit-learn test accuracy: {pipe.score(X_test, y_test):.3f}")

# %%
# Convert to ONNX
# ---------------
# ``to_onnx`` takes one row of the input to learn its type and width.
# ``zipmap=False`` returns the probabilities as one ``(n_samples, n_classes)``
# tensor rather than skl2onnx's default list of ``{class: probability}``
# dicts. The model is bytes: ``onnx.save(onx, "digits.onnx")`` would write it
# to a file.
onx = skl2onnx.to_onnx(pipe, X_train[:1], options={LRAClassifier: {"zipmap": False}})
model_bytes = onx.SerializeToString()
print(f"ONNX model: {len(model_bytes) / 1024:.1f} KiB")
print("operators:", sorted({node.op_type for node in onx.graph.node}))

# %%
# Score with onnxruntime
# ----------------------
# The runtime returns the labels and the probabilities. They agree with
# ``predict`` and ``predict_proba`` to float32 rounding.
session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
labels, proba = session.run(None, {input_name: X_test})

print(f"onnxruntime test accuracy:  {np.mean(labels == y_test):.3f}")
print(f"labels equal to predict:    {np.array_equal(labels, pipe.predict(X_test))}")
gap = np.abs(proba - pipe.predict_proba(X_test)).max()
print(f"largest probability gap:    {gap:.1e}")

# %%
# What the runtime sees
# ---------------------
# The first test digits with the label onnxruntime gives them and its
# probability for that label.
fig, axes = plt.subplots(2, 6, figsize=(7, 2.9))
for ax, image, label, p in zip(axes.ravel(), X_test, labels, proba):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{label} ({p[label]:.2f})", fontsize=9)
    ax.set_axis_off()
fig.suptitle("onnxruntime's label (probability)")
fig.tight_layout()
plt.show()

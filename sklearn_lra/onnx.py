"""Export the package's estimators to ONNX with skl2onnx.

Importing this module registers a converter for every classifier and
regressor of the package with `skl2onnx`_, so that ``skl2onnx.to_onnx``
converts them, alone or inside a :class:`~sklearn.pipeline.Pipeline` or a
:class:`~sklearn.compose.ColumnTransformer`, as it converts
:class:`~sklearn.neural_network.MLPClassifier`. Needs the ``onnx`` extra
(``pip install "sklearn-lra[onnx]"``).

Examples
--------
>>> import numpy as np, skl2onnx, onnxruntime
>>> import sklearn_lra.onnx  # registers the converters
>>> from sklearn_lra import LRAClassifier
>>> X = np.random.RandomState(0).rand(40, 3).astype(np.float32)
>>> clf = LRAClassifier(hidden_layer_sizes=(8,), max_iter=2).fit(X, X[:, 0] > 0.5)
>>> onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = onnxruntime.InferenceSession(onx.SerializeToString())
>>> labels, proba = session.run(None, {"X": X})

Notes
-----
Classifiers output the labels and the probabilities; the probabilities pass
through ONNX's ZipMap (a list of dicts) unless the conversion is given
``options={"zipmap": False}`` (or ``"columns"``), which a double input
requires. The network computes in the dtype of its fitted weights, as
``predict`` does; the outputs are double for a double input and float
otherwise. Every hidden activation is converted, and multilabel classifiers
(logistic outputs) output a 0/1 label matrix. Rows whose outputs overflow,
which ``predict`` refuses with an error, come out as inf or nan.

.. _skl2onnx: https://onnx.ai/sklearn-onnx/
"""

try:
    import skl2onnx  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sklearn_lra.onnx needs skl2onnx and onnxruntime: pip install 'sklearn-lra[onnx]'."
    ) from exc

from ._onnx._convert import register

__all__ = ["register", "REGISTERED"]

#: The estimator classes registered with skl2onnx on import.
REGISTERED = register()

"""ONNX conversion of the package's estimators (needs the ``onnx`` extra).

The public entry point is :mod:`sklearn_lra.onnx`; this subpackage holds the
graph of the forward pass (:mod:`._graph`) and the skl2onnx shape calculators
and converters (:mod:`._convert`).
"""

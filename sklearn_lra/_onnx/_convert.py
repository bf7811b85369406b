"""skl2onnx shape calculators and converters for every estimator of the package.

A classifier becomes an operator with two outputs, as skl2onnx's
MLPClassifier does: the labels and the probabilities, which skl2onnx's
classifier parser then passes through ZipMap unless ``zipmap=False``. A
regressor becomes one output of shape ``(N, n_outputs)``, mapped back to
the units of ``y`` when it trained on standardised targets.

The arithmetic runs in the dtype of the fitted weights, as ``predict`` does
(a network fitted on float32 computes in float32 whatever the input); the
outputs are double for a double input and float otherwise, skl2onnx's rule.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.utils import check_input_and_output_numbers
from skl2onnx.common.utils_classifier import get_label_classes
from sklearn.base import ClassifierMixin

from .._discovery import all_estimators
from ._graph import GraphBuilder, forward

#: Options of the classifiers' converter, those of skl2onnx's MLPClassifier.
CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}


def _output_tensor_type(operator):
    """Double for a double input, float otherwise (skl2onnx's convention)."""
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    return DoubleTensorType if double else FloatTensorType


def _task(model):
    """``"multiclass"`` (softmax), ``"binary"`` (one logistic output) or ``"multilabel"``."""
    if model.out_activation_ != "logistic":
        return "multiclass"
    if model.coefs_[-1].shape[1] == 1 and len(model.classes_) == 2:
        return "binary"
    return "multilabel"


def _label_classes(scope, model):
    """The class labels as an int64 or bytes array, as ONNX label tensors hold them."""
    classes = np.asarray(get_label_classes(scope, model))
    if classes.dtype == np.bool_ or np.issubdtype(classes.dtype, np.integer):
        return classes.astype(np.int64)
    if np.issubdtype(classes.dtype, np.floating):
        if not np.all(classes == np.round(classes)):
            raise ValueError(
                f"ONNX labels are integers or strings; {type(model).__name__} has the "
                f"non-integer float classes {classes.tolist()}. Encode y as integers or strings."
            )
        return classes.astype(np.int64)
    return np.array([str(c).encode("utf-8") for c in classes])


def classifier_shape_calculator(operator):
    """Declare the label and probability outputs of a classifier."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    classes = _label_classes(operator.scope_inst, model)
    label_type = Int64TensorType if classes.dtype == np.int64 else StringTensorType
    task = _task(model)
    n_columns = 2 if task == "binary" else model.coefs_[-1].shape[1]
    operator.outputs[0].type = label_type([n, n_columns] if task == "multilabel" else [n])
    operator.outputs[1].type = _output_tensor_type(operator)([n, n_columns])


def regressor_shape_calculator(operator):
    """Declare the ``(N, n_outputs)`` prediction of a regressor."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    n = operator.inputs[0].get_first_dimension()
    n_outputs = operator.raw_operator.coefs_[-1].shape[1]
    operator.outputs[0].type = _output_tensor_type(operator)([n, n_outputs])


def _network_output(scope, operator, container):
    """Builder in the weights' dtype and the name of ``z_L`` in that dtype."""
    model = operator.raw_operator
    g = GraphBuilder(scope, container, model.coefs_[0].dtype)
    x = g.cast(operator.inputs[0].full_name, g.proto)
    z = forward(
        g,
        x,
        model.coefs_,
        model.intercepts_,
        model.activation,
        model.out_activation_,
        model._resolved_input_activation(),
    )
    return g, z


def _output_proto(operator):
    """ONNX element type of the float outputs."""
    double = _output_tensor_type(operator) is DoubleTensorType
    return TensorProto.DOUBLE if double else TensorProto.FLOAT


def _check_zipmap(scope, operator):
    """Refuse ZipMap on double probabilities, which the ZipMap operator cannot take."""
    options = scope.get_options(operator.raw_operator, dict(zipmap=True))
    if options["zipmap"] is True and _output_tensor_type(operator) is DoubleTensorType:
        raise RuntimeError(
            "ONNX's ZipMap takes float probabilities only, and this classifier's input is "
            "double. Convert with options={'zipmap': False} (probabilities as a double "
            "tensor) or {'zipmap': 'columns'}, or with a float32 sample input."
        )


def convert_classifier(scope, operator, container):
    """Labels and probabilities of a fitted classifier of the package."""
    _check_zipmap(scope, operator)
    model = operator.raw_operator
    g, proba = _network_output(scope, operator, container)
    task = _task(model)
    label_name, proba_name = operator.outputs[0].full_name, operator.outputs[1].full_name
    classes = _label_classes(scope, model)
    if task == "multilabel":
        # As MLPClassifier.predict: a label is on when its probability exceeds 0.5.
        on = g.node("Greater", [proba, g.constant(0.5)])
        g.cast(on, TensorProto.INT64, label_name)
    else:
        if task == "binary":
            positive = proba
            proba = g.node("Concat", [g.node("Sub", [g.constant(1), positive]), positive], axis=1)
            index = g.cast(g.node("Greater", [positive, g.constant(0.5)]), TensorProto.INT64)
            index = g.node("Reshape", [index, g.constant([-1], dtype=np.int64)])
        else:
            # Ties go to the first class, as with numpy's argmax in predict.
            index = g.node("ArgMax", [proba], axis=1, keepdims=0, select_last_index=0)
        g.node("Gather", [_classes_constant(g, classes), index], label_name, axis=0)
    g.cast(proba, _output_proto(operator), proba_name)


def _classes_constant(g, classes):
    """An initializer holding the int64 or string class labels."""
    if classes.dtype == np.int64:
        return g.constant(classes, dtype=np.int64, name="classes")
    name = g.scope.get_unique_variable_name("classes")
    g.container.add_initializer(name, TensorProto.STRING, [len(classes)], classes.tolist())
    return name


def convert_regressor(scope, operator, container):
    """Predictions ``(N, n_outputs)`` of a fitted regressor of the package.

    A regressor trained on standardised targets maps ``z_L`` back to ``y``'s
    units, ``z_L * target_scale_ + target_mean_``, in the weights' dtype as
    ``predict`` does.
    """
    g, out = _network_output(scope, operator, container)
    model = operator.raw_operator
    scale = getattr(model, "target_scale_", None)
    if scale is not None:
        mean = model.target_mean_.reshape(1, -1)
        out = g.node("Mul", [out, g.constant(scale.reshape(1, -1), name="target_scale")])
        out = g.node("Add", [out, g.constant(mean, name="target_mean")])
    g.cast(out, _output_proto(operator), operator.outputs[0].full_name)


def register():
    """Register every classifier and regressor of the package with skl2onnx.

    Returns
    -------
    classes : list of type
        The registered estimator classes.
    """
    registered = []
    for cls in all_estimators():
        alias = f"SklearnLra{cls.__name__}"
        if issubclass(cls, ClassifierMixin):
            update_registered_converter(
                cls,
                alias,
                classifier_shape_calculator,
                convert_classifier,
                options=CLASSIFIER_OPTIONS,
            )
        else:
            update_registered_converter(cls, alias, regressor_shape_calculator, convert_regressor)
        registered.append(cls)
    return registered

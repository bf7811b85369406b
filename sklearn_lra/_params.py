"""Hyperparameter tables: each class declares its own, ``__init__`` is built from them.

A class of the estimator hierarchy may declare ``_own_defaults`` (name ->
default) and ``_own_constraints`` (name -> sklearn constraints).
:func:`build_parameters` merges them over the class's MRO, base classes first,
into the class's ``_parameter_constraints`` and an ``__init__`` whose
signature lists every parameter explicitly, as scikit-learn requires. A rule
therefore states only what it adds, and classifiers add ``class_weight``
without a second copy of every signature.
"""

import inspect


def merged(cls, attribute):
    """The dicts named ``attribute`` along ``cls``'s MRO, base classes first."""
    out = {}
    for klass in reversed(cls.__mro__):
        out.update(klass.__dict__.get(attribute, {}))
    return out


def _init_with_signature(defaults):
    """An ``__init__`` storing each argument unchanged, with an explicit signature."""

    def __init__(self, *args, **kwargs):
        bound = __init__.__signature__.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    names = list(defaults)
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    # hidden_layer_sizes stays positional, as in MLPClassifier; the rest are keyword-only.
    for i, name in enumerate(names):
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD if i == 0 else inspect.Parameter.KEYWORD_ONLY
        params.append(inspect.Parameter(name, kind, default=defaults[name]))
    __init__.__signature__ = inspect.Signature(params)
    return __init__


def build_parameters(cls):
    """Give ``cls`` its merged ``_parameter_constraints`` and a generated ``__init__``."""
    defaults = merged(cls, "_own_defaults")
    cls._parameter_constraints = merged(cls, "_own_constraints")
    missing = set(defaults) ^ set(cls._parameter_constraints)
    if missing:
        raise TypeError(f"{cls.__name__}: defaults and constraints differ on {sorted(missing)}")
    cls.__init__ = _init_with_signature(defaults)
    cls.__init__.__qualname__ = f"{cls.__qualname__}.__init__"

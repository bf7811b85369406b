"""Names of the learning rules and data sets an experiment can use.

Estimator classes are looked up by name when they are needed, in whichever
process needs them, so that the runner works with whatever ``sklearn_lra``
exports at the time and a worker never depends on state set up by its parent.
"""

import importlib

#: Rule name -> name of the classifier exported by ``sklearn_lra``.
RULES = {
    "lra": "LRAClassifier",
    "bp": "BPClassifier",
    "fa": "FAClassifier",
    "dfa": "DFAClassifier",
    "dtp": "DTPClassifier",
    # The published forms of LRA (``LRAClassifier.from_paper``): the classifier
    # with every parameter of its preset (see :func:`rule_preset`).
    "lra_fdbk_2018": "LRAClassifier",
    "lra_e_2019": "LRAClassifier",
}

#: Rules of :data:`RULES` that stand for a preset of their estimator, by the
#: preset's name.
PRESET_RULES = ("lra_fdbk_2018", "lra_e_2019")

_LABELS = {"lra_fdbk_2018": "LRA-fdbk 2018", "lra_e_2019": "LRA-E 2019"}


def rule_label(rule):
    """How a rule is named in a report: ``'LRA'``, ``'LRA-E 2019'`` (a preset)."""
    return _LABELS.get(rule, str(rule).upper())


def resolve_rule(rule):
    """The estimator class that trains with ``rule``.

    Parameters
    ----------
    rule : str
        A name of :data:`RULES` (``'lra'``, ``'bp'``, ...) or an import path
        ``'package.module:ClassName'`` of any classifier with the shared
        parameters of the package's estimators.

    Returns
    -------
    cls : type
        The estimator class.

    Raises
    ------
    ValueError
        If the rule is unknown or its class is not available.
    """
    if ":" in rule:
        return _import_path(rule)
    if rule not in RULES:
        raise ValueError(
            f"Unknown learning rule {rule!r}. Known rules: {', '.join(RULES)}; "
            "or give an import path 'package.module:ClassName'."
        )
    package = importlib.import_module("sklearn_lra")
    cls = getattr(package, RULES[rule], None)
    if cls is None:
        raise ValueError(
            f"Learning rule {rule!r} is not available: sklearn_lra exports no "
            f"{RULES[rule]}. Available rules: {', '.join(available_rules()) or 'none'}."
        )
    return cls


def rule_preset(rule):
    """The parameters a rule's name stands for: its preset's, or none.

    Parameters
    ----------
    rule : str
        A rule name.

    Returns
    -------
    params : dict
        ``resolve_rule(rule).presets[rule]`` for a name of
        :data:`PRESET_RULES`, else an empty dict.
    """
    if rule not in PRESET_RULES:
        return {}
    return dict(resolve_rule(rule).presets[rule])


def available_rules():
    """Names of :data:`RULES` whose estimator ``sklearn_lra`` exports now."""
    package = importlib.import_module("sklearn_lra")
    return [rule for rule, name in RULES.items() if hasattr(package, name)]


def _import_path(path):
    """The object named by ``'module:attribute'``."""
    module_name, _, attr = path.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"Learning rule {path!r} is not available: {exc}") from exc

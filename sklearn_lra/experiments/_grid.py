"""Studies, profiles and their expansion into single training runs.

A *study* is a small grid (rules x data sets x depths x activations x
initialisations x seeds, optionally x any other estimator keyword) that
answers one question; a *profile* is a named list of studies. Expanding a
profile gives :class:`Run` objects, each holding a JSON-able configuration
whose hash names its cached result, so that a configuration shared by two
studies is trained once.
"""

import dataclasses
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field

from .._initializers import INIT_SCHEMES
from ._data import DATASETS, VALIDATION
from ._registry import resolve_rule, rule_preset

#: Bump when the meaning of a configuration or the result format changes:
#: every cached result then counts as missing.
#: 2: every run measures a validation error on rows that never train.
SCHEMA_VERSION = 2

#: Study kinds the verdict knows how to read. A 'tuning' study searches each
#: rule's settings on validation error and retrains the chosen ones: its
#: final runs have the kind :data:`TUNED`.
KINDS = ("rules", "null_init", "init_sensitivity", "ablation", "tuning", "custom")

#: Kind of the runs that retrain the settings a tuning study chose.
TUNED = "tuned"

# Estimator keywords a study sets through its own dimensions, not through params/grid.
_RESERVED = {"hidden_layer_sizes", "activation", "init", "init_scale", "random_state", "max_iter"}
#: What a study always sets itself, whatever a preset says.
_STUDY_SETS = _RESERVED - {"init", "init_scale"}

_INIT_PATTERN = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*([^()]*?)\s*\))?\s*$")


def parse_init(spec):
    """Turn a named initialisation into the estimator's ``(init, init_scale)``.

    Parameters
    ----------
    spec : str
        ``'default'`` (keep the estimator's own default), a scheme name
        (``'zeros'``, ``'uniform'``, ``'orthogonal'``, ``'glorot_uniform'``,
        ...), or a scheme with its scale in brackets, e.g. ``'normal(0.01)'``
        (standard deviation), ``'uniform(0.5)'`` (half-width) or
        ``'orthogonal(2)'`` (gain).

    Returns
    -------
    init : str or None
        The scheme, None for ``'default'``.
    init_scale : float or None
        The scale, None for the scheme's default.

    Raises
    ------
    ValueError
        If the spec cannot be parsed or names an unknown scheme.

    Examples
    --------
    >>> parse_init("normal(0.01)")
    ('normal', 0.01)
    >>> parse_init("zeros")
    ('zeros', None)
    """
    match = _INIT_PATTERN.match(spec)
    if match is None:
        raise ValueError(f"Cannot parse initialisation {spec!r}; write e.g. 'normal(0.01)'.")
    scheme, scale = match.groups()
    if scheme == "default" and scale is None:
        return None, None
    if scheme not in INIT_SCHEMES:
        raise ValueError(
            f"Unknown initialisation scheme {scheme!r} in {spec!r}; choose from "
            f"'default', {', '.join(map(repr, INIT_SCHEMES))}."
        )
    if scale is None:
        return scheme, None
    try:
        value = float(scale)
    except ValueError:
        raise ValueError(f"The scale in {spec!r} is not a number.") from None
    if not value >= 0:
        raise ValueError(f"The scale in {spec!r} must be non-negative.")
    return scheme, value


@dataclass(frozen=True)
class Study:
    """One small grid of training runs that answers one question.

    Parameters
    ----------
    name : str
        Short identifier (used in file names and ``--studies``).
    title : str
        Section title in the report.
    kind : {'rules', 'null_init', 'init_sensitivity', 'ablation', 'tuning', 'custom'}
        Which of the paper's claims the verdict reads from this study.
    description : str
        What the study shows; printed under the title.
    rules : tuple of str
        Learning rules (see :data:`~sklearn_lra.experiments.RULES`).
    datasets : tuple of str
        Data sets (``'mnist'``, ``'fashion_mnist'``, ``'digits'``).
    depths : tuple of int
        Numbers of hidden layers.
    width : int
        Units per hidden layer.
    activations : tuple of str
        Hidden nonlinearities.
    inits : tuple of str
        Named initialisations, see :func:`parse_init`.
    seeds : tuple of int
        ``random_state`` of the runs; statistics are over seeds.
    epochs : int
        Training epochs of every run.
    n_train : int or None
        Training rows (a fixed subsample); None uses the whole training set.
    params : dict
        Estimator keywords shared by every rule (e.g. ``batch_size``).
    rule_params : dict of str to dict
        Extra estimator keywords per rule.
    default_inits : dict of str to str
        The initialisation (a name for :func:`parse_init`) that ``'default'``
        stands for, per rule; a rule not named keeps its estimator's default.
    grid : dict of str to tuple
        Ablation: every combination of these estimator keywords' values is
        run, e.g. ``{'beta': (0.01, 0.1, 1.0)}``.
    rule_grid : dict of str to dict
        Per rule, more keywords to search, combined with ``grid``, e.g.
        ``{'lra': {'beta': (0.25, 0.5, 1.0)}}``.
    configurations : dict of str to tuple of dict
        Per rule, the explicit list of keyword values to run instead of a
        grid (the budget of a tuning study, see :mod:`._search`). The key
        ``'init'`` holds a named initialisation (:func:`parse_init`) that
        replaces the study's for that configuration.
    search_spaces : dict of str to dict
        Per rule, what its ``configurations`` were drawn from (keyword ->
        dimension of :mod:`._search`); printed in the report.
    search_seed : int or None
        The seed the configurations were drawn with; printed in the report.
    final_seeds : tuple of int
        Tuning studies: the seeds of the runs that retrain each rule's chosen
        setting and report its test error (the search uses ``seeds``).
    eval_every : int or None
        Validation and test errors are measured every this many epochs (and
        after the last); None measures them about five times.
    """

    name: str
    title: str
    kind: str = "custom"
    description: str = ""
    rules: tuple = ("lra", "bp", "fa", "dfa", "dtp")
    datasets: tuple = ("mnist",)
    depths: tuple = (3,)
    width: int = 256
    activations: tuple = ("tanh",)
    inits: tuple = ("default",)
    seeds: tuple = (0, 1, 2)
    epochs: int = 20
    n_train: int | None = None
    params: dict = field(default_factory=dict)
    rule_params: dict = field(default_factory=dict)
    default_inits: dict = field(default_factory=dict)
    grid: dict = field(default_factory=dict)
    rule_grid: dict = field(default_factory=dict)
    configurations: dict = field(default_factory=dict)
    search_spaces: dict = field(default_factory=dict)
    search_seed: int | None = None
    final_seeds: tuple = ()
    eval_every: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Study kind must be one of {KINDS}, got {self.kind!r}.")
        unknown = set(self.datasets) - set(DATASETS)
        if unknown:
            raise ValueError(f"Unknown data sets {sorted(unknown)}; choose from {list(DATASETS)}.")
        searched = {k for grid in self.rule_grid.values() for k in grid}
        reserved = _RESERVED & (set(self.params) | set(self.grid) | searched)
        if reserved:
            raise ValueError(
                f"Study {self.name!r} sets {sorted(reserved)} through params or grid; use "
                "the study's own depths, width, activations, inits, seeds and epochs."
            )
        for spec in self.inits:
            parse_init(spec)
        if self.kind == "tuning" and not self.final_seeds:
            raise ValueError(f"Tuning study {self.name!r} needs final_seeds to retrain with.")
        self._check_configurations()

    def _check_configurations(self):
        """Explicit configurations: no grid beside them, no reserved keyword, distinct labels."""
        if self.configurations and (self.grid or self.rule_grid):
            raise ValueError(f"Study {self.name!r}: give configurations or a grid, not both.")
        for rule, configs in self.configurations.items():
            reserved = {k for c in configs for k in c} & (_RESERVED - {"init"})
            if reserved:
                raise ValueError(
                    f"Study {self.name!r}, rule {rule!r}: configurations set {sorted(reserved)}, "
                    "which the study sets itself."
                )
            for config in configs:
                if "init" in config:
                    parse_init(config["init"])
            # Runs are told apart by their labels (choices, CSV): two equal ones would merge.
            labels = [variant_label(c) for c in configs]
            if len(set(labels)) < len(labels):
                raise ValueError(f"Study {self.name!r}, rule {rule!r}: repeated configurations.")

    def variants(self, rule):
        """The rule's ``configurations``, else every combination of ``grid`` and
        ``rule_grid[rule]``, as dicts."""
        if rule in self.configurations:
            return [dict(c) for c in self.configurations[rule]]
        return _variants({**self.grid, **self.rule_grid.get(rule, {})})

    @property
    def n_runs(self):
        """Number of runs of the grid (a tuning study's search only)."""
        dims = (self.datasets, self.depths, self.activations, self.inits, self.seeds)
        total = sum(len(self.variants(rule)) for rule in self.rules)
        for dim in dims:
            total *= len(dim)
        return total


@dataclass(frozen=True)
class Profile:
    """A named list of studies.

    Parameters
    ----------
    name : str
        Identifier (``--profile``).
    description : str
        What the profile is for and roughly how long it takes.
    studies : tuple of Study
        The studies, in report order.
    """

    name: str
    description: str
    studies: tuple


@dataclass(frozen=True)
class Run:
    """One training run of one study.

    Parameters
    ----------
    study : str
        Name of the study.
    kind : str
        Kind of the study.
    labels : dict
        How the study names this run: rule, dataset, depth, width,
        activation, init (the spec), variant (ablation values) and seed.
    config : dict
        Everything that determines the training, JSON-able.
    key : str
        Hash of ``config``; names the cached result.
    """

    study: str
    kind: str
    labels: dict
    config: dict
    key: str


def expand_study(study):
    """The runs of a study, in a stable order (rules vary fastest).

    Parameters
    ----------
    study : Study
        The grid.

    Returns
    -------
    runs : list of Run

    Raises
    ------
    ValueError
        If a rule is not available or does not accept a keyword of the study.
    """
    classes = {rule: resolve_rule(rule) for rule in study.rules}
    runs = []
    outer = itertools.product(study.datasets, study.depths, study.activations, study.inits)
    for setting in outer:
        if study.rule_grid or study.configurations:
            inner = [
                (variant, seed, rule)
                for rule in study.rules
                for variant in study.variants(rule)
                for seed in study.seeds
            ]
        else:
            inner = [
                (variant, seed, rule)
                for variant in _variants(study.grid)
                for seed, rule in itertools.product(study.seeds, study.rules)
            ]
        for variant, seed, rule in inner:
            runs.append(make_run(study, classes[rule], rule, setting, variant, seed))
    return runs


def make_run(study, cls, rule, setting, variant, seed, kind=None):
    """The :class:`Run` of one rule, setting, ablation values and seed of a study.

    Parameters
    ----------
    study : Study
    cls : type
        The rule's estimator class.
    rule : str
    setting : tuple
        ``(dataset, depth, activation, init)``.
    variant : dict
        The ablation or search values of this run.
    seed : int
    kind : str or None, default=None
        The run's kind (the study's by default).

    Returns
    -------
    run : Run
    """
    dataset, depth, activation, init = setting
    labels = {
        "rule": rule,
        "dataset": dataset,
        "depth": depth,
        "width": study.width,
        "activation": activation,
        "init": init,
        "variant": variant_label(variant),
        "seed": seed,
    }
    params = _estimator_params(study, cls, labels, variant)
    config = _config(study, labels, params, cls)
    return Run(study.name, kind or study.kind, labels, config, config_key(config))


def expand_profile(profile):
    """Every run of every study of a profile, in report order.

    Parameters
    ----------
    profile : Profile

    Returns
    -------
    runs : list of Run
    """
    return [run for study in profile.studies for run in expand_study(study)]


def unique_configs(runs):
    """The distinct configurations of ``runs`` as ``{key: config}``, in order."""
    configs = {}
    for run in runs:
        configs.setdefault(run.key, run.config)
    return configs


def config_key(config):
    """A short stable hash of a configuration.

    Parameters
    ----------
    config : dict
        A JSON-able configuration.

    Returns
    -------
    key : str
        16 hexadecimal digits.
    """
    text = json.dumps({"schema": SCHEMA_VERSION, **config}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def restrict(
    profile,
    *,
    studies=None,
    rules=None,
    datasets=None,
    seeds=None,
    epochs=None,
    n_train=None,
):
    """A copy of a profile cut down (or changed) along some dimensions.

    Parameters
    ----------
    profile : Profile
    studies, rules, datasets : sequence of str or None
        Keep only these (None keeps all). Studies left without a rule or a
        data set are dropped.
    seeds : sequence of int or None
        Replace every study's seeds.
    epochs, n_train : int or None
        Replace every study's epochs / training-set size.

    Returns
    -------
    profile : Profile

    Raises
    ------
    ValueError
        If a named study does not exist or nothing is left.
    """
    _check_names("study", studies, [s.name for s in profile.studies])
    _check_names("rule", rules, _values(profile, "rules"))
    _check_names("data set", datasets, _values(profile, "datasets"))
    kept = []
    for study in profile.studies:
        if studies is not None and study.name not in studies:
            continue
        changes = _study_changes(study, rules, datasets, seeds, epochs, n_train)
        if changes.get("rules") == () or changes.get("datasets") == ():
            continue
        kept.append(dataclasses.replace(study, **changes))
    if not kept:
        raise ValueError("The filters leave no study to run.")
    return dataclasses.replace(profile, studies=tuple(kept))


def _study_changes(study, rules, datasets, seeds, epochs, n_train):
    """Field replacements that :func:`restrict` applies to one study."""
    changes = {}
    if rules is not None:
        changes["rules"] = tuple(r for r in study.rules if r in rules)
    if datasets is not None:
        changes["datasets"] = tuple(d for d in study.datasets if d in datasets)
    if seeds is not None:
        changes["seeds"] = tuple(seeds)
    if epochs is not None:
        changes["epochs"] = int(epochs)
    if n_train is not None:
        changes["n_train"] = int(n_train)
    return changes


def _values(profile, dimension):
    """The distinct values of a study dimension across a profile, in order."""
    return list(dict.fromkeys(v for study in profile.studies for v in getattr(study, dimension)))


def _check_names(what, names, known):
    """Raise a clear error for names that are not in ``known``."""
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise ValueError(f"Unknown {what} {unknown} for this profile; choose from {known}.")


def _variants(grid):
    """Every combination of the ablation grid as a dict (one empty dict if none)."""
    names = sorted(grid)
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


def variant_label(variant):
    """``'beta=0.1, form=fdbk'``, or ``''`` without ablation."""
    return ", ".join(f"{k}={v}" for k, v in variant.items())


def _estimator_params(study, cls, labels, variant):
    """Every keyword of the estimator for one run, defaults filled in."""
    # A configuration may name its own initialisation (a searched initial scale).
    variant = dict(variant)
    spec = variant.pop("init", labels["init"])
    if spec == "default":
        spec = study.default_inits.get(labels["rule"], spec)
    init, init_scale = parse_init(spec)
    # A preset's values replace the study's shared ones (it is the published
    # rule only with all of them), but not the network and budget of the study;
    # its initialisation stands for 'default'.
    preset = {k: v for k, v in rule_preset(labels["rule"]).items() if k not in _STUDY_SETS}
    kwargs = {
        **study.params,
        **preset,
        **study.rule_params.get(labels["rule"], {}),
        **variant,
        "hidden_layer_sizes": (labels["width"],) * labels["depth"],
        "activation": labels["activation"],
        "random_state": labels["seed"],
        "max_iter": study.epochs,
    }
    if init is not None:
        kwargs.update(init=init, init_scale=init_scale)
    try:
        # All parameters, so that a changed default gives a new configuration.
        params = cls(**kwargs).get_params(deep=False)
    except TypeError as exc:
        raise ValueError(f"Rule {labels['rule']!r} in study {study.name!r}: {exc}") from exc
    params.pop("verbose", None)
    return _jsonable(params)


def setting_params(study, rule):
    """A rule's estimator keywords in a study, before any grid or configuration.

    Parameters
    ----------
    study : Study
    rule : str

    Returns
    -------
    params : dict
        Every keyword of the rule's estimator (JSON-able), from the study's
        pinned parameters, the rule's preset and its ``'default'``
        initialisation; the network is the study's first depth and activation.
    """
    labels = {
        "rule": rule,
        "width": study.width,
        "depth": study.depths[0],
        "activation": study.activations[0],
        "init": "default",
        "seed": 0,
    }
    return _estimator_params(study, resolve_rule(rule), labels, {})


def _config(study, labels, params, cls):
    """The JSON-able description of everything that determines one run."""
    eval_every = study.eval_every or max(1, study.epochs // 5)
    config = {
        "rule": labels["rule"],
        "dataset": labels["dataset"],
        "n_train": study.n_train,
        "validation": VALIDATION[labels["dataset"]],
        "epochs": study.epochs,
        "eval_every": eval_every,
        "params": params,
    }
    # Revision 0 is left out, so that results cached before revisions existed
    # keep their keys; any later revision of the rule's code gives new keys.
    revision = getattr(cls, "_rule_revision", 0)
    if revision:
        config["rule_revision"] = revision
    return config


def _jsonable(value):
    """Tuples to lists and numpy scalars to Python numbers, recursively."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value

"""Choices made from the results: on validation error only, never on test error.

An ablation's preferred value and a tuning study's setting per rule are the
lowest mean *validation* error; the test error of the chosen configuration is
only reported next to it. Runs without a validation error (from before the
validation split) cannot choose anything: :func:`choose_on_validation`
refuses them instead of falling back to the test error.
"""

from dataclasses import dataclass

from ._grid import TUNED, make_run, variant_label
from ._registry import resolve_rule
from ._tables import group_rows, make_rows, summarise
from ._verdict import compare

#: The column every choice is made on.
SELECTION_COLUMN = "val_error"

#: The dimensions of a setting, within which a tuning study chooses per rule.
SETTING = ("dataset", "depth", "activation", "init")


def has_validation(rows):
    """True when every run with a result has a validation error (and one does).

    Parameters
    ----------
    rows : list of dict

    Returns
    -------
    bool
    """
    done = [r for r in rows if r["status"] in ("ok", "diverged")]
    return bool(done) and all(r.get(SELECTION_COLUMN) is not None for r in done)


@dataclass
class Choice:
    """The value chosen within one setting, on validation error.

    Attributes
    ----------
    setting : tuple
        Values of the ``within`` keys.
    chosen : str
        The chosen value of the ``over`` key (e.g. a variant label).
    val : Summary
        Validation error of the chosen value over seeds.
    n_tried : int
        Values compared.
    tied : list of str
        Other values whose validation error ties with the chosen one's by
        :func:`~._verdict.compare`.
    """

    setting: tuple
    chosen: str
    val: object
    n_tried: int
    tied: list


def choose_on_validation(rows, over, within):
    """Per group of ``within``: the value of ``over`` with the lowest mean validation error.

    Parameters
    ----------
    rows : list of dict
        Runs with a validation error.
    over : str
        The key whose value is chosen, e.g. ``'variant'``.
    within : sequence of str
        The keys of a setting within which one value is chosen.

    Returns
    -------
    choices : list of Choice
        In order of first appearance; groups without a result are left out.

    Raises
    ------
    ValueError
        If a run has no validation error: nothing is ever chosen on test error.
    """
    done = [r for r in rows if r["status"] in ("ok", "diverged")]
    if done and not has_validation(done):
        raise ValueError("These runs have no validation error; nothing can be chosen on them.")
    choices = []
    for setting, group in group_rows(done, list(within)).items():
        by_value = {k[0]: g for k, g in group_rows(group, [over]).items()}
        means = {v: summarise(g, SELECTION_COLUMN) for v, g in by_value.items()}
        best = min(means, key=lambda v: means[v].mean)
        tied = [
            v
            for v in by_value
            if v != best and compare(by_value[v], by_value[best], SELECTION_COLUMN).outcome == "tie"
        ]
        choices.append(Choice(setting, best, means[best], len(means), tied))
    return choices


def tuning_choices(study, rows):
    """The setting each rule of a tuning study chose, from its search runs.

    Parameters
    ----------
    study : Study
        A study of kind 'tuning'.
    rows : list of dict
        Rows of the profile (only the study's search runs are read).

    Returns
    -------
    choices : list of Choice
        ``setting`` is ``(dataset, depth, activation, init, rule)``. Empty
        when a search run has no result yet or no validation error.
    """
    search = [r for r in rows if r["study"] == study.name and r["kind"] == study.kind]
    if len(search) < study.n_runs or any(r["status"] == "missing" for r in search):
        return []
    if not has_validation(search):
        return []
    return choose_on_validation(search, "variant", (*SETTING, "rule"))


def final_runs(study, rows):
    """The runs that retrain each rule's chosen setting with the final seeds.

    Parameters
    ----------
    study : Study
        A study of kind 'tuning'.
    rows : list of dict
        Rows holding the study's search results.

    Returns
    -------
    runs : list of Run
        Of kind :data:`~._grid.TUNED`; empty until the search is complete.
    """
    runs = []
    for choice in tuning_choices(study, rows):
        *setting, rule = choice.setting
        variants = {variant_label(v): v for v in study.variants(rule)}
        cls = resolve_rule(rule)
        for seed in study.final_seeds:
            runs.append(
                make_run(study, cls, rule, tuple(setting), variants[choice.chosen], seed, TUNED)
            )
    return runs


def with_final_runs(profile, runs, results):
    """``runs`` and the final runs of every tuning study whose search is done.

    Parameters
    ----------
    profile : Profile
    runs : list of Run
        The profile's runs (a tuning study's search runs among them).
    results : dict
        Configuration key -> result.

    Returns
    -------
    runs : list of Run
    """
    tuning = [s for s in profile.studies if s.kind == "tuning"]
    if not tuning:
        return runs
    rows = make_rows(runs, results)
    known = {(run.study, run.kind, run.key) for run in runs}
    extra = [
        run
        for study in tuning
        for run in final_runs(study, rows)
        if (run.study, run.kind, run.key) not in known
    ]
    return runs + extra

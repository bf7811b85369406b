"""The Markdown report: how the results were made, one section per study, the verdict."""

import datetime
import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ._data import DATASETS, DATASETS_BEFORE_VALIDATION, N_VALIDATION
from ._grid import TUNED, variant_label
from ._registry import PRESET_RULES, rule_label
from ._runner import first_line
from ._selection import SETTING, choose_on_validation, has_validation, tuning_choices
from ._tables import (
    format_summary,
    group_rows,
    make_rows,
    markdown_table,
    pivot_by_rule,
    summarise,
    varying_dimensions,
    write_csv,
)
from ._verdict import (
    AT_CHANCE_MARGIN,
    SPREAD_RATIO,
    TEST_DESCRIPTION,
    TRAINED_BELOW,
    TUNED_RIVALS,
    _pct,
    compare,
    evaluate_claims,
    evaluate_targets,
    init_spreads,
    reads_tuning,
)

CSV_NAME = "runs.csv"
REPORT_NAME = "results.md"


@dataclass
class ReportFiles:
    """Paths written by :func:`write_outputs`.

    Attributes
    ----------
    report : Path
        The Markdown report.
    csv : Path
        One row per run.
    figures : list of Path
        PNG files (empty without matplotlib plots).
    appendix : Path or None
        The Markdown appendix with the long grids of learning curves (None
        without plots).
    """

    report: Path
    csv: Path
    figures: list
    appendix: Path = None


def write_outputs(
    profile,
    runs,
    results,
    results_dir,
    *,
    report_path=None,
    command=None,
    plots=True,
    notes=(),
    provenance=None,
):
    """Write the CSV, the figures and the Markdown report of a profile.

    Parameters
    ----------
    profile : Profile
        The (possibly restricted) profile that was run.
    runs : list of Run
        Its runs.
    results : dict
        Configuration key -> result.
    results_dir : path-like
        Where ``runs.csv`` goes when ``report_path`` is None.
    report_path : path-like, default=None
        The report; ``<results_dir>/results.md`` by default. Figures go to
        the folder ``<report stem>_figures`` next to it, and the CSV to
        ``<report stem>_runs.csv``, so that a report outside the results
        folder travels with the data it was computed from.
    command : str, default=None
        The command line to quote in the report.
    plots : bool, default=True
        Draw the figures (needs matplotlib).
    notes : sequence of str, default=()
        Extra lines for the "How this was produced" section.
    provenance : dict, default=None
        Lines of the "How this was produced" section to keep as they are
        (``'Date'``, ``'Hardware'``, ...), for a report re-rendered from the
        CSV of an earlier run: see :func:`read_provenance`.

    Returns
    -------
    files : ReportFiles
    """
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    if report_path:
        report_path = Path(report_path)
        csv_path = report_path.with_name(f"{report_path.stem}_runs.csv")
    else:
        report_path, csv_path = results_dir / REPORT_NAME, results_dir / CSV_NAME
    report_path.parent.mkdir(parents=True, exist_ok=True)
    rows = make_rows(runs, results)
    write_csv(rows, csv_path)
    notes = [*notes, f"Every run, one row each: [`{csv_path.name}`]({csv_path.name})"]
    figures, grids = _draw_figures(profile, rows, report_path) if plots else ({}, {})
    appendix = None
    if any(grids.values()):
        appendix = report_path.with_name(f"{report_path.stem}_appendix.md")
        appendix.write_text(
            render_appendix(profile, grids, report_path, report_title(profile)), encoding="utf-8"
        )
        notes = [*notes, f"Learning curves of every setting: [appendix]({appendix.name})"]
    text = render_report(
        profile, rows, figures, report_path.parent, command, notes, provenance=provenance
    )
    report_path.write_text(text, encoding="utf-8")
    drawn = [p for paths in [*figures.values(), *grids.values()] for _, p in paths]
    return ReportFiles(report_path, csv_path, drawn, appendix)


def _draw_figures(profile, rows, report_path):
    """Study name -> (caption, path) of its main figures, and of its appendix grid.

    The main figures are the bars of test error and, when they fit in
    :data:`~._plots.MAX_PANELS` panels, the test error per epoch; the grid
    of training loss and test error of every setting goes to the appendix.
    """
    from ._plots import (
        MAX_PANELS,
        count_curve_panels,
        plot_error_bars,
        plot_learning_curves,
        plot_test_curves,
    )

    folder = report_path.parent / f"{report_path.stem}_figures"
    folder.mkdir(parents=True, exist_ok=True)
    figures, grids = {}, {}
    for study in profile.studies:
        study_rows = [r for r in rows if r["study"] == study.name]
        if study.kind == "tuning":
            # The search's test errors are never shown: only the retrained choices. Their
            # configurations are in the tables; drawn as variants they would be axis labels.
            study_rows = [{**r, "variant": ""} for r in study_rows if r["kind"] == TUNED]
        main = [("errors", "Test error, mean ± std over seeds", plot_error_bars)]
        if count_curve_panels(study_rows) <= MAX_PANELS:
            main.append(("curves", "Test error per epoch, mean over seeds", plot_test_curves))
        figures[study.name] = _draw(main, study, study_rows, folder)
        appendix = [("grid", "Training loss and test error per epoch", plot_learning_curves)]
        grids[study.name] = _draw(appendix, study, study_rows, folder)
    return figures, grids


def _draw(plots, study, rows, folder):
    """Draw each ``(suffix, caption, function)``; the (caption, path) of those drawn."""
    drawn = []
    for suffix, caption, draw in plots:
        path = folder / f"{study.name}_{suffix}.png"
        if draw(rows, path, study.title):
            drawn.append((caption, path))
    return drawn


#: The title of each profile's report; a report of some of a profile's studies
#: is named after them instead.
_PROFILE_TITLES = {
    "small": "Reproduction on scikit-learn's digits",
    "medium": "Every study, on 10,000 training rows",
    "full-data": "The paper's claims on the full training sets",
    "full": "The full reproduction of the paper's claims",
}


def report_title(profile):
    """A title that tells this report from the others.

    Parameters
    ----------
    profile : Profile
        The (possibly restricted) profile of the report.

    Returns
    -------
    title : str
    """
    from ._profiles import PROFILES

    base = PROFILES.get(profile.name)
    everything = base is not None and len(profile.studies) == len(base.studies)
    if everything or not profile.studies:
        return _PROFILE_TITLES.get(profile.name, f"Reproduction: profile {profile.name}")
    names = ", ".join(_plain_title(s.title) for s in profile.studies)
    epochs = sorted({s.epochs for s in profile.studies})
    return f"{names}, {'/'.join(map(str, epochs))} epochs ({profile.name} profile)"


def _plain_title(title):
    """``'(b) Null initialisation'`` -> ``'Null initialisation'``, without markup."""
    title = title.replace("`", "")
    return title.split(") ", 1)[1] if title.startswith("(") and ") " in title else title


def render_appendix(profile, grids, report_path, title):
    """The appendix page: the grid of learning curves of every study.

    Parameters
    ----------
    profile : Profile
    grids : dict
        Study name -> list of (caption, path).
    report_path : Path
        The report the appendix belongs to.
    title : str
        The report's title.

    Returns
    -------
    text : str
    """
    parts = [
        # Reached from its report's link, not from a table of contents.
        "---\norphan: true\n---\n",
        f"# Appendix: {title}\n",
        f"Learning curves of every setting of [the report]({report_path.name}), "
        "mean over seeds: training loss above, test error below.\n",
    ]
    for study in profile.studies:
        for caption, path in grids.get(study.name, []):
            relative = Path(os.path.relpath(path, report_path.parent)).as_posix()
            parts.append(f"## {study.title}\n\n![{caption}]({relative})\n")
    return "\n".join(parts)


def render_report(profile, rows, figures, base_dir, command=None, notes=(), provenance=None):
    """The report as Markdown text.

    Parameters
    ----------
    profile : Profile
    rows : list of dict
        From :func:`make_rows`.
    figures : dict
        Study name -> list of (caption, path).
    base_dir : path-like
        Figure links are relative to this folder.
    command : str, default=None
        The command line to quote.
    notes : sequence of str, default=()
        Extra lines for the provenance section.
    provenance : dict, default=None
        Provenance lines to keep (see :func:`write_outputs`).

    Returns
    -------
    text : str
    """
    parts = [
        f"# {report_title(profile)}\n",
        "Ororbia, Mali, Kifer and Giles, *Conducting Credit Assignment by Aligning Local "
        "Representations* (2018), reproduced with this package's own LRA, BP, FA, DFA and "
        "DTP estimators trained on the same data with the same budget.\n",
        protocol(profile, rows),
        _provenance(profile, rows, command, notes, provenance or {}),
    ]
    from_tuning = reads_tuning(rows)
    for study in profile.studies:
        study_rows = [r for r in rows if r["study"] == study.name]
        drawn = figures.get(study.name, [])
        parts.append(_study_section(study, study_rows, drawn, base_dir, from_tuning))
    parts.append(_verdict_section(rows))
    return "\n".join(parts)


# --------------------------------------------------------------- protocol


def protocol(profile, rows):
    """The paragraph at the top of a report: what was selected on what.

    Parameters
    ----------
    profile : Profile
    rows : list of dict

    Returns
    -------
    text : str
    """
    if not has_validation(rows):
        return (
            "**Selection protocol.** These runs predate the validation split: their CSV has "
            "no validation-error column, every run trained on all the training rows it was "
            "given, and the only error measured is the test error quoted here. Every choice "
            "drawn from them (the ablations' preferred values, the package's `'auto'` values "
            "and the settings the profile pins) was made on this same test error, so the "
            "differences favour the chosen settings. Nothing is selected in this report.\n"
        )
    kinds = {s.kind for s in profile.studies}
    chosen = []
    if "ablation" in kinds:
        chosen.append("the preferred value of each ablation")
    if "tuning" in kinds:
        chosen.append("each rule's configuration in the tuning study")
    what = (
        f"Everything this report chooses ({' and '.join(chosen)}) is chosen on the lowest "
        "mean validation error."
        if chosen
        else "This report chooses nothing from its runs."
    )
    return (
        "**Selection protocol.** Every run trains on the training rows only; its validation "
        "error is measured on held-out rows of the training set and its test error on the "
        f"test set (see *Data* below). {what} Test error is only reported, for "
        "configurations fixed before it was looked at: the studies' settings as the profile "
        "pins them"
        + (
            ", and each rule's chosen setting retrained with other seeds"
            if "tuning" in kinds
            else ""
        )
        + ". Every error is that of the last epoch: no epoch is selected"
        + (
            "; runs with `early_stopping` stop on a part of their own training rows"
            if _stops_early(profile)
            else " and no run stops early"
        )
        + ". The values the profile pins (e.g. LRA's `beta` and window) were fixed before "
        "these runs; before the validation split they were chosen on the test error of "
        "earlier reports.\n"
    )


def _stops_early(profile):
    """Whether a study of the profile trains with the estimators' early stopping."""
    return any(
        params.get("early_stopping")
        for study in profile.studies
        for params in (study.params, *study.rule_params.values())
    )


# --------------------------------------------------------------- provenance


def _provenance(profile, rows, command, notes, kept):
    """The "How this was produced" section; ``kept`` overrides computed lines."""
    unique = {r["key"]: r for r in rows}.values()
    statuses = {s: sum(r["status"] == s for r in unique) for s in _STATUS_ORDER}
    fit_hours = sum(r["fit_time"] or 0.0 for r in unique) / 3600
    datasets = sorted({r["dataset"] for r in rows})
    command = command or f"python -m sklearn_lra reproduce --profile {profile.name}"
    described = DATASETS if has_validation(rows) else DATASETS_BEFORE_VALIDATION
    lines = [
        "## How this was produced\n",
        f"- Command: {kept.get('Command', f'`{command}`')}",
        f"- Profile: `{profile.name}`: {profile.description}",
        f"- Date: {kept.get('Date') or _now()}",
        f"- Hardware: {kept.get('Hardware') or _hardware()}",
        f"- BLAS: {kept.get('BLAS') or _blas()}",
        f"- Versions: {kept.get('Versions') or _versions()}",
        f"- Commit: {_commits(rows)}",
        "- Data: " + "; ".join(f"`{d}`: {described.get(d, d)}" for d in datasets),
        f"- Configurations: {len(unique)} distinct ("
        + ", ".join(f"{n} {s}" for s, n in statuses.items() if n)
        + f"), {len(rows)} runs over the studies; training time {fit_hours:.2f} h summed over jobs",
        *(f"- {note}" for note in notes),
        "",
        _STATISTICS_NOTE,
    ]
    return "\n".join(lines)


_STATUS_ORDER = ("ok", "diverged", "failed", "missing")


def _commits(rows):
    """The commits of the code that trained the runs, as recorded in them."""
    commits = sorted({r["commit"] for r in rows if r.get("commit")})
    if not commits:
        return "not recorded in the runs"
    return ", ".join(f"`{c}`" for c in commits)


#: The provenance lines a re-rendered report keeps from the report it replaces.
KEPT_PROVENANCE = ("Command", "Date", "Hardware", "BLAS", "Versions", "Jobs")


def _now():
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def read_provenance(report_path):
    """The lines of :data:`KEPT_PROVENANCE` in an existing report.

    Parameters
    ----------
    report_path : path-like
        A report written by :func:`write_outputs`.

    Returns
    -------
    provenance : dict
        Name (``'Date'``, ...) -> the rest of its line.
    """
    text = Path(report_path).read_text(encoding="utf-8")
    found = {}
    for name in KEPT_PROVENANCE:
        match = re.search(rf"^- {name}: (.*)$", text, flags=re.M)
        if match:
            found[name] = match.group(1)
    return found


_STATISTICS_NOTE = """\
Test errors are in percent on each data set's fixed test set (validation errors on its
validation rows), mean ± standard deviation over seeds (`random_state` of the
initialisation and the shuffling). A run whose loss became
infinite or NaN is *diverged* and counts at the error of the best constant prediction; a run
that raised is *failed* and is left out of the statistics. Every rule sees the same training
rows (a fixed subsample when `n_train` is set).
"""


def _hardware():
    """Cores, processor and OS."""
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} logical cores, {cpu}, {platform.platform()}"


def _blas():
    """BLAS/OpenMP libraries and their threads, via threadpoolctl if installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (install threadpoolctl to record it)"
    pools = [
        f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads"
        + (f", {p['architecture']}" if p.get("architecture") else "")
        + ")"
        for p in threadpool_info()
    ]
    return "; ".join(pools) or "none found"


def _versions():
    """Python and the main libraries."""
    import joblib
    import numpy
    import scipy
    import sklearn

    import sklearn_lra

    parts = [f"Python {sys.version.split()[0]}"]
    for module in (sklearn_lra, numpy, scipy, sklearn, joblib):
        parts.append(f"{module.__name__} {module.__version__}")
    return ", ".join(parts)


# --------------------------------------------------------------- studies


def _study_section(study, rows, figures, base_dir, claim_2_from_tuning=False):
    """One study: what it shows, its settings, its table, spreads and figures.

    ``claim_2_from_tuning`` says under a rule comparison that the verdict on
    claim 2 reads a tuning study instead.
    """
    parts = [f"## {study.title}\n"]
    if study.description:
        parts.append(study.description + "\n")
    parts.append(_settings(study, rows) + "\n")
    parts.append(_defaults_used(rows))
    if not rows:
        parts.append("No runs.\n")
        return "\n".join(parts)
    if study.kind == "tuning":
        parts.append(_tuning_section(study, rows))
    else:
        parts.append("Test error (%), mean ± std over seeds:\n")
        parts.append(pivot_by_rule(rows) + "\n")
    if study.kind == "rules":
        intro = "LRA against every other rule (test error, the verdict's test):"
        parts.append(_comparisons(rows, intro))
        if claim_2_from_tuning:
            parts.append(
                "The verdict on claim 2 (LRA outperforms DTP and FA) and target T2 reads the "
                "tuning study's retrained choices, where every rule has the same budget, not "
                "this comparison at the settings the profile pins.\n"
            )
    if study.kind == "ablation":
        parts.append(_ablation_choices(study, rows))
    if study.kind == "init_sensitivity":
        parts.append(_spread_table(rows))
    for caption, path in figures:
        parts.append(f"![{caption}]({Path(os.path.relpath(path, base_dir)).as_posix()})\n")
    parts.append(_failures(rows))
    return "\n".join(p for p in parts if p)


def _settings(study, rows=()):
    """The study's grid and training budget, in one list (seeds as run, if any)."""
    seeds = sorted({r["seed"] for r in rows if r["kind"] == study.kind}) or study.seeds
    items = [
        f"rules {', '.join(study.rules)}",
        f"data {', '.join(study.datasets)}"
        + (f" ({study.n_train} training rows)" if study.n_train else ""),
        f"hidden layers {', '.join(str(d) for d in study.depths)} x {study.width}",
        f"activations {', '.join(study.activations)}",
        f"initialisations {', '.join(study.inits)}",
        f"{study.epochs} epochs",
        f"seeds {', '.join(map(str, seeds))}",
    ]
    if study.params:
        shared = ", ".join(f"{k}={v!r}" for k, v in study.params.items())
        items.append(f"shared parameters {shared}")
    for rule, extra in study.rule_params.items():
        items.append(f"{rule}: " + ", ".join(f"{k}={v!r}" for k, v in extra.items()))
    for name, values in study.grid.items() if study.kind != "tuning" else ():
        items.append(f"ablation of `{name}` over {', '.join(map(repr, values))}")
    return "Settings: " + "; ".join(items) + "."


def _ablation_choices(study, rows):
    """Validation errors of an ablation and the value chosen on them per setting."""
    if not has_validation(rows):
        return (
            "These runs have no validation error: no value is chosen here, and the table "
            "above must not be read as a choice.\n"
        )
    within = [d for d in varying_dimensions(rows) if d != "variant"]
    lines = [
        [
            *map(str, choice.setting),
            choice.chosen,
            format_summary(choice.val),
            "; ".join(choice.tied) or "none",
        ]
        for choice in choose_on_validation(rows, "variant", within)
    ]
    header = [_HEADERS.get(d, d) for d in within]
    header += ["chosen on validation", "validation error (%)", "tied on validation"]
    return (
        "Validation error (%), mean ± std over seeds:\n\n"
        + pivot_by_rule(rows, "val_error")
        + f"\n\nChosen on validation error in study `{study.name}` (lowest mean; *tied* "
        "values are within the noise by the test of the verdict):\n\n"
        + markdown_table(header, lines)
        + "\n"
    )


def _tuning_section(study, rows):
    """A tuning study: the budget, the configurations, each rule's choice, the retrained errors."""
    parts = [_tuning_budget(study), _configurations_table(study)]
    choices = tuning_choices(study, rows)
    if not choices:
        parts.append("The search is not complete (or has no validation error): nothing chosen.\n")
        return "\n".join(parts)
    final = [r for r in rows if r["kind"] == TUNED]
    parts.append(_choices_table(study, choices, final))
    parts.append(
        "Test error (%) of each rule's chosen configuration, retrained, mean ± std over seeds:\n\n"
        + _final_table(final)
        + "\n"
    )
    parts.append(
        _comparisons(final, "With the same budget for every rule (test error, the verdict's test):")
    )
    for preset in (r for r in PRESET_RULES if r in study.rules):
        rivals = ", ".join(rule_label(r) for r in TUNED_RIVALS)
        intro = f"{rule_label(preset)} against {rivals}, with the same budget (test error):"
        parts.append(_comparisons(final, intro, lead=preset, rivals=TUNED_RIVALS))
    parts.append(
        "The verdict on claim 2 (LRA outperforms DTP and FA) and target T2 reads these "
        "retrained choices: the package's LRA and both presets, each against "
        f"{', '.join(rule_label(r) for r in TUNED_RIVALS)}.\n"
    )
    return "\n".join(p for p in parts if p)


def _tuning_budget(study):
    """The search protocol and one row per rule: its budget and what it was drawn from."""
    n_val = sorted({f"{d} {N_VALIDATION[d]:,}" for d in study.datasets})
    lines = [
        [
            rule_label(rule),
            str(len(study.variants(rule))),
            _drawn_over(study, rule),
            "; ".join(n_val),
            ", ".join(map(str, study.seeds)),
            ", ".join(map(str, study.final_seeds)),
        ]
        for rule in study.rules
    ]
    header = ["rule", "configurations", "drawn over", "validation rows"]
    header += ["search seeds", "final seeds"]
    sizes = {len(study.variants(rule)) for rule in study.rules}
    equal = (
        "Every rule has the same number of configurations."
        if len(sizes) == 1
        else "**The rules do not have the same number of configurations.**"
    )
    seed = "" if study.search_seed is None else f" (search seed {study.search_seed})"
    return (
        "Search protocol: configuration 0 of each rule is its setting in the other studies; "
        f"the others are drawn at random{seed} from the rule's own knobs, listed below. "
        "Each configuration is trained with the search seeds on every data set and depth, "
        "and the one with the lowest validation error is chosen per data set and depth. "
        "Choices are made on validation error only: the search runs' test errors are "
        "never read. The chosen configuration is retrained with the final seeds, and its "
        f"test error is measured once. {equal}\n\n" + markdown_table(header, lines) + "\n"
    )


def _drawn_over(study, rule):
    """What a rule's configurations were drawn from (or the grid they span), as text."""
    space = study.search_spaces.get(rule)
    if space is not None:
        return "; ".join(f"`{k}` {dim}" for k, dim in space.items())
    grid = {**study.grid, **study.rule_grid.get(rule, {})}
    return "; ".join(f"`{k}` in {list(v)}" for k, v in grid.items()) or "none"


def _configurations_table(study):
    """Every configuration of every rule, numbered as the choices refer to them."""
    lines = [
        [rule_label(rule), f"#{i}", variant_label(config) or "(the study's setting)"]
        for rule in study.rules
        for i, config in enumerate(study.variants(rule))
    ]
    return (
        "The configurations searched:\n\n"
        + markdown_table(["rule", "", "configuration"], lines)
        + "\n"
    )


def _choices_table(study, choices, final):
    """Each rule's choice per setting: validation error, retrained test error, ties."""
    retrained = group_rows(final, [*SETTING, "rule"])
    lines = []
    for c in choices:
        number = {variant_label(v): f"#{i}" for i, v in enumerate(study.variants(c.setting[4]))}
        test = summarise(retrained.get(tuple(c.setting), []))
        lines.append(
            [
                *map(str, c.setting[:2]),
                c.setting[4],
                str(c.n_tried),
                number.get(c.chosen, "?"),
                c.chosen,
                format_summary(c.val),
                format_summary(test),
                ", ".join(number.get(t, t) for t in c.tied) or "none",
            ]
        )
    header = ["data set", "depth", "rule", "configurations", "", "chosen on validation"]
    header += ["validation error (%)", "retrained test error (%)", "tied on validation"]
    return (
        f"Chosen on validation error in study `{study.name}` (lowest validation error over "
        "the search seeds; *tied* configurations are within the noise by the test of the "
        "verdict; the retrained test error is the mean ± std over the final seeds):\n\n"
        + markdown_table(header, lines)
        + "\n"
    )


def _final_table(rows):
    """Test error per setting (rows) and rule (columns) of the retrained choices."""
    keys = [k for k in SETTING if k == "dataset" or len({r[k] for r in rows}) > 1]
    rules = list(dict.fromkeys(r["rule"] for r in rows))
    lines = []
    for values, group in group_rows(rows, keys).items():
        by_rule = group_rows(group, ["rule"])
        cells = [format_summary(summarise(by_rule.get((rule,), []))) for rule in rules]
        lines.append([*map(str, values), *cells])
    return markdown_table([_HEADERS.get(k, k) for k in keys] + rules, lines)


_HEADERS = {"dataset": "data set"}


def _comparisons(rows, intro, lead="lra", rivals=None):
    """One rule against the others of ``rows`` per setting, by the verdict's test.

    Parameters
    ----------
    rows : list of dict
        From :func:`make_rows`, one study.
    intro : str
        The sentence before the table.
    lead : str, default='lra'
        The rule compared with the others.
    rivals : sequence of str or None, default=None
        The rules it is compared with (None: every other rule of ``rows``).

    Returns
    -------
    text : str
        ``intro`` and a table with one row per comparison; empty without one.
    """
    done = [r for r in rows if r["status"] in ("ok", "diverged")]
    lines = []
    for setting, group in group_rows(done, list(SETTING)).items():
        ours = [r for r in group if r["rule"] == lead]
        others = [r for r in dict.fromkeys(r["rule"] for r in group) if r != lead]
        for rule in others if rivals is None else [r for r in rivals if r in others]:
            if ours:
                other = [r for r in group if r["rule"] == rule]
                lines.append([setting[0], str(setting[1]), *_comparison_cells(ours, other, rule)])
    if not lines:
        return ""
    header = [rule_label(lead) if h == "LRA" else h for h in _COMPARISON_HEADER]
    return intro + "\n\n" + markdown_table(header, lines, "lrrlrlrr") + "\n"


_COMPARISON_HEADER = [
    "data set",
    "hidden layers",
    "LRA",
    "against",
    "its error",
    "verdict",
    "difference (points)",
    "95% CI (points)",
]


def _comparison_cells(lead, other, rule):
    """The cells of one comparison: errors, outcome (bold unless a tie), difference, CI."""
    diff = compare(lead, other)
    outcome = diff.outcome if diff.outcome == "tie" else f"**{diff.outcome}**"
    return [
        _pct(summarise(lead).mean),
        rule_label(rule),
        _pct(summarise(other).mean),
        outcome,
        f"{100 * diff.mean:+.2f}",
        f"[{100 * diff.low:+.2f}, {100 * diff.high:+.2f}]",
    ]


def _defaults_used(rows):
    """Which initialisation 'default' meant for each rule (where no configuration set one)."""
    used = {
        r["rule"]: r["init_used"]
        for r in rows
        if r["init"] == "default" and "init" not in _variant_keys(r["variant"])
    }
    if not used:
        return ""
    return "Default initialisations: " + "; ".join(f"{k} {v}" for k, v in used.items()) + ".\n"


def _variant_keys(label):
    """The keywords a variant label sets: ``'beta=0.5, init=zeros'`` -> ``{'beta', 'init'}``."""
    return {part.split("=", 1)[0] for part in (label or "").split(", ") if "=" in part}


def _spread_table(rows):
    """Per rule: best and worst initialisation and the spread between them."""
    spreads = init_spreads([r for r in rows if r["status"] in ("ok", "diverged")])
    if not spreads:
        return ""
    lines = [
        [dataset, str(depth), activation, rule, f"{100 * spread:.2f}", best, worst]
        for (dataset, depth, activation, rule), (spread, best, worst, _) in spreads.items()
    ]
    header = ["data set", "depth", "activation", "rule", "spread (points)", "best", "worst"]
    intro = "Spread of the mean test error across initialisations (worst minus best):\n"
    return intro + "\n" + markdown_table(header, lines) + "\n"


def _failures(rows):
    """The distinct error messages of the study's failed runs."""
    failed = group_rows([r for r in rows if r["status"] == "failed"], ["error"])
    if not failed:
        return ""
    lines = ["Failed runs (full messages in the `error` column of the CSV):\n"]
    for (error,), group in list(failed.items())[:5]:
        rules = ", ".join(sorted({r["rule"] for r in group}))
        lines.append(f"- {len(group)} run(s) of {rules}: `{first_line(error)}`")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------- verdict


def _verdict_section(rows):
    """Claims and targets: a summary table, then every check that decides them."""
    verdicts = [
        *((str(i), v) for i, v in enumerate(evaluate_claims(rows), 1)),
        *((f"T{i}", v) for i, v in enumerate(evaluate_targets(rows), 1)),
    ]
    parts = [
        "## Verdict\n",
        _thresholds(),
        "### Summary\n",
        "Claims 1 to 4 are the paper's; T1 to T4 the stricter targets (MNIST and "
        "Fashion-MNIST only).\n",
        markdown_table(_SUMMARY_HEADER, [_summary_line(*lv) for lv in verdicts], "lllr") + "\n",
        "### Every check\n",
        markdown_table(["", "", "check"], [c for lv in verdicts for c in _check_lines(*lv)]) + "\n",
    ]
    return "\n".join(parts)


_SUMMARY_HEADER = ["", "claim or target", "verdict", "checks passed"]


def _thresholds():
    """The rules by which the verdict is computed."""
    limits = ", ".join(f"{d} {100 * v:.0f}%" for d, v in TRAINED_BELOW.items())
    return (
        "Computed from the tables above. A network counts as *trained* when its mean test "
        f"error is below {limits} (other data sets: half the error of the best constant "
        f"prediction), and as *at chance* within {100 * AT_CHANCE_MARGIN:.0f} points of "
        "that constant prediction's error. The *spread* across initialisations is the "
        "worst minus the best mean test error; claim 4 asks LRA's to be at most "
        f"{SPREAD_RATIO:.2g} of BP's (a comparison of means, not tested for noise). A claim "
        "is *reproduced* when every check passes, *partly reproduced* when some do.\n\n"
        + TEST_DESCRIPTION
        + "\n"
    )


def _summary_line(label, verdict):
    """A verdict's row of the summary: label, title, status, checks passed.

    Parameters
    ----------
    label : str
        ``'1'`` to ``'4'`` for the claims, ``'T1'`` to ``'T4'`` for the targets.
    verdict : Verdict

    Returns
    -------
    cells : list of str
    """
    checks = verdict.checks
    passed = f"{sum(c.passed for c in checks)} of {len(checks)}" if checks else "—"
    return [label, verdict.title, f"**{verdict.status}**", passed]


def _check_lines(label, verdict):
    """A verdict's rows of the table of checks: label, mark, the numbers.

    Parameters
    ----------
    label : str
        As in :func:`_summary_line`.
    verdict : Verdict

    Returns
    -------
    lines : list of list of str
        One per check, then one per note; one saying so when there is no check.
    """
    none = [[label, "", "No results for this in the studies that were run."]]
    lines = [] if verdict.checks else none
    lines += [[label, "✓" if c.passed else "✗", c.text] for c in verdict.checks]
    lines += [[label, "(note)", n] for n in verdict.notes]
    return lines

"""The ``reproduce`` command: run a profile's grid and write its report.

The package's command line adds it with :func:`add_reproduce_parser`; until
then it runs on its own::

    python -m sklearn_lra.experiments reproduce --profile small --n-jobs 2
"""

import argparse
import dataclasses
import datetime
import importlib
import shlex
import sys
import textwrap
from pathlib import Path

from ._cache import load_result
from ._grid import expand_profile, restrict, unique_configs
from ._profiles import PROFILES, get_profile
from ._registry import RULES, available_rules
from ._report import read_provenance, write_outputs
from ._runner import run_grid
from ._selection import with_final_runs
from ._tables import read_csv_runs

_DESCRIPTION = """\
Train the comparisons of Ororbia et al. (2018) -- learning rules x depths x
activations x initialisations x data sets x seeds -- and write a Markdown
report (tables, figures, a verdict on each of the paper's claims) with a CSV
of every run beside it. MNIST and Fashion-MNIST are downloaded on first use
and kept (see sklearn_lra.datasets.fetch_mnist); the small profile trains on
scikit-learn's bundled digits and needs no download.
"""

_EPILOG = """\
examples:
  python -m sklearn_lra reproduce --profile small --n-jobs 2
      the small profile's studies on the bundled digits, written to
      sklearn_lra_results/small/ (report, CSV, figures)
  python -m sklearn_lra reproduce --profile medium --studies rules null_init --dry-run
      list what two studies of a profile would train, and train nothing
  python -m sklearn_lra reproduce --profile full-data --n-jobs 2 --report my_results.md
      the headline comparisons; my_results.md, my_results_figures/ and
      my_results_runs.csv are written side by side
  python -m sklearn_lra reproduce --profile full-data --report-only --report my_results.md
      rewrite that report from the stored runs, training nothing
  python -m sklearn_lra reproduce --profile full-data --from-csv --report my_results.md
      rewrite it from my_results_runs.csv alone (no cache needed)

The reports shipped in doc/ are written by the commands quoted at their top;
rerunning one of those overwrites it.

An interrupted run resumes where it stopped: each finished configuration is
stored in <results-dir>/runs/<hash>.json and never trained again (failed
ones are, unless --keep-failed). The exit status is 1 if any configuration
failed (raised an exception), 2 for bad arguments or missing data, else 0.
"""


def _profiles_text():
    """One paragraph per profile: its name, data, budget and time."""
    lines = ["profiles:"]
    for profile in PROFILES.values():
        text = textwrap.fill(
            profile.description.replace("`", ""),
            width=76,
            initial_indent="      ",
            subsequent_indent="      ",
        )
        lines.append(f"  {profile.name}:\n{text}")
    return "\n".join(lines)


def _studies_text():
    """The study names of the largest profile, for ``--studies``."""
    names = list(dict.fromkeys(s.name for p in PROFILES.values() for s in p.studies))
    return "studies (for --studies):\n" + textwrap.fill(
        ", ".join(names), width=76, initial_indent="  ", subsequent_indent="  "
    )


def add_reproduce_parser(subparsers):
    """Add the ``reproduce`` sub-command to an argparse sub-parsers object.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers()``.

    Returns
    -------
    parser : argparse.ArgumentParser
        The sub-command's parser; its ``func`` default is :func:`run_reproduce`.
    """
    parser = subparsers.add_parser(
        "reproduce",
        help="train the paper's comparisons and write a results report",
        description=_DESCRIPTION,
        epilog="\n\n".join([_profiles_text(), _studies_text(), _EPILOG]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_plan_arguments(parser)
    _add_output_arguments(parser)
    parser.set_defaults(func=run_reproduce)
    return parser


def _add_plan_arguments(parser):
    """Arguments choosing what to train."""
    parser.add_argument(
        "--profile",
        choices=list(PROFILES),
        default="small",
        help="the size of the reproduction, see 'profiles' below (default: small)",
    )
    for name, metavar, help_text in (
        ("studies", "STUDY", "only these studies, see 'studies' below"),
        ("rules", "RULE", f"only these rules ({', '.join(RULES)})"),
        ("datasets", "DATASET", "only these data sets (mnist, fashion_mnist, digits)"),
    ):
        parser.add_argument(f"--{name}", nargs="+", metavar=metavar, help=help_text)
    parser.add_argument(
        "--seeds", nargs="+", type=int, metavar="SEED", help="replace the profile's seeds"
    )
    parser.add_argument(
        "--epochs", type=int, metavar="N", help="replace the profile's number of epochs"
    )
    parser.add_argument(
        "--n-train", type=int, metavar="N", help="train on this many rows of each data set"
    )
    parser.add_argument(
        "--max-configs", type=int, metavar="N", help="train at most this many configurations"
    )
    parser.add_argument(
        "--skip-unavailable",
        action="store_true",
        help="leave out rules that sklearn_lra does not export (instead of an error)",
    )


def _add_output_arguments(parser):
    """Arguments about running and writing."""
    parser.add_argument(
        "--n-jobs", type=int, default=1, metavar="N", help="parallel jobs (default: 1)"
    )
    parser.add_argument(
        "--results-dir",
        metavar="DIR",
        help="cache, CSV and report folder (default: sklearn_lra_results/PROFILE)",
    )
    parser.add_argument(
        "--report",
        metavar="PATH",
        help="write the Markdown report here, e.g. my_results.md (default: "
        "<results-dir>/results.md)",
    )
    parser.add_argument(
        "--data-home", metavar="DIR", help="folder of the MNIST files (see fetch_mnist)"
    )
    parser.add_argument(
        "--keep-failed",
        action="store_true",
        help="do not train again the configurations that failed before",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="train nothing; report the stored results"
    )
    parser.add_argument(
        "--from-csv",
        action="store_true",
        help="rewrite --report and its figures from the CSV beside it (<report>_runs.csv), "
        "training nothing and reading no cache; the report keeps the date, hardware and "
        "versions of the runs",
    )
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        metavar="TEXT",
        help="a line for the report's 'How this was produced' (repeatable), e.g. which "
        "runs were carried over from an earlier report",
    )
    parser.add_argument("--dry-run", action="store_true", help="list the plan and exit")
    parser.add_argument("--no-plots", action="store_true", help="write no figures")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def run_reproduce(args):
    """Run the ``reproduce`` sub-command.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by the parser of :func:`add_reproduce_parser`.

    Returns
    -------
    status : int
        0 on success, 1 if a configuration failed, 2 for invalid arguments or a
        data set that cannot be loaded.
    """
    try:
        profile, notes = _plan(args)
        runs = _limit(expand_profile(profile), args.max_configs)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results_dir = args.results_dir or f"sklearn_lra_results/{profile.name}"
    if args.dry_run:
        _print_plan(profile, runs, results_dir)
        return 0
    missing = missing_dependencies(args, runs, results_dir)
    if missing:
        print(
            "error: this command needs optional dependencies that are not installed "
            "(nothing was trained):\n" + "\n".join(f"  - {line}" for line in missing),
            file=sys.stderr,
        )
        return 2
    if args.from_csv:
        return _rerender(args, profile, runs, results_dir, notes)
    try:
        outcome = _run(args, runs, results_dir)
        # Tuning studies: retrain each rule's setting chosen on validation error.
        finals = with_final_runs(profile, runs, outcome.results)
        if len(finals) > len(runs):
            runs, first = finals, outcome
            outcome = _run(args, runs, results_dir)
            outcome.n_trained += first.n_trained
            outcome.n_cached -= first.n_trained
            outcome.wall_time += first.wall_time
    except ValueError as exc:  # a data set that cannot be loaded
        print(f"error: {exc}", file=sys.stderr)
        return 2
    files = write_outputs(
        profile,
        runs,
        outcome.results,
        results_dir,
        report_path=args.report,
        command=_command(args),
        plots=not args.no_plots,
        notes=notes + [f"Jobs: `--n-jobs {args.n_jobs}`"],
    )
    return _print_summary(outcome, files)


def _importable(module):
    """Whether ``module`` imports (False where ``sys.modules[module]`` is None, too)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def missing_dependencies(args, runs, results_dir):
    """What the command will need and is not installed, each with the extra to install.

    Checked before anything trains, so that a long run does not die at its
    end: the figures need matplotlib (unless ``--no-plots``); MNIST and
    Fashion-MNIST files found in none of the loaders' folders are downloaded,
    which needs pooch.

    Parameters
    ----------
    args : argparse.Namespace
        The command's options.
    runs : list of Run
        The planned runs.
    results_dir : str
        Where the finished runs are stored (their data sets are not loaded again).

    Returns
    -------
    missing : list of str
        One line per missing module: what needs it and the ``pip install`` command.
    """
    missing = []
    if not args.no_plots and not _importable("matplotlib"):
        missing.append(
            'matplotlib, to draw the report\'s figures: pip install "sklearn-lra[plot]" '
            "(or pass --no-plots)"
        )
    if args.report_only or args.from_csv:
        return missing
    from ..datasets._mnist import missing_files

    names = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}
    to_train = {run.config["dataset"] for run in runs if not load_result(results_dir, run.key)}
    to_download = [
        name
        for name in sorted(to_train & set(names))
        if missing_files(names[name], data_home=args.data_home)
    ]
    if to_download and not _importable("pooch"):
        missing.append(
            f"pooch, to download {' and '.join(to_download)} (not found locally): "
            'pip install "sklearn-lra[datasets]" (or see --data-home)'
        )
    return missing


def _run(args, runs, results_dir):
    """:func:`run_grid` with the command's options."""
    return run_grid(
        runs,
        results_dir,
        n_jobs=args.n_jobs,
        data_home=args.data_home,
        retry_failed=not args.keep_failed,
        train=not args.report_only,
        verbose=not args.quiet,
    )


_LABELS = ("rule", "dataset", "depth", "width", "activation", "init", "variant", "seed")


def _match_csv(runs, csv_path):
    """The results of a CSV, and the runs keyed as in it.

    A run is found by its configuration hash or, failing that, by its study,
    kind, labels, training rows and epochs: a CSV written by an earlier
    version of the profile or of the estimators (other hashes) still renders.

    Returns
    -------
    runs : list of Run
        ``runs`` with the CSV's key where a run was found by its labels.
    results : dict
        Key -> result.
    n_relabelled : int
        Runs found by their labels.
    """
    found = read_csv_runs(csv_path)
    results = {row["key"]: result for row, result in found}
    by_labels = {_csv_labels(row): row["key"] for row, _ in found}
    matched, n_relabelled = [], 0
    for run in runs:
        key = run.key if run.key in results else by_labels.get(_run_labels(run))
        if key is not None and key != run.key:
            run, n_relabelled = dataclasses.replace(run, key=key), n_relabelled + 1
        matched.append(run)
    return matched, results, n_relabelled


def _run_labels(run):
    """What identifies a run of a profile, as text."""
    values = [run.study, run.kind, *(run.labels[k] for k in _LABELS)]
    values += [run.config["n_train"], run.config["epochs"]]
    return tuple("" if v is None else str(v) for v in values)


def _csv_labels(row):
    """:func:`_run_labels` of a CSV row."""
    return tuple(row[k] for k in ("study", "kind", *_LABELS, "n_train", "epochs"))


def _rerender(args, profile, runs, results_dir, notes):
    """``--from-csv``: the report and figures again, from the CSV of the runs."""
    if not args.report:
        print("error: --from-csv needs --report, the report to rewrite", file=sys.stderr)
        return 2
    report = Path(args.report)
    csv_path = report.with_name(f"{report.stem}_runs.csv")
    if not csv_path.is_file():
        print(f"error: --from-csv: no {csv_path}", file=sys.stderr)
        return 2
    runs, results, n_relabelled = _match_csv(runs, csv_path)
    if any(study.kind == "tuning" for study in profile.studies):
        runs, results, extra = _match_csv(with_final_runs(profile, runs, results), csv_path)
        n_relabelled += extra
    absent = [run for run in runs if run.key not in results]
    if len(absent) == len(runs):
        print(
            f"error: {csv_path} has no result for any of the profile's configurations "
            "(was it written by another profile?)",
            file=sys.stderr,
        )
        return 2
    if absent:
        # Runs the profile plans now but the CSV's version did not (more seeds, a new
        # study): the report covers the runs the CSV holds, and says so.
        runs = [run for run in runs if run.key in results]
        studies = ", ".join(dict.fromkeys(run.study for run in absent))
        print(f"note: {len(absent)} planned runs are not in {csv_path} ({studies})")
    kept = read_provenance(report) if report.is_file() else {}
    jobs = [f"Jobs: `{kept.pop('Jobs').strip('`')}`"] if "Jobs" in kept else []
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d")
    notes = [
        *notes,
        *jobs,
        f"Report and figures re-rendered from the CSV on {when}, without training: "
        f"`{_command(args)}`",
    ]
    if absent:
        notes.append(
            f"{len(absent)} runs that the profile plans now are not in the CSV (studies "
            f"{studies}): it was written by an earlier version of the profile, and the "
            "report covers the runs it holds"
        )
    if n_relabelled:
        notes.append(
            f"{n_relabelled} runs of the CSV were matched to the profile by their settings, "
            "not by their configuration hash: they were made by an earlier version of the "
            "profile or of the estimators, and the *Settings* lines describe the profile now"
        )
    files = write_outputs(
        profile,
        runs,
        results,
        results_dir,
        report_path=report,
        command=_command(args),
        plots=not args.no_plots,
        notes=notes,
        provenance=kept,
    )
    print(f"Report: {files.report}\nCSV: {files.csv}")
    return 0


def _plan(args):
    """The restricted profile and the notes it needs in the report."""
    split = _split_commas
    profile = restrict(
        get_profile(args.profile),
        studies=split(args.studies),
        rules=split(args.rules),
        datasets=split(args.datasets),
        seeds=args.seeds,
        epochs=args.epochs,
        n_train=args.n_train,
    )
    notes = list(getattr(args, "note", None) or [])
    if args.skip_unavailable:
        planned = {rule for study in profile.studies for rule in study.rules}
        missing = sorted(planned & set(RULES) - set(available_rules()))
        if missing:
            profile = restrict(profile, rules=sorted(planned - set(missing)))
            notes.append(f"Left out (not exported by sklearn_lra): {', '.join(missing)}")
            print(f"note: {notes[-1]}", file=sys.stderr)
    return profile, notes


def _split_commas(values):
    """``['lra,bp', 'fa']`` -> ``['lra', 'bp', 'fa']``; None stays None."""
    if values is None:
        return None
    return [v for value in values for v in value.split(",") if v]


def _limit(runs, max_configs):
    """The runs of the first ``max_configs`` distinct configurations."""
    if max_configs is None:
        return runs
    keep = set(list(unique_configs(runs))[:max_configs])
    return [run for run in runs if run.key in keep]


def _command(args):
    """The command line to quote in the report."""
    argv = getattr(args, "argv", None)
    argv = sys.argv[1:] if argv is None else argv
    return "python -m sklearn_lra " + shlex.join(argv)


def _print_plan(profile, runs, results_dir):
    """Studies, run counts and how many configurations are already stored."""
    configs = unique_configs(runs)
    done = sum(load_result(results_dir, key) is not None for key in configs)
    for study in profile.studies:
        n = sum(run.study == study.name for run in runs)
        line = f"{study.name:<26} {n:>5} runs  ({study.epochs} epochs, {len(study.seeds)} seeds)"
        if study.kind == "tuning":
            combos = len(study.datasets) * len(study.depths) * len(study.activations)
            n_final = combos * len(study.inits) * len(study.rules) * len(study.final_seeds)
            line += f", then {n_final} final runs of the settings chosen on validation"
        print(line)
    print(f"{len(configs)} distinct configurations, {done} already in {results_dir}")


def _print_summary(outcome, files):
    """Where things were written; the exit status."""
    failed = sum(r["status"] == "failed" for r in outcome.results.values())
    print(
        f"Trained {outcome.n_trained} configurations, reused {outcome.n_cached} stored "
        f"results ({failed} failed).\nReport: {files.report}\nCSV: {files.csv}"
        + (f"\nFigures: {files.figures[0].parent}" if files.figures else "")
    )
    return 1 if failed else 0


def main(argv=None):
    """Entry point: ``python -m sklearn_lra.experiments reproduce ...``.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``sys.argv[1:]`` by default), starting with ``reproduce``.

    Returns
    -------
    status : int
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="python -m sklearn_lra.experiments")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_reproduce_parser(subparsers)
    args = parser.parse_args(argv)
    args.argv = argv
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

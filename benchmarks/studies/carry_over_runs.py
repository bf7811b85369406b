"""Seed a reproduction's cache with the runs of an earlier report that need no retraining.

A report of ``python -m sklearn_lra reproduce`` keeps every run in its CSV
(``doc/results_runs.csv``). When a change touches only some studies (a
preset's step, the tuning study), the others need not be trained again: this
script finds each planned run of the studies *not* named by ``--retrain`` in
the CSV (by configuration hash, or else by its study, labels, training rows
and epochs, as ``--from-csv`` does) and stores its result in the cache of
``--results-dir``; ``reproduce --results-dir`` then trains only the rest. Say
so in the report with ``--note``.

Run from the repository root, e.g.::

    python benchmarks/studies/carry_over_runs.py --profile medium \\
        --csv doc/results_runs.csv --results-dir sklearn_lra_results/medium \\
        --retrain rules tuning --retrain-rules lra_fdbk_2018 lra_e_2019
"""

import argparse

from sklearn_lra.experiments._cache import load_result, save_result
from sklearn_lra.experiments._grid import expand_profile
from sklearn_lra.experiments._profiles import get_profile
from sklearn_lra.experiments.cli import _match_csv


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--profile", required=True)
    p.add_argument("--csv", required=True, help="the earlier report's runs")
    p.add_argument("--results-dir", required=True)
    p.add_argument(
        "--retrain",
        nargs="+",
        default=[],
        metavar="STUDY",
        help="studies whose runs are trained again (not carried over)",
    )
    p.add_argument(
        "--retrain-rules",
        nargs="+",
        default=[],
        metavar="RULE",
        help="rules whose runs are trained again in every study",
    )
    args = p.parse_args(argv)
    runs = [
        r
        for r in expand_profile(get_profile(args.profile))
        if r.study not in args.retrain and r.labels["rule"] not in args.retrain_rules
    ]
    matched, results, _ = _match_csv(runs, args.csv)
    carried = 0
    for planned, found in zip(runs, matched):
        result = results.get(found.key)
        if result is None or load_result(args.results_dir, planned.key) is not None:
            continue
        # Stored under the run's key of now, so that the runner finds it.
        save_result(args.results_dir, planned.key, result)
        carried += 1
    studies = sorted({r.study for r in runs})
    print(f"carried over {carried} of {len(runs)} planned runs of {', '.join(studies)}")


if __name__ == "__main__":
    main()

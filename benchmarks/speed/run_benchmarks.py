r"""Run every benchmark of this folder in turn, each writing its own results file.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/run_benchmarks.py [--quick] [--blas-threads 1]

Each script also runs on its own; this one only calls them one after the
other, each in a fresh process, with the same options. ``threads.py`` chooses
its threads itself and is left out here (run it with ``--baseline``, see
benchmarks/README.md).
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: In the order they run; threads.py is apart (it needs an idle machine and a baseline).
SCRIPTS = (
    "epoch_cost.py",
    "predict_throughput.py",
    "scaling.py",
    "profile_epoch.py",
    "time_to_accuracy.py",
    "time_to_accuracy_tabular.py",
    "float32_training.py",
)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="every script's smoke run")
    p.add_argument("--blas-threads", type=int, help="limit BLAS threads (threadpoolctl)")
    args = p.parse_args(argv)
    options = (["--quick"] if args.quick else []) + (
        ["--blas-threads", str(args.blas_threads)] if args.blas_threads else []
    )
    for script in SCRIPTS:
        print(f"\n=== {script} {' '.join(options)}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *options], check=True)


if __name__ == "__main__":
    main()

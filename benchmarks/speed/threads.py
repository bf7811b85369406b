r"""BLAS threads: the same fits on an idle machine and next to two busy processes.

Run from the repository root (see benchmarks/README.md), with no
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set (the default threads are measured)::

    git worktree add /tmp/sklearn-lra-main main     # the code to compare with
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/speed/threads.py \
        --baseline /tmp/sklearn-lra-main [--quick]

Writes ``benchmarks/speed/results/results-threads.md`` (``-quick.md`` with ``--quick``).
Every fit runs in a fresh Python process, with ``PYTHONPATH`` set to this
checkout or to ``--baseline``'s, so both versions are measured side by side in
the same rounds. Each process makes one untimed 1-epoch fit, then times the
fit. Networks: digits 64-256-256-10 (LRAClassifier, batch 32 and 'auto'), and MNIST
784-1024x3-10 at batch 256 (BPClassifier and LRAClassifier) on a subset of
the training rows, every fit with tanh units and SGD with Nesterov momentum 0.9 at
0.01 (pinned: the defaults differ between checkouts). Settings: the default
(the package chooses its BLAS threads; the baseline leaves OpenBLAS's) and one thread
(``threadpool_limits(1)`` around the fit). Load: none, or two processes that
multiply 300 x 300 matrices on one thread each, for a bounded time, started
by this script. Targets: next to the busy processes, default / one thread
<= 1.2; idle, this checkout's default / the baseline's default <= 1.05.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import _common as c

MODES = {
    "full": dict(rounds=3, digits_epochs=20, mnist_rows=5_000, mnist_epochs=3),
    "quick": dict(rounds=1, digits_epochs=3, mnist_rows=600, mnist_epochs=1),
}
#: name -> (estimator, data, hidden layers, batch size)
NETWORKS = {
    # batch 32 is under the package's SMALL_WORK (always one thread), 'auto' (200) above it
    "digits 2 x 256, batch 32, LRA": ("LRAClassifier", "digits", (256, 256), 32),
    "digits 2 x 256, LRA": ("LRAClassifier", "digits", (256, 256), "auto"),
    "MNIST 3 x 1024, BP": ("BPClassifier", "mnist", (1024, 1024, 1024), 256),
    "MNIST 3 x 1024, LRA": ("LRAClassifier", "mnist", (1024, 1024, 1024), 256),
}
SETTINGS = ("default", "one thread")
#: A busy process: one-thread matrix products until its deadline (seconds from now).
BUSY_CODE = (
    "import time, numpy as np\n"
    "a = np.random.default_rng(0).random((300, 300))\n"
    "end = time.time() + {seconds}\n"
    "while time.time() < end:\n"
    "    a @ a\n"
)
N_BUSY = 2
UNDER_LOAD_LIMIT, IDLE_LIMIT = 1.2, 1.05


# ------------------------------------------------------------ one fit (worker)


def worker(spec):
    """Fit one network as ``spec`` says; print seconds, threads seen and score as JSON."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_info, threadpool_limits

    import sklearn_lra
    from sklearn_lra import _epochs

    warnings.simplefilter("ignore", ConvergenceWarning)
    name, data, hidden, batch = NETWORKS[spec["network"]]
    X, y = _network_data(data, spec["mnist_rows"])
    cls = getattr(sklearn_lra, name)
    seen, run_epoch = [], _epochs.run_epoch

    def epoch(*args, **kwargs):  # records the BLAS threads each epoch starts with
        seen.append(min(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
        return run_epoch(*args, **kwargs)

    _epochs.run_epoch = epoch
    params = dict(hidden_layer_sizes=hidden, batch_size=batch, random_state=0, tol=0.0)
    # The same training in both checkouts: defaults that changed between them
    # (BP's optimizer, for one) would otherwise be timed as a change of threads.
    params.update(c.TRAINING)
    est = cls(max_iter=1, **params)
    limit = 1 if spec["setting"] == "one thread" else None
    with threadpool_limits(limits=limit, user_api="blas"):
        est.fit(X, y)  # warm-up: imports, first-call costs, BLAS thread start
        est = cls(max_iter=spec["epochs"], n_iter_no_change=10**6, **params)
        seconds = c.timed(lambda: est.fit(X, y))
    result = dict(
        seconds=seconds,
        threads=sorted(set(seen[1:])),
        score=float(est.score(X, y)),
        module=str(Path(sklearn_lra.__file__).parent),
    )
    print(json.dumps(result))


def _network_data(data, mnist_rows):
    if data == "digits":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return X / 16.0, y
    X, y, _ = c.load_data(mnist_rows)
    return X, y


# ------------------------------------------------------------------ driver


class Busy:
    """``N_BUSY`` one-thread busy processes, ended on exit (and by their own deadline)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.procs = []

    def __enter__(self):
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        code = BUSY_CODE.format(seconds=self.seconds)
        self.procs = [
            subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(N_BUSY)
        ]
        time.sleep(1.0)  # let them start and load numpy
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait()


def run_fit(checkout, network, setting, cfg):
    """Time one fit in a fresh process whose ``sklearn_lra`` comes from ``checkout``."""
    epochs = cfg["digits_epochs"] if network.startswith("digits") else cfg["mnist_epochs"]
    spec = dict(network=network, setting=setting, epochs=epochs, mnist_rows=cfg["mnist_rows"])
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if Path(result["module"]).resolve() != (Path(checkout) / "sklearn_lra").resolve():
        raise RuntimeError(f"{checkout}: imported sklearn_lra from {result['module']}")
    return result


def measure(versions, cfg):
    """{(load, version, network, setting): [results per round]}, interleaved in rounds."""
    results = {}
    budget = 3600  # the busy processes end by themselves after this, whatever happens
    for _ in range(cfg["rounds"]):
        for load in ("idle", "2 busy processes"):
            busy = Busy(budget) if load != "idle" else None
            if busy:
                busy.__enter__()
            try:
                for network in NETWORKS:
                    for version, checkout in versions.items():
                        for setting in SETTINGS:
                            r = run_fit(checkout, network, setting, cfg)
                            results.setdefault((load, version, network, setting), []).append(r)
            finally:
                if busy:
                    busy.__exit__()
    return results


def _ratio(results, a, b):
    return c.median([x["seconds"] / y["seconds"] for x, y in zip(results[a], results[b])])


def report_results(results, versions, report):
    """Tables of seconds and ratios, then the targets."""
    report.heading(
        "Seconds per fit",
        "Median over rounds; 'threads' lists the BLAS threads the epochs started with "
        "(read with threadpoolctl inside the fit); accuracy is on the training rows. Both "
        "checkouts train with the settings pinned for the benchmark (tanh, SGD with "
        "Nesterov momentum 0.9 at 0.01, alpha 0); LRA keeps each checkout's own rule.",
    )
    rows = []
    for (load, version, network, setting), rs in results.items():
        threads = sorted({t for r in rs for t in r["threads"]})
        rows.append(
            [
                load,
                version,
                network,
                setting,
                f"{c.median([r['seconds'] for r in rs]):.2f}",
                ", ".join(map(str, threads)),
                f"{rs[-1]['score']:.3f}",
            ]
        )
    report.table(None, ["load", "code", "network", "setting", "s", "threads", "accuracy"], rows)
    targets = []
    for network in NETWORKS:
        for version in versions:
            value = _ratio(
                results,
                ("2 busy processes", version, network, "default"),
                ("2 busy processes", version, network, "one thread"),
            )
            what = f"{network}, {version}: default / one thread, next to busy processes"
            ok = c.verdict(value <= UNDER_LOAD_LIMIT) if version == "this checkout" else "reference"
            targets.append([what, f"{value:.2f}", f"<= {UNDER_LOAD_LIMIT}", ok])
        if "baseline" in versions:
            value = _ratio(
                results,
                ("idle", "this checkout", network, "default"),
                ("idle", "baseline", network, "default"),
            )
            what = f"{network}: this checkout / baseline, default settings, idle"
            targets.append(
                [what, f"{value:.2f}", f"<= {IDLE_LIMIT}", c.verdict(value <= IDLE_LIMIT)]
            )
        value = _ratio(
            results,
            ("idle", "this checkout", network, "default"),
            ("idle", "this checkout", network, "one thread"),
        )
        targets.append([f"{network}: default / one thread, idle", f"{value:.2f}", "", "reference"])
    report.heading("Targets", "Medians over rounds of per-round ratios.")
    report.table(None, ["target", "measured", "threshold", "result"], targets)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(json.loads(argv[1]))
        return
    p = c.parser(__doc__.splitlines()[0], "results-threads")
    p.add_argument("--baseline", help="a checkout of the code to compare with (e.g. main)")
    args = p.parse_args(argv)
    if args.blas_threads:
        p.error("--blas-threads does not apply: this benchmark sets the threads itself")
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: BLAS threads under load", "results-threads")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if var in os.environ:
            report.add(f"- NOTE: {var}={os.environ[var]} is set: it caps the default threads\n")
    versions = {"this checkout": c.ROOT}
    if args.baseline:
        versions["baseline"] = Path(args.baseline).resolve()
        report.add(f"- baseline: {versions['baseline']} ({_git_head(versions['baseline'])})\n")
    report.add(f"- this checkout: {c.ROOT} ({_git_head(c.ROOT)})\n")
    results = measure(versions, cfg)
    report_results(results, versions, report)
    c.finish(report, output, tic)


def _git_head(path):
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()[:80]
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"


if __name__ == "__main__":
    main()

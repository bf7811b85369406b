r"""How the epoch time of BP and LRA grows with the samples, the width and the depth.

Run from the repository root (see benchmarks/README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/speed/scaling.py --blas-threads 1 [--quick]

Writes ``benchmarks/speed/results/results-scaling.md`` (``-quick.md`` with ``--quick``):
BPClassifier and LRAClassifier at batch 50 in float32, epoch times measured
as in ``epoch_cost.py``, and the target: the per-row epoch time stays within
20% of the largest sample size's.
"""

import time

import _common as c
import numpy as np

import sklearn_lra

MODES = {
    "full": dict(
        sample_sizes=(5_000, 10_000, 20_000, 40_000),
        widths=(64, 128, 256, 512, 1024),
        depths=(1, 2, 4, 8),
        shape_rows=10_000,
        shape_rounds=3,
    ),
    "quick": dict(
        sample_sizes=(2_500, 5_000, 10_000),
        widths=(64, 256, 1024),
        depths=(1, 4, 8),
        shape_rows=2_000,
        shape_rounds=3,
    ),
}
RULES = [sklearn_lra.BPClassifier, sklearn_lra.LRAClassifier]
FLOOR = "matrix-product floor"
#: Largest deviation of the per-row epoch time from the largest sample size's.
PER_ROW_LIMIT = 0.2


def scaling_section(X_all, y_all, cfg, report):
    """Epoch time against the number of samples, the width and the depth."""
    report.heading(
        "Scaling",
        f"BP and LRA, batch 50, float32, {cfg['shape_rounds']} rounds, epoch times "
        "measured as in epoch_cost.py. Samples: network "
        f"784-256-256-256-10; width: three hidden layers of the given width, "
        f"{cfg['shape_rows']} rows; depth: hidden layers of 256 units, "
        f"{cfg['shape_rows']} rows.",
    )
    X_all = X_all.astype(np.float32)
    per_row, rows = sample_scaling(X_all, y_all, cfg)
    header = ["samples"] + [
        f"{k.__name__} {u}" for k in RULES for u in ("s/epoch", "us/row", "per-row vs largest")
    ]
    report.table("epoch time against the number of samples", header, rows)
    for title, shapes in (
        ("width", [(w,) * 3 for w in cfg["widths"]]),
        ("depth", [(256,) * d for d in cfg["depths"]]),
    ):
        rows = []
        n = cfg["shape_rows"]
        for hidden in shapes:
            times = rule_times(X_all[:n], y_all[:n], hidden, cfg["shape_rounds"])
            cells = [f"{hidden[0]}" if title == "width" else f"{len(hidden)}"]
            cells.append(f"{c.median(times[FLOOR]):.3f}")
            for cls in RULES:
                name = cls.__name__
                cells += [f"{c.median(times[name]):.3f}", f"{c.ratio(times, name, FLOOR):.2f}"]
            rows.append(cells)
        header = [title, "floor s/epoch"] + [
            f"{k.__name__} {u}" for k in RULES for u in ("s/epoch", "x floor")
        ]
        report.table(f"epoch time against the {title}", header, rows)
    return per_row


def sample_scaling(X_all, y_all, cfg):
    """Epoch times at every sample size, all measured in the same rounds.

    Returns, per rule, the per-row time at each size relative to the largest
    (median over rounds), and the table rows.
    """
    sizes = cfg["sample_sizes"]
    entries = {
        (cls.__name__, n): c.EpochTimer(c.make_estimator(cls, c.HIDDEN, 50), X_all[:n], y_all[:n])
        for cls in RULES
        for n in sizes
    }
    times = c.run_rounds(entries, cfg["shape_rounds"])
    relative = {}
    for cls in RULES:
        name, big = cls.__name__, sizes[-1]
        relative[name] = [
            c.median([(a / n) / (b / big) for a, b in zip(times[name, n], times[name, big])])
            for n in sizes
        ]
    rows = []
    for i, n in enumerate(sizes):
        cells = [f"{n:,}"]
        for cls in RULES:
            t = c.median(times[cls.__name__, n])
            cells += [f"{t:.3f}", f"{1e6 * t / n:.1f}", f"{relative[cls.__name__][i]:.2f}"]
        rows.append(cells)
    return relative, rows


def rule_times(X, y, hidden, rounds):
    """Epoch times of the floor and of each rule on one network."""
    units = [c.N_FEATURES, *hidden, c.N_CLASSES]
    entries = {FLOOR: c.MatmulFloor(units, len(X), 50, np.float32)}
    for cls in RULES:
        entries[cls.__name__] = c.EpochTimer(c.make_estimator(cls, hidden, 50), X, y)
    return c.run_rounds(entries, rounds)


def targets_section(per_row, cfg, report):
    """Pass or fail of the per-row scaling target of each rule."""
    sizes = ", ".join(f"{n:,}" for n in cfg["sample_sizes"])
    rows = []
    for name, values in per_row.items():
        worst = max(abs(v - 1) for v in values)
        what = f"{name}: per-row epoch time over {sizes} samples, deviation from the largest"
        rows.append(
            [
                what,
                f"{100 * worst:.0f}%",
                f"<= {PER_ROW_LIMIT:.0%}",
                c.verdict(worst <= PER_ROW_LIMIT),
            ]
        )
    report.heading("Targets", "From the samples table above.")
    report.table(None, ["target", "measured", "threshold", "result"], rows)


def main(argv=None):
    args = c.parser(__doc__.splitlines()[0], "results-scaling").parse_args(argv)
    cfg = MODES["quick" if args.quick else "full"]
    tic = time.perf_counter()
    report, output = c.start(args, "sklearn-lra: scaling", "results-scaling")
    X, y, source = c.load_data(max(max(cfg["sample_sizes"]), cfg["shape_rows"]))
    report.add(f"- data: {source}\n")
    per_row = scaling_section(X, y, cfg, report)
    targets_section(per_row, cfg, report)
    c.finish(report, output, tic)


if __name__ == "__main__":
    main()

"""Flat result rows, their statistics over seeds, CSV and Markdown tables."""

import csv
import json
import math
from dataclasses import dataclass

#: Columns of the CSV, one row per run of a study.
ROW_FIELDS = (
    "study",
    "kind",
    "rule",
    "dataset",
    "n_train",
    "depth",
    "width",
    "activation",
    "init",
    "init_used",
    "variant",
    "seed",
    "epochs",
    "status",
    "val_error",
    "test_error",
    "chance_error",
    "train_loss",
    "fit_time",
    "n_iter",
    "key",
    "commit",
    "error",
    "loss_curve",
    "val_curve",
    "test_curve",
)

#: Dimensions a study can vary, in table order (rules become columns).
DIMENSIONS = ("dataset", "depth", "width", "activation", "init", "variant")

_HEADERS = {"dataset": "data set", "variant": "setting"}


def make_rows(runs, results):
    """One flat row per run, with its result (status 'missing' if none).

    Parameters
    ----------
    runs : list of Run
        The planned runs.
    results : dict
        Configuration key -> result.

    Returns
    -------
    rows : list of dict
        Keys :data:`ROW_FIELDS`.
    """
    return [_row(run, results.get(run.key)) for run in runs]


def _row(run, result):
    """The row of one run."""
    params = run.config["params"]
    row = dict.fromkeys(ROW_FIELDS)
    row.update(run.labels)
    row.update(study=run.study, kind=run.kind, key=run.key, n_train=run.config["n_train"])
    row.update(epochs=run.config["epochs"], init_used=_init_used(params), status="missing")
    if result is not None:
        for name in ROW_FIELDS[ROW_FIELDS.index("status") :]:
            if name in result:
                row[name] = result[name]
    return row


def _init_used(params):
    """The initialisation the estimator actually used, e.g. ``'normal(0.01)'``."""
    scale = params.get("init_scale")
    return params.get("init") if scale is None else f"{params.get('init')}({scale:g})"


def write_csv(rows, path):
    """Write the rows to a CSV file, curves as JSON lists.

    Parameters
    ----------
    rows : list of dict
        From :func:`make_rows`.
    path : path-like
        Output file.
    """
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=ROW_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_value(row[k]) for k in ROW_FIELDS})


#: Columns of the CSV read back as numbers, and as JSON lists.
_INT_FIELDS = ("n_train", "depth", "width", "seed", "epochs", "n_iter")
_FLOAT_FIELDS = ("val_error", "test_error", "chance_error", "train_loss", "fit_time")
_JSON_FIELDS = ("loss_curve", "val_curve", "test_curve")


def read_results_csv(path):
    """The results of the runs of a CSV written by :func:`write_csv`.

    The inverse of :func:`make_rows` for the outcome of each run: with the
    runs of the same profile, ``make_rows(runs, read_results_csv(path))``
    gives back the rows the CSV was written from, without any training.

    A CSV written before the validation split has no ``val_error`` and
    ``val_curve`` columns; its results have no such keys (nothing is
    made up for them).

    Parameters
    ----------
    path : path-like
        A CSV written by :func:`write_csv`.

    Returns
    -------
    results : dict
        Configuration key -> result (status, errors, curves, ...), for every
        run that has one.
    """
    return {row["key"]: result for row, result in read_csv_runs(path)}


def read_csv_runs(path):
    """Each run of a CSV with a result: ``(row of text cells, parsed result)``.

    Parameters
    ----------
    path : path-like
        A CSV written by :func:`write_csv`.

    Returns
    -------
    runs : list of tuple
    """
    runs = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["status"] == "missing":
                continue
            result = {name: _parse(name, row.get(name) or "") for name in _RESULT_FIELDS}
            runs.append((row, {k: v for k, v in result.items() if v is not None}))
    return runs


_RESULT_FIELDS = ROW_FIELDS[ROW_FIELDS.index("status") :]


def _parse(name, text):
    """A CSV cell back to the value :func:`_csv_value` wrote."""
    if text == "":
        return None
    if name in _INT_FIELDS:
        return int(text)
    if name in _FLOAT_FIELDS:
        return float(text)
    if name in _JSON_FIELDS:
        return json.loads(text)
    return text


def _csv_value(value):
    """Lists as JSON, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value)
    return value


@dataclass
class Summary:
    """Test (or validation) error of a group of runs over seeds.

    Attributes
    ----------
    mean, std : float
        Over the runs that trained or diverged (a diverged run counts at
        chance level); NaN when there is none. ``std`` uses ``ddof=1``.
    n : int
        Runs counted in ``mean``.
    n_diverged, n_failed, n_missing : int
        Runs that diverged, raised, or have no result yet.
    """

    mean: float
    std: float
    n: int
    n_diverged: int = 0
    n_failed: int = 0
    n_missing: int = 0


def summarise(rows, column="test_error"):
    """The :class:`Summary` of some rows.

    Parameters
    ----------
    rows : list of dict
    column : {'test_error', 'val_error'}, default='test_error'
        The error to summarise.

    Returns
    -------
    summary : Summary
    """
    errors = [r[column] for r in rows if r["status"] in ("ok", "diverged")]
    errors = [e for e in errors if e is not None]
    n = len(errors)
    mean = sum(errors) / n if n else math.nan
    var = sum((e - mean) ** 2 for e in errors) / (n - 1) if n > 1 else 0.0
    return Summary(
        mean=mean,
        std=math.sqrt(var) if n else math.nan,
        n=n,
        n_diverged=sum(r["status"] == "diverged" for r in rows),
        n_failed=sum(r["status"] == "failed" for r in rows),
        n_missing=sum(r["status"] == "missing" for r in rows),
    )


def group_rows(rows, keys):
    """Rows grouped by the values of ``keys``, groups in order of first appearance.

    Parameters
    ----------
    rows : list of dict
    keys : sequence of str

    Returns
    -------
    groups : dict
        Tuple of values -> list of rows.
    """
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row)
    return groups


def format_summary(summary):
    """``'2.31 ± 0.12'`` in percent, with counts of diverged/failed/missing runs."""
    text = "—" if summary.n == 0 else f"{100 * summary.mean:.2f} ± {100 * summary.std:.2f}"
    notes = [
        f"{count} {what}"
        for count, what in (
            (summary.n_diverged, "diverged"),
            (summary.n_failed, "failed"),
            (summary.n_missing, "missing"),
        )
        if count
    ]
    return f"{text} ({', '.join(notes)})" if notes else text


def varying_dimensions(rows):
    """The :data:`DIMENSIONS` with more than one value in ``rows`` (data set always)."""
    return [d for d in DIMENSIONS if d == "dataset" or len({r[d] for r in rows}) > 1]


def pivot_by_rule(rows, column="test_error"):
    """A Markdown table of error (%): one row per setting, one column per rule.

    Parameters
    ----------
    rows : list of dict
        Rows of one study.
    column : {'test_error', 'val_error'}, default='test_error'
        The error in the cells.

    Returns
    -------
    table : str
    """
    dims = varying_dimensions(rows)
    rules = list(dict.fromkeys(r["rule"] for r in rows))
    lines = []
    for values, group in group_rows(rows, dims).items():
        by_rule = group_rows(group, ["rule"])
        cells = [format_summary(summarise(by_rule.get((rule,), []), column)) for rule in rules]
        lines.append([*map(str, values), *cells])
    header = [_HEADERS.get(d, d) for d in dims] + rules
    return markdown_table(header, lines)


def markdown_table(header, lines, align=None):
    """A GitHub-flavoured Markdown table.

    Parameters
    ----------
    header : list of str
    lines : list of list of str
    align : str, default=None
        One letter per column, ``'l'`` (default alignment) or ``'r'``
        (right-aligned, for numbers); None leaves every column as is.

    Returns
    -------
    table : str
    """
    rule = "".join("---:|" if a == "r" else "---|" for a in align or "l" * len(header))
    top = "|" + "".join(f" {h} |" if h else " |" for h in header)
    out = [top, "|" + rule]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in line) + " |" for line in lines]
    return "\n".join(out)

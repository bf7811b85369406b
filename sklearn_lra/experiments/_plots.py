"""PNG figures of a study, designed to be read at the width of a page.

Every figure overlays the variants of a study on shared axes, told apart by
a legend: the rules where a study compares rules, the settings of the
varied parameter where it ablates one of LRA's. Panels split what remains
(data set, depth, ...), at most :data:`MAX_PANELS` of them in a report's main
figures; the per-setting grid of learning curves, which can be long, goes
to the report's appendix.

matplotlib is an optional dependency, imported only here and only when a
figure is drawn. Figures are built with :class:`matplotlib.figure.Figure`,
not pyplot, so no GUI backend is ever touched.
"""

import math
import textwrap

import numpy as np

from ._registry import rule_label
from ._tables import group_rows, summarise, varying_dimensions

#: Preferred x-axis of the bar chart, the first one the study varies.
_X_DIMENSIONS = ("variant", "init", "activation", "depth", "width")
#: Preferred colour (legend) dimension when a study trains a single rule.
_HUE_DIMENSIONS = ("activation", "init", "depth", "width", "dataset")
#: Panels of a report's main figure; a study needing more has only its bars there.
MAX_PANELS = 6
_PANELS_PER_ROW = 2
#: Width of a figure in inches: 640 pixels at the saved resolution, about the
#: width of a page's text column, so that the figure is shown near full size.
_WIDTH = 8.0
_DPI = 80

_DATASET_NAMES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "digits": "digits"}


def _figure_class():
    """matplotlib's Figure, or a clear error if matplotlib is missing."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "Plotting the results needs matplotlib: pip install 'sklearn-lra[plot]' "
            "(or pass --no-plots)."
        ) from exc
    return Figure


def plain(text):
    """A title without Markdown markup: ``"LRA's `beta`"`` -> ``"LRA's beta"``."""
    return text.replace("`", "").replace("*", "")


def _label(dim, value):
    """How a value of a dimension reads in a title or a legend."""
    if dim == "dataset":
        return _DATASET_NAMES.get(value, str(value))
    if dim == "depth":
        return f"{value} hidden layers"
    if dim == "rule":
        return rule_label(value)
    if dim == "variant":
        return str(value).split("=", 1)[-1]  # 'beta=0.5' -> '0.5'; the axis names beta
    return f"{dim} {value}"


def _axis_name(dim, values):
    """The x-axis label: the ablated parameter's name for a variant."""
    if dim == "variant":
        return str(values[0]).split("=", 1)[0]
    return "hidden layers" if dim == "depth" else dim


def _panel_title(dims, values, width=None):
    """``'MNIST, 8 hidden layers'`` for a panel, wrapped at ``width`` characters."""
    title = ", ".join(_label(d, v) for d, v in zip(dims, values))
    return title if width is None else "\n".join(textwrap.wrap(title, width))


def _line_label(dim, value):
    """A legend entry; an ablation's setting is named: ``'centering True'``."""
    label = _label(dim, value)
    return f"{_axis_name(dim, [value])} {label}" if dim == "variant" else label


def _roles(rows):
    """The dimensions on the x-axis, in the legend and across panels."""
    dims = varying_dimensions(rows)
    rules = {r["rule"] for r in rows}
    x_dim = next((d for d in _X_DIMENSIONS if d in dims), "dataset")
    if len(rules) > 1:
        hue = "rule"
    else:
        hue = next((d for d in _HUE_DIMENSIONS if d in dims and d != x_dim), "rule")
    panels = [d for d in dims if d not in (x_dim, hue)]
    return x_dim, hue, panels


def _mean_curve(curves):
    """Mean over curves of possibly different lengths (shorter ones drop out)."""
    length = max(len(c) for c in curves)
    padded = np.full((len(curves), length), np.nan)
    for i, c in enumerate(curves):
        padded[i, : len(c)] = c
    return np.nanmean(padded, axis=0)


def _subplots(n_panels, height, sharey=True):
    """A figure of the page's width with ``n_panels`` axes, two per row."""
    n_cols = min(n_panels, _PANELS_PER_ROW)
    n_rows = math.ceil(n_panels / n_cols)
    fig = _figure_class()(figsize=(_WIDTH, height * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False, sharey=sharey).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def _finish(fig, axes, title, path):
    """One legend for the figure, the title, and the PNG."""
    for ax in fig.axes:
        ax.tick_params(labelsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 6))
    fig.suptitle(plain(title), fontsize=12)
    fig.savefig(path, dpi=_DPI)


def _usable(rows):
    return [r for r in rows if r["status"] in ("ok", "diverged")]


def _curve_roles(rows):
    """The dimension of the lines and those of the panels of :func:`plot_test_curves`."""
    x_dim, hue, _ = _roles(rows)
    line_dim = "variant" if x_dim == "variant" else hue
    return line_dim, [d for d in varying_dimensions(rows) if d not in (line_dim, "rule")]


def count_curve_panels(rows):
    """How many panels :func:`plot_test_curves` draws for a study."""
    rows = [r for r in _usable(rows) if r["test_curve"]]
    return len(group_rows(rows, _curve_roles(rows)[1])) if rows else 0


def plot_error_bars(rows, path, title):
    """Mean test error ± std over seeds: grouped bars, one colour per variant.

    The x-axis is the first of ablation setting, initialisation, activation,
    depth and width that the study varies; the colours are the rules (or,
    for a study of LRA alone, its activations or initialisations); each
    remaining varying dimension (the data set at least) gets its own panel,
    on a shared y-axis.

    Parameters
    ----------
    rows : list of dict
        Rows of one study.
    path : path-like
        Output PNG.
    title : str
        Figure title (Markdown backticks are dropped).

    Returns
    -------
    drawn : bool
        False (and no file) when no run has a result.
    """
    rows = _usable(rows)
    if not rows:
        return False
    x_dim, hue, panel_dims = _roles(rows)
    panels = group_rows(rows, panel_dims)
    fig, axes = _subplots(len(panels), 3.4)
    for ax, (values, panel) in zip(axes, panels.items()):
        _draw_bars(ax, panel, x_dim, hue)
        ax.set_title(_panel_title(panel_dims, values), fontsize=10)
    _finish(fig, axes, title, path)
    return True


def _draw_bars(ax, rows, x_dim, hue):
    """Grouped bars: x = values of ``x_dim``, one bar per value of ``hue``."""
    xs = list(dict.fromkeys(r[x_dim] for r in rows))
    groups = list(dict.fromkeys(r[hue] for r in rows))
    bar = 0.8 / len(groups)
    for j, group in enumerate(groups):
        stats = [summarise([r for r in rows if r[hue] == group and r[x_dim] == x]) for x in xs]
        means = [100 * s.mean if s.n else np.nan for s in stats]
        stds = [100 * s.std if s.n else 0.0 for s in stats]
        positions = np.arange(len(xs)) + (j - (len(groups) - 1) / 2) * bar
        ax.bar(positions, means, bar, yerr=stds, label=_label(hue, group), capsize=2)
    labels = [_label(x_dim, x) if x_dim in ("dataset", "variant") else str(x) for x in xs]
    ax.set_xticks(np.arange(len(xs)), labels, fontsize=10)
    ax.set_ylabel("test error (%)", fontsize=10)
    ax.set_xlabel(_axis_name(x_dim, xs), fontsize=10)
    ax.grid(axis="y", alpha=0.3)


def plot_test_curves(rows, path, title):
    """Test error per epoch, mean over seeds, the variants overlaid in each panel.

    The lines are the rules (or a single rule's settings of the ablated
    parameter); the panels the remaining varying dimensions, on a shared
    y-axis.

    Parameters
    ----------
    rows : list of dict
        Rows of one study.
    path : path-like
        Output PNG.
    title : str
        Figure title (Markdown backticks are dropped).

    Returns
    -------
    drawn : bool
        False (and no file) when no run has a test curve.
    """
    rows = [r for r in _usable(rows) if r["test_curve"]]
    if not rows:
        return False
    line_dim, panel_dims = _curve_roles(rows)
    panels = group_rows(rows, panel_dims)
    fig, axes = _subplots(len(panels), 3.2)
    for ax, (values, panel) in zip(axes, panels.items()):
        for (value,), group in group_rows(panel, [line_dim]).items():
            epochs, errors = _mean_test_curve(group)
            ax.plot(epochs, errors, marker="o", markersize=3, label=_line_label(line_dim, value))
        ax.set_title(_panel_title(panel_dims, values), fontsize=10)
        ax.set_xlabel("epoch", fontsize=10)
        ax.set_ylabel("test error (%)", fontsize=10)
        _log_axis(ax)
        ax.grid(alpha=0.3)
    _finish(fig, axes, title, path)
    return True


def _log_axis(ax):
    """A logarithmic y-axis labelled in plain numbers (``6``, not ``6 x 10^0``)."""
    from matplotlib.ticker import FuncFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(_two_and_five))
    ax.tick_params(axis="y", which="minor", labelsize=7)


def _two_and_five(value, _):
    """Label the minor ticks 2, 5, 20, 50, ... only, so that they never crowd."""
    if value <= 0:
        return ""
    leading = round(value / 10 ** math.floor(math.log10(value)))
    return f"{value:g}" if leading in (2, 5) else ""


def _mean_test_curve(rows):
    """Epochs and mean test error (%) over the runs that measured it."""
    points = [dict(map(tuple, r["test_curve"])) for r in rows]
    epochs = sorted({e for p in points for e in p})
    return epochs, [100 * np.mean([p[e] for p in points if e in p]) for e in epochs]


def plot_learning_curves(rows, path, title):
    """The appendix grid: training loss and test error per setting, one line per rule.

    One panel pair (loss above, test error below) per combination of the
    study's varying dimensions, three pairs to a row; long, and meant for the
    appendix of a report.

    Parameters
    ----------
    rows : list of dict
        Rows of one study.
    path : path-like
        Output PNG.
    title : str
        Figure title (Markdown backticks are dropped).

    Returns
    -------
    drawn : bool
        False (and no file) when no run has a result.
    """
    from matplotlib.ticker import MaxNLocator

    rows = [r for r in _usable(rows) if r["loss_curve"]]
    if not rows:
        return False
    line_dim, _ = _curve_roles(rows)
    dims = [d for d in varying_dimensions(rows) if d != line_dim]
    facets = group_rows(rows, dims)
    n_cols = min(len(facets), 3)
    n_rows = math.ceil(len(facets) / n_cols)
    fig = _figure_class()(figsize=(3.4 * n_cols, 5.0 * n_rows), layout="constrained")
    axes = fig.subplots(2 * n_rows, n_cols, squeeze=False)
    for i, (values, facet) in enumerate(facets.items()):
        loss_ax, error_ax = (
            axes[2 * (i // n_cols), i % n_cols],
            axes[2 * (i // n_cols) + 1, i % n_cols],
        )
        for (value,), group in group_rows(facet, [line_dim]).items():
            loss = _mean_curve([r["loss_curve"] for r in group])
            (line,) = loss_ax.plot(
                np.arange(1, len(loss) + 1), loss, label=_line_label(line_dim, value)
            )
            if any(r["test_curve"] for r in group):
                epochs, errors = _mean_test_curve([r for r in group if r["test_curve"]])
                error_ax.plot(epochs, errors, marker="o", markersize=3, color=line.get_color())
        loss_ax.set_title(_panel_title(dims, values, width=34), fontsize=9)
        _log_axis(loss_ax)
        loss_ax.set_ylabel("training loss", fontsize=8)
        error_ax.set_ylabel("test error (%)", fontsize=8)
        error_ax.set_xlabel("epoch", fontsize=8)
        for ax in (loss_ax, error_ax):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.tick_params(labelsize=8)
    for j in range(len(facets), n_rows * n_cols):
        axes[2 * (j // n_cols), j % n_cols].set_visible(False)
        axes[2 * (j // n_cols) + 1, j % n_cols].set_visible(False)
    _finish(fig, [axes[0, 0]], title, path)
    return True

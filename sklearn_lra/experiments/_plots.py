"""PNG figures of a study: learning curves and test error per setting.

matplotlib is an optional dependency, imported only here and only when a
figure is drawn. Figures are built with :class:`matplotlib.figure.Figure`,
not pyplot, so no GUI backend is ever touched.
"""

import math

import numpy as np

from ._tables import group_rows, summarise, varying_dimensions

# Preferred x-axis of the bar chart, the first one the study varies.
_X_DIMENSIONS = ("init", "activation", "variant", "depth", "width")
_FACETS_PER_ROW = 4


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


def _facet_title(dims, values):
    """``'mnist, depth=8'`` for a facet."""
    return ", ".join(f"{d}={v}" if d != "dataset" else str(v) for d, v in zip(dims, values))


def _mean_curve(curves):
    """Mean over curves of possibly different lengths (shorter ones drop out)."""
    length = max(len(c) for c in curves)
    padded = np.full((len(curves), length), np.nan)
    for i, c in enumerate(curves):
        padded[i, : len(c)] = c
    return np.nanmean(padded, axis=0)


def _grid_shape(n_facets):
    """Rows and columns of facets."""
    cols = min(n_facets, _FACETS_PER_ROW)
    return math.ceil(n_facets / cols), cols


def plot_learning_curves(rows, path, title):
    """Training loss and test error per epoch, mean over seeds, one line per rule.

    Parameters
    ----------
    rows : list of dict
        Rows of one study.
    path : path-like
        Output PNG.
    title : str
        Figure title.

    Returns
    -------
    drawn : bool
        False (and no file) when no run has a result.
    """
    rows = [r for r in rows if r["status"] in ("ok", "diverged") and r["loss_curve"]]
    if not rows:
        return False
    dims = varying_dimensions(rows)
    facets = group_rows(rows, dims)
    n_rows, n_cols = _grid_shape(len(facets))
    fig = _figure_class()(figsize=(3.6 * n_cols, 5.0 * n_rows), layout="constrained")
    axes = fig.subplots(2 * n_rows, n_cols, squeeze=False)
    for i, (values, facet) in enumerate(facets.items()):
        loss_ax = axes[2 * (i // n_cols), i % n_cols]
        error_ax = axes[2 * (i // n_cols) + 1, i % n_cols]
        _draw_curves(loss_ax, error_ax, facet)
        loss_ax.set_title(_facet_title(dims, values), fontsize=9)
    for j in range(len(facets), n_rows * n_cols):
        axes[2 * (j // n_cols), j % n_cols].set_visible(False)
        axes[2 * (j // n_cols) + 1, j % n_cols].set_visible(False)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(title)
    fig.savefig(path, dpi=80)
    return True


def _draw_curves(loss_ax, error_ax, rows):
    """One loss line and one test-error line per rule."""
    from matplotlib.ticker import MaxNLocator

    for (rule,), group in group_rows(rows, ["rule"]).items():
        loss = _mean_curve([r["loss_curve"] for r in group])
        (line,) = loss_ax.plot(np.arange(1, len(loss) + 1), loss, label=rule)
        points = [dict(map(tuple, r["test_curve"])) for r in group if r["test_curve"]]
        epochs = sorted({e for p in points for e in p})
        errors = [100 * np.mean([p[e] for p in points if e in p]) for e in epochs]
        error_ax.plot(epochs, errors, marker="o", markersize=3, color=line.get_color())
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("training loss", fontsize=8)
    error_ax.set_ylabel("test error (%)", fontsize=8)
    error_ax.set_xlabel("epoch", fontsize=8)
    for ax in (loss_ax, error_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def plot_error_bars(rows, path, title):
    """Mean test error ± std over seeds per setting, one bar per rule.

    The x-axis is the first of initialisation, activation, ablation setting,
    depth and width that the study varies; each other varying dimension
    (the data set at least) gets its own panel.

    Parameters
    ----------
    rows : list of dict
        Rows of one study.
    path : path-like
        Output PNG.
    title : str
        Figure title.

    Returns
    -------
    drawn : bool
        False (and no file) when no run has a result.
    """
    rows = [r for r in rows if r["status"] in ("ok", "diverged")]
    if not rows:
        return False
    dims = varying_dimensions(rows)
    x_dim = next((d for d in _X_DIMENSIONS if d in dims), "dataset")
    panel_dims = [d for d in dims if d != x_dim]
    panels = group_rows(rows, panel_dims) if panel_dims else {(): rows}
    n_rows, n_cols = _grid_shape(len(panels))
    n_x = len({r[x_dim] for r in rows})
    width = max(3.6, 0.5 * n_x * len({r["rule"] for r in rows}) / 2)
    fig = _figure_class()(figsize=(width * n_cols, 3.4 * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, (values, panel) in zip(axes, panels.items()):
        _draw_bars(ax, panel, x_dim)
        ax.set_title(_facet_title(panel_dims, values), fontsize=9)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8)
    fig.suptitle(title)
    fig.savefig(path, dpi=80)
    return True


def _draw_bars(ax, rows, x_dim):
    """Grouped bars: x = values of ``x_dim``, one bar per rule."""
    xs = list(dict.fromkeys(r[x_dim] for r in rows))
    rules = list(dict.fromkeys(r["rule"] for r in rows))
    bar = 0.8 / len(rules)
    for j, rule in enumerate(rules):
        stats = [summarise([r for r in rows if r["rule"] == rule and r[x_dim] == x]) for x in xs]
        means = [100 * s.mean if s.n else np.nan for s in stats]
        stds = [100 * s.std if s.n else 0.0 for s in stats]
        positions = np.arange(len(xs)) + (j - (len(rules) - 1) / 2) * bar
        ax.bar(positions, means, bar, yerr=stds, label=rule, capsize=2)
    ax.set_xticks(np.arange(len(xs)), [str(x) for x in xs], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("test error (%)", fontsize=8)
    ax.set_xlabel("hidden layers" if x_dim == "depth" else x_dim, fontsize=8)

"""scikit-learn's callback API: one task per epoch, nested inside meta-estimators."""

import warnings

import numpy as np
import pytest
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._estimators import CLASSIFIERS, REGRESSORS, fast_estimator

X, y = make_classification(60, 5, n_informative=3, random_state=0)


class _Recorder:
    """An auto-propagated callback that records the path of every finished task."""

    max_propagation_depth = None

    def __init__(self):
        self.ended = []

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        path, ctx = [], context
        while ctx is not None:
            path.append(f"{ctx.estimator_name}:{ctx.task_name}")
            ctx = ctx.parent
        self.ended.append(tuple(reversed(path)))

    def teardown(self, estimator, context):
        pass


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_one_task_per_epoch(cls):
    """A callback sees one 'epoch' task per epoch, under the estimator's 'fit' task."""
    rec = _Recorder()
    est = fast_estimator(cls, max_iter=7, tol=0.0).set_callbacks(rec)
    est.fit(X, y)
    epochs = [p for p in rec.ended if p[-1].endswith(":epoch")]
    assert len(epochs) == est.n_iter_ == 7
    assert rec.ended[-1] == (f"{cls.__name__}:fit",)


def test_scoring_monitor_scores_every_epoch():
    """ScoringMonitor scores the model as it is at the end of each epoch."""
    monitor = ScoringMonitor(scoring="accuracy")
    est = fast_estimator(CLASSIFIERS[0], max_iter=5, tol=0.0).set_callbacks(monitor)
    est.fit(X, y)
    rows = [r for r in monitor.get_logs().data if r["task_name"] == "epoch"]
    assert len(rows) == 5
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in rows)
    assert rows[-1]["accuracy"] == pytest.approx(est.score(X, y))


def test_callbacks_nest_inside_grid_search_and_pipeline():
    """Inside GridSearchCV(Pipeline(...)) the epochs appear under each candidate's fit."""
    rec = _Recorder()
    pipe = make_pipeline(StandardScaler(), fast_estimator(CLASSIFIERS[0], max_iter=3, tol=0.0))
    search = GridSearchCV(pipe, {f"{pipe.steps[-1][0]}__alpha": [0.0, 0.01]}, cv=2)
    search.set_callbacks(rec)
    search.fit(X, y)
    name = type(pipe.steps[-1][1]).__name__
    epochs = [p for p in rec.ended if p[-1] == f"{name}:epoch"]
    assert len(epochs) == (2 * 2 + 1) * 3  # 2 candidates x 2 folds + refit, 3 epochs each
    assert all(p[0] == "GridSearchCV:fit" and "Pipeline:fit" in p for p in epochs)


def test_progress_bar_runs_inside_grid_search(capsys):
    """ProgressBar works on the estimator and inside a grid search."""
    est = fast_estimator(CLASSIFIERS[0], max_iter=3).set_callbacks(ProgressBar())
    est.fit(X, y)
    search = GridSearchCV(
        fast_estimator(CLASSIFIERS[0], max_iter=3), {"alpha": [0.0, 0.1]}, cv=2
    ).set_callbacks(ProgressBar(max_propagation_depth=None))
    search.fit(X, y)
    assert hasattr(search, "best_estimator_")
    assert np.isfinite(est.loss_curve_).all()


def test_verbose_prints_one_line_per_epoch(capsys):
    """verbose prints loss, validation score and time once per epoch."""
    est = fast_estimator(
        CLASSIFIERS[0], max_iter=4, tol=0.0, verbose=True, early_stopping=True, n_iter_no_change=100
    )
    est.fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Iteration")]
    assert len(lines) == 4
    assert all("loss = " in ln and "validation score = " in ln and "time = " in ln for ln in lines)


def test_scoring_monitor_with_early_stopping():
    """Callbacks see the training part of the data when early stopping holds some out."""
    monitor = ScoringMonitor(scoring="accuracy")
    est = fast_estimator(CLASSIFIERS[0], max_iter=4, early_stopping=True, n_iter_no_change=50)
    est.set_callbacks(monitor).fit(X, y)
    rows = [r for r in monitor.get_logs().data if r["task_name"] == "epoch"]
    assert len(rows) == est.n_iter_ == 4

"""One small JSON file per finished configuration, named by its hash."""

import json
import os
import tempfile
from pathlib import Path

RUNS_FOLDER = "runs"


def result_path(results_dir, key):
    """Where the result of configuration ``key`` is stored."""
    return Path(results_dir) / RUNS_FOLDER / f"{key}.json"


def load_result(results_dir, key):
    """The stored result of ``key``, or None if absent or unreadable.

    Parameters
    ----------
    results_dir : path-like
        The results folder.
    key : str
        Hash of the configuration.

    Returns
    -------
    result : dict or None
    """
    path = result_path(results_dir, key)
    try:
        with open(path, encoding="utf-8") as f:
            result = json.load(f)
    except (OSError, ValueError):
        # Missing, or cut short by a crash: either way, train it again.
        return None
    return result if isinstance(result, dict) and "status" in result else None


def save_result(results_dir, key, result):
    """Store a result atomically, so that a crash never leaves half a file.

    Parameters
    ----------
    results_dir : path-like
        The results folder (created if needed).
    key : str
        Hash of the configuration.
    result : dict
        JSON-able result.
    """
    path = result_path(results_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)

"""Test-session settings that must be in place before scipy is imported, and the
scheduling of the tests over pytest-xdist's workers."""

import os

import pytest

# scikit-learn's common checks include an array-API check that runs only when scipy
# was imported with array-API support on; without it the check is skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

#: Test files whose tests share a module fixture that is expensive to build: the docs
#: site (a new virtual environment and a Sphinx build, the longest job of the suite),
#: the Dask cluster, the README run as a script.
SHARED_FIXTURE_FILES = ("tests/test_docs.py", "tests/test_distributed.py", "tests/test_readme.py")


# optionalhook: without pytest-xdist (-p no:xdist) the hook is unknown, and unused.
@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's ``load`` scheduling, but each of SHARED_FIXTURE_FILES as one unit.

    Sent to one worker, a file's module fixture is built once (not once per worker
    that runs one of its tests); queued first, the docs build starts at once. (xdist's
    own ``--dist loadgroup`` renames test ids, which pytest 9 no longer lets it do.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return path if path in SHARED_FIXTURE_FILES else nodeid

    return SharedFixtureScheduling(config, log)

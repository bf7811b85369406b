"""Test-session settings that must be in place before scipy is imported."""

import os

# scikit-learn's common checks include an array-API check that runs only when scipy
# was imported with array-API support on; without it the check is skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

"""Optional test dependencies: skip when missing, unless CI demands them."""

import importlib.util
import os

import pytest


def require_modules(modules, env_var, extra):
    """Skip if a module is missing, or fail when ``env_var=1`` demands them."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing:
        return
    reason = f"needs {', '.join(missing)} (pip install '.[{extra}]')"
    if os.environ.get(env_var) == "1":
        pytest.fail(f"{env_var}=1 but the test {reason}")
    pytest.skip(f"{reason}; set {env_var}=1 to make this a failure")

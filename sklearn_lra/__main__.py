"""``python -m sklearn_lra``: the command line."""

import sys

from ._cli import main

sys.exit(main())

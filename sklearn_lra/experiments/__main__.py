"""``python -m sklearn_lra.experiments reproduce ...``."""

import sys

from .cli import main

sys.exit(main())

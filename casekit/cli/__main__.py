"""``python -m casekit.cli``: the ``casekit`` command without its console script."""

from __future__ import annotations

import sys

from casekit.cli import main

sys.exit(main())

"""``python -m benchmarks [--quick] [--markdown]``: every benchmark, one table."""

import sys

from benchmarks.run import main

sys.exit(main())

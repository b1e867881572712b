"""``python -m casekit.classroom.service``: run the class's JupyterHub service (see :func:`main`)."""

from __future__ import annotations

import sys

from casekit.classroom.service import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m " + (__package__ or "")))

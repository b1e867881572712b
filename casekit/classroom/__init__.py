"""The class's spread of views, without names: shared snapshots, hand-in ZIPs, and a report to project.

Two ways in:

* **Live, through the class's transport.** A learner clicks "Del med holdet"; :func:`share` makes an
  anonymous snapshot of the learner's answers (:func:`snapshot`) and hands it to the class's transport
  (:func:`class_transport`: the class's JupyterHub service when ``CASEKIT_CLASS=hub``
  (:class:`~casekit.classroom.hub.HubTransport`), else the class folder it names, which writes it as
  ``<folder>/<round id>/<share_id>.json``). Rounds (vote, discuss, vote again) are opened with
  :func:`open_round`; sharing again replaces only that learner's snapshot of the round.
* **Afterwards, from the LMS.** Moodle, Canvas, itslearning and Brightspace give one ZIP of per-student
  folders (sometimes with ZIPs inside) of the learners' JSON exports. :func:`summarize` reads such a ZIP,
  any folder of exports, a class folder, a transport, or one JSON file (never extracting or writing
  anything), and :func:`render_report` turns the :class:`ClassSummary` into one standalone HTML page, with a
  projection mode for the classroom screen.

Nothing is scored: there is no answer key, the charts show the spread. A bad file is never an error: it is
listed with its reason, and the rest is summarized.

The modules, each one job: :mod:`~casekit.classroom.snapshot` (what is shared), :mod:`.transport` (the
transport's role), :mod:`.folder` (the class folder), :mod:`.factory` (which transport, and sharing
through it), :mod:`.lms` and ``lms.json`` (LMS file names), :mod:`.intake` (folders and ZIPs, within
limits), :mod:`.parse` (one file), :mod:`.summary` (the frames), :mod:`.report` (the HTML page).
"""

from __future__ import annotations

from casekit.classroom.errors import ClassFolderError
from casekit.classroom.factory import class_transport, share, share_snapshot
from casekit.classroom.folder import (
    FolderTransport,
    class_folder,
    current_round,
    open_round,
    round_folder,
    rounds,
)
from casekit.classroom.hub import HubTransport
from casekit.classroom.intake import (
    MAX_ENTRIES,
    MAX_LEARNER_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    MAX_ZIP_DEPTH,
)
from casekit.classroom.report import render_report
from casekit.classroom.snapshot import (
    SHARE_FORMAT,
    SHARE_SCHEMA,
    SHARE_SCHEMA_VERSION,
    share_id,
    share_problem,
    snapshot,
)
from casekit.classroom.summary import ClassSummary, Move, Skipped, summarize
from casekit.classroom.transport import CLASS_ENV, Transport

__all__ = [
    "CLASS_ENV",
    "MAX_ENTRIES",
    "MAX_LEARNER_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_ZIP_DEPTH",
    "SHARE_FORMAT",
    "SHARE_SCHEMA",
    "SHARE_SCHEMA_VERSION",
    "ClassFolderError",
    "ClassSummary",
    "FolderTransport",
    "HubTransport",
    "Move",
    "Skipped",
    "Transport",
    "class_folder",
    "class_transport",
    "current_round",
    "open_round",
    "render_report",
    "round_folder",
    "rounds",
    "share",
    "share_id",
    "share_problem",
    "share_snapshot",
    "snapshot",
    "summarize",
]

"""The learner's activities as ipywidgets: read, map, place, take a position, answer, propose, hand in.

Each public function takes a :class:`~casekit.case.Case` and an :class:`~casekit.answers.AnswerStore` and
returns something a notebook cell displays. Every activity restores the learner's saved answer when it is
built, saves on every change, and shows a small "saved" line. Nothing here raises at a learner: a problem
becomes a friendly message in the case's language, and the details go to the log.

Controls are chosen for keyboard use and screen readers: dropdowns, radio buttons, checkboxes and text boxes
with visible labels read in full (never cut with "…"), no sliders (their handle has no accessible name in
ipywidgets 8) and nothing drag-only: the stakeholder map's grid, whose picture is its input, is dragged,
clicked or worked with the keys, every move said in words.
Charts are shown as vector images (``<img alt=…>`` carrying the SVG) with the numbers behind them.

The modules: ``reading`` (start, language, read, who is who), ``stakeholders`` (the stakeholder map, its
grid in ``grid`` with ``grid_messages``), ``activities`` (the other activities), ``handin`` (with
``download``: each file made at the click, and ``filepicker``: its upload button), ``sharing`` (the class),
``journey`` (progress and the way through), ``ticker`` (the page's clock of the instructor's live view),
``mirror`` (the copy in the browser, with ``mirror_state`` and
``mirror_messages``), ``live`` (activities brought up to date after an import or a save); what they share
is in ``base``. Importing this package imports neither matplotlib nor anywidget: a chart's module is
imported when it is drawn, the browser copy's when :func:`start` shows it, the map's grid when the map is
shown, the downloads' and the file picker's when :func:`handin` shows them, the ticker's when
:func:`class_view` shows the class.
"""

from __future__ import annotations

# ``name as name``: also at this path, as before the package, though not in __all__ (as they never were):
# the answer keys, the "not chosen" value and the task list that notebooks and tests use.
from casekit.registry import SCALE
from casekit.widgets.activities import (
    DECISION_KEY as DECISION_KEY,
)
from casekit.widgets.activities import (
    GOALS_KEY as GOALS_KEY,
)
from casekit.widgets.activities import (
    PLAN_KEY as PLAN_KEY,
)
from casekit.widgets.activities import (
    PROPOSAL_FIELDS as PROPOSAL_FIELDS,
)
from casekit.widgets.activities import (
    decision_point,
    dilemma,
    goal_divergence,
    proposal,
    questions,
)
from casekit.widgets.base import UNSET as UNSET
from casekit.widgets.base import Activity
from casekit.widgets.handin import browser_copy, handin
from casekit.widgets.handin import task_keys as task_keys
from casekit.widgets.journey import journey, navigation, progress
from casekit.widgets.reading import language, read, start, who_is_who, who_is_who_table
from casekit.widgets.sharing import class_view, projection, share_control
from casekit.widgets.stakeholders import MAP_KEY as MAP_KEY
from casekit.widgets.stakeholders import stakeholder_map

__all__ = [
    "SCALE",
    "Activity",
    "browser_copy",
    "class_view",
    "decision_point",
    "dilemma",
    "goal_divergence",
    "handin",
    "journey",
    "language",
    "navigation",
    "progress",
    "projection",
    "proposal",
    "questions",
    "read",
    "share_control",
    "stakeholder_map",
    "start",
    "who_is_who",
    "who_is_who_table",
]

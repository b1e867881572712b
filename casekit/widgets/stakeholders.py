"""The stakeholder map: place the case's stakeholders, and one's own, on a power × interest grid.

The grid itself is the control (:class:`~casekit.widgets.grid.StakeholderGrid`, drawn in the browser): the
learner drags each stakeholder from the tray onto it, or moves one with the keys, and adds their own in the
same place. Under it the status line says what was saved, and the relations in the case follow as a
diagram. The matplotlib chart of the map is the hand-in's and the report's (:mod:`casekit.export`).

Saved under ``stakeholder-map`` as ``{actor id: {"power": 1–5, "interest": 1–5}}``; the learner's own as
``own-1``, ``own-2``… with also ``"name"`` (as typed, trimmed) and ``"at_table"`` (see
:mod:`casekit.registry`). The grid is :attr:`Activity.inputs` ``["grid"]``; a test (or an instructor) drives
it as the browser does, with :meth:`StakeholderGrid.receive`.

There are no dropdowns to fall back on: wherever a notebook can show an ipywidgets control it can show this
one (anywidget's front end comes with the ``anywidget`` package into JupyterLab, Notebook 7, Voilà, VS Code
and Colab alike, and the browser copy, :mod:`casekit.widgets.mirror`, already needs it on every page), and
where it cannot (a notebook viewed as a static page) no control can save anything either. The keyboard and
screen readers have the same grid: Enter, the arrow keys, Escape, and every move announced in words.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from casekit import registry
from casekit.answers import AnswerStore
from casekit.case import Case
from casekit.i18n import t
from casekit.widgets.base import WIDE, Activity, Saver, guarded, intro, paragraph, piece

if TYPE_CHECKING:
    from casekit.widgets.grid import StakeholderGrid

__all__ = ["MAP_KEY", "StakeholderMap", "stakeholder_map"]

MAP_KEY = registry.STAKEHOLDER_MAP


class StakeholderMap:
    """The map's parts together: the grid, its status line, the saver, the relations diagram.

    Attributes
    ----------
    grid : StakeholderGrid
        The control (``activity.inputs["grid"]``).
    activity : Activity
        What :func:`stakeholder_map` returns.
    """

    def __init__(self, case: Case, store: AnswerStore | None) -> None:
        # anywidget only when a map is shown, not when casekit.widgets is imported
        from casekit.widgets.grid import StakeholderGrid

        self.case, self.lang = case, case.lang
        self.saver = saver = Saver(store, case)
        saved = saver.restore(MAP_KEY)
        saved = dict(saved) if isinstance(saved, Mapping) else {}  # cut to what fits by Saver.restore
        self.grid: StakeholderGrid = StakeholderGrid(case, saver, saved)
        saver.follow(MAP_KEY, guarded(self.lang, saver.status)(self.grid.load))
        title = piece("heading", text=t("widgets.map.relations_heading", self.lang), level=3)
        relations = W.HTML(title + relations_html(case), layout=WIDE)
        hint = paragraph(t("map.hint", self.lang))  # full size: how to leave one out, how to add one's own
        box = W.VBox([*intro(case, MAP_KEY), hint, self.grid, saver.bar], layout=WIDE)
        box.add_class("casekit-map-box")
        self.activity = Activity(MAP_KEY, [box, relations], {"grid": self.grid}, saver.status)
        self.activity.add_class("casekit-map")

    def current(self) -> dict[str, dict[str, Any]]:
        """The map as saved: the case's placed stakeholders, then the learner's own."""
        return self.grid.value


_RELATIONS_HTML: dict[int, str] = {}


def relations_html(case: Case) -> str:
    """The case's relations diagram as HTML (:func:`casekit.charts.relations_diagram`), drawn once per case:
    it shows the case alone, and a case is frozen (and :func:`casekit.load_case` gives the same one again),
    so running the map's cell again does not draw it again (about 70 ms each time, measured)."""
    key = id(case)
    html = _RELATIONS_HTML.get(key)
    if html is None:
        from casekit import charts  # matplotlib only when a map is shown

        html = _RELATIONS_HTML[key] = charts.relations_diagram(case).to_html()
        weakref.finalize(case, _RELATIONS_HTML.pop, key, None)  # an id is reused once its case is gone
    return html


def stakeholder_map(case: Case, store: AnswerStore | None) -> Activity:
    """Place the stakeholders on a power × interest grid, in the browser: drag them, or use the keys.

    A learner leaves out those they find irrelevant (leaving them in the tray is enough) and can add
    stakeholders the case does not name. Saved under ``stakeholder-map`` as ``{actor id: {"power": 1–5,
    "interest": 1–5}}``, the learner's own as ``own-1``, ``own-2``… with also ``"name"`` (as typed, trimmed)
    and ``"at_table"`` (see :mod:`casekit.registry`).
    """
    return StakeholderMap(case, store).activity

"""Where a learner is on the way through the case: progress in a notebook, the journey, next and previous.

The learner notebooks come in a fixed order (:data:`LEARNER_NOTEBOOKS`, the Danish file names, which are
also each notebook's id); the answers each one asks for are the answer registry's
(:func:`casekit.registry.spec` ``(key, case).notebook``). What counts as answered is what the hand-in preview
and the class report count: :func:`casekit.registry.is_answered`, the one definition of it.

The links are relative (``02_del2.ipynb``), to the file of the case's edition (:func:`notebook_file`: the
English notebooks in ``en/`` have English names, so that a Danish and an English tab never read the same):
the same href opens the notebook in JupyterLab (its link handler resolves it against the notebook's folder)
and in Voilà serving the folder (``voila notebooks/``: ``/voila/render/…/02_del2.ipynb``). Voilà started on
one notebook (``voila notebooks/00_start.ipynb``) serves no other, so there the links would end in "403
Forbidden": they are shown as text with a note that says how to start the app (:func:`front_end`).
In JupyterLab every open notebook keeps its own kernel; the last cell says to close a finished notebook's
tab, which also shuts its kernel down (casekit's JupyterLab settings: ``kernelShutdown``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from IPython.display import HTML

from casekit import registry
from casekit.i18n import DEFAULT_LANG, t
from casekit.widgets import live
from casekit.widgets.base import piece

if TYPE_CHECKING:
    from casekit.answers import AnswerStore
    from casekit.case import Case

__all__ = [
    "EDITION_FILES",
    "LEARNER_NOTEBOOKS",
    "PROGRESS_DELAY",
    "NotebookProgress",
    "ProgressView",
    "answer_keys_of",
    "front_end",
    "journey",
    "journey_html",
    "navigation",
    "navigation_html",
    "neighbours",
    "notebook_file",
    "notebook_progress",
    "progress",
    "progress_html",
    "title",
]

LEARNER_NOTEBOOKS = (
    "00_start",
    "01_del1",
    "02_del2",
    "03_etik",
    "04_spoergsmaal",
    "05_forslag",
    "06_aflevering",
)
"""The learner notebooks in the order of the journey: their ids, the Danish file names without ``.ipynb``."""

EDITION_FILES: dict[str, dict[str, str]] = {
    "en": {
        "00_start": "00_welcome",
        "01_del1": "01_part1",
        "02_del2": "02_part2",
        "03_etik": "03_ethics",
        "04_spoergsmaal": "04_questions",
        "05_forslag": "05_proposal",
        "06_aflevering": "06_handin",
        "instructor/00_undervisning": "instructor/00_teaching",
    },
}
"""The file names (without ``.ipynb``) of an edition whose notebooks are not named as the Danish ones, by
the Danish id: ``notebooks/en/01_part1.ipynb`` is ``01_del1`` in English."""

JUPYTERLAB, VOILA, VOILA_SINGLE = "jupyterlab", "voila", "voila-single"


def notebook_file(notebook: str, lang: str) -> str:
    """The file name (without ``.ipynb``) of the notebook ``notebook`` (its Danish id) in the ``lang``
    edition: ``notebook_file("01_del1", "en") == "01_part1"``; an edition without names of its own, or an
    unknown id, keeps the id."""
    return EDITION_FILES.get(lang, {}).get(notebook, notebook)


def front_end(environ: Mapping[str, str] | None = None) -> str:
    """Where this kernel's notebook is shown: :data:`VOILA` (Voilà serving a folder, as ``voila notebooks/``
    or on Binder: links to the other notebooks work), :data:`VOILA_SINGLE` (Voilà started on this one
    notebook: it serves no other), else :data:`JUPYTERLAB` (JupyterLab, or a notebook run without a page).

    Voilà tells its kernels: ``SERVER_SOFTWARE`` is ``voila/<version>`` and ``SCRIPT_NAME`` the page's
    path, ``…/voila/render/<notebook>`` when it serves a folder.
    """
    env = os.environ if environ is None else environ
    if not env.get("SERVER_SOFTWARE", "").startswith("voila/"):
        return JUPYTERLAB
    return VOILA if "/voila/render/" in env.get("SCRIPT_NAME", "") else VOILA_SINGLE


@dataclass(frozen=True)
class NotebookProgress:
    """How far a learner has come in one notebook.

    ``total`` is 0 for a notebook that asks for no answer of its own (``00_start``, ``06_aflevering``).
    """

    notebook: str
    title: str
    answered: int
    total: int
    lang: str = "da"

    @property
    def href(self) -> str:
        """The relative link to the notebook's file in its edition, from a notebook in the same folder."""
        return f"{notebook_file(self.notebook, self.lang)}.ipynb"

    @property
    def done(self) -> bool:
        return self.total > 0 and self.answered == self.total


def answer_keys_of(case: Case, notebook: str) -> list[str]:
    """The answer keys a learner gives in ``notebook``, in the order of the journey."""
    keys = []
    for key in registry.answer_keys(case):
        found = registry.spec(key, case)
        if found is not None and found.notebook == notebook:
            keys.append(key)
    return keys


def _answers(store: AnswerStore | None) -> Mapping[str, Any]:
    return store.as_dict() if store is not None else {}


def _count(keys: list[str], answers: Mapping[str, Any], case: Case) -> int:
    return sum(1 for key in keys if registry.is_answered(key, answers.get(key), case))


def title(notebook: str, lang: str) -> str:
    """The notebook's title in the learner's language (from the catalog)."""
    return t(f"progress.title.{notebook}", lang)


def notebook_progress(
    case: Case, store: AnswerStore | None, answers: Mapping[str, Any] | None = None
) -> list[NotebookProgress]:
    """Every learner notebook in order, with how many of its answers are given."""
    given = _answers(store) if answers is None else answers
    rows = []
    for notebook in LEARNER_NOTEBOOKS:
        keys = answer_keys_of(case, notebook)
        rows.append(
            NotebookProgress(
                notebook, title(notebook, case.lang), _count(keys, given, case), len(keys), case.lang
            )
        )
    return rows


def progress_html(case: Case, store: AnswerStore | None, notebook: str) -> str:
    """The one line at the top of ``notebook``: how many of its answers are given, as text and a bar.

    A notebook without answers of its own (``00_start``, ``06_aflevering``) shows the whole case's.
    """
    lang = case.lang
    answers = _answers(store)
    keys = answer_keys_of(case, notebook)
    scope = "notebook" if keys else "case"
    if not keys:
        keys = registry.answer_keys(case)
    answered = _count(keys, answers, case)
    text = t(f"progress.{scope}", lang, answered=answered, total=len(keys))
    return piece(
        "progress_bar", text=text, label=t(f"progress.label.{scope}", lang), value=answered, total=len(keys)
    )


PROGRESS_DELAY = 0.3
"""Seconds after the last save on the page before the progress line counts again (a burst of keystrokes
makes one count)."""


class ProgressView(W.HBox):
    """The progress line of one notebook and a button that counts again.

    The line counts again by itself a moment after every save on the page
    (:func:`casekit.widgets.live.saved`), after an import, and when the hand-in's downloads come into view
    (:func:`casekit.widgets.live.looked`); the button is for answers saved in another notebook meanwhile
    (another kernel, which this page does not hear).

    Attributes
    ----------
    view : ipywidgets.HTML
        The text and the bar (``<progress aria-label=… value=… max=…>``).
    button : ipywidgets.Button
        "Tæl igen" / "Count again".
    later : casekit.widgets.live.Debounced
        The count :data:`PROGRESS_DELAY` seconds after the last save.
    """

    def __init__(self, case: Case, store: AnswerStore | None, notebook: str) -> None:
        self.case, self.store, self.notebook = case, store, notebook
        self.view = W.HTML(progress_html(case, store, notebook))
        self.button = W.Button(
            description=t("progress.refresh", case.lang),
            tooltip=t("progress.refresh_tooltip", case.lang),
            layout=W.Layout(width="auto"),
        )
        self.button.on_click(self.refresh)
        super().__init__(
            [self.view, self.button], layout=W.Layout(align_items="center", flex_flow="row wrap")
        )
        self.later = live.Debounced(self.refresh, PROGRESS_DELAY)
        if store is not None:
            live.follow(store, self)  # answers restored from the browser or uploaded count at once
            live.follow_saves(store, self)  # and so do those saved on the page, a moment later

    def saved(self) -> None:
        """A save on the page (:func:`casekit.widgets.live.saved`): count again in a moment."""
        self.later()

    def refresh(self, _button: Any = None) -> None:
        """Count the answers again."""
        self.view.value = progress_html(self.case, self.store, self.notebook)

    reload = refresh  # after an import (see :mod:`casekit.widgets.live`): count again


def journey_html(
    case: Case, store: AnswerStore | None, current: str = "00_start", where: str | None = None
) -> str:
    """Every learner notebook in order: its title as a link, and how many of its answers are given.

    ``where`` is :func:`front_end` unless given; in Voilà started on one notebook the titles are text, and a
    note says how to start the app so that they link.
    """
    lang = case.lang
    linked = (where or front_end()) != VOILA_SINGLE
    items = []
    for row in notebook_progress(case, store):
        if row.total == 0:
            state = ""
        elif row.done:
            state = t("progress.journey.done", lang, total=row.total)
        else:
            state = t("progress.journey.count", lang, answered=row.answered, total=row.total)
        items.append(
            {
                "href": row.href if linked else None,
                "title": row.title,
                "state": state,
                "current": row.notebook == current,
            }
        )
    return piece(
        "journey",
        heading=t("progress.journey.heading", lang),
        label=t("progress.journey.label", lang),
        items=items,
        note="" if linked else _single_voila_note(lang),
    )


def _single_voila_note(lang: str) -> str:
    """How to start the app so that the links work, naming the edition's start notebook under notebooks/."""
    folder = "" if lang == DEFAULT_LANG else f"{lang}/"  # the English notebooks are in notebooks/en/
    return t("progress.single_voila", lang, start=f"{folder}{notebook_file('00_start', lang)}.ipynb")


def neighbours(notebook: str) -> tuple[str | None, str | None]:
    """The notebooks before and after ``notebook`` on the journey (``None`` at either end, or if unknown)."""
    if notebook not in LEARNER_NOTEBOOKS:
        return None, None
    at = LEARNER_NOTEBOOKS.index(notebook)
    before = LEARNER_NOTEBOOKS[at - 1] if at > 0 else None
    after = LEARNER_NOTEBOOKS[at + 1] if at + 1 < len(LEARNER_NOTEBOOKS) else None
    return before, after


def navigation_html(case: Case, notebook: str, where: str | None = None) -> str:
    """Links to the previous and the next notebook (relative, so they stay in the learner's language).

    ``where`` is :func:`front_end` unless given. In JupyterLab a line says to close this notebook's tab when
    moving on (its kernel shuts down with it, and nothing is lost); in Voilà started on one notebook the
    links are text, with a note on how to start the app.
    """
    lang = case.lang
    where = where or front_end()
    linked = where != VOILA_SINGLE
    before, after = neighbours(notebook)
    links = []
    for other, rel, key in ((before, "prev", "progress.previous"), (after, "next", "progress.next")):
        if other is not None:
            href = f"{notebook_file(other, lang)}.ipynb" if linked else None
            links.append({"href": href, "rel": rel, "text": t(key, lang, title=title(other, lang))})
    if not linked:
        note = _single_voila_note(lang)
    elif where == JUPYTERLAB and links:
        note = t("progress.close_tab", lang)
    else:
        note = ""
    return piece("navigation", label=t("progress.navigation", lang), links=links, note=note)


# -- what the notebooks call ---------------------------------------------------------------------------------
def progress(case: Case, store: AnswerStore | None, notebook: str) -> ProgressView:
    """The line at the top of a learner notebook: how many of its activities and questions are answered
    (as the hand-in preview counts them), as text and a progress bar, and a button that counts again.

    ``notebook`` is the notebook's file name without ``.ipynb`` (``"01_del1"``); one without answers of its
    own (``00_start``, ``06_aflevering``) shows the whole case's.
    """
    return ProgressView(case, store, notebook)


def journey(case: Case, store: AnswerStore | None) -> HTML:
    """The whole way through the case, for ``00_start``: every learner notebook in order with its title as
    a link, and how many of its answers are done."""
    return HTML(journey_html(case, store))


def navigation(case: Case, notebook: str) -> HTML:
    """The last cell of a learner notebook: relative links to the previous and the next notebook (none
    before ``00_start``, none after ``06_aflevering``), in the case's language."""
    return HTML(navigation_html(case, notebook))

"""The start of every notebook and the reading: open the case and the store, choose the language, read a
part of the case, see who is who.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from IPython.display import HTML

from casekit import _html, loader
from casekit._html import Table
from casekit.answers import AnswerStore
from casekit.case import Case
from casekit.errors import CasekitError, CaseNotFoundError
from casekit.i18n import DEFAULT_LANG, LANGUAGES, default_lang, reason, t, ui_lang
from casekit.widgets.base import LABEL_WIDTH, WIDE, field, message, piece, status_html, stylesheet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["language", "preferences_folder", "read", "start", "who_is_who", "who_is_who_table"]


# -- start and read ------------------------------------------------------------------------------------------
def start(
    case_id: str = loader.DEFAULT_CASE,
    lang: str | None = None,
    learner: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> tuple[Case, AnswerStore | None]:
    """Load the case and open the learner's answer store; show where the answers are kept.

    The language is ``lang`` if given (the English notebooks give ``"en"``), else the one the learner chose
    in ``00_start`` (:func:`language`), else ``$CASEKIT_LANG``, else Danish.

    Returns ``(case, store)``. If the store cannot be opened, ``store`` is ``None``, a message says so,
    and the activities still show (and say that they cannot save).
    """
    from IPython.display import display

    from casekit import preferences

    folder = preferences_folder(path)
    damaged = preferences.set_aside_damaged(folder, lang or default_lang())  # never a crash: set aside
    chosen = lang or preferences.chosen_lang(folder) or default_lang()
    try:
        case = loader.load_case(case_id, chosen)
    except CaseNotFoundError:  # no edition in that language: the case as it is, and say so
        case = loader.load_case(case_id, DEFAULT_LANG)
        display(message(t("widgets.no_edition", ui_lang(chosen), lang=chosen)))
    if damaged:
        display(message(damaged))
    try:
        store = AnswerStore.open(path, case=case, learner=learner)
    except CasekitError as exc:
        display(message(t("widgets.no_store", case.lang, reason=exc)))
        return case, None
    recovered = store.recovery_message(case.lang)
    if recovered:
        display(message(recovered))
    where = os.path.relpath(store.path) if store.path.is_relative_to(os.getcwd()) else str(store.path)
    display(
        HTML(piece("small", text=t("widgets.store_location", case.lang, path=where, learner=store.learner)))
    )
    from casekit.widgets.mirror import BrowserCopy  # anywidget only where a notebook starts

    display(BrowserCopy(store, case).box)
    return case, store


def preferences_folder(path: str | os.PathLike[str] | None) -> Path | None:
    """The folder of a store path given to :func:`start` (preferences sit beside the store), else ``None``."""
    if path is None:
        return None
    target = Path(path)
    return target if target.is_dir() or not target.suffix else target.parent


def language(path: str | os.PathLike[str] | None = None, *, lang: str | None = None) -> W.VBox:
    """The language choice at the top of ``00_start``: Danish or English, remembered for every notebook.

    Shows the learner's choice if they made one, else ``lang`` (the English ``00_start`` gives ``"en"``),
    else ``$CASEKIT_LANG``, else Danish; and where to go on in the chosen language (the English notebooks
    are in ``en/``).
    """
    from casekit import preferences

    folder = preferences_folder(path)
    damaged = preferences.set_aside_damaged(folder, lang if lang in LANGUAGES else default_lang())
    current = preferences.chosen_lang(folder) or (lang if lang in LANGUAGES else None) or default_lang()
    choice = field(
        W.RadioButtons(
            options=[(t("widgets.language.name", code), code) for code in LANGUAGES],
            value=current,
            description=t("widgets.language.label", current),
            style=LABEL_WIDTH,
        )
    )
    note = W.HTML(piece("paragraph", text=t("widgets.language.next", current)), layout=WIDE)
    if damaged:
        note.value = status_html(damaged, error=True) + note.value

    def chosen(change: Any) -> None:
        code = change["new"]
        try:
            preferences.choose_lang(code, folder)
        except OSError as exc:
            note.value = status_html(t("widgets.language.failed", code, reason=reason(exc, code)), error=True)
            return
        choice.description = t("widgets.language.label", code)
        note.value = piece("paragraph", text=t("widgets.language.next", code))

    choice.observe(chosen, names="value")
    return W.VBox([choice, note, stylesheet()])


def read(case: Case, part: int = 1) -> HTML:
    """Part ``part`` of the case, the dialogue set apart with each speaker's name."""
    try:
        section = case.part(part)
    except KeyError:
        return message(t("widgets.read.unknown_part", case.lang, part=part))
    names = list(dict.fromkeys(b.speaker_name for b in section.utterances if b.speaker_name))
    speakers = piece("speakers", text=t("widgets.speakers_in_part", case.lang, names=", ".join(names)))
    # A translated edition explains its Danish terms where they first appear: in the part that uses them.
    speakers += _html.glossary_html(case, level=3, within=section.text)
    return HTML(_html.section_html(section, case.lang, top_level=1, after_heading=speakers))


def _who_is_who(case: Case) -> tuple[list[str], list[tuple[str, ...]]]:
    """Who is who's column headers and rows (the name first), in the case's language."""
    lang = case.lang

    def answer(value: bool | None) -> str:
        return t("not_stated", lang) if value is None else t("widgets.yes" if value else "widgets.no", lang)

    columns = ("name", "kind", "sector", "role", "speaks", "project_group", "workshop", "at_table")
    rows: list[tuple[str, ...]] = [
        (
            a.name,
            case.label("kind", a.kind),
            case.label("sector", a.sector),
            a.role,
            answer(a.speaks),
            answer(a.project_group),
            answer(a.workshop),
            answer(a.at_table),
        )
        for a in case.actors
    ]
    return [t(f"widgets.who.{c}", lang) for c in columns], rows


def who_is_who(case: Case) -> pd.DataFrame:
    """Everyone in the case, also those only talked about, as a frame in the learner's language (indexed
    by name); :func:`who_is_who_table` shows it to read.

    What the text leaves open reads "Ikke oplyst"; nothing is guessed.
    """
    import pandas as pd

    columns, rows = _who_is_who(case)
    return pd.DataFrame(rows, columns=columns).set_index(columns[0])


def who_is_who_table(case: Case) -> Table:
    """Everyone in the case, also those only talked about, as a table to read in full: each person's name
    leads their row, their role in the case in full (no pandas: a learner's kernel stays small).

    What the text leaves open reads "Ikke oplyst"; nothing is guessed.
    """
    columns, rows = _who_is_who(case)
    caption = t("widgets.who.caption", case.lang)
    return Table(caption, tuple(columns), tuple(rows), wide=(3,), lead=3)  # name · what · where, the role

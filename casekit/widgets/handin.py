"""The hand-in: a preview of what is answered, the answers out as a file, answers back in from a file.

Each download (:class:`casekit.widgets.download.DownloadControl`) is made from the store at the moment of
the click, so it holds what the learner saved in every notebook up to then, and says what it holds and
when. The preview follows the page: a save here, an import, and the learner coming back to the downloads
(the controls say so when they come into view) count the answers again.

The upload is a :class:`~casekit.widgets.filepicker.FilePicker` (a button that says what it does, without
``FileUpload``'s "(0)" counter) for a JSON export or an HTML hand-in (which carries its export:
:mod:`casekit.answers.embedded`); the file is imported with :meth:`AnswerStore.import_bytes` and the
outcome is shown in the learner's language, never as a traceback. Callbacks may run on any thread (in a
live kernel, widget callbacks arrive on kernel subshell threads); the store is safe for that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
from IPython.display import HTML

from casekit import registry
from casekit.answers import AnswerStore, ImportResult
from casekit.errors import CasekitError
from casekit.i18n import t, ui_lang
from casekit.importer import IMPORT_SUFFIXES, MAX_IMPORT_BYTES, too_big
from casekit.naming import answer_title
from casekit.widgets import live
from casekit.widgets.base import (
    WIDE,
    Activity,
    guarded,
    heading,
    intro,
    message,
    paragraph,
    piece,
    status_html,
)

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "DOWNLOAD_FORMATS",
    "PREVIEW_DELAY",
    "UploadControl",
    "browser_copy",
    "handin",
    "preview_html",
    "task_keys",
]

log = logging.getLogger(__name__)

DOWNLOAD_FORMATS = ("html", "json", "markdown")
"""The hand-in's downloads, in the order shown: the hand-in itself first."""
PREVIEW_DELAY = 0.3
"""Seconds after the last save on the page (or the last sign that the learner looks at the downloads)
before the preview counts again: many keystrokes make one count."""
UPLOAD_ACCEPT = ",".join(IMPORT_SUFFIXES)
"""The files the upload offers: a JSON export, or an HTML hand-in with its export inside."""


def _lang(store: AnswerStore, case: Case | None) -> str:
    return ui_lang(case.lang if case is not None else store.lang)


class UploadControl:
    """A file picker for an exported JSON file or an HTML hand-in, and a line that says what the import did.

    Attributes
    ----------
    upload : casekit.widgets.filepicker.FilePicker
        ``accept=".json,.html,.htm"`` (:data:`UPLOAD_ACCEPT`), one file at a time; its ``value`` is a
        ``FileUpload``'s.
    status : ipywidgets.HTML
        The outcome in the learner's language (``role="status"``).
    widget : ipywidgets.VBox
        Both, one under the other; what displaying the control shows.
    last_result : ImportResult or None
        The outcome of the last successful import.
    """

    def __init__(
        self,
        store: AnswerStore,
        case: Case | None,
        on_import: Callable[[ImportResult], None] | None = None,
    ) -> None:
        self.store = store
        self.lang = _lang(store, case)
        self.on_import = on_import
        self.last_result: ImportResult | None = None
        from casekit.widgets.filepicker import FilePicker  # anywidget only where a file can be chosen

        self.upload = FilePicker(
            accept=UPLOAD_ACCEPT,
            multiple=False,
            max_bytes=MAX_IMPORT_BYTES,
            description=t("answers.upload.description", self.lang),
            tooltip=t("answers.upload.tooltip", self.lang),
        )
        self.status = widgets.HTML()
        self.widget = widgets.VBox([self.upload, self.status])
        self.upload.observe(self._on_upload, names="value")

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change.get("new") or ()
        for item in files:
            self._import_one(item)
        if files:
            # Clear the picker so that choosing the same file again is a new upload.
            self.upload.value = ()

    def _import_one(self, item: Any) -> None:
        name = str(_field(item, "name") or "upload.json")
        try:
            size = _field(item, "size")
            if isinstance(size, int) and size > MAX_IMPORT_BYTES:
                raise too_big(name, size, self.lang)
            result = self.store.import_bytes(bytes(_field(item, "content")), name=name)
        except CasekitError as exc:  # AnswerImportError (a bad file) or AnswerStoreError (the disk)
            self._show(str(exc), error=True)
            return
        except Exception as exc:  # never a traceback in front of a learner; the log keeps the details
            log.exception("importing %s failed", name)
            self._show(t("import.failed_unexpected", self.lang, reason=type(exc).__name__), error=True)
            return
        self.last_result = result
        key = "import.success" if result.added else "import.nothing_new"
        self._show(t(key, self.lang, added=result.added, name=name), error=False)
        live.imported(self.store, result)  # the answers on the page, and the browser's copy, show it
        if self.on_import is not None:
            try:
                self.on_import(result)
            except Exception:  # the import itself succeeded and was reported; keep the details in the log
                log.exception("on_import callback failed after importing %s", name)

    def _show(self, message: str, *, error: bool) -> None:
        self.status.value = status_html(message, error=error)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def task_keys(case: Case) -> list[str]:
    """Every answer key a learner can fill in, in the order of the journey (see :mod:`casekit.registry`)."""
    return registry.answer_keys(case)


def preview_html(case: Case, store: AnswerStore | None) -> str:
    """The hand-in's preview: how many answers are given, and each task with "Besvaret" or not."""
    answers = store.as_dict() if store is not None else {}
    keys = task_keys(case)
    answered = {k: registry.is_answered(k, answers.get(k), case) for k in keys}
    done = sum(answered.values())
    state = {True: t("widgets.handin.answered", case.lang), False: t("widgets.handin.unanswered", case.lang)}
    rows = [(answer_title(case, k), state[answered[k]]) for k in keys]
    count = t("widgets.handin.count", case.lang, answered=done, total=len(keys))
    return piece("preview", count=count, rows=rows)


def handin(case: Case, store: AnswerStore | None) -> Activity | HTML:
    """Preview what has been answered, download the answers (HTML, JSON, Markdown), upload earlier ones.

    Each download is made when it is clicked (:mod:`casekit.widgets.download`). The preview counts again
    a moment after a save on the page, after an upload or a restore, and when the learner comes back to
    the downloads: answers saved in another notebook (another kernel) count then.
    """
    from casekit.widgets.download import DownloadControl  # anywidget only where a hand-in is shown

    lang = case.lang
    if store is None:
        return message(t("widgets.no_store_short", lang))
    preview = widgets.HTML(preview_html(case, store), layout=WIDE)
    status = widgets.HTML()

    @guarded(lang, status)
    def refresh(_arg: Any = None) -> None:
        preview.value = preview_html(case, store)

    follower = _Follower(refresh, lambda: live.looked(store))
    downloads = [DownloadControl(store, case, fmt, on_look=follower.look) for fmt in DOWNLOAD_FORMATS]
    upload = UploadControl(store, case)
    children = [
        *intro(case, "handin"),
        heading(t("widgets.handin.preview_heading", lang), 3),
        preview,
        heading(t("widgets.handin.download_heading", lang), 3),
        paragraph(t("widgets.handin.download_intro", lang)),
        *downloads,
        heading(t("widgets.handin.upload_heading", lang), 3),
        upload.widget,
        status,
    ]
    inputs: dict[str, widgets.Widget] = {"upload": upload.upload}
    inputs.update({f"download.{d.format}": d for d in downloads})
    activity = Activity("handin", children, inputs, upload.status)
    # After an upload here or a restore from the browser's copy, after a save on the page, and when the
    # learner looks at the downloads again, the preview shows the store as it is.
    activity.follower = follower
    live.follow(store, follower)
    live.follow_saves(store, follower)
    return activity


class _Follower:
    """The hand-in's preview following the page (held by the activity: followers are held weakly).

    ``reload`` (an import) counts at once; ``saved`` (a save on the page) and ``look`` (the downloads came
    into view: ``looked`` brings every control that shows the whole store up to date, this preview too) wait
    :data:`PREVIEW_DELAY` seconds, so that a burst makes one count.
    """

    def __init__(self, refresh: Callable[[], None], looked: Callable[[], object]) -> None:
        self.reload = refresh
        self.saved = live.Debounced(refresh, PREVIEW_DELAY)
        self.look = live.Debounced(looked, PREVIEW_DELAY)


def browser_copy(case: Case, store: AnswerStore | None) -> widgets.VBox | HTML:
    """What is kept in this browser, and "Glem kopien i denne browser" for a shared computer
    (:mod:`casekit.widgets.mirror`; the copy itself is shown by :func:`~casekit.widgets.start`)."""
    from casekit.widgets.mirror import forget_section  # anywidget only where a copy is shown

    if store is None:
        return message(t("widgets.no_store_short", case.lang))
    return forget_section(case, store)


def _field(item: Any, name: str) -> Any:
    """A field of an uploaded file: ipywidgets 8 gives dicts, some front-ends give objects."""
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)

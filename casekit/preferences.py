"""A learner's own choices that outlast a kernel: for now, the language chosen at the top of 00_start.

Kept as a small JSON file beside the learner's answer store (``casekit-preferences.json`` in the answers
folder, see :func:`casekit.answers.default_answers_dir`), private to the learner like the store, so a
choice made in one notebook is followed by the others. A foreign value is ignored, never trusted: only a
language casekit has is taken. A damaged file (not UTF-8, not JSON, nested too deep, not an object, a
language that is not text, too big, a folder, unreadable) is never a crash: :func:`set_aside_damaged` moves
it beside itself, unchanged, and says so; the next choice writes a fresh file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from casekit._files import atomic_write_text, private_folder
from casekit.answers import default_answers_dir
from casekit.answers.location import PREFERENCES_FILE
from casekit.answers.recovery import rename_no_overwrite, stamp
from casekit.i18n import LANGUAGES, reason, t, ui_lang

__all__ = [
    "FILE_NAME",
    "MAX_BYTES",
    "Damaged",
    "choose_lang",
    "chosen_lang",
    "preferences_path",
    "set_aside_damaged",
]

FILE_NAME = PREFERENCES_FILE
MAX_BYTES = 64 * 1024
"""A preference file bigger than this is damaged (it holds one short choice)."""


class Damaged(ValueError):
    """The preference file exists but cannot be used; ``cause`` is the system's error, if there was one."""

    def __init__(self, path: Path, cause: BaseException | None = None) -> None:
        super().__init__(str(path))
        self.path = path
        self.cause = cause


def preferences_path(folder: str | os.PathLike[str] | None = None) -> Path:
    """Where the preferences are kept: in ``folder``, by default the answers folder."""
    return Path(folder) / FILE_NAME if folder is not None else default_answers_dir() / FILE_NAME


def chosen_lang(folder: str | os.PathLike[str] | None = None) -> str | None:
    """The language the learner chose, or ``None`` if none was chosen (or the file cannot be used)."""
    try:
        lang = _read(preferences_path(folder)).get("lang")
    except Damaged:
        return None
    return lang if lang in LANGUAGES else None


def set_aside_damaged(folder: str | os.PathLike[str] | None = None, lang: str | None = None) -> str | None:
    """If the preference file is damaged, rename it to ``casekit-preferences.json.damaged-<UTC time>``
    (never deleted, never overwriting); return a message for the learner in ``lang``, else ``None``.

    The message says where the file went, or, if it could not be moved (a read-only folder), why it is not
    used. Never raises.
    """
    ui = ui_lang(lang)
    path = preferences_path(folder)
    try:
        _read(path)
        return None
    except Damaged as damaged:
        problem = damaged
    kept = _set_aside(path)
    if kept is not None:
        return t("widgets.language.set_aside", ui, path=path, kept=kept.name)
    why = reason(problem.cause, ui) if problem.cause is not None else t("system.damaged", ui)
    return t("widgets.language.damaged", ui, path=path, reason=why)


def choose_lang(lang: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """Remember ``lang`` (written atomically; other preferences in the file are kept, a damaged file is set
    aside first and a fresh one written).

    Raises
    ------
    ValueError
        ``lang`` is not a language casekit has (a bug in the caller, not a learner's error).
    OSError
        The folder cannot be written.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"no language {lang!r}; casekit has {', '.join(LANGUAGES)}")
    path = preferences_path(folder)
    private_folder(path.parent)
    try:
        data = _read(path)
    except Damaged:
        if _set_aside(path) is None and (path.exists() or path.is_symlink()):
            raise OSError(13, os.strerror(13), str(path)) from None  # cannot be moved: never overwritten
        data = {}
    atomic_write_text(path, json.dumps({**data, "lang": lang}, ensure_ascii=False))
    return path


def _read(path: Path) -> dict[str, Any]:
    """The preferences in ``path`` (``{}`` if there is no file).

    Raises
    ------
    Damaged
        The file exists and cannot be used.
    """
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:  # a folder in its place, unreadable
        raise Damaged(path, exc) from exc
    try:
        if len(raw) > MAX_BYTES:
            raise ValueError("too big")
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8 (a ValueError), not JSON, nested too deep
        raise Damaged(path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("lang", ""), str):
        raise Damaged(path)
    return data


def _set_aside(path: Path) -> Path | None:
    """Rename the damaged ``path`` beside itself; where it went, or ``None`` if it could not be moved."""
    when = stamp()
    for n in range(100):
        kept = path.with_name(f"{path.name}.damaged-{when}{'' if n == 0 else f'-{n}'}")
        if kept.exists():
            continue
        try:
            if rename_no_overwrite(path, kept):
                return kept
            return None  # gone meanwhile
        except OSError:
            if kept.exists():
                continue
            return None
    return None

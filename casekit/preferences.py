"""A learner's own choices that outlast a kernel: for now, the language chosen at the top of 00_start.

Kept as a small JSON file beside the learner's answer store (``casekit-preferences.json`` in the answers
folder, see :func:`casekit.answers.default_answers_dir`), so a choice made in one notebook is followed by the
others. A damaged or foreign file is ignored, never trusted: only a language casekit has is taken.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from casekit._files import atomic_write_text
from casekit.answers import default_answers_dir
from casekit.i18n import LANGUAGES

__all__ = ["FILE_NAME", "choose_lang", "chosen_lang", "preferences_path"]

FILE_NAME = "casekit-preferences.json"


def preferences_path(folder: str | os.PathLike[str] | None = None) -> Path:
    """Where the preferences are kept: in ``folder``, by default the answers folder."""
    return Path(folder) / FILE_NAME if folder is not None else default_answers_dir() / FILE_NAME


def chosen_lang(folder: str | os.PathLike[str] | None = None) -> str | None:
    """The language the learner chose, or ``None`` if none was chosen (or the file cannot be used)."""
    try:
        data = json.loads(preferences_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    lang = data.get("lang") if isinstance(data, dict) else None
    return lang if lang in LANGUAGES else None


def choose_lang(lang: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """Remember ``lang`` (written atomically; other preferences in the file are kept).

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
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data = {**(data if isinstance(data, dict) else {}), "lang": lang}
    atomic_write_text(path, json.dumps(data, ensure_ascii=False))
    return path

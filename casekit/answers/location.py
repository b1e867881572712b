"""Where answer stores live and what their files are called.

The folder (:func:`default_answers_dir`, ``$CASEKIT_ANSWERS``), the file name of one learner's store
(:func:`store_file_name`), the suffixes a store file may have and the side files SQLite keeps beside it
(:data:`SIDE_FILES`), and how to tell a store file from any other (:func:`is_store_file`): no file a user
names is written over an answer store (:func:`refuse_overwriting_answers`), and a store, its side files and
the answers folder are private to the learner (:func:`make_store_private`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path

from casekit._files import make_private
from casekit._text import slug
from casekit.errors import AnswerStoreError
from casekit.i18n import LANGUAGES, t, ui_lang

__all__ = [
    "ANSWERS_ENV",
    "PREFERENCES_FILE",
    "PSEUDONYM_PATTERN",
    "SIDE_FILES",
    "SQLITE_MAGIC",
    "STORE_SUFFIX",
    "STORE_SUFFIXES",
    "default_answers_dir",
    "file_identity",
    "is_sqlite_file",
    "is_store_file",
    "learner_slug",
    "make_store_private",
    "pseudonym",
    "refuse_other_file",
    "refuse_overwriting_answers",
    "resolve_file",
    "store_file_name",
]

ANSWERS_ENV = "CASEKIT_ANSWERS"
"""The environment variable naming the answers folder."""
STORE_SUFFIX = ".sqlite"
"""The suffix of a store file casekit names."""
STORE_SUFFIXES = (STORE_SUFFIX, ".db", ".sqlite3")
"""The suffixes of a file the store treats as its own (a damaged one is moved aside, not refused)."""
SIDE_FILES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database ``<name>``: ``<name>-wal``, ``<name>-shm``, ``<name>-journal``."""
SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""
PREFERENCES_FILE = "casekit-preferences.json"
"""The learner's preferences, kept in the answers folder (:mod:`casekit.preferences`)."""


def default_answers_dir(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The folder answers go to when no path is given.

    ``$CASEKIT_ANSWERS`` if set; otherwise ``notebooks/answers`` when the current folder has a
    ``notebooks/`` sub-folder (a terminal at the top of the repository), else ``./answers`` (a kernel's
    current folder is the notebook's folder, so answers land beside the notebooks either way). The
    notebooks of another language (``notebooks/en/``) share the Danish notebooks' folder: the editions
    have the same ids, so a learner who switches language keeps every answer.
    """
    override = os.environ.get(ANSWERS_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    base = Path(cwd) if cwd is not None else Path.cwd()
    if (base / "notebooks").is_dir():
        return base / "notebooks" / "answers"
    if base.name in LANGUAGES and (base.parent / "00_start.ipynb").is_file():
        return base.parent / "answers"
    return base / "answers"


def store_file_name(case_id: str, learner: str | None = None) -> str:
    """``<case_id>.sqlite``, or ``<case_id>-<learner>.sqlite`` with the learner's name made file-safe."""
    if learner is None:
        return f"{case_id}{STORE_SUFFIX}"
    return f"{case_id}-{learner_slug(learner)}{STORE_SUFFIX}"


def learner_slug(name: str) -> str:
    """A file-safe form of a learner's name: ``"Søren Ærø"`` → ``soeren-aeroe``.

    A name with no usable letters (e.g. only emoji) still gets a stable name of its own: ``x`` and eight
    hex digits of its hash.
    """
    # The rule stores were named by from the start, so that every learner's existing store keeps its name:
    # "-" is kept as typed ("anne - marie" → anne---marie), and "_" at either end too ("_anne_").
    text = slug(name, keep="._-", trim="-.")
    return text or "x" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


#: What :func:`pseudonym` makes: a store whose learner matches it was opened without a name.
PSEUDONYM_PATTERN = re.compile(r"elev-[0-9a-f]{6}")


def pseudonym() -> str:
    """A random name for a learner who gave none, such as ``elev-7f3a2c``."""
    return f"elev-{secrets.token_hex(3)}"


def resolve_file(path: str | os.PathLike[str] | None, case_id: str, learner: str | None) -> Path:
    """The store file for ``path``: a store file as given, or :func:`store_file_name` in a folder (by
    default :func:`default_answers_dir`)."""
    if path is None:
        return default_answers_dir() / store_file_name(case_id, learner)
    target = Path(path).expanduser()
    if target.suffix in STORE_SUFFIXES or target.is_file():
        return target
    return target / store_file_name(case_id, learner)


def is_store_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an existing SQLite database, or the ``-wal``/``-shm``/``-journal`` file of one.

    Used to refuse writing anything else (an export, say) onto an answer store.
    """
    target = Path(path)
    for side in SIDE_FILES:
        base = target.name[: -len(side)]
        ours = target.name.endswith(side) and base and target.exists()
        if ours and is_sqlite_file(target.with_name(base)):
            return True
    return is_sqlite_file(target)


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` is a file that starts like a SQLite database (``False`` if it cannot be read)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:  # missing, a folder, unreadable
        return False


def refuse_other_file(file: Path, lang: str) -> None:
    """Refuse a path that is some other file (``noter.txt``): only a store of ours may be moved aside.

    Raises
    ------
    AnswerStoreError
        ``file`` exists, is not named like a store and is not a SQLite database.
    """
    if file.suffix in STORE_SUFFIXES or not file.is_file() or is_sqlite_file(file):
        return
    raise AnswerStoreError(t("store.error.not_a_store_file", ui_lang(lang), path=file))


def file_identity(path: Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the file at ``path``, or ``None`` if there is none: tells whether the file
    at a path is still the one a connection has open."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def refuse_overwriting_answers(
    path: str | os.PathLike[str], lang: str, *, store: str | os.PathLike[str] | None = None
) -> None:
    """Refuse to write a file the user named (``-o``, an export) over an answer store or its side files.

    The one check every command and function that writes such a file makes before it writes.

    Parameters
    ----------
    path : path-like
        The file about to be written.
    lang : str
        The language of the message.
    store : path-like, optional
        A store that is open (its file, or a side file it may not have yet, is refused too).

    Raises
    ------
    AnswerStoreError
        ``path`` is (or is a side file of) an answer store; the message names it.
    """
    target = Path(path)
    refused = is_store_file(target)
    if not refused and store is not None:
        with contextlib.suppress(OSError, RuntimeError):
            own = Path(store).resolve()
            refused = target.resolve() in {own, *(own.with_name(own.name + side) for side in SIDE_FILES)}
    if refused:
        raise AnswerStoreError(t("store.error.onto_answers", ui_lang(lang), path=target))


def make_store_private(file: Path) -> None:
    """Make a store file, its side files and (when it holds only casekit's files) its folder private.

    A store made by an older casekit (``0644`` in a ``0755`` folder) becomes ``0600`` in ``0700``; rights
    are only ever taken away (:func:`casekit._files.make_private`), never from the folder's parents, and
    never from a folder that holds other files (a home folder the store was put in): there the files
    themselves are private.
    """
    for extra in ("", *SIDE_FILES):
        make_private(f"{file}{extra}")
    folder = file.parent
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return
    if all(_ours(name) for name in names):
        make_private(folder)


def _ours(name: str) -> bool:
    """Whether a file name in an answers folder is one casekit writes there."""
    base = name
    for side in SIDE_FILES:
        if base.endswith(side):
            base = base[: -len(side)]
            break
    if base.endswith(STORE_SUFFIXES) or name == PREFERENCES_FILE:
        return True
    # The hidden temporary files of an atomic write, a store being put back, a preference file set aside.
    return (name.startswith(".") and (name.endswith(".tmp") or ".restore-" in name)) or name.startswith(
        f"{PREFERENCES_FILE}."
    )

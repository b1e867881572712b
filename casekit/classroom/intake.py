"""Reading a class's files from a folder, a ZIP (ZIPs in it too) or one file, within limits; never writing.

Every file found gets the next position ("fil 3"), read or skipped, and a bad file is never an error: it is
listed with its reason. Inside a container (the folder or ZIP given, or a ZIP in it that is not in a
student's folder) the level of the student folders is found below any wrapper folder
(:func:`student_level`): a student's folder owns every file under it (also the members of a ZIP in it), and
so does an LMS's file-name prefix (:func:`casekit.classroom.lms.owner`). A file is labelled by its position
and kind only (``fil 3 (.html)``): a name can hold a learner's name.

**Limits.** A file over :data:`~casekit.importer.MAX_IMPORT_BYTES` is skipped unread; at most
:data:`MAX_LEARNER_BYTES` are read of one learner's files and :data:`MAX_TOTAL_BYTES` in all; ZIPs nest
at most :data:`MAX_ZIP_DEPTH` deep; a ZIP member compressed more than :data:`MAX_RATIO` times is skipped; at
most :data:`MAX_MEMBERS` entries of one ZIP and :data:`MAX_ENTRIES` in all (in folders and every ZIP, nested
or not) are looked at, and there the intake stops (:attr:`Intake.stopped`): what it read is summarised;
symbolic links (in folders and in ZIPs), unsafe member names (``../x``, ``/etc/passwd``, ``C:\\x``) and
encrypted members are skipped.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
import stat
import zipfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from casekit._text import utf8_safe
from casekit.classroom import lms
from casekit.classroom._common import clip
from casekit.classroom.errors import ClassFolderError
from casekit.i18n import format_size, reason, t
from casekit.importer import IMPORT_SUFFIXES, MAX_IMPORT_BYTES

__all__ = [
    "MAX_ENTRIES",
    "MAX_FOLDER_DEPTH",
    "MAX_LEARNER_BYTES",
    "MAX_LEARNER_ENTRIES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_ZIP_DEPTH",
    "READ_SUFFIXES",
    "Intake",
    "Item",
    "collect",
    "file_kind",
    "student_level",
]

MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""How many bytes :func:`~casekit.classroom.summarize` reads in all, from files and ZIP members together."""
MAX_LEARNER_BYTES = 48 * 1024 * 1024
"""How many bytes one learner's files (a student folder's, an LMS prefix's, or one file's) may use of
:data:`MAX_TOTAL_BYTES`: one hand-in that unpacks to much never stops the class's files from being read."""
MAX_ZIP_DEPTH = 3
"""How deeply ZIPs may nest: the LMS ZIP, a ZIP in it, and one more."""
MAX_RATIO = 200
"""A ZIP member that unpacks to more than this many times its compressed size (and over 1 MiB) is a bomb."""
MAX_MEMBERS = 100_000
"""At most this many entries of one ZIP are looked at."""
MAX_ENTRIES = 100_000
"""At most this many entries are looked at in all: files and folders found in folders and the members of
every ZIP, ZIPs nested in others included (a megabyte of ZIPs in a ZIP can hold 400,000). A ZIP in another
that says it holds more than are left is not opened, as a file over the bytes left is not read; where the
count runs out all the same (in the folder or the ZIP given, or a ZIP whose end record lied), the intake
stops there with one line saying where, and a ZIP listed before then is skipped unopened."""
MAX_LEARNER_ENTRIES = 2_000
"""At most this many entries of one learner's ZIPs are looked at (a hand-in is a few files): one student's
ZIP of a hundred thousand empty files uses their own share, not the class's :data:`MAX_ENTRIES`, so the ZIPs
of the students after them are still opened. A ZIP that says it holds more than the learner has left is not
opened; one that lied is read up to the learner's share."""
MAX_FOLDER_DEPTH = 12
"""How deeply folders are walked below the folder given."""

READ_SUFFIXES = IMPORT_SUFFIXES
"""The files read (besides ZIPs): JSON exports and snapshots, and HTML hand-ins, which carry their export
(:mod:`casekit.answers.embedded`); every other file is listed as skipped, unread."""

_CHUNK = 1 << 16
_RATIO_FROM = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
_KIND = re.compile(r"[a-z0-9]{1,8}")
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError)


class _Stop(str):
    """The reason of the line saying :data:`MAX_ENTRIES` were reached (:attr:`Intake.stopped`): a reason a
    file was refused when listed, like any other, that the intake also keeps as where it stopped."""

    __slots__ = ()


@dataclass(frozen=True)
class Item:
    """One file found: its label ("fil 3 (…/svar.json)"), the student folder it is in (if any), its bytes.

    ``owner`` is an opaque key: files with the same owner are one learner's (``None``: the file's own
    pseudonym or share id tells whose it is).
    """

    label: str
    owner: str | None
    data: bytes
    name: str | None = None
    """The file's own name where it must be the snapshot's ``<share_id>.json`` (in a class folder)."""
    kind: str = ""
    """The kind of file its name says (``.html``; see :func:`file_kind`)."""


class Intake:
    """The files of one input, in the order found: those read (:attr:`items`) and those skipped.

    A transport that reads a class by other means than a folder adds each file with :meth:`add` (or
    :meth:`skip` with a catalog key and its fields); :meth:`folder`, :meth:`zip` and :meth:`file` walk
    what is on disk.

    Attributes
    ----------
    lang : str
        The language of labels and reasons.
    items : list[Item]
        The files read.
    skipped : list[tuple[str, str]]
        The files not read: their label and the reason.
    stopped : tuple[str, str] or None
        Where the intake stopped looking at entries, :data:`MAX_ENTRIES` being looked at (the label and
        reason of that line of :attr:`skipped`); ``None`` when every entry was looked at.
    examined : int
        How many entries have been looked at (of :data:`MAX_ENTRIES`).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.items: list[Item] = []
        self.skipped: list[tuple[str, str]] = []
        self.left = MAX_TOTAL_BYTES
        self.count = 0
        self.spent: dict[str, int] = {}  # bytes read per learner (owner), or per entry without one
        self.cut = "class.skip.total_limit"  # which budget a read that is stopped short names
        self.examined = 0
        self.looked: dict[str, int] = {}  # entries of ZIPs looked at per learner (owner), as ``spent``
        self.stopped: tuple[str, str] | None = None
        self._stop_listed = False

    def label(self, shown: str) -> str:
        """The next position's label, ``fil 3 (.json)``: the kind of file, never its name; counts the file.

        A name can hold a learner's name (an LMS prefix, casekit's ``<case>-<learner>.html``), so only its
        kind is shown. Nor does the report put a learner's "Studerende N" beside it: the position leads
        back to the file in the input, and so to whose answers carry that label.
        """
        self.count += 1
        return t("class.file_label", self.lang, n=self.count, name=file_kind(shown, self.lang))

    def skip(self, shown: str, key: str, **fields: object) -> None:
        """List a file as skipped, with the catalog's reason ``key`` (filled with ``fields``)."""
        self.skipped.append((self.label(shown), t(key, self.lang, **fields)))

    def add(self, shown: str, owner: str | None, data: bytes) -> None:
        """Keep a file's bytes, as the next position (see :class:`Item` for ``owner``)."""
        self.items.append(Item(self.label(shown), owner, data, kind=file_kind(shown, self.lang)))

    # -- a container's entries -----------------------------------------------------------------------------
    def _container(
        self,
        entries: list[tuple[list[str], Any]],
        read: Callable[[Any, int], bytes | str],
        depth: int,
        owner: str | None,
        scope: str,
        prefix: Sequence[str],
        student_folders: bool = True,
    ) -> None:
        """Read each entry (``parts``, handle, or a reason it was refused when listed).

        With ``student_folders`` (in a ZIP) the first folder is a student's and owns the files in it; in a
        folder on disk (``False``) learners are told apart by their pseudonyms, so group folders work.
        """
        folders = student_folders and owner is None
        level = student_level([p for p, _ in entries]) if folders else 0
        for parts, handle in entries:
            inner = parts[level:] if len(parts) > level else parts[-1:]
            own, rest, in_folder = owner, inner, owner is not None
            if folders and len(inner) > 1 and inner[0] != ".." and not _DRIVE.match(inner[0]):
                whose = lms.owner(inner[0]) or inner[0]
                own, rest, in_folder = f"{scope}\0{whose}", inner[1:], True
            elif folders and len(inner) == 1 and (whose_file := lms.owner(inner[0])) is not None:
                own = f"{scope}\0{whose_file}"  # a flat LMS download: the prefix tells whose
            shown_parts = [lms.strip_prefix(p) or "?" for p in [*prefix, *rest]]
            shown = clip(("…/" if in_folder else "") + "/".join(shown_parts))
            if isinstance(handle, str):
                self.skip(shown, "class.skip.reason", reason=str(handle))
                if isinstance(handle, _Stop):
                    self.stopped = self.skipped[-1]
                continue
            name = parts[-1].lower()
            is_zip = name.endswith(".zip")
            if not (is_zip or name.endswith(READ_SUFFIXES)):
                self.skip(shown, "class.skip.not_json_file")
                continue
            if is_zip and self._capped():  # listed before the cap was reached: not opened, nor read
                self.skip(shown, "class.skip.entry_limit", limit=MAX_ENTRIES)
                continue
            whose = own if own is not None else f"{scope}\0{parts[0]}"  # a learner's budget, else the entry's
            mine = MAX_LEARNER_BYTES - self.spent.get(whose, 0)
            self.cut = "class.skip.learner_limit" if mine < self.left else "class.skip.total_limit"
            left = min(self.left, mine)
            if left <= 0:
                self.skip(shown, self.cut, limit=self._cut_limit())
                continue
            data = read(handle, left if is_zip else min(MAX_IMPORT_BYTES, left))
            if isinstance(data, str):
                self.skip(shown, "class.skip.reason", reason=data)
                continue
            self.left -= len(data)
            self.spent[whose] = self.spent.get(whose, 0) + len(data)
            if not is_zip:
                self.add(shown, own, data)
            elif depth >= MAX_ZIP_DEPTH:
                self.skip(shown, "class.skip.too_deep", depth=MAX_ZIP_DEPTH)
            elif (declared := _declared_entries(data)) is not None and declared > MAX_ENTRIES - self.examined:
                # Not opened, as a file over the bytes left is not read (zipfile parses every entry first).
                room = MAX_ENTRIES - self.examined
                self.skip(shown, "class.skip.entry_limit_zip", count=declared, left=room, limit=MAX_ENTRIES)
            elif declared is not None and declared > MAX_LEARNER_ENTRIES - self.looked.get(whose, 0):
                room = MAX_LEARNER_ENTRIES - self.looked.get(whose, 0)
                limit = MAX_LEARNER_ENTRIES
                self.skip(shown, "class.skip.learner_entries_zip", count=declared, left=room, limit=limit)
            else:
                try:
                    archive = zipfile.ZipFile(io.BytesIO(data))
                except _ZIP_ERRORS:
                    self.skip(shown, "class.skip.bad_zip")
                    continue
                self.zip(archive, depth + 1, own, f"{scope}\0{self.count}", [*prefix, *rest], budget=whose)

    # -- folders -------------------------------------------------------------------------------------------
    def folder(self, root: Path, *, ignore: Collection[str] = ()) -> None:
        """Every file under ``root`` (sub-folders too), but none named in ``ignore`` at the top."""
        found: list[tuple[list[str], Any]] = []
        self._walk(root, [], found, 0, ignore)
        self._container(found, self._read_path, 1, None, "", [], student_folders=False)

    def _walk(
        self,
        folder: Path,
        prefix: list[str],
        found: list[tuple[list[str], Any]],
        depth: int,
        ignore: Collection[str],
    ) -> None:
        try:
            with os.scandir(folder) as listing:  # never more of a huge folder than the cap leaves
                entries = list(itertools.islice(listing, max(MAX_ENTRIES - self.examined, 0) + 1))
        except OSError as exc:
            found.append(
                ([*prefix, "."], t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang)))
            )
            return
        entries.sort(key=lambda e: e.name)
        for entry in entries:
            parts = [*prefix, utf8_safe(entry.name)]  # an undecodable name is shown with U+FFFD
            if not self._examine():
                found.extend(self._stop([*prefix, "…"]))
                return
            if (
                entry.name.startswith(".")
                or entry.name == "__MACOSX"
                or (not prefix and entry.name in ignore)
            ):
                continue  # hidden files (temp files too), macOS litter, what the caller ignores
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                found.append((parts, t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang))))
                continue
            if stat.S_ISLNK(st.st_mode):
                found.append((parts, t("class.skip.symlink", self.lang)))
            elif stat.S_ISDIR(st.st_mode):
                if depth < MAX_FOLDER_DEPTH:
                    self._walk(Path(entry.path), parts, found, depth + 1, ignore)
            elif not stat.S_ISREG(st.st_mode):
                found.append((parts, t("class.skip.not_file", self.lang)))
            else:
                found.append((parts, (Path(entry.path), st)))

    def file(self, path: Path) -> None:
        """One file given on its own (a JSON export or snapshot, an HTML hand-in)."""
        try:
            st = os.lstat(path)
        except OSError as exc:
            handle: Any = t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang))
        else:
            handle = t("class.skip.symlink", self.lang) if stat.S_ISLNK(st.st_mode) else (path, st)
        self._container([([utf8_safe(path.name)], handle)], self._read_path, MAX_ZIP_DEPTH, None, "", [])

    # -- the cap on entries --------------------------------------------------------------------------------
    def _examine(self) -> bool:
        """Count one more entry looked at; false (and nothing counted) once :data:`MAX_ENTRIES` have been."""
        if self._capped():
            return False
        self.examined += 1
        return True

    def _capped(self) -> bool:
        return self.examined >= MAX_ENTRIES

    def _stop(self, parts: list[str], depth: int = 0) -> list[tuple[list[str], Any]]:
        """The one line saying the cap was reached, and where: in the folder given (``depth`` 0), the ZIP
        given (1) or a ZIP ``depth`` levels in. Only the first container to reach the cap lists it; those
        after list nothing more (the intake has stopped)."""
        if self._stop_listed:
            return []
        self._stop_listed = True
        if depth == 0:
            where = t("class.where.folder", self.lang)
        elif depth == 1:
            where = t("class.where.zip", self.lang)
        else:
            where = t("class.where.nested_zip", self.lang, depth=depth)
        return [(parts, _Stop(t("class.skip.entry_limit_here", self.lang, limit=MAX_ENTRIES, where=where)))]

    def _read_path(self, source: tuple[Path, os.stat_result], limit: int) -> bytes | str:
        """A regular file's bytes (never following a link), at most ``limit``; else the reason."""
        path, st = source
        if st.st_size > limit:
            return self._too_big(st.st_size, limit)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    return t("class.skip.not_file", self.lang)
                data = fh.read(limit + 1)
        except OSError as exc:
            if getattr(exc, "errno", None) == 40:  # ELOOP: it became a link since it was listed
                return t("class.skip.symlink", self.lang)
            return t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang))
        return self._too_big(len(data), limit) if len(data) > limit else data

    def _cut_limit(self) -> int:
        """The budget :attr:`cut` names, in MB."""
        return (MAX_LEARNER_BYTES if self.cut == "class.skip.learner_limit" else MAX_TOTAL_BYTES) // (1 << 20)

    def _too_big(self, size: int, limit: int) -> str:
        if limit < MAX_IMPORT_BYTES:
            return t(self.cut, self.lang, limit=self._cut_limit())
        return t(
            "class.skip.too_big",
            self.lang,
            size=format_size(size, self.lang, "MB"),
            limit=format_size(MAX_IMPORT_BYTES, self.lang, "MB"),
        )

    # -- ZIPs ----------------------------------------------------------------------------------------------
    def zip(
        self,
        archive: zipfile.ZipFile,
        depth: int = 1,
        owner: str | None = None,
        scope: str = "",
        prefix: Sequence[str] = (),
        budget: str | None = None,
    ) -> None:
        """The members of a ZIP (closed after): links, unsafe names and encrypted members refused when listed.

        ``depth`` is the ZIP's own depth (1 for the ZIP given); ``owner``, ``scope`` and ``prefix`` carry a
        student folder, and the names shown, into a ZIP found inside another; ``budget`` is whose share of
        :data:`MAX_LEARNER_ENTRIES` its entries use (none for the ZIP given).
        """
        entries: list[tuple[list[str], Any]] = []
        with archive:
            for n, info in enumerate(archive.infolist()):
                if n >= MAX_MEMBERS:
                    entries.append(([f"{n + 1}…"], t("class.skip.too_many", self.lang, limit=MAX_MEMBERS)))
                    break
                if budget is not None and self.looked.get(budget, 0) >= MAX_LEARNER_ENTRIES:
                    skipped = t("class.skip.learner_entries", self.lang, limit=MAX_LEARNER_ENTRIES)
                    entries.append(([f"{n + 1}…"], skipped))
                    break
                if not self._examine():
                    entries.extend(self._stop([f"{n + 1}…"], depth))
                    break
                if budget is not None:
                    self.looked[budget] = self.looked.get(budget, 0) + 1
                parts = _parts(info.filename)
                if (
                    info.is_dir()
                    or not parts
                    or any((p.startswith(".") and p != "..") or p == "__MACOSX" for p in parts)
                ):
                    continue
                if _unsafe(info.filename):
                    entries.append((parts, t("class.skip.unsafe_name", self.lang)))
                elif stat.S_ISLNK(info.external_attr >> 16):
                    entries.append((parts, t("class.skip.symlink", self.lang)))
                elif info.flag_bits & 0x1:
                    entries.append((parts, t("class.skip.encrypted", self.lang)))
                else:
                    entries.append((parts, info))
            read = functools.partial(self.read_member, archive)
            self._container(entries, read, depth, owner, scope, list(prefix))

    def read_member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | str:
        """A member's bytes, read in chunks and never more than ``limit``; a reason if it is not read.

        A member whose header says it is too big, or compressed more than :data:`MAX_RATIO` times, is not
        unpacked at all; one that turns out bigger than its header said stops at ``limit``.
        """
        if info.file_size > limit:
            return self._too_big(info.file_size, limit)
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return t("class.skip.bomb", self.lang, ratio=info.file_size // max(info.compress_size, 1))
        chunks, size = [], 0
        try:
            with archive.open(info) as fh:
                while chunk := _read_chunk(fh):
                    size += len(chunk)
                    if size > limit:  # the header lied about the size
                        return self._too_big(size, limit)
                    chunks.append(chunk)
        except Exception:  # BadZipFile (CRC), zlib/lzma/bz2 errors, EOF: a damaged member, whatever it says
            return t("class.skip.bad_member", self.lang)
        return b"".join(chunks)


def collect(source: Path, lang: str, *, ignore: Collection[str] = ()) -> Intake:
    """Read a folder (all of it, but what ``ignore`` names at its top), a ZIP, or one file.

    Raises
    ------
    ClassFolderError
        ``source`` does not exist or cannot be read, or it is a ZIP that cannot be opened.
    """
    intake = Intake(lang)
    try:
        st = source.stat()
    except OSError as exc:
        why = reason(exc, lang)
        raise ClassFolderError(t("class.error.no_source", lang, path=source, reason=why)) from exc
    if stat.S_ISDIR(st.st_mode):
        intake.folder(source, ignore=ignore)
    elif zipfile.is_zipfile(source):
        try:
            archive = zipfile.ZipFile(source)
        except _ZIP_ERRORS as exc:
            raise ClassFolderError(t("class.error.bad_zip", lang, path=source)) from exc
        intake.zip(archive, 1)
    elif source.suffix.lower() == ".zip":
        raise ClassFolderError(t("class.error.bad_zip", lang, path=source))
    else:
        intake.file(source)
    return intake


def file_kind(name: str, lang: str) -> str:
    """The kind of file a name says (its extension, ``.html``), or the catalog's word for none: never more."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    ext = base.rpartition(".")[2].lower() if "." in base else ""
    return f".{ext}" if _KIND.fullmatch(ext) else t("class.file_kind_none", lang)


def _declared_entries(data: bytes) -> int | None:
    """How many entries a ZIP's end record says it holds (its ZIP64 record's, if it has one), read without
    its directory; ``None`` if there is no end record to read (:mod:`zipfile` then says what is wrong).

    A record may lie; the entries are counted again as they are looked at (:data:`MAX_ENTRIES`).
    """
    at = data.rfind(_END, max(0, len(data) - _END_SIZE - 0xFFFF))  # a comment may follow it
    if at < 0 or len(data) < at + _END_SIZE:
        return None
    count = int.from_bytes(data[at + 10 : at + 12], "little")
    locator = at - _LOCATOR_SIZE
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == _LOCATOR:
        where = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[where : where + 4] == _END64:
            count = int.from_bytes(data[where + 32 : where + 40], "little")
    return count


_END, _END_SIZE = b"PK\x05\x06", 22
_LOCATOR, _LOCATOR_SIZE = b"PK\x06\x07", 20
_END64 = b"PK\x06\x06"


def _read_chunk(fh: IO[bytes]) -> bytes:
    return fh.read(_CHUNK)


def _parts(name: str) -> list[str]:
    """A member name's parts, with ``\\`` as a separator too; empty and ``.`` parts dropped."""
    return [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]


def _unsafe(name: str) -> bool:
    """An absolute name, a drive letter, or a ``..`` part: what only a tampered archive has."""
    plain = name.replace("\\", "/")
    return plain.startswith("/") or bool(_DRIVE.match(plain)) or ".." in plain.split("/")


def student_level(names: Sequence[Sequence[str]]) -> int:
    """How many wrapper folders lie above the student folders (or an LMS's prefixed files) in a container.

    A folder around everything (a ZIP unpacked and zipped again, a Mac's "Compress"), with or without stray
    files beside it (``Opgave 1/index.html``), is gone into, as long as it is the only folder at its level,
    its name is no LMS's prefix, no file beside it has one, and it holds folders or prefixed files itself:
    one student's folder with only files in it stays that student's.
    """
    level = 0
    while True:
        here = [n for n in names if len(n) > level]
        inside = {n[level] for n in here if len(n) > level + 1}
        if len(inside) != 1 or any(len(n) == level + 1 and lms.match(n[level]) for n in here):
            return level
        (only,) = inside
        if lms.match(only) is not None:
            return level
        below = [n for n in here if len(n) > level + 1]
        if not any(len(n) > level + 2 or lms.match(n[level + 1]) for n in below):
            return level
        level += 1

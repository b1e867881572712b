"""Reading a damaged store file page by page, as SQLite's ``.recover`` does, with the standard library only.

SQLite reads a row by walking down its table's tree from the root page: one page of garbage on the way hides
every row below it, though the leaf pages that hold them are whole. :func:`scan` reads each page of a file
(and each committed frame of its ``-wal``) on its own and decodes the cells it finds
(https://sqlite.org/fileformat2.html):

* revision rows: on table leaf pages, seven columns, the first NULL (``revision INTEGER PRIMARY KEY`` is the
  cell's rowid) and six texts;
* ``meta`` rows: two texts;
* entries of the index ``revisions_by_key``, ``(key, saved_at, revision[, rowid])``: which revisions the file
  held, so that the ones that could not be read can be named.

A file whose first page is garbage (its page size unknown) is read at every page size, and the size that
yields the most rows is kept. Nothing is written; what is found is checked by its caller.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

__all__ = ["PAGE_SIZES", "Scan", "scan"]

PAGE_SIZES = tuple(2**n for n in range(9, 17))
"""The page sizes SQLite allows."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_WAL_MAGIC = (0x377F0682, 0x377F0683)
_TABLE_LEAF, _INDEX_LEAF, _INDEX_INTERIOR = 13, 10, 2
_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}
_ENCODINGS = {1: "utf-8", 2: "utf-16-le", 3: "utf-16-be"}


class _Bad(Exception):
    """A cell or record that does not decode (garbage, or cut off)."""


@dataclasses.dataclass
class Scan:
    """What the pages of a file hold."""

    #: Revision rows in the order of :data:`~casekit.answers.sqlite.COLUMNS`, each with ``True`` if its
    #: value decoded cleanly (``False``: bytes that are not text were read as U+FFFD).
    rows: list[tuple[tuple[Any, ...], bool]] = dataclasses.field(default_factory=list)
    #: ``meta`` rows found, every value each name was seen with.
    meta: dict[str, set[str]] = dataclasses.field(default_factory=dict)
    #: ``revision → key`` of every revision the index lists.
    listed: dict[int, str] = dataclasses.field(default_factory=dict)


def scan(main: bytes, wal: bytes = b"") -> Scan:
    """Every revision row, ``meta`` row and index entry whose cell is whole in ``main`` (a database file's
    bytes) or in a committed frame of ``wal`` (its ``-wal``'s bytes)."""
    header_ok = main[:16] == _SQLITE_MAGIC
    size = _page_size(main) if header_ok else None
    wal_size = int.from_bytes(wal[8:12], "big") if len(wal) >= 32 else 0
    if size is None and wal_size in PAGE_SIZES and _wal_frames(wal):
        size = wal_size
    encoding = _ENCODINGS.get(int.from_bytes(main[56:60], "big"), "utf-8") if header_ok else "utf-8"
    reserved = main[20] if header_ok and len(main) > 20 else 0
    if size is not None:
        return _scan_at(main, wal, size, size - reserved, encoding)
    best = Scan()
    for guess in PAGE_SIZES:  # the first page is garbage: try every size
        found = _scan_at(main, b"", guess, guess, encoding)
        if len(found.rows) > len(best.rows):
            best = found
    return best


def _page_size(main: bytes) -> int | None:
    raw = int.from_bytes(main[16:18], "big")
    size = 65536 if raw == 1 else raw
    return size if size in PAGE_SIZES else None


def _wal_frames(wal: bytes) -> dict[int, list[bytes]]:
    """``page number → images`` of the frames of ``wal`` up to its last commit, oldest first."""
    if len(wal) < 32 or int.from_bytes(wal[:4], "big") not in _WAL_MAGIC:
        return {}
    size, salts = int.from_bytes(wal[8:12], "big"), wal[16:24]
    if size not in PAGE_SIZES:
        return {}
    frames: list[tuple[int, bytes]] = []
    committed = 0
    offset = 32
    while offset + 24 + size <= len(wal):
        header = wal[offset : offset + 24]
        if header[8:16] != salts:  # a frame of an earlier generation of the -wal, or not one at all
            break
        frames.append((int.from_bytes(header[:4], "big"), wal[offset + 24 : offset + 24 + size]))
        if int.from_bytes(header[4:8], "big"):  # a commit frame: what comes before it was committed
            committed = len(frames)
        offset += 24 + size
    found: dict[int, list[bytes]] = {}
    for number, image in frames[:committed]:
        found.setdefault(number, []).append(image)
    return found


def _scan_at(main: bytes, wal: bytes, size: int, usable: int, encoding: str) -> Scan:
    pages: dict[int, list[bytes]] = {
        n + 1: [main[o : o + size]] for n, o in enumerate(range(0, len(main), size))
    }
    if wal:
        for number, images in _wal_frames(wal).items():
            pages.setdefault(number, []).extend(images)
    found = Scan()
    seen: set[tuple[Any, ...]] = set()
    for number, images in pages.items():
        for image in images:
            for kind, rowid, values, clean in _cells(image, number, pages, usable, encoding):
                if kind == _TABLE_LEAF:
                    _add_row(found, seen, rowid, values, clean)
                else:
                    _add_entry(found, values)
    return found


def _add_row(found: Scan, seen: set[tuple[Any, ...]], rowid: int, values: list[Any], clean: bool) -> None:
    texts = all(isinstance(v, str) for v in values[1:])
    if len(values) == 7 and values[0] in (None, rowid) and texts:
        row = (rowid, *values[1:])
        if row not in seen:
            seen.add(row)
            found.rows.append((row, clean))
    elif len(values) == 2 and texts and isinstance(values[0], str) and clean:
        found.meta.setdefault(values[0], set()).add(values[1])


def _add_entry(found: Scan, values: list[Any]) -> None:
    if len(values) not in (3, 4) or not all(isinstance(v, str) for v in values[:2]):
        return
    if isinstance(values[2], int) and values[2] > 0:
        found.listed[values[2]] = values[0]


def _cells(
    image: bytes, number: int, pages: dict[int, list[bytes]], usable: int, encoding: str
) -> Iterator[tuple[int, int, list[Any], bool]]:
    """``(page type, rowid, values, clean)`` of each cell of ``image`` that decodes."""
    start = 100 if number == 1 else 0
    if len(image) < start + 8:
        return
    kind = image[start]
    if kind not in (_TABLE_LEAF, _INDEX_LEAF, _INDEX_INTERIOR):
        return
    count = int.from_bytes(image[start + 3 : start + 5], "big")
    pointers = start + (12 if kind == _INDEX_INTERIOR else 8)
    end = min(len(image), usable)
    for i in range(count):
        at = pointers + 2 * i
        if at + 2 > end:
            return
        offset = int.from_bytes(image[at : at + 2], "big")
        if not pointers <= offset < end:
            continue
        try:
            if kind == _INDEX_INTERIOR:
                offset += 4  # the left child's page number
            size, offset = _varint(image, offset)
            rowid = 0
            if kind == _TABLE_LEAF:
                rowid, offset = _varint(image, offset)
                rowid = rowid - (1 << 64) if rowid >= 1 << 63 else rowid
            payload = _payload(image, offset, size, kind, pages, usable)
            values, clean = _record(payload, encoding)
        except _Bad:
            continue
        yield kind, rowid, values, clean


def _payload(
    image: bytes, offset: int, size: int, kind: int, pages: dict[int, list[bytes]], usable: int
) -> bytes:
    """A cell's payload, followed through its overflow pages (the newest image of each)."""
    most = usable - 35 if kind == _TABLE_LEAF else (usable - 12) * 64 // 255 - 23
    if size <= most:
        local = size
    else:
        least = (usable - 12) * 32 // 255 - 23
        local = least + (size - least) % (usable - 4)
        local = local if local <= most else least
    if offset + local > min(len(image), usable):
        raise _Bad
    parts = [image[offset : offset + local]]
    have = local
    if have < size:
        if offset + local + 4 > len(image):
            raise _Bad
        following = int.from_bytes(image[offset + local : offset + local + 4], "big")
        visited: set[int] = set()
        while have < size:
            if following in visited or following not in pages:
                raise _Bad
            visited.add(following)
            page = pages[following][-1]
            piece = page[4:usable][: size - have]
            if not piece:
                raise _Bad
            parts.append(piece)
            have += len(piece)
            following = int.from_bytes(page[:4], "big")
    return b"".join(parts)


def _record(payload: bytes, encoding: str) -> tuple[list[Any], bool]:
    """The values of a record, and whether every text decoded cleanly."""
    header, at = _varint(payload, 0)
    if not at <= header <= len(payload):
        raise _Bad
    types = []
    while at < header:
        serial, at = _varint(payload, at)
        types.append(serial)
    if at != header:
        raise _Bad
    values: list[Any] = []
    clean = True
    body = header
    for serial in types:
        if serial in (10, 11):
            raise _Bad
        if serial in _INT_SIZES:
            width = _INT_SIZES[serial]
            value: Any = int.from_bytes(payload[body : body + width], "big", signed=True)
        elif serial == 7:
            width, value = 8, None  # a real number: no column of ours holds one
        elif serial in (0, 8, 9):
            width, value = 0, (None, 0, 1)[(0, 8, 9).index(serial)]
        else:
            width = (serial - 12) // 2
            raw = payload[body : body + width]
            if serial % 2 == 0:
                value = raw
            else:
                try:
                    value = raw.decode(encoding)
                except UnicodeDecodeError:
                    value, clean = raw.decode(encoding, errors="replace"), False
        if body + width > len(payload):
            raise _Bad
        values.append(value)
        body += width
    return values, clean


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for _ in range(8):
        if at >= len(data):
            raise _Bad
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at
    if at >= len(data):
        raise _Bad
    return (value << 8) | data[at], at + 1

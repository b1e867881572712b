"""Network and FUSE folders: which journal mode a store should keep where it lives.

SQLite's WAL mode needs memory shared between the processes that use a file, which network, cluster and
FUSE filesystems (``nfs4`` home folders on a JupyterHub, ``cifs``, ``fuse.sshfs``…) do not give; a store
there keeps a rollback journal (``journal_mode=DELETE``). ``$CASEKIT_JOURNAL`` (``wal``, ``delete``,
``auto``) overrides the detection.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

__all__ = [
    "DELETE",
    "JOURNAL_ENV",
    "MOUNTINFO",
    "WAL",
    "journal_mode_wanted",
    "network_filesystem",
    "parse_mountinfo",
]

log = logging.getLogger(__name__)

JOURNAL_ENV = "CASEKIT_JOURNAL"
"""``wal``, ``delete`` or ``auto`` (the default: ``delete`` on a network or FUSE folder, else ``wal``)."""
WAL, DELETE = "wal", "delete"
"""The two journal modes a store keeps: write-ahead log, or a rollback journal."""
MOUNTINFO = os.path.join("/proc", "self", "mountinfo")
"""Where Linux lists the mounts; read at each call of :func:`network_filesystem` (tests point it away)."""

# Filesystems where WAL's shared memory cannot be trusted: network, cluster, FUSE and VM shared folders.
_NETWORK_FS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smb2", "smbfs", "ncpfs", "afs", "openafs", "coda", "ceph",
        "glusterfs", "lustre", "gpfs", "beegfs", "orangefs", "pvfs2", "gfs2", "ocfs2", "panfs", "wekafs",
        "9p", "davfs", "virtiofs", "vboxsf", "vmhgfs", "prl_fs", "sshfs", "s3fs",
    }
)  # fmt: skip


def network_filesystem(path: str | os.PathLike[str], mountinfo: str | None = None) -> str | None:
    """The filesystem type of ``path``'s folder if it is a network, cluster or FUSE filesystem, else ``None``.

    SQLite's WAL mode needs memory shared between the processes that use a file, which such filesystems
    (``nfs4`` home folders on a JupyterHub, ``cifs``, ``fuse.sshfs``…) do not give; the store keeps a
    rollback journal there. Linux only: the mount whose mount point is the longest prefix of the resolved
    path, from ``/proc/self/mountinfo`` (or the text ``mountinfo``); where that cannot be read (macOS,
    Windows, no ``/proc``) the folder counts as local.
    """
    if mountinfo is None:
        try:
            with open(MOUNTINFO, encoding="utf-8", errors="surrogateescape") as fh:
                mountinfo = fh.read()
        except OSError:
            return None
    resolved = os.path.realpath(os.fspath(path))
    best, fstype = -1, ""
    for point, kind in parse_mountinfo(mountinfo):
        inside = point == "/" or resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= best:  # a later line at the same point is mounted on top
            best, fstype = len(point), kind
    return fstype if best >= 0 and _is_network(fstype) else None


def _is_network(fstype: str) -> bool:
    """Whether ``fstype`` (as mountinfo has it: ``nfs4``, ``fuse.sshfs``, ``ext4``) is network or FUSE."""
    kind = fstype.lower()
    return kind in _NETWORK_FS or kind.startswith("fuse") or kind.split(".")[0] in _NETWORK_FS


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """``(mount point, fstype)`` of every well-formed line of ``/proc/self/mountinfo`` text, in order.

    A line is ``id parent major:minor root mount-point options [optional…] - fstype source super-options``;
    spaces, tabs, newlines and backslashes in a path are written as ``\\040``, ``\\011``, ``\\012``,
    ``\\134``.
    """
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        if len(fields) <= dash + 1:
            continue
        mounts.append((_unescape_mount(fields[4]), fields[dash + 1]))
    return mounts


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def journal_mode_wanted(folder: Path) -> tuple[str, str]:
    """The journal mode (:data:`WAL` or :data:`DELETE`) a store in ``folder`` should have, and why (for
    the log): ``$CASEKIT_JOURNAL`` if it says ``wal`` or ``delete``, else what the filesystem allows."""
    choice = os.environ.get(JOURNAL_ENV, "").strip().lower() or "auto"
    if choice in (WAL, DELETE):
        return choice, f"${JOURNAL_ENV}={choice}"
    if choice != "auto":
        log.warning("$%s=%r is not wal, delete or auto; detecting the filesystem", JOURNAL_ENV, choice)
    fstype = network_filesystem(folder)
    if fstype is not None:
        return DELETE, f"{folder} is on {fstype}"
    return WAL, "local filesystem"

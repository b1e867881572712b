"""Who a learner is, to the service: an HMAC of their hub user name, never the name.

The key is generated on the service's first start and kept beside its database (``casekit-class.secret``,
mode ``0600``, in a folder of mode ``0700``); only the service reads it. A learner's entry is stored under
:meth:`Identity.learner` of their user name, so the same hub user has the same entry from any kernel, after a
restore or on a new server, and the store holds nothing that names them. What the instructor's view reads
is :meth:`Identity.view` of that key: another HMAC, so not even the stored key leaves the service.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from casekit.i18n import reason, t, ui_lang

__all__ = ["SECRET_BYTES", "Identity", "SecretError", "load_secret"]

SECRET_BYTES = 32
"""The key's length: 256 bits, HMAC-SHA256's block-sized key."""


class SecretError(RuntimeError):
    """The key cannot be read or created, or it is not the key the database was made with."""


class Identity:
    """The learners' identities under one key.

    Parameters
    ----------
    secret : bytes
        The key (:func:`load_secret`).
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the key of the learners' identities is too short")
        self._secret = secret

    def _mac(self, purpose: str, text: str) -> str:
        message = purpose.encode("ascii") + b"\0" + text.encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def learner(self, user_name: str) -> str:
        """The stored key of a hub user's entries: 64 hex digits."""
        return self._mac("learner", user_name)

    def view(self, learner: str) -> str:
        """What the instructor's view reads for a stored key: 16 hex digits (the snapshot's ``share_id``
        form), the same in every round so that the view can show how the class moved."""
        return self._mac("view", learner)[:16]

    def fingerprint(self) -> str:
        """What the database keeps to know its key again (it tells nothing of the key)."""
        return self._mac("fingerprint", "casekit-class")[:32]


def load_secret(path: Path) -> bytes:
    """The key in ``path``, created (``0600``, its folder ``0700``) if there is none.

    An existing key readable by others is made ``0600``; a key file that is not a regular file, or is
    empty, is refused (:class:`SecretError`), never replaced.
    """
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, stat.S_IMODE(folder.stat().st_mode) & 0o700 | 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    except OSError as exc:
        raise _refused(path, exc) from exc
    try:
        os.write(fd, secrets.token_hex(SECRET_BYTES).encode("ascii") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(21, "")
        if st.st_mode & 0o077:
            os.chmod(path, 0o600)
        text = path.read_bytes().strip()
    except OSError as exc:
        raise _refused(path, exc) from exc
    if len(text) < 32:
        raise _refused(path, EOFError())
    return text


def _refused(path: Path, exc: BaseException) -> SecretError:
    lang = ui_lang(None)
    return SecretError(t("class.service.no_secret", lang, path=path, reason=reason(exc, lang)))

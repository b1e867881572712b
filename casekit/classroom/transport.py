"""The transport: how a class shares, as a role apart from what is shared (like nbgrader's exchange).

A *transport* carries snapshots (:mod:`casekit.classroom.snapshot`) from the learners to the instructor's
view, and keeps the class's rounds. It knows nothing of what a snapshot means: the learner's side makes
the snapshot, the summary (:mod:`casekit.classroom.summary`) reads what the transport collected.

* :class:`Transport` (here) names the role: the methods every transport has, and what they promise.
* :class:`~casekit.classroom.folder.FolderTransport` does it on a shared folder (``CASEKIT_CLASS`` a
  path): ``rounds.json``, one sub-folder per round, ``<round>/<share_id>.json`` per learner.
* :class:`~casekit.classroom.hub.HubTransport` does it through the class's JupyterHub service
  (``CASEKIT_CLASS=hub``, :mod:`casekit.classroom.service`).
* :func:`~casekit.classroom.factory.class_transport` picks one for a target (or ``$CASEKIT_CLASS``).

**Writing another transport**: subclass :class:`Transport`, implement every
abstract method with the semantics below, raise :class:`~casekit.classroom.errors.ClassFolderError` with a
catalog message (never a bare ``OSError`` or HTTP error) when the class cannot be reached, and register it
in :mod:`casekit.classroom.factory`. ``tests/classroom/test_transport.py`` runs the same contract tests
against every transport it is given: add the new one there.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from casekit.errors import CasekitError
from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.classroom.intake import Intake

__all__ = ["CLASS_ENV", "Transport"]

CLASS_ENV = "CASEKIT_CLASS"
"""The environment variable naming the class: the shared class folder (see the factory for other forms)."""


class Transport(abc.ABC):
    """Where a class's snapshots go and where the instructor's view reads them, with the class's rounds.

    A round is one vote (vote, discuss, vote again): it has an id (a file-safe slug matching
    :data:`casekit._text.SLUG_PATTERN`), a name shown in the report, and the time it was opened.
    Before any round is opened the class has the one implicit round ``"1"``
    (:data:`~casekit.classroom.snapshot.DEFAULT_ROUND`), which :meth:`rounds` does not list.

    Every method may raise :class:`~casekit.classroom.errors.ClassFolderError` (a catalog message that names
    :attr:`location`) when the class cannot be reached, read or written; nothing else for that. The
    ``lang`` arguments choose the language of those messages.
    """

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the class is, for people: shown in messages (the folder's path, a service's name)."""

    @abc.abstractmethod
    def share(self, document: Mapping[str, Any], *, lang: str = "da") -> str:
        """Share one learner's snapshot with the class, in the current round.

        Parameters
        ----------
        document : Mapping
            A snapshot as :func:`~casekit.classroom.snapshot.snapshot` makes it (its ``share_id`` names
            the learner). It is not changed: the transport stores a copy whose ``round`` is
            :meth:`current_round` at the moment of sharing.
        lang : str
            The language of an error message.

        Returns
        -------
        str
            A receipt: what was written, for the learner's screen and the log (the folder transport: the
            file's path). Sharing again in the same round replaces only this learner's earlier snapshot of
            that round (atomically: a reader sees the old or the new one, never half of one); a snapshot
            shared in an earlier round stays.
        """

    @abc.abstractmethod
    def rounds(self) -> list[dict[str, Any]]:
        """The rounds opened, oldest first: ``[{"id": str, "name": str, "opened_at": str}]`` (new dicts).

        ``[]`` when none was opened, or when what holds them is missing or damaged (reading never fails
        over the rounds: the class then has the one round ``"1"``).
        """

    @abc.abstractmethod
    def current_round(self) -> str:
        """The id of the round learners share into now: the one opened last (``"1"`` if none was)."""

    @abc.abstractmethod
    def open_round(self, name: str, *, lang: str = "da") -> str:
        """Open a new round named ``name``; it becomes the current round. Returns its new, unique id.

        The id is a slug of the name (``"Før diskussionen"`` → ``foer-diskussionen``), made unique with
        ``-2``, ``-3``…; never ``"1"``. Damaged round records are left as they are and refused with a
        :class:`~casekit.classroom.errors.ClassFolderError`, never overwritten.
        """

    @abc.abstractmethod
    def collect(self, lang: str = "da") -> Intake:
        """The class's shared files as they are now, for :func:`~casekit.classroom.summarize`.

        Every snapshot of every round is one :class:`~casekit.classroom.intake.Item` (added with
        :meth:`Intake.add <casekit.classroom.intake.Intake.add>`, ``owner`` ``None``: the snapshot's
        ``share_id`` says whose it is, its ``round`` which round), as raw bytes: the summary checks each
        against the snapshot format and lists a bad one as skipped, so a transport does not check them. A
        file that cannot be read is listed with :meth:`Intake.skip <casekit.classroom.intake.Intake.skip>`.

        Raises
        ------
        ClassFolderError
            The class itself cannot be read (a missing folder, a service that does not answer).
        """

    closes_rounds: bool = False
    """Whether the instructor can close the current round (:meth:`close_round`): the class service can,
    as it alone writes the class; a class folder cannot (learners write their files into it themselves)."""

    def round_open(self, *, lang: str = "da") -> bool:
        """Whether learners can share into the current round now (always, where rounds cannot be closed)."""
        return True

    def close_round(self, *, lang: str = "da") -> None:
        """Close the current round: learners cannot share into it until :meth:`reopen_round`. Only where
        :attr:`closes_rounds`."""
        raise NotImplementedError(f"{type(self).__name__}.close_round")

    def reopen_round(self, *, lang: str = "da") -> None:
        """Open the current round again after :meth:`close_round`. Only where :attr:`closes_rounds`."""
        raise NotImplementedError(f"{type(self).__name__}.reopen_round")

    def round_name(self, round_id: str, *, lang: str = "da") -> str:
        """The name of round ``round_id`` as people are told it (a learner, after sharing): the name it was
        opened with, else "Runde 1" (``class.round_default``) as the summary names a round no one named.
        Never fails: a class that cannot be read now gives the default."""
        try:
            named = {r["id"]: r.get("name") for r in self.rounds()}
        except (CasekitError, OSError):  # told after a share that landed: a list unread now is not news
            named = {}
        return str(named.get(round_id) or t("class.round_default", lang, id=round_id))

    def prepare(self, *, lang: str = "da") -> None:  # noqa: B027 - a hook that may do nothing, not abstract
        """Ready the current round for learners to share into; the instructor's view calls it first.

        Nothing by default. The folder transport creates the round's sub-folder here, as the instructor,
        so that on a shared folder with the sticky bit no learner can remove another's snapshot.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"

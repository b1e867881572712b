"""The service's database (SQLAlchemy): the class's rounds and one entry per learner and round.

One process writes (the service); SQLite in the service's data folder by default, any SQLAlchemy URL by
configuration. Every write is one transaction, committed (and on SQLite synced, ``synchronous=FULL``) before
the service answers, so an entry a learner was told is stored survives the service being killed.

**What is stored.** Per round: its id, name, when it was opened and whether it is closed. Per entry: the
round, the learner's key (:meth:`~casekit.classroom.service.identity.Identity.learner`, an HMAC of the hub
user name), a change number, and the shared answers with their case (``{"case", "answers"}``): no user name,
no share id, no time (an entry's time is its round's). The key's fingerprint is kept so that the service
refuses to start with another key (which would count every learner again).

**Versions.** ``casekit_version`` holds the schema's version. A new database is made as version 1 and brought
up to :data:`SCHEMA_VERSION` by the same steps an old one takes (:data:`UPGRADES`), so the upgrade path runs
on every new database too. A database of a newer version is refused, never changed.

* version 1: rounds (``position, id, name, opened_at``), entries (``round, learner, document``), meta;
* version 2: a round can be closed (``closed``); entries have a change number (``seq``), indexed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from casekit._text import slug
from casekit.classroom._common import clip
from casekit.classroom.snapshot import DEFAULT_ROUND
from casekit.clock import now
from casekit.i18n import t, ui_lang

__all__ = ["SCHEMA_VERSION", "UPGRADES", "ClassStore", "Refused", "Round", "StoreError", "create_v1"]

SCHEMA_VERSION = 2
"""The schema this casekit writes."""
ROUND_NAME_MAX = 120
"""A round's name is cut to this many characters."""
_ROUND_FALLBACK = "runde"

_metadata = sa.MetaData()
version_table = sa.Table("casekit_version", _metadata, sa.Column("version", sa.Integer, nullable=False))
meta_table = sa.Table(
    "casekit_meta",
    _metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
rounds_table = sa.Table(
    "casekit_rounds",
    _metadata,
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("opened_at", sa.String(40), nullable=False),
    sa.Column("closed", sa.Integer, nullable=False, default=0),
)
entries_table = sa.Table(
    "casekit_entries",
    _metadata,
    sa.Column("round", sa.String(64), primary_key=True),
    sa.Column("learner", sa.String(64), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False, default=0),
    # The change numbers, and the round's entries in order, read without the documents (big rows whose
    # later columns SQLite would reach only through their overflow pages).
    sa.Index("ix_casekit_entries_seq", "seq"),
    sa.Index("ix_casekit_entries_round_seq", "round", "seq", "learner"),
)


class StoreError(RuntimeError):
    """The database cannot be used: unreachable, of a newer version, or made with another key."""


class Refused(Exception):
    """A request the class's rules refuse; ``code`` says which rule (the REST API's ``error``)."""

    def __init__(self, code: str, **fields: Any) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


@dataclass(frozen=True)
class Round:
    """One round: its id, name (``""`` for the implicit round ``"1"``), when opened, and whether open."""

    id: str
    name: str
    opened_at: str
    open: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "opened_at": self.opened_at, "open": self.open}


# -- versions ------------------------------------------------------------------------------------------------
def create_v1(conn: Connection) -> None:
    """Make an empty database of schema version 1 (the first layout), with the implicit round ``"1"``."""
    v1 = sa.MetaData()
    sa.Table("casekit_version", v1, sa.Column("version", sa.Integer, nullable=False))
    sa.Table(
        "casekit_meta", v1, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text)
    )
    sa.Table(
        "casekit_rounds",
        v1,
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "casekit_entries",
        v1,
        sa.Column("round", sa.String(64), primary_key=True),
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
    )
    v1.create_all(conn)
    created = now()
    conn.execute(sa.text("INSERT INTO casekit_version (version) VALUES (1)"))
    conn.execute(sa.text("INSERT INTO casekit_meta (key, value) VALUES ('created', :t)"), {"t": created})
    conn.execute(
        sa.text("INSERT INTO casekit_rounds (id, name, opened_at) VALUES (:id, '', :t)"),
        {"id": DEFAULT_ROUND, "t": created},
    )


def _v1_to_v2(conn: Connection) -> None:
    """Rounds can be closed; entries get a change number (existing ones numbered in the order stored)."""
    conn.execute(sa.text("ALTER TABLE casekit_rounds ADD COLUMN closed INTEGER NOT NULL DEFAULT 0"))
    conn.execute(sa.text("ALTER TABLE casekit_entries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0"))
    conn.execute(sa.text("CREATE INDEX ix_casekit_entries_seq ON casekit_entries (seq)"))
    conn.execute(
        sa.text("CREATE INDEX ix_casekit_entries_round_seq ON casekit_entries (round, seq, learner)")
    )
    keys = conn.execute(sa.text("SELECT round, learner FROM casekit_entries ORDER BY round, learner")).all()
    for n, (round_id, learner) in enumerate(keys, start=1):
        conn.execute(
            sa.text("UPDATE casekit_entries SET seq = :n WHERE round = :r AND learner = :l"),
            {"n": n, "r": round_id, "l": learner},
        )


UPGRADES: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2}
"""Version → the step that brings a database of that version to the next one."""


def _version(conn: Connection) -> int | None:
    if not sa.inspect(conn).has_table("casekit_version"):
        return None
    found = conn.execute(sa.select(version_table.c.version)).scalar()
    return int(found) if found is not None else None


# -- the store -----------------------------------------------------------------------------------------------
class ClassStore:
    """The class's rounds and entries in a database (see the module docstring).

    Parameters
    ----------
    url : str
        A SQLAlchemy URL; a SQLite file is created ``0600`` if missing.
    fingerprint : str, optional
        The key's fingerprint: kept by a new database, compared by an existing one.
    max_rounds, max_entries : int
        How many rounds may be opened, and how many entries one round holds.

    Raises
    ------
    StoreError
        The database cannot be opened or upgraded, is of a newer version, or was made with another key.
    """

    def __init__(
        self, url: str, fingerprint: str | None = None, *, max_rounds: int = 100, max_entries: int = 5000
    ) -> None:
        self.url = url
        self.max_rounds = max_rounds
        self.max_entries = max_entries
        self.engine = _engine(url)
        try:
            with self.engine.begin() as conn:
                version = _version(conn)
                if version is None:
                    create_v1(conn)
                    version = 1
                if version > SCHEMA_VERSION:
                    lang = ui_lang(None)
                    raise StoreError(t("class.service.newer_db", lang, version=version, known=SCHEMA_VERSION))
                while version < SCHEMA_VERSION:
                    UPGRADES[version](conn)
                    version += 1
                    conn.execute(sa.update(version_table).values(version=version))
                if fingerprint is not None:
                    self._check_key(conn, fingerprint)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            why = f"{type(exc).__name__}: {exc}"
            raise StoreError(t("class.service.no_db", ui_lang(None), reason=why)) from exc
        except StoreError:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (on SQLite ``BEGIN IMMEDIATE``: the write lock first, so two writers wait
        for each other instead of failing half-way)."""
        with self.engine.begin() as conn:
            yield conn

    @staticmethod
    def _check_key(conn: Connection, fingerprint: str) -> None:
        held = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "key")).scalar()
        if held is None:
            conn.execute(sa.insert(meta_table).values(key="key", value=fingerprint))
        elif held != fingerprint:
            raise StoreError(t("class.service.other_key", ui_lang(None), path="casekit-class.secret"))

    # -- reading -------------------------------------------------------------------------------------------
    def version(self) -> int:
        with self.engine.connect() as conn:
            return _version(conn) or 0

    def all_rounds(self) -> list[Round]:
        """Every round, the implicit ``"1"`` first, in the order opened."""
        with self.engine.connect() as conn:
            return self._rounds(conn)

    @staticmethod
    def _rounds(conn: Connection) -> list[Round]:
        r = rounds_table.c
        rows = conn.execute(sa.select(r.id, r.name, r.opened_at, r.closed).order_by(r.position)).all()
        return [Round(i, n, o, not c) for i, n, o, c in rows]

    def current(self) -> Round:
        """The round learners share into: the one opened last."""
        with self.engine.connect() as conn:
            return self._current(conn)

    @staticmethod
    def _current(conn: Connection) -> Round:
        r = rounds_table.c
        row = conn.execute(
            sa.select(r.id, r.name, r.opened_at, r.closed).order_by(r.position.desc()).limit(1)
        ).one()
        return Round(row[0], row[1], row[2], not row[3])

    def own(self, learner: str, round_id: str | None = None) -> tuple[str, str | None]:
        """A learner's stored document (JSON text) in ``round_id`` (default: the current round) or
        ``None``, with the round's id."""
        with self.engine.connect() as conn:
            round_id = round_id or self._current(conn).id
            e = entries_table.c
            found = conn.execute(
                sa.select(e.document).where(e.round == round_id, e.learner == learner)
            ).scalar()
            return round_id, found

    def entries(self) -> list[tuple[str, str, str]]:
        """Every entry as ``(round, learner key, document JSON)``, round by round in the order opened."""
        e, r = entries_table.c, rounds_table.c
        query = (
            sa.select(e.round, e.learner, e.document)
            .select_from(entries_table.join(rounds_table, e.round == r.id))
            .order_by(r.position, e.seq)
        )
        with self.engine.connect() as conn:
            return [(a, b, c) for a, b, c in conn.execute(query).all()]

    def entry_keys(self) -> list[tuple[str, str, int]]:
        """Every entry as ``(round, learner key, change number)``, in the order of :meth:`entries`, without
        reading the documents."""
        e, r = entries_table.c, rounds_table.c
        query = (
            sa.select(e.round, e.learner, e.seq)
            .select_from(entries_table.join(rounds_table, e.round == r.id))
            .order_by(r.position, e.seq)
        )
        with self.engine.connect() as conn:
            return [(a, b, int(c)) for a, b, c in conn.execute(query).all()]

    def documents(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
        """The documents (with their change numbers) of the entries ``(round, learner key)`` asked for."""
        e = entries_table.c
        found: dict[tuple[str, str], tuple[int, str]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 400):
                chunk = keys[start : start + 400]
                query = sa.select(e.round, e.learner, e.seq, e.document).where(
                    sa.tuple_(e.round, e.learner).in_(chunk)
                )
                for round_id, learner, seq, document in conn.execute(query).all():
                    found[(round_id, learner)] = (int(seq), document)
        return found

    def count(self, round_id: str) -> int:
        with self.engine.connect() as conn:
            return self._count(conn, round_id)

    @staticmethod
    def _count(conn: Connection, round_id: str) -> int:
        e = entries_table.c
        return int(conn.execute(sa.select(sa.func.count()).where(e.round == round_id)).scalar() or 0)

    # -- writing -------------------------------------------------------------------------------------------
    def put(self, learner: str, document: dict[str, Any]) -> tuple[Round, bool]:
        """Store the learner's entry in the current round (replacing their earlier one of that round).

        Returns the round and whether an earlier entry was replaced. Refused (:class:`Refused`) with
        ``round_closed`` when the current round is closed, ``round_full`` when it holds
        :attr:`max_entries` entries of others.
        """
        text = json.dumps(
            {"case": document["case"], "answers": document["answers"]},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        e = entries_table.c
        with self._write() as conn:
            current = self._current(conn)
            if not current.open:
                raise Refused("round_closed", round=current.id)
            seq = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(e.seq), 0))).scalar() or 0) + 1
            held = conn.execute(sa.select(e.seq).where(e.round == current.id, e.learner == learner)).first()
            if held is None:
                if self._count(conn, current.id) >= self.max_entries:
                    raise Refused("round_full")
                conn.execute(
                    sa.insert(entries_table).values(round=current.id, learner=learner, document=text, seq=seq)
                )
            else:
                conn.execute(
                    sa.update(entries_table)
                    .where(e.round == current.id, e.learner == learner)
                    .values(document=text, seq=seq)
                )
            return current, held is not None

    def open_round(self, name: str) -> Round:
        """Open a new round (it becomes current); its id a unique slug of ``name``, never ``"1"``."""
        shown = clip(" ".join(str(name).split()), ROUND_NAME_MAX)
        with self._write() as conn:
            known = self._rounds(conn)
            if len(known) - 1 >= self.max_rounds:
                raise Refused("too_many_rounds", limit=self.max_rounds)
            taken = {r.id for r in known}
            base = slug(shown, limit=40) or _ROUND_FALLBACK
            round_id, n = base, 2
            while round_id in taken:
                round_id, n = f"{base}-{n}", n + 1
            opened = Round(round_id, shown or round_id, now(), True)
            conn.execute(
                sa.insert(rounds_table).values(id=round_id, name=opened.name, opened_at=opened.opened_at)
            )
            return opened

    def set_open(self, flag: bool) -> Round:
        """Close (or open again) the current round: learners cannot share into a closed round."""
        with self._write() as conn:
            current = self._current(conn)
            conn.execute(
                sa.update(rounds_table).where(rounds_table.c.id == current.id).values(closed=int(not flag))
            )
            return Round(current.id, current.name, current.opened_at, flag)


def _engine(url: str) -> Engine:
    """The engine for ``url``; a SQLite file is created ``0600`` first, and synced on every commit."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN (and ours, IMMEDIATE) decide the transaction
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine

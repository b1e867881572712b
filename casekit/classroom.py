"""The class's spread of views, without names: shared snapshots, hand-in ZIPs, and a report to project.

Two ways in:

* **Live, from a shared class folder.** A learner clicks "Del med holdet"; :func:`share` writes an
  anonymous snapshot of the learner's answers (:func:`snapshot`) into the class folder named by
  ``CASEKIT_CLASS`` (or given), as ``<folder>/<round id>/<share_id>.json``. Rounds (vote, discuss, vote
  again) are opened with :func:`open_round`; sharing again replaces only that learner's file of the round.
* **Afterwards, from the LMS.** Moodle, Canvas, itslearning and Brightspace give one ZIP of per-student
  folders (sometimes with ZIPs inside) of the learners' JSON exports. :func:`summarize` reads such a ZIP,
  any folder of exports, a class folder, or one JSON file — never extracting or writing anything — and
  :func:`render_report` turns the :class:`ClassSummary` into one standalone HTML page, with a projection
  mode for the classroom screen.

Nothing is scored: there is no answer key, the charts show the spread.

**What is shared** (:func:`snapshot`). Only what the learner chose on a scale or from a list, and only
the text the learner ticked:

* always: the stakeholder map (actor → power and interest), the goal placements, the participation plan
  (actor → IAP2 level), the decision point's *choice*, and each dilemma's *position*;
* only when its key is in ``text_keys``: a question's or a proposal part's text, the decision point's
  justification (key ``decision-point``), and a dilemma's poles, justification, paragraphs and missing
  voices (key ``dilemma-1``…);
* never: the learner's name or pseudonym, the history, keys the registry does not know, or text left
  blank. Values are cleaned with :func:`casekit.registry.clean` first.

**Anonymity.** A learner is shown only as "Studerende 1", "Studerende 2"…; the numbers follow the sha256
of the learner's identity, not names or file order. Identity: a snapshot's ``share_id``; an export's
``learner`` pseudonym; in an LMS ZIP (or an unpacked one) every file in the same top-level student folder
belongs to one learner. Of two files from one learner (in one round), the latest counts and the older is
listed as skipped. File names shown in the skipped list never include the student folder (which is the
student's name in an LMS ZIP): ``fil 3 (…/svar.json)``, and a Canvas-style ``name_123_456_`` prefix is cut.

**Limits.** A file over :data:`~casekit.importer.MAX_IMPORT_BYTES` is skipped unread; at most
:data:`MAX_TOTAL_BYTES` are read in all; ZIPs nest at most :data:`MAX_ZIP_DEPTH` deep; a ZIP member
compressed more than :data:`MAX_RATIO` times is skipped; symbolic links (in folders and in ZIPs), unsafe
member names (``../x``, ``/etc/passwd``, ``C:\\x``) and encrypted members are skipped. A bad file is
never an error: it is listed with its reason, and the rest is summarized.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import json
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from casekit import registry
from casekit.clock import normalise_time, now
from casekit.errors import AnswerImportError, CasekitError
from casekit.i18n import reason, t, ui_lang
from casekit.importer import MAX_IMPORT_BYTES, parse_import

if TYPE_CHECKING:
    import pandas as pd

    from casekit.answers import AnswerStore
    from casekit.case import Case

__all__ = [
    "CLASS_ENV",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_ZIP_DEPTH",
    "SHARE_FORMAT",
    "SHARE_SCHEMA",
    "SHARE_SCHEMA_VERSION",
    "ClassFolderError",
    "ClassSummary",
    "Move",
    "Skipped",
    "class_folder",
    "current_round",
    "open_round",
    "render_report",
    "round_folder",
    "rounds",
    "share",
    "share_id",
    "share_problem",
    "snapshot",
    "summarize",
]

CLASS_ENV = "CASEKIT_CLASS"
"""The environment variable naming the shared class folder."""

SHARE_SCHEMA = Path(__file__).with_name("schemas") / "share.schema.json"
SHARE_FORMAT = "casekit-class-share"
SHARE_SCHEMA_VERSION = 1
DEFAULT_ROUND = "1"
ROUNDS_FILE = "rounds.json"

MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""How many bytes :func:`summarize` reads in all, from files and ZIP members together."""
MAX_ZIP_DEPTH = 3
"""How deeply ZIPs may nest: the LMS ZIP, a ZIP in it, and one more."""
MAX_RATIO = 200
"""A ZIP member that unpacks to more than this many times its compressed size (and over 1 MiB) is a bomb."""
MAX_MEMBERS = 100_000
"""At most this many entries of one ZIP are looked at."""
MAX_FOLDER_DEPTH = 12

_CHUNK = 1 << 16
_RATIO_FROM = 1 << 20
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ClassFolderError(CasekitError):
    """The class folder is not set, does not exist, or cannot be read or written; the message names it."""


# -- the snapshot format -------------------------------------------------------------------------------------


@functools.cache
def _share_schema() -> dict[str, Any]:
    return json.loads(SHARE_SCHEMA.read_text(encoding="utf-8"))


@functools.cache
def _share_validator() -> Callable[[Any], Any]:
    """The snapshot schema compiled once (fastjsonschema); its own ``$id`` resolves to the file."""
    import fastjsonschema

    schema = _share_schema()

    def resolve(uri: str) -> Any:
        if uri.split("#")[0] == schema["$id"]:
            return schema
        raise ValueError(f"casekit resolves no schema outside the package: {uri}")

    return fastjsonschema.compile(schema, handlers={"https": resolve, "http": resolve})


def share_problem(doc: Any, case: Case | None = None, lang: str = "da") -> str | None:
    """Why ``doc`` is not a valid snapshot, in the catalog's words; ``None`` if it is one.

    The document is checked against ``casekit/schemas/share.schema.json``, then each answer's value
    against its key's shape in the registry (:func:`casekit.registry.problems`).
    """
    import fastjsonschema

    lang = ui_lang(lang)
    try:
        _share_validator()(doc)
    except fastjsonschema.JsonSchemaValueException as exc:
        where = ".".join(str(p) for p in list(exc.path or [])[1:]) or "—"
        return t("class.skip.share_invalid", lang, field=_clip(where))
    for key, value in doc["answers"].items():
        found = registry.problems(key, value, case, lang)
        if found:
            return t("class.skip.value_shape", lang, key=_clip(key), reason=_clip(str(found[0]), 120))
        if registry.spec(key, case) is None:
            return t("class.skip.unknown_key", lang, key=_clip(key))
    return None


def share_id(store: AnswerStore) -> str:
    """The store's share id: 16 hex digits of sha256 over its case id, pseudonym and creation time."""
    text = "\0".join((store.case_id, store.learner, store.created_at))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def snapshot(
    store: AnswerStore, text_keys: Sequence[str] = (), *, case: Case | None = None
) -> dict[str, Any]:
    """What :func:`share` would write for ``store``: the snapshot document, with no name in it.

    Parameters
    ----------
    store : AnswerStore
        The learner's answers (latest values).
    text_keys : Sequence[str]
        The keys whose text the learner ticked to share: a question id or ``proposal.*`` key shares that
        text; ``decision-point`` adds the decision's justification; ``dilemma-N`` adds that dilemma's
        poles, justification, paragraphs and missing voices. Everything else typed stays private.
    case : Case, optional
        The case; loaded from the store's case id and language if not given.

    Returns
    -------
    dict
        ``{"format", "schema_version", "case", "share_id", "round", "shared_at", "answers"}``; ``round``
        is :data:`DEFAULT_ROUND` (``share`` puts the class folder's current round in).
    """
    case = case if case is not None else _load_case(store.case_id, store.lang)
    ticked = set(text_keys)
    values = store.as_dict()
    answers: dict[str, Any] = {}
    for key in registry.answer_keys(case):
        found = registry.spec(key, case)
        if found is None or key not in values:
            continue
        value = registry.clean(key, values[key], case)
        shared = _shared_part(key, found.shape, value, key in ticked)
        if shared is not None:
            answers[key] = shared
    return {
        "format": SHARE_FORMAT,
        "schema_version": SHARE_SCHEMA_VERSION,
        "case": {"id": case.id, "version": store.case_version or case.version, "lang": case.lang},
        "share_id": share_id(store),
        "round": DEFAULT_ROUND,
        "shared_at": now(),
        "answers": answers,
    }


def _shared_part(key: str, shape: str, value: Any, ticked: bool) -> Any:
    """The part of a cleaned value that may be shared (see the module docstring); ``None`` for nothing."""
    if value is None:
        return None
    if shape == "text":
        return value if ticked and _has_text(value) else None
    if shape == "decision":
        out: dict[str, Any] = {"choice": value.get("choice")}
        if ticked and _has_text(value.get("justification")):
            out["justification"] = value["justification"]
        return out if out["choice"] is not None or len(out) > 1 else None
    if shape == "dilemma":
        out = {"position": value.get("position")}
        if ticked:
            out.update(
                (k, v)
                for k, v in value.items()
                if k != "position" and (_has_text(v) or (k == "paragraphs" and v))
            )
        return out if out["position"] is not None or len(out) > 1 else None
    if shape == "stakeholder-placements":
        placed = {k: v for k, v in value.items() if any(v.get(p) is not None for p in ("power", "interest"))}
        return placed or None
    return value or None  # goal placements and the participation plan: choices only


# -- the class folder and its rounds -------------------------------------------------------------------------


def class_folder(folder: str | os.PathLike[str] | None = None) -> Path | None:
    """The class folder: ``folder`` if given, else ``$CASEKIT_CLASS`` if set, else ``None``."""
    if folder is not None and str(folder).strip():
        return Path(folder).expanduser()
    value = os.environ.get(CLASS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _folder_error(folder: Path, exc: BaseException, lang: str) -> ClassFolderError:
    return ClassFolderError(t("class.error.cannot_write", lang, folder=folder, reason=reason(exc, lang)))


def _atomic_write(folder: Path, name: str, text: str) -> Path:
    """Write ``folder/name`` atomically: a hidden temp file in the same folder, fsync, ``os.replace``."""
    fd, temp = tempfile.mkstemp(prefix=".casekit-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            with contextlib.suppress(OSError):  # others in the class (the instructor) must read it
                os.fchmod(fh.fileno(), 0o644)
            os.fsync(fh.fileno())
        target = folder / name
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # the rename itself on disk; not every system allows it
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target


def _read_rounds(folder: Path) -> dict[str, Any] | None:
    """``rounds.json`` as data, or ``None`` if there is none or it is not a rounds file."""
    try:
        data = json.loads((folder / ROUNDS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("rounds"), list):
        return None
    good = [
        r
        for r in data["rounds"]
        if isinstance(r, dict) and isinstance(r.get("id"), str) and _SLUG.fullmatch(r["id"])
    ]
    current = data.get("current")
    if not isinstance(current, str) or current not in {r["id"] for r in good}:
        current = good[-1]["id"] if good else DEFAULT_ROUND
    return {"current": current, "rounds": good}


def rounds(folder: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The rounds opened in the class folder, oldest first: ``[{"id", "name", "opened_at"}]``."""
    data = _read_rounds(Path(folder))
    return [dict(r) for r in data["rounds"]] if data else []


def current_round(folder: str | os.PathLike[str]) -> str:
    """The id of the round learners share into now; ``"1"`` when no round was opened."""
    data = _read_rounds(Path(folder))
    return data["current"] if data else DEFAULT_ROUND


def _slugify(name: str) -> str:
    text = name.strip().lower()
    for letter, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(letter, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")
    return text or "runde"


def open_round(folder: str | os.PathLike[str], name: str, *, lang: str = "da") -> str:
    """Open a new round (vote, discuss, vote again) in the class folder; it becomes the current round.

    Parameters
    ----------
    folder : path-like
        The class folder (it must exist).
    name : str
        The round's name, shown in the report; its id is a file-safe slug of it, made unique.

    Returns
    -------
    str
        The new round's id (the name of its sub-folder).

    Raises
    ------
    ClassFolderError
        The folder cannot be written, or its ``rounds.json`` is damaged (it is left as it is).
    """
    target, lang = Path(folder), ui_lang(lang)
    existing = target / ROUNDS_FILE
    data = _read_rounds(target)
    if data is None and existing.exists():
        raise ClassFolderError(t("class.error.rounds_damaged", lang, path=existing))
    data = data or {"current": DEFAULT_ROUND, "rounds": []}
    taken = {r["id"] for r in data["rounds"]} | {DEFAULT_ROUND}
    base = _slugify(str(name))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    data["rounds"].append({"id": slug, "name": " ".join(str(name).split()) or slug, "opened_at": now()})
    data["current"] = slug
    try:
        round_folder(target, slug)
        _atomic_write(target, ROUNDS_FILE, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise _folder_error(target, exc, lang) from exc
    return slug


def share(
    store: AnswerStore,
    folder: str | os.PathLike[str] | None = None,
    text_keys: Sequence[str] = (),
    *,
    case: Case | None = None,
) -> Path:
    """Share the learner's snapshot with the class: write (or replace) ``<folder>/<round>/<share_id>.json``.

    Parameters
    ----------
    store : AnswerStore
        The learner's answers.
    folder : path-like, optional
        The class folder; default ``$CASEKIT_CLASS``.
    text_keys : Sequence[str]
        The text answers the learner ticked to share (see :func:`snapshot`).
    case : Case, optional
        The case; loaded from the store if not given.

    Returns
    -------
    Path
        The file written. Sharing again replaces only this file (atomically).

    Raises
    ------
    ClassFolderError
        No class folder (none given, ``CASEKIT_CLASS`` unset), or it cannot be written.
    """
    lang = ui_lang(store.lang)
    target = class_folder(folder)
    if target is None:
        raise ClassFolderError(t("class.error.no_folder", lang, env=CLASS_ENV))
    if not target.is_dir():
        exc = NotADirectoryError(20, "") if target.exists() else FileNotFoundError(2, "")
        raise _folder_error(target, exc, lang)
    doc = snapshot(store, text_keys, case=case)
    doc["round"] = current_round(target)
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    try:
        return _atomic_write(round_folder(target, doc["round"]), f"{doc['share_id']}.json", text)
    except OSError as exc:
        raise _folder_error(target, exc, lang) from exc


def round_folder(folder: str | os.PathLike[str], round_id: str | None = None) -> Path:
    """The sub-folder of a round (default: the current one), created if missing with the class folder's
    own permissions (group-writable, setgid and sticky on a shared course folder), whatever the umask.

    The instructor's view and :func:`open_round` create it, so that on a shared folder with the sticky bit
    the round folders belong to the instructor and no learner can remove another's snapshot.
    """
    target = Path(folder)
    sub = target / (round_id or current_round(target))
    try:
        sub.mkdir()
    except FileExistsError:
        return sub
    with contextlib.suppress(OSError):
        os.chmod(sub, target.stat().st_mode & 0o7777)
    return sub


# -- the summary -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A file that was not summarized: where it is inside the input (shown safely) and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Move:
    """How the learners present in two rounds moved one speaker on the goal scale.

    ``toward_right`` moved toward 5 (room for different goals), ``toward_left`` toward 1 (one common
    goal); ``n`` learners placed the speaker in both rounds; ``sentence`` says it in the catalog's words.
    """

    actor: str
    name: str
    toward_right: int
    toward_left: int
    stayed: int
    n: int
    sentence: str


@dataclass(frozen=True, eq=False)
class ClassSummary:
    """A class's answers, anonymous, as tables with one row per learner × item.

    Attributes
    ----------
    case : Case
        The case the answers belong to.
    lang : str
        The language of labels and reasons.
    learners : list[str]
        The anonymous labels ("Studerende 1"…), in their stable order.
    rounds : list[str]
        The round ids with answers, in the order they were opened.
    round_names : dict[str, str]
        Round id → its name (from ``rounds.json``, else "Runde 1").
    files : int
        How many files were summarized (after dropping older duplicates).
    stakeholders, goals, dilemmas, decisions, participation, answered, texts : pandas.DataFrame
        Columns ``learner, round`` and then ``actor, name, own, power, interest`` / ``actor, position`` /
        ``dilemma, position`` / ``choice`` / ``actor, level`` / ``key, answered`` / ``key, text``. In
        ``stakeholders``, a stakeholder a learner added (``own`` true) has the ``actor`` ``own:`` + its name
        trimmed and case-folded, so that learners who typed the same name are grouped, and the ``name`` the
        first of them typed; a case actor has its id and the case's name.
    skipped : list[Skipped]
        The files not summarized, each with its reason.
    """

    case: Case
    lang: str
    learners: list[str]
    rounds: list[str]
    round_names: dict[str, str]
    files: int
    stakeholders: pd.DataFrame
    goals: pd.DataFrame
    dilemmas: pd.DataFrame
    decisions: pd.DataFrame
    participation: pd.DataFrame
    answered: pd.DataFrame
    texts: pd.DataFrame
    skipped: list[Skipped] = field(default_factory=list)

    def moves(self, first_round: str, second_round: str) -> list[Move]:
        """Per speaking actor, how the learners present in both rounds moved on the goal scale.

        Returns
        -------
        list[Move]
            One per speaking actor, in case order; ``n`` is 0 for one nobody placed in both rounds.
        """
        left, right = _goal_poles(self.case, self.lang)
        first = self.goals[self.goals["round"] == first_round].set_index(["learner", "actor"])["position"]
        second = self.goals[self.goals["round"] == second_round].set_index(["learner", "actor"])["position"]
        both = first.to_frame("a").join(second.to_frame("b"), how="inner")
        out: list[Move] = []
        for actor in (a for a in self.case.actors if a.speaks):
            rows = both.xs(actor.id, level="actor") if actor.id in both.index.get_level_values(1) else None
            up = int((rows["b"] > rows["a"]).sum()) if rows is not None else 0
            down = int((rows["b"] < rows["a"]).sum()) if rows is not None else 0
            n = len(rows) if rows is not None else 0
            sentence = t(
                "class.moves.sentence",
                self.lang,
                name=actor.name,
                right_count=up,
                left_count=down,
                stayed=n - up - down,
                n=n,
                right=_lower_first(right),
                left=_lower_first(left),
            )
            out.append(Move(actor.id, actor.name, up, down, n - up - down, n, sentence))
        return out


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _goal_poles(case: Case, lang: str) -> tuple[str, str]:
    config = case.activity(registry.GOAL_DIVERGENCE)
    return (
        str(config.get("left") or t("class.goals.left", lang)),
        str(config.get("right") or t("class.goals.right", lang)),
    )


def _load_case(case_id: str, lang: str | None) -> Case:
    """The shipped case ``case_id``, in ``lang`` if it has that edition, else in its default language."""
    from casekit.errors import CaseNotFoundError
    from casekit.loader import case_path, load_case, load_case_dir

    if lang:
        try:
            return load_case(case_id, lang=lang)
        except CaseNotFoundError:
            pass
    return load_case_dir(case_path(case_id))


# -- reading the input: files, folders, ZIPs ----------------------------------------------------------------


@dataclass
class _Item:
    """One file found in the input: its safe label, the student folder it is in (if any), and its bytes."""

    label: str
    owner: str | None
    data: bytes


# What LMSs put before a file's own name: the student's name and numbers (Canvas: ``hansenjens_123_456_``,
# Moodle's flat download: ``Jens Hansen_123_assignsubmission_file_``, Brightspace: ``12-34 - Jens Hansen - 1
# March, 2025 1252 PM - ``). It is cut from every name shown.
_LMS_PREFIX = re.compile(
    r"^(?:.*?_\d+_assignsubmission_[a-z]+_|\d+-\d+ - .+? - .+? - |[^_]+(?:_late)?_\d+_\d+_)", re.IGNORECASE
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _clip(text: str, limit: int = 80) -> str:
    text = _CONTROL.sub("?", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parts(name: str) -> list[str]:
    """A member name's parts, with ``\\`` as a separator too; empty and ``.`` parts dropped."""
    return [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]


def _unsafe(name: str) -> bool:
    """An absolute name, a drive letter, or a ``..`` part: what only a tampered archive has."""
    plain = name.replace("\\", "/")
    return plain.startswith("/") or bool(_DRIVE.match(plain)) or ".." in plain.split("/")


def _strip_common(names: list[list[str]]) -> int:
    """How many leading folders every file shares (a wrapper folder around the student folders)."""
    if not names:
        return 0
    common = 0
    shortest = min(len(n) for n in names) - 2  # keep a folder above each file: it is the student's
    while common < shortest and len({n[common] for n in names}) == 1:
        common += 1
    return common


class _Collector:
    """Walks the input and collects files (with their bytes) and the skipped ones; never writes anything.

    Every file found gets the next position ("fil 3"), read or skipped. Inside a container (the folder
    or ZIP given, or a ZIP in it that is not in a student's folder) the first folder below any wrapper
    folder is a student's folder: it owns every file under it (also the members of a ZIP in it), and it
    is never shown.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.items: list[_Item] = []
        self.skipped: list[tuple[int, str, str]] = []  # position, shown name, reason
        self.left = MAX_TOTAL_BYTES
        self.count = 0

    def skip(self, shown: str, key: str, **fields: object) -> None:
        self.count += 1
        self.skipped.append((self.count, shown, t(key, self.lang, **fields)))

    def add(self, shown: str, owner: str | None, data: bytes) -> None:
        self.count += 1
        self.items.append(_Item(t("class.file_label", self.lang, n=self.count, name=shown), owner, data))

    # -- a container's entries -----------------------------------------------------------------------------
    def container(
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
        common = _strip_common([p for p, _ in entries]) if folders else 0
        for parts, handle in entries:
            inner = parts[common:] if len(parts) > common else parts[-1:]
            own, rest, in_folder = owner, inner, owner is not None
            if folders and len(inner) > 1 and inner[0] != ".." and not _DRIVE.match(inner[0]):
                own, rest, in_folder = f"{scope}\0{inner[0]}", inner[1:], True
            shown_parts = [_LMS_PREFIX.sub("", p) or "?" for p in [*prefix, *rest]]
            shown = _clip(("…/" if in_folder else "") + "/".join(shown_parts))
            if isinstance(handle, str):
                self.skip(shown, "class.skip.reason", reason=handle)
                continue
            name = parts[-1].lower()
            is_zip = name.endswith(".zip")
            if not (is_zip or name.endswith(".json")):
                self.skip(shown, "class.skip.not_json_file")
                continue
            if self.left <= 0:
                self.skip(shown, "class.skip.total_limit", limit=MAX_TOTAL_BYTES // (1024 * 1024))
                continue
            data = read(handle, self.left if is_zip else min(MAX_IMPORT_BYTES, self.left))
            if isinstance(data, str):
                self.skip(shown, "class.skip.reason", reason=data)
                continue
            self.left -= len(data)
            if not is_zip:
                self.add(shown, own, data)
            elif depth >= MAX_ZIP_DEPTH:
                self.skip(shown, "class.skip.too_deep", depth=MAX_ZIP_DEPTH)
            else:
                try:
                    archive = zipfile.ZipFile(io.BytesIO(data))
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                    self.skip(shown, "class.skip.bad_zip")
                    continue
                self.zip(archive, depth + 1, own, f"{scope}\0{self.count}", [*prefix, *rest])

    # -- folders -------------------------------------------------------------------------------------------
    def folder(self, root: Path) -> None:
        found: list[tuple[list[str], Any]] = []
        self._walk(root, [], found, 0)
        self.container(found, self._read_path, 1, None, "", [], student_folders=False)

    def _walk(self, folder: Path, prefix: list[str], found: list[tuple[list[str], Any]], depth: int) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.append(
                ([*prefix, "."], t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang)))
            )
            return
        for entry in entries:
            parts = [*prefix, entry.name]
            if (
                entry.name.startswith(".")
                or entry.name == "__MACOSX"
                or (not prefix and entry.name == ROUNDS_FILE)
            ):
                continue  # hidden files (our own temp files too), macOS litter, the rounds of a class folder
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                found.append((parts, t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang))))
                continue
            if stat.S_ISLNK(st.st_mode):
                found.append((parts, t("class.skip.symlink", self.lang)))
            elif stat.S_ISDIR(st.st_mode):
                if depth < MAX_FOLDER_DEPTH:
                    self._walk(Path(entry.path), parts, found, depth + 1)
            elif not stat.S_ISREG(st.st_mode):
                found.append((parts, t("class.skip.not_file", self.lang)))
            else:
                found.append((parts, (Path(entry.path), st)))

    def file(self, path: Path) -> None:
        """One file given on its own (a JSON export or snapshot)."""
        try:
            st = os.lstat(path)
        except OSError as exc:
            handle: Any = t("class.skip.unreadable", self.lang, reason=reason(exc, self.lang))
        else:
            handle = t("class.skip.symlink", self.lang) if stat.S_ISLNK(st.st_mode) else (path, st)
        self.container([([path.name], handle)], self._read_path, MAX_ZIP_DEPTH, None, "", [])

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

    def _too_big(self, size: int, limit: int) -> str:
        if limit < MAX_IMPORT_BYTES:
            return t("class.skip.total_limit", self.lang, limit=MAX_TOTAL_BYTES // (1024 * 1024))
        return t(
            "class.skip.too_big", self.lang, size=_mb(size, self.lang), limit=_mb(MAX_IMPORT_BYTES, self.lang)
        )

    # -- ZIPs ----------------------------------------------------------------------------------------------
    def zip(
        self,
        archive: zipfile.ZipFile,
        depth: int,
        owner: str | None = None,
        scope: str = "",
        prefix: Sequence[str] = (),
    ) -> None:
        """The members of a ZIP: links, unsafe names and encrypted members refused when listed."""
        entries: list[tuple[list[str], Any]] = []
        with archive:
            for n, info in enumerate(archive.infolist()):
                if n >= MAX_MEMBERS:
                    entries.append(([f"{n + 1}…"], t("class.skip.too_many", self.lang, limit=MAX_MEMBERS)))
                    break
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
            read = functools.partial(self._read_member, archive)
            self.container(entries, read, depth, owner, scope, list(prefix))

    def _read_member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | str:
        """A member's bytes, read in chunks and never more than ``limit``; a reason if it is not read."""
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


def _read_chunk(fh: IO[bytes]) -> bytes:
    return fh.read(_CHUNK)


def _mb(size: float, lang: str) -> str:
    text = f"{size / 1024 / 1024:.1f}"
    return text.replace(".", ",") if lang == "da" else text


# -- parsing what was read ----------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


@dataclass
class _Doc:
    """A file that parsed as JSON, before it is checked against its format."""

    item: _Item
    doc: dict[str, Any] | None  # None for an export recognised by its start (parse_import reads it)
    kind: str  # "share" or "export"
    case_id: str


@dataclass
class _Entry:
    """A checked file: whose, which round, when, and its latest answers."""

    label: str
    identity: str
    round: str
    time: str
    answers: dict[str, Any]


_EXPORT_HEAD = re.compile(
    r'\s*\{\s*"format"\s*:\s*"casekit-answers"\s*,\s*"schema_version"\s*:\s*1\s*,'
    r'\s*"case"\s*:\s*\{\s*"id"\s*:\s*"([a-z0-9-]{1,100})"'
)
"""The start of an export as casekit writes it: its format, version and case id, read without parsing."""


def _first_look(item: _Item, lang: str) -> _Doc | str:
    """The file as JSON with its format and case id, or why it is not a casekit file."""
    try:
        text = item.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return t("class.skip.not_utf8", lang, position=exc.start)
    head = _EXPORT_HEAD.match(text)
    if head:  # casekit's own export: importer.parse_import reads (and checks) all of it later
        return _Doc(item, None, "export", head.group(1))
    try:  # a full export is parsed again, strictly (duplicate keys too), by importer.parse_import
        doc = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return t("class.skip.not_json", lang)
    if not isinstance(doc, dict):
        return t("class.skip.not_casekit", lang)
    fmt, version = doc.get("format"), doc.get("schema_version")
    if fmt == SHARE_FORMAT:
        kind, supported = "share", SHARE_SCHEMA_VERSION
    elif fmt == registry.EXPORT_FORMAT:
        kind, supported = "export", registry.SCHEMA_VERSION
    else:
        return t("class.skip.not_casekit", lang)
    if version != supported or isinstance(version, bool):
        found = _clip(json.dumps(version, ensure_ascii=False), 20)
        return t("class.skip.schema_version", lang, found=found, supported=supported)
    case = doc.get("case")
    case_id = case.get("id") if isinstance(case, dict) else None
    if not isinstance(case_id, str):
        return t("class.skip.no_case", lang)
    return _Doc(item, doc, kind, case_id)


def _check(found: _Doc, case: Case, lang: str) -> _Entry | str:
    """A parsed file checked against its format and the case: an entry, or why it is skipped."""
    item = found.item
    if found.case_id != case.id:
        return t("class.skip.other_case", lang, found=_clip(found.case_id, 40), expected=case.id)
    if found.kind == "share" and found.doc is not None:
        problem = share_problem(found.doc, case, lang)
        if problem:
            return problem
        try:
            moment = normalise_time(found.doc["shared_at"])
        except ValueError:
            return t("class.skip.bad_time", lang)
        identity = "share:" + found.doc["share_id"]
        return _entry(item.label, identity, found.doc["round"], moment, found.doc["answers"], case, lang)
    try:
        export = parse_import(
            item.data, case_id=case.id, lang=lang, name=_CONTROL.sub("?", item.label), case=case
        )
    except AnswerImportError as exc:
        return _clip(str(exc), 300)
    try:
        moment = normalise_time(export.exported_at) if export.exported_at else ""
    except ValueError:
        moment = ""
    if item.owner is not None:
        identity = "folder:" + item.owner
    elif export.learner:
        identity = "learner:" + export.learner
    else:  # no pseudonym: the file is its own learner
        identity = "file:" + hashlib.sha256(item.data).hexdigest()
    return _entry(item.label, identity, DEFAULT_ROUND, moment, export.as_dict(), case, lang)


def _entry(
    label: str, identity: str, round_id: str, moment: str, answers: Mapping[str, Any], case: Case, lang: str
) -> _Entry | str:
    cleaned: dict[str, Any] = {}
    for key in registry.answer_keys(case):
        if key in answers:
            value = registry.clean(key, answers[key], case)
            if registry.is_answered(key, value, case):
                cleaned[key] = value
    if not cleaned:
        return t("class.skip.no_answers", lang)
    return _Entry(label, identity, round_id, moment, cleaned)


# -- summarize -----------------------------------------------------------------------------------------------


def summarize(
    source: str | os.PathLike[str], *, case: Case | None = None, lang: str | None = None
) -> ClassSummary:
    """Summarize a class's answers, without names, from a class folder, a folder, a ZIP or one JSON file.

    Parameters
    ----------
    source : path-like
        A class folder (``<round>/<share_id>.json`` snapshots), any folder of exported JSON files (nested
        folders allowed), an LMS ZIP of per-student folders (nested ZIPs allowed, up to
        :data:`MAX_ZIP_DEPTH`), or one JSON file. Snapshots and full exports are both read.
    case : Case, optional
        The case; without it, the case the files name (the most common case id) is loaded.
    lang : str, optional
        The language of labels and reasons; default the case's.

    Returns
    -------
    ClassSummary
        The frames, the anonymous labels and the skipped files with their reasons.

    Raises
    ------
    ClassFolderError
        The source does not exist or cannot be read, or not one file in it could be summarized (the
        message lists the first reasons).
    """
    root = Path(source).expanduser()
    ui = ui_lang(lang or (case.lang if case is not None else None))
    collector = _Collector(ui)
    try:
        st = root.stat()
    except OSError as exc:
        raise ClassFolderError(t("class.error.no_source", ui, path=root, reason=reason(exc, ui))) from exc
    if stat.S_ISDIR(st.st_mode):
        collector.folder(root)
    elif zipfile.is_zipfile(root):
        try:
            archive = zipfile.ZipFile(root)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ClassFolderError(t("class.error.bad_zip", ui, path=root)) from exc
        collector.zip(archive, 1)
    elif root.suffix.lower() == ".zip":
        raise ClassFolderError(t("class.error.bad_zip", ui, path=root))
    else:
        collector.file(root)
    return _summarize(collector, case, lang, ui, root)


def _summarize(
    collector: _Collector, case: Case | None, lang: str | None, ui: str, root: Path
) -> ClassSummary:
    skips: list[tuple[str, str]] = [
        (t("class.file_label", ui, n=n, name=shown), why) for n, shown, why in collector.skipped
    ]
    order = {item.label: n for n, item in enumerate(collector.items)}
    docs: list[_Doc] = []
    for item in collector.items:
        found = _first_look(item, ui)
        if isinstance(found, str):
            skips.append((item.label, found))
        else:
            docs.append(found)
    if case is None:
        if not docs:
            raise _nothing(root, skips, ui)
        case_id = Counter(d.case_id for d in docs).most_common(1)[0][0]
        try:
            case = _load_case(case_id, lang or _doc_lang(docs, case_id))
        except CasekitError as exc:
            raise ClassFolderError(t("class.error.no_case", ui, case=_clip(case_id, 40), reason=exc)) from exc
    ui = ui_lang(lang or case.lang)
    entries: list[_Entry] = []
    for found in docs:
        checked = _check(found, case, ui)
        if isinstance(checked, str):
            skips.append((found.item.label, checked))
        else:
            entries.append(checked)
    # Two files from one learner in one round: the latest counts (ties: the later in the input).
    latest: dict[tuple[str, str], _Entry] = {}
    for entry in entries:
        key = (entry.identity, entry.round)
        held = latest.get(key)
        if held is None or (entry.time, order.get(entry.label, 0)) >= (held.time, order.get(held.label, 0)):
            if held is not None:
                skips.append((held.label, t("class.skip.older", ui, newer=entry.label)))
            latest[key] = entry
        else:
            skips.append((entry.label, t("class.skip.older", ui, newer=held.label)))
    if not latest:
        raise _nothing(root, skips, ui)
    skips.sort(key=lambda s: _position(s[0]))
    return _build_summary(case, ui, list(latest.values()), [Skipped(n, r) for n, r in skips], root)


def _position(label: str) -> tuple[int, str]:
    match = re.search(r"\d+", label)
    return (int(match.group(0)) if match else 0, label)


def _doc_lang(docs: Sequence[_Doc], case_id: str) -> str | None:
    for d in docs:
        if d.case_id == case_id and d.doc is not None and isinstance(d.doc.get("case"), dict):
            value = d.doc["case"].get("lang")
            if isinstance(value, str):
                return value
    return None


def _nothing(root: Path, skips: Sequence[tuple[str, str]], lang: str) -> ClassFolderError:
    lines = [f"  {name}: {why}" for name, why in skips[:10]]
    more = [t("class.error.more", lang, count=len(skips) - 10)] if len(skips) > 10 else []
    head = t("class.error.nothing", lang, path=root, count=len(skips))
    return ClassFolderError("\n".join([head, *lines, *more]))


def _round_order(root: Path, found: set[str], lang: str) -> tuple[list[str], dict[str, str]]:
    opened = rounds(root) if root.is_dir() else []
    names = {r["id"]: str(r.get("name") or r["id"]) for r in opened}
    order = [DEFAULT_ROUND] + [r["id"] for r in opened]
    ids = [r for r in dict.fromkeys(order) if r in found] + sorted(found - set(order))
    for r in ids:
        names.setdefault(r, t("class.round_default", lang, id=r))
    return ids, {r: names[r] for r in ids}


def _build_summary(
    case: Case, lang: str, entries: list[_Entry], skipped: list[Skipped], root: Path
) -> ClassSummary:
    import pandas as pd

    identities = sorted(
        {e.identity for e in entries}, key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest()
    )
    label = {i: t("class.learner", lang, n=n) for n, i in enumerate(identities, start=1)}
    round_ids, round_names = _round_order(root, {e.round for e in entries}, lang)
    rank = {r: n for n, r in enumerate(round_ids)}
    entries.sort(
        key=lambda e: (
            identities.index(e.identity) if len(identities) < 64 else label[e.identity],
            rank[e.round],
        )
    )
    options = set(case.activity(registry.DECISION_POINT).get("options") or {})
    keys = registry.answer_keys(case)
    text_shape = {k for k in keys if (s := registry.spec(k, case)) is not None and s.shape == "text"}
    rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in ("st", "go", "di", "de", "pa", "an", "tx")}
    poles = case.activity("dilemmas")
    actor_names = {actor.id: actor.name for actor in case.actors}
    for e in entries:
        who, rnd, a = label[e.identity], e.round, e.answers
        for actor, place in (a.get(registry.STAKEHOLDER_MAP) or {}).items():
            if place.get("power") is not None and place.get("interest") is not None:
                if registry.is_own_stakeholder(actor) and "name" in place:  # the learner's own: by name
                    typed = str(place["name"]).strip()
                    rows["st"].append((who, rnd, _OWN_GROUP + typed.casefold(), typed, True, *_axes(place)))
                else:
                    rows["st"].append((who, rnd, actor, actor_names.get(actor, actor), False, *_axes(place)))
        for actor, position in (a.get(registry.GOAL_DIVERGENCE) or {}).items():
            rows["go"].append((who, rnd, actor, position))
        for key in registry.DILEMMAS:
            value = a.get(key) or {}
            if value.get("position") is not None:
                rows["di"].append((who, rnd, key, value["position"]))
            for part in ("left", "right"):
                default = (poles.get(key) or {}).get(part) if isinstance(poles, Mapping) else None
                if _has_text(value.get(part)) and value[part].strip() != (default or "").strip():
                    rows["tx"].append((who, rnd, f"{key}.{part}", value[part]))
            for part in ("justification", "missing_voices"):
                if _has_text(value.get(part)):
                    rows["tx"].append((who, rnd, f"{key}.{part}", value[part]))
        decision = a.get(registry.DECISION_POINT)
        if decision is not None:
            choice = decision.get("choice")
            rows["de"].append((who, rnd, choice if choice in options else None))
            if _has_text(decision.get("justification")):
                rows["tx"].append(
                    (who, rnd, f"{registry.DECISION_POINT}.justification", decision["justification"])
                )
        for actor, level in (a.get(registry.PARTICIPATION_PLAN) or {}).items():
            rows["pa"].append((who, rnd, actor, level))
        for key in keys:
            rows["an"].append((who, rnd, key, key in a))
            if key in text_shape and key in a:
                rows["tx"].append((who, rnd, key, a[key]))

    first_typed: dict[str, str] = {}  # an own stakeholder is shown as the first learner typed it
    for row in rows["st"]:
        first_typed.setdefault(row[2], row[3])
    rows["st"] = [(*row[:3], first_typed[row[2]], *row[4:]) for row in rows["st"]]

    def frame(name: str, columns: Sequence[str], ints: Sequence[str] = ()) -> pd.DataFrame:
        data = pd.DataFrame.from_records(rows[name], columns=list(columns))
        for col in ints:
            data[col] = data[col].astype("int64")
        for col in data.columns:
            if data[col].dtype == object:
                data[col] = data[col].astype(object).where(data[col].notna(), None)
        return data

    return ClassSummary(
        case=case,
        lang=lang,
        learners=[label[i] for i in identities],
        rounds=round_ids,
        round_names=round_names,
        files=len(entries),
        stakeholders=frame(
            "st", ("learner", "round", "actor", "name", "own", "power", "interest"), ("power", "interest")
        ).astype({"own": bool}),
        goals=frame("go", ("learner", "round", "actor", "position"), ("position",)),
        dilemmas=frame("di", ("learner", "round", "dilemma", "position"), ("position",)),
        decisions=frame("de", ("learner", "round", "choice")),
        participation=frame("pa", ("learner", "round", "actor", "level")),
        answered=frame("an", ("learner", "round", "key", "answered")).astype({"answered": bool}),
        texts=frame("tx", ("learner", "round", "key", "text")),
        skipped=skipped,
    )


_OWN_GROUP = "own:"
"""The ``actor`` of a learner's own stakeholder in the summary: ``own:`` and the name trimmed, case-folded."""
OWN_SPREAD_MIN = 2
"""The report shows the spread of a stakeholder the learners added if at least this many placed it."""


def _axes(place: Mapping[str, Any]) -> tuple[Any, Any]:
    return place["power"], place["interest"]


# -- the report ----------------------------------------------------------------------------------------------


def _latest_per_learner(frame: pd.DataFrame, summary: ClassSummary) -> pd.DataFrame:
    """Each learner's rows from the latest round the learner answered in (for the charts beside the goals)."""
    if frame.empty:
        return frame
    rank = {r: n for n, r in enumerate(summary.rounds)}
    answered = summary.answered[summary.answered["answered"]]
    last = answered.assign(rank=answered["round"].map(rank)).groupby("learner")["rank"].max()
    wanted = frame["round"].map(rank) == frame["learner"].map(last)
    return frame[wanted]


def _heat(summary: ClassSummary, plan: pd.DataFrame) -> dict[str, Any]:
    """The participation plan as a heat table: stakeholder × IAP2 level, counts and tints."""
    lang, case = summary.lang, summary.case
    labels = case.activity("proposal").get("levels") or {}
    levels = [(lvl, str(labels.get(lvl) or t(f"class.level.{lvl}", lang))) for lvl in registry.LEVELS]
    counts = Counter(zip(plan["actor"], plan["level"], strict=True)) if not plan.empty else Counter()
    peak = max(counts.values(), default=1)
    rows = []
    for actor in case.actors:
        cells = [counts.get((actor.id, lvl), 0) for lvl, _ in levels]
        if not any(cells):
            continue
        rows.append(
            {
                "name": actor.name,
                "n": sum(cells),
                "cells": [
                    {
                        "count": c,
                        "alpha": f"{0.08 + 0.55 * c / peak:.2f}" if c else "0",
                        "top": c == max(cells),
                    }
                    for c in cells
                ],
            }
        )
    return {"levels": [label for _, label in levels], "rows": rows}


def render_report(summary: ClassSummary, *, with_text: bool = False, projection: bool = False) -> str:
    """The class report as one standalone HTML page: the spread of views, without names.

    Parameters
    ----------
    summary : ClassSummary
        From :func:`summarize`.
    with_text : bool
        Also show the text answers (each under its anonymous label, escaped).
    projection : bool
        For the classroom screen: large type, high contrast, one chart per screen (body class
        ``casekit-projection``).

    Returns
    -------
    str
        The HTML document (``casekit/templates/class_report.html.j2``); no scripts, no external resources.
    """
    from markupsafe import Markup

    from casekit import charts
    from casekit._templates import render

    def html(chart: charts.Chart) -> Markup:
        return Markup(chart.to_html())  # built from an autoescaped template: it is markup already

    case, lang = summary.case, summary.lang
    latest_st = _latest_per_learner(summary.stakeholders, summary)
    per_actor: dict[str, dict[str, dict[str, Any]]] = {}
    own_names: dict[str, str] = {}
    columns = ["learner", "actor", "name", "own", "power", "interest"]
    for who, actor, name, own, power, interest in latest_st[columns].itertuples(index=False, name=None):
        place: dict[str, Any] = {"power": int(power), "interest": int(interest)}
        if own:  # as a learner's own stakeholder, under the name the class summary shows
            own_names[actor] = name
            place.update(name=name, at_table=True)
        per_actor.setdefault(actor, {})[who] = place
    mappers = list(dict.fromkeys(latest_st["learner"]))  # the learners who placed anyone

    def answers_for(key: str) -> list[dict[str, dict[str, Any]]]:
        slot = registry.own_stakeholder_key(1) if key in own_names else key
        return [{slot: per_actor[key][w]} if w in per_actor[key] else {} for w in mappers]

    stakeholder_charts = [
        html(charts.stakeholder_spread(case, answers_for(a.id), a.id))
        for a in case.actors
        if a.id in per_actor
    ]
    named_by_several = [k for k in own_names if len(per_actor[k]) >= OWN_SPREAD_MIN]
    named_by_several.sort(key=lambda k: (-len(per_actor[k]), k))
    stakeholder_charts += [
        html(charts.stakeholder_spread(case, answers_for(k), name=own_names[k])) for k in named_by_several
    ]
    goal_charts = []
    for rnd in summary.rounds:
        goals = summary.goals[summary.goals["round"] == rnd]
        if goals.empty:
            continue
        sets: dict[str, dict[str, int]] = {}
        for who, actor, position in goals[["learner", "actor", "position"]].itertuples(
            index=False, name=None
        ):
            sets.setdefault(who, {})[actor] = int(position)
        goal_charts.append(
            {
                "round": summary.round_names[rnd],
                "html": html(charts.goal_spread(case, list(sets.values()))),
            }
        )
    moves = []
    with_goals = [r for r in summary.rounds if (summary.goals["round"] == r).any()]
    for first, second in itertools.pairwise(with_goals):
        moves.append(
            {
                "heading": t(
                    "class.moves.heading",
                    lang,
                    first=summary.round_names[first],
                    second=summary.round_names[second],
                ),
                "sentences": [m.sentence for m in summary.moves(first, second) if m.n],
            }
        )
    dil = _latest_per_learner(summary.dilemmas, summary)
    dil_sets: dict[str, dict[str, int]] = {}
    for who, key, position in dil[["learner", "dilemma", "position"]].itertuples(index=False, name=None):
        dil_sets.setdefault(who, {})[key] = int(position)
    dilemma_chart = html(charts.dilemma_spread(case, list(dil_sets.values()))) if dil_sets else None
    dec = _latest_per_learner(summary.decisions, summary)
    decided = {
        who: choice if isinstance(choice, str) else None  # pandas may hold "not answered" as NaN
        for who, choice in dec[["learner", "choice"]].itertuples(index=False, name=None)
    }
    choices = [decided.get(who) for who in summary.learners]
    decision_chart = html(charts.decision_split(case, choices))
    plan = _latest_per_learner(summary.participation, summary)
    answered = _latest_per_learner(summary.answered, summary)
    counts = answered[answered["answered"]].groupby("key")["learner"].nunique().to_dict()
    count_chart = html(
        charts.answer_counts(
            case, {k: int(counts.get(k, 0)) for k in registry.answer_keys(case)}, len(summary.learners)
        )
    )
    texts = _text_sections(summary) if with_text else []
    return render(
        "class_report.html.j2",
        lang=lang,
        kind="report casekit-projection" if projection else "report",
        title=t("class.report.title", lang, case=case.title),
        projection=projection,
        text=_Words(lang),
        intro=t(
            "class.report.intro",
            lang,
            learners=len(summary.learners),
            files=summary.files,
            skipped=len(summary.skipped),
        ),
        rounds=[summary.round_names[r] for r in summary.rounds],
        stakeholder_charts=stakeholder_charts,
        goal_charts=goal_charts,
        moves=moves,
        dilemma_chart=dilemma_chart,
        decision_chart=decision_chart,
        heat=_heat(summary, plan),
        count_chart=count_chart,
        with_text=with_text,
        texts=texts,
        skipped=summary.skipped,
    )


def _text_sections(summary: ClassSummary) -> list[dict[str, Any]]:
    """The text answers, one section per question or part, each answer under its anonymous label."""
    from casekit.naming import activity_title

    case, lang = summary.case, summary.lang
    questions = {q.id: q for q in case.questions}
    order = {k: n for n, k in enumerate(registry.answer_keys(case))}
    by_key: dict[str, list[dict[str, str]]] = {}
    several = len(summary.rounds) > 1
    for who, rnd, key, text in summary.texts[["learner", "round", "key", "text"]].itertuples(
        index=False, name=None
    ):
        shown_round = summary.round_names[rnd] if several else ""
        by_key.setdefault(key, []).append({"learner": who, "round": shown_round, "text": text})
    sections = []
    for key in sorted(by_key, key=lambda k: (order.get(k.partition(".")[0], order.get(k, 99)), k)):
        head, _, part = key.partition(".")
        if key in questions:
            title = f"{questions[key].number}. {questions[key].text}"
        elif head in registry.DILEMMAS:
            title = f"{_dilemma_title(head, lang)} · {t(f'class.text_part.{part}', lang)}"
        elif head == registry.DECISION_POINT:
            title = f"{activity_title(head, lang, case)} · {t(f'class.text_part.{part}', lang)}"
        else:
            title = activity_title(key, lang, case)
        sections.append({"title": title, "answers": by_key[key]})
    return sections


def _dilemma_title(key: str, lang: str) -> str:
    match = re.search(r"(\d+)$", key)
    return t("class.dilemma_row", lang, n=match.group(1)) if match else key


class _Words:
    """The catalog for the template: ``text("class.report.x")`` in the report's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

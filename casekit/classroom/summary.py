"""The class's answers as anonymous tables: :func:`summarize` and the :class:`ClassSummary` it gives.

:func:`summarize` reads a class (a class folder, any folder of exports, an LMS ZIP, one JSON file, or a
:class:`~casekit.classroom.transport.Transport`), checks every file (:mod:`casekit.classroom.parse`), keeps
one file per learner and round, and builds one pandas frame per activity. Nothing is scored: there is no
answer key, the charts show the spread.

**Anonymity.** A learner is shown only as "Studerende 1", "Studerende 2"…; the numbers follow the sha256
of the learner's identity, not names or file order. Identity: a snapshot's ``share_id``; an export's
``learner`` pseudonym; in an LMS ZIP (or an unpacked one) every file in the same top-level student folder
belongs to one learner. Of two files from one learner (in one round), the latest counts and the older is
listed as skipped.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit._text import lower_first
from casekit.classroom._common import clip, has_text, load_case, shipped_cases
from casekit.classroom.errors import ClassFolderError
from casekit.classroom.folder import FolderTransport
from casekit.classroom.intake import Intake, collect
from casekit.classroom.parse import Doc, Entry, check, first_look
from casekit.classroom.snapshot import DEFAULT_ROUND
from casekit.classroom.transport import Transport
from casekit.errors import CasekitError
from casekit.i18n import LANGUAGES, t, ui_lang
from casekit.naming import dilemma_keys, dilemma_label, dilemma_poles

if TYPE_CHECKING:
    import pandas as pd

    from casekit import charts
    from casekit.case import Case

__all__ = [
    "OWN_GROUP",
    "OWN_SPREAD_MIN",
    "SKIPPED_KINDS",
    "SKIPPED_REASONS",
    "SKIPPED_SHOWN",
    "ClassSummary",
    "Move",
    "Placed",
    "Skipped",
    "goal_poles",
    "summarize",
]


SKIPPED_SHOWN = 100
"""The report and ``casekit class summarize`` list this many skipped files one by one, and count the rest by
reason and kind of file (:meth:`ClassSummary.skipped_digest`): a hostile ZIP can hold 100,000."""
SKIPPED_REASONS = 10
"""Of the files not listed, this many reasons (the most common) are counted each; the others together."""
SKIPPED_KINDS = 5
"""Per reason, this many kinds of file (the most common) are counted each; the others together."""


@dataclass(frozen=True)
class Skipped:
    """A file that was not summarized: where it is inside the input (shown safely) and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Move:
    """How the learners present in two rounds moved one item: a speaker on the goal scale
    (:meth:`ClassSummary.moves`) or the class's position on a dilemma (:meth:`ClassSummary.dilemma_moves`).

    ``actor`` is the speaker's id or the dilemma's key and ``name`` its name; ``toward_right`` moved
    toward 5 (for the goal scale: room for different goals), ``toward_left`` toward 1 (one common goal);
    ``n`` learners placed it in both rounds; ``sentence`` says it in the catalog's words.
    """

    actor: str
    name: str
    toward_right: int
    toward_left: int
    stayed: int
    n: int
    sentence: str


@dataclass(frozen=True)
class Placed:
    """Where the learners placed one stakeholder on the power–interest grid, as the class's chart takes it.

    ``actor`` is a case actor's id, or for a stakeholder learners added themselves :data:`OWN_GROUP` and
    the name trimmed and case-folded (``own`` true, ``name`` as the first learner typed it). ``answers``
    holds one stakeholder map per learner who placed anyone in the rows asked about (``{}`` for one who
    did not place this stakeholder), without names; ``count`` is how many placed this one.
    """

    actor: str
    name: str
    own: bool
    answers: list[dict[str, dict[str, Any]]]
    count: int

    def chart(self, case: Case) -> charts.Chart:
        """The class's spread of this stakeholder (:func:`casekit.charts.stakeholder_spread`)."""
        from casekit import charts  # matplotlib when a chart is drawn, not when the summary is read

        if self.own:
            return charts.stakeholder_spread(case, self.answers, name=self.name)
        return charts.stakeholder_spread(case, self.answers, self.actor)


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
        Columns ``learner, round`` and then ``actor, name, own, power, interest, at_table`` /
        ``actor, position`` / ``dilemma, position`` / ``choice`` / ``actor, level, name`` /
        ``key, answered`` / ``key, text``. In
        ``stakeholders`` and ``participation``, a stakeholder a learner added (``own`` true) has the
        ``actor`` ``own:`` + its name trimmed and case-folded, so that learners who typed the same name are
        grouped, and the ``name`` the first of them typed; a case actor has its id and the case's name. A
        level a learner gave an own stakeholder their map does not name is left out. ``at_table`` is the
        case's for a case actor, the learner's for one they added (:meth:`placed` draws it as most said).
    skipped : list[Skipped]
        The files not summarized, each with its reason.
    stopped : Skipped or None
        Where reading stopped, :data:`~casekit.classroom.intake.MAX_ENTRIES` files having been looked at (that
        line of :attr:`skipped`); ``None`` when every file was looked at.
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
    stopped: Skipped | None = None

    def skipped_digest(self, shown: int | None = None) -> tuple[list[Skipped], int, list[str]]:
        """The skipped files made short: the first ``shown`` (default :data:`SKIPPED_SHOWN`), how many more
        there are, and those counted in the catalog's words, one line per reason (the most common first) with
        its count per kind of file ("… : 300 filer (.pdf: 200, .png: 100)"). The files not listed are never
        named, nor put beside a learner: only counted by their kind.

        Returns
        -------
        tuple[list[Skipped], int, list[str]]
            The files listed, how many are not, and the lines counting those (none if every one is listed).
        """
        limit = SKIPPED_SHOWN if shown is None else max(shown, 0)
        first, rest = self.skipped[:limit], self.skipped[limit:]
        by_reason: dict[str, Counter[str]] = {}
        for item in rest:
            by_reason.setdefault(item.reason, Counter())[_kind_in(item.name, self.lang)] += 1
        ranked = sorted(by_reason.items(), key=lambda pair: -pair[1].total())  # ties: the first found first
        lines = []
        for why, kinds in ranked[:SKIPPED_REASONS]:
            common = kinds.most_common()
            counted = [t("class.skipped.kind", self.lang, kind=k, count=c) for k, c in common[:SKIPPED_KINDS]]
            if other := sum(c for _, c in common[SKIPPED_KINDS:]):
                counted.append(t("class.skipped.other_kinds", self.lang, count=other))
            count = kinds.total()
            lines.append(
                t("class.skipped.group", self.lang, reason=why, count=count, kinds=", ".join(counted))
            )
        if others := sum(kinds.total() for _, kinds in ranked[SKIPPED_REASONS:]):
            lines.append(t("class.skipped.other_reasons", self.lang, count=others))
        return first, len(rest), lines

    def moves(self, first_round: str, second_round: str) -> list[Move]:
        """Per speaking actor, how the learners present in both rounds moved on the goal scale.

        Returns
        -------
        list[Move]
            One per speaking actor, in case order; ``n`` is 0 for one nobody placed in both rounds.
        """
        left, right = goal_poles(self.case, self.lang)
        items = [(a.id, a.name, left, right) for a in self.case.actors if a.speaks]
        return self._moves(self.goals, "actor", items, first_round, second_round)

    def dilemma_moves(self, first_round: str, second_round: str) -> list[Move]:
        """Per dilemma of the case, how the learners who took a position in both rounds moved: toward 5
        (``right``, the case's pole at 5) or toward 1; ``name`` is "Dilemma 1"…, as in the class's charts.

        Returns
        -------
        list[Move]
            One per dilemma, in number order; ``n`` is 0 for one nobody placed in both rounds.
        """
        items = [
            (key, dilemma_label(key, self.lang), *dilemma_poles(self.case, key))
            for key in dilemma_keys(self.case)
        ]
        return self._moves(self.dilemmas, "dilemma", items, first_round, second_round)

    def _moves(
        self,
        frame: pd.DataFrame,
        column: str,
        items: Sequence[tuple[str, str, str, str]],
        first_round: str,
        second_round: str,
    ) -> list[Move]:
        """:class:`Move` of each item (key, name, pole at 1, pole at 5) in the frame's ``column``."""
        first = frame[frame["round"] == first_round].set_index(["learner", column])["position"]
        second = frame[frame["round"] == second_round].set_index(["learner", column])["position"]
        both = first.to_frame("a").join(second.to_frame("b"), how="inner")
        present = set(both.index.get_level_values(1))
        out: list[Move] = []
        for key, name, left, right in items:
            rows = both.xs(key, level=column) if key in present else None
            up = int((rows["b"] > rows["a"]).sum()) if rows is not None else 0
            down = int((rows["b"] < rows["a"]).sum()) if rows is not None else 0
            n = len(rows) if rows is not None else 0
            sentence = t(
                "class.moves.sentence",
                self.lang,
                name=name,
                right_count=up,
                left_count=down,
                stayed=n - up - down,
                n=n,
                right=lower_first(right),
                left=lower_first(left),
            )
            out.append(Move(key, name, up, down, n - up - down, n, sentence))
        return out

    def pairs(
        self, first_round: str, second_round: str, what: str = "goals"
    ) -> list[tuple[dict[str, int], dict[str, int]]]:
        """Each learner's placements in both rounds, as the move charts take them: one (first round,
        second round) pair of mappings per learner who placed anything of ``what`` in both.

        Parameters
        ----------
        what : str
            ``"goals"`` (speaker id -> 1..5) or ``"dilemmas"`` (dilemma key -> 1..5).
        """
        frame, column = (self.goals, "actor") if what == "goals" else (self.dilemmas, "dilemma")
        per: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        rows = frame[frame["round"].isin([first_round, second_round])]
        for who, rnd, key, position in rows[["learner", "round", column, "position"]].itertuples(
            index=False, name=None
        ):
            per.setdefault(who, ({}, {}))[rnd == second_round][key] = int(position)
        return [pair for pair in per.values() if pair[0] and pair[1]]

    def move_charts(self, first_round: str, second_round: str) -> list[charts.Chart]:
        """How the class moved from ``first_round`` to ``second_round``, drawn: the speakers on the goal
        scale (:func:`casekit.charts.goal_moves`) and the dilemmas (:func:`casekit.charts.dilemma_moves`),
        each if anyone placed one of them in both rounds. Their alt texts and tables hold
        :meth:`moves` and :meth:`dilemma_moves` in words and numbers."""
        from casekit import charts  # matplotlib when a chart is drawn, not when the summary is read

        names = (
            self.round_names.get(first_round, first_round),
            self.round_names.get(second_round, second_round),
        )
        found = []
        for what, draw in (("goals", charts.goal_moves), ("dilemmas", charts.dilemma_moves)):
            pairs = self.pairs(first_round, second_round, what)
            if any(a.keys() & b.keys() for a, b in pairs):
                found.append(draw(self.case, pairs, *names))
        return found

    def move_sentences(self, first_round: str, second_round: str) -> list[str]:
        """What the class and the live view say about the moves: a sentence per speaking actor that someone
        placed in both rounds (a speaker nobody placed twice has nothing to say, not "0 af 0")."""
        return [move.sentence for move in self.moves(first_round, second_round) if move.n]

    def learners_in(self, round_id: str) -> list[str]:
        """The learners who answered anything in round ``round_id`` (:func:`casekit.registry.is_answered`,
        as the ``answered`` frame holds it), in the order of :attr:`learners`."""
        answered = self.answered[(self.answered["round"] == round_id) & self.answered["answered"]]
        present = set(answered["learner"])
        return [who for who in self.learners if who in present]

    def placed(self, rows: pd.DataFrame | None = None) -> list[Placed]:
        """Every stakeholder placed in ``rows`` (default :attr:`stakeholders`): the case's in the case's
        order, then those learners added themselves that at least :data:`OWN_SPREAD_MIN` learners placed,
        most placed first. A stakeholder only one learner added is left out: its name could tell who."""
        rows = self.stakeholders if rows is None else rows
        order = {a.id: n for n, a in enumerate(self.case.actors)}
        found = self._placements(rows).values()
        ours = sorted((p for p in found if not p.own), key=lambda p: order.get(p.actor, len(order)))
        own = [p for p in found if p.own and p.count >= OWN_SPREAD_MIN]
        return ours + sorted(own, key=lambda p: (-p.count, p.actor))

    def placements(self, rows: pd.DataFrame, actor: str) -> Placed:
        """Where the learners in ``rows`` (a part of :attr:`stakeholders`, one round or one row per learner
        and stakeholder) placed ``actor`` (a case actor's id, or :data:`OWN_GROUP` + a folded name)."""
        return self._placements(rows, actor)[actor]

    def _placements(self, rows: pd.DataFrame, only: str | None = None) -> dict[str, Placed]:
        """:class:`Placed` of every stakeholder in ``rows`` (or of ``only``), read in one pass over the rows:
        a class of 2,000 has some 70,000 of them."""
        learners: dict[str, None] = {}  # everyone in the rows, in order: one map each, {} if they left it
        places: dict[str, dict[str, dict[str, Any]]] = {}
        absent: dict[str, int] = {}  # how many learners said a stakeholder is not at the table
        names = ("learner", "actor", "power", "interest", "at_table")
        # Plain lists: 10× faster than pandas' own iterators.
        columns = (rows[name].tolist() if name in rows else [True] * len(rows) for name in names)
        for who, key, power, interest, table in zip(*columns, strict=True):
            learners.setdefault(who)
            if only is None or key == only:
                places.setdefault(key, {})[who] = {"power": int(power), "interest": int(interest)}
                absent[key] = absent.get(key, 0) + (not table)
        keys = list(places) if only is None else [only]
        return {key: self._placed(key, places.get(key, {}), learners, absent.get(key, 0)) for key in keys}

    def _placed(
        self, actor: str, places: dict[str, dict[str, Any]], learners: Iterable[str], absent: int = 0
    ) -> Placed:
        own = actor.startswith(OWN_GROUP) and actor not in self.case.actor_ids
        name = self._first_names.get(actor, actor.removeprefix(OWN_GROUP))
        slot = registry.own_stakeholder_key(1) if own else actor
        # A stakeholder learners added is at the table or not as most of those who placed it said (a tie:
        # at the table, as the map's form starts).
        at_table = absent * 2 <= len(places)
        answers: list[dict[str, dict[str, Any]]] = []
        for who in learners:
            place = places.get(who)
            if place is None:
                answers.append({})
            else:
                answers.append({slot: {"name": name, "at_table": at_table, **place} if own else place})
        return Placed(actor, name, own, answers, len(places))

    @functools.cached_property
    def _first_names(self) -> dict[str, str]:
        """Each stakeholder's name as the first row of :attr:`stakeholders` gives it."""
        names: dict[str, str] = {}
        frame = self.stakeholders
        for actor, name in zip(frame["actor"].tolist(), frame["name"].tolist(), strict=True):
            names.setdefault(actor, str(name))
        return names


def goal_poles(case: Case, lang: str) -> tuple[str, str]:
    """The goal scale's two ends: the case's words (``left`` at 1, ``right`` at 5), else the catalog's."""
    config = case.activity(registry.GOAL_DIVERGENCE)
    return (
        str(config.get("left") or t("class.goals.left", lang)),
        str(config.get("right") or t("class.goals.right", lang)),
    )


def summarize(
    source: str | os.PathLike[str] | Transport, *, case: Case | str | None = None, lang: str | None = None
) -> ClassSummary:
    """Summarize a class's answers, without names, from a class folder, a folder, a ZIP or one JSON file.

    Parameters
    ----------
    source : path-like or Transport
        A class folder (``<round>/<share_id>.json`` snapshots), any folder of exported JSON files (nested
        folders allowed), an LMS ZIP of per-student folders (nested ZIPs allowed, up to
        :data:`~casekit.classroom.intake.MAX_ZIP_DEPTH`), or one JSON file. Snapshots and full exports are
        both read. Or a transport: what it collects, with its rounds.
    case : Case or str, optional
        The case, or a shipped case's id; without it, the case casekit ships (of several shipped, the one
        most files name). Files of another case are skipped with that reason.
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
    ui = ui_lang(lang or (case.lang if case is not None and not isinstance(case, str) else None))
    if not isinstance(source, Transport):
        root = Path(source).expanduser()
        if root.is_dir():  # a class folder, or any folder: the folder transport reads both
            source = FolderTransport(root)
        else:
            return _summarize(collect(root, ui), [], case, lang, ui, str(root))
    return _summarize(source.collect(ui), source.rounds(), case, lang, ui, source.location)


def _summarize(
    intake: Intake,
    opened: list[dict[str, Any]],
    case: Case | str | None,
    lang: str | None,
    ui: str,
    where: str,
) -> ClassSummary:
    skips: list[tuple[str, str]] = list(intake.skipped)
    order = {item.label: n for n, item in enumerate(intake.items)}
    docs: list[Doc] = []
    for item in intake.items:
        found = first_look(item, ui)
        if isinstance(found, str):
            skips.append((item.label, found))
        else:
            docs.append(found)
    stopped = Skipped(*intake.stopped) if intake.stopped is not None else None
    if case is None or isinstance(case, str):
        if not docs:
            raise _nothing(where, skips, ui, stopped)
        case_id = case if isinstance(case, str) else _which_case(docs)
        try:
            case = load_case(case_id, lang or _doc_lang(docs, case_id))
        except CasekitError as exc:
            raise ClassFolderError(t("class.error.no_case", ui, case=clip(case_id, 40), reason=exc)) from exc
    ui = ui_lang(lang or case.lang)
    entries: list[Entry] = []
    for found in docs:
        checked = check(found, case, ui)
        if isinstance(checked, str):
            skips.append((found.item.label, checked))
        else:
            entries.append(checked)
    # Two files from one learner in one round: the latest counts (ties: the later in the input).
    latest: dict[tuple[str, str], Entry] = {}
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
        raise _nothing(where, skips, ui, stopped)
    skips.sort(key=lambda s: _position(s[0]))
    chosen = list(latest.values())
    round_ids, round_names = _round_order(opened, {e.round for e in chosen}, ui)
    # A skipped file is named by its position and kind only, never with its learner's "Studerende N": the
    # position leads back to the file in the ZIP, and so to the student whose answers carry that label.
    skipped = [Skipped(n, r) for n, r in skips]
    return _build_summary(case, ui, chosen, skipped, round_ids, round_names, stopped)


def _a_default_pole(case: Case, key: str, part: str, text: str, default: Any) -> bool:
    """Whether a dilemma pole is the case's own wording in any of its editions, so not the learner's: an
    English learner's untouched poles in a Danish report are no written answer (they would show, and show
    who works in English)."""
    if text == str(default or "").strip():
        return True
    return text in _poles_of_every_edition(case.id).get((key, part), ())


@functools.cache
def _poles_of_every_edition(case_id: str) -> dict[tuple[str, str], frozenset[str]]:
    """Each dilemma pole's wording in every edition of the shipped case (read only when a pole differs from
    the report's own edition)."""
    found: dict[tuple[str, str], set[str]] = {}
    for lang in LANGUAGES:
        poles = load_case(case_id, lang).activity("dilemmas")
        for key, sides in poles.items() if isinstance(poles, Mapping) else ():
            for part, text in sides.items() if isinstance(sides, Mapping) else ():
                if part in ("left", "right") and isinstance(text, str):
                    found.setdefault((key, part), set()).add(text.strip())
    return {where: frozenset(texts) for where, texts in found.items()}


def _learner_labels(identities: set[str], lang: str) -> dict[str, str]:
    """Identity → "Studerende N", numbered in the order of the identities' sha256 (never names or order)."""
    ordered = sorted(identities, key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
    return {i: t("class.learner", lang, n=n) for n, i in enumerate(ordered, start=1)}


def _kind_in(label: str, lang: str) -> str:
    """The kind of file a label ends with, ``fil 3 (.pdf)`` -> ``.pdf`` (the catalog's word if none)."""
    found = _LABEL_KIND.search(label)
    return found.group(1) if found else t("class.file_kind_none", lang)


_LABEL_KIND = re.compile(r"\(([^()]*)\)\s*$")


def _position(label: str) -> tuple[int, str]:
    match = re.search(r"\d+", label)
    return (int(match.group(0)) if match else 0, label)


def _which_case(docs: Sequence[Doc]) -> str:
    """The case a class's files are read as: of the cases casekit ships, the one most files name.

    Files naming a case casekit does not ship never decide it, however many there are (they are skipped as
    another case's); with no file naming a shipped case, the only shipped case, else the most named.
    """
    shipped = shipped_cases()
    named = Counter(d.case_id for d in docs if d.case_id in shipped)
    if named:
        return named.most_common(1)[0][0]
    if len(shipped) == 1:
        return shipped[0]
    return Counter(d.case_id for d in docs).most_common(1)[0][0]


def _doc_lang(docs: Sequence[Doc], case_id: str) -> str | None:
    """The language most of the class's files of ``case_id`` name (a tie: none): never one learner's."""
    found = [
        d.doc["case"].get("lang")
        for d in docs
        if d.case_id == case_id and d.doc is not None and isinstance(d.doc.get("case"), dict)
    ]
    top = Counter(v for v in found if isinstance(v, str)).most_common(2)
    return top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None


def _nothing(
    where: str, skips: Sequence[tuple[str, str]], lang: str, stopped: Skipped | None = None
) -> ClassFolderError:
    if not skips:  # an empty ZIP or folder: no list of skipped files to announce
        return ClassFolderError(t("class.error.nothing_empty", lang, path=where))
    first = list(skips[:10])
    lines = [f"  {name}: {why}" for name, why in first]
    more = [t("class.error.more", lang, count=len(skips) - 10)] if len(skips) > 10 else []
    if stopped is not None and (stopped.name, stopped.reason) not in first:  # said, wherever it is
        more.append(f"  {stopped.name}: {stopped.reason}")
    head = t("class.error.nothing", lang, path=where, count=len(skips))
    return ClassFolderError("\n".join([head, *lines, *more]))


def _round_order(
    opened: Sequence[Mapping[str, Any]], found: set[str], lang: str
) -> tuple[list[str], dict[str, str]]:
    """The rounds with answers, in the order they were opened (``"1"`` first), and their names."""
    names = {r["id"]: str(r.get("name") or r["id"]) for r in opened}
    order = [DEFAULT_ROUND] + [r["id"] for r in opened]
    ids = [r for r in dict.fromkeys(order) if r in found] + sorted(found - set(order))
    for r in ids:
        names.setdefault(r, t("class.round_default", lang, id=r))
    return ids, {r: names[r] for r in ids}


def _build_summary(
    case: Case,
    lang: str,
    entries: list[Entry],
    skipped: list[Skipped],
    round_ids: list[str],
    round_names: dict[str, str],
    stopped: Skipped | None = None,
) -> ClassSummary:
    """The frames: one row per learner × item, learners labelled in the order of their identity's sha256."""
    import pandas as pd

    label = _learner_labels({e.identity for e in entries}, lang)
    identities = list(label)
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
    actor_tables = {actor.id: actor.at_table for actor in case.actors}
    for e in entries:
        who, rnd, a = label[e.identity], e.round, e.answers
        for actor, place in (a.get(registry.STAKEHOLDER_MAP) or {}).items():
            if place.get("power") is not None and place.get("interest") is not None:
                if registry.is_own_stakeholder(actor) and "name" in place:  # the learner's own: by name
                    typed = str(place["name"]).strip()
                    table = place.get("at_table", True) is not False
                    rows["st"].append(
                        (who, rnd, OWN_GROUP + typed.casefold(), typed, True, *_axes(place), table)
                    )
                else:
                    name, table = actor_names.get(actor, actor), actor_tables.get(actor, True)
                    rows["st"].append((who, rnd, actor, name, False, *_axes(place), table))
        for actor, position in (a.get(registry.GOAL_DIVERGENCE) or {}).items():
            rows["go"].append((who, rnd, actor, position))
        for key in registry.DILEMMAS:
            value = a.get(key) or {}
            if value.get("position") is not None:
                rows["di"].append((who, rnd, key, value["position"]))
            for part in ("left", "right"):
                default = (poles.get(key) or {}).get(part) if isinstance(poles, Mapping) else None
                text = value.get(part)
                if has_text(text) and not _a_default_pole(case, key, part, str(text).strip(), default):
                    rows["tx"].append((who, rnd, f"{key}.{part}", text))
            for part in ("justification", "missing_voices"):
                if has_text(value.get(part)):
                    rows["tx"].append((who, rnd, f"{key}.{part}", value[part]))
        decision = a.get(registry.DECISION_POINT)
        if decision is not None:
            choice = decision.get("choice")
            rows["de"].append((who, rnd, choice if choice in options else None))
            if has_text(decision.get("justification")):
                rows["tx"].append(
                    (who, rnd, f"{registry.DECISION_POINT}.justification", decision["justification"])
                )
        own_names = {  # the learner's own stakeholders, by their map's names (a key alone tells nothing)
            key: str(place["name"]).strip()
            for key, place in (a.get(registry.STAKEHOLDER_MAP) or {}).items()
            if registry.is_own_stakeholder(key) and key not in actor_names and "name" in place
        }
        for actor, level in (a.get(registry.PARTICIPATION_PLAN) or {}).items():
            if actor in actor_names:
                rows["pa"].append((who, rnd, actor, level, actor_names[actor]))
            elif actor in own_names:
                name = own_names[actor]
                rows["pa"].append((who, rnd, OWN_GROUP + name.casefold(), level, name))
        for key in keys:
            rows["an"].append((who, rnd, key, key in a))
            if key in text_shape and key in a:
                rows["tx"].append((who, rnd, key, a[key]))

    first_typed: dict[str, str] = {}  # an own stakeholder is shown as the first learner typed it
    for row in rows["st"]:
        first_typed.setdefault(row[2], row[3])
    rows["st"] = [(*row[:3], first_typed[row[2]], *row[4:]) for row in rows["st"]]
    for row in rows["pa"]:
        first_typed.setdefault(row[2], row[4])
    rows["pa"] = [(*row[:4], first_typed[row[2]]) for row in rows["pa"]]

    def frame(name: str, columns: Sequence[str], ints: Sequence[str] = ()) -> pd.DataFrame:
        data = pd.DataFrame.from_records(rows[name], columns=list(columns))
        for col in ints:
            data[col] = data[col].astype("int64")
        for col in data.columns:  # "not answered" is None, never NaN (pandas' str columns hold NaN)
            if col not in ints and data[col].isna().any():
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
            "st",
            ("learner", "round", "actor", "name", "own", "power", "interest", "at_table"),
            ("power", "interest"),
        ).astype({"own": bool, "at_table": bool}),
        goals=frame("go", ("learner", "round", "actor", "position"), ("position",)),
        dilemmas=frame("di", ("learner", "round", "dilemma", "position"), ("position",)),
        decisions=frame("de", ("learner", "round", "choice")),
        participation=frame("pa", ("learner", "round", "actor", "level", "name")),
        answered=frame("an", ("learner", "round", "key", "answered")).astype({"answered": bool}),
        texts=frame("tx", ("learner", "round", "key", "text")),
        skipped=skipped,
        stopped=stopped,
    )


OWN_GROUP = "own:"
"""The ``actor`` of a learner's own stakeholder in the summary: ``own:`` and the name trimmed, case-folded."""
OWN_SPREAD_MIN = 2
"""The report shows the spread of a stakeholder the learners added if at least this many placed it."""


def _axes(place: Mapping[str, Any]) -> tuple[Any, Any]:
    return place["power"], place["interest"]

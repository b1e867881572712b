"""Property: whatever the learners' widgets can save, shared into a class folder, the instructor's live view
opens and switches its dropdowns, and the class report renders, without an exception (issue 18).

The answers are generated in exactly the shapes the widgets save (every control set or left unset: the
map's placements on both axes, on one (as older maps have them) or none, own stakeholders under odd and
differently typed names, a decision with or without a choice or a justification, dilemmas with renamed
poles, paragraphs and missing voices, questions' text blank or not, the participation plan), and text
ticked to share or not, for 1–4 learners over one or two rounds. Setting the real widgets for every example
would be too slow for Hypothesis, so :func:`test_the_widgets_save_only_these_shapes` drives the real
widgets with generated values and holds what they save to :func:`widget_shape`, the same space the
strategies draw from.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casekit import classroom, registry, widgets
from casekit.answers import AnswerStore, save_queue
from casekit.classroom import ClassFolderError
from casekit.i18n import t
from casekit.widgets.sharing import ClassView

NAMES = [
    "Bedsteforældre",
    "  bedsteFORÆLDRE ",
    "BEDSTEFORÆLDRE",
    "Straße",
    "STRASSE",
    "Ærø Ø-boere",
    "e\u0301lev",
    "\u00e9lev",
    "🙂 naboer",
    "$x^2$ & <b>",
    "\u202eombord",
    "a" * registry.OWN_NAME_MAX,
    "ذوو الإعاقة",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20) | st.sampled_from(
    ["", "   ", "Fordi", "<script>x</script>", "\u200b"]
)
UNSET_OR_POINT = st.integers(0, 5)  # a 1–5 dropdown: 0 is "ikke valgt"


def _point(value: int) -> int | None:
    return value or None


@st.composite
def stakeholder_map(draw: st.DrawFn, case) -> dict[str, Any]:
    """The map as the grid saves it: placed case actors, then every own one named."""
    actors = [a.id for a in case.actors][:5]  # a few: each placed stakeholder is a chart in the report
    value: dict[str, Any] = {}
    for actor in draw(st.lists(st.sampled_from(actors), unique=True, max_size=4)):
        p, i = draw(UNSET_OR_POINT), draw(UNSET_OR_POINT)
        if p or i:
            value[actor] = {"power": _point(p), "interest": _point(i)}
    typed = draw(st.lists(st.sampled_from(NAMES) | TEXT, max_size=3))
    taken: set[str] = set()
    n = 0
    for name in typed:
        name = name.strip()
        if not name or len(name) > registry.OWN_NAME_MAX or name.casefold() in taken:
            continue  # the widget refuses these (own_name_problem)
        taken.add(name.casefold())
        n += draw(st.integers(1, 3))
        value[registry.own_stakeholder_key(n)] = {
            "name": name,
            "at_table": draw(st.booleans()),
            "power": _point(draw(UNSET_OR_POINT)),
            "interest": _point(draw(UNSET_OR_POINT)),
        }
    return value


@st.composite
def answers(draw: st.DrawFn, case) -> dict[str, Any]:
    """One learner's store: every activity answered, partly, or not at all."""
    options = list(case.activity(registry.DECISION_POINT).get("options") or {})
    speakers = [a.id for a in case.actors if a.speaks]
    refs = [s.paragraphs[0][0].ref for s in case.sections if s.part is not None and s.paragraphs][:6]
    poles = case.activity("dilemmas")
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        found[registry.STAKEHOLDER_MAP] = draw(stakeholder_map(case))
    if draw(st.booleans()):
        goals = draw(st.dictionaries(st.sampled_from(speakers), UNSET_OR_POINT, max_size=4))
        found[registry.GOAL_DIVERGENCE] = {k: v for k, v in goals.items() if v}
    if draw(st.booleans()):
        found[registry.DECISION_POINT] = {
            "choice": draw(st.none() | st.sampled_from(options)),
            "justification": draw(TEXT),
        }
    for key in draw(st.lists(st.sampled_from(registry.DILEMMAS), unique=True)):
        config = poles[key]
        found[key] = {
            "position": _point(draw(UNSET_OR_POINT)),
            "left": draw(st.just(str(config.get("left", ""))) | TEXT),
            "right": draw(st.just(str(config.get("right", ""))) | TEXT),
            "justification": draw(TEXT),
            "paragraphs": draw(st.lists(st.sampled_from(refs), unique=True, max_size=2)),
            "missing_voices": draw(TEXT),
        }
    texts = [q.id for q in case.questions][:3] + list(registry.PROPOSAL_TEXTS)
    for key in draw(st.lists(st.sampled_from(texts), unique=True, max_size=3)):
        found[key] = draw(TEXT)
    if draw(st.booleans()):
        levels = st.sampled_from(registry.LEVELS)
        actors = [a.id for a in case.actors][:6]
        found[registry.PARTICIPATION_PLAN] = draw(
            st.dictionaries(st.sampled_from(actors), levels, max_size=3)
        )
    return found


def _text_keys(case) -> list[str]:
    questions = [q.id for q in case.questions]
    return [registry.DECISION_POINT, *registry.DILEMMAS, *questions, *registry.PROPOSAL_TEXTS]


@st.composite
def learner(draw: st.DrawFn, case) -> tuple[dict[str, Any], list[str]]:
    """A learner's answers and the text answers ticked to share."""
    return draw(answers(case)), draw(st.lists(st.sampled_from(_text_keys(case)), unique=True, max_size=4))


def _share(store: AnswerStore, folder: Path, ticks: list[str], case) -> None:
    """Share as the control does: nothing to share is refused and writes nothing."""
    empty = not classroom.snapshot(store, ticks, case=case)["answers"]
    before = sorted(folder.rglob("*.json"))
    if empty:
        with pytest.raises(ClassFolderError):
            classroom.share(store, folder, ticks, case=case)
        assert sorted(folder.rglob("*.json")) == before
    else:
        classroom.share(store, folder, ticks, case=case)


def _open_view(case, folder: Path) -> None:
    view = ClassView(case, folder)
    assert 'role="alert"' not in view.status.value, view.status.value
    for round_id in [value for _label, value in view.round.options]:
        view.round.value = round_id
        for compare in [value for _label, value in view.compare.options]:
            view.compare.value = compare
    keys = [value for _label, value in view.stakeholder.options]
    for key in [k for k in keys if k.startswith(classroom.summary.OWN_GROUP)] + keys[:2]:
        view.stakeholder.value = key
    view.refresh_button.click()
    assert 'role="alert"' not in view.status.value, view.status.value


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_the_live_view_and_the_report_take_whatever_the_widgets_share(case, tmp_path: Path, data) -> None:
    """1–4 learners share (and some again in a second round): the view opens and switches its round,
    compare and stakeholder dropdowns without an alert, and the report renders with its text sections."""
    learners = data.draw(st.lists(learner(case), min_size=1, max_size=4), label="learners")
    second = data.draw(st.lists(st.tuples(st.integers(0, 3), learner(case)), max_size=2), label="round 2")
    with tempfile.TemporaryDirectory(dir=tmp_path) as base:
        folder = Path(base) / "holdet"
        folder.mkdir()
        stores = []
        for n, (found, ticks) in enumerate(learners):
            store = AnswerStore.open(Path(base) / f"elev-{n}", case=case)
            for key, value in found.items():
                store.save(key, value)
            _share(store, folder, ticks, case)
            stores.append(store)
        if second:
            classroom.open_round(folder, "Efter diskussionen")
            for which, (found, ticks) in second:
                store = stores[which % len(stores)]
                for key, value in found.items():
                    store.save(key, value)
                _share(store, folder, ticks, case)
        _open_view(case, folder)
        try:
            summary = classroom.summarize(folder, case=case)
        except ClassFolderError:
            assert not list(folder.rglob("*.json"))  # nobody had anything to share
            return
        # With the text sections and in projection mode: every section and chart the plain report has, and
        # more (the plain report of such a class is rendered in test_report.py).
        assert classroom.render_report(summary, with_text=True, projection=True)


# -- the widgets save only these shapes ----------------------------------------------------------------------
def widget_shape(key: str, value: Any, case) -> bool:
    """Whether ``value`` is of the shape the strategies above draw for ``key``."""
    point = {None, *registry.SCALE}
    if key == registry.STAKEHOLDER_MAP:
        for actor, place in value.items():
            if registry.is_own_stakeholder(actor):
                name = place.get("name")
                if set(place) != {"name", "at_table", "power", "interest"} or not isinstance(name, str):
                    return False
                if name != name.strip() or not 0 < len(name) <= registry.OWN_NAME_MAX:
                    return False
                if not isinstance(place["at_table"], bool):
                    return False
            elif set(place) != {"power", "interest"} or place == {"power": None, "interest": None}:
                return False
            if place["power"] not in point or place["interest"] not in point:
                return False
        return True
    if key == registry.GOAL_DIVERGENCE:
        speakers = {a.id for a in case.actors if a.speaks}
        return all(k in speakers and v in registry.SCALE for k, v in value.items())
    if key == registry.DECISION_POINT:
        options = set(case.activity(registry.DECISION_POINT).get("options") or {})
        return set(value) == {"choice", "justification"} and (
            value["choice"] is None or value["choice"] in options
        )
    if key in registry.DILEMMAS:
        fields = {"position", "left", "right", "justification", "paragraphs", "missing_voices"}
        texts = all(isinstance(value[f], str) for f in ("left", "right", "justification", "missing_voices"))
        return (
            set(value) == fields
            and value["position"] in point
            and texts
            and isinstance(value["paragraphs"], list)
        )
    if key == registry.PARTICIPATION_PLAN:
        return all(v in registry.LEVELS for v in value.values())
    return isinstance(value, str)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    points=st.lists(st.integers(0, 5), min_size=8, max_size=8),
    name=st.sampled_from(NAMES),
    text=TEXT,
    choose=st.booleans(),
)
def test_the_widgets_save_only_these_shapes(case, tmp_path: Path, points, name, text, choose) -> None:
    """Set the real widgets' controls (0 for unset), add an own stakeholder and place it on the grid, type
    text: every value saved is of a shape :func:`widget_shape` accepts (and so the property above covers
    what learners share)."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as base:
        store = AnswerStore.open(Path(base) / "elev", case=case)
        grid = widgets.stakeholder_map(case, store).inputs["grid"]
        first = case.actors[0].id
        axes = [p or None for p in points]  # 0: not placed
        grid.receive({"type": "place", "id": first, "power": axes[0], "interest": axes[1]})
        grid.receive({"type": "add", "name": name, "at_table": choose})
        grid.receive({"type": "place", "id": "own-1", "power": axes[2], "interest": axes[3]})
        goals = widgets.goal_divergence(case, store)
        goals.inputs[next(a.id for a in case.actors if a.speaks)].value = points[4]
        decision = widgets.decision_point(case, store)
        decision.inputs["justification"].value = text
        if choose:
            decision.inputs["choice"].value = decision.inputs["choice"].options[0][1]
        dilemma = widgets.dilemma(case, store, 1)
        dilemma.inputs["position"].value = points[5]
        dilemma.inputs["left"].value = text
        dilemma.inputs["missing_voices"].value = text
        questions = widgets.questions(case, store)
        questions.inputs[case.questions[0].id].value = text
        plan = widgets.proposal(case, store)
        plan.inputs[f"{registry.PARTICIPATION_PLAN}.{first}"].value = registry.LEVELS[points[6] % 5]
        plan.inputs["proposal.minutes"].value = text
        save_queue(store).flush()
        saved = store.as_dict()
        assert saved  # something was saved
        for key, value in saved.items():
            assert widget_shape(key, value, case), (key, value)


# -- the moves between two rounds, drawn -------------------------------------------------------------------
def _drawn(chart) -> Counter[tuple[str, int]]:
    """The counts written on a move chart's lines, added up per item and way: (key, +1 | -1 | 0) -> count."""
    found: Counter[tuple[str, int]] = Counter()
    for text in chart.figure.findobj(lambda a: a.get_gid() == "casekit-move-count"):
        key, start, end = text.get_label().split(":")
        found[key, (int(end) > int(start)) - (int(end) < int(start))] += int(text.get_text())
    return found


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_the_move_charts_count_what_the_summary_says(case, tmp_path: Path, data) -> None:
    """1–5 learners share, the round changes, some of them share again: the move charts' counts (on the
    lines, and in the table) equal ClassSummary.moves and .dilemma_moves for every speaker and dilemma, and
    each chart's alt text holds the summary's sentences; with nobody in both rounds, there is no chart."""
    learners = data.draw(st.lists(learner(case), min_size=1, max_size=5), label="round 1")
    again = data.draw(
        st.lists(st.tuples(st.integers(0, 4), learner(case)), min_size=1, max_size=5), label="round 2"
    )
    with tempfile.TemporaryDirectory(dir=tmp_path) as base:
        folder = Path(base) / "holdet"
        folder.mkdir()
        stores = []
        for n, (found, ticks) in enumerate(learners):
            store = AnswerStore.open(Path(base) / f"elev-{n}", case=case)
            for key, value in found.items():
                store.save(key, value)
            _share(store, folder, ticks, case)
            stores.append(store)
        classroom.open_round(folder, "Efter diskussionen")
        for which, (found, ticks) in again:
            store = stores[which % len(stores)]
            for key, value in found.items():
                store.save(key, value)
            _share(store, folder, ticks, case)
        try:
            summary = classroom.summarize(folder, case=case)
        except ClassFolderError:
            return  # nobody had anything to share
        if len(summary.rounds) < 2:
            return
        first, second = summary.rounds
        drawn = {chart.title: chart for chart in summary.move_charts(first, second)}
        for moves, kind in (
            (summary.moves(first, second), "goals"),
            (summary.dilemma_moves(first, second), "dilemmas"),
        ):
            chart = drawn.get(t(f"class.chart.moves.{kind}_title", "da"))
            event(f"{kind} moved" if any(move.n for move in moves) else f"no {kind} in both rounds")
            if not any(move.n for move in moves):
                assert chart is None
                continue
            assert chart is not None
            lines = _drawn(chart)
            table = {row[0]: list(row[1:5]) for row in chart.table.itertuples(index=False, name=None)}
            for move in moves:
                expected = [move.toward_right, move.toward_left, move.stayed]
                assert [lines[move.actor, sign] for sign in (1, -1, 0)] == expected, move
                assert table[move.name] == [*expected, move.n]
                assert move.sentence in chart.alt

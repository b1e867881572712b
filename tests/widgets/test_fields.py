"""Every control a learner reads is labelled in full and named for a screen reader (casekit/widgets/base.py:
``field``, ``Checklist``, the stylesheet ``templates/fields.css``): labels wrap instead of being cut with "…",
a text box's label stands above it, the goal chart's dropdowns are named by their person, cited paragraphs
are ticked with checkboxes, and no label carries ``title="null"``. The browser tests measure the same on the
page (tests/e2e/test_screens.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import ipywidgets as W
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import casekit
from casekit import registry, widgets
from casekit.answers import AnswerStore
from casekit.i18n import t
from casekit.widgets.base import Checklist


def _walk(widget: W.Widget) -> Iterator[W.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _described(widget: W.Widget) -> list[W.Widget]:
    """The controls with a visible label of ipywidgets' own (a ``description``)."""
    return [
        w
        for w in _walk(widget)
        if isinstance(w, W.widgets.widget_description.DescriptionWidget)
        and not isinstance(w, (W.HTML, W.Button, W.Label))
        and getattr(w, "description", "")
    ]


def _activities(case: casekit.Case, store: AnswerStore) -> dict[str, W.Widget]:
    """Every learner activity built from its notebook's call (the map is the map's own tests')."""
    return {
        "language": widgets.language(),
        "decision": widgets.decision_point(case, store),
        "goals": widgets.goal_divergence(case, store),
        **{f"dilemma-{n}": widgets.dilemma(case, store, n) for n in (1, 2, 3)},
        "questions": widgets.questions(case, store),
        "proposal": widgets.proposal(case, store),
    }


@pytest.fixture
def built(case, store) -> dict[str, W.Widget]:
    return _activities(case, store)


class TestLabelsAreReadInFull:
    """A label is never cut: each described control carries casekit's field classes, text boxes have their
    label above them, and the page gets the stylesheet that makes the classes work."""

    def test_every_described_control_is_a_field(self, built):
        for name, activity in built.items():
            controls = _described(activity)
            assert controls, name
            for control in controls:
                assert "casekit-field" in control._dom_classes, (name, control.description)

    def test_text_boxes_have_their_label_above_and_fill_the_column(self, built):
        """A text box beside a 9em label ran past the column's right edge; above it, the box fills the
        column (width auto in a column box), never 100 % plus a label."""
        boxes = [w for a in built.values() for w in _walk(a) if isinstance(w, (W.Textarea, W.Text))]
        assert len(boxes) >= 10 + 3 * 4 + 3  # questions, the dilemmas' four, the proposal's three
        for box in boxes:
            assert "casekit-above" in box._dom_classes, box.description
            assert box.layout.width == "auto", box.description

    def test_no_label_carries_a_null_title(self, built):
        """ipywidgets 8 writes the tooltip into the label's title: None became title="null"."""
        for name, activity in built.items():
            for control in _described(activity):
                assert control.tooltip is not None, (name, control.description)

    def test_the_stylesheet_comes_with_each_activity(self, built):
        """The rules are casekit's stylesheet (fields.css), in a hidden HTML widget of the activity."""
        for name, activity in built.items():
            styles = [w for w in _walk(activity) if isinstance(w, W.HTML) and "<style>" in w.value]
            assert styles, name
            assert ".casekit-field" in styles[0].value and "white-space: normal" in styles[0].value
            assert styles[0].layout.display == "none"
            assert "&gt;" not in styles[0].value  # CSS is not HTML-escaped (a > selector must stay one)


class TestScreenReaderNames:
    """Each control's accessible name says whose or what it is."""

    def test_the_goal_dropdowns_are_named_by_person(self, case, store):
        activity = widgets.goal_divergence(case, store)
        names = {actor_id: control.description for actor_id, control in activity.inputs.items()}
        speakers = {a.id: a.name for a in case.actors if a.speaks}
        assert names == {k: t("widgets.goals.position", "da", name=n) for k, n in speakers.items()}
        assert len(set(names.values())) == len(names)

    def test_cited_paragraphs_are_checkboxes_named_by_their_reference(self, case, store):
        """Tab and Space (or a tap) tick a paragraph: no multi-select, which needs Ctrl-click."""
        activity = widgets.dilemma(case, store, 1)
        assert not [w for w in _walk(activity) if isinstance(w, W.SelectMultiple)]
        checklist = activity.inputs["paragraphs"]
        assert isinstance(checklist, Checklist)
        refs = [b.ref for s in case.sections if s.part is not None for b in (p[0] for p in s.paragraphs)]
        assert list(checklist.boxes) == refs
        for ref, box in checklist.boxes.items():
            assert isinstance(box, W.Checkbox) and box.description.startswith(case.cite(ref) + ": ")
            assert "del-" not in box.description
        label = html_of(checklist.children[0])
        assert t("widgets.dilemma.paragraphs", "da") in label

    def test_english_paragraphs_are_cited_by_the_editions_parts(self, tmp_path):
        case = casekit.load_case("samskabelse", lang="en")
        with AnswerStore.open(tmp_path / "answers", case=case) as store:
            boxes = widgets.dilemma(case, store, 1).inputs["paragraphs"].boxes
        assert next(iter(boxes.values())).description.startswith("Part 1 ¶1: ")


class TestChecklist:
    """Ticking boxes and setting ``value`` are the same thing, and every change is saved."""

    def test_ticking_saves_in_the_cases_order_and_unticking_too(self, case, store):
        activity = widgets.dilemma(case, store, 2)
        boxes = activity.inputs["paragraphs"].boxes
        first, *_between, last = boxes
        boxes[last].value = True
        boxes[first].value = True
        assert store.get("dilemma-2")["paragraphs"] == [first, last]
        boxes[last].value = False
        assert store.get("dilemma-2")["paragraphs"] == [first]

    def test_a_restored_answer_ticks_its_boxes(self, case, store):
        store.save("dilemma-3", {"paragraphs": ["del-2 ¶1", "del-9 ¶9"]})
        boxes = widgets.dilemma(case, store, 3).inputs["paragraphs"].boxes
        assert [ref for ref, box in boxes.items() if box.value] == ["del-2 ¶1"]

    @settings(max_examples=40, deadline=None)
    @given(
        ticks=st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=12),
        value=st.lists(st.sampled_from(["a", "b", "c", "d", "x"]), max_size=5),
    )
    def test_value_and_boxes_agree_whatever_is_done(self, ticks, value):
        """Any sequence of ticks, then any value set from code (unknown ones dropped): the boxes and the
        value agree, in the options' order, and the value changes only when the choice does."""
        options = [(f"Afsnit {k}", k) for k in "abcdef"]
        checklist = Checklist(options, (), "Afsnit")
        seen: list[tuple[str, ...]] = []
        checklist.observe(lambda change: seen.append(change["new"]), names="value")
        keys = [k for _label, k in options]
        for index, on in ticks:
            checklist.boxes[keys[index]].value = on
            assert checklist.value == tuple(k for k in keys if checklist.boxes[k].value)
        checklist.value = tuple(value)
        assert checklist.value == tuple(k for k in keys if k in value)
        assert [k for k in keys if checklist.boxes[k].value] == list(checklist.value)
        assert all(a != b for a, b in itertools.pairwise(seen))


class TestOwnStakeholdersInThePlan:
    """A stakeholder the learner added on the map is in the participation plan too, by its name."""

    def test_the_plan_offers_the_learners_own_and_saves_its_level(self, case, store):
        own = {"name": "Lærerne", "at_table": False, "power": 2, "interest": 5}
        store.save(registry.STAKEHOLDER_MAP, {"own-1": own, "own-2": {"name": "Nabo", "at_table": True}})
        activity = widgets.proposal(case, store)
        control = activity.inputs["proposal.participation.own-1"]
        assert control.description == t("map.own.marker", "da", name="Lærerne")
        assert "proposal.participation.own-2" in activity.inputs  # placed or not, it is on the map
        plan_keys = [k.rpartition(".")[2] for k in activity.inputs if k.startswith("proposal.participation.")]
        assert plan_keys == [a.id for a in case.actors] + ["own-1", "own-2"]
        control.value = "involve"
        activity.inputs["proposal.participation.kim"].value = "inform"
        assert store.get(registry.PARTICIPATION_PLAN) == {"own-1": "involve", "kim": "inform"}
        again = widgets.proposal(case, AnswerStore.open(store.path, case=case))
        assert again.inputs["proposal.participation.own-1"].value == "involve"

    def test_a_level_for_a_stakeholder_no_longer_on_the_map_is_kept_unshown(self, case, store):
        store.save(registry.PARTICIPATION_PLAN, {"own-3": "empower", "kim": "consult"})
        activity = widgets.proposal(case, store)
        assert "proposal.participation.own-3" not in activity.inputs
        activity.inputs["proposal.participation.kim"].value = "inform"
        assert store.get(registry.PARTICIPATION_PLAN) == {"own-3": "empower", "kim": "inform"}


def html_of(widget: W.Widget) -> str:
    return widget.value if isinstance(widget, W.HTML) else ""

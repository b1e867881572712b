"""The answer registry defines every answer once: its key, its place in the journey and its value's shape."""

from __future__ import annotations

import json

import pytest

from casekit import registry
from casekit.answers import AnswerStore
from casekit.errors import AnswerImportError
from casekit.i18n import t

GOOD = {
    "stakeholder-map": {"kim": {"power": 4, "interest": None}, "boern-unge": {"power": 1, "interest": 5}},
    "decision-point": {"choice": "interesser", "justification": "fordi"},
    "goal-divergence": {"kim": 1, "jorun": 5},
    "dilemma-1": {
        "position": None,
        "left": "a",
        "right": "b",
        "justification": "",
        "paragraphs": ["del-1 ¶1"],
    },
    "proposal.minutes": "Referat",
    "proposal.participation": {"kim": "inform", "boern-unge": "empower"},
}

BAD = [
    ("stakeholder-map", {"kim": {"power": 9, "interest": 1}}, "kim.power"),
    ("stakeholder-map", {"kim": {"magt": 3}}, "kim"),
    ("stakeholder-map", {"kim": 3}, "kim"),
    ("decision-point", ["interesser"], ""),
    ("goal-divergence", {"kim": True}, "kim"),
    ("goal-divergence", {"kim": 0}, "kim"),
    ("dilemma-1", {"paragraphs": 5}, "paragraphs"),
    ("dilemma-1", {"position": "3"}, "position"),
    ("proposal.minutes", {"text": "x"}, ""),
    ("proposal.participation", {"kim": "bestemme"}, "kim"),
]


class TestRegistry:
    """The journey's answers, in order, with the questions of the case in their place."""

    def test_answer_keys_follow_the_journey(self, case):
        """Map, decision, goals, the three dilemmas, the ten questions, then Kim and Sanne's task."""
        keys = registry.answer_keys(case)
        assert keys[:6] == [
            "stakeholder-map",
            "decision-point",
            "goal-divergence",
            "dilemma-1",
            "dilemma-2",
            "dilemma-3",
        ]
        assert keys[6:16] == [q.id for q in case.questions]
        assert keys[16:] == [
            "proposal.minutes",
            "proposal.overlap",
            "proposal.process",
            "proposal.participation",
        ]

    def test_questions_are_text_answers_of_their_notebook(self, case):
        """A question id is known with its case, as a text answer given in 04_spoergsmaal."""
        found = registry.spec("organisering-1", case)
        assert found is not None and (found.shape, found.notebook) == ("text", "04_spoergsmaal")
        assert registry.spec("organisering-1") is None

    def test_scale_is_shared(self):
        """The widgets and the charts use the registry's scale."""
        from casekit import charts, widgets

        assert registry.SCALE == (1, 2, 3, 4, 5)
        assert widgets.SCALE is registry.SCALE and charts.SCALE == registry.SCALE


class TestShapes:
    """Each value is checked against its shape in the export schema, with the place of the problem."""

    @pytest.mark.parametrize(("key", "value"), GOOD.items())
    def test_good_values_fit(self, case, key, value):
        """What the activities save fits."""
        assert registry.problems(key, value, case) == []

    @pytest.mark.parametrize(("key", "value", "where"), BAD)
    def test_bad_values_are_named(self, case, key, value, where):
        """A value that does not fit gives one problem that says where in the value."""
        (problem,) = registry.problems(key, value, case, lang="en")
        assert problem.where == where
        assert problem.message

    def test_messages_in_danish_and_english(self, case):
        """The problem is worded from the catalog, in the learner's language."""
        (da,) = registry.problems("goal-divergence", {"kim": 9}, case)
        (en,) = registry.problems("goal-divergence", {"kim": 9}, case, lang="en")
        assert str(da) == "kim: skal være et helt tal fra 1 til 5, ikke 9"
        assert str(en) == "kim: must be a whole number from 1 to 5, not 9"

    def test_unknown_keys_fit_anything(self):
        """A key the registry does not know (an answer of a later casekit) is not refused for its value."""
        assert registry.problems("something-new", [1, {"a": None}]) == []


class TestClean:
    """A stale value is cut to what still fits the case; nothing else is lost."""

    def test_unknown_actors_and_off_scale_values_are_left_out(self, case):
        """Unknown actors go, values off the scale become not placed, the rest stays."""
        value = {"kim": {"power": 9, "interest": 3}, "nobody": {"power": 1, "interest": 1}}
        assert registry.clean("stakeholder-map", value, case) == {"kim": {"power": None, "interest": 3}}

    def test_wrong_fields_of_a_dilemma_are_dropped(self, case):
        """A dilemma keeps the fields of the right type."""
        assert registry.clean("dilemma-1", {"paragraphs": 5, "left": "A", "x": 1}, case) == {"left": "A"}

    def test_a_value_of_the_wrong_kind_is_nothing(self, case):
        """A decision saved as a list is no decision at all."""
        assert registry.clean("decision-point", ["a"], case) is None

    def test_goal_placements_only_for_speakers(self, case):
        """Only speaking actors can be placed on the goal scale."""
        assert registry.clean("goal-divergence", {"kim": 2, "flemming": 3, "jorun": "5"}, case) == {"kim": 2}


def test_import_refuses_a_value_of_the_wrong_shape(store: AnswerStore):
    """An imported value that does not fit its activity is refused, the key named; nothing is written."""
    doc = {
        "format": "casekit-answers",
        "schema_version": 1,
        "case": {"id": "samskabelse", "version": "1", "lang": "da"},
        "answers": {
            "decision-point": {"history": [{"value": ["interesser"], "saved_at": "2025-03-01T10:00:00Z"}]},
        },
    }
    with pytest.raises(AnswerImportError, match="decision-point") as info:
        store.import_bytes(json.dumps(doc).encode(), name="svar.json")
    assert "svar.json" in str(info.value)
    assert store.count() == 0


def test_stakeholder_map_old_and_new_shapes_fit():
    """Old placements and placements with the learner's own stakeholders both fit the schema."""
    assert registry.fits("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
    own = {"name": "Lærerne", "at_table": False, "power": 3, "interest": None}
    value = {"kim": {"power": 4}, "own-1": own, "own-99": {**own, "name": "X"}}
    assert registry.fits("stakeholder-map", value)


@pytest.mark.parametrize(
    "value",
    [
        {"kim": {"power": 4, "name": "Kim"}},  # a case actor's key with a name
        {"own-1": {"power": 3, "interest": 3}},  # an own key without a name
        {"own-1": {"name": "", "at_table": True}},
        {"own-1": {"name": "   ", "at_table": True}},
        {"own-1": {"name": "x" * 81, "at_table": True}},
        {"own-1": {"name": "Lærerne", "at_table": "ja"}},
        {"own-1": {"name": "Lærerne", "at_table": True, "power": 9}},
        {"own-1": {"name": "Lærerne", "at_table": True, "colour": "red"}},
        {"own-01": {"name": "Lærerne", "at_table": True}},
        {"own-100": {"name": "Lærerne", "at_table": True}},
    ],
)
def test_stakeholder_map_refuses_colliding_or_malformed_own_entries(value):
    """An own entry on a case actor's key, or one with a bad name, flag or key, does not fit."""
    assert not registry.fits("stakeholder-map", value)


def test_clean_keeps_own_stakeholders_and_never_lets_them_take_an_actor(case):
    """clean keeps own entries (name trimmed) and drops a name on a case actor's placement."""
    value = {
        "kim": {"power": 4, "interest": 5, "name": "Kim"},
        "own-1": {"name": " Lærerne ", "at_table": False, "power": 3},
        "own-2": {"name": "", "at_table": True},
        "own-x": {"name": "Nogen", "at_table": True},
    }
    assert registry.clean("stakeholder-map", value, case) == {
        "kim": {"power": 4, "interest": 5},
        "own-1": {"name": "Lærerne", "at_table": False, "power": 3, "interest": None},
    }
    assert not any(registry.is_own_stakeholder(a.id) for a in case.actors)


class TestAnswered:
    """ "Answered" has one definition: the learner's progress line and hand-in preview count what the
    class report counts."""

    @pytest.mark.parametrize(
        ("key", "value", "answered"),
        [
            ("dilemma-1", {"position": None, "left": "Noget andet", "right": "Og noget mere"}, False),
            ("dilemma-1", {"position": 2}, True),
            ("dilemma-1", {"position": None, "missing_voices": "Børnene"}, True),
            ("stakeholder-map", {"kim": {"power": 4, "interest": None}}, False),
            ("stakeholder-map", {"kim": {"power": 4, "interest": 1}}, True),
            ("decision-point", {"choice": None, "justification": "  "}, False),
            ("organisering-1", "   ", False),
            ("organisering-1", "Et svar", True),
        ],
    )
    def test_learner_and_class_report_agree(self, case, tmp_path, key, value, answered):
        """A pole renamed alone, or a stakeholder with power but no interest, is not an answer: not in
        the progress line, the hand-in preview, nor the class report's count."""
        from casekit import answers, classroom, widgets

        assert registry.is_answered(key, value, case) is answered
        with answers.AnswerStore.open(tmp_path / "store", case=case) as store:
            store.save(key, value)
            notebook = registry.spec(key, case).notebook
            bar = widgets.progress(case, store, notebook=notebook).view.value
            assert f'value="{int(answered)}"' in bar
            preview = widgets.handin(case, store).children
            count = t(
                "widgets.handin.count", "da", answered=int(answered), total=len(registry.answer_keys(case))
            )
            assert any(count in getattr(child, "value", "") for child in preview)
            folder = tmp_path / "class"
            folder.mkdir()
            store.save("organisering-2", "Så der er noget at dele")  # the report needs one answer at least
            classroom.share(store, folder, text_keys=[key, "organisering-2"], case=case)
        summary = classroom.summarize(folder, case=case)
        counted = summary.answered[summary.answered["key"] == key]["answered"].tolist()
        assert counted == [answered]


def test_the_plan_keeps_the_learners_own_stakeholders(case):
    """A level for a stakeholder the learner added (own-1…, named in their map) is part of the plan: the
    schema takes it, clean keeps it; old plans of case actors only are as valid as before."""
    old = {"kim": "inform", "boern-unge": "empower"}
    assert registry.fits(registry.PARTICIPATION_PLAN, old)
    assert registry.clean(registry.PARTICIPATION_PLAN, old, case) == old
    mixed = {"kim": "inform", "own-1": "involve", "own-99": "empower"}
    assert registry.fits(registry.PARTICIPATION_PLAN, mixed)
    assert registry.clean(registry.PARTICIPATION_PLAN, mixed, case) == mixed
    stray = {"own-x": "inform", "own-100": "inform", "nobody": "inform", "own-2": "decide"}
    assert registry.clean(registry.PARTICIPATION_PLAN, stray, case) == {}
    assert registry.is_answered(registry.PARTICIPATION_PLAN, {"own-1": "consult"}, case)

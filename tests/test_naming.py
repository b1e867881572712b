"""What an answer is called (casekit.naming): one place for every screen and document."""

from __future__ import annotations

from casekit import naming, registry
from casekit.i18n import t


def test_a_question_by_its_number_and_text(case):
    question = case.questions[2]
    assert naming.answer_title(case, question.id) == f"{question.number}. {question.text}"


def test_an_activity_by_the_case_s_title_then_the_catalog(case):
    title = case.activity(registry.STAKEHOLDER_MAP).get("title")
    assert naming.answer_title(case, registry.STAKEHOLDER_MAP) == (
        title or t("activity.stakeholder-map", "da")
    )
    assert naming.activity_title(registry.STAKEHOLDER_MAP, "en") == t("activity.stakeholder-map", "en")


def test_a_part_of_an_activity_by_the_activity_and_the_part(case):
    """``proposal.minutes``: the activity's title · the part's label from the case's fields."""
    fields = case.activity("proposal")["fields"]
    title = naming.answer_title(case, "proposal.minutes")
    assert title.endswith(" · " + fields["minutes"])


def test_an_unknown_key_is_shown_as_it_is(case):
    assert naming.answer_title(case, "no-such-answer") == "no-such-answer"
    assert naming.field_label("no_such_field", "da") == "no_such_field"


# -- what an answer says: the share preview's lines ----------------------------------------------------------
import re  # noqa: E402  (the tests above need nothing of it)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LEVEL_IDS = re.compile(r"\b(inform|consult|involve|collaborate|empower)\b")


def _internal(line: str, case) -> list[str]:
    """The internal values in ``line``: keys, field names, booleans, level and option ids."""
    found = re.findall(r"\bown-\d+\b|\bat_table\b|\bTrue\b|\bFalse\b|\bNone\b|\bdel-\d", line)
    found += LEVEL_IDS.findall(line)
    options = case.activity(registry.DECISION_POINT).get("options") or {}
    found += [key for key in options if re.search(rf": {re.escape(key)}(;|$)", line)]  # an id as a value
    return found


def _learner_answers() -> st.SearchStrategy[dict]:
    """A stakeholder map (the case's actors and own stakeholders, placed or not), a participation plan, a
    decision and a dilemma, as the widgets save them."""
    import casekit

    case = casekit.load_case("samskabelse", lang="da")
    actors = [a.id for a in case.actors]
    own_keys = [registry.own_stakeholder_key(n) for n in range(1, 4)]
    axis = st.one_of(st.none(), st.integers(1, 5))
    place = st.fixed_dictionaries({"power": axis, "interest": axis})
    own = st.fixed_dictionaries(
        {
            "name": st.text(alphabet="abcæøå ", min_size=1, max_size=12).filter(str.strip),
            "at_table": st.booleans(),
            "power": axis,
            "interest": axis,
        }
    )
    placements = st.tuples(
        st.dictionaries(st.sampled_from(actors), place, max_size=5),
        st.dictionaries(st.sampled_from(own_keys), own, max_size=3),
    ).map(lambda parts: {**parts[0], **parts[1]})
    refs = sorted({b.ref for b in case.blocks if case.section(b.section).part is not None})
    options = list(case.activity(registry.DECISION_POINT)["options"])
    return st.fixed_dictionaries(
        {
            registry.STAKEHOLDER_MAP: placements,
            registry.PARTICIPATION_PLAN: st.dictionaries(
                st.sampled_from(actors + own_keys), st.sampled_from(registry.LEVELS), max_size=6
            ),
            registry.DECISION_POINT: st.fixed_dictionaries(
                {"choice": st.sampled_from([None, *options]), "justification": st.just("")}
            ),
            "dilemma-2": st.fixed_dictionaries(
                {
                    "position": axis,
                    "left": st.just("Styring"),
                    "right": st.just("Frihed"),
                    "paragraphs": st.lists(st.sampled_from(refs), unique=True),
                }
            ),
        }
    )


class TestAnswerText:
    """A shared answer reads in the case's names and the catalog's words: never a key, a field name or an id
    (the share preview showed "own-1 (name Lærerne, at_table False…)", "Dit valg: interesser", the
    participation plan as "inform; consult…")."""

    def test_the_map_names_the_learners_own_stakeholders(self, case):
        value = {
            "kim": {"power": 4, "interest": 3},
            "own-1": {"name": "Lærerne", "at_table": False, "power": 2, "interest": 5},
            "own-2": {"name": "Nabo", "at_table": True, "power": None, "interest": None},
        }
        line = naming.answer_text(case, registry.STAKEHOLDER_MAP, value)
        power, interest = t("export.field.power", "da"), t("export.field.interest", "da")
        own = t("map.own.marker", "da", name="Lærerne")
        assert line == f"Kim: {power} 4, {interest} 3; {own}: {power} 2, {interest} 5"
        assert not _internal(line, case)

    def test_the_decision_by_its_options_words(self, case):
        options = case.activity(registry.DECISION_POINT)["options"]
        line = naming.answer_text(
            case, registry.DECISION_POINT, {"choice": "interesser", "justification": ""}
        )
        assert line == f"{t('export.field.choice', 'da')}: {options['interesser']}"

    def test_the_plan_by_the_cases_levels_and_the_maps_names(self, case):
        levels = case.activity("proposal")["levels"]
        answers = {registry.STAKEHOLDER_MAP: {"own-1": {"name": "Lærerne", "at_table": True}}}
        plan = {"kim": "inform", "own-1": "involve", "own-2": "empower"}
        line = naming.answer_text(case, registry.PARTICIPATION_PLAN, plan, answers)
        assert (
            line
            == f"Kim: {levels['inform']}; {t('map.own.marker', 'da', name='Lærerne')}: {levels['involve']}"
        )

    def test_a_dilemma_cites_paragraphs_as_the_edition_does(self, case):
        value = {"position": 1, "left": "Styring", "right": "Frihed", "paragraphs": ["del-1 ¶3", "del-2 ¶1"]}
        line = naming.answer_text(case, "dilemma-1", value)
        assert t("widgets.dilemma.point_left", "da", pole="Styring") in line
        assert "Del 1 ¶3, Del 2 ¶1" in line and not _internal(line, case)

    @settings(max_examples=60, deadline=None)
    @given(answers=_learner_answers())
    def test_no_line_shows_an_internal_value(self, case, answers):
        """Any map, plan, decision and dilemma a learner's widgets can save reads without an internal
        value."""
        for key, value in answers.items():
            line = naming.answer_text(case, key, value, answers)
            assert not _internal(line, case), (key, value, line)

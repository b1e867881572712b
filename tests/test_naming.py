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

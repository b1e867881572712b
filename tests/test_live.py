"""Answers that come into the store while the notebook is open (a restore from the browser's copy, an
uploaded JSON file) show at once in the activities already on the page, and nothing is saved twice."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from casekit import _live, widgets
from casekit._mirror import BrowserCopy
from casekit.answers import AnswerStore
from casekit.export import export_json
from casekit.i18n import t

OWN = {"name": "Forældrebestyrelsen <b>", "at_table": False, "power": 2, "interest": 5}
ANSWERS: dict[str, Any] = {
    "stakeholder-map": {
        "kim": {"power": 4, "interest": 5},
        "majbritt": {"power": 5, "interest": 2},
        "own-1": OWN,
    },
    "decision-point": {"choice": "maal-foerst", "justification": "Målene først, æøå"},
    "goal-divergence": {"kim": 2, "jorun": 5},
    "dilemma-1": {
        "position": 4,
        "left": "Fælles mål",
        "right": "Egne mål",
        "justification": "Fordi foreningerne er frivillige",
        "paragraphs": [],
        "missing_voices": "Børnene selv",
    },
    "organisering-1": "Et svar fra sidste session",
    "proposal.minutes": "Referat: vi mødtes",
    "proposal.participation": {"kim": "collaborate", "majbritt": "involve"},
}


@pytest.fixture
def earlier(tmp_path: Path, case: Any) -> str:
    """The export of an earlier session's store that answered every kind of activity."""
    with AnswerStore.open(tmp_path / "earlier", case=case) as old:
        for key, value in ANSWERS.items():
            old.save(key, value)
        return export_json(old)


@pytest.fixture
def page(case: Any, store: AnswerStore) -> dict[str, Any]:
    """A notebook's activities on a fresh, empty store, as a learner opens them in a new session."""
    return {
        "map": widgets.stakeholder_map(case, store),
        "decision": widgets.decision_point(case, store),
        "goals": widgets.goal_divergence(case, store),
        "dilemma": widgets.dilemma(case, store, 1),
        "questions": widgets.questions(case, store),
        "proposal": widgets.proposal(case, store),
        "progress": widgets.progress(case, store, notebook="01_del1"),
        "handin": widgets.handin(case, store),
    }


def assert_page_shows_every_answer(page: dict[str, Any]) -> None:
    inputs = page["map"].inputs
    assert (inputs["kim.power"].value, inputs["kim.interest"].value) == (4, 5)
    assert (inputs["majbritt.power"].value, inputs["majbritt.interest"].value) == (5, 2)
    assert (inputs["own-1.power"].value, inputs["own-1.interest"].value) == (2, 5)
    assert "Forældrebestyrelsen &lt;b&gt;" in page["map"].chart.value  # the own stakeholder, escaped
    decision = page["decision"].inputs
    assert decision["choice"].value == "maal-foerst"
    assert decision["justification"].value == "Målene først, æøå"
    assert page["goals"].inputs["kim"].value == 2 and page["goals"].inputs["jorun"].value == 5
    dilemma = page["dilemma"].inputs
    assert dilemma["position"].value == 4
    assert dilemma["right"].value == "Egne mål"
    assert any("Egne mål" in label for label, _value in dilemma["position"].options)  # relabelled
    assert dilemma["missing_voices"].value == "Børnene selv"
    assert page["questions"].inputs["organisering-1"].value == "Et svar fra sidste session"
    proposal = page["proposal"].inputs
    assert proposal["proposal.minutes"].value == "Referat: vi mødtes"
    assert proposal["proposal.participation.kim"].value == "collaborate"
    assert 'value="2" max="2"' in page["progress"].view.value  # 01_del1: the map and the decision


def test_a_restore_from_the_browser_fills_the_page(
    page: dict[str, Any], case: Any, store: AnswerStore, earlier: str
):
    """Restoring the browser's copy puts every answer back into the controls already shown, and the
    controls do not save them again (the store holds exactly the imported revisions)."""
    total = len(widgets.task_keys(case))
    none_yet = t("widgets.handin.count", "da", answered=0, total=total)
    preview = next(c for c in page["handin"].children if none_yet in getattr(c, "value", ""))
    assert 'value="0" max="2"' in page["progress"].view.value
    result = BrowserCopy(store).restore(earlier)
    assert result is not None and result.added == len(ANSWERS)
    assert_page_shows_every_answer(page)
    assert store.count() == len(ANSWERS)
    answered = len(ANSWERS)  # every one a task of its own
    assert t("widgets.handin.count", "da", answered=answered, total=total) in preview.value


def test_an_upload_fills_the_page(page: dict[str, Any], store: AnswerStore, earlier: str):
    """An uploaded JSON export in 06_aflevering shows in the activities and the progress line too."""
    upload = page["handin"].inputs["upload"]
    content = earlier.encode()
    when = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    upload.value = (
        {
            "name": "svar.json",
            "type": "application/json",
            "size": len(content),
            "content": content,
            "last_modified": when,
        },
    )
    assert_page_shows_every_answer(page)
    assert store.count() == len(ANSWERS)


def test_the_learner_goes_on_after_a_restore(page: dict[str, Any], store: AnswerStore, earlier: str):
    """After a restore, a change is saved as usual (and keeps the restored answers beside it)."""
    BrowserCopy(store).restore(earlier)
    page["map"].inputs["sanne.power"].value = 3
    page["questions"].inputs["organisering-2"].value = "Nyt svar"
    widgets._queue(store).flush()
    assert store.get("stakeholder-map")["sanne"] == {"power": 3, "interest": None}
    assert store.get("stakeholder-map")["own-1"]["name"] == OWN["name"]
    assert store.get("organisering-2") == "Nyt svar"
    assert store.count() == len(ANSWERS) + 2


def test_the_newest_map_wins(case: Any, store: AnswerStore, earlier: str, tmp_path: Path):
    """A later map that dropped an own stakeholder and named another replaces the rows on the page."""
    activity = widgets.stakeholder_map(case, store)
    BrowserCopy(store).restore(earlier)
    assert activity.inputs["own-1.power"].value == 2
    with AnswerStore.open(tmp_path / "later", case=case) as later:
        own = {"name": "Lærerne", "at_table": True, "power": 3, "interest": 4}
        later.save("stakeholder-map", {"kim": {"power": 1, "interest": 1}, "own-2": own})
        text = export_json(later)
    assert store.import_bytes(text.encode()).added == 1
    assert _live.reload(store) >= 1
    assert "own-1.power" not in activity.inputs and "own-1.remove" not in activity.inputs
    assert (activity.inputs["own-2.power"].value, activity.inputs["own-2.interest"].value) == (3, 4)
    assert (activity.inputs["kim.power"].value, activity.inputs["majbritt.power"].value) == (1, 0)
    assert "Lærerne" in activity.chart.value and "Forældrebestyrelsen" not in activity.chart.value
    assert store.count() == len(ANSWERS) + 1


def test_a_failing_follower_does_not_stop_the_others(
    case: Any, store: AnswerStore, earlier: str, caplog: pytest.LogCaptureFixture
):
    """One control that cannot show the answers is logged; the rest still show them."""

    class Broken:
        def reload(self) -> None:
            raise RuntimeError("boom")

    broken = Broken()
    _live.follow(store, broken)
    decision = widgets.decision_point(case, store)
    with caplog.at_level(logging.ERROR, logger="casekit._live"):
        BrowserCopy(store).restore(earlier)
    assert decision.inputs["choice"].value == "maal-foerst"
    assert "boom" in caplog.text

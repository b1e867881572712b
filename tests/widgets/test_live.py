"""Answers that come into the store while the notebook is open (a restore from the browser's copy, an
uploaded JSON file) show at once in the activities already on the page, and nothing is saved twice."""

from __future__ import annotations

import functools
import json
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from casekit import widgets
from casekit.answers import AnswerStore, save_queue
from casekit.export import export_json
from casekit.i18n import t
from casekit.widgets import live
from casekit.widgets.base import Saver
from casekit.widgets.mirror import BrowserCopy

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


def uploaded(text: str) -> tuple[dict[str, Any], ...]:
    """A FileUpload value holding ``text`` as one JSON file, as ipywidgets 8 sets it from the browser."""
    content = text.encode()
    when = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    return (
        {
            "name": "svar.json",
            "type": "application/json",
            "size": len(content),
            "content": content,
            "last_modified": when,
        },
    )


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
    assert page["map"].inputs["grid"].placements == ANSWERS["stakeholder-map"]
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
    page["handin"].inputs["upload"].value = uploaded(earlier)
    assert_page_shows_every_answer(page)
    assert store.count() == len(ANSWERS)


def test_the_learner_goes_on_after_a_restore(page: dict[str, Any], store: AnswerStore, earlier: str):
    """After a restore, a change is saved as usual (and keeps the restored answers beside it)."""
    BrowserCopy(store).restore(earlier)
    page["map"].inputs["grid"].receive({"type": "place", "seq": 1, "id": "sanne", "power": 3, "interest": 4})
    page["questions"].inputs["organisering-2"].value = "Nyt svar"
    save_queue(store).flush()
    assert store.get("stakeholder-map")["sanne"] == {"power": 3, "interest": 4}
    assert store.get("stakeholder-map")["own-1"]["name"] == OWN["name"]
    assert store.get("organisering-2") == "Nyt svar"
    assert store.count() == len(ANSWERS) + 2


def test_the_newest_map_wins(case: Any, store: AnswerStore, earlier: str, tmp_path: Path):
    """A later map that dropped an own stakeholder and named another replaces the rows on the page."""
    activity = widgets.stakeholder_map(case, store)
    grid = activity.inputs["grid"]
    BrowserCopy(store).restore(earlier)
    assert grid.placements["own-1"]["power"] == 2
    with AnswerStore.open(tmp_path / "later", case=case) as later:
        own = {"name": "Lærerne", "at_table": True, "power": 3, "interest": 4}
        later.save("stakeholder-map", {"kim": {"power": 1, "interest": 1}, "own-2": own})
        text = export_json(later)
    assert store.import_bytes(text.encode()).added == 1
    assert live.reload(store) >= 1
    assert grid.placements == {"kim": {"power": 1, "interest": 1}, "own-2": own}
    assert store.count() == len(ANSWERS) + 1


def test_a_failing_follower_does_not_stop_the_others(
    case: Any, store: AnswerStore, earlier: str, caplog: pytest.LogCaptureFixture
):
    """One control that cannot show the answers is logged; every other one still shows them."""

    class Broken:
        def reload(self) -> None:
            raise RuntimeError("boom")

    ran: list[int] = []
    working = [live.Callback(functools.partial(ran.append, n)) for n in range(3)]
    live.follow(store, working[0])
    broken = Broken()
    live.follow(store, broken)
    for follower in working[1:]:
        live.follow(store, follower)
    decision = widgets.decision_point(case, store)
    with caplog.at_level(logging.ERROR, logger="casekit.widgets.live"):
        BrowserCopy(store).restore(earlier)
    assert decision.inputs["choice"].value == "maal-foerst"
    assert sorted(ran) == [0, 1, 2]
    assert "boom" in caplog.text


def test_only_the_imported_answers_are_reloaded(case: Any, store: AnswerStore, tmp_path: Path):
    """An import of one answer leaves the other boxes, and their status lines, as the learner sees them."""
    activity = widgets.questions(case, store)
    activity.inputs["organisering-2"].value = "skriver stadig"
    save_queue(store).flush()
    lines = [w.value for w in activity.statuses]
    with AnswerStore.open(tmp_path / "other", case=case) as other:
        other.save("organisering-1", "fra en fil")
        text = export_json(other)
    result = store.import_bytes(text.encode())
    assert live.reload(store, result.keys) == 1  # only organisering-1's box
    assert activity.inputs["organisering-1"].value == "fra en fil"
    assert activity.inputs["organisering-2"].value == "skriver stadig"
    after = [w.value for w in activity.statuses]
    assert sum(a != b for a, b in zip(lines, after, strict=True)) == 1  # one status line says "restored"


def test_an_import_between_reading_and_following_is_caught_up(case: Any, store: AnswerStore, earlier: str):
    """An activity that read the store just before an import, and follows just after it, shows the import."""
    saver = Saver(store, case)
    assert saver.restore("organisering-1") is None
    store.import_bytes(earlier.encode())
    live.reload(store)  # the import reached the page before this activity followed
    shown: list[Any] = []
    saver.follow("organisering-1", shown.append)
    assert shown == [ANSWERS["organisering-1"]]


def test_a_save_on_another_thread_while_loading(case: Any, store: AnswerStore):
    """Filling the controls from the store saves nothing, on that thread only: a learner's change handled
    on another thread meanwhile is saved."""
    saver = Saver(store, case)
    saver.follow("organisering-1", lambda _value: None)
    saver._loading_thread = threading.get_ident()  # this thread is filling the controls
    assert saver.loading and saver.save("organisering-1", "fra indlæsningen") is True
    worker = threading.Thread(target=saver.save, args=("organisering-1", "fra den studerende"))
    worker.start()
    worker.join()
    save_queue(store).flush()
    assert [r.value for r in store.history("organisering-1")] == ["fra den studerende"]


def test_a_newer_answer_in_the_store_stays(case: Any, store: AnswerStore, earlier: str):
    """What the learner wrote while the offer waited is newer than the copy: the box keeps it, and the
    copy's older answer is in the history."""
    activity = widgets.questions(case, store)
    activity.inputs["organisering-1"].value = "skrevet i denne session"
    save_queue(store).flush()
    BrowserCopy(store).restore(earlier)
    assert activity.inputs["organisering-1"].value == "skrevet i denne session"
    assert ANSWERS["organisering-1"] in [r.value for r in store.history("organisering-1")]


def test_nothing_new_still_fills_the_page(case: Any, store: AnswerStore, earlier: str):
    """Another notebook restored first (nothing is new here), yet this page was filled before: a restore
    shows the store's answers in its boxes."""
    activity = widgets.questions(case, store)
    store.import_bytes(earlier.encode())  # another kernel's restore: this page was not told
    assert activity.inputs["organisering-1"].value == ""
    result = BrowserCopy(store).restore(earlier)
    assert result is not None and result.added == 0
    assert activity.inputs["organisering-1"].value == ANSWERS["organisering-1"]


def test_an_upload_refreshes_the_browser_copy(case: Any, store: AnswerStore, earlier: str):
    """An uploaded file reaches the browser's copy too, not only at the next save."""
    copy = BrowserCopy(store, case, delay=3600)
    copy.received({"state": "empty"})
    copy.flush()
    sends = copy.sends
    handin = widgets.handin(case, store)
    handin.inputs["upload"].value = uploaded(earlier)
    copy.flush()
    assert copy.sends == sends + 1
    assert "organisering-1" in json.loads(copy.payload)["answers"]


def test_a_renamed_own_stakeholder_shows_under_its_new_name(case: Any, store: AnswerStore, tmp_path: Path):
    """An import that renamed one of the learner's own and moved another shows both on the grid as the
    store now has them."""
    grid = widgets.stakeholder_map(case, store).inputs["grid"]
    grid.receive({"type": "add", "name": "Lærerne"})
    grid.receive({"type": "add", "name": "Pædagogerne"})
    save_queue(store).flush()
    later_map = {
        "own-1": {"name": "Skolelederne", "at_table": True, "power": 5, "interest": 5},
        "own-2": {"name": "Pædagogerne", "at_table": True, "power": 2, "interest": 1},
    }
    with AnswerStore.open(tmp_path / "later", case=case) as later:
        later.save("stakeholder-map", later_map)
        text = export_json(later)
    live.reload(store, store.import_bytes(text.encode()).keys)
    assert grid.placements == later_map


class TestSaved:
    """Every save is announced to the followers of a store's saves; a burst becomes one delayed call."""

    def test_followers_of_saves_are_told_and_a_failing_one_is_skipped(self, store):
        """``saved`` tells each follower; one that raises is logged, the others still hear of it."""
        from casekit.widgets import live

        heard = []

        class Ear:
            def __init__(self, fail: bool) -> None:
                self.fail = fail

            def saved(self) -> None:
                heard.append(self.fail)
                if self.fail:
                    raise RuntimeError("boom")

        ears = [Ear(True), Ear(False)]
        for ear in ears:
            live.follow_saves(store, ear)
        live.saved(store)
        assert sorted(heard) == [False, True]

    def test_a_burst_is_one_call(self):
        """Three calls within the delay: one call, after the last; flush makes a waiting call now."""
        from casekit.widgets import live

        calls = []
        later = live.Debounced(lambda: calls.append(1), 60)
        for _ in range(3):
            later()
        assert later.pending and calls == []
        later.flush()
        assert calls == [1] and not later.pending
        later.flush()
        assert calls == [1]
        assert live.Debounced(lambda: calls.append(2), 0)() is None and calls == [1, 2]


class TestLooked:
    """``looked``: the learner came back to a page whose store another notebook may have changed; what shows
    the store as a whole counts again, an answer's own controls stay as the learner left them."""

    def test_whole_store_followers_reload_answer_controls_do_not(self, case: Any, store: AnswerStore):
        box = widgets.questions(case, store).inputs["etik-1"]
        box.value = "skrevet her"
        calls: list[str] = []
        whole = live.Callback(lambda: calls.append("whole"))
        live.follow(store, whole)
        with AnswerStore.open(store.path, case=case) as other_kernel:
            other_kernel.save("etik-1", "skrevet i en anden notebook")
        before = live.generation(store)
        assert live.looked(store) == 1
        assert calls == ["whole"] and box.value == "skrevet her"
        assert live.generation(store) == before  # not an import: savers built later need not catch up

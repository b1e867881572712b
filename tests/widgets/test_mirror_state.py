"""The browser copy's phases (casekit/widgets/mirror_state.py): the table of transitions, and the phase a
BrowserCopy is in after what the learner and the front end do."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from casekit.answers import AnswerStore
from casekit.export import export_json
from casekit.widgets.mirror import BrowserCopy, saved
from casekit.widgets.mirror_state import WAITING_FOR_TEXT, Event, Phase, advance

HUB = {"JUPYTERHUB_USER": "alice"}


class TestAdvance:
    """advance() is the one table: most events lead to one phase wherever they happen, with a few
    exceptions (retired is final, paused holds, a save changes only an offer, a first "Glem" asks)."""

    @pytest.mark.parametrize(
        ("event", "target"),
        [
            (Event.REPORTED_EMPTY, Phase.MIRRORING),
            (Event.REPORTED_UNAVAILABLE, Phase.UNAVAILABLE),
            (Event.REPORTED_UNCHECKED, Phase.CHECKING),
            (Event.FOUND_MISSING, Phase.OFFERING),
            (Event.FOUND_NOTHING_MISSING, Phase.MIRRORING),
            (Event.PRESSED_RESTORE, Phase.READING),
            (Event.FORGET_OLD, Phase.FORGETTING),
            (Event.FORGET_HERE, Phase.PAUSED),
            (Event.RESTORED, Phase.MIRRORING),
            (Event.REFUSED, Phase.REFUSED),
            (Event.GONE, Phase.MIRRORING),
            (Event.RETIRED, Phase.RETIRED),
        ],
    )
    def test_the_starting_copy_goes_where_the_event_says(self, event: Event, target: Phase):
        """From the start (nothing reported yet), each event leads to its phase."""
        assert advance(Phase.STARTING, event) is target

    def test_every_event_has_a_target_from_every_phase(self):
        """No pair of phase and event is left out of the table."""
        for phase in Phase:
            for event in Event:
                assert isinstance(advance(phase, event), Phase)

    def test_retired_is_final(self):
        """A retired copy is closed: nothing moves it again."""
        assert {advance(Phase.RETIRED, event) for event in Event} == {Phase.RETIRED}

    def test_paused_holds_until_retired(self):
        """After 06_aflevering's "Glem" nothing is written or offered in this run; only retiring ends it."""
        assert {advance(Phase.PAUSED, e) for e in Event if e is not Event.RETIRED} == {Phase.PAUSED}
        assert advance(Phase.PAUSED, Event.RETIRED) is Phase.RETIRED

    def test_forget_here_pauses_from_anywhere(self):
        """06_aflevering's button pauses the copy whatever it was doing (but a retired copy stays retired)."""
        for phase in Phase:
            expected = Phase.RETIRED if phase is Phase.RETIRED else Phase.PAUSED
            assert advance(phase, Event.FORGET_HERE) is expected

    def test_a_save_changes_only_an_offer(self):
        """A save during the offer: the learner is told once (OFFER_UNCOPIED); elsewhere the phase stays."""
        assert advance(Phase.OFFERING, Event.SAVED) is Phase.OFFER_UNCOPIED
        for phase in Phase:
            if phase is not Phase.OFFERING:
                assert advance(phase, Event.SAVED) is phase

    def test_forget_during_an_offer_asks_first(self):
        """The line's "Glem" during an offer asks again; pressed again (or anywhere else) it forgets."""
        assert advance(Phase.OFFERING, Event.PRESSED_FORGET) is Phase.CONFIRMING_FORGET
        assert advance(Phase.OFFER_UNCOPIED, Event.PRESSED_FORGET) is Phase.CONFIRMING_FORGET
        assert advance(Phase.CONFIRMING_FORGET, Event.PRESSED_FORGET) is Phase.FORGETTING
        assert advance(Phase.REFUSED, Event.PRESSED_FORGET) is Phase.FORGETTING

    def test_only_reading_and_checking_wait_for_text(self):
        """The copy's text is asked for in two phases only; text that comes in any other is ignored."""
        assert frozenset({Phase.READING, Phase.CHECKING}) == WAITING_FOR_TEXT
        assert advance(Phase.OFFERING, Event.PRESSED_RESTORE) in WAITING_FOR_TEXT
        assert advance(Phase.STARTING, Event.REPORTED_UNCHECKED) in WAITING_FOR_TEXT


def copy_of(store: AnswerStore, case: Any = None) -> tuple[BrowserCopy, list[Any]]:
    """A BrowserCopy whose messages to the front end are recorded, and which sends only when flushed."""
    copy = BrowserCopy(store, case, environ=HUB, delay=3600)
    sent: list[Any] = []
    copy.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    return copy, sent


def held(text: str) -> dict[str, Any]:
    """What mirror.js reports for an export's text."""
    doc = json.loads(text)
    keys = {key: max(item["saved_at"] for item in entry["history"]) for key, entry in doc["answers"].items()}
    return {"state": "held", "count": len(keys), "newest": max(keys.values()), "keys": keys,
            "case_id": doc["case"]["id"], "seq": time.time()}  # fmt: skip


@pytest.fixture
def earlier(tmp_path: Path, case: Any) -> str:
    """The export of an earlier session's store: what the browser kept."""
    with AnswerStore.open(tmp_path / "earlier", case=case) as old:
        old.save("organisering-1", "fra sidste gang")
        return export_json(old)


class TestTheCopysPhase:
    """What the learner and the front end do moves a BrowserCopy through the table's phases, and only the
    mirroring phase writes."""

    def test_start_then_mirror(self, store: AnswerStore):
        """A new copy starts without writing; an empty browser makes it mirror."""
        copy, _sent = copy_of(store)
        assert copy.phase is Phase.STARTING
        copy.received({"state": "empty"})
        assert copy.phase is Phase.MIRRORING
        copy.flush()
        assert copy.sends == 1

    def test_offer_save_confirm_forget_mirror(self, store: AnswerStore, case: Any, earlier: str):
        """An offer, a save meanwhile, "Glem" twice, the browser's word that it is gone: mirroring."""
        copy, sent = copy_of(store, case)
        copy.received(held(earlier))
        assert copy.phase is Phase.OFFERING
        store.save("organisering-2", "nyt")
        saved(store)
        assert copy.phase is Phase.OFFER_UNCOPIED
        copy.forget_button.click()
        assert copy.phase is Phase.CONFIRMING_FORGET and sent == []
        copy.forget_button.click()
        assert copy.phase is Phase.FORGETTING and {"type": "forget"} in sent
        copy.received({"state": "empty", "forgotten": True})
        assert copy.phase is Phase.MIRRORING

    def test_restore_reads_then_mirrors(self, store: AnswerStore, case: Any, earlier: str):
        """ "Gendan" waits for the text (READING); imported, the copy mirrors the merged store."""
        copy, sent = copy_of(store, case)
        copy.received(held(earlier))
        copy.restore_button.click()
        assert copy.phase is Phase.READING and sent == [{"type": "focus"}, {"type": "read"}]
        copy._handle_custom_msg({"type": "copy", "text": earlier, "reason": ""}, [])
        assert copy.phase is Phase.MIRRORING and store.get("organisering-1") == "fra sidste gang"

    def test_forget_while_the_copy_is_read_forgets_nothing(self, store: AnswerStore, case: Any, earlier: str):
        """ "Glem" pressed after "Gendan", before the text came back (a busy kernel): the buttons are gone
        from the page, nothing is forgotten without the second press, and the restore finishes."""
        copy, sent = copy_of(store, case)
        copy.received(held(earlier))
        copy.restore_button.click()
        assert list(copy.actions.children) == []
        copy.forget_button.click()  # a press that was on its way
        assert copy.phase is Phase.READING and {"type": "forget"} not in sent
        copy._handle_custom_msg({"type": "copy", "text": earlier, "reason": ""}, [])
        assert copy.phase is Phase.MIRRORING and store.get("organisering-1") == "fra sidste gang"
        assert {"type": "forget"} not in sent

    def test_unreadable_is_checked_then_refused(self, store: AnswerStore, case: Any):
        """Something unreadable is checked (CHECKING); the importer's refusal leaves the copy REFUSED, and
        nothing is written over it."""
        copy, _sent = copy_of(store, case)
        copy.received({"state": "unreadable"})
        assert copy.phase is Phase.CHECKING
        copy._handle_custom_msg({"type": "copy", "text": "{ikke json", "reason": ""}, [])
        assert copy.phase is Phase.REFUSED
        store.save("organisering-1", "x")
        saved(store)
        copy.flush()
        assert copy.sends == 0

    def test_paused_ignores_a_later_copy(self, store: AnswerStore, case: Any, earlier: str):
        """After 06_aflevering's "Glem" a report of a copy is not offered back, and nothing is written."""
        copy, _sent = copy_of(store, case)
        copy.received({"state": "empty"})
        copy.flush()
        copy.forget()
        assert copy.phase is Phase.PAUSED
        copy.received(held(earlier))
        assert copy.phase is Phase.PAUSED and copy.restore_button not in copy.actions.children
        store.save("organisering-1", "x")
        saved(store)
        copy.flush()
        assert copy.sends == 1  # only the send from before the pause

    def test_unavailable_then_retired(self, store: AnswerStore):
        """No usable storage: UNAVAILABLE; a newer copy of the store retires this one."""
        copy, _sent = copy_of(store)
        copy.received({"state": "unavailable", "reason": "quota"})
        assert copy.phase is Phase.UNAVAILABLE
        copy_of(store)
        assert copy.phase is Phase.RETIRED and copy.comm is None

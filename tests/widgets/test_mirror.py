"""The copy of the learner's answers in their own browser (casekit/widgets/mirror.py), driven headless the way
casekit/static/mirror.js drives it: reports in the ``browser`` trait, the copy's text as a custom message."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import ipywidgets
import pytest

from casekit import widgets
from casekit.answers import AnswerStore, save_queue
from casekit.export import export_json
from casekit.i18n import t
from casekit.widgets import mirror as mirror_module
from casekit.widgets.mirror import BrowserCopy, missing_keys, saved, scope, storage_key
from casekit.widgets.mirror_messages import read_report

REPO = Path(__file__).resolve().parents[2]
HUB = {"JUPYTERHUB_USER": "alice"}


def summary(text: str) -> dict[str, Any]:
    """What mirror.js reports for an export's text: the answers' newest save times, count and newest."""
    doc = json.loads(text)
    keys = {key: max(item["saved_at"] for item in entry["history"]) for key, entry in doc["answers"].items()}
    return {
        "state": "held",
        "count": len(keys),
        "newest": max(keys.values(), default=""),
        "keys": keys,
        "case_id": doc["case"]["id"],
        "seq": time.time(),
    }


class Sent(list):
    """The custom messages a widget sent to its front end."""


def mirror(store: AnswerStore, case: Any = None, delay: float = 0.05) -> tuple[BrowserCopy, Sent]:
    """A BrowserCopy whose messages to the front end are recorded instead of sent."""
    copy = BrowserCopy(store, case, environ=HUB, delay=delay)
    sent = Sent()
    copy.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    return copy, sent


def reply(copy: BrowserCopy, text: Any, reason: str = "") -> None:
    """The front end answers a ``read`` message with the copy's text (``None`` if there is none)."""
    copy._handle_custom_msg({"type": "copy", "text": text, "reason": reason}, [])


def status_text(copy: BrowserCopy) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", copy.status.value))


def shown(copy: BrowserCopy, button: Any) -> bool:
    """The button is in the page (a button that cannot be used is left out, not hidden)."""
    return button in copy.actions.children


@pytest.fixture
def earlier(tmp_path: Path, case: Any) -> str:
    """The export of an earlier session's store (two answers): what the browser kept."""
    with AnswerStore.open(tmp_path / "earlier", case=case) as old:
        old.save("organisering-1", "Svar fra sidste session æøå")
        old.save("dilemma-1", {"position": 2, "justification": "fordi"})
        return export_json(old)


class TestScope:
    """The key names the case and whose copy it is: the hub user, Binder, or this machine."""

    def test_hub_user(self):
        """On a JupyterHub the key carries the hub user, so another user in the same browser has another."""
        assert storage_key("samskabelse", {"JUPYTERHUB_USER": "alice"}) == "casekit:alice:samskabelse"
        assert storage_key("samskabelse", {"JUPYTERHUB_USER": "bob"}) != storage_key("samskabelse", HUB)

    @pytest.mark.parametrize("variable", ["BINDER_LAUNCH_HOST", "BINDER_REPO_URL"])
    def test_binder_ignores_the_random_user(self, variable: str):
        """On Binder every session's random hub user is ignored, so the next session finds the copy."""
        first = {variable: "https://mybinder.org/", "JUPYTERHUB_USER": "casekit-casekit-abc123"}
        second = {variable: "https://mybinder.org/", "JUPYTERHUB_USER": "casekit-casekit-xyz789"}
        assert scope(first) == scope(second) == "binder"
        assert storage_key("samskabelse", first) == "casekit:binder:samskabelse"

    def test_local(self):
        """Without a hub or Binder the scope is ``local``."""
        assert storage_key("samskabelse", {}) == "casekit:local:samskabelse"
        assert scope({"JUPYTERHUB_USER": "  "}) == "local"

    def test_from_the_environment(self, store: AnswerStore, monkeypatch: pytest.MonkeyPatch):
        """The widget reads the real environment by default."""
        monkeypatch.delenv("BINDER_LAUNCH_HOST", raising=False)
        monkeypatch.delenv("BINDER_REPO_URL", raising=False)
        monkeypatch.setenv("JUPYTERHUB_USER", "carol")
        assert BrowserCopy(store).storage_key == "casekit:carol:samskabelse"


class TestSending:
    """The browser gets the store's JSON export, debounced, and only once it said what it holds."""

    def test_nothing_is_sent_before_the_browser_reported(self, store: AnswerStore):
        """An empty store must not overwrite a copy the browser has not reported yet."""
        copy, _sent = mirror(store)
        store.save("organisering-1", "tekst")
        saved(store)
        time.sleep(0.15)
        assert copy.payload == "" and copy.sends == 0

    def test_payload_is_the_export_and_debounced(self, store: AnswerStore):
        """Many saves within 0.1 s make one send, after the delay, carrying every one of them."""
        copy, _sent = mirror(store, delay=0.3)
        copy.received({"state": "empty"})
        time.sleep(0.45)
        assert copy.sends == 1  # the first report sends the store as it is
        start = time.monotonic()
        for n in range(20):
            store.save("organisering-1", f"tekst {n}")
            saved(store)
        assert time.monotonic() - start < 0.3
        assert copy.sends == 1, "a save re-sent at once"
        time.sleep(0.45)
        assert copy.sends == 2
        sent = json.loads(copy.payload)
        assert sent["format"] == "casekit-answers"
        assert sent["answers"]["organisering-1"]["value"] == "tekst 19"
        assert {k: v for k, v in sent.items() if k != "exported_at"} == {
            k: v for k, v in json.loads(export_json(store)).items() if k != "exported_at"
        }

    def test_saver_refreshes_the_mirror(self, store: AnswerStore, case: Any):
        """A save from an activity (``Saver``) refreshes the browser copy of its store."""
        copy, _sent = mirror(store, case)
        copy.received({"state": "empty"})
        copy.flush()
        before = copy.sends
        box = widgets.questions(case, store)
        box.inputs["organisering-1"].value = "skrevet i feltet"
        save_queue(store).flush(5)
        copy.flush()
        assert copy.sends == before + 1
        assert json.loads(copy.payload)["answers"]["organisering-1"]["value"] == "skrevet i feltet"


class TestOffer:
    """What the front end reports is compared with the store: a restore is offered only when it adds."""

    def test_empty_store_and_a_copy_offers_a_restore(self, store: AnswerStore, case: Any, earlier: str):
        """A fresh store and a browser holding two answers: the offer says how many and from when."""
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        assert shown(copy, copy.restore_button) and shown(copy, copy.forget_button)
        assert copy.restore_button.description == "Gendan fra denne browser"
        text = status_text(copy)
        assert "2 svar" in text and "UTC" in text
        time.sleep(0.1)
        assert copy.sends == 0, "the copy waiting for a restore was overwritten"

    def test_the_offer_counts_only_what_the_store_lacks(self, store: AnswerStore, case: Any):
        """The copy's newest revision of one answer is in the store (which saved a newer one since): the
        offer names only the answer the store lacks, and that answer's save time."""
        from casekit.answers import Revision
        from casekit.clock import display_time

        held = "2026-05-02T10:00:00.000000+00:00"
        store.import_revisions([Revision("organisering-1", "fra kopien", held, 0, "1", "da")])
        store.save("organisering-1", "i svarfilen")  # now: newer than the copy's revision of it
        lacking = "2026-04-01T09:30:00+00:00"
        copy, _sent = mirror(store, case)
        copy.received(
            {
                "state": "held",
                "count": 2,
                "newest": "2026-05-02T10:00:00+00:00",
                "keys": {"organisering-1": "2026-05-02T10:00:00+00:00", "organisering-3": lacking},
                "case_id": "samskabelse",
            }
        )
        assert status_text(copy) == t("mirror.offer", "da", count=1, when=display_time(lacking))

    def test_an_answer_typed_after_the_offer_never_hides_the_old_one(
        self, store: AnswerStore, case: Any, earlier: str
    ):
        """A new session: the copy holds last session's answer, the learner types a new one to the same task
        before choosing, and runs the notebook again. The old answer is still offered (the store does not
        hold it, though its own answer is newer), and the copy is not overwritten."""
        first, _sent = mirror(store, case)
        first.received(summary(earlier))
        assert first.phase.value == "offering"
        store.save("organisering-1", "kort")  # typed in the new session
        again, _sent = mirror(store, case)  # the notebook runs again: a new copy widget, the same browser
        again.received(summary(earlier))
        assert again.phase.value == "offering" and again.sends == 0
        assert "organisering-1" in missing_keys(store, read_report(summary(earlier)))

    def test_answers_given_while_the_offer_waits(self, store: AnswerStore, case: Any, earlier: str):
        """A learner who answers without choosing is told, once, that the new answers are not copied to
        the browser yet (the copy waiting for a restore is not overwritten); restoring resumes the copy."""
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        store.save("organisering-2", "nyt svar")
        saved(store)
        assert t("mirror.waiting", "da") in status_text(copy) and 'role="alert"' in copy.status.value
        assert shown(copy, copy.restore_button)
        copy.flush()
        assert copy.sends == 0
        copy.restore(earlier)
        copy.flush()
        assert copy.sends == 1
        assert set(json.loads(copy.payload)["answers"]) == {"organisering-1", "organisering-2", "dilemma-1"}

    def test_store_that_has_them_is_not_offered(self, store: AnswerStore, case: Any, earlier: str):
        """When the store already holds the copy's answers, nothing is offered and mirroring goes on."""
        store.import_bytes(earlier.encode())
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        assert not shown(copy, copy.restore_button)
        assert status_text(copy) == t("mirror.active", "da")
        copy.flush()
        assert copy.sends == 1

    def test_newer_revision_in_the_copy_is_offered(self, store: AnswerStore, earlier: str):
        """A key the store has, but older than the copy's newest revision, counts as missing."""
        report = read_report(summary(earlier))
        store.import_bytes(earlier.encode())
        assert missing_keys(store, report) == []
        newer = {**report.keys, "organisering-1": "2999-01-01T00:00:00+00:00"}
        assert missing_keys(store, read_report({**summary(earlier), "keys": newer})) == ["organisering-1"]

    def test_english(self, store: AnswerStore, earlier: str):
        """The English edition's line and button are in English."""
        import casekit

        copy, _sent = mirror(store, casekit.load_case("samskabelse", lang="en"))
        copy.received(summary(earlier))
        assert copy.restore_button.description == "Restore from this browser"
        assert "2 answers" in status_text(copy)

    @pytest.mark.parametrize(
        "report",
        [None, "held", {"state": "held", "keys": "x"}, {"state": "held", "keys": {"a": 1}, "count": 1},
         {"state": "held", "keys": {}, "count": True, "newest": "", "case_id": ""}, {"state": "boom"}],
    )  # fmt: skip
    def test_report_that_does_not_fit_is_ignored(self, store: AnswerStore, report: Any):
        """A report of another shape changes nothing and sends nothing."""
        copy, sent = mirror(store)
        copy.received(report)
        assert copy.report is None and copy.status.value == "" and sent == []


class TestRestore:
    """One click imports the copy as an uploaded export is imported, and says what it did."""

    def test_restore_imports_and_reports(self, store: AnswerStore, case: Any, earlier: str):
        """The click asks the browser for the text; its answers land in the store, nothing lost."""
        store.save("organisering-2", "svar fra i dag")
        copy, sent = mirror(store, case)
        copy.received(summary(earlier))
        copy.restore_button.click()
        assert sent == [{"type": "focus"}, {"type": "read"}]  # the buttons leave; the focus goes to the line
        reply(copy, earlier)
        assert store.get("organisering-1") == "Svar fra sidste session æøå"
        assert store.get("dilemma-1") == {"position": 2, "justification": "fordi"}
        assert store.get("organisering-2") == "svar fra i dag"
        assert copy.last_result is not None and copy.last_result.added == 2
        assert status_text(copy) == t("mirror.restored", "da", added=2)
        assert not shown(copy, copy.restore_button)
        copy.flush()  # and the browser gets the merged store
        assert set(json.loads(copy.payload)["answers"]) == {"organisering-1", "organisering-2", "dilemma-1"}

    def test_a_restore_into_an_empty_store_shares_as_the_same_learner(
        self, store: AnswerStore, case: Any, earlier: str
    ):
        """The browser copy restored into a fresh store brings the learner's identity: the next share
        replaces their own entry in the class's views (same share id) instead of counting them twice."""
        from casekit.classroom import share_id

        before = json.loads(earlier)
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        copy.restore_button.click()
        reply(copy, earlier)
        assert (store.learner, store.created_at) == (before["learner"], before["created_at"])
        reopened = AnswerStore.open(store.path, case=case)
        assert share_id(reopened) == share_id(store)

    def test_second_restore_adds_nothing(self, store: AnswerStore, case: Any, earlier: str):
        """Restoring the same copy again says nothing was new."""
        copy, _sent = mirror(store, case)
        assert copy.restore(earlier) is not None
        result = copy.restore(earlier)
        assert result is not None and result.added == 0
        assert status_text(copy) == t("mirror.nothing_new", "da")

    def test_forget(self, store: AnswerStore, case: Any, earlier: str):
        """The offer's forget button first says what would be lost (the copy may be the only place of those
        answers) and asks again; the second press asks the browser to remove the key and the focus goes to
        the line. This session's answers are copied from then on: the old copy is gone, not the safety net."""
        copy, sent = mirror(store, case, delay=3600)  # sends only when flushed
        copy.received(summary(earlier))
        copy.forget_button.click()
        assert sent == [] and shown(copy, copy.forget_button)
        assert copy.forget_button.description == t("mirror.forget_confirm", "da", count=2)
        assert status_text(copy) == t("mirror.forget_warning", "da", count=2)
        copy.forget_button.click()
        assert sent == [{"type": "focus"}, {"type": "forget"}] or sent == [
            {"type": "forget"},
            {"type": "focus"},
        ]
        assert not shown(copy, copy.forget_button)
        assert copy.sends == 0
        copy.received({"state": "empty", "forgotten": True})
        assert status_text(copy) == t("mirror.forgotten_old", "da")
        store.save("organisering-1", "nyt")
        saved(store)
        copy.flush()
        assert copy.sends == 1 and json.loads(copy.payload)["answers"]["organisering-1"]["value"] == "nyt"
        assert "dilemma-1" not in json.loads(copy.payload)["answers"]  # the old copy's answers are gone

    def test_copy_gone_when_asked(self, store: AnswerStore, case: Any, earlier: str):
        """The key vanished between the report and the click (another tab forgot it): a sentence."""
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        copy.ask_restore()
        reply(copy, None)
        assert status_text(copy) == t("mirror.gone", "da") and store.count() == 0

    def test_unasked_text_is_not_imported(self, store: AnswerStore, earlier: str):
        """A ``copy`` message nobody asked for imports nothing."""
        copy, _sent = mirror(store)
        reply(copy, earlier)
        assert store.count() == 0


def _hostile(earlier: str) -> dict[str, str]:
    doc = json.loads(earlier)
    other = {**doc, "case": {**doc["case"], "id": "en-anden-case"}}
    wrong = {**doc, "schema_version": "1"}
    script = json.loads(earlier)
    script["answers"]["organisering-1"]["history"][0]["saved_at"] = "<script>alert(1)</script>"
    return {
        "not JSON": "<script>alert('x')</script>",
        "another case": json.dumps(other),
        "huge": " " * (20 * 1024 * 1024 + 1),
        "wrong schema": json.dumps(wrong),
        "script in JSON": json.dumps(script),
    }


class TestHostile:
    """What the browser sends is refused with the importer's message, shown as text; the store is kept."""

    @pytest.mark.parametrize(
        ("kind", "why"),
        [
            ("not JSON", "damaged"),
            ("another case", "other_case"),
            ("huge", "too_big"),
            ("wrong schema", "damaged"),
            ("script in JSON", "damaged"),
        ],
    )
    def test_refused_on_restore(self, store: AnswerStore, case: Any, earlier: str, kind: str, why: str):
        """Clicking restore on a hostile copy says why, of a copy (not of a file to choose), and imports
        nothing; nothing the browser sent is on screen."""
        payload = _hostile(earlier)[kind]
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        copy.ask_restore()
        reply(copy, payload)
        assert store.count() == 0 and copy.last_result is None
        assert "<script" not in copy.status.value
        assert 'role="alert"' in copy.status.value
        assert status_text(copy) == t("mirror.refused", "da", reason=t(f"mirror.why.{why}", "da"))
        assert copy.storage_key not in status_text(copy)
        assert not shown(copy, copy.restore_button) and shown(copy, copy.forget_button)

    def test_unreadable_is_checked_at_once(self, store: AnswerStore, case: Any):
        """Something the page could not read is checked by the importer straight away: refusal, no button."""
        copy, sent = mirror(store, case)
        copy.received({"state": "unreadable"})
        assert sent == [{"type": "read"}]
        reply(copy, "not json {")
        assert t("mirror.why.damaged", "da") in status_text(copy)
        assert not shown(copy, copy.restore_button)

    def test_other_case_in_the_summary(self, store: AnswerStore, case: Any, earlier: str):
        """A copy claiming another case is checked by the importer and refused, not offered."""
        copy, _sent = mirror(store, case)
        hostile = _hostile(earlier)["another case"]
        copy.received(summary(hostile))
        reply(copy, hostile)
        assert t("mirror.why.other_case", "da") in status_text(copy) and not shown(copy, copy.restore_button)

    def test_lone_surrogate(self, store: AnswerStore, case: Any, earlier: str):
        """Text that is not valid Unicode (a lone surrogate from JavaScript) is refused, not a crash."""
        copy, _sent = mirror(store, case)
        copy.received(summary(earlier))
        copy.ask_restore()
        reply(copy, earlier.replace("æøå", "\ud800"))
        assert t("mirror.why.damaged", "da") in status_text(copy) and store.count() == 0


class TestUnavailable:
    """Storage the browser cannot use becomes a sentence pointing to the download, with no button."""

    @pytest.mark.parametrize("reason", ["blocked", "quota", "missing", "error", "weird"])
    def test_sentence_no_button(self, store: AnswerStore, case: Any, reason: str):
        """Each reason code (an unknown one counts as ``error``) gives a sentence naming 06_aflevering."""
        copy, _sent = mirror(store, case)
        copy.received({"state": "unavailable", "reason": reason})
        text = status_text(copy)
        why = t(f"mirror.reason.{reason if reason != 'weird' else 'error'}", "da")
        assert text == t("mirror.unavailable", "da", why=why) and "06_aflevering" in text
        assert not shown(copy, copy.restore_button) and not shown(copy, copy.forget_button)
        copy.flush()
        assert copy.sends == 0

    def test_write_refused_later(self, store: AnswerStore, case: Any):
        """A write the browser refuses later (quota) stops the mirror and says so."""
        copy, _sent = mirror(store, case)
        copy.received({"state": "empty"})
        copy.flush()
        copy.received({"state": "unavailable", "reason": "quota"})
        store.save("organisering-1", "x")
        saved(store)
        copy.flush()
        assert copy.sends == 1 and "plads" in status_text(copy)


def test_each_copy_has_its_own_id(store: AnswerStore):
    """The front end reports once per copy and page, keyed by ``copy_id``: a copy made when the notebook
    runs again has an id of its own (else its page would never report to it), and the id is in the state
    the front end gets."""
    first = BrowserCopy(store, environ={})
    second = BrowserCopy(store, environ={})
    assert first.get_state()["copy_id"] and second.get_state()["copy_id"]
    assert first.copy_id != second.copy_id


def test_front_end_is_a_file():
    """The front end is an ES module file in the package, with its own default export."""
    source = (REPO / "casekit" / "static" / "mirror.js").read_text(encoding="utf-8")
    assert "export default" in source and "localStorage" in source
    assert BrowserCopy._esm is not None


class TestInTheNotebooks:
    """Every notebook's first cell shows the copy; 06_aflevering can forget it."""

    def test_start_shows_the_copy_of_its_store(self, answers_dir: Path, monkeypatch: pytest.MonkeyPatch):
        """widgets.start() displays the copy's box (the widget, its line, its buttons) for the store."""
        import IPython.display

        shown_objects: list[Any] = []
        monkeypatch.setattr(IPython.display, "display", lambda *objs, **_kw: shown_objects.extend(objs))
        _case, store = widgets.start()
        copy = mirror_module.current(store)
        assert copy is not None and copy.store is store
        assert copy.box in shown_objects

    def test_running_again_retires_the_earlier_copy(self, store: AnswerStore):
        """A notebook run twice in one kernel mirrors once per save: the earlier copy is closed."""
        first, _ = mirror(store)
        first.received({"state": "empty"})
        second, _ = mirror(store)
        second.received({"state": "empty"})
        assert first.comm is None and second.comm is not None
        first.flush()
        second.flush()
        sends = first.sends, second.sends
        store.save("organisering-1", "tekst")
        saved(store)
        first.flush()
        second.flush()
        assert (first.sends, second.sends) == (sends[0], sends[1] + 1)

    def test_the_forget_section_forgets_and_says_so(self, case: Any, store: AnswerStore):
        """06_aflevering's button sends "forget" to the copy; the copy's outcome shows under the button."""
        copy, sent = mirror(store, case)
        copy.received({"state": "empty"})
        copy.flush()
        sends = copy.sends
        section = widgets.browser_copy(case, store)
        button = next(w for w in section.children if isinstance(w, ipywidgets.Button))
        status = section.children[-1]
        assert button.description == t("mirror.forget", "da") and not button.disabled
        button.click()
        assert sent[-1] == {"type": "forget"}
        copy.received({"state": "empty", "forgotten": True})  # what mirror.js reports once it removed it
        assert t("mirror.forgotten", "da") in status.value
        store.save("organisering-1", "efter")
        saved(store)
        copy.flush()
        assert copy.sends == sends  # no new copy until the notebook runs again

    def test_the_forget_section_follows_the_copy_of_the_latest_run(self, case: Any, store: AnswerStore):
        """The start() cell run again after the section was built: the button forgets the new copy, and
        the line under it says what that copy says, as plain text (the copy's own line is the live one)."""
        first, _ = mirror(store, case)
        first.received({"state": "empty"})
        section = widgets.browser_copy(case, store)
        button = next(w for w in section.children if isinstance(w, ipywidgets.Button))
        second, sent = mirror(store, case)
        second.received({"state": "empty"})
        button.click()
        assert sent == [{"type": "forget"}]
        second.received({"state": "empty", "forgotten": True})
        line = section.children[-1].value
        assert t("mirror.forgotten", "da") in line and "role=" not in line

    def test_the_forget_section_without_a_copy(self, case: Any, tmp_path: Path):
        """Without start() run, there is nothing to forget: the button is disabled and a line says why."""
        with AnswerStore.open(tmp_path / "alone", case=case) as alone:
            section = widgets.browser_copy(case, alone)
            button = next(w for w in section.children if isinstance(w, ipywidgets.Button))
            assert button.disabled and t("mirror.section.none", "da") in section.children[-1].value

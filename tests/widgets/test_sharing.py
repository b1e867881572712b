"""The class's views in the notebooks: a learner shares exactly what they see, and the instructor's view
shows the class's spread, round by round, without names."""

from __future__ import annotations

import html
import json
from pathlib import Path

import ipywidgets
import pytest

from casekit import classroom, widgets
from casekit.answers import AnswerStore
from casekit.classroom.hub import HubTransport
from casekit.classroom.service import ServiceConfig, open_service
from casekit.classroom.service.testing import FakeHubAuth, running, user_model
from casekit.i18n import t
from casekit.widgets import sharing


def _texts(widget) -> str:
    """Every HTML value and description in a widget tree, unescaped, as one text."""
    found = []
    if isinstance(widget, ipywidgets.HTML):
        found.append(html.unescape(widget.value))
    description = getattr(widget, "description", "")
    if isinstance(description, str):
        found.append(description)
    for child in getattr(widget, "children", ()):
        found.append(_texts(child))
    return "\n".join(found)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty shared class folder, named by CASEKIT_CLASS."""
    shared = tmp_path / "holdet"
    shared.mkdir()
    monkeypatch.setenv(classroom.CLASS_ENV, str(shared))
    return shared


def _learner(tmp_path: Path, case, name: str, kim: int, text: str = "") -> AnswerStore:
    store = AnswerStore.open(tmp_path / name, case=case)
    store.save("goal-divergence", {"kim": kim, "sanne": 4})
    store.save("stakeholder-map", {"kim": {"power": kim, "interest": 5}})
    if text:
        store.save("organisering-1", text)
    return store


class TestShareControl:
    """ "Del med holdet" shows what will be shared, shares text only when ticked, and says what it did."""

    def test_without_a_class_folder_it_says_how_to_hand_in(self, case, store, monkeypatch):
        """No CASEKIT_CLASS: no button; the learner reads what they can do (hand the file in) in their own
        words, with no variable's name in it; how the instructor sets sharing up is folded away below."""
        monkeypatch.delenv(classroom.CLASS_ENV, raising=False)
        control = widgets.share_control(case, store)
        assert control.button is None
        learner = t("share.no_folder", "da")
        assert learner in _texts(control.widget) and "CASEKIT_CLASS" not in learner
        folded = html.unescape(control.widget.children[-1].value)
        assert folded.startswith("<details") and t("share.setup_summary", "da") in folded
        assert "CASEKIT_CLASS" in t("share.setup", "da") and t("share.setup", "da") in folded
        assert t("share.intro", "da") not in _texts(control.widget)  # nothing is shown to be shared

    def test_the_preview_reads_in_the_cases_names_and_words(self, case, tmp_path, folder):
        """The learner's own stakeholder by name (never "own-1 (name …, at_table False)"), the decision by
        its option's words (not "interesser"), the plan by the case's levels (not "inform; consult")."""
        store = _learner(tmp_path, case, "a", 2)
        own = {"name": "Lærerne", "at_table": False, "power": 2, "interest": 5}
        store.save("stakeholder-map", {"kim": {"power": 2, "interest": 5}, "own-1": own})
        store.save("decision-point", {"choice": "interesser", "justification": ""})
        store.save("proposal.participation", {"kim": "inform", "own-1": "involve"})
        preview = html.unescape(widgets.share_control(case, store).preview.value)
        levels = case.activity("proposal")["levels"]
        marker = t("map.own.marker", "da", name="Lærerne")
        assert marker in preview and f"{marker}: {levels['involve']}" in preview
        assert case.activity("decision-point")["options"]["interesser"] in preview
        for internal in ("own-1", "at_table", "False", "inform", "involve", ": interesser"):
            assert internal not in preview, internal

    def test_the_status_names_the_round_as_the_instructor_named_it(self, case, tmp_path, folder):
        """A round opened as "før" is shared into as "før", not by its folder's id ("foer")."""
        classroom.open_round(folder, "før")
        control = widgets.share_control(case, _learner(tmp_path, case, "a", 2))
        control.button.click()
        assert control.last_path is not None and control.last_path.parent.name == "foer"
        status = html.unescape(control.status.value)
        assert "»før«" in status and "foer" not in status

    def test_the_status_names_the_first_round_as_the_instructor_s_view_does(self, case, tmp_path, folder):
        """Before any round is opened, the learner shares into "Runde 1", as the instructor's view and the
        report name it (not its id, "1")."""
        control = widgets.share_control(case, _learner(tmp_path, case, "a", 2))
        control.button.click()
        first = t("class.round_default", "da", id="1")
        assert t("share.done", "da", round=first, time="§").split("§")[0] in html.unescape(
            control.status.value
        )

    @pytest.mark.parametrize("error", [OSError(13, "Permission denied"), classroom.ClassFolderError("x")])
    def test_a_round_list_unread_after_the_share_still_says_it_landed(
        self, case, tmp_path, folder, monkeypatch, error
    ):
        """The share is written; the rounds cannot be read a moment later: the learner is told it landed,
        in the round's default name, not that something went wrong."""
        from casekit.classroom.folder import FolderTransport

        def unreadable(self):
            raise error

        monkeypatch.setattr(FolderTransport, "rounds", unreadable)
        control = widgets.share_control(case, _learner(tmp_path, case, "a", 2))
        control.button.click()
        first = t("class.round_default", "da", id="1")
        assert t("share.done", "da", round=first, time="§").split("§")[0] in html.unescape(
            control.status.value
        )
        assert len(list(folder.rglob("*.json"))) == 1

    def test_on_the_hub_the_status_names_the_round_not_its_id(self, case, tmp_path, monkeypatch):
        """On a JupyterHub a learner cannot list the rounds; the status still names the round the
        instructor opened ("Efter diskussionen"), not its id ("efter-diskussionen")."""
        tokens = {"t-anna": user_model("anna"), "t-kim": user_model("kim", ["casekit-instructors"])}
        state = open_service(ServiceConfig(data_dir=tmp_path / "service"), FakeHubAuth(tokens))
        with running(state) as url:  # type: ignore[arg-type]
            HubTransport(url=url, token="t-kim").open_round("Efter diskussionen")
            monkeypatch.setenv(classroom.CLASS_ENV, "hub")
            monkeypatch.setenv("CASEKIT_CLASS_URL", url)
            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t-anna")
            control = widgets.share_control(case, _learner(tmp_path, case, "a", 2))
            control.button.click()
        status = html.unescape(control.status.value)
        assert "»Efter diskussionen«" in status and "efter-diskussionen" not in status
        state.store.close()  # type: ignore[attr-defined]

    def test_preview_shows_exactly_what_is_shared(self, case, tmp_path, folder):
        """The preview names each placement, and a text answer appears only once it is ticked."""
        store = _learner(tmp_path, case, "a", 2, text="Min hemmelige tekst")
        control = widgets.share_control(case, store)
        preview = html.unescape(control.preview.value)
        assert "Kim" in preview and "Min hemmelige tekst" not in preview
        control.ticks["organisering-1"].value = True
        assert "Min hemmelige tekst" in html.unescape(control.preview.value)

    def test_answers_that_come_in_can_be_ticked(self, case, tmp_path, folder):
        """An upload or a restore in 06_aflevering: the preview shows the answers that came in, and their
        text can be ticked without running the notebook again (a tick already set stays set)."""
        from casekit.export import export_json
        from casekit.widgets import live

        store = _learner(tmp_path, case, "a", 2, text="Første tekst")
        control = widgets.share_control(case, store)
        control.ticks["organisering-1"].value = True
        earlier = _learner(tmp_path, case, "earlier", 4, text="")
        earlier.save("organisering-2", "Fra en tidligere session")
        result = store.import_bytes(export_json(earlier).encode())
        live.imported(store, result)
        assert list(control.ticks) == ["organisering-1", "organisering-2"]
        assert control.ticks["organisering-1"].value is True
        assert control.ticks["organisering-2"] in control.widget.children
        control.ticks["organisering-2"].value = True
        assert "Fra en tidligere session" in html.unescape(control.preview.value)

    def test_sharing_writes_an_anonymous_snapshot_and_says_so(self, case, tmp_path, folder):
        """Pressing the button writes one file without the learner's pseudonym, and the status says so."""
        store = _learner(tmp_path, case, "a", 2, text="Ikke delt")
        control = widgets.share_control(case, store)
        control.button.click()
        (path,) = folder.rglob("*.json")
        text = path.read_text(encoding="utf-8")
        assert store.learner not in text and "Ikke delt" not in text
        assert json.loads(text)["answers"]["goal-divergence"] == {"kim": 2, "sanne": 4}
        assert 'role="status"' in control.status.value and path == control.last_path
        control.button.click()  # sharing again replaces the learner's own file
        assert list(folder.rglob("*.json")) == [path]

    def test_a_folder_that_cannot_be_written_is_a_message(self, case, tmp_path, monkeypatch):
        """A class folder that does not exist gives a sentence in the status line, never a traceback."""
        monkeypatch.setenv(classroom.CLASS_ENV, str(tmp_path / "findes-ikke"))
        control = widgets.share_control(case, _learner(tmp_path, case, "a", 2))
        control.button.click()
        assert 'role="alert"' in control.status.value and "Traceback" not in control.status.value


def _two_learners_then_a_new_round(view, tmp_path: Path, case) -> list[AnswerStore]:
    """Two learners share in the first round, then the instructor opens the round "efter" in ``view``."""
    stores = [_learner(tmp_path, case, name, 1) for name in ("a", "b")]
    for store in stores:
        classroom.share(store)
    view.new_round.value = "efter"
    view.open_button.click()
    return stores


class TestClassView:
    """The instructor's live view reads the shared folder, counts the learners and draws their spread."""

    def test_without_a_class_folder_it_explains(self, case, monkeypatch):
        """No CASEKIT_CLASS: a sentence on how to set one up, or to summarize the LMS's ZIP afterwards."""
        monkeypatch.delenv(classroom.CLASS_ENV, raising=False)
        assert t("classview.no_folder", "da") in _texts(widgets.class_view(case).widget)

    def test_shares_appear_on_refresh(self, case, tmp_path, folder):
        """Two learners share; after a refresh the view counts two and the goal spread shows both."""
        view = widgets.class_view(case)
        assert "0 studerende" in html.unescape(view.overview.value)
        for name, kim in (("a", 1), ("b", 5)):
            classroom.share(_learner(tmp_path, case, name, kim))
        view.refresh_button.click()
        assert "2 studerende" in html.unescape(view.overview.value)
        assert "Kim: 1 på 1, 1 på 5 (n = 2)" in html.unescape(view.charts.value)

    def test_the_first_round_keeps_its_name_when_the_first_learner_shares(self, case, tmp_path, folder):
        """The round is named as the class report names it ("Runde 1") before anyone has shared and after:
        the instructor's dropdown and count do not switch from "1" to "Runde 1" on the first share."""
        view = widgets.class_view(case)
        first = t("class.round_default", "da", id="1")
        assert view.round.label == first
        assert t("classview.count", "da", count=0, round=first) in html.unescape(view.overview.value)
        classroom.share(_learner(tmp_path, case, "a", 1))
        view.refresh_button.click()
        assert view.round.label == first and [label for label, _ in view.round.options] == [first]
        assert t("classview.count", "da", count=1, round=first) in html.unescape(view.overview.value)

    def test_rounds_and_moves(self, case, tmp_path, folder):
        """Open a round "efter", share again, compare: the view says how many moved on the goal scale."""
        view = widgets.class_view(case)
        stores = _two_learners_then_a_new_round(view, tmp_path, case)
        stores[0].save("goal-divergence", {"kim": 4, "sanne": 4})
        for store in stores:
            classroom.share(store)
        view.refresh_button.click()
        view.compare.value = "1"
        assert view.round.value == "efter"
        assert "Kim: 1 af 2 flyttede sig mod plads til forskellige mål" in html.unescape(view.overview.value)

    def test_comparing_rounds_draws_the_moves(self, case, tmp_path, folder):
        """With a round to compare with, the moves are drawn first, the sentences in the chart's alt text and
        the numbers in its table; with none, there is no move chart."""
        view = widgets.class_view(case)
        stores = _two_learners_then_a_new_round(view, tmp_path, case)
        stores[0].save("goal-divergence", {"kim": 4, "sanne": 4})
        for store in stores:
            classroom.share(store)
        view.refresh_button.click()
        title = t("class.chart.moves.goals_title", "da")
        assert title not in html.unescape(view.charts.value)
        view.compare.value = "1"
        shown = html.unescape(view.charts.value)
        assert shown.index(title) < shown.index(t("chart.spread.title", "da"))
        (goals,) = view.summary.move_charts("1", "efter")
        sentence = view.summary.moves("1", "efter")[0].sentence
        assert sentence in goals.alt and f'alt="{goals.alt}"' in shown
        assert t("chart.table_summary", "da") in shown and "1 → 4: 1" in shown

    def test_a_half_written_file_is_skipped(self, case, tmp_path, folder):
        """A learner's file being written (not JSON yet) is skipped and counted, never a crash."""
        classroom.share(_learner(tmp_path, case, "a", 2))
        (classroom.round_folder(folder) / "halvt.json").write_text('{"format": "casekit-cl', encoding="utf-8")
        view = widgets.class_view(case)
        assert "1 studerende" in html.unescape(view.overview.value)
        assert t("classview.skipped", "da", count=1) in html.unescape(view.overview.value)

    def test_no_names_on_the_instructors_screen(self, case, tmp_path, folder):
        """Neither a learner's pseudonym nor a name they chose appears in the view."""
        store = AnswerStore.open(tmp_path / "navngivet", case=case, learner="Jens Hansen")
        store.save("goal-divergence", {"kim": 3})
        classroom.share(store)
        view = widgets.class_view(case)
        assert "Jens" not in _texts(view.widget) and store.learner not in _texts(view.widget)


class TestTheViewReadsTheClassByItself:
    """While "Opdatér automatisk" is ticked (the default), every tick of the page's clock reads the class
    again: what learners shared appears without a press, the instructor's choices stay, and the status line
    keeps the same words so that a screen reader does not announce every read."""

    class Clock:
        """The view's ``monotonic()``, moved on by the test only (a read takes no time on it)."""

        def __init__(self, now: float = 1000.0) -> None:
            self.now = now

        def __call__(self) -> float:
            return self.now

    @pytest.fixture(autouse=True)
    def clock(self, monkeypatch):
        clock = self.Clock()
        monkeypatch.setattr("casekit.widgets.sharing.monotonic", clock)
        return clock

    def tick(self, view, after: float) -> None:
        """A tick from the page ``after`` seconds past the last read or tick (the view drops ticks that come
        sooner than half an interval after a read)."""
        clock = sharing.monotonic
        clock.now += after
        view.ticker.receive({"type": "tick"})

    def test_a_share_appears_at_the_next_tick(self, case, tmp_path, folder, monkeypatch):
        view = widgets.class_view(case)
        first = t("class.round_default", "da", id="1")
        assert view.live.value and view.ticker.active
        assert view.ticker.every_ms == view.LIVE_SECONDS * 1000
        classroom.share(_learner(tmp_path, case, "a", 2))
        self.tick(view, after=view.LIVE_SECONDS)
        assert t("classview.count", "da", count=1, round=first) in html.unescape(view.overview.value)
        assert view.ticker.ticks == 1

    def test_ticks_right_after_a_read_are_dropped(self, case, tmp_path, folder, monkeypatch):
        """Ticks queued behind a slow read, or sent by the view shown on two screens, read nothing."""
        view = widgets.class_view(case)
        classroom.share(_learner(tmp_path, case, "a", 2))
        self.tick(view, after=view.LIVE_SECONDS / 2 - 0.1)
        assert "0 studerende" in html.unescape(view.overview.value)
        self.tick(view, after=0.1)
        assert "1 studerende" in html.unescape(view.overview.value)

    def test_after_a_slow_read_the_view_rests_twice_as_long(self, case, tmp_path, folder, monkeypatch):
        """A read of a big class that took 4 s is followed by at least 8 s without one: the instructor's
        clicks are never stuck behind reads."""
        times = iter([100.0, 104.0])  # the first read's start and end
        monkeypatch.setattr("casekit.widgets.sharing.monotonic", lambda: next(times))
        view = widgets.class_view(case)
        monkeypatch.setattr("casekit.widgets.sharing.monotonic", self.Clock(104.0))
        classroom.share(_learner(tmp_path, case, "a", 2))
        self.tick(view, after=7.9)
        assert "0 studerende" in html.unescape(view.overview.value)
        self.tick(view, after=0.1)
        assert "1 studerende" in html.unescape(view.overview.value)

    def test_unticked_it_reads_only_when_pressed(self, case, tmp_path, folder, monkeypatch):
        """Unticked: the page's clock stops, a tick already on its way reads nothing, and the status line
        says when the class was last read."""
        view = widgets.class_view(case)
        view.live.value = False
        assert not view.ticker.active
        classroom.share(_learner(tmp_path, case, "a", 2))
        self.tick(view, after=60)
        assert "0 studerende" in html.unescape(view.overview.value)
        read_at = t("classview.read_at", "da", time="§").split("§")[0]
        assert read_at in html.unescape(view.status.value)
        view.refresh_button.click()
        assert "1 studerende" in html.unescape(view.overview.value)

    def test_the_status_line_keeps_its_words(self, case, tmp_path, folder, monkeypatch):
        view = widgets.class_view(case)
        live = t("classview.live_at", "da", seconds=view.LIVE_SECONDS)
        assert html.unescape(view.status.value).count(live) == 1
        before = view.status.value
        classroom.share(_learner(tmp_path, case, "a", 2))
        self.tick(view, after=view.LIVE_SECONDS)
        assert view.status.value == before

    def test_the_chosen_round_and_comparison_stay_chosen(self, case, tmp_path, folder, monkeypatch):
        """The instructor shows the first round against the second: a tick keeps both; a new round opened
        elsewhere (another instructor, the command line) is shown at the next tick."""
        view = widgets.class_view(case)
        stores = _two_learners_then_a_new_round(view, tmp_path, case)
        classroom.share(stores[0])
        self.tick(view, after=view.LIVE_SECONDS)
        view.round.value = "1"
        view.compare.value = "efter"
        shown = view.charts.value
        self.tick(view, after=view.LIVE_SECONDS)
        assert view.charts.value == shown  # nothing new: the same charts, nothing sent to the page again
        classroom.share(stores[1])
        self.tick(view, after=view.LIVE_SECONDS)
        assert (view.round.value, view.compare.value) == ("1", "efter")
        assert view.charts.value != shown  # the second learner's share in "efter" is in the moves now
        classroom.open_round(folder, "til sidst")
        self.tick(view, after=view.LIVE_SECONDS)
        assert view.round.label == "til sidst"

    def test_a_round_is_never_compared_with_itself(self, case, tmp_path, folder):
        """The list of rounds to compare with holds every round but the one shown; choosing the compared
        round to show sets the comparison back to none."""
        view = widgets.class_view(case)
        _two_learners_then_a_new_round(view, tmp_path, case)
        view.refresh()
        assert view.round.value == "efter"
        assert [i for _label, i in view.compare.options] == ["", "1"]
        view.compare.value = "1"
        view.round.value = "1"
        assert [i for _label, i in view.compare.options] == ["", "efter"] and view.compare.value == ""

    def test_a_failing_read_is_a_sentence_and_the_next_tick_reads_again(
        self, case, tmp_path, folder, monkeypatch, caplog
    ):
        """The class folder cannot be read for a moment (a network drive away): the status line says so in a
        sentence, and the next tick reads the class and says the view is live again."""
        view = widgets.class_view(case)
        classroom.share(_learner(tmp_path, case, "a", 2))

        def unreadable(*_args, **_kwargs):
            raise OSError("the network drive is away")

        with monkeypatch.context() as broken:
            broken.setattr(classroom, "summarize", unreadable)
            self.tick(view, after=view.LIVE_SECONDS)
        assert 'role="alert"' in view.status.value
        assert t("widgets.unexpected", "da") in html.unescape(view.status.value)
        self.tick(view, after=view.LIVE_SECONDS)
        assert "1 studerende" in html.unescape(view.overview.value)
        live = t("classview.live_at", "da", seconds=view.LIVE_SECONDS)
        assert live in html.unescape(view.status.value) and 'role="alert"' not in view.status.value

    @pytest.mark.parametrize("ticked_again", [False, True])
    def test_a_failed_read_stays_said_when_the_box_is_toggled(
        self, case, tmp_path, folder, monkeypatch, ticked_again
    ):
        """The instructor unticks "Opdatér automatisk" (and ticks it again) while the line says a read
        failed: the line still says so, until a read succeeds."""
        view = widgets.class_view(case)

        def unreadable(*_args, **_kwargs):
            raise OSError("the network drive is away")

        with monkeypatch.context() as broken:
            broken.setattr(classroom, "summarize", unreadable)
            self.tick(view, after=view.LIVE_SECONDS)
            failed = view.status.value
            assert 'role="alert"' in failed
            view.live.value = False
            if ticked_again:
                view.live.value = True
            assert view.status.value == failed
        view.refresh_button.click()
        assert 'role="alert"' not in view.status.value

    def test_the_page_clock_sends_only_ticks(self, case, folder, caplog):
        """A message the clock does not send is logged and dropped: nothing is read."""
        view = widgets.class_view(case)
        view.ticker.receive({"type": "look"})
        view.ticker.receive("tick")
        assert view.ticker.ticks == 0
        assert "unexpected message" in caplog.text


def test_projection_toggle_adds_large_type(case):
    """The projection toggle puts a style with body text of at least 28 px on the page, and takes it off."""
    control = widgets.projection(case)
    toggle, style = control.children
    toggle.value = True
    assert "font-size: 28px" in style.value
    toggle.value = False
    assert style.value == ""


class TestClosingARound:
    """Where the class service keeps the class, the instructor's view closes the current round and opens it
    again; a class folder cannot close one (learners write into it themselves), so there is no such button."""

    def test_a_class_folder_shows_no_close_button(self, case, tmp_path, folder):
        view = widgets.class_view(case)
        assert view.close_button.layout.display == "none"
        view.close_button.click()  # even pressed from a script: nothing happens, nothing fails
        assert 'role="alert"' not in view.status.value

    def test_on_the_hub_the_instructor_closes_and_reopens_the_round(self, case, tmp_path, monkeypatch):
        """ "Luk runden »Runde 1«": a learner's share is then refused in a sentence and their answers are
        untouched; the view says the round is closed and offers to open it again; once it is, the share
        lands."""
        tokens = {"t-anna": user_model("anna"), "t-kim": user_model("kim", ["casekit-instructors"])}
        state = open_service(ServiceConfig(data_dir=tmp_path / "service"), FakeHubAuth(tokens))
        first = t("class.round_default", "da", id="1")
        with running(state) as url:  # type: ignore[arg-type]
            monkeypatch.setenv(classroom.CLASS_ENV, "hub")
            monkeypatch.setenv("CASEKIT_CLASS_URL", url)
            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t-kim")
            view = widgets.class_view(case)
            assert view.close_button.layout.display != "none"
            assert view.close_button.description == t("classview.close_round", "da", round=first)
            view.close_button.click()
            assert view.close_button.description == t("classview.reopen_round", "da", round=first)
            assert t("classview.round_closed", "da", round=first) in html.unescape(view.status.value)

            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t-anna")
            store = _learner(tmp_path, case, "a", 2)
            before = store.revisions()
            control = widgets.share_control(case, store)
            control.button.click()
            assert html.unescape(control.status.value).count(t("class.hub.round_closed", "da")) == 1
            assert store.revisions() == before

            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t-kim")
            view.close_button.click()
            assert view.close_button.description == t("classview.close_round", "da", round=first)
            assert t("classview.round_closed", "da", round=first) not in html.unescape(view.status.value)

            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t-anna")
            control.button.click()
            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t-kim")
            view.refresh_button.click()
            assert t("classview.count", "da", count=1, round=first) in html.unescape(view.overview.value)
        state.store.close()  # type: ignore[attr-defined]


class TestClassViewOpensOnWhatLearnersShare:
    """The live view opens, and draws, on anything the learners' own widgets can share (issue 18): own
    stakeholders, a decision justified before an option is chosen, rounds compared."""

    def _class(self, tmp_path, case, folder, count: int = 3) -> list[AnswerStore]:
        stores = [_learner(tmp_path, case, f"elev-{n}", n % 5 + 1) for n in range(count)]
        for store in stores:
            classroom.share(store)
        return stores

    def test_own_stakeholders_appear_grouped_by_name(self, case, tmp_path, folder):
        """Two learners added "Bedsteforældre" (typed differently), one "Nabo": the view opens, offers the
        first under one of the names typed and counts both; the one only one learner named is not offered."""
        self._class(tmp_path, case, folder)
        for n, (name, power) in enumerate((("Bedsteforældre", 2), ("  bedsteFORÆLDRE ", 4))):
            store = _learner(tmp_path, case, f"own-{n}", 3)
            own = {"name": name, "at_table": n == 0, "power": power, "interest": 5}
            store.save("stakeholder-map", {"kim": {"power": 3, "interest": 5}, "own-1": own})
            if n == 0:
                store.save(
                    "stakeholder-map",
                    {**store.as_dict()["stakeholder-map"], "own-2": {"name": "Nabo", "at_table": False}},
                )
            classroom.share(store)
        lonely = _learner(tmp_path, case, "lonely", 3)
        nabo = {"name": "Nabo", "at_table": True, "power": 1, "interest": 1}
        lonely.save("stakeholder-map", {"own-1": nabo})
        classroom.share(lonely)
        view = widgets.class_view(case)
        assert 'role="alert"' not in view.status.value
        assert "6 studerende" in html.unescape(view.overview.value)
        offered = {key: name for name, key in view.stakeholder.options}
        assert offered["own:bedsteforældre"] in ("Bedsteforældre", "bedsteFORÆLDRE")
        assert "Nabo" not in offered.values()
        view.stakeholder.value = "own:bedsteforældre"
        charts = html.unescape(view.charts.value)
        assert f"Holdets placering af {offered['own:bedsteforældre']}" in charts
        assert t("class.chart.stakeholder.note", "da", placed=2, answers=6).split(".")[0] in charts
        view.stakeholder.value = "kim"
        assert t("class.chart.stakeholder.note", "da", placed=5, answers=6).split(".")[0] in html.unescape(
            view.charts.value
        )

    def test_a_justification_without_a_choice_counts_as_not_chosen(self, case, tmp_path, folder):
        """A learner wrote the decision's justification, chose nothing and ticked it: the view opens and
        the decision chart counts the learner among those who chose nothing."""
        self._class(tmp_path, case, folder, 2)
        chosen = _learner(tmp_path, case, "valgt", 2)
        chosen.save("decision-point", {"choice": "interesser", "justification": ""})
        classroom.share(chosen)
        partial = _learner(tmp_path, case, "delvis", 2)
        partial.save("decision-point", {"choice": None, "justification": "Jeg er ikke sikker endnu"})
        classroom.share(partial, text_keys=["decision-point"])
        view = widgets.class_view(case)
        assert 'role="alert"' not in view.status.value
        charts = html.unescape(view.charts.value)
        none = t("class.chart.not_answered", "da")
        assert t("class.chart.decision.alt", "da", answers=4) in charts
        assert t("class.chart.decision.alt_item", "da", option=none, count=3, share="75 %") in charts

    def test_a_surprise_is_a_sentence_not_a_traceback(self, case, tmp_path, folder, monkeypatch):
        """Should a chart still fail, the view is built with its controls and says so in its status."""
        from casekit import charts

        self._class(tmp_path, case, folder, 1)

        def broken(*_args, **_kwargs):
            raise ValueError("boom")

        monkeypatch.setattr(charts, "goal_spread", broken)
        view = widgets.class_view(case)
        assert 'role="alert"' in view.status.value and view.refresh_button in view.widget.children[1].children

    def test_moves_only_for_speakers_placed_in_both_rounds(self, case, tmp_path, folder):
        """Comparing rounds names only the speakers someone placed twice: no "0 af 0" lines."""
        stores = self._class(tmp_path, case, folder, 2)
        view = widgets.class_view(case)
        view.new_round.value = "efter"
        view.open_button.click()
        for store in stores:
            classroom.share(store)
        view.refresh_button.click()
        view.compare.value = "1"
        overview = html.unescape(view.overview.value)
        assert "Kim: 0 af 2" in overview and "af 0 flyttede" not in overview
        assert "Majbritt" not in overview

    def test_the_count_is_of_learners_who_answered(self, case, tmp_path, folder):
        """The view's count is the summary's: the learners who answered anything in the round
        (:func:`casekit.registry.is_answered`)."""
        self._class(tmp_path, case, folder, 3)
        view = widgets.class_view(case)
        assert view.summary is not None
        expected = len(view.summary.learners_in(view.round.value))
        assert t("classview.count", "da", count=expected, round=view.round.label) in html.unescape(
            view.overview.value
        )
        assert expected == 3


class TestSharePreviewFollowsThePage:
    """What is answered on the page after the share cell ran is previewed, can be ticked, and the button
    shares exactly the snapshot the preview shows (issue 18: 03_etik's preview said Kim 2, the file 1)."""

    def test_a_save_on_the_page_refreshes_the_preview_and_the_ticks(self, case, tmp_path, folder):
        """A dilemma placed and a justification typed through the widgets after the control was built:
        the preview shows the position a moment later, and the justification can be ticked."""
        from casekit.answers import save_queue

        store = _learner(tmp_path, case, "a", 2)
        control = widgets.share_control(case, store)
        assert "decision-point" not in control.ticks
        decision = widgets.decision_point(case, store)
        decision.inputs["justification"].value = "Fordi børnene skal høres"
        save_queue(store).flush()
        assert control.later is not None and control.later.pending  # debounced: the keystroke did not wait
        control.later.flush()
        assert control.ticks["decision-point"] in control.widget.children
        control.ticks["decision-point"].value = True
        assert "Fordi børnene skal høres" in html.unescape(control.preview.value)

    def test_the_button_shares_what_the_preview_shows(self, case, tmp_path, folder):
        """A save lands just before the click: the click shows it and shares the same snapshot."""
        store = _learner(tmp_path, case, "a", 2)
        control = widgets.share_control(case, store)
        store.save("goal-divergence", {"kim": 5, "sanne": 4})  # not through a widget: no notice at all
        control.button.click()
        (path,) = folder.rglob("*.json")
        assert json.loads(path.read_text(encoding="utf-8"))["answers"]["goal-divergence"]["kim"] == 5
        assert "Kim: 5" in html.unescape(control.preview.value)

    def test_the_delay_is_real_and_the_timer_refreshes(self, case, tmp_path, folder, monkeypatch):
        """Without flushing, the preview is shown again on the timer's thread."""
        import time

        from casekit.answers import save_queue

        monkeypatch.setattr(widgets.sharing, "PREVIEW_DELAY", 0.05)
        store = _learner(tmp_path, case, "a", 2)
        control = widgets.share_control(case, store)
        goals = widgets.goal_divergence(case, store)
        goals.inputs["kim"].value = 4
        save_queue(store).flush()
        deadline = time.monotonic() + 5
        while "Kim: 4" not in html.unescape(control.preview.value) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "Kim: 4" in html.unescape(control.preview.value)


class TestNothingToShare:
    """An empty share is not a share: nothing is written, and the learner is told why."""

    def test_the_control_writes_nothing_and_says_why(self, case, store, folder):
        """Nothing answered: the button is off, and a click writes no file and says why."""
        control = widgets.share_control(case, store)
        assert t("share.nothing", "da") in html.unescape(control.preview.value)
        assert control.button.disabled
        control.button.click()
        assert list(folder.rglob("*.json")) == []
        assert t("class.error.nothing_to_share", "da") in html.unescape(control.status.value)
        assert 'role="alert"' in control.status.value and control.last_path is None

    def test_text_not_ticked_is_not_something_to_share(self, case, tmp_path, folder):
        """Only a question answered, not ticked: nothing to share; ticked: shared."""
        store = AnswerStore.open(tmp_path / "tekst", case=case)
        store.save("organisering-1", "Mit svar")
        control = widgets.share_control(case, store)
        assert control.button.disabled
        control.ticks["organisering-1"].value = True
        assert not control.button.disabled
        control.button.click()
        assert len(list(folder.rglob("*.json"))) == 1

    def test_share_called_directly_refuses(self, case, store, tmp_path, folder):
        """classroom.share with nothing to share raises ClassFolderError and leaves an earlier share."""
        classroom.share(_learner(tmp_path, case, "x", 2))
        before = sorted(folder.rglob("*.json"))
        with pytest.raises(classroom.ClassFolderError, match=t("class.error.nothing_to_share", "da")[:20]):
            classroom.share(store)
        assert sorted(folder.rglob("*.json")) == before

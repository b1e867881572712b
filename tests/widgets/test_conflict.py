"""Two notebooks or tabs on one store: a save over an answer saved elsewhere meanwhile is told, and the
other answer is one click away (casekit.widgets.base.Saver, AnswerStore.save's ``based_on``).

Each notebook runs in its own kernel with its own connection to the one store file; here each "tab" is an
activity built on its own :class:`AnswerStore` opened on the same file, as a second kernel would.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import casekit
from casekit import widgets
from casekit.answers import AnswerStore, Revision, save_queue
from casekit.clock import local_clock
from casekit.i18n import t
from casekit.widgets import live
from casekit.widgets.base import Activity, Saver

KEY = "organisering-1"


def before_time(key: str, lang: str = "da") -> str:
    """The words of catalog text ``key`` before its ``{when}``."""
    return t(key, lang, when="\x00", saved="", start="").split("\x00")[0]


def when(revision: Revision, lang: str = "da") -> str:
    """A revision of today, as the status line and the button name it."""
    return t("widgets.when", lang, time=local_clock(revision.saved_at))


def shown(activity: Activity) -> str:
    """The first status line's text, as a screen reader reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", activity.status.value))


def button(saver_bar: ipywidgets.VBox) -> ipywidgets.Button | None:
    """The bring-back button under a status line, if it is on screen."""
    for child in saver_bar.children:
        if isinstance(child, ipywidgets.Button) and child.layout.display != "none":
            return child
    return None


def bar_of(activity: Activity) -> ipywidgets.VBox:
    """The box that holds the activity's first status line (and the button under it)."""

    def walk(widget: Any) -> Iterator[Any]:
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    return next(w for w in walk(activity) if isinstance(w, ipywidgets.VBox) and activity.status in w.children)


@pytest.fixture
def second(store: AnswerStore, case: casekit.Case) -> Iterator[AnswerStore]:
    """The same store file as another kernel opens it."""
    with AnswerStore.open(store.path, case=case) as other:
        yield other


class TestTheStore:
    """``AnswerStore.save(based_on=...)`` reads the key's latest in the write's transaction."""

    def test_a_save_based_on_the_latest_supersedes_nothing(self, store: AnswerStore):
        first = store.save(KEY, "a", based_on="")
        assert first.superseded is None
        assert store.save(KEY, "ab", based_on=first.saved_at).superseded is None

    def test_a_save_based_on_an_older_revision_names_the_latest(
        self, store: AnswerStore, second: AnswerStore
    ):
        old = store.save(KEY, "a")
        newer = second.save(KEY, "a, skrevet i den anden fane", based_on=old.saved_at)
        stale = store.save(KEY, "a!", based_on=old.saved_at)
        assert stale.superseded == newer
        assert stale.superseded is not None and stale.superseded.value == "a, skrevet i den anden fane"
        assert store.get(KEY) == "a!"  # the save is the answer…
        assert [r.value for r in store.history(KEY)] == [
            "a",
            "a, skrevet i den anden fane",
            "a!",
        ]  # …all kept

    def test_a_save_of_a_new_answer_names_one_made_meanwhile(self, store: AnswerStore, second: AnswerStore):
        second.save(KEY, "fra den anden fane")
        assert store.save(KEY, "herfra", based_on="").superseded is not None

    def test_without_based_on_nothing_is_checked(self, store: AnswerStore, second: AnswerStore):
        second.save(KEY, "fra den anden fane")
        assert store.save(KEY, "herfra").superseded is None

    def test_superseded_is_not_part_of_a_revisions_identity(self, store: AnswerStore, second: AnswerStore):
        second.save(KEY, "fra den anden fane")
        saved = store.save(KEY, "herfra", based_on="")
        assert saved == store.latest(KEY) and saved.superseded is not None


class TestTwoTabs:
    """The learner writes in one notebook, then in another that still shows the older answer."""

    def test_the_second_tab_is_told_and_can_bring_the_other_answer_back(
        self, case: casekit.Case, store: AnswerStore, second: AnswerStore
    ):
        store.save(KEY, "første udkast")
        here = widgets.questions(case, store)
        there = widgets.questions(case, second)
        there.inputs[KEY].value = "første udkast, gjort færdigt i den anden fane"
        newer = second.latest(KEY)
        assert newer is not None
        here.inputs[KEY].value = "første udkast!"  # typed into the stale box

        assert store.get(KEY) == "første udkast!"
        assert 'role="alert"' in here.status.value
        assert shown(here).startswith(before_time("widgets.conflict") + when(newer))
        other = button(bar_of(here))
        assert other is not None
        # named by its time and its first words (two answers of one second are told apart)
        assert other.description.startswith(before_time("widgets.conflict.button") + when(newer))
        assert newer.value[:30] in other.description and len(other.description) < 80

        mine = store.latest(KEY)
        other.click()
        assert here.inputs[KEY].value == "første udkast, gjort færdigt i den anden fane"
        assert store.get(KEY) == "første udkast, gjort færdigt i den anden fane"  # the newest revision now
        assert mine is not None and mine in store.history(KEY)  # what was typed here is kept
        back = button(bar_of(here))
        assert back is not None and local_clock(mine.saved_at) in back.description  # offers it back
        assert 'role="alert"' not in here.status.value

        here.inputs[KEY].value = "første udkast, gjort færdigt i den anden fane. Og mere."
        assert button(bar_of(here)) is None  # going on writing settles the choice
        assert store.get(KEY) == "første udkast, gjort færdigt i den anden fane. Og mere."

    def test_the_button_swaps_back_and_forth_while_nothing_is_typed(
        self, case: casekit.Case, store: AnswerStore, second: AnswerStore
    ):
        here = widgets.questions(case, store)
        there = widgets.questions(case, second)
        there.inputs[KEY].value = "derfra"
        here.inputs[KEY].value = "herfra"
        for expected in ("derfra", "herfra", "derfra"):
            other = button(bar_of(here))
            assert other is not None
            other.click()
            assert here.inputs[KEY].value == expected == store.get(KEY)

    def test_writing_on_after_the_warning_keeps_the_other_answer_on_offer(
        self, case: casekit.Case, store: AnswerStore, second: AnswerStore
    ):
        here = widgets.questions(case, store)
        there = widgets.questions(case, second)
        there.inputs[KEY].value = "derfra"
        for text in ("h", "he", "her"):
            here.inputs[KEY].value = text
        other = button(bar_of(here))
        assert other is not None and store.get(KEY) == "her"
        assert "derfra" not in shown(here) and "✓" in shown(here)  # saved, and the other one still named
        assert before_time("widgets.conflict.kept") in shown(here)
        other.click()
        assert here.inputs[KEY].value == "derfra"

    def test_a_danish_and_an_english_notebook_on_one_store(self, case: casekit.Case, store: AnswerStore):
        english = casekit.load_case("samskabelse", lang="en")
        with AnswerStore.open(store.path, case=english) as other:
            here = widgets.questions(case, store)
            there = widgets.questions(english, other)
            here.inputs[KEY].value = "skrevet på dansk"
            there.inputs[KEY].value = "written in English"
            assert 'role="alert"' in there.status.value
            other = button(bar_of(there))
            assert other is not None and other.description.startswith(
                before_time("widgets.conflict.button", "en")
            )

    def test_one_tab_alone_is_never_warned(self, case: casekit.Case, store: AnswerStore):
        here = widgets.questions(case, store)
        for n in range(5):
            here.inputs[KEY].value = "x" * n
        assert 'role="alert"' not in here.status.value and button(bar_of(here)) is None

    def test_an_import_shown_in_this_notebook_is_no_conflict(
        self, case: casekit.Case, store: AnswerStore, tmp_path: Path
    ):
        from casekit.export import export_json

        here = widgets.questions(case, store)
        here.inputs[KEY].value = "før"
        with AnswerStore.open(tmp_path / "fil", case=case) as elsewhere:
            elsewhere.save(KEY, "fra en fil")
            result = store.import_bytes(export_json(elsewhere).encode())
        live.imported(store, result)
        assert here.inputs[KEY].value == "fra en fil"
        here.inputs[KEY].value = "fra en fil, rettet"
        assert 'role="alert"' not in here.status.value

    def test_saves_queued_behind_a_busy_store_are_no_conflict(self, case: casekit.Case, store: AnswerStore):
        """Keystrokes queued while another program holds the store are each based on the one before."""
        here = widgets.questions(case, store)
        blocker = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            for text in ("a", "ab", "abc"):
                here.inputs[KEY].value = text
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert save_queue(store).flush(timeout=10)
        assert store.get(KEY) == "abc"
        assert 'role="alert"' not in here.status.value and button(bar_of(here)) is None


# Every activity that saves as the learner changes it: how to build it, which control to change (the first
# one if None), and two values for it (the one typed here, the one saved elsewhere).
ACTIVITIES: dict[str, tuple[Callable[..., Any], str | None, Any, Any]] = {
    "decision": (widgets.decision_point, "justification", "fordi", "fordi, skrevet andetsteds"),
    "dilemma": (lambda case, store: widgets.dilemma(case, store, 1), "justification", "hensyn", "hensyn!"),
    "proposal": (widgets.proposal, "proposal.process", "processen", "processen, skrevet andetsteds"),
    "goals": (widgets.goal_divergence, None, 2, 5),
    "plan": (widgets.proposal, "proposal.participation", "inform", "empower"),
}


@pytest.mark.parametrize("kind", sorted(ACTIVITIES))
def test_every_activity_warns_and_brings_back(kind: str, case: casekit.Case, store: AnswerStore, second):
    """Whatever the answer's shape (text, a 1-5 point, a plan's levels), the other one comes back whole."""
    build, name, mine, theirs = ACTIVITIES[kind]
    here, there = build(case, store), build(case, second)

    def control(activity: Activity) -> Any:
        if name == "proposal.participation":
            return next(c for key, c in activity.inputs.items() if key.startswith(name))
        return activity.inputs[name] if name is not None else next(iter(activity.inputs.values()))

    control(there).value = theirs
    control(here).value = mine
    assert any('role="alert"' in status.value for status in here.statuses)
    bars = [w for w in _walk(here) if isinstance(w, ipywidgets.VBox) and button(w) is not None]
    assert len(bars) == 1
    other = button(bars[0])
    assert other is not None
    other.click()
    assert control(here).value == theirs


def _walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_map_s_saver_brings_back_a_whole_answer(case: casekit.Case, store: AnswerStore, second):
    """The stakeholder map saves one mapping: the saver brings the other mapping back whole."""
    shown_here: list[Any] = []
    saver = Saver(store, case)
    saver.restore("stakeholder-map")
    saver.follow("stakeholder-map", shown_here.append)
    theirs = {"kim": {"power": 4, "interest": 2}}
    second.save("stakeholder-map", theirs)
    saver.save("stakeholder-map", {"kim": {"power": 1, "interest": 1}})
    assert saver.other is not None and saver.bring_back()
    assert shown_here[-1] == theirs and store.get("stakeholder-map") == theirs


# -- any interleaving of two tabs ----------------------------------------------------------------------------
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
steps = st.lists(
    st.one_of(st.tuples(st.integers(0, 1), texts), st.tuples(st.integers(0, 1), st.just(None))),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_two_tabs_in_any_order_lose_nothing_and_warn_exactly_when_stale(
    tmp_path_factory: pytest.TempPathFactory, case: casekit.Case, plan: list[tuple[int, str | None]]
):
    """Two tabs type (text) or press the bring-back button (None) in any order. Every value either saved
    stays in the store; the store's answer is what the tab that acted last shows; a tab is warned exactly
    when it saved over an answer it was not showing, and its button then offers that answer."""
    path = tmp_path_factory.mktemp("two") / "answers"
    with AnswerStore.open(path, case=case) as one, AnswerStore.open(path, case=case) as two:
        tabs = [widgets.questions(case, one), widgets.questions(case, two)]
        stores = [one, two]
        showing: list[Revision | None] = [None, None]  # the revision each tab's box came from
        typed: set[str] = set()
        for who, text in plan:
            tab, bar = tabs[who], bar_of(tabs[who])
            before = stores[who].latest(KEY)
            if text is None:
                other = button(bar)
                if other is None:
                    continue
                other.click()
            else:
                if tabs[who].inputs[KEY].value == text:
                    continue  # no change, no save
                tabs[who].inputs[KEY].value = text
                typed.add(text)
                seen = showing[who]
                stale = before is not None and (seen is None or before.saved_at != seen.saved_at)
                assert ('role="alert"' in tab.status.value) == stale
                if stale:
                    other = button(bar)
                    assert other is not None and before is not None
                    assert other.description.startswith(before_time("widgets.conflict.button") + when(before))
            showing[who] = stores[who].latest(KEY)
            assert stores[who].get(KEY) == tabs[who].inputs[KEY].value
        assert typed <= {r.value for r in one.history(KEY)}


# -- what a review found -------------------------------------------------------------------------------------
def test_saves_after_an_answer_days_ahead_are_told_apart(case: casekit.Case, store: AnswerStore, second):
    """An answer saved while the clock ran days ahead is the key's newest: each save after it still gets a
    time of its own, so a stale notebook is warned all the same."""
    ahead = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    store.import_revisions([Revision(KEY, "med uret foran", ahead, 0, "1", "da")])
    here, there = widgets.questions(case, store), widgets.questions(case, second)
    there.inputs[KEY].value = "derfra"
    here.inputs[KEY].value = "herfra"
    times = [r.saved_at for r in store.history(KEY)]
    assert len(set(times)) == len(times) == 3
    assert 'role="alert"' in here.status.value and store.get(KEY) == "herfra"
    other = button(bar_of(here))
    assert other is not None and "»derfra«" in other.description


def test_the_button_waits_for_what_was_typed_last(case: casekit.Case, store: AnswerStore, second):
    """Typed while another program held the store, then the button: the typed words are stored first, and
    they are what the button offers back; while they cannot be stored, the button says to wait."""
    here, there = widgets.questions(case, store), widgets.questions(case, second)
    there.inputs[KEY].value = "derfra"
    here.inputs[KEY].value = "herfra"
    blocker = sqlite3.connect(store.path, timeout=0, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    here.inputs[KEY].value = "herfra og meget mere tekst"  # queued
    other = button(bar_of(here))
    assert other is not None
    other.click()  # still held: nothing changes, and the line says to wait
    assert here.inputs[KEY].value == "herfra og meget mere tekst"
    assert t("widgets.conflict.busy", "da") in shown(here)
    threading.Timer(0.3, lambda: (blocker.execute("ROLLBACK"), blocker.close())).start()
    other.click()
    assert here.inputs[KEY].value == "derfra" == store.get(KEY)
    back = button(bar_of(here))
    assert back is not None and "»herfra og meget mere tekst«" in back.description
    back.click()
    assert store.get(KEY) == "herfra og meget mere tekst"


def test_a_plan_brought_back_keeps_its_own_stakeholders(case: casekit.Case, store: AnswerStore, second):
    """05's plan was shown before the map named an own stakeholder; in another notebook that one got a
    level. Brought back, the plan keeps that level through the learner's next change."""
    from casekit import registry

    here = widgets.proposal(case, store)
    second.save(registry.STAKEHOLDER_MAP, {"own-1": {"name": "Lærerne", "at_table": True}})
    there = widgets.proposal(case, second)
    there.inputs["proposal.participation.own-1"].value = "involve"
    here.inputs["proposal.participation.kim"].value = "inform"
    assert 'role="alert"' in here.status.value
    assert here.status is not None and bar_of(here) is not None
    assert next(b for w in _walk(here) if isinstance(w, ipywidgets.VBox) and (b := button(w))).click() is None
    assert store.get(registry.PARTICIPATION_PLAN) == {"own-1": "involve"}
    here.inputs["proposal.participation.kim"].value = "consult"
    assert store.get(registry.PARTICIPATION_PLAN) == {"own-1": "involve", "kim": "consult"}


def test_a_failed_read_still_warns_of_the_answer_it_could_not_show(
    case: casekit.Case, store: AnswerStore, monkeypatch: pytest.MonkeyPatch
):
    """The store could not be read when the notebook ran (the box is empty): the first save over the answer
    it holds is told, and that answer is offered back."""
    from casekit.errors import AnswerStoreError

    store.save(KEY, "gemt i går")
    real = AnswerStore.latest
    monkeypatch.setattr(
        AnswerStore, "latest", lambda self, key: (_ for _ in ()).throw(AnswerStoreError("nej"))
    )
    here = widgets.questions(case, store)
    monkeypatch.setattr(AnswerStore, "latest", real)
    here.inputs[KEY].value = "ny"
    assert 'role="alert"' in here.status.value
    other = button(bar_of(here))
    assert other is not None and "»gemt i går«" in other.description


def test_a_restore_that_brings_nothing_new_keeps_the_offer(
    case: casekit.Case, store: AnswerStore, second: AnswerStore, tmp_path: Path
):
    """After a warning, a restore in the same notebook that holds nothing new for the answer leaves the
    other answer one click away; a restore that does bring a newer one shows it and ends the offer."""
    from casekit.export import export_json

    here, there = widgets.questions(case, store), widgets.questions(case, second)
    there.inputs[KEY].value = "derfra"
    here.inputs[KEY].value = "herfra"
    own = store.import_bytes(export_json(store).encode())  # the browser's copy of this very store
    assert KEY in own.keys and own.added == 0
    live.imported(store, own)
    assert button(bar_of(here)) is not None and here.inputs[KEY].value == "herfra"
    with AnswerStore.open(tmp_path / "fil", case=case) as elsewhere:
        elsewhere.save(KEY, "fra filen")
        newer = export_json(elsewhere)
    live.imported(store, store.import_bytes(newer.encode()))
    assert button(bar_of(here)) is None and here.inputs[KEY].value == "fra filen"


def test_a_restore_while_a_save_waits_keeps_the_typed_words(
    case: casekit.Case, store: AnswerStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A restore in the same notebook while the last keystroke's save waits for the store: the box keeps
    what was typed, and when that save lands over the restored answer the learner is told."""
    from casekit.errors import AnswerStoreBusyError
    from casekit.export import export_json

    here = widgets.questions(case, store)
    here.inputs[KEY].value = "abc"
    with AnswerStore.open(tmp_path / "fil", case=case) as elsewhere:
        elsewhere.save(KEY, "fra filen")
        newer = export_json(elsewhere).encode()
    held = threading.Event()
    held.set()
    real = store.save

    def busy(*args: Any, **kwargs: Any) -> Revision:  # another program holds the store, for saves only
        if held.is_set():
            raise AnswerStoreBusyError("optaget")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "save", busy)
    here.inputs[KEY].value = "abcd"  # queued
    live.imported(store, store.import_bytes(newer))  # the restore lands while the save waits
    assert here.inputs[KEY].value == "abcd"
    held.clear()
    assert save_queue(store).flush(timeout=10)
    assert store.get(KEY) == "abcd" and 'role="alert"' in here.status.value
    other = button(bar_of(here))
    assert other is not None and "»fra filen«" in other.description

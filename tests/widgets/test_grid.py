"""The stakeholder map's grid (casekit/widgets/grid.py), driven headless the way casekit/static/grid.js drives
it: a custom message per move, addition or removal; the answer in a custom message back; the map in the
synced trait ``placements``. What reaches the store is checked with the store itself."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import casekit
from casekit import registry, widgets
from casekit.answers import AnswerStore, save_queue
from casekit.export import export_json
from casekit.i18n import catalog, t
from casekit.widgets import live
from casekit.widgets.grid import StakeholderGrid, own_name_problem

MAP = registry.STAKEHOLDER_MAP
STATIC = Path(casekit.__file__).parent / "static"


class Page:
    """A grid as one page shows it: every message the kernel sends it (custom or state) is recorded."""

    def __init__(self, case: casekit.Case, store: AnswerStore | None) -> None:
        self.activity = widgets.stakeholder_map(case, store)
        self.grid: StakeholderGrid = self.activity.inputs["grid"]
        self.sent: list[dict[str, Any]] = []  # what went over the comm: {"method": "custom" | "update", …}
        self.grid._send = lambda msg, buffers=None: self.sent.append(msg)  # type: ignore[method-assign]
        self.seq = 0

    def send(self, content: Any) -> dict[str, Any]:
        """A custom message from the front end, through the comm's path; the answer the kernel sent."""
        before = len(self.sent)
        self.grid._handle_custom_msg(content, [])
        replies = [m["content"] for m in self.sent[before:] if m.get("method") == "custom"]
        assert len(replies) == 1, replies
        return replies[0]

    def place(self, key: str, power: Any, interest: Any) -> dict[str, Any]:
        self.seq += 1
        return self.send({"type": "place", "seq": self.seq, "id": key, "power": power, "interest": interest})

    def add(self, name: Any, at_table: Any = True) -> dict[str, Any]:
        self.seq += 1
        return self.send({"type": "add", "seq": self.seq, "name": name, "at_table": at_table})

    def remove(self, key: str) -> dict[str, Any]:
        self.seq += 1
        return self.send({"type": "remove", "seq": self.seq, "id": key})

    def updates(self, since: int = 0) -> list[dict[str, Any]]:
        """The state updates sent to the front end (the map resent)."""
        return [m for m in self.sent[since:] if m.get("method") == "update"]

    @property
    def status(self) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", self.activity.status.value))


@pytest.fixture
def page(case: casekit.Case, store: AnswerStore) -> Page:
    return Page(case, store)


@pytest.fixture(scope="module")
def case_en() -> casekit.Case:
    return casekit.load_case("samskabelse", lang="en")


def rebuilt(store: AnswerStore, case: casekit.Case) -> AnswerStore:
    """The same store file opened afresh, as after a kernel restart."""
    return AnswerStore.open(store.path, case=case)


class TestPlacing:
    """A stakeholder dropped on a cell is saved as the registry's shape and confirmed to the page."""

    def test_a_drop_is_saved_and_confirmed(self, page: Page, store: AnswerStore):
        """The store gets ``{actor: {power, interest}}``, the page gets ``done`` with what was saved, and the
        status line and the reply say it is saved."""
        reply = page.place("majbritt", 5, 4)
        assert store.get(MAP) == {"majbritt": {"power": 5, "interest": 4}}
        assert reply == {
            "type": "done",
            "seq": 1,
            "id": "majbritt",
            "place": {"power": 5, "interest": 4},
            "message": "",
            "status": page.status,
            "error": False,
        }
        assert page.status.startswith(t("widgets.saved", "da", time="").strip())
        assert page.grid.placements == {"majbritt": {"power": 5, "interest": 4}}

    def test_a_move_over_a_map_saved_elsewhere_is_a_warning_beside_the_grid(
        self, case: casekit.Case, page: Page, store: AnswerStore
    ):
        """Another notebook moved a stakeholder after this map was shown: this move is saved, and the line
        beside the grid says so as a warning (``error``), as the status line does, with the other map one
        click away."""
        with AnswerStore.open(store.path, case=case) as second:
            elsewhere = Page(case, second)
            elsewhere.place("kim", 1, 1)
            reply = page.place("majbritt", 5, 4)
        assert reply["error"] is True and 'role="alert"' in page.activity.status.value
        assert page.activity.inputs["grid"] is page.grid
        saver = page.grid.saver
        assert saver.other is not None and saver.bring_back()
        assert store.get(MAP) == {"kim": {"power": 1, "interest": 1}} == page.grid.placements

    def test_a_move_sends_one_small_message_not_the_map(self, page: Page, store: AnswerStore):
        """With every stakeholder placed, a move sends the page only its answer (well under 1 KB), not the
        map: the page that moved it shows it already, and the answer tells any other page."""
        case_ids = [a["id"] for a in page.grid.actors]
        for n, key in enumerate(case_ids):
            page.place(key, 1 + n % 5, 1 + (n * 3) % 5)
        full = len(json.dumps(page.grid.placements))
        assert full > 1000  # the map itself would not fit the budget
        before = len(page.sent)
        page.place(case_ids[0], 3, 3)
        sent = page.sent[before:]
        assert [m["method"] for m in sent] == ["custom"]
        assert len(json.dumps(sent[0], ensure_ascii=False).encode()) < 300
        assert page.grid.placements[case_ids[0]] == {"power": 3, "interest": 3}  # kept, for a new page
        assert store.get(MAP)[case_ids[0]] == {"power": 3, "interest": 3}

    def test_back_in_the_tray(self, page: Page, store: AnswerStore):
        """A case stakeholder put back in the tray leaves the saved map; the learner's own stays, unplaced."""
        page.place("kim", 4, 5)
        page.add("Lærerne")
        page.place("own-1", 2, 2)
        page.place("kim", None, None)
        page.place("own-1", None, None)
        assert store.get(MAP) == {
            "own-1": {"name": "Lærerne", "at_table": True, "power": None, "interest": None}
        }

    def test_the_same_place_again_saves_nothing_new(self, page: Page, store: AnswerStore):
        """Dropping a stakeholder where it already is answers ``done`` and adds no revision."""
        page.place("kim", 4, 5)
        reply = page.place("kim", 4, 5)
        assert reply["type"] == "done" and len(store.history(MAP)) == 1

    def test_the_map_is_in_the_case_order(self, page: Page, store: AnswerStore, case: casekit.Case):
        """Whatever the order of the moves, the map is saved with the case's stakeholders in the case's
        order, then the learner's own by number."""
        last, first = case.actors[-1].id, case.actors[0].id
        page.add("Lærerne")
        page.place(last, 1, 1)
        page.place(first, 2, 2)
        assert list(store.get(MAP)) == [first, last, "own-1"]

    def test_restored_after_restart(self, page: Page, store: AnswerStore, case: casekit.Case):
        """A new kernel's grid shows the saved map (placed, unplaced and own), and saving nothing new."""
        page.place("boern-unge", 1, 5)
        page.add("Forældrebestyrelserne", at_table=False)
        again = Page(case, rebuilt(store, case))
        assert again.grid.placements == store.get(MAP)
        assert again.grid.placements["own-1"]["at_table"] is False
        assert len(store.history(MAP)) == 2

    def test_stale_saved_values_are_left_out_and_kept(self, store: AnswerStore, case: casekit.Case):
        """An actor the case no longer has and a power off the scale are not shown (a note says so); the
        store keeps them."""
        stale = {"nobody": {"power": 3, "interest": 3}, "kim": {"power": 9, "interest": 2}}
        store.save(MAP, stale)
        page = Page(case, store)
        assert page.grid.placements == {"kim": {"power": None, "interest": 2}}
        assert t("widgets.stale_value", "da") in page.status
        assert store.get(MAP) == stale

    def test_a_change_reaches_the_browser_copy(self, page: Page, store: AnswerStore):
        """A move is saved through the activity's saver: every follower of the store's saves hears it."""

        class Follower:
            heard = 0

            def saved(self) -> None:
                self.heard += 1

        follower = Follower()
        live.follow_saves(store, follower)
        page.place("kim", 2, 3)
        assert follower.heard == 1

    def test_a_queued_save_is_confirmed_when_it_is_stored(self, page: Page, store: AnswerStore):
        """While another program holds the store, the answer says the save waits; once stored, the page
        is told so (a ``status`` message), and the store has the move."""
        import sqlite3

        blocker = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            reply = page.place("kim", 2, 4)
            before = len(page.sent)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert reply["type"] == "done" and reply["status"] == t("widgets.waiting", "da")
        assert save_queue(store).flush(timeout=10)
        told = [m["content"] for m in page.sent[before:] if m.get("method") == "custom"]
        assert told and told[-1]["type"] == "status" and told[-1]["error"] is False
        assert told[-1]["status"] == page.status and t("widgets.saved", "da", time="").strip() in page.status
        assert store.get(MAP) == {"kim": {"power": 2, "interest": 4}}

    def test_without_a_store_the_move_is_refused(self, case: casekit.Case):
        """Without a store the grid says nothing can be saved and gives the map back."""
        page = Page(case, None)
        reply = page.place("kim", 3, 3)
        assert reply["type"] == "refused" and reply["message"] == t("map.grid.not_saved", "da")
        assert page.updates() and page.grid.placements == {}
        assert t("widgets.no_store_short", "da") in page.status


class TestOwnStakeholders:
    """The learner adds stakeholders the case does not name, in the grid, and removes them again."""

    def test_add_place_and_remove(self, page: Page, store: AnswerStore):
        """An addition waits in the tray as own-1 (name trimmed), is placed like any other, and its removal
        takes it out of the saved map; each addition and removal sends the page the map."""
        reply = page.add("  Lærerne ")
        assert reply["type"] == "done" and reply["id"] == "own-1"
        assert reply["message"] == t("map.own.added", "da", name="Lærerne")
        assert page.updates(), "the page was not sent the map with the new stakeholder"
        assert store.get(MAP) == {
            "own-1": {"name": "Lærerne", "at_table": True, "power": None, "interest": None}
        }
        page.place("own-1", 4, 5)
        assert store.get(MAP)["own-1"] == {"name": "Lærerne", "at_table": True, "power": 4, "interest": 5}
        reply = page.remove("own-1")
        assert reply["message"] == t("map.own.removed", "da", name="Lærerne")
        assert reply["place"] is None and store.get(MAP) == {}

    def test_the_next_free_number(self, page: Page, store: AnswerStore):
        """After own-1 is removed, the next addition takes own-1 again; the others keep their keys."""
        page.add("Lærerne")
        page.add("Pædagogerne", at_table=False)
        page.remove("own-1")
        page.add("Forældrene")
        assert {k: v["name"] for k, v in store.get(MAP).items()} == {
            "own-1": "Forældrene",
            "own-2": "Pædagogerne",
        }

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("   ", t("map.own.empty", "da")),
            ("x" * 81, t("map.own.too_long", "da", length=81, limit=registry.OWN_NAME_MAX)),
            ("KIM", t("map.own.duplicate", "da", name="KIM")),  # a case stakeholder's name, any case
        ],
    )
    def test_a_name_that_cannot_be_added(self, page: Page, store: AnswerStore, typed: str, message: str):
        """An empty, too long or taken name is refused with the catalog's words, nothing saved."""
        reply = page.add(typed)
        assert reply == {"type": "refused", "seq": 1, "message": message}
        assert store.get(MAP) is None

    def test_a_name_already_added(self, page: Page, store: AnswerStore):
        """A second stakeholder of the same name (any case) is refused."""
        page.add("Lærerne")
        assert page.add("lærerne")["message"] == t("map.own.duplicate", "da", name="lærerne")
        assert list(store.get(MAP)) == ["own-1"]

    def test_at_most_99(self, store: AnswerStore, case: casekit.Case):
        """The hundredth own stakeholder is refused: the keys run from own-1 to own-99."""
        full = {
            registry.own_stakeholder_key(n): {
                "name": f"N{n}",
                "at_table": True,
                "power": None,
                "interest": None,
            }
            for n in range(1, registry.OWN_STAKEHOLDERS_MAX + 1)
        }
        store.save(MAP, full)
        reply = Page(case, store).add("Én til")
        assert reply["message"] == t("map.own.too_many", "da", limit=registry.OWN_STAKEHOLDERS_MAX)

    def test_a_name_with_markup_is_kept_as_text(self, page: Page, store: AnswerStore):
        """A name with HTML is saved and sent to the page as typed: the page writes it as text (below)."""
        hostile = "<img src=x onerror=alert(1)>"
        page.add(hostile)
        assert store.get(MAP)["own-1"]["name"] == hostile
        assert page.grid.placements["own-1"]["name"] == hostile

    def test_the_name_rules(self):
        """The rules the grid applies before the registry: empty, too long, taken (any case), too many."""
        assert own_name_problem("", [], 0, "en") == t("map.own.empty", "en")
        assert own_name_problem("Lærerne", ["lærerne"], 0, "da") == t(
            "map.own.duplicate", "da", name="Lærerne"
        )
        assert own_name_problem("Nye", [], registry.OWN_STAKEHOLDERS_MAX, "da") is not None
        assert own_name_problem("x" * registry.OWN_NAME_MAX, [], 0, "da") is None


class TestRefusals:
    """What the registry refuses, or the case does not have, is refused in words: nothing is saved, and
    a page that showed a move gets the map back."""

    @pytest.mark.parametrize(
        ("content", "words"),
        [
            ({"type": "place", "seq": 1, "id": "kim", "power": 6, "interest": 3}, "shape.scale"),
            ({"type": "place", "seq": 1, "id": "kim", "power": True, "interest": 3}, "shape.type"),
            ({"type": "place", "seq": 1, "id": "kim", "power": "4", "interest": 3}, "shape.type"),
            ({"type": "place", "seq": 1, "id": "nobody", "power": 4, "interest": 3}, "map.grid.unknown"),
            ({"type": "place", "seq": 1, "id": "own-7", "power": 4, "interest": 3}, "map.grid.unknown"),
            ({"type": "remove", "seq": 1, "id": "kim"}, "map.grid.unknown"),
            ({"type": "place", "seq": 1, "id": ["kim"], "power": 4, "interest": 3}, "map.grid.unreadable"),
            ({"type": "move", "seq": 1}, "map.grid.unreadable"),
            ("kim=4", "map.grid.unreadable"),
        ],
    )
    def test_refused_in_words(self, page: Page, store: AnswerStore, content: Any, words: str):
        reply = page.send(content)
        assert reply["type"] == "refused"
        if words.startswith("shape."):
            assert reply["message"].startswith(t("map.grid.refused", "da", reason="").strip())
            template = t(words, "da")
            assert template.split("{")[0] in reply["message"]
        else:
            assert reply["message"] == t(words, "da")
        assert "kim" not in reply["message"] and "own-" not in reply["message"]  # no id on screen
        assert store.get(MAP) is None

    def test_a_refused_move_gives_the_page_the_map_again(self, page: Page, store: AnswerStore):
        """The page already showed the move: it is sent the map as saved, and the store is unchanged."""
        page.place("kim", 4, 5)
        before = len(page.sent)
        page.place("kim", 4, 99)
        assert page.updates(before) and page.updates(before)[-1]["state"]["placements"] == {
            "kim": {"power": 4, "interest": 5}
        }
        assert store.get(MAP) == {"kim": {"power": 4, "interest": 5}}

    def test_a_failure_is_a_refusal_not_a_traceback(self, page: Page, store: AnswerStore, monkeypatch):
        """An unexpected error while saving is answered as a refusal saying so (the log keeps it)."""

        def broken(*_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(page.grid.saver, "save", broken)
        reply = page.place("kim", 1, 1)
        assert reply == {"type": "refused", "seq": None, "message": t("widgets.unexpected", "da")}


class TestWhatThePageIsGiven:
    """The front end draws from data and the catalog: the case's stakeholders, the cells, the words."""

    def test_every_stakeholder_in_the_trays_groups(self, page: Page, case: casekit.Case):
        """Every case stakeholder, also those not at the table, once, with its group's name."""
        actors = page.grid.actors
        assert sorted(a["id"] for a in actors) == sorted(a.id for a in case.actors)
        absent = {a["id"] for a in actors if a["group"] == t("widgets.map.group.absent", "da")}
        assert absent == {a.id for a in case.actors if not a.at_table}

    def test_the_cells_and_their_quadrants(self, page: Page):
        """25 cells from the top row down, each in the quadrant the charts put it in."""
        from casekit.charts.grid import quadrant_of

        cells = page.grid.cells
        assert len(cells) == len(registry.SCALE) ** 2
        assert cells[0][:2] == [registry.SCALE[-1], registry.SCALE[0]]
        assert all(q == quadrant_of(p, i) for p, i, q in cells)

    def test_words_come_from_the_catalog(self, case: casekit.Case, store: AnswerStore, case_en):
        """Every word is a catalog entry in the case's language (the English case: English words)."""
        danish, english = Page(case, store).grid.words, Page(case_en, store).grid.words
        assert set(danish) == set(english)
        assert set(danish.values()) <= set(catalog("da").values())
        assert set(english.values()) <= set(catalog("en").values())
        assert english["own_add"] == t("map.own.add", "en") != danish["own_add"]
        assert (Page(case, store).grid.lang, Page(case_en, store).grid.lang) == ("da", "en")
        assert Page(case, store).grid.name_max == registry.OWN_NAME_MAX  # the name box's maxlength

    def test_the_front_end_writes_no_markup_from_data(self):
        """grid.js builds every element with createElement and puts text in with textContent: a name is
        never parsed as HTML."""
        source = (STATIC / "grid.js").read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
            assert sink not in source


class TestImports:
    """An import (a restore, an upload) shows on the grid already on the page, and saves nothing."""

    def test_an_imported_map_replaces_the_grid(self, page: Page, store: AnswerStore, case, tmp_path: Path):
        page.place("kim", 1, 1)
        with AnswerStore.open(tmp_path / "later", case=case) as later:
            own = {"name": "Lærerne", "at_table": True, "power": 3, "interest": 4}
            later.save(MAP, {"sanne": {"power": 2, "interest": 5}, "own-2": own})
            text = export_json(later)
        before = len(page.sent)
        assert store.import_bytes(text.encode()).added == 1
        assert live.reload(store) >= 1
        assert page.grid.placements == {"sanne": {"power": 2, "interest": 5}, "own-2": own}
        assert page.updates(before), "the page was not sent the imported map"
        assert len(store.history(MAP)) == 2  # the import, nothing saved again


# -- anything the front end can send ------------------------------------------------------------------------
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
AXIS = st.one_of(st.none(), st.integers(-1, 7), st.sampled_from([3.0, 2.5, "3", True, [], {}]), JSON_LEAF)
IDS = st.one_of(
    st.sampled_from(["kim", "majbritt", "boern-unge", "own-1", "own-2", "own-99", "own-100", "own-0", ""]),
    st.text(max_size=12),
)
NAMES = st.one_of(
    st.sampled_from(["Lærerne", "  lærerne ", "Kim", "", "   ", "x" * 80, "x" * 81, "<b>&</b>", "\ud83d"]),
    st.text(max_size=90),
)
MESSAGES = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("place"), "id": IDS, "power": AXIS, "interest": AXIS},
        optional={"seq": JSON, "extra": JSON},
    ),
    st.fixed_dictionaries(
        {"type": st.just("add"), "name": st.one_of(NAMES, JSON_LEAF)},
        optional={"at_table": st.one_of(st.booleans(), JSON_LEAF), "seq": st.integers()},
    ),
    st.fixed_dictionaries({"type": st.just("remove"), "id": IDS}, optional={"seq": st.integers()}),
    JSON,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(MESSAGES, min_size=1, max_size=6))
def test_any_message_saves_a_map_that_fits_or_is_refused_in_words(case, tmp_path: Path, messages):
    """Whatever the front end sends (any actor, own stakeholders, unset axes, out of range, garbage): the
    answer is ``done`` and the store holds a map that fits the answer registry and the case, or it is
    ``refused`` with a message from the catalog and the store is unchanged; never a traceback."""
    with AnswerStore.open(tmp_path / f"s{len(list(tmp_path.iterdir()))}", case=case) as store:
        page = Page(case, store)
        unexpected = t("widgets.unexpected", "da")
        for content in messages:
            before = store.get(MAP)
            reply = page.send(content)
            assert reply["type"] in ("done", "refused"), reply
            if reply["type"] == "refused":
                assert reply["message"] and reply["message"] != unexpected, reply
                assert store.get(MAP) == before
                continue
            save_queue(store).flush()
            saved = store.get(MAP)
            value = saved if saved is not None else {}
            assert registry.problems(MAP, value, case) == []
            assert registry.clean(MAP, value, case) == value
            assert value == page.grid.placements
            assert reply["place"] == value.get(reply["id"])

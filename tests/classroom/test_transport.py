"""The transport interface: the factory picks a transport from a target or CASEKIT_CLASS, and every
transport (the class folder, and a minimal one kept in memory) keeps the same contract, so summarize reads
any of them."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from casekit import classroom
from casekit._text import SLUG_PATTERN, slug
from casekit.classroom import ClassFolderError, FolderTransport, Transport, class_transport, factory
from casekit.classroom.hub import HubTransport
from casekit.classroom.intake import Intake
from casekit.classroom.service import ServiceConfig, open_service
from casekit.classroom.service.testing import FakeHubAuth, running, user_model
from casekit.clock import now
from casekit.i18n import t

from .support import learner_store


class MemoryTransport(Transport):
    """The smallest transport that keeps the contract: snapshots and rounds in dicts, for the tests."""

    def __init__(self, name: str = "memory") -> None:
        self.name = name
        self.files: dict[tuple[str, str], bytes] = {}
        self.opened: list[dict[str, Any]] = []

    @property
    def location(self) -> str:
        return f"memory:{self.name}"

    def share(self, document: Mapping[str, Any], *, lang: str = "da") -> str:
        doc = {**document, "round": self.current_round()}
        self.files[(doc["round"], doc["share_id"])] = json.dumps(doc).encode("utf-8")
        return f"{self.location}/{doc['round']}/{doc['share_id']}"

    def rounds(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.opened]

    def current_round(self) -> str:
        return self.opened[-1]["id"] if self.opened else "1"

    def open_round(self, name: str, *, lang: str = "da") -> str:
        taken = {r["id"] for r in self.opened} | {"1"}
        base = slug(name, limit=40) or "runde"
        round_id, n = base, 2
        while round_id in taken:
            round_id, n = f"{base}-{n}", n + 1
        self.opened.append({"id": round_id, "name": name, "opened_at": now()})
        return round_id

    def collect(self, lang: str = "da") -> Intake:
        intake = Intake(lang)
        for (round_id, share_id), data in sorted(self.files.items()):
            intake.add(f"{round_id}/{share_id}.json", None, data)
        return intake


class _Learners(dict):
    """Every token ``t-<name>`` is the hub user ``<name>``; ``t-teacher`` is an instructor."""

    def __missing__(self, token: str) -> dict[str, Any]:
        if not token.startswith("t-"):
            raise KeyError(token)
        name = token[2:]
        return user_model(name, ["casekit-instructors"] if name == "teacher" else [])


class LearnerHub(HubTransport):
    """The class's service as several learners use it: each snapshot shared with its own learner's token
    (the service knows a learner by their hub user, the snapshot's share id stands for one here); the
    rest with the instructor's."""

    def share(self, document: Mapping[str, Any], *, lang: str = "da") -> str:
        mine = HubTransport(self.service, url=self.url, token=f"t-{document['share_id']}")
        return mine.share(document, lang=lang)


@pytest.fixture(params=["folder", "memory", "hub"])
def transport(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh, empty class on each transport (the hub: the service in a thread, a stand-in hub)."""
    if request.param == "memory":
        yield MemoryTransport()
        return
    if request.param == "hub":
        state = open_service(ServiceConfig(data_dir=tmp_path / "service"), FakeHubAuth(_Learners()))
        with running(state) as url:  # type: ignore[arg-type]
            yield LearnerHub(url=url, token="t-teacher")
        return
    folder = tmp_path / "class"
    folder.mkdir()
    yield FolderTransport(folder)


def _items(transport: Transport) -> list[dict[str, Any]]:
    intake = transport.collect("da")
    assert intake.skipped == []
    return [json.loads(item.data) for item in intake.items]


class TestContract:
    """Every transport: the implicit round 1, rounds opened in order, one snapshot per learner and round."""

    def test_a_new_class_has_round_one_only(self, transport: Transport):
        """No round opened: rounds() is empty and learners share into round "1"."""
        assert transport.rounds() == []
        assert transport.current_round() == "1"
        assert isinstance(transport.location, str) and transport.location in repr(transport)

    def test_open_round_gives_unique_slugs_and_becomes_current(self, transport: Transport):
        """Each round gets a unique id that fits the id pattern; the newest is current; never "1"."""
        first = transport.open_round("Før diskussionen")
        second = transport.open_round("Før diskussionen")
        third = transport.open_round("1")
        assert (first, second) == ("foer-diskussionen", "foer-diskussionen-2")
        assert third != "1" and SLUG_PATTERN.fullmatch(third)
        assert transport.current_round() == third
        listed = transport.rounds()
        assert [r["id"] for r in listed] == [first, second, third]
        assert listed[0]["name"] == "Før diskussionen" and set(listed[0]) == {"id", "name", "opened_at"}
        listed[0]["name"] = "changed"
        assert transport.rounds()[0]["name"] == "Før diskussionen"  # new dicts each time

    def test_a_round_is_named_as_it_was_opened(self, transport: Transport):
        """round_name: the implicit round is "Runde 1" (as the summary names it), an opened round its
        name, never its id."""
        assert transport.round_name("1") == t("class.round_default", "da", id="1")
        assert transport.round_name("1", lang="en") == t("class.round_default", "en", id="1")
        opened = transport.open_round("Før diskussionen")
        assert transport.round_name(opened) == "Før diskussionen"

    def test_a_round_closes_only_where_the_transport_says_it_can(self, transport: Transport):
        """closes_rounds: the service closes and reopens the current round; elsewhere a round is always
        open and closing it is a programming error, not a silent no-op."""
        assert transport.round_open()
        if not transport.closes_rounds:
            with pytest.raises(NotImplementedError):
                transport.close_round()
            return
        transport.close_round()
        assert not transport.round_open()
        transport.reopen_round()
        assert transport.round_open()

    def test_share_puts_the_current_round_in_and_leaves_the_document(
        self, transport: Transport, tmp_path: Path, case
    ):
        """The stored snapshot has the current round; the document given is not changed; a str receipt."""
        transport.open_round("Anden runde")
        document = classroom.snapshot(learner_store(tmp_path, case), case=case)
        before = dict(document)
        receipt = transport.share(document)
        assert isinstance(receipt, str) and receipt
        assert document == before and document["round"] == "1"
        (stored,) = _items(transport)
        assert stored["round"] == "anden-runde"
        if not isinstance(transport, HubTransport):  # the service names a learner by its own HMAC instead
            assert stored["share_id"] == document["share_id"]
        assert classroom.share_problem(stored, case) is None

    def test_sharing_again_replaces_only_that_round_s_snapshot(
        self, transport: Transport, tmp_path: Path, case
    ):
        """Twice in one round is one snapshot; a new round keeps the earlier round's."""
        store = learner_store(tmp_path, case)
        transport.share(classroom.snapshot(store, case=case))
        transport.share(classroom.snapshot(store, case=case))
        assert len(_items(transport)) == 1
        transport.open_round("Efter")
        transport.share(classroom.snapshot(store, case=case))
        assert sorted(d["round"] for d in _items(transport)) == ["1", "efter"]

    def test_summarize_reads_any_transport(self, transport: Transport, tmp_path: Path, case):
        """summarize takes a transport: its snapshots, with the round names it keeps."""
        stores = [learner_store(tmp_path, case, i) for i in range(3)]
        for store in stores:
            classroom.share(store, transport, case=case)
        transport.open_round("Efter diskussion")
        classroom.share(stores[0], transport, case=case)
        transport.prepare()
        summary = classroom.summarize(transport, case=case)
        assert summary.learners == ["Studerende 1", "Studerende 2", "Studerende 3"]
        assert summary.rounds == ["1", "efter-diskussion"] and summary.files == 4
        assert summary.round_names == {"1": "Runde 1", "efter-diskussion": "Efter diskussion"}

    def test_an_empty_class_cannot_be_summarized(self, transport: Transport, case):
        """Nothing shared yet: a ClassFolderError that names the class's location."""
        with pytest.raises(ClassFolderError) as caught:
            classroom.summarize(transport, case=case)
        assert transport.location in str(caught.value)


class TestFolderTransport:
    """The folder transport writes the class folder's layout and says what is wrong in the catalog's words."""

    def test_layout(self, tmp_path: Path, case):
        """rounds.json, a sub-folder per round, <round>/<share_id>.json; the receipt is the file's path."""
        folder = tmp_path / "class"
        folder.mkdir()
        chosen = FolderTransport(folder)
        round_id = chosen.open_round("Runde to")
        store = learner_store(tmp_path, case)
        receipt = chosen.share(classroom.snapshot(store, case=case))
        assert receipt == str(folder / round_id / f"{classroom.share_id(store)}.json")
        assert json.loads((folder / "rounds.json").read_text(encoding="utf-8"))["current"] == round_id
        assert chosen.collect("da").skipped == []  # rounds.json is not read as a hand-in

    def test_the_module_functions_are_the_transport_s(self, tmp_path: Path):
        """open_round/rounds/current_round/round_folder on a path do what the transport does."""
        round_id = classroom.open_round(tmp_path, "Før")
        assert classroom.rounds(tmp_path) == FolderTransport(tmp_path).rounds()
        assert classroom.current_round(tmp_path) == FolderTransport(tmp_path).current_round() == round_id
        assert classroom.round_folder(tmp_path) == tmp_path / round_id

    def test_a_missing_folder(self, tmp_path: Path, case):
        """Sharing into or reading a folder that does not exist: ClassFolderError naming it."""
        chosen = FolderTransport(tmp_path / "nowhere")
        document = classroom.snapshot(learner_store(tmp_path, case), case=case)
        with pytest.raises(ClassFolderError, match="nowhere"):
            chosen.share(document)
        with pytest.raises(ClassFolderError, match="nowhere"):
            chosen.collect("da")
        with pytest.raises(ClassFolderError, match="nowhere"):
            chosen.prepare()

    def test_prepare_creates_the_current_round_s_folder(self, tmp_path: Path):
        """The instructor's view creates the round folder, with the class folder's permissions."""
        os.chmod(tmp_path, 0o2770)
        FolderTransport(tmp_path).prepare()
        assert (tmp_path / "1").is_dir()
        assert (tmp_path / "1").stat().st_mode & 0o7777 == 0o2770


class TestFactory:
    """class_transport: a path is a folder, hub is reserved, other schemes are an extension point."""

    def test_a_path_or_a_string_is_a_folder(self, tmp_path: Path):
        """A Path, a str and CASEKIT_CLASS all give the folder transport of that folder."""
        for target in (tmp_path, str(tmp_path)):
            chosen = class_transport(target)
            assert isinstance(chosen, FolderTransport) and chosen.path == tmp_path

    def test_the_environment_variable(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """No target (or a blank one): CASEKIT_CLASS names the class."""
        monkeypatch.setenv(classroom.CLASS_ENV, f"  {tmp_path}  ")
        for target in (None, "", "  "):
            chosen = class_transport(target)
            assert isinstance(chosen, FolderTransport) and chosen.path == tmp_path

    def test_no_class_named(self, monkeypatch: pytest.MonkeyPatch):
        """No target and no CASEKIT_CLASS: the catalog's message that names the variable."""
        monkeypatch.delenv(classroom.CLASS_ENV, raising=False)
        with pytest.raises(ClassFolderError) as caught:
            class_transport()
        assert str(caught.value) == t("class.error.no_folder", "da", env=classroom.CLASS_ENV)

    @pytest.mark.parametrize(
        ("value", "service"),
        [
            ("hub", "casekit-class"),
            ("hub:holdet-2025", "holdet-2025"),
            ("HUB:x", "x"),
            ("hub:", "casekit-class"),
        ],
    )
    def test_hub_is_the_hub_transport(self, value: str, service: str, monkeypatch: pytest.MonkeyPatch):
        """hub and hub:<service> name the class's JupyterHub service, never a folder named hub."""
        monkeypatch.setenv(classroom.CLASS_ENV, value)
        for target in (None, value):
            chosen = class_transport(target, lang="en")
            assert isinstance(chosen, HubTransport) and chosen.service == service
            assert chosen.location == f"hub:{service}"

    def test_a_planned_scheme_is_refused(self, monkeypatch: pytest.MonkeyPatch):
        """A scheme reserved for a transport still to come is refused with a message saying so, not read as
        a folder of that name."""
        monkeypatch.setattr(factory, "PLANNED_SCHEMES", frozenset({"lms"}))
        with pytest.raises(ClassFolderError) as caught:
            class_transport("lms:moodle", lang="en")
        assert str(caught.value) == t(
            "class.error.no_transport", "en", value="lms:moodle", env=classroom.CLASS_ENV
        )

    @pytest.mark.parametrize("value", ["./hub", "noter:2025", "C:\\kurser\\holdet", "hubs", "hub/x"])
    def test_other_strings_stay_paths(self, value: str):
        """A scheme casekit does not know, a drive letter, a folder path: the folder transport."""
        chosen = class_transport(value)
        assert isinstance(chosen, FolderTransport) and chosen.path == Path(value)

    def test_a_path_object_named_hub_is_a_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """A Path is always a folder (the widgets pass class_folder()'s Path)."""
        monkeypatch.chdir(tmp_path)
        chosen = class_transport(Path("hub"))
        assert isinstance(chosen, FolderTransport) and chosen.path == Path("hub")

    def test_a_transport_is_used_as_it_is(self):
        memory = MemoryTransport()
        assert class_transport(memory) is memory

    def test_a_registered_scheme(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case):
        """The extension point: a scheme in TRANSPORTS builds its transport from the rest of the value; share
        goes through it."""
        made: list[tuple[str, str]] = []

        def build(rest: str, lang: str) -> Transport:
            made.append((rest, lang))
            return MemoryTransport(rest)

        monkeypatch.setattr(factory, "TRANSPORTS", {"memory": build})
        monkeypatch.setenv(classroom.CLASS_ENV, "memory:holdet")
        chosen = class_transport(lang="en")
        assert isinstance(chosen, MemoryTransport) and made == [("holdet", "en")]
        receipt = classroom.share(learner_store(tmp_path, case), case=case)
        assert receipt == Path("memory:holdet/1") / receipt.name

"""The class service on a real JupyterHub: JupyterHub 6 from PyPI, configurable-http-proxy from npm, the
dummy authenticator and the simple spawner (no Unix users), everything on 127.0.0.1, and the service set up
by the recipe in docs/class-service.md (read from that file). Three learners and an instructor in the
``casekit-instructors`` group share and read through casekit's own API; raw HTTP with a learner's token
proves what the service refuses; the service is killed and restarted by the hub; 300 learners share at once.

One hub serves the whole module (a few seconds to start); what a test needs shared, a fixture shares, so
that each test passes alone and in any order. configurable-http-proxy comes from
``npm install --prefix .ci configurable-http-proxy@5`` (``.ci/run`` does it); without it the module is
skipped on a developer's machine and fails under CI.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from hubsupport import INSTRUCTORS, SERVICE, Hub, http, raw, running_hub

from casekit import classroom
from casekit.answers import AnswerStore
from casekit.classroom.hub import HubTransport
from casekit.i18n import t

from .support import learner_store

# One hub for the module, on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterhub")]

# Names no case text, label or id holds, so that finding one in a response or a page means a leak.
LEARNERS = ("elev-anna-q7", "elev-bo-q7", "elev-cecilie-q7")
OTHER = "elev-dora-q7"
INSTRUCTOR = "underviser-kim-q7"
LOAD = 300


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A JupyterHub with the class service (docs/class-service.md's recipe), four learners, an instructor;
    a user's server is the stand-in hub_server.py."""
    root = tmp_path_factory.mktemp("hub")
    (root / "out").mkdir()
    server = [sys.executable, str(Path(__file__).with_name("hub_server.py"))]
    environment = {"CASEKIT_TEST_OUT": str(root / "out"), "CASEKIT_ANSWERS": str(root / "answers")}
    with running_hub(root, server, environment=environment) as running:
        running.users([*LEARNERS, OTHER])
        running.users([INSTRUCTOR], [INSTRUCTORS])
        for name in (*LEARNERS, OTHER, INSTRUCTOR):
            running.tokens[name] = running.token(name)
        running.wait_for_service(running.tokens[LEARNERS[0]])
        yield running


@dataclass(frozen=True)
class Session:
    """What the class did in :func:`session`, and what the instructor read at each step."""

    receipts: list[Path]  # the three learners' first shares
    first: classroom.ClassSummary  # after those three shares
    again: classroom.ClassSummary  # after the first learner shared once more
    second_round: str  # the round the instructor opened then, in which the three shared again
    last: classroom.ClassSummary  # after that
    kim: str  # the speaker whose goals the learners rated again in the second round
    moved: tuple[int, int, int]  # how many of the three rated Kim higher, lower, the same as before


@pytest.fixture(scope="module")
def session(hub: Hub, tmp_path_factory: pytest.TempPathFactory, case) -> Session:
    """A session of the class on the hub: three learners share in a new round, one of them shares again, the
    instructor opens "Efter diskussionen" and all three share again, two of them moving toward 5 on Kim."""
    tmp_path = tmp_path_factory.mktemp("session")
    instructor = hub.transport(INSTRUCTOR)
    kim = next(a.id for a in case.actors if a.speaks)
    rated: dict[str, int] = {}  # each learner's rating of Kim in the first round, as last shared

    def share(store: AnswerStore, name: str) -> Path:
        rated[name] = store.as_dict()["goal-divergence"][kim]
        return classroom.share(store, hub.transport(name), case=case)

    first_round = instructor.open_round("Før diskussionen")
    receipts = [share(learner_store(tmp_path, case, n), name) for n, name in enumerate(LEARNERS)]
    first = classroom.summarize(instructor, case=case)
    share(learner_store(tmp_path, case, 9), LEARNERS[0])
    again = classroom.summarize(instructor, case=case)
    second_round = instructor.open_round("Efter diskussionen")
    changes = []
    for n, name in enumerate(LEARNERS):
        store = learner_store(tmp_path, case, n)
        goals = dict(store.as_dict()["goal-divergence"])
        goals[kim] = 5 if n < 2 else 1  # two toward 5, one toward 1 (or staying there)
        before = rated[name]
        changes.append((goals[kim] > before, goals[kim] < before, goals[kim] == before))
        store.save("goal-divergence", goals)
        classroom.share(store, hub.transport(name), case=case)
    last = classroom.summarize(instructor, case=case)
    assert (first_round, second_round) == ("foer-diskussionen", "efter-diskussionen")
    moved = (sum(c[0] for c in changes), sum(c[1] for c in changes), sum(c[2] for c in changes))
    return Session(receipts, first, again, second_round, last, kim, moved)


def _names_and_tokens(hub: Hub) -> list[bytes]:
    """What no response may contain: a user's name, a token, or the hub's ids of tokens and sessions."""
    found = [name.encode() for name in (*LEARNERS, OTHER, INSTRUCTOR)]
    found += [token.encode() for token in hub.tokens.values()]
    return [*found, b"token_id", b"session_id"]


class TestThroughCasekit:
    """Learners share and the instructor reads the class, through casekit's API with each user's token."""

    def test_three_learners_share_and_the_instructor_sees_three_anonymous(self, session: Session):
        assert [receipt.parent.name for receipt in session.receipts] == ["foer-diskussionen"] * 3
        summary = session.first
        in_round = summary.learners_in("foer-diskussionen")
        assert len(in_round) == 3 and all(label.startswith("Studerende ") for label in in_round)
        assert summary.skipped == []
        page = classroom.render_report(summary, with_text=True)
        assert not any(name in page for name in (*LEARNERS, INSTRUCTOR))

    def test_a_learner_sharing_again_is_still_one_learner(self, session: Session):
        assert session.again.learners == session.first.learners
        assert session.again.files == session.first.files

    def test_a_round_and_the_move_between_rounds(self, session: Session):
        summary, round_id = session.last, session.second_round
        assert summary.rounds[-2:] == ["foer-diskussionen", round_id]
        assert summary.round_names[round_id] == "Efter diskussionen"
        moved = next(m for m in summary.moves("foer-diskussionen", round_id) if m.actor == session.kim)
        assert moved.n == 3 and moved.sentence in summary.move_sentences("foer-diskussionen", round_id)
        assert (moved.toward_right, moved.toward_left, moved.stayed) == session.moved
        assert moved.toward_right >= 1

    def test_summarize_hub_on_the_command_line(
        self, hub: Hub, session: Session, tmp_path, monkeypatch, capsys
    ):
        """`casekit class summarize hub -o report.html` with the instructor's token writes the report."""
        from casekit.cli import main

        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", hub.tokens[INSTRUCTOR])
        monkeypatch.setenv("CASEKIT_CLASS_URL", hub.service_url)
        out = tmp_path / "report.html"
        learners = len(classroom.summarize(hub.transport(INSTRUCTOR)).learners)
        assert main(["class", "summarize", "hub", "-o", str(out)]) == 0
        said = capsys.readouterr().out
        assert t("class.cli.wrote", "da", path=out, learners=learners, skipped=0) in said
        page = out.read_text(encoding="utf-8")
        assert not any(name in page for name in (*LEARNERS, INSTRUCTOR))

    def test_a_learner_opening_the_instructor_view_gets_a_sentence(self, hub: Hub, case, monkeypatch):
        from casekit import widgets

        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", hub.tokens[LEARNERS[1]])
        monkeypatch.setenv("CASEKIT_CLASS_URL", hub.service_url)
        monkeypatch.setenv(classroom.CLASS_ENV, "hub")
        view = widgets.class_view(case)
        assert t("class.hub.not_instructor", "da") in view.status.value
        assert view.summary is None and len(view.widget.children) == 2

    def test_the_instructor_view_reads_the_hub(self, hub: Hub, case, monkeypatch, tmp_path):
        from casekit import widgets

        hub.transport(INSTRUCTOR).open_round("Visningen")
        for n, name in enumerate(LEARNERS):
            classroom.share(learner_store(tmp_path, case, n), hub.transport(name), case=case)
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", hub.tokens[INSTRUCTOR])
        monkeypatch.setenv("CASEKIT_CLASS_URL", hub.service_url)
        monkeypatch.setenv(classroom.CLASS_ENV, "hub")
        view = widgets.class_view(case)
        assert view.summary is not None and len(view.summary.learners_in("visningen")) == 3
        assert view.round.value == "visningen"
        assert t("classview.count", "da", count=3, round="Visningen") in view.overview.value

    def test_a_learner_s_kernel_shares_with_its_server_token(self, hub: Hub, session: Session):
        """A server the hub starts gets a token with the server role's scopes only; the recipe gives that
        role access to the service, so the kernel's share lands, as the same learner as their own token."""
        name = LEARNERS[2]
        current = hub.transport(INSTRUCTOR).current_round()
        before = classroom.summarize(hub.transport(INSTRUCTOR))
        status, _ = hub.api("POST", f"users/{name}/server")
        assert status in (201, 202), hub.log()
        out = hub.root / "out" / f"{name}.json"
        deadline = time.monotonic() + 60
        while not out.exists():
            assert time.monotonic() < deadline, hub.log()
            time.sleep(0.2)
        result = json.loads(out.read_text(encoding="utf-8"))
        hub.api("DELETE", f"users/{name}/server")
        assert result.get("error") is None and result["class"] == "hub"
        assert result["receipt"].endswith(f"/{current}/entry")
        # It imports casekit from this repository: the machine's "no __pycache__" reaches it too.
        assert result["dont_write_bytecode"] is bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        after = classroom.summarize(hub.transport(INSTRUCTOR))
        assert after.learners == before.learners  # the same learner: the identity comes from the hub


class TestRefusals:
    """Raw HTTP: what a learner's token, no token or another's token cannot do; no response names anyone."""

    def test_a_learner_cannot_do_what_instructors_do(self, hub: Hub):
        instructor = hub.transport(INSTRUCTOR)
        before = (instructor.rounds(), instructor.current_round(), instructor.round_open())
        token = hub.tokens[LEARNERS[0]]
        for method, path, body in (
            ("POST", "api/rounds", {"name": "mine"}),
            ("GET", "api/rounds", None),
            ("GET", "api/entries", None),
            ("POST", "api/round/close", {}),
            ("POST", "api/round/reopen", {}),
        ):
            status, data = hub.call(method, path, body, token)
            assert (status, json.loads(data)) == (403, {"error": "not_instructor"}), (method, path)
        instructor = hub.transport(INSTRUCTOR)
        assert (instructor.rounds(), instructor.current_round(), instructor.round_open()) == before

    def test_a_learner_reads_and_writes_only_their_own_entry(self, hub: Hub, session: Session):
        anna, bo = hub.tokens[LEARNERS[0]], hub.tokens[LEARNERS[1]]
        _, theirs = hub.call("GET", "api/entry", token=bo)
        _, mine = hub.call("GET", "api/entry", token=anna)
        assert json.loads(theirs) != json.loads(mine)
        other = json.loads(theirs)
        doc = {
            "format": "casekit-class-share",
            "schema_version": 1,
            "case": other["case"],
            "share_id": "0123456789abcdef",
            "round": "1",
            "shared_at": "2020-01-01T00:00:00+00:00",
            "answers": {"dilemma-1": {"position": 1}},
        }
        current = hub.transport(INSTRUCTOR).current_round()
        status, reply = hub.call("PUT", "api/entry?round=1&learner=bo&user=bo", doc, anna)
        assert status == 200 and json.loads(reply)["round"]["id"] == current
        assert hub.call("GET", "api/entry", token=bo)[1] == theirs  # bo's entry is as it was
        assert json.loads(hub.call("GET", "api/entry", token=anna)[1])["answers"] == doc["answers"]

    def test_a_learner_cannot_tell_whether_another_has_shared(self, hub: Hub, tmp_path, case):
        dora = hub.tokens[OTHER]
        seen_before = [
            hub.call("GET", path, token=dora) for path in ("api/round", "api/entry", "api/entry?round=1")
        ]
        classroom.share(learner_store(tmp_path, case, 5), hub.transport(LEARNERS[1]), case=case)
        seen_after = [
            hub.call("GET", path, token=dora) for path in ("api/round", "api/entry", "api/entry?round=1")
        ]
        assert seen_before == seen_after
        assert seen_before[1] == (404, b'{"error": "no_entry"}')

    @pytest.mark.parametrize("who", ["none", "forged", "deleted", "no-scope", "service"])
    def test_a_caller_the_hub_does_not_vouch_for_is_refused(self, hub: Hub, who: str):
        if who == "none":
            token, code = None, "not_authenticated"
        elif who == "forged":
            token, code = "f" * 32, "not_authenticated"
        elif who == "deleted":
            hub.users(["gone"])
            token = hub.token("gone")
            assert hub.api("DELETE", "users/gone")[0] == 204
            code = "not_authenticated"
        elif who == "no-scope":
            token, code = hub.token(LEARNERS[0], ["read:users:name!user"]), "not_allowed"
        else:
            token, code = hub.admin, "not_a_user"
        for method, path in (("GET", "api/round"), ("GET", "api/entry"), ("PUT", "api/entry"),
                             ("GET", "api/entries"), ("POST", "api/rounds")):  # fmt: skip
            status, data = hub.call(method, path, {} if method != "GET" else None, token)
            assert status == 403 and json.loads(data) == {"error": code}, (who, method, path, data)

    def test_no_response_names_anyone(self, hub: Hub, session: Session):
        _, view = hub.call("GET", "api/entries", token=hub.tokens[INSTRUCTOR])
        hub.call("GET", "api/rounds", token=hub.tokens[INSTRUCTOR])
        assert len(json.loads(view)["entries"]) >= 6
        for body in hub.seen:
            for secret in _names_and_tokens(hub):
                assert secret not in body, (secret, body[:200])

    def test_the_service_writes_no_bytecode_where_the_machine_says_not_to(self, hub: Hub):
        """The service imports casekit from this repository; JupyterHub hands it only the variables it is
        told to, so the test hub passes on the machine's PYTHONDONTWRITEBYTECODE (no __pycache__ there)."""
        environ = psutil.Process(hub.service_pid()).environ()
        assert environ.get("PYTHONDONTWRITEBYTECODE") == os.environ.get("PYTHONDONTWRITEBYTECODE")

    def test_the_service_stores_no_name(self, hub: Hub):
        data = hub.root / "casekit-class"
        assert (data / "casekit-class.secret").stat().st_mode & 0o777 == 0o600
        stored = (data / "casekit-class.sqlite").read_bytes()
        for name in (*LEARNERS, OTHER, INSTRUCTOR):
            assert name.encode() not in stored


class TestRobustness:
    """The service killed mid-way and restarted by the hub loses nothing acknowledged; 300 share at once."""

    def test_killed_and_restarted_by_the_hub_nothing_acknowledged_is_lost(self, hub: Hub, case, tmp_path):
        names = [f"kill-{n:02d}" for n in range(40)]
        hub.users(names)
        with ThreadPoolExecutor(8) as pool:
            tokens = dict(zip(names, pool.map(hub.token, names), strict=True))
        hub.tokens.update(tokens)
        instructor = hub.transport(INSTRUCTOR)
        round_id = instructor.open_round("Kill")
        docs = [classroom.snapshot(learner_store(tmp_path, case, n), case=case) for n in range(5)]
        acknowledged: dict[str, int] = {}
        killed = threading.Event()

        def share(i: int) -> None:
            name = names[i]
            variant = i % len(docs)
            doc = {
                **docs[variant],
                "answers": {**docs[variant]["answers"], "dilemma-1": {"position": i % 5 + 1}},
            }
            status, _ = raw("PUT", hub.direct_url + "api/entry", doc, tokens[name])
            if status == 200:
                acknowledged[name] = i % 5 + 1
            if i == 15:
                os.kill(hub.service_pid(), signal.SIGKILL)
                killed.set()

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(share, range(len(names))))
        assert killed.is_set() and 0 < len(acknowledged) < len(names) + 1
        hub.wait_for_service(hub.tokens[LEARNERS[0]])
        _, view = http("GET", hub.service_url + "api/entries", token=hub.tokens[INSTRUCTOR])
        # every entry acknowledged is there, with the value acknowledged
        stored = [e["answers"]["dilemma-1"]["position"] for e in view["entries"] if e["round"] == round_id]
        assert len(stored) >= len(acknowledged)
        for name, position in acknowledged.items():
            status, data = http("GET", hub.service_url + "api/entry", token=tokens[name])
            assert status == 200 and data["round"] == round_id, (name, status, data)
            assert data["answers"]["dilemma-1"] == {"position": position}

    def test_300_learners_share_at_once_and_each_counts_once(self, hub: Hub, case, tmp_path):
        names = [f"load-{n:03d}" for n in range(LOAD)]
        hub.users(names)
        with ThreadPoolExecutor(8) as pool:
            tokens = list(pool.map(hub.token, names))
        instructor = hub.transport(INSTRUCTOR)
        round_id = instructor.open_round("Load")
        docs = [classroom.snapshot(learner_store(tmp_path, case, n), case=case) for n in range(3)]
        refreshed: list[int] = []
        done = threading.Event()

        def refresh() -> None:  # the instructor's view refreshes meanwhile
            while not done.is_set():
                try:
                    summary = classroom.summarize(hub.transport(INSTRUCTOR), case=case)
                except classroom.ClassFolderError:  # nobody has shared yet (as the class view reads it)
                    refreshed.append(0)
                    continue
                refreshed.append(len(summary.learners_in(round_id)) if round_id in summary.rounds else 0)

        watcher = threading.Thread(target=refresh)
        started = time.monotonic()
        watcher.start()
        try:
            with ThreadPoolExecutor(32) as pool:
                receipts = list(
                    pool.map(
                        lambda i: HubTransport(SERVICE, url=hub.service_url, token=tokens[i]).share(
                            docs[i % 3]
                        ),
                        range(LOAD),
                    )
                )
        finally:
            done.set()
            watcher.join(60)
        took = time.monotonic() - started
        assert took < 60, took
        assert receipts == [f"hub:{SERVICE}/{round_id}/entry"] * LOAD
        summary = classroom.summarize(instructor, case=case)
        assert len(summary.learners_in(round_id)) == LOAD  # the same three snapshots, 300 hub users
        assert refreshed and max(refreshed) <= LOAD

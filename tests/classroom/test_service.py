"""The class service on its own (casekit.classroom.service), with a hub that knows a few tokens
(casekit.classroom.service.testing): its database and upgrades, the learners' key, its limits, its API and
the transport's sentences when it is down, slow or refusing. The real hub is tests/classroom/test_hub.py."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from markupsafe import escape

from casekit import classroom
from casekit.classroom.hub import HubTransport, service_url
from casekit.classroom.service import ServiceConfig, open_service
from casekit.classroom.service.identity import Identity, SecretError, load_secret
from casekit.classroom.service.store import SCHEMA_VERSION, ClassStore, Refused, StoreError, create_v1
from casekit.classroom.service.testing import FakeHubAuth, free_port, running, user_model
from casekit.classroom.snapshot import MAX_SHARE_BYTES
from casekit.i18n import t

from .support import learner_store

TOKENS = {
    "t-anna": user_model("anna"),
    "t-bo": user_model("bo"),
    "t-kim": user_model("kim", ["casekit-instructors"]),
    **{f"t-{name}": user_model(name) for name in ("zed", "amy", "cai")},
    "t-noscope": user_model("ole", scopes=["read:users:name!user=ole"]),
    "t-service": {"kind": "service", "name": "other", "scopes": ["access:services!service=casekit-class"]},
}


@pytest.fixture
def service(tmp_path: Path):
    """A fresh service (its own database and key) running in a thread; yields (service, url)."""
    state = open_service(ServiceConfig(data_dir=tmp_path / "data", rate=5), FakeHubAuth(TOKENS))
    with running(state) as url:  # type: ignore[arg-type]
        yield state, url
    state.store.close()  # type: ignore[attr-defined]


def _call(url: str, method: str, path: str, body=None, token: str | None = None, headers=None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method=method, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(), exc.headers


def _snapshot(tmp_path: Path, case, i: int = 0):
    return classroom.snapshot(learner_store(tmp_path, case, i), case=case)


class TestStore:
    """The database: made at version 1 and upgraded; a newer one or another key refused; the limits."""

    def test_a_new_database_is_the_current_version_and_private(self, tmp_path: Path):
        store = ClassStore(f"sqlite:///{tmp_path / 'c.sqlite'}", "fp")
        assert store.version() == SCHEMA_VERSION == 2
        assert (tmp_path / "c.sqlite").stat().st_mode & 0o777 == 0o600
        assert [r.id for r in store.all_rounds()] == ["1"] and store.current().open

    def test_a_version_1_database_is_upgraded_and_keeps_its_entries(self, tmp_path: Path):
        """A database of the first layout (no closing a round, no change numbers), with rounds and entries:
        upgraded in place to the current version, every round and entry kept, the entries numbered."""
        url = f"sqlite:///{tmp_path / 'v1.sqlite'}"
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            create_v1(conn)
            conn.execute(
                sa.text("INSERT INTO casekit_rounds (id, name, opened_at) VALUES ('efter', 'Efter', 'x')")
            )
            for round_id, learner in (("1", "a" * 64), ("1", "b" * 64), ("efter", "a" * 64)):
                doc = json.dumps({"case": {"id": "samskabelse"}, "answers": {"dilemma-1": {"position": 2}}})
                conn.execute(
                    sa.text("INSERT INTO casekit_entries (round, learner, document) VALUES (:r, :l, :d)"),
                    {"r": round_id, "l": learner, "d": doc},
                )
        engine.dispose()
        store = ClassStore(url, "fp")
        assert store.version() == SCHEMA_VERSION
        assert [(r.id, r.name, r.open) for r in store.all_rounds()] == [
            ("1", "", True),
            ("efter", "Efter", True),
        ]
        assert [(r, lrn) for r, lrn, _doc in store.entries()] == [
            ("1", "a" * 64),
            ("1", "b" * 64),
            ("efter", "a" * 64),
        ]
        store.set_open(False)
        assert not store.current().open  # the new column works on the old data
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT seq FROM casekit_entries ORDER BY seq")).scalars().all() == [
                1,
                2,
                3,
            ]

    def test_a_newer_database_is_refused_and_left_as_it_is(self, tmp_path: Path):
        path = tmp_path / "new.sqlite"
        ClassStore(f"sqlite:///{path}", "fp").close()
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE casekit_version SET version = 99"))
        engine.dispose()
        before = path.read_bytes()
        with pytest.raises(StoreError) as caught:
            ClassStore(f"sqlite:///{path}", "fp")
        assert str(caught.value) == t("class.service.newer_db", "da", version=99, known=SCHEMA_VERSION)
        assert path.read_bytes() == before

    def test_another_key_is_refused(self, tmp_path: Path):
        """A database made with one key refuses another: every learner would count twice."""
        url = f"sqlite:///{tmp_path / 'c.sqlite'}"
        ClassStore(url, "one").close()
        with pytest.raises(StoreError, match=r"casekit-class\.secret"):
            ClassStore(url, "two")

    def test_limits_of_rounds_and_entries(self, tmp_path: Path):
        store = ClassStore(f"sqlite:///{tmp_path / 'c.sqlite'}", "fp", max_rounds=1, max_entries=2)
        doc = {"case": {"id": "samskabelse"}, "answers": {"x": 1}}
        store.put("a", doc)
        store.put("b", doc)
        with pytest.raises(Refused) as caught:
            store.put("c", doc)
        assert caught.value.code == "round_full"
        assert store.put("a", doc)[1] is True  # one already in the round may still replace their own
        store.open_round("To")
        with pytest.raises(Refused) as caught:
            store.open_round("Tre")
        assert caught.value.code == "too_many_rounds"

    def test_a_closed_round_takes_no_entry(self, tmp_path: Path):
        store = ClassStore(f"sqlite:///{tmp_path / 'c.sqlite'}", "fp")
        store.set_open(False)
        with pytest.raises(Refused) as caught:
            store.put("a", {"case": {}, "answers": {}})
        assert caught.value.code == "round_closed"
        store.set_open(True)
        assert store.put("a", {"case": {}, "answers": {}})[0].id == "1"


class TestIdentity:
    """The learners' key: made once, private, kept; identities that name no one."""

    def test_the_key_is_made_private_and_kept(self, tmp_path: Path):
        folder = tmp_path / "data"
        first = load_secret(folder / "k")
        assert (folder / "k").stat().st_mode & 0o777 == 0o600 and folder.stat().st_mode & 0o777 == 0o700
        assert load_secret(folder / "k") == first and len(first) == 64

    def test_a_key_readable_by_others_is_made_private(self, tmp_path: Path):
        load_secret(tmp_path / "k")
        os.chmod(tmp_path / "k", 0o644)
        load_secret(tmp_path / "k")
        assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600

    def test_an_empty_key_is_refused_not_replaced(self, tmp_path: Path):
        (tmp_path / "k").write_bytes(b"")
        with pytest.raises(SecretError):
            load_secret(tmp_path / "k")
        assert (tmp_path / "k").read_bytes() == b""

    def test_identities(self):
        one, two = Identity(b"1" * 64), Identity(b"2" * 64)
        assert one.learner("anna") == one.learner("anna") != one.learner("bo")
        assert one.learner("anna") != two.learner("anna")
        assert "anna" not in one.learner("anna") and len(one.learner("anna")) == 64
        view = one.view(one.learner("anna"))
        assert len(view) == 16 and view not in one.learner("anna")


class TestApi:
    """The REST API with a hub that knows a few tokens."""

    def test_a_share_is_checked_and_kept_as_the_learner_s_own(self, service, tmp_path: Path, case):
        state, url = service
        doc = _snapshot(tmp_path, case)
        status, body, _ = _call(url, "PUT", "api/entry", doc, "t-anna")
        assert (status, json.loads(body)) == (
            200,
            {"round": {"id": "1", "name": "", "open": True}, "replaced": False},
        )
        status, body, _ = _call(url, "GET", "api/entry", token="t-anna")
        assert status == 200 and json.loads(body) == {
            "round": "1",
            "case": doc["case"],
            "answers": doc["answers"],
        }
        assert _call(url, "GET", "api/entry", token="t-bo")[0] == 404
        stored = state.store.entries()
        assert (
            len(stored) == 1 and doc["share_id"] not in stored[0][2] and doc["shared_at"] not in stored[0][2]
        )

    def test_what_is_not_a_snapshot_is_refused_with_its_reason(self, service, tmp_path: Path, case):
        _state, url = service
        doc = _snapshot(tmp_path, case)
        bad = {**doc, "answers": {**doc["answers"], "dilemma-1": {"position": 9}}}
        status, body, _ = _call(url, "PUT", "api/entry?lang=en", bad, "t-anna")
        assert status == 400 and json.loads(body) == {
            "error": "invalid",
            "problem": classroom.share_problem(bad, case, "en"),
        }
        assert _call(url, "PUT", "api/entry", b"{not json", "t-anna")[0] == 400
        other = {**doc, "case": {**doc["case"], "id": "en-anden-case"}}
        assert json.loads(_call(url, "PUT", "api/entry", other, "t-anna")[1])["error"] == "invalid"
        empty = {**doc, "answers": {}}
        assert json.loads(_call(url, "PUT", "api/entry", empty, "t-anna")[1])["error"] == "invalid"

    def test_a_refused_share_leaves_nothing_behind(self, service, tmp_path: Path, case):
        """A learner who sends shares of made-up cases and languages, each refused, does not grow the
        service: before, each case id and language was kept for good, 4 MB a request (12 a minute)."""
        _state, url = service
        doc = _snapshot(tmp_path, case)
        size = 1_000_000
        hostile = [{**doc, "case": {**doc["case"], "id": f"{n}" + "x" * size}} for n in range(3)]
        hostile.append({**doc, "case": {**doc["case"], "lang": "y" * size}, "answers": {}})
        warm_up = {**doc, "case": {**doc["case"], "id": "x" * size}}  # what any first request loads
        assert _call(url, "PUT", "api/entry", warm_up, "t-anna")[0] == 400
        gc.collect()
        tracemalloc.start(8)
        try:
            before = tracemalloc.take_snapshot()
            start = tracemalloc.get_traced_memory()[0]
            codes = [_call(url, "PUT", "api/entry", body, "t-anna")[0] for body in hostile]
            # The service's thread may still hold the last request's body for a moment after answering it
            # (tornado finishes the connection on its next turn): what is kept is what stays.
            deadline = time.monotonic() + 5
            while True:
                gc.collect()
                kept = tracemalloc.get_traced_memory()[0] - start
                if kept < size or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            where = tracemalloc.take_snapshot().compare_to(before, "traceback")[:3] if kept >= size else []
        finally:
            tracemalloc.stop()
        assert codes == [400] * len(hostile)
        sites = "\n".join(f"{stat}\n" + "\n".join(stat.traceback.format()) for stat in where)
        assert kept < size, f"{kept:,} bytes kept after {len(hostile)} refused shares:\n{sites}"

    def test_too_big_and_too_often(self, service, tmp_path: Path, case):
        _state, url = service
        big = b'{"x": "' + b"a" * (MAX_SHARE_BYTES + 1) + b'"}'
        status, body, _ = _call(url, "PUT", "api/entry", big, "t-anna")
        assert (status, json.loads(body)["error"]) == (413, "too_big")
        doc = _snapshot(tmp_path, case)
        codes = [_call(url, "PUT", "api/entry", doc, "t-bo")[0] for _ in range(6)]
        assert codes == [200] * 5 + [429]  # rate 5 per minute
        status, body, headers = _call(url, "PUT", "api/entry", doc, "t-bo")
        assert status == 429 and int(headers["Retry-After"]) >= 1
        with pytest.raises(classroom.ClassFolderError) as caught:
            HubTransport(url=url, token="t-bo").share(doc, lang="en")
        seconds = json.loads(body)["retry_after"]
        assert str(caught.value) in {
            t("class.hub.rate_limited", "en", seconds=s) for s in (seconds, seconds - 1)
        }
        assert _call(url, "PUT", "api/entry", doc, "t-anna")[0] == 200  # another learner is not held back

    def test_who_may_call_what(self, service):
        _state, url = service
        expected = {
            None: "not_authenticated",
            "t-unknown": "not_authenticated",
            "t-noscope": "not_allowed",
            "t-service": "not_a_user",
        }
        for token, code in expected.items():
            for method, path in (("GET", "api/round"), ("PUT", "api/entry"), ("GET", "api/entries")):
                status, body, _ = _call(url, method, path, b"{}" if method == "PUT" else None, token)
                assert (status, json.loads(body)) == (403, {"error": code}), (token, path)
        for method, path in (
            ("GET", "api/entries"),
            ("GET", "api/rounds"),
            ("POST", "api/rounds"),
            ("POST", "api/round/close"),
        ):
            status, body, _ = _call(
                url, method, path, b'{"name": "x"}' if method == "POST" else None, "t-anna"
            )
            assert (status, json.loads(body)) == (403, {"error": "not_instructor"})
        assert _call(url, "GET", "api/nothing", token="t-kim")[:2] == (404, b'{"error": "not_found"}')

    def test_no_request_makes_a_server_error(self, service):
        """Any method on any address, from a learner or an instructor, is answered in JSON below 500: a
        method an address does not take is a 405, not a traceback in the hub's log (``POST api/round``
        and ``GET api/round/close`` were 500s)."""
        _state, url = service
        paths = ("api/entry", "api/round", "api/round/close", "api/round/reopen", "api/rounds", "api/entries")
        for token in ("t-anna", "t-kim"):
            for path in paths:
                for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                    body = None if method in ("GET", "DELETE") else b"{}"
                    status, answer, _ = _call(url, method, path, body, token)
                    assert status < 500, (token, method, path, status)
                    assert status < 300 or "error" in json.loads(answer), (token, method, path, answer)
        assert _call(url, "POST", "api/round", b"{}", "t-kim")[:2] == (405, b'{"error": "http"}')

    def test_the_instructor_s_view_does_not_tell_who_shared_when(self, service, tmp_path: Path, case):
        """The entries of a round are listed by their anonymous id, not in the order shared: an instructor
        who saw who pressed "Del" last cannot put a name to an id (and so to every round's answers)."""
        _state, url = service
        orders = []
        for sharers in (("zed", "amy", "cai"), ("amy",), ("cai", "zed")):
            for name in sharers:
                assert _call(url, "PUT", "api/entry", _snapshot(tmp_path, case), f"t-{name}")[0] == 200
            view = json.loads(_call(url, "GET", "api/entries", token="t-kim")[1])
            orders.append([e["id"] for e in view["entries"]])
        assert len(orders[0]) == 3 and orders[0] == sorted(orders[0])
        assert orders[0] == orders[1] == orders[2]

    def test_the_instructor_s_view_is_built_once_per_change(self, service, tmp_path: Path, case):
        _state, url = service
        _call(url, "PUT", "api/entry", _snapshot(tmp_path, case), "t-anna")
        status, body, headers = _call(url, "GET", "api/entries", token="t-kim")
        etag = headers["ETag"]
        view = json.loads(body)
        assert status == 200 and [set(e) for e in view["entries"]] == [{"id", "round", "case", "answers"}]
        assert _call(url, "GET", "api/entries", token="t-kim", headers={"If-None-Match": etag})[0] == 304
        _call(url, "PUT", "api/entry", _snapshot(tmp_path, case, 1), "t-bo")
        status, body, headers = _call(
            url, "GET", "api/entries", token="t-kim", headers={"If-None-Match": etag}
        )
        assert status == 200 and headers["ETag"] != etag and len(json.loads(body)["entries"]) == 2

    def test_a_closed_round_and_the_learner_s_sentence(self, service, tmp_path: Path, case):
        _state, url = service
        instructor = HubTransport(url=url, token="t-kim")
        instructor.close_round()
        assert not instructor.round_open()
        with pytest.raises(classroom.ClassFolderError) as caught:
            HubTransport(url=url, token="t-anna").share(_snapshot(tmp_path, case), lang="en")
        assert str(caught.value) == t("class.hub.round_closed", "en")
        instructor.reopen_round()
        assert (
            HubTransport(url=url, token="t-anna").share(_snapshot(tmp_path, case))
            == "hub:casekit-class/1/entry"
        )

    def test_a_learner_is_told_the_round_s_name(self, service, tmp_path: Path, case):
        """A learner may not list the rounds, yet after sharing their transport names the round as the
        instructor named it (from the service's answer), never by its id."""
        _state, url = service
        learner = HubTransport(url=url, token="t-anna")
        assert learner.round_name("1") == t("class.round_default", "da", id="1")
        opened = HubTransport(url=url, token="t-kim").open_round("Efter diskussionen")
        receipt = learner.share(_snapshot(tmp_path, case))
        assert receipt == f"hub:casekit-class/{opened}/entry"
        assert learner.round_name(opened) == "Efter diskussionen"
        assert HubTransport(url=url, token="t-bo").round_name(opened) == "Efter diskussionen"

    def test_the_page_in_the_browser(self, service, tmp_path: Path, case):
        _state, url = service
        _call(url, "PUT", "api/entry", _snapshot(tmp_path, case), "t-anna")
        learner = _call(url, "GET", "?lang=en", token="t-anna")[1].decode()
        assert escape(t("class.hub.page_learner", "en")) in learner and "<table" not in learner
        instructor = _call(url, "GET", "?lang=en", token="t-kim")[1].decode()
        assert escape(t("class.hub.page_instructor", "en")) in instructor and "<td>1</td>" in instructor
        assert "anna" not in learner + instructor and "kim" not in learner + instructor
        request = urllib.request.Request(url)  # no login: off to the hub's OAuth
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as caught:
            opener.open(request, timeout=10)
        caught.value.close()
        assert caught.value.code == 302 and "/hub/api/oauth2/authorize" in caught.value.headers["Location"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class TestTransportFailures:
    """A service that is not there, is slow, or was never set up: a sentence in the learner's language."""

    def test_down(self, tmp_path: Path, case):
        url = f"http://127.0.0.1:{free_port()}/services/casekit-class/"
        with pytest.raises(classroom.ClassFolderError) as caught:
            HubTransport(url=url, token="x").share(_snapshot(tmp_path, case), lang="en")
        head = t("class.hub.down", "en", service="casekit-class", reason="§").split("§")[0]
        assert str(caught.value).startswith(head)

    def test_slow(self, tmp_path: Path, case):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/services/casekit-class/"
        try:
            with pytest.raises(classroom.ClassFolderError) as caught:
                HubTransport(url=url, token="x", timeout=0.3).share(_snapshot(tmp_path, case), lang="en")
        finally:
            listener.close()
        assert str(caught.value) == t("class.hub.slow", "en", service="casekit-class", seconds=0)

    def test_no_token_and_no_url(self, tmp_path: Path, case, monkeypatch: pytest.MonkeyPatch):
        for name in ("JUPYTERHUB_API_TOKEN", "CASEKIT_CLASS_URL", "JUPYTERHUB_PUBLIC_HUB_URL"):
            monkeypatch.delenv(name, raising=False)
        doc = _snapshot(tmp_path, case)
        with pytest.raises(classroom.ClassFolderError) as caught:
            HubTransport(url="http://127.0.0.1:9/").share(doc, lang="en")
        assert str(caught.value) == t("class.hub.no_token", "en")
        with pytest.raises(classroom.ClassFolderError) as caught:
            HubTransport("holdet", token="x").share(doc, lang="en")
        assert str(caught.value) == t("class.hub.no_url", "en", service="holdet")

    def test_where_the_service_is(self):
        assert service_url("x", {"CASEKIT_CLASS_URL": "http://h:1/services/x"}) == "http://h:1/services/x/"
        public = {
            "JUPYTERHUB_PUBLIC_HUB_URL": "https://hub.example.org/base/hub/",
            "JUPYTERHUB_BASE_URL": "/base/",
        }
        assert service_url("casekit-class", public) == "https://hub.example.org/base/services/casekit-class/"
        assert service_url("x", {}) is None

    def test_the_share_control_says_so_and_the_answers_stay(self, tmp_path: Path, case, monkeypatch):
        from casekit import widgets

        monkeypatch.setenv(classroom.CLASS_ENV, "hub")
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "x")
        monkeypatch.setenv("CASEKIT_CLASS_URL", f"http://127.0.0.1:{free_port()}/services/casekit-class/")
        store = learner_store(tmp_path, case)
        before = store.as_dict()
        control = widgets.share_control(case, store)
        control.share()
        assert 'role="alert"' in control.status.value and control.last_path is None
        assert "casekit-class" in control.status.value and store.as_dict() == before


class TestConfig:
    """The settings a hub-managed service gets from JupyterHub's variables."""

    def test_from_the_hub_s_variables(self, tmp_path: Path):
        env = {
            "JUPYTERHUB_SERVICE_NAME": "holdet",
            "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:12345",
            "JUPYTERHUB_SERVICE_PREFIX": "/base/services/holdet/",
            "CASEKIT_CLASS_DATA": str(tmp_path),
            "CASEKIT_CLASS_INSTRUCTORS": "teachers",
        }
        config = ServiceConfig.from_env(env)
        assert (config.name, config.ip, config.port, config.prefix) == (
            "holdet",
            "127.0.0.1",
            12345,
            "/base/services/holdet/",
        )
        assert (
            config.instructors == "teachers"
            and config.db_url == f"sqlite:///{tmp_path / 'casekit-class.sqlite'}"
        )
        assert ServiceConfig.from_env(env, port=1, db_url="postgresql://x/y").db_url == "postgresql://x/y"
        assert ServiceConfig.from_env({}).prefix == "/services/casekit-class/"

    def test_the_instructors_group_is_configurable(self, tmp_path: Path):
        tokens = {"t": user_model("kim", ["teachers"]), "u": user_model("kim2", ["casekit-instructors"])}
        state = open_service(ServiceConfig(data_dir=tmp_path, instructors="teachers"), FakeHubAuth(tokens))
        with running(state) as url:  # type: ignore[arg-type]
            assert _call(url, "GET", "api/rounds", token="t")[0] == 200
            assert _call(url, "GET", "api/rounds", token="u")[0] == 403

    def test_not_run_by_a_hub(self, monkeypatch: pytest.MonkeyPatch, capsys):
        from casekit.classroom.service import main

        monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
        assert main([]) == 1
        assert t("class.service.no_hub", "da") in capsys.readouterr().err


def test_the_service_thread_stops(tmp_path: Path):
    """The test seam's server stops when its block ends (no thread left behind)."""
    state = open_service(ServiceConfig(data_dir=tmp_path), FakeHubAuth({}))
    with running(state):  # type: ignore[arg-type]
        pass
    assert not [th for th in threading.enumerate() if th.name == "casekit-class-service"]


@pytest.mark.parametrize(
    ("stop", "ignored"),
    [(signal.SIGINT, signal.SIGINT), (signal.SIGTERM, None)],
    ids=["SIGINT-ignored-by-the-parent", "SIGTERM"],
)
def test_the_service_stops_when_the_hub_stops_it(tmp_path: Path, stop: int, ignored: int | None):
    """Run as a hub runs it, the service stops at once on the hub's SIGINT, even where it was started with
    SIGINT ignored (a hub started in the background by a shell passes that on), and on SIGTERM."""
    port = free_port()
    env = {
        **os.environ,
        "JUPYTERHUB_API_TOKEN": secrets.token_hex(16),
        "JUPYTERHUB_API_URL": f"http://127.0.0.1:{free_port()}/hub/api",
        "JUPYTERHUB_SERVICE_NAME": "casekit-class",
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}",
        "JUPYTERHUB_SERVICE_PREFIX": "/services/casekit-class/",
        "JUPYTERHUB_CLIENT_ID": "service-casekit-class",
        "CASEKIT_CLASS_DATA": str(tmp_path / "data"),
    }

    def start() -> None:
        if ignored is not None:
            signal.signal(ignored, signal.SIG_IGN)

    log = tmp_path / "service.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "casekit.classroom.service"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=start,  # a signal's disposition only, before exec
            start_new_session=True,  # as JupyterHub starts a service
        )
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.05)
        process.send_signal(stop)
        assert process.wait(5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False

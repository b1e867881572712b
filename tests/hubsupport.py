"""A real JupyterHub for the tests: JupyterHub from PyPI, configurable-http-proxy from npm, the dummy
authenticator and the simple spawner (no Unix users), every port on 127.0.0.1, and casekit's class service
set up by the recipe in docs/class-service.md (read from that file).

Two test modules start one: ``tests/classroom/test_hub.py`` (a stand-in single-user server that shares from
Python) and ``tests/e2e/test_hub_live.py`` (JupyterLab, driven by Chromium). They differ only in what the
spawner starts, so :func:`running_hub` takes the spawner's settings and leaves the rest to the recipe.

Imported as ``from hubsupport import ...``: pytest puts tests/ on ``sys.path`` (it holds the top-level
conftest.py and is the folder above the test packages).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest

from casekit.classroom.hub import HubTransport
from casekit.classroom.service.testing import free_port

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "class-service.md"
SERVICE = "casekit-class"
INSTRUCTORS = "casekit-instructors"


def find_proxy() -> str:
    """configurable-http-proxy: .ci's npm install, $CASEKIT_CHP, or one on PATH; the test is skipped on a
    developer's machine without it and fails under CI."""
    found = [
        os.environ.get("CASEKIT_CHP", ""),
        str(REPO / ".ci" / "node_modules" / ".bin" / "configurable-http-proxy"),
        shutil.which("configurable-http-proxy") or "",
    ]
    for candidate in found:
        if candidate and Path(candidate).exists():
            return candidate
    reason = (
        "configurable-http-proxy is not installed: `npm install --prefix .ci configurable-http-proxy@5` "
        "(.ci/run does it)"
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def recipe() -> str:
    """The jupyterhub_config.py lines of docs/class-service.md (the block after its marker)."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- tested recipe: jupyterhub_config.py -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert found, "docs/class-service.md has lost its tested recipe"
    return found.group(1)


def raw(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, bytes]:
    """One HTTP call: ``(status, body)``; ``(0, b"")`` when nothing answers."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode("utf-8"))
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, b""


def http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """:func:`raw` with the body decoded as JSON where it is JSON."""
    status, data = raw(method, url, body, token)
    try:
        return status, json.loads(data) if data else None
    except ValueError:
        return status, data


class Hub:
    """The running hub: its URLs, the admin token, and small helpers for its REST API and the service."""

    def __init__(
        self, root: Path, public: int, admin: str, service_port: int, process: subprocess.Popen
    ) -> None:
        self.root = root
        self.url = f"http://127.0.0.1:{public}"
        self.service_url = f"{self.url}/services/{SERVICE}/"
        self.direct_url = f"http://127.0.0.1:{service_port}/services/{SERVICE}/"
        self.admin = admin
        self.process = process
        self.tokens: dict[str, str] = {}
        self.seen: list[bytes] = []  # every service response body the raw tests read

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        """A call to the hub's REST API (``/hub/api/<path>``), with the admin token unless told."""
        return http(method, f"{self.url}/hub/api/{path}", body, token or self.admin)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, bytes]:
        """A raw call to the service through the proxy; the body is kept for the no-name check."""
        status, data = raw(method, self.service_url + path, body, token)
        self.seen.append(data)
        return status, data

    def users(self, names: list[str], groups: list[str] | tuple[str, ...] = ()) -> None:
        """Create the users (if new) and add them to ``groups``."""
        status, _ = self.api("POST", "users", {"usernames": names})
        assert status in (201, 409), status
        for group in groups:
            self.api("POST", f"groups/{group}/users", {"users": names})

    def token(self, name: str, scopes: list[str] | None = None) -> str:
        """A new token of user ``name`` (default: the service's access scope only)."""
        scopes = [f"access:services!service={SERVICE}"] if scopes is None else scopes
        status, reply = self.api("POST", f"users/{name}/tokens", {"scopes": scopes, "expires_in": 3600})
        assert status in (200, 201), (status, reply)
        return reply["token"]

    def transport(self, name: str) -> HubTransport:
        """casekit's transport to the service with ``name``'s token (in :attr:`tokens`)."""
        return HubTransport(SERVICE, url=self.service_url, token=self.tokens[name])

    def spawn(self, name: str) -> None:
        """Ask the hub to start ``name``'s server (it starts in the background)."""
        status, reply = self.api("POST", f"users/{name}/server")
        assert status in (201, 202), (status, reply, self.log())

    def service_pid(self) -> int:
        """The service's process: the hub's child running casekit.classroom.service."""
        import psutil

        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                if "casekit.classroom.service" in " ".join(child.cmdline()):
                    return child.pid
            except psutil.Error:
                continue
        raise AssertionError("the hub runs no class service")

    def wait_for_service(self, token: str, timeout: float = 30) -> None:
        """Until the service answers ``GET api/round`` for a user's ``token``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _ = raw("GET", self.service_url + "api/round", None, token)
            if status == 200:
                return
            time.sleep(0.2)
        raise AssertionError(f"the class service did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        path = self.root / "hub.log"
        return path.read_text(encoding="utf-8", errors="replace")[-6000:] if path.exists() else ""


CONFIG = """
import sys
from jupyterhub.services import service as _service

{recipe}

# --- the test's own lines: loopback ports, a hub without Unix users, an admin token for the REST API ----
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.pid_file = {pid!r}
c.JupyterHub.db_url = "sqlite:///{root}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {home!r}
c.Spawner.start_timeout = 60
# Asked for a server, the hub answers at once (202) and starts it in the background: servers start together.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
c.Spawner.http_timeout = 60
c.JupyterHub.services.append({{"name": "test-admin", "api_token": {admin!r}}})
c.JupyterHub.load_roles.append(
    {{
        "name": "test-admin",
        "scopes": ["admin:users", "admin:groups", "admin:servers", "tokens", "list:users", "access:services"],
        "services": ["test-admin"],
    }}
)
# JupyterHub looks at its managed services every 30 s and restarts one that died; the test looks every second.
class _Poll(_service._ServiceSpawner):
    poll_interval = 1
_service._ServiceSpawner = _Poll

# --- what the spawner starts: the calling test's settings; "{{username}}" in a value is the user's name --
for _name, _value in {spawner!r}.items():
    setattr(c.Spawner, _name, _value)
_args = {args!r}
c.Spawner.pre_spawn_hook = lambda spawner: setattr(
    spawner, "args", [a.format(username=spawner.user.name) for a in _args]
)
c.Spawner.environment.update(
    {{k: (lambda spawner, v=v: v.format(username=spawner.user.name)) for k, v in {environment!r}.items()}}
)

# --- the servers and the service import casekit from this repository, and JupyterHub hands them only the
# variables it is told to: the machine's PYTHONDONTWRITEBYTECODE (no __pycache__ in the repository) is one.
import os as _os
c.Spawner.env_keep.append("PYTHONDONTWRITEBYTECODE")
_no_bytecode = {{k: v for k, v in _os.environ.items() if k == "PYTHONDONTWRITEBYTECODE"}}
for _service in c.JupyterHub.services:
    if "command" in _service:
        _service.setdefault("environment", {{}}).update(_no_bytecode)
"""


@contextmanager
def running_hub(
    root: Path,
    cmd: list[str],
    *,
    args: list[str] | tuple[str, ...] = (),
    environment: Mapping[str, str] | None = None,
    spawner: Mapping[str, Any] | None = None,
    timeout: float = 60,
) -> Iterator[Hub]:
    """A JupyterHub in ``root`` with the class service by docs/class-service.md's recipe, until the block
    ends (then SIGTERM to its process group: the proxy, the service and every server with it).

    ``cmd`` is what the spawner starts for a user (``c.Spawner.cmd``); ``args`` its arguments and
    ``environment`` its extra variables, where ``{username}`` stands for the user's name; ``spawner`` any
    other ``c.Spawner`` setting (e.g. ``default_url``, ``notebook_dir``). Every user's home is
    ``root/home/<user>``. The servers get PYTHONPATH with this repository first, so that they and their
    kernels import the casekit under test.
    """
    chp = find_proxy()
    ports = {k: free_port() for k in ("public", "hub", "proxy_api", "service")}
    admin = os.urandom(16).hex()
    lines = recipe().replace("casekit_port = 10101", f"casekit_port = {ports['service']}")
    lines = re.sub(r'casekit_data = "[^"]*"', f"casekit_data = {str(root / 'casekit-class')!r}", lines)
    config = CONFIG.format(
        recipe=lines,
        chp=chp,
        pid=str(root / "proxy.pid"),
        root=root,
        cookie=str(root / "cookie_secret"),
        home=str(root / "home" / "{username}"),
        admin=admin,
        spawner={"cmd": list(cmd), **(spawner or {})},
        args=list(args),
        environment=dict(environment or {}),
        **ports,
    )
    (root / "jupyterhub_config.py").write_text(config, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    env.pop("JUPYTERHUB_API_TOKEN", None)
    with (root / "hub.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(root / "jupyterhub_config.py")],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(root, ports["public"], admin, ports["service"], process)
    try:
        deadline = time.monotonic() + timeout
        while http("GET", f"{hub.url}/hub/api/")[0] != 200:
            assert process.poll() is None, f"the hub stopped:\n{hub.log()}"
            assert time.monotonic() < deadline, f"the hub did not start:\n{hub.log()}"
            time.sleep(0.1)
        yield hub
    finally:
        stop_hub(process)


def stop_hub(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM to the hub's process group, as an administrator stops a hub: it stops its service and the
    servers (each in a session of its own) and exits; after ``timeout`` seconds the group is killed. Any of
    the hub's processes still running then is killed too, so that no server, kernel or service outlives the
    test (one did, for an hour, while the service ignored the hub's SIGINT)."""
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    with contextlib.suppress(ProcessLookupError):  # a hub that failed to start has no process group left
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for leftover in family:
        with contextlib.suppress(psutil.Error):
            leftover.kill()
    psutil.wait_procs(family, timeout=5)

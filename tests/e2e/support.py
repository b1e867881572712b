"""Support code for the browser tests: finding Chromium and axe-core, starting JupyterLab and Voilà as
subprocesses, and page helpers for JupyterLab, Voilà and the axe-core audit.

Tests use these through the fixtures in ``conftest.py``; import the classes and helpers relatively
(``from .support import LabPage``): tests/e2e is a package, so that works in any pytest import mode.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Locator, Page

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
# Debian's Chromium in its headless build (the package chromium-headless-shell), the build Playwright itself
# runs headless tests in; else the whole browser in its headless mode. Same Blink, same V8, same layout: the
# shell draws no browser window around the page: test_screens.py took 71.6 s of CPU in all its processes
# with it, 80.3 s with the whole browser (one worker, same tests).
DEFAULT_CHROMIUMS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
DEFAULT_AXE_JS = REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
LAB_OVERRIDES = REPO / "casekit" / "_jupyter" / "overrides.json"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Selectors (JupyterLab 4.6, ipywidgets 8.1, Voilà 0.5), measured in Chromium.
SEL_CELL = ".jp-Notebook .jp-Cell"
SEL_KERNEL_IDLE = '.jp-Notebook-ExecutionIndicator[data-status="idle"]'
# Both stderr streams and errors (tracebacks) render with the stderr MIME type; a traceback says so.
SEL_STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# A widget output is a Lumino panel without a data-mime-type attribute (every other renderer sets one).
SEL_WIDGET_OUTPUT = ".jp-OutputArea-output:not([data-mime-type])"
SEL_TEXTAREA = ".jp-OutputArea .widget-textarea textarea"
SEL_DIALOG_ACCEPT = ".jp-Dialog .jp-Dialog-button.jp-mod-accept"

# Texts ipywidgets' renderer and ErrorWidgetView put into a widget output that did not render.
WIDGET_FAILURE_TEXTS = ("Error displaying widget", "Click to show javascript error", "Loading widget...")


# -- environment --------------------------------------------------------------------------------------------
def in_ci() -> bool:
    """True when running under CI (``CI=true``), where browser tests must run rather than skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def screens_wanted() -> bool:
    """True when ``CASEKIT_E2E_SCREENS=1`` asks for the gallery of screenshots (``make screens``): every
    screen of test_screens.py scrolled through at both sizes, and a window shot after every browser test that
    passed. Off by default: no assertion reads them, and they were a fifth of test_screens.py's time (216 s of
    worker time with them, 168 s without, on two cores). A failed test's whole page is saved either way."""
    return os.environ.get("CASEKIT_E2E_SCREENS", "").strip() == "1"


def unavailable(reason: str) -> NoReturn:
    """Skip the test on a laptop; fail it under CI, where a missing browser is a broken setup."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def chromium() -> Path | None:
    """The browser the tests drive: ``CASEKIT_CHROMIUM`` if set, else the first of :data:`DEFAULT_CHROMIUMS`
    there is; ``None`` if it is not there (the benchmarks use it too)."""
    configured = os.environ.get("CASEKIT_CHROMIUM")
    candidates = (Path(configured),) if configured else DEFAULT_CHROMIUMS
    return next((path for path in candidates if _runnable(path)), None)


def no_chromium() -> str:
    """Why :func:`chromium` found none: where it looked, and how to install one."""
    configured = os.environ.get("CASEKIT_CHROMIUM")
    where = " or ".join(map(str, DEFAULT_CHROMIUMS))
    how = "apt-get install chromium-headless-shell, or set CASEKIT_CHROMIUM"
    if configured:
        where, how = configured, "named by CASEKIT_CHROMIUM"
    return f"no Chromium at {where} ({how}); Playwright's own browser download does not work here"


def find_chromium() -> Path:
    """:func:`chromium`, or skip (fail under CI) saying :func:`no_chromium`."""
    found = chromium()
    if found is None:
        unavailable(no_chromium())
    return found


def find_axe_js() -> Path:
    """axe.min.js from ``CASEKIT_AXE_JS`` or <repo>/.ci/node_modules; skip (or fail under CI) if missing."""
    configured = os.environ.get("CASEKIT_AXE_JS")
    path = Path(configured) if configured else DEFAULT_AXE_JS
    if not path.is_file():
        unavailable(f"no axe-core at {path} (run: npm install --prefix {REPO / '.ci'} axe-core@4)")
    return path


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 80) -> str:
    """The last lines of a log file (or a note that it is missing)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


SERVER_FOLDERS = {
    "HOME": "home",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "IPYTHONDIR": "ipython",
}
"""The folders each Jupyter server of the tests has of its own: variable → its place under the server's
work folder (the rest, e.g. MPLCONFIGDIR and XDG_*, are the session's: see tests/conftest.py)."""


def server_env(work_dir: Path, answers_dir: Path) -> dict[str, str]:
    """The environment for a Jupyter server and its kernels: the session's isolated environment, with this
    server's own HOME, Jupyter/IPython folders and answer folder under ``work_dir``. (HOME too: JupyterLab's
    language-server autodetection runs ``npm prefix -g``, which writes a log under ~/.npm.)"""
    env = dict(os.environ)
    for key, sub in SERVER_FOLDERS.items():
        folder = work_dir / sub
        folder.mkdir(parents=True, exist_ok=True)
        env[key] = str(folder)
    answers_dir.mkdir(parents=True, exist_ok=True)
    env["CASEKIT_ANSWERS"] = str(answers_dir)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # kernels import casekit from the repository: leave it untouched
    env.pop("JUPYTERLAB_SETTINGS_DIR", None)  # the server gets --LabApp.user_settings_dir instead
    return env


# -- processes ----------------------------------------------------------------------------------------------
@dataclass
class ServerProcess:
    """A server started by the tests: stopped by SIGTERM to its own PID, killed if it does not exit."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    started_in: float = 0.0

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, wait up to ``timeout`` seconds (kernels shut down cleanly), then SIGKILL."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)

    def log(self, lines: int = 80) -> str:
        return tail(self.log_path, lines)

    def describe_failure(self, what: str) -> str:
        code = self.popen.poll()
        state = f"exited with code {code}" if code is not None else f"still running (pid {self.pid})"
        return f"{self.name} {what}; it {state}. Log {self.log_path}:\n{self.log()}"


def start_process(name: str, cmd: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> ServerProcess:
    """Start ``cmd`` with stdout and stderr going to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        log.write(("$ " + " ".join(cmd) + "\n").encode())
        log.flush()
        popen = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return ServerProcess(name, popen, log_path)


def wait_until(
    server: ServerProcess, ready: Any, timeout: float, what: str, started: float | None = None
) -> None:
    """Poll ``ready()`` until true; fail with the server log if the process exits or time runs out."""
    start = time.monotonic() if started is None else started
    while True:
        if server.popen.poll() is not None:
            pytest.fail(server.describe_failure("exited before it was ready"), pytrace=False)
        if ready():
            server.started_in = time.monotonic() - start
            return
        if time.monotonic() - start > timeout:
            server.stop()
            pytest.fail(
                server.describe_failure(f"was not ready after {timeout:.0f} s ({what})"), pytrace=False
            )
        time.sleep(0.1)


def http_ok(url: str) -> bool:
    """True if ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def port_open(port: int) -> bool:
    """True if something accepts TCP connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


# -- JupyterLab server --------------------------------------------------------------------------------------
# Silence the "get notified about news?" toast and the update check, as user settings in a temporary
# folder (no overrides.json in the venv needed).
_LAB_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@dataclass
class LabServer:
    """A running ``jupyter lab`` serving ``root_dir``; kernels get ``CASEKIT_ANSWERS=answers_dir``."""

    root_dir: Path
    answers_dir: Path
    work_dir: Path
    port: int
    token: str
    process: ServerProcess

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.process.log_path

    def url(self, path: str = "/lab") -> str:
        """An absolute URL on this server with the token appended."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def notebook_url(self, notebook: str, workspace: str | None = None) -> str:
        """The URL that opens ``notebook`` (relative to root_dir) in a fresh, named workspace, so that tabs
        from earlier tests are not restored."""
        workspace = workspace or f"e2e-{secrets.token_hex(4)}"
        return self.url(f"/lab/workspaces/{workspace}/tree/{notebook}")

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the Jupyter server REST API (``path`` like ``/api/sessions``); returns the decoded JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (and its session) on this server."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def clear_answers(self) -> None:
        """Empty the answer folder (the folder itself stays: the kernels' environment names it)."""
        for child in self.answers_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def stop(self) -> None:
        self.process.stop()


def lab_options(work_dir: Path) -> list[str]:
    """The options every JupyterLab of the tests gets (``jupyter lab`` here, ``jupyterhub-singleuser``
    under the test hub), with the folders they name made under ``work_dir``: no news or update check,
    casekit's settings (keys in form controls, closing a tab shuts its kernel down) from the repository,
    its own workspaces, and ``--allow-root`` (CI machines run as root)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    settings_dir = work_dir / "lab-user-settings"
    for rel, values in _LAB_USER_SETTINGS.items():
        target = settings_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2), encoding="utf-8")
    workspaces = work_dir / "lab-workspaces"
    workspaces.mkdir(exist_ok=True)
    # The settings casekit installs (keys in form controls, closing a tab shuts its kernel down), from the
    # repository rather than the environment, so that the tests exercise the file a change is made in.
    app_settings = work_dir / "lab-app-settings"
    app_settings.mkdir(exist_ok=True)
    shutil.copyfile(LAB_OVERRIDES, app_settings / "overrides.json")
    return [
        "--allow-root",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={workspaces}",
        f"--LabApp.app_settings_dir={app_settings}",
    ]


def start_lab(root_dir: Path, work_dir: Path, timeout: float = 60.0, port: int | None = None) -> LabServer:
    """Start JupyterLab on a free port (or ``port``: e.g. a stopped server's, for the same browser origin)
    with a random token, serving ``root_dir``; wait for /api/status."""
    options = lab_options(work_dir)
    answers = work_dir / "answers"
    port, token = port or free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        *options,
    ]
    started = time.monotonic()
    process = start_process("jupyter lab", cmd, server_env(work_dir, answers), root_dir, work_dir / "lab.log")
    server = LabServer(root_dir, answers, work_dir, port, token, process)
    wait_until(process, lambda: http_ok(server.url("/api/status")), timeout, "GET /api/status", started)
    return server


# -- Voilà server -------------------------------------------------------------------------------------------
@dataclass
class VoilaServer:
    """A running ``voila NOTEBOOK``; its kernel gets ``CASEKIT_ANSWERS=answers_dir``."""

    notebook: Path
    answers_dir: Path
    port: int
    process: ServerProcess

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log_path(self) -> Path:
        return self.process.log_path

    def stop(self) -> None:
        self.process.stop()


def start_voila(
    notebook: Path, work_dir: Path, timeout: float = 30.0, port: int | None = None
) -> VoilaServer:
    """Start Voilà on ``notebook`` (cwd: its folder) on a free port (or ``port``: e.g. a stopped server's,
    for the same browser origin); wait until the port answers."""
    work_dir.mkdir(parents=True, exist_ok=True)
    answers = work_dir / "answers"
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.extension_denylist=['jupyterlab-jupytext']",
        "--show_tracebacks=True",
    ]
    started = time.monotonic()
    env = server_env(work_dir, answers)
    process = start_process("voila", cmd, env, notebook.parent, work_dir / "voila.log")
    wait_until(process, lambda: port_open(port), timeout, f"port {port}", started)
    return VoilaServer(notebook, answers, port, process)


# -- what a page shows --------------------------------------------------------------------------------------
@dataclass
class WidgetReport:
    """Widget outputs on a page: how many, how many rendered, and the text of those that did not."""

    outputs: int
    rendered: int
    broken: list[str] = field(default_factory=list)


_EMPTY_WIDGET = "(empty widget output)"
_WIDGET_REPORT_JS = """
([outputSel, failureTexts, emptyLabel]) => {
  const outs = [...document.querySelectorAll(outputSel)];
  let rendered = 0;
  const broken = [];
  for (const out of outs) {
    const text = (out.innerText || '').trim();
    const failed = out.querySelector('.jupyter-widgets-error-widget')
      || failureTexts.some((t) => text.includes(t));
    const hidden = out.classList.contains('lm-mod-hidden') || out.closest('.lm-mod-hidden');
    if (failed) broken.push(text.slice(0, 300) || out.outerHTML.slice(0, 300));
    else if (out.querySelector('.jupyter-widgets')) rendered += 1;
    else if (!hidden) broken.push(emptyLabel + ' ' + out.outerHTML.slice(0, 300));
    else rendered += 1;  // a closed widget hides its output on purpose
  }
  return {outputs: outs.length, rendered, broken};
}
"""

_ERROR_OUTPUTS_JS = """
(stderrSel) => [...document.querySelectorAll(stderrSel)].map((el) => {
  const text = el.innerText.trim();
  const kind = /Traceback|^\\w+(Error|Exception)\\b/m.test(text) ? 'error' : 'stderr';
  const cell = el.closest('.jp-Cell');
  const prompt = cell && cell.querySelector('.jp-InputPrompt');
  return kind + (prompt ? ' in cell ' + prompt.textContent.trim() : '') + ': ' + text;
})
"""


def error_outputs(page: Page) -> list[str]:
    """Every stderr output on the page (tracebacks included), as text prefixed by "error" (a traceback) or
    "stderr", and the cell prompt where JupyterLab shows one."""
    return page.evaluate(_ERROR_OUTPUTS_JS, SEL_STDERR)


def widget_report(page: Page, settle_ms: int = 10_000, min_widgets: int = 0) -> WidgetReport:
    """Count widget outputs and which rendered; waits up to ``settle_ms`` for outputs still empty or
    showing "Loading widget..." to render, and for at least ``min_widgets`` outputs to be there at all (on a
    busy machine Voilà may show the page before its first output arrives)."""
    deadline = time.monotonic() + settle_ms / 1000
    while True:
        report = WidgetReport(
            **page.evaluate(_WIDGET_REPORT_JS, [SEL_WIDGET_OUTPUT, list(WIDGET_FAILURE_TEXTS), _EMPTY_WIDGET])
        )
        pending = report.rendered < min_widgets or any(
            t.startswith(_EMPTY_WIDGET) or "Loading widget..." in t for t in report.broken
        )
        if not pending or time.monotonic() > deadline:
            return report
        page.wait_for_timeout(200)


def assert_page_clean(page: Page, min_widgets: int = 0) -> WidgetReport:
    """No error or stderr output, every widget output rendered, at least ``min_widgets`` of them."""
    report = widget_report(page, min_widgets=min_widgets)  # first: the outputs are all there after it
    errors = error_outputs(page)
    assert not errors, "error outputs on the page:\n" + "\n\n".join(errors)
    assert not report.broken, "widgets that did not render:\n" + "\n".join(report.broken)
    assert report.rendered >= min_widgets, f"expected ≥ {min_widgets} rendered widgets, got {report}"
    return report


# -- JupyterLab page ----------------------------------------------------------------------------------------
_EXECUTION_STATE_JS = """
() => {
  const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const prompts = cells.map((c) => {
    const p = c.querySelector('.jp-InputPrompt');
    const src = c.querySelector('.jp-InputArea-editor');
    return {prompt: p ? p.textContent.trim() : '', empty: !src || src.innerText.trim() === ''};
  });
  return {status: ind ? ind.getAttribute('data-status') : null, prompts, sawRun: !!window.__casekitSawRun};
}
"""

# Remember whether any cell prompt showed "[*]" (queued or running) since the call: a fast notebook can run
# completely between two polls, and JupyterLab shows the previous run's counts until new ones arrive.
_WATCH_RUN_JS = """
() => {
  window.__casekitSawRun = false;
  if (window.__casekitRunObserver) window.__casekitRunObserver.disconnect();
  const check = () => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')];
    if (prompts.some((p) => p.textContent.includes('*'))) window.__casekitSawRun = true;
  };
  window.__casekitRunObserver = new MutationObserver(check);
  window.__casekitRunObserver.observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


class LabPage:
    """One Chromium page driving a notebook in JupyterLab (all waits in milliseconds)."""

    def __init__(self, page: Page, server: LabServer) -> None:
        self.page = page
        self.server = server
        self.notebook: str | None = None

    def open(self, notebook: str, timeout: int = 60_000) -> LabPage:
        """Open ``notebook`` (path relative to the server's root_dir, "/" separated) in a fresh workspace
        and wait until its kernel is connected and idle."""
        self.notebook = notebook
        self.page.goto(self.server.notebook_url(notebook), timeout=timeout)
        return self.wait_open(timeout)

    def start_open(self, notebook: str, timeout: int = 60_000) -> LabPage:
        """Start opening ``notebook`` as :meth:`open` does, without waiting for JupyterLab to load
        (:meth:`wait_open` waits): two pages load at once."""
        self.notebook = notebook
        self.page.goto(self.server.notebook_url(notebook), timeout=timeout, wait_until="commit")
        return self

    def wait_open(self, timeout: int = 60_000) -> LabPage:
        """Wait until the notebook being opened shows its cells and its kernel is connected and idle."""
        self.page.locator(SEL_CELL).first.wait_for(timeout=timeout)
        self.wait_kernel_ready(timeout)
        return self

    def wait_kernel_ready(self, timeout: int = 60_000) -> None:
        """Wait until the server has this notebook's kernel idle with a client connected, and the page's
        execution indicator says idle. (The indicator alone is not enough: it starts as "idle" before the
        notebook has a kernel at all.)"""
        deadline = time.monotonic() + timeout / 1000
        kernel: dict[str, Any] = {}
        while time.monotonic() < deadline:
            sessions = [s for s in self.server.api("GET", "/api/sessions") if s.get("path") == self.notebook]
            kernel = sessions[0]["kernel"] if sessions else {}
            if (
                kernel.get("connections", 0) >= 1
                and kernel.get("execution_state") == "idle"
                and self.execution_state()["status"] == "idle"
            ):
                return
            time.sleep(0.1)
        dialogs = self.page.locator(".jp-Dialog").all_inner_texts()
        raise AssertionError(
            f"kernel of {self.notebook} not ready after {timeout / 1000:.0f} s: {kernel}; dialogs: {dialogs}"
        )

    def wait_idle(self, timeout: int = 60_000) -> None:
        """Wait until the notebook's execution indicator says the kernel is idle (use after the kernel is
        ready, e.g. after typing into a widget)."""
        self.page.locator(SEL_KERNEL_IDLE).first.wait_for(state="attached", timeout=timeout)

    def menu(self, menu: str, item: str) -> None:
        """Click a top menu (e.g. "Run") and then one of its items, by exact label."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
        self.page.get_by_role("menuitem", name=item, exact=True).click()

    def run_all(self, timeout: int = 120_000) -> None:
        """Run → Run All Cells, then wait until every non-empty code cell has run and the kernel is idle."""
        self.start_run_all()
        self.wait_executed(timeout)

    def start_run_all(self) -> None:
        """Run → Run All Cells without waiting (:meth:`wait_executed` waits): two pages run at once."""
        self.page.evaluate(_WATCH_RUN_JS)
        self.menu("Run", "Run All Cells")

    def restart_and_run_all(self, timeout: int = 120_000) -> None:
        """Kernel → Restart Kernel and Run All Cells…, confirm the dialog, wait as for :meth:`run_all`."""
        self.page.evaluate(_WATCH_RUN_JS)
        self.menu("Kernel", "Restart Kernel and Run All Cells…")
        self.page.locator(SEL_DIALOG_ACCEPT).click()
        self.page.locator(".jp-Dialog").wait_for(state="detached")
        self.wait_executed(timeout, start_within=30_000)

    def execution_state(self) -> dict[str, Any]:
        """The execution indicator's status, every code cell's prompt ("[3]:", "[*]:", "[ ]:") and whether
        it is empty, and ``sawRun``: whether a prompt showed "[*]" since the last run command."""
        return self.page.evaluate(_EXECUTION_STATE_JS)

    def wait_executed(self, timeout: int = 120_000, start_within: int = 15_000) -> None:
        """Wait until a cell was seen queued or running after the run command (fail after ``start_within``
        if none was), then until the kernel is idle, no cell shows "[*]" and every non-empty code cell
        shows an execution count, or an error stopped the run."""
        start = time.monotonic()
        while True:
            state = self.execution_state()
            waited = (time.monotonic() - start) * 1000
            code = [p for p in state["prompts"] if not p["empty"]]
            if not code:
                return
            running = any("*" in p["prompt"] for p in state["prompts"])
            if state["sawRun"] and state["status"] == "idle" and not running:
                if all(_has_count(p) for p in code):
                    return
                if any(e.startswith("error") for e in self.error_outputs()):
                    return  # an error stopped "run all": the caller's error check reports it
            if not state["sawRun"] and waited > start_within:
                raise AssertionError(f"no cell started running within {start_within / 1000:.0f} s: {state}")
            if waited > timeout:
                raise AssertionError(f"notebook did not finish running in {timeout / 1000:.0f} s: {state}")
            self.page.wait_for_timeout(100)

    def error_outputs(self) -> list[str]:
        return error_outputs(self.page)

    def widget_report(self) -> WidgetReport:
        return widget_report(self.page)

    def assert_clean(self, min_widgets: int = 0) -> WidgetReport:
        return assert_page_clean(self.page, min_widgets)

    def save(self) -> None:
        """Save the notebook (Ctrl+S) and wait for the dirty marker to go."""
        self.page.keyboard.press("Control+s")
        self.page.locator(".jp-mod-dirty").first.wait_for(state="detached", timeout=10_000)


def _has_count(prompt: dict[str, Any]) -> bool:
    return bool(re.fullmatch(r"\[\d+\]:", prompt["prompt"]))


# -- Voilà page ---------------------------------------------------------------------------------------------
# Findings in Voilà's own template that a test may ignore, rule → the template's elements; empty now. Voilà
# 0.5.13 scrolls the page inside #rendered_cells, which axe flags (scrollable-region-focusable, serious) on a
# page with nothing focusable; every casekit page has a focusable element (the attribution link, widgets).
VOILA_TEMPLATE_GAPS: dict[str, tuple[str, ...]] = {}


class VoilaPage:
    """One Chromium page showing a notebook rendered by Voilà."""

    def __init__(self, page: Page, server: VoilaServer) -> None:
        self.page = page
        self.server = server

    def open(self, timeout: int = 90_000) -> VoilaPage:
        """Load the page and wait until Voilà has run the notebook (``#loading`` hidden)."""
        self.page.goto(self.server.url, timeout=timeout)
        self.page.locator("#loading").wait_for(state="hidden", timeout=timeout)
        return self

    def error_outputs(self) -> list[str]:
        return error_outputs(self.page)

    def widget_report(self) -> WidgetReport:
        return widget_report(self.page)

    def assert_clean(self, min_widgets: int = 0) -> WidgetReport:
        return assert_page_clean(self.page, min_widgets)

    def assert_accessible(self, axe: Axe, ignore_rules: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """axe-core: no critical or serious violation apart from :data:`VOILA_TEMPLATE_GAPS`."""
        return axe.assert_no_serious(self.page, ignore_rules=ignore_rules, ignore_targets=VOILA_TEMPLATE_GAPS)


# -- axe-core -----------------------------------------------------------------------------------------------
SERIOUS = ("critical", "serious")

# Load axe.min.js as a plain global even on pages that define an AMD loader (it would register as a module).
_HIDE_AMD = "window.__casekitDefine = window.define; window.define = undefined;"
_RESTORE_AMD = "window.define = window.__casekitDefine; delete window.__casekitDefine;"


@dataclass
class Axe:
    """The axe-core accessibility engine, injected into pages on demand."""

    script: Path

    def inject(self, page: Page) -> None:
        """Load axe-core into the page unless it is there already."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=_HIDE_AMD)
            page.add_script_tag(path=str(self.script))
            page.add_script_tag(content=_RESTORE_AMD)

    def run(
        self,
        page: Page,
        options: dict[str, Any] | None = None,
        context: Any = None,
        within: str | None = None,
    ) -> list[dict[str, Any]]:
        """Run ``axe.run(context, options)`` on the page (``context`` defaults to the whole document, or
        e.g. ``{"include": [".jp-OutputArea"]}``: casekit's outputs inside JupyterLab; ``within``, a CSS
        selector, is short for ``{"include": [[within]]}``); returns axe's list of violations.

        Only the violations are wanted, so axe is told so (``resultTypes``): it then describes one node of
        each rule that passed rather than every one. The same rules run on the same nodes and report the
        same violations, in 5-20 % less time on a notebook page (measured in Voilà)."""
        self.inject(page)
        if within is not None:
            context = {"include": [[within]]}
        return page.evaluate(
            "async ([context, options]) => (await axe.run(context || document, options)).violations",
            [context, {"resultTypes": ["violations"], **(options or {})}],
        )

    def results(self, page: Page, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run ``axe.run(document, options)`` on the page; returns axe's whole result: ``violations``,
        ``passes``, ``incomplete`` and ``inapplicable`` (each a list of rules with their ``nodes``), e.g. to
        prove that a rule ran on the elements it should have checked."""
        self.inject(page)
        return page.evaluate(
            """async (options) => {
              const r = await axe.run(document, options);
              return {violations: r.violations, passes: r.passes, incomplete: r.incomplete,
                      inapplicable: r.inapplicable};
            }""",
            options or {},
        )

    def assert_no_serious(
        self,
        page: Page,
        ignore_rules: tuple[str, ...] = (),
        ignore_targets: dict[str, tuple[str, ...]] | None = None,
        impacts: tuple[str, ...] = SERIOUS,
        options: dict[str, Any] | None = None,
        context: Any = None,
        within: str | None = None,
    ) -> list[dict[str, Any]]:
        """Fail listing every violation of the given impacts (default critical and serious), except rules
        in ``ignore_rules`` and, per rule id, nodes whose axe target is in ``ignore_targets[rule]`` (e.g.
        ``{"scrollable-region-focusable": ("#rendered_cells",)}``); ``context`` and ``within`` as for
        :meth:`run`. Returns all violations (minor and moderate ones included) for further checks."""
        violations = self.run(page, options, context, within)
        bad = []
        for v in violations:
            if v.get("impact") not in impacts or v["id"] in ignore_rules:
                continue
            skip = (ignore_targets or {}).get(v["id"], ())
            nodes = [n for n in v["nodes"] if not (len(n["target"]) == 1 and n["target"][0] in skip)]
            if nodes:
                bad.append({**v, "nodes": nodes})
        assert not bad, f"{len(bad)} accessibility violation(s) on {page.url}:\n" + format_violations(bad)
        return violations


def format_violations(violations: list[dict[str, Any]], nodes: int = 3) -> str:
    """Readable lines: rule id, impact, help, help URL, then the first ``nodes`` targets and HTML."""
    lines: list[str] = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')} [{len(v['nodes'])} node(s)]")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v["nodes"][:nodes]:
            lines.append(f"    target {node.get('target')}: {node.get('html', '')[:200]}")
    return "\n".join(lines)


# -- casekit's activities and answer store -------------------------------------------------------------------
# Measured in JupyterLab 4.6 and Voilà 0.5 (ipywidgets 8.1): every widget is a ``.jupyter-widgets`` element;
# an ``ipywidgets.HTML`` keeps its markup in ``.widget-html-content``; a described control has a
# ``<label class="widget-label" for=ID>`` next to its ``<select>``/``<textarea>``/``<input id=ID>``, so
# Playwright's ``get_by_label`` finds it. Boxes are ``.widget-hbox`` and ``.widget-vbox``.
_ANCESTOR_BOX = (
    "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' widget-{}box ')][1]"
)


def _exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def clear_local_storage(page: Page, origin: str) -> None:
    """Empty the shared Chromium profile's ``localStorage`` for ``origin``: casekit keeps a copy of the
    answers there (casekit/widgets/mirror.py), and a copy from an earlier test on the same origin (the
    session's JupyterLab, or a port used again) would be offered back to a test that expects a fresh
    learner."""
    cdp = page.context.new_cdp_session(page)
    try:
        where = {"origin": origin.rstrip("/"), "storageTypes": "local_storage"}
        cdp.send("Storage.clearDataForOrigin", where)
    finally:
        cdp.detach()


def activity_box(scope: Page | Locator, heading: str, level: int = 2) -> Locator:
    """The activity whose ``<h2>`` (or ``<h{level}>``) says exactly ``heading``: the innermost
    ``.widget-vbox`` around it (casekit's ``Activity``)."""
    title = scope.locator(f".widget-html-content > h{level}").filter(has_text=_exactly(heading))
    return title.locator(_ANCESTOR_BOX.format("v"))


def stored_answer(answers_dir: Path, key: str, case_id: str = "samskabelse", default: Any = None) -> Any:
    """The latest saved value of ``key`` in the learner's store in ``answers_dir`` (``default`` if the store
    file or the key does not exist yet), read with casekit's own :class:`~casekit.answers.AnswerStore`.
    Call it only after the notebook's ``widgets.start()`` has run: that creates the store file and schema."""
    from casekit.answers import AnswerStore, store_file_name

    if not (answers_dir / store_file_name(case_id)).is_file():
        return default
    with AnswerStore.open(answers_dir, case_id=case_id, create=False) as store:
        return store.get(key, default)


def wait_for_answer(
    answers_dir: Path,
    key: str,
    accept: Callable[[Any], bool],
    timeout: float = 10.0,
    case_id: str = "samskabelse",
) -> Any:
    """Poll the store until ``accept(value of key)`` is true; returns that value. Fails naming the last value
    seen (the kernel saves in a widget callback, a moment after the browser sent the change)."""
    deadline = time.monotonic() + timeout
    while True:
        value = stored_answer(answers_dir, key, case_id)
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{key!r} in the store in {answers_dir} after {timeout:.0f} s is {value!r}, not as expected"
            )
        time.sleep(0.1)


# -- artifacts ----------------------------------------------------------------------------------------------
def safe_name(text: str) -> str:
    """A file name from a pytest node id."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:150]


_TALLEST_SCROLLER_JS = """
() => Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll('*')]
  .filter((el) => /(auto|scroll)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight)
  .map((el) => el.scrollHeight + el.getBoundingClientRect().top))
"""


MAX_SHOT_HEIGHT = 16_000
"""The tallest screenshot :func:`save_screenshot` takes, in CSS pixels."""


def save_screenshot(page: Page, folder: Path, name: str, whole: bool = True) -> Path | None:
    """A full-page PNG screenshot of ``page`` as ``folder/name.png``, or of the window only if not
    ``whole`` (None if the page is gone)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_name(name)}.png"
    try:
        if whole:
            # JupyterLab and Voilà scroll inside a fixed-size element, which a full-page screenshot does not
            # expand: make the window as tall as the tallest scroller first (the page is closed afterwards).
            height = page.evaluate(_TALLEST_SCROLLER_JS)
            size = page.viewport_size
            if size and height > size["height"]:
                page.set_viewport_size({"width": size["width"], "height": min(height, MAX_SHOT_HEIGHT)})
                page.wait_for_timeout(300)
            # A whole document taller than that (the projected report is some 50,000 px) is not captured
            # whole: a bitmap of 1920 × 50,000 px is some 400 MB, which can take the browser down with it.
            whole = page.evaluate("() => document.documentElement.scrollHeight") <= MAX_SHOT_HEIGHT
        page.screenshot(path=str(path), full_page=whole, timeout=15_000)
    except Exception as exc:  # the page may have crashed; that is the test's failure, not the helper's
        print(f"screenshot {path} failed: {exc}")
        return None
    return path

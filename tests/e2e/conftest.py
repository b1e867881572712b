"""Fixtures for the browser tests: Chromium through Playwright's sync API, one JupyterLab server per session
on a temporary copy of notebooks/, Voilà servers per test, axe-core, screenshots and server logs.

Fixtures (see each docstring):

- ``chromium_path`` -> Path, ``axe_js`` -> Path: skip on a laptop when missing, fail under ``CI=true``.
- ``browser_context`` (session) -> playwright BrowserContext (persistent, headless, da-DK, downloads on).
- ``browser_page`` -> a fresh Page; after the test a full-page screenshot goes to ``e2e_artifacts``.
- ``notebooks_dir`` (session) -> Path: a temporary copy of <repo>/notebooks (tests never write the repo).
- ``lab_server_factory`` (session) -> start_lab(root_dir) -> LabServer; ``lab_server`` (session) -> LabServer
  serving ``notebooks_dir``.
- ``lab`` -> LabPage on ``browser_page`` and ``lab_server``: empty answer folder before, kernels shut
  down after.
- ``voila_server`` -> factory(notebook: Path) -> VoilaServer; ``voila`` -> factory(notebook) -> VoilaPage
  (server started and page loaded).
- ``axe`` (session) -> Axe: ``axe.run(page)``, ``axe.assert_no_serious(page)``.
- ``e2e_artifacts`` (session) -> Path: screenshots and logs (``CASEKIT_E2E_ARTIFACTS`` or a temp folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .support import (
    CHROMIUM_ARGS,
    NOTEBOOKS,
    Axe,
    LabPage,
    LabServer,
    VoilaPage,
    VoilaServer,
    clear_local_storage,
    find_axe_js,
    find_chromium,
    safe_name,
    save_screenshot,
    screens_wanted,
    start_lab,
    start_voila,
    tail,
    unavailable,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

# Collected during the session and printed in the terminal summary.
_TIMINGS: list[tuple[str, float]] = []
_ARTIFACTS: list[Path] = []
_LOGS = pytest.StashKey[list[tuple[str, Callable[[], str]]]]()
_FAILED = pytest.StashKey[bool]()


# -- reporting ----------------------------------------------------------------------------------------------
def attach_log(request: pytest.FixtureRequest, title: str, text: Callable[[], str]) -> None:
    """Show ``text()`` as a section of this test's report if the test fails."""
    request.node.stash.setdefault(_LOGS, []).append((title, text))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Add the server logs and browser console of a failed browser test to its report; time each test."""
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    if report.failed and call.when in ("setup", "call"):
        for title, text in item.stash.get(_LOGS, []):
            try:
                report.sections.append((title, text()))
            except Exception as exc:  # a report must never fail because a log is gone
                report.sections.append((title, f"<unavailable: {exc}>"))
    if call.when == "call" and item.get_closest_marker("browser"):
        record_time(f"test {item.name} ({report.outcome})", report.duration)
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print where screenshots and logs went, and how long servers and notebooks took."""
    if _ARTIFACTS:
        terminalreporter.write_sep("-", "casekit e2e")
        terminalreporter.write_line(f"screenshots and logs: {_ARTIFACTS[0]}")
        for label, seconds in _TIMINGS:
            terminalreporter.write_line(f"{seconds:7.2f} s  {label}")


def record_time(label: str, seconds: float) -> None:
    """Record a duration for the terminal summary."""
    _TIMINGS.append((label, seconds))


# -- prerequisites ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def e2e_artifacts() -> Path:
    """The folder for screenshots and logs: ``CASEKIT_E2E_ARTIFACTS`` or a new /tmp/casekit-e2e-* folder."""
    configured = os.environ.get("CASEKIT_E2E_ARTIFACTS")
    # Not under pytest's basetemp: pytest deletes all but the last three of those, and the folder must
    # outlive the run for someone to look at the screenshots.
    folder = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="casekit-e2e-"))
    folder.mkdir(parents=True, exist_ok=True)
    _ARTIFACTS.append(folder)
    return folder


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Chromium's executable (``CASEKIT_CHROMIUM``, else Debian's headless build or its whole browser:
    :func:`support.chromium`); also checks Playwright imports."""
    path = find_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        unavailable(f"playwright is not importable ({exc}); pip install -e '.[test]'")
    return path


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe.min.js (``CASEKIT_AXE_JS`` or <repo>/.ci/node_modules/axe-core/axe.min.js)."""
    return find_axe_js()


@pytest.fixture(scope="session")
def axe(axe_js: Path) -> Axe:
    """The axe-core audit: ``axe.run(page) -> violations``; ``axe.assert_no_serious(page, ignore_rules=())``
    fails listing every critical or serious violation."""
    return Axe(axe_js)


# -- browser ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _playwright(chromium_path: Path, _isolated_environment: Path) -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def browser_context(
    _playwright: Playwright, chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserContext]:
    """One headless Chromium for the session with a fresh profile; HOME and XDG folders in a temporary
    folder (Chromium writes crash reports and an NSS database there); locale da-DK; downloads accepted."""
    base = tmp_path_factory.mktemp("chromium")
    env = dict(os.environ)
    for key, sub in {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache"}.items():
        (base / sub).mkdir()
        env[key] = str(base / sub)
    start = time.monotonic()
    context = _playwright.chromium.launch_persistent_context(
        str(base / "profile"),
        executable_path=str(chromium_path),
        headless=True,
        args=CHROMIUM_ARGS,
        env=env,
        accept_downloads=True,
        locale="da-DK",
        viewport={"width": 1280, "height": 900},
    )
    record_time("Chromium launch", time.monotonic() - start)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def browser_page(
    browser_context: BrowserContext, request: pytest.FixtureRequest, e2e_artifacts: Path
) -> Iterator[Page]:
    """A new page; its console errors are shown if the test fails, and a screenshot of the whole page is
    saved to ``e2e_artifacts`` if it failed (of the window after a pass, with ``CASEKIT_E2E_SCREENS=1``)."""
    page = browser_context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    attach_log(request, "browser console (errors and warnings)", lambda: "\n".join(console) or "<empty>")
    yield page
    failed = request.node.stash.get(_FAILED, False)
    if failed or screens_wanted():
        save_screenshot(page, e2e_artifacts, request.node.nodeid, whole=failed)
    page.close()


# -- JupyterLab ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def notebooks_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary copy of <repo>/notebooks (empty if the folder does not exist yet)."""
    target = tmp_path_factory.mktemp("served") / "notebooks"
    if NOTEBOOKS.is_dir():
        shutil.copytree(
            NOTEBOOKS, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "answers", "__pycache__")
        )
    else:
        target.mkdir()
    return target


@pytest.fixture(scope="session")
def lab_server_factory(
    tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path, _isolated_environment: Path
) -> Iterator[Callable[[Path], LabServer]]:
    """``start(root_dir) -> LabServer``: a JupyterLab serving ``root_dir``; all are stopped (SIGTERM) at the
    end of the session and their logs copied to ``e2e_artifacts``."""
    servers: list[LabServer] = []

    def start(root_dir: Path) -> LabServer:
        server = start_lab(root_dir, tmp_path_factory.mktemp("lab"))
        record_time(f"JupyterLab start ({root_dir.name})", server.process.started_in)
        servers.append(server)
        return server

    yield start
    for number, server in enumerate(servers):
        server.stop()
        shutil.copyfile(server.log_path, e2e_artifacts / f"jupyterlab-{number}.log")


@pytest.fixture(scope="session")
def lab_server(lab_server_factory: Callable[[Path], LabServer], notebooks_dir: Path) -> LabServer:
    """The session's JupyterLab, serving ``notebooks_dir``. ``.root_dir``, ``.answers_dir`` (the kernels'
    CASEKIT_ANSWERS), ``.url(path)``, ``.notebook_url(name)``, ``.api(method, path)``, ``.log_path``."""
    return lab_server_factory(notebooks_dir)


@pytest.fixture
def lab(browser_page: Page, lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[LabPage]:
    """A :class:`LabPage` on a fresh page: ``lab.open("x.ipynb")``, ``lab.run_all()``,
    ``lab.restart_and_run_all()``, ``lab.assert_clean(min_widgets)``. The answer folder and the browser's
    copy of the answers are emptied before the test; every kernel is shut down after it."""
    lab_server.clear_answers()
    clear_local_storage(browser_page, lab_server.base_url)
    attach_log(request, "jupyter lab log (tail)", lambda: tail(lab_server.log_path, 120))
    yield LabPage(browser_page, lab_server)
    lab_server.shutdown_kernels()


# -- Voilà --------------------------------------------------------------------------------------------------
@pytest.fixture
def voila_server(
    tmp_path: Path, request: pytest.FixtureRequest, e2e_artifacts: Path, _isolated_environment: Path
) -> Iterator[Callable[[Path], VoilaServer]]:
    """``start(notebook) -> VoilaServer`` (``.url``, ``.answers_dir``, ``.log_path``); stopped after the test,
    log copied to ``e2e_artifacts``."""
    servers: list[VoilaServer] = []

    def start(notebook: Path) -> VoilaServer:
        server = start_voila(notebook, tmp_path / f"voila-{len(servers)}")
        record_time(f"Voilà start ({notebook.name})", server.process.started_in)
        attach_log(request, f"voila log {notebook.name} (tail)", lambda: tail(server.log_path, 120))
        servers.append(server)
        return server

    yield start
    for number, server in enumerate(servers):
        server.stop()
        shutil.copyfile(
            server.log_path, e2e_artifacts / f"{safe_name(request.node.nodeid)}-voila-{number}.log"
        )


@pytest.fixture
def voila(voila_server: Callable[[Path], VoilaServer], browser_page: Page) -> Callable[[Path], VoilaPage]:
    """``open(notebook) -> VoilaPage``: start Voilà on the notebook and load it in ``browser_page`` until
    ``#loading`` is hidden (the notebook has run)."""

    def open_(notebook: Path) -> VoilaPage:
        start = time.monotonic()
        server = voila_server(notebook)
        clear_local_storage(browser_page, server.url)  # a port used again may hold an earlier test's copy
        page = VoilaPage(browser_page, server).open()
        record_time(f"Voilà start + render ({notebook.name})", time.monotonic() - start)
        return page

    return open_

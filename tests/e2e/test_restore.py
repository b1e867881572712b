"""The browser's copy of the answers brings them back after the answer file is lost (a Binder session that
timed out), in JupyterLab and in Voilà, in Chromium.

The journey of the issue: a learner answers in 01_del1 (a stakeholder placed on the grid, a Danish
justification of the decision point), and casekit mirrors the store's export into the browser's
``localStorage``. The server stops and the answer folder is emptied. A new server on the same port (the same
browser origin, so the same ``localStorage``) runs the notebook on the empty store: casekit offers the copy,
one click on "Gendan fra denne browser" puts every answer back in the store on disk and in the widgets on
the page. A page on another origin, whose ``localStorage`` has no copy, offers nothing: no restore button is
in the page at all. A browser whose storage is full or blocked gets a line that says so, in words.

The ``localStorage`` of every origin a test starts on is emptied first (``clear_local_storage``): the
session's Chromium profile is shared, and a port that an earlier test's server had may still hold that
test's copy.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from playwright.sync_api import expect

import casekit
from casekit.answers import AnswerStore, store_file_name
from casekit.export import export_json
from casekit.i18n import t
from casekit.widgets.mirror import storage_key

from .conftest import attach_log
from .journey import (
    ACTOR_ID,
    ACTOR_NAME,
    CASE_ID,
    JUSTIFICATION,
    LANG,
    PLACEMENT,
    MapGrid,
    alert_texts,
)
from .support import (
    LabPage,
    LabServer,
    VoilaPage,
    VoilaServer,
    activity_box,
    clear_local_storage,
    free_port,
    safe_name,
    start_lab,
    start_voila,
    stored_answer,
    tail,
    wait_for_answer,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Route

    from casekit.case import Case

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Server = TypeVar("Server", LabServer, VoilaServer)

NOTEBOOK = "01_del1.ipynb"
DECISION_KEY = "decision-point"
STORE_KEY = storage_key(CASE_ID)  # the kernels inherit this process's environment: "casekit:local:…"
RESTORE = t("mirror.restore", LANG)
FORGET = t("mirror.forget", LANG)
ACTIVE = t("mirror.active", LANG)
# What the learner typed and chose, as the store keeps it.
EXPECTED: dict[str, Any] = {
    "stakeholder-map": {ACTOR_ID: PLACEMENT},
    DECISION_KEY: {"choice": None, "justification": JUSTIFICATION},
}


def catalog_prefix(key: str, **fields: Any) -> str:
    """The text of catalog ``key`` with the given ``fields`` filled in, up to the first placeholder that is
    not (a time the test cannot know)."""
    return t(key, LANG, **{"when": "\0", "added": "\0", **fields}).split("\0")[0]


# -- servers that stop and start again on the same port ------------------------------------------------------
@dataclass
class Servers:
    """JupyterLab and Voilà servers started by one test (stopped after it); each log is copied to the
    artifacts folder when its server stops, as ``<test>-<n>.log``."""

    request: pytest.FixtureRequest
    artifacts: Path
    running: list[LabServer | VoilaServer] = field(default_factory=list)
    logs: int = 0

    def lab(self, root_dir: Path, work_dir: Path, port: int | None = None) -> LabServer:
        return self._started(start_lab(root_dir, work_dir, port=port))

    def voila(self, notebook: Path, work_dir: Path, port: int | None = None) -> VoilaServer:
        return self._started(start_voila(notebook, work_dir, port=port))

    def _started(self, server: Server) -> Server:
        self.running.append(server)
        log = server.log_path
        attach_log(self.request, f"server log {len(self.running)} (tail)", lambda: tail(log, 120))
        return server

    def stop(self, server: LabServer | VoilaServer) -> None:
        """Stop ``server`` (its kernels with it) and keep its log: the next server writes the same file."""
        if isinstance(server, LabServer):
            server.shutdown_kernels()
        server.stop()
        self.running.remove(server)
        self.logs += 1
        name = f"{safe_name(self.request.node.nodeid)}-{self.logs}.log"
        shutil.copyfile(server.log_path, self.artifacts / name)
        copied = self.artifacts / name
        attach_log(self.request, f"stopped server log {self.logs} (tail)", lambda: tail(copied, 120))

    def stop_all(self) -> None:
        for server in list(self.running):
            self.stop(server)


@pytest.fixture
def servers(
    request: pytest.FixtureRequest, e2e_artifacts: Path, _isolated_environment: Path
) -> Iterator[Servers]:
    started = Servers(request, e2e_artifacts)
    yield started
    started.stop_all()


# -- the browser's copy --------------------------------------------------------------------------------------
def browser_copy(page: Page) -> dict[str, Any] | None:
    """The export document casekit keeps in this origin's ``localStorage`` (``None`` if there is none)."""
    text = page.evaluate("k => localStorage.getItem(k)", STORE_KEY)
    return None if text is None else json.loads(text)


def wait_for_browser_copy(page: Page, expected: dict[str, Any], timeout: int = 10_000) -> dict[str, Any]:
    """Poll ``localStorage`` until the copy's latest value of every key in ``expected`` is as expected (it is
    written a moment after the save, debounced); returns the copy."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        copy = browser_copy(page)
        answers = (copy or {}).get("answers", {})
        if copy is not None and all(answers.get(k, {}).get("value") == v for k, v in expected.items()):
            return copy
        if time.monotonic() > deadline:
            break
        page.wait_for_timeout(100)
    raise AssertionError(f"the browser's copy under {STORE_KEY} after {timeout / 1000:.0f} s: {copy!r}")


def delete_store(answers_dir: Path) -> None:
    """Lose the answer file, as a Binder session that timed out does: the SQLite file and every sibling
    (-wal, -shm, -journal) go; the folder stays (the next server's kernels are told to use it)."""
    assert (answers_dir / store_file_name(CASE_ID)).is_file(), sorted(answers_dir.iterdir())
    for child in answers_dir.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    assert stored_answer(answers_dir, "stakeholder-map") is None


# -- the page ------------------------------------------------------------------------------------------------
def decision_justification(page: Page, case: Case) -> Locator:
    """The decision point's "Begrundelse" ``<textarea>``."""
    box = activity_box(page, str(case.activity(DECISION_KEY)["title"]))
    return box.get_by_label(t("widgets.decision.justification", LANG), exact=True)


def restore_buttons(page: Page) -> Locator:
    """Every "Gendan fra denne browser" button in the DOM, hidden ones included (a CSS locator)."""
    return page.locator("button").filter(has_text=re.compile(rf"^\s*{re.escape(RESTORE)}\s*$"))


def expect_no_offer(page: Page) -> None:
    """The copy's quiet line is shown (the browser reported, the kernel answered) and neither button is in
    the page, not even hidden. The line waits for a round trip to the page's kernel, on a busy machine: up
    to 20 s. (It once never came, in 2 of 10 full runs: the page dropped the kernel's answer when it came
    before the line existed; see test_the_copy_answers_a_page_that_makes_its_widgets_slowly.)"""
    expect(page.get_by_text(ACTIVE, exact=True)).to_be_visible(timeout=20_000)
    expect(restore_buttons(page)).to_have_count(0)
    expect(page.locator("button").filter(has_text=FORGET)).to_have_count(0)


def answer(page: Page, case: Case) -> None:
    """Place Majbritt on the grid (dragged) and type the decision's Danish justification."""
    MapGrid(page, case).drag(ACTOR_NAME, PLACEMENT["power"], PLACEMENT["interest"])
    decision_justification(page, case).fill(JUSTIFICATION)


def wait_for_store(answers_dir: Path) -> None:
    """Wait until every answer in :data:`EXPECTED` is in the store on disk, exactly."""
    for key, value in EXPECTED.items():
        wait_for_answer(answers_dir, key, functools.partial(operator.eq, value))


def restore_and_check(page: Page, case: Case, answers_dir: Path, copy: dict[str, Any]) -> None:
    """On a page whose store is empty and whose browser holds ``copy``: the offer names the copy, one click
    restores every answer into the store and into the widgets, and the offer is gone."""
    offer = catalog_prefix("mirror.offer", count=len(copy["answers"]))
    expect(page.get_by_text(offer)).to_be_visible()
    expect(page.get_by_role("button", name=FORGET, exact=True)).to_be_visible()
    restore = page.get_by_role("button", name=RESTORE, exact=True)
    expect(restore).to_have_count(1)
    restore.click()

    # Every revision of the copy was new to the empty store, and the line says how many came back.
    revisions = sum(len(entry["history"]) for entry in copy["answers"].values())
    expect(page.get_by_text(catalog_prefix("mirror.restored", added=revisions))).to_be_visible()
    expect(restore_buttons(page)).to_have_count(0)
    # The pressed button left the page; the focus is on the line that says what happened, not lost.
    expect(page.locator(".casekit-mirror-status")).to_be_focused()
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"
    wait_for_store(answers_dir)

    # The widgets already on the page show the answers again, Majbritt back on her cell of the grid, without
    # running the notebook again.
    MapGrid(page, case).expect_at(ACTOR_NAME, PLACEMENT["power"], PLACEMENT["interest"])
    expect(decision_justification(page, case)).to_have_value(JUSTIFICATION)


def open_lab(page: Page, server: LabServer) -> None:
    """Open the notebook in JupyterLab and run it all."""
    lab = LabPage(page, server).open(NOTEBOOK)
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)


def open_voila(page: Page, server: VoilaServer) -> None:
    """Open the Voilà app (it runs the notebook on load)."""
    VoilaPage(page, server).open().assert_clean(min_widgets=1)


def first_session(
    context: BrowserContext,
    origin: str,
    open_page: Callable[[Page], None],
    case: Case,
    server: LabServer | VoilaServer,
) -> dict[str, Any]:
    """A fresh origin and an empty store: nothing is offered. The learner answers; the store and the
    browser's copy have it. Returns the copy."""
    page = context.new_page()
    try:
        clear_local_storage(page, origin)
        open_page(page)
        expect_no_offer(page)
        answer(page, case)
        wait_for_store(server.answers_dir)
        return wait_for_browser_copy(page, EXPECTED)
    finally:
        page.close()


# -- the journeys --------------------------------------------------------------------------------------------
def test_restore_from_the_browser_in_jupyterlab(
    servers: Servers, browser_context: BrowserContext, browser_page: Page, notebooks_dir: Path, tmp_path: Path
) -> None:
    """Answers given in JupyterLab come back from the browser's copy into an empty store on a new server of
    the same origin, in the store and in the widgets, with one click."""
    case = casekit.load_case(CASE_ID, lang=LANG)
    root = tmp_path / "notebooks"
    shutil.copytree(notebooks_dir, root)
    server = servers.lab(root, tmp_path / "lab")

    # 1. A fresh origin and an empty store: nothing to offer. The learner answers; store and copy have it.
    copy = first_session(browser_context, server.base_url, lambda page: open_lab(page, server), case, server)

    # 2. The session ends and the answer file is lost.
    servers.stop(server)
    delete_store(server.answers_dir)

    # 3. A new server on the same port, the notebook run on the empty store: the copy is offered.
    again = servers.lab(root, tmp_path / "lab", port=server.port)
    open_lab(browser_page, again)
    restore_and_check(browser_page, case, again.answers_dir, copy)


def test_restore_from_the_browser_in_voila(
    servers: Servers, browser_context: BrowserContext, browser_page: Page, notebooks_dir: Path, tmp_path: Path
) -> None:
    """The same in the Voilà app; and a page on another origin, with no copy in its storage, has no restore
    button at all."""
    case = casekit.load_case(CASE_ID, lang=LANG)
    notebook = notebooks_dir / NOTEBOOK
    server = servers.voila(notebook, tmp_path / "voila")

    copy = first_session(browser_context, server.url, lambda page: open_voila(page, server), case, server)

    servers.stop(server)
    delete_store(server.answers_dir)

    # Another origin: everything on the server side as before (the same HOME, Jupyter folders and answer
    # folder), only the port differs. Its storage has no copy, so nothing is offered: the offer comes from
    # this browser's storage for this origin, nothing else. Its run makes an empty store: lost again.
    other_port = next(port for port in iter(free_port, None) if port != server.port)
    other = servers.voila(notebook, tmp_path / "voila", port=other_port)
    elsewhere = browser_context.new_page()
    try:
        clear_local_storage(elsewhere, other.url)
        open_voila(elsewhere, other)
        expect_no_offer(elsewhere)
    finally:
        elsewhere.close()
    servers.stop(other)
    delete_store(other.answers_dir)

    again = servers.voila(notebook, tmp_path / "voila", port=server.port)
    open_voila(browser_page, again)
    restore_and_check(browser_page, case, again.answers_dir, copy)


# Storage that cannot be used, as the browser shows it to a page: full (some private windows) or blocked.
_FULL_JS = """
Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
"""
_BLOCKED_JS = """
Object.defineProperty(window, 'localStorage', {
  get() { throw new DOMException('denied', 'SecurityError'); },
});
"""


@pytest.mark.parametrize(("reason", "script"), [("quota", _FULL_JS), ("blocked", _BLOCKED_JS)])
def test_a_browser_that_cannot_keep_a_copy_says_so(
    voila: Callable[[Path], VoilaPage], browser_page: Page, notebooks_dir: Path, reason: str, script: str
) -> None:
    """Where the browser's storage is full or blocked, the notebook says why, in words, and points to the
    download; nothing is offered and nothing fails."""
    browser_page.add_init_script(script)
    voila_page = voila(notebooks_dir / NOTEBOOK)
    voila_page.assert_clean(min_widgets=1)
    why = t(f"mirror.reason.{reason}", LANG)
    expect(browser_page.get_by_text(t("mirror.unavailable", LANG, why=why), exact=True)).to_be_visible()
    expect(restore_buttons(browser_page)).to_have_count(0)
    assert not alert_texts(browser_page), f"casekit reported a problem: {alert_texts(browser_page)}"


# -- a page that makes its widgets slowly ------------------------------------------------------------------
def _slow_controls(page: Page, seconds: float = 3.0) -> list[str]:
    """Hold back the script that defines the standard widgets' models (ipywidgets' controls: the HTML of the
    copy's line, its buttons and box) by ``seconds``, as a busy machine or a slow network does: the page
    makes casekit's own widget first, and its copy's line a while later. Returns the list of the scripts
    held back, filled in as the page loads."""
    held: list[str] = []

    def hold(route: Route) -> None:
        response = route.fetch()
        if b"HTMLModel" in response.body():
            held.append(route.request.url)
            time.sleep(seconds)
        route.fulfill(response=response)

    page.route(re.compile(r".*/static/[^/]*\.js(\?.*)?$"), hold)
    return held


def _held_copy(tmp_path: Path) -> str:
    """An export of a store that holds the map and the decision: the copy a lost session left behind."""
    store = AnswerStore.open(tmp_path / "lost", case=casekit.load_case(CASE_ID, lang=LANG))
    for key, value in EXPECTED.items():
        store.save(key, value)
    return export_json(store)


@pytest.mark.parametrize("held", [False, True], ids=["nothing-held", "a-copy-held"])
def test_the_copy_answers_a_page_that_makes_its_widgets_slowly(
    voila: Callable[[Path], VoilaPage], browser_page: Page, notebooks_dir: Path, tmp_path: Path, held: bool
) -> None:
    """When the page makes the copy's line later than the copy itself (Voilà loads every widget of a notebook
    that has run at once), the kernel's answer to what the browser holds still shows: the quiet line, or
    the offer with its buttons. The browser used to report as soon as the copy was made, and an answer that
    came back before the line existed in the page was dropped: no line, and no offer to restore."""
    if held:
        copy = _held_copy(tmp_path)
        browser_page.add_init_script(f"localStorage.setItem({json.dumps(STORE_KEY)}, {json.dumps(copy)});")
    slowed = _slow_controls(browser_page)
    voila(notebooks_dir / NOTEBOOK).assert_clean(min_widgets=1)
    assert slowed, "no script defining the widgets' models was held back: the test tests nothing"
    if held:
        offer = catalog_prefix("mirror.offer", count=len(EXPECTED))
        expect(browser_page.get_by_text(offer)).to_be_visible(timeout=20_000)
        expect(browser_page.get_by_role("button", name=RESTORE, exact=True)).to_be_visible()
    else:
        expect_no_offer(browser_page)

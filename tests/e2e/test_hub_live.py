"""The class's live view on a real JupyterHub, in Chromium: the hub of ``tests/classroom/test_hub.py`` (the
recipe in docs/class-service.md, the class service, the dummy authenticator, the simple spawner), but each
user's server is the real one, ``jupyterhub-singleuser`` with JupyterLab. An instructor (in the
``casekit-instructors`` group) and a learner log in through the hub's login page in two browser contexts
(their own cookies); the learner places a stakeholder and presses "Del med holdet" in 01_del1, and the
instructor notebook's live view, on "Opdatér", counts one learner and draws the placement, without the
learner's name; the instructor closes the round, the learner's next share is refused in a sentence, and
the round is opened again; axe-core finds no critical or serious violation in casekit's outputs on either
page.

(A learner who opens the instructor notebook gets the sentence, not the class: tests/classroom/test_hub.py
proves it on the same hub through the widget. In this browser it cost a third JupyterLab page and kernel,
some 6-7 s of the module's 35-45 s, for the same code path, and was left out.)

One hub and one Chromium for the module; both servers start while the browser starts.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hubsupport import INSTRUCTORS, Hub, http, running_hub
from playwright.sync_api import expect

import casekit
from casekit import charts
from casekit.i18n import t
from casekit.widgets.sharing import ClassView

from .conftest import attach_log, record_time
from .journey import ACTOR_ID, ACTOR_NAME, place_and_share
from .support import CHROMIUM_ARGS, SERVER_FOLDERS, Axe, LabPage, lab_options, save_screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("jupyterhub-lab")]

# Names no case text, label or id holds, so that finding one on a page means a leak.
LEARNER = "elev-freja-q7"
INSTRUCTOR = "underviser-kim-q7"
LAPTOP = {"width": 1366, "height": 768}
PLACED = {"power": 5, "interest": 2}
FIRST_ROUND = t("class.round_default", "da", id="1")
# The session's folders that every server may share (matplotlib's font cache is built once); the rest,
# per user, under the hub's folder.
SHARED_ENV = ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")
# What axe-core audits: casekit's outputs in the notebook, as the other JupyterLab tests do (test_screens.py).
# JupyterLab's own chrome is not casekit's: axe-core 4.14 finds aria-allowed-attr on its toolbar buttons,
# aria-input-field-name on the cells' CodeMirror editors and aria-required-children on the cell list there.
CASEKIT_OUTPUTS = {"include": [".jp-Notebook .jp-OutputArea"]}


@dataclass
class HubLab:
    """A user's JupyterLab behind the hub, as :class:`~.support.LabPage` drives a server: the URL that
    opens a notebook in a fresh workspace, and the Jupyter server's REST API with the user's token."""

    hub: Hub
    user: str
    token: str

    @property
    def base_url(self) -> str:
        return f"{self.hub.url}/user/{self.user}"

    def notebook_url(self, notebook: str, workspace: str | None = None) -> str:
        workspace = workspace or f"e2e-{secrets.token_hex(4)}"
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{notebook}"

    def api(self, method: str, path: str, body: Any = None) -> Any:
        status, reply = http(method, self.base_url + path, body, self.token)
        assert status == 200, (status, reply)
        return reply


@pytest.fixture(scope="module")
def lab_hub(
    tmp_path_factory: pytest.TempPathFactory,
    notebooks_dir: Path,
    e2e_artifacts: Path,
    _isolated_environment: Path,
) -> Iterator[Hub]:
    """The hub, with JupyterLab as every user's server on a copy of the notebooks, the instructor and the
    learner; both servers are asked for at once (they start while the test starts Chromium). The hub's
    log (the servers' too) is copied to ``e2e_artifacts`` at the end."""
    root = tmp_path_factory.mktemp("hub-lab")
    served = root / "notebooks"
    shutil.copytree(notebooks_dir, served)
    per_user = {key: str(root / "users" / "{username}" / sub) for key, sub in SERVER_FOLDERS.items()}
    per_user.pop("HOME")  # the simple spawner's home_dir_template
    per_user["CASEKIT_ANSWERS"] = str(root / "users" / "{username}" / "answers")
    environment = {
        **{key: os.environ[key] for key in SHARED_ENV if key in os.environ},
        **per_user,
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",  # kernels import casekit from the repository: leave it untouched
    }
    for name in (INSTRUCTOR, LEARNER):
        for folder in per_user.values():
            Path(folder.format(username=name)).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with running_hub(
        root,
        [str(Path(sys.executable).with_name("jupyterhub-singleuser"))],
        args=lab_options(root / "lab"),
        environment=environment,
        spawner={"default_url": "/lab", "notebook_dir": str(served)},
    ) as hub:
        record_time("JupyterHub start", time.monotonic() - started)
        hub.users([LEARNER])
        hub.users([INSTRUCTOR], [INSTRUCTORS])
        for name in (INSTRUCTOR, LEARNER):
            hub.spawn(name)
            hub.tokens[name] = hub.token(name, [f"access:servers!user={name}"])
        yield hub
    shutil.copyfile(root / "hub.log", e2e_artifacts / "jupyterhub-lab.log")


@pytest.fixture(scope="module")
def browser(
    _playwright: Playwright, chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """One headless Chromium for the module (its HOME and XDG folders in a temporary folder)."""
    base = tmp_path_factory.mktemp("chromium-hub")
    env = dict(os.environ)
    for key, sub in {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache"}.items():
        (base / sub).mkdir()
        env[key] = str(base / sub)
    launched = _playwright.chromium.launch(
        executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS, env=env
    )
    yield launched
    launched.close()


def log_in(browser: Browser, hub: Hub, name: str, request: pytest.FixtureRequest) -> Page:
    """A page in a browser context of its own (cookies, storage) logged in as ``name`` through the hub's
    login page; the context's console errors are shown if the test fails."""
    context = browser.new_context(viewport=LAPTOP, locale="da-DK")
    context.set_default_timeout(30_000)
    console: list[str] = []
    context.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    context.on("weberror", lambda error: console.append(f"pageerror: {error.error}"))
    attach_log(request, f"browser console of {name}", lambda: "\n".join(console) or "<empty>")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.get_by_label("Username:").fill(name)
    page.get_by_label("Password:").fill(secrets.token_hex(8))  # the dummy authenticator takes any
    page.locator("#login_submit").click()
    page.wait_for_url(lambda url: "/hub/login" not in url)
    return page


def test_the_instructor_s_live_view_follows_a_learner_who_shares(
    lab_hub: Hub, browser: Browser, axe: Axe, e2e_artifacts: Path, request: pytest.FixtureRequest
) -> None:
    """The instructor's live view counts no one, the learner shares from 01_del1, and without a press the view
    counts one learner and draws where they placed Majbritt, without the learner's name; closed, the round
    refuses the learner's next share in a sentence; axe-core is clean on both pages."""
    case = casekit.load_case("samskabelse", lang="da")
    attach_log(request, "hub log (tail)", lab_hub.log)
    started = time.monotonic()
    teacher_page = log_in(browser, lab_hub, INSTRUCTOR, request)
    learner_page = log_in(browser, lab_hub, LEARNER, request)
    teacher = LabPage(teacher_page, HubLab(lab_hub, INSTRUCTOR, lab_hub.tokens[INSTRUCTOR]))
    learner = LabPage(learner_page, HubLab(lab_hub, LEARNER, lab_hub.tokens[LEARNER]))
    teacher.start_open("instructor/00_undervisning.ipynb")
    learner.start_open("01_del1.ipynb")
    teacher.wait_open()
    learner.wait_open()
    record_time("hub: log in and open both notebooks", time.monotonic() - started)
    teacher.start_run_all()
    learner.start_run_all()
    teacher.wait_executed()
    learner.wait_executed()
    teacher.assert_clean(min_widgets=1)
    learner.assert_clean(min_widgets=1)
    record_time("hub: run both notebooks", time.monotonic() - started)

    count = teacher_page.locator(".widget-html-content p").filter(has_text=re.compile(r"\d+ studerende"))
    expect(count).to_have_text(t("classview.count", "da", count=0, round=FIRST_ROUND))

    place_and_share(learner_page, case, **PLACED)
    # The confirmation names the round as the instructor's view does.
    done = t("share.done", "da", round=FIRST_ROUND, time="§").split("§")[0]
    expect(learner_page.get_by_text(done)).to_be_visible()
    axe.assert_no_serious(learner_page, context=CASEKIT_OUTPUTS)
    learner_page.get_by_role("button", name=t("share.button", "da")).scroll_into_view_if_needed()
    learner_page.screenshot(path=str(e2e_artifacts / "hub-learner-shared-1366x768.png"))
    record_time("hub: the learner shared", time.monotonic() - started)

    # Nobody presses "Opdatér": the view reads the class by itself while its page is in view.
    live = teacher_page.get_by_label(t("classview.live", "da", seconds=ClassView.LIVE_SECONDS), exact=True)
    expect(live).to_be_checked()
    expect(count).to_have_text(
        t("classview.count", "da", count=1, round=FIRST_ROUND), timeout=3 * ClassView.LIVE_SECONDS * 1000
    )
    teacher_page.get_by_label(t("classview.stakeholder", "da"), exact=True).select_option(label=ACTOR_NAME)
    expected = charts.stakeholder_spread(case, [{ACTOR_ID: PLACED}], ACTOR_ID).alt
    chart = teacher_page.get_by_alt_text(expected, exact=True)
    expect(chart).to_have_count(1)
    assert LEARNER not in teacher_page.content()
    axe.assert_no_serious(teacher_page, context=CASEKIT_OUTPUTS)
    # What the instructor sees on a laptop: the view from its heading, then the chart; the whole notebook.
    heading = teacher_page.get_by_role("heading", name=t("classview.heading", "da"), exact=True)
    heading.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    teacher_page.screenshot(path=str(e2e_artifacts / "hub-instructor-live-view-1366x768.png"))
    chart.scroll_into_view_if_needed()
    teacher_page.screenshot(path=str(e2e_artifacts / "hub-instructor-live-chart-1366x768.png"))
    record_time("hub: the live view updated and audited", time.monotonic() - started)

    # The instructor closes the round: the view says so, and a learner who shares again reads why it did not
    # land; opened again, the button offers to close it once more.
    teacher_page.get_by_role("button", name=t("classview.close_round", "da", round=FIRST_ROUND)).click()
    expect(teacher_page.get_by_text(t("classview.round_closed", "da", round=FIRST_ROUND))).to_be_visible()
    reopen = teacher_page.get_by_role("button", name=t("classview.reopen_round", "da", round=FIRST_ROUND))
    expect(reopen).to_be_visible()
    axe.assert_no_serious(teacher_page, context=CASEKIT_OUTPUTS)
    teacher_page.screenshot(path=str(e2e_artifacts / "hub-instructor-round-closed-1366x768.png"))
    learner_page.get_by_role("button", name=t("share.button", "da")).click()
    expect(learner_page.get_by_text(t("class.hub.round_closed", "da"))).to_be_visible()
    reopen.click()
    expect(
        teacher_page.get_by_role("button", name=t("classview.close_round", "da", round=FIRST_ROUND))
    ).to_be_visible()
    save_screenshot(teacher_page, e2e_artifacts, "hub-instructor-notebook")
    save_screenshot(learner_page, e2e_artifacts, "hub-learner-notebook")
    record_time("hub: the round closed and opened again", time.monotonic() - started)

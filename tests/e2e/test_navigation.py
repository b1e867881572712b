"""The "next" link at the end of a learner notebook opens the next notebook: in Voilà (the app, one page per
notebook under ``/voila/render/``) and in JupyterLab (a new tab, by JupyterLab's own link handler)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casekit.i18n import t

from .conftest import attach_log
from .support import (
    LabPage,
    ServerProcess,
    free_port,
    port_open,
    server_env,
    start_process,
    tail,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEXT_TITLE = t("progress.title.02_del2", "da")
HEADING = "Del 2: Undervejs i samskabelsesprocessen"  # the <h1> of notebooks/02_del2


@pytest.fixture
def voila_folder(notebooks_dir: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Voilà serving the whole (copied) notebooks folder, as on Binder; yields its base URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebooks_dir),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.extension_denylist=['jupyterlab-jupytext']",
        "--show_tracebacks=True",
    ]
    log = tmp_path / "voila.log"
    process: ServerProcess = start_process(
        "voila", cmd, server_env(tmp_path / "voila", tmp_path / "voila" / "answers"), notebooks_dir, log
    )
    attach_log(request, "voila log (tail)", lambda: tail(log, 120))
    try:
        wait_until(process, lambda: port_open(port), 30, f"port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


def _next_link(page: Page):
    return page.locator("nav.casekit-navigation a.casekit-next")


def test_next_link_opens_the_next_notebook_in_voila(browser_page: Page, voila_folder: str) -> None:
    """In Voilà, 01_del1's "next" link loads 02_del2 rendered as a page of its own."""
    page = browser_page
    page.goto(f"{voila_folder}/voila/render/01_del1.ipynb", timeout=90_000)
    page.locator("#loading").wait_for(state="hidden", timeout=90_000)
    link = _next_link(page)
    expect(link).to_have_attribute("href", "02_del2.ipynb")
    expect(link).to_contain_text(NEXT_TITLE)
    link.click()
    page.wait_for_url(re.compile(r"/voila/render/02_del2\.ipynb$"), timeout=30_000)
    page.locator("#loading").wait_for(state="hidden", timeout=90_000)
    expect(page.locator("h1", has_text=HEADING).first).to_be_visible()
    expect(page.locator("nav.casekit-navigation a.casekit-prev")).to_have_attribute("href", "01_del1.ipynb")


def test_next_link_opens_the_next_notebook_in_jupyterlab(lab: LabPage) -> None:
    """In JupyterLab, 01_del1's "next" link opens 02_del2 in a tab of the same JupyterLab (no page load)."""
    page = lab.page
    lab.open("01_del1.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    link = _next_link(page)
    expect(link).to_contain_text(NEXT_TITLE)
    page.evaluate("() => { window.__casekitSamePage = true; }")
    link.scroll_into_view_if_needed()
    link.click()
    current = page.locator(".lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel")
    expect(current.filter(has_text="02_del2.ipynb")).to_have_count(1, timeout=30_000)
    expect(page.locator(".jp-MarkdownOutput h1", has_text=HEADING).first).to_be_visible(timeout=30_000)
    assert page.evaluate("() => window.__casekitSamePage === true"), f"the page was reloaded: {page.url}"

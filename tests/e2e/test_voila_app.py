"""The way through the case in the Voilà app, as the README starts it (``voila notebooks/``): every "next"
link from the start notebook to the hand-in opens its notebook, every "previous" link points at the one
before (and the hand-in's is followed back), in Danish and in English, and only the page in view keeps a
kernel. Voilà started on one notebook cannot open another: the page says so instead of linking into "403
Forbidden". In JupyterLab, closing a notebook's tab shuts its kernel down (casekit's settings), as the last
cell of each notebook tells the learner."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t
from casekit.widgets.journey import LEARNER_NOTEBOOKS, notebook_file, title

from .conftest import attach_log
from .screens import kernels, render_url, start_voila_app, wait_rendered
from .support import LabPage, VoilaServer, assert_page_clean, start_voila, tail

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .support import LabServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEXT = "nav.casekit-navigation a.casekit-next"
PREVIOUS = "nav.casekit-navigation a.casekit-prev"


@pytest.fixture(scope="module")
def voila_app(
    notebooks_dir: Path, tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path
) -> Iterator[VoilaServer]:
    server = start_voila_app(notebooks_dir, tmp_path_factory.mktemp("voila-links"))
    yield server
    server.stop()
    (e2e_artifacts / "voila-links.log").write_bytes(server.log_path.read_bytes())


def _path(lang: str, notebook: str) -> str:
    """The notebook's page path under the served folder, in the edition's folder and file name."""
    return f"{'' if lang == 'da' else 'en/'}{notebook_file(notebook, lang)}.ipynb"


def _arrive(page: Page, server: VoilaServer, lang: str, notebook: str) -> None:
    """The page is ``notebook``'s, rendered, with its own title in its progress line or journey. A link's
    page may take as long as the first page (90 s): once in 12 full runs on 2 cores the app's server took
    about 30 s to answer the request a click made (its log: not even the left page's kernel shutdown came
    through meanwhile)."""
    page.wait_for_url(re.compile(re.escape(render_url(server, _path(lang, notebook))) + "$"), timeout=90_000)
    wait_rendered(page)
    assert_page_clean(page, min_widgets=1)


def _only_the_page_in_view_runs(server: VoilaServer, timeout: float = 20.0) -> int:
    """How many kernels run once those of the pages left behind are culled (Voilà's own shutdown when a page
    is left fails, voila-dashboards/voila#1458; the app culls a kernel without a page): the page in view
    keeps its own."""
    deadline = time.monotonic() + timeout
    while (running := kernels(server)) > 1 and time.monotonic() < deadline:
        time.sleep(0.25)
    return running


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_next_and_previous_link_opens_its_notebook(
    request: pytest.FixtureRequest, browser_page: Page, voila_app: VoilaServer, lang: str
):
    """From the start notebook, "next" leads through every notebook to the hand-in, each page rendering
    without an error; on every page both links name the notebook they open and point at the page the walk
    rendered one step before or after (a relative link, resolved as the "next" links are); the hand-in's
    "previous" link is followed back; only the page in view keeps a kernel."""
    attach_log(request, "voila app log (tail)", lambda: tail(voila_app.log_path, 80))
    page = browser_page
    order = list(LEARNER_NOTEBOOKS)
    page.goto(render_url(voila_app, _path(lang, order[0])), timeout=90_000)
    _arrive(page, voila_app, lang, order[0])
    assert not page.locator(PREVIOUS).count()
    for before, there in itertools.pairwise(order):
        link = page.locator(NEXT)
        expect(link).to_have_attribute("href", f"{notebook_file(there, lang)}.ipynb")
        expect(link).to_contain_text(title(there, lang))
        link.click()
        _arrive(page, voila_app, lang, there)
        back = page.locator(PREVIOUS)
        expect(back).to_have_attribute("href", f"{notebook_file(before, lang)}.ipynb")
        expect(back).to_contain_text(title(before, lang))
    assert not page.locator(NEXT).count()
    page.locator(PREVIOUS).click()
    _arrive(page, voila_app, lang, order[-2])
    assert _only_the_page_in_view_runs(voila_app) <= 1, "the kernels of the pages left behind still run"
    note = t("progress.close_tab", lang)
    assert note not in page.locator("nav.casekit-navigation").inner_text()  # no tab to close in the app


def test_voila_on_one_notebook_says_how_to_start_the_app(
    browser_page: Page, notebooks_dir: Path, tmp_path: Path
) -> None:
    """`voila notebooks/00_start.ipynb` serves no other notebook: the journey and the navigation name the
    notebooks without linking them (no link into "403 Forbidden"), and say how to start the app."""
    server = start_voila(notebooks_dir / "00_start.ipynb", tmp_path / "single")
    try:
        browser_page.goto(server.url, timeout=90_000)
        wait_rendered(browser_page)
        assert_page_clean(browser_page, min_widgets=1)
        assert not browser_page.locator("nav.casekit-journey a, nav.casekit-navigation a").count()
        note = t("progress.single_voila", "da", start="00_start.ipynb")
        expect(browser_page.get_by_text(note).first).to_be_visible()
        expect(browser_page.locator("nav.casekit-navigation")).to_contain_text(title("01_del1", "da"))
    finally:
        server.stop()


def test_closing_a_notebook_tab_in_jupyterlab_shuts_its_kernel_down(lab: LabPage) -> None:
    """A learner who follows the last cell's advice and closes a finished notebook's tab frees its kernel."""
    page, server = lab.page, lab.server
    lab.open("04_spoergsmaal.ipynb")
    lab.run_all(timeout=180_000)
    nav = page.locator("nav.casekit-navigation")
    nav.scroll_into_view_if_needed()
    expect(nav).to_contain_text(t("progress.close_tab", "da"))
    assert _kernels_of(server, "04_spoergsmaal.ipynb")
    tab = page.locator(".lm-TabBar-tab", has_text="04_spoergsmaal.ipynb")
    tab.locator(".lm-TabBar-tabCloseIcon").click()
    # The run changed the notebook's outputs, so JupyterLab asks whether to save it; either answer is fine
    # (the answers are in the store), and the learner is told so.
    discard = page.locator(".jp-Dialog .jp-Dialog-button", has_text="Discard")
    discard.click()
    expect(tab).to_have_count(0)
    deadline = time.monotonic() + 20
    while _kernels_of(server, "04_spoergsmaal.ipynb") and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not _kernels_of(server, "04_spoergsmaal.ipynb"), "the closed notebook's kernel is still running"
    assert not server.api("GET", "/api/kernels")


def _kernels_of(server: LabServer, notebook: str) -> list[str]:
    return [s["kernel"]["id"] for s in server.api("GET", "/api/sessions") if s.get("path") == notebook]


def test_the_case_is_english_where_the_english_start_notebook_is(browser_page: Page, voila_app: VoilaServer):
    """The English start notebook's journey links the English notebooks by their own names."""
    browser_page.goto(render_url(voila_app, "en/00_welcome.ipynb"), timeout=90_000)
    wait_rendered(browser_page)
    links = browser_page.locator("nav.casekit-journey a")
    expect(links).to_have_count(len(LEARNER_NOTEBOOKS))
    hrefs = [links.nth(i).get_attribute("href") for i in range(len(LEARNER_NOTEBOOKS))]
    assert hrefs == [f"{notebook_file(n, 'en')}.ipynb" for n in LEARNER_NOTEBOOKS]
    assert casekit.load_case("samskabelse", lang="en").lang == "en"

"""The "next" link at the end of a learner notebook opens the next notebook in JupyterLab (a new tab, by
JupyterLab's own link handler). In the Voilà app every next and previous link is followed by
test_voila_app.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casekit.i18n import t

from .support import LabPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEXT_TITLE = t("progress.title.02_del2", "da")
HEADING = "Del 2: Undervejs i samskabelsesprocessen"  # the <h1> of notebooks/02_del2


def _next_link(page: Page):
    return page.locator("nav.casekit-navigation a.casekit-next")


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

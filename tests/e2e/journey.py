"""What the learner-journey tests share: the answers a learner gives, and where they are given on the page
(JupyterLab and Voilà render the same widget markup; see the selectors in ``support.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casekit.i18n import t

from .support import activity_box, actor_row

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

    import casekit

LANG = "da"
CASE_ID = "samskabelse"
# One stakeholder the learner places on the map: "Magt" 5, "Interesse" 2.
ACTOR_ID, ACTOR_NAME = "majbritt", "Majbritt"
PLACEMENT = {"power": 5, "interest": 2}
# Danish letters, a dash and the characters HTML must escape: the hand-in has to show them as typed.
JUSTIFICATION = 'Børnenes stemme mangler – æøå ÆØÅ & <de unge> "selv"'


def scale_label(n: int) -> str:
    """The option text (and ``<select>`` value) of point ``n`` on the 1–5 scale, e.g. "5 – meget høj"."""
    return t(f"widgets.scale.{n}", LANG)


def map_box(page: Page, case: casekit.Case) -> Locator:
    """The stakeholder-map activity."""
    return activity_box(page, str(case.activity("stakeholder-map")["title"]))


def map_controls(page: Page, case: casekit.Case) -> tuple[Locator, Locator, Locator]:
    """Majbritt's "Magt" and "Interesse" dropdowns (``<select>``) and the map's chart (``<img>``)."""
    box = map_box(page, case)
    row = actor_row(box, ACTOR_NAME)
    power = row.get_by_label(t("widgets.map.power", LANG), exact=True)
    interest = row.get_by_label(t("widgets.map.interest", LANG), exact=True)
    return power, interest, box.locator("figure img").first


def justification_box(page: Page) -> Locator:
    """Dilemma 1's "Begrundelse" ``<textarea>``."""
    box = activity_box(page, t("widgets.dilemma.heading", LANG, n=1))
    return box.get_by_label(t("widgets.dilemma.justification", LANG), exact=True)


def justification(value: Any) -> Any:
    """The justification in a saved dilemma answer (``None`` while there is none)."""
    return value.get("justification") if isinstance(value, dict) else None


def alert_texts(page: Page) -> list[str]:
    """casekit's error lines (``role="alert"``): a save that failed, a store that could not be opened."""
    return page.locator("[role=alert]").all_inner_texts()


def download_button(page: Page, fmt: str, lang: str = LANG) -> Locator:
    """06_aflevering's button that downloads ``fmt`` (``html``, ``json``, ``markdown``), by its name."""
    return page.get_by_role("button", name=t(f"answers.download.{fmt}", lang), exact=True)


def download(page: Page, button: Locator, folder: Path) -> str:
    """Click a download button as a learner does (the file is made then, casekit/widgets/download.py);
    returns the downloaded file's text (UTF-8)."""
    with page.expect_download() as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_text(encoding="utf-8")

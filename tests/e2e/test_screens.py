"""Every learner notebook as a new learner sees it, at 1366×768 (a laptop) and 1920×1080 (a projector): in
JupyterLab with the file browser open beside the notebook, and in the Voilà app (``voila notebooks/``), in
Danish and in English. On each page: no label cut with "…", no control past the right edge of its output,
no ``title="null"``, no internal value in the text a person reads (an answer key such as ``own-1``, a round's
folder name, an option or level id), and axe-core finds no critical or serious violation in casekit's
outputs. The learner's store holds an own stakeholder, a chosen option, a plan and cited paragraphs, so that
the share preview and the plan have every kind of name to show; a class folder has the round "før" open.

With ``CASEKIT_E2E_SCREENS=1`` (``make screens``) every page is also saved as screenshots at both sizes, for a
person to look at (``CASEKIT_E2E_ARTIFACTS``/screens).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

import casekit
from casekit import classroom
from casekit.i18n import t
from casekit.widgets.journey import LEARNER_NOTEBOOKS, notebook_file

from .screens import (
    OWN_NAME,
    ROUND_NAME,
    SIZES,
    measure,
    render_url,
    scroll_through,
    seed_answers,
    start_voila_app,
    wait_rendered,
)
from .support import (
    VOILA_TEMPLATE_GAPS,
    Axe,
    LabPage,
    LabServer,
    VoilaServer,
    assert_page_clean,
    safe_name,
    save_screenshot,
    screens_wanted,
    wait_for_answer,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DANISH = [f"{n}.ipynb" for n in LEARNER_NOTEBOOKS]
ENGLISH = [f"en/{notebook_file(n, 'en')}.ipynb" for n in LEARNER_NOTEBOOKS]
# The instructor's notebooks: the theory and the frameworks as tables, the class's view of the class folder.
INSTRUCTOR = [
    "instructor/00_undervisning.ipynb",
    f"en/{notebook_file('instructor/00_undervisning', 'en')}.ipynb",
]
NOTEBOOK_SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A class folder with the round "før" open, named by CASEKIT_CLASS for the servers started here."""
    folder = tmp_path_factory.mktemp("class") / "holdet"
    folder.mkdir()
    classroom.open_round(folder, ROUND_NAME)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(classroom.CLASS_ENV, str(folder))
        yield folder


@pytest.fixture(scope="module")
def screens_lab(lab_server_factory: Callable[[Path], LabServer], notebooks_dir: Path, class_folder: Path):
    """A JupyterLab of its own, whose kernels see the class folder."""
    return lab_server_factory(notebooks_dir)


@pytest.fixture(scope="module")
def voila_app(
    notebooks_dir: Path, class_folder: Path, tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path
) -> Iterator[VoilaServer]:
    """The Voilà app on the whole (copied) notebooks folder, with the learner's answers seeded."""
    server = start_voila_app(notebooks_dir, tmp_path_factory.mktemp("voila-app"))
    seed_answers(server.answers_dir, casekit.load_case("samskabelse", lang="da"))
    yield server
    server.stop()
    (e2e_artifacts / "voila-app.log").write_bytes(server.log_path.read_bytes())


def check_sizes(page: Page, axe: Axe, scope: str, lang: str, name: str, artifacts: Path) -> None:
    """At each size: the measurements and axe on casekit's outputs; with ``CASEKIT_E2E_SCREENS=1`` also
    screenshots of the page as the learner scrolls through it (JupyterLab: the window, step by step, file
    browser and all; Voilà: the whole page)."""
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # the layout settles (JupyterLab resizes its panels)
        layout = measure(page, scope)
        assert layout.outputs and layout.controls, f"{name} at {size}: nothing measured"
        problems = layout.problems(lang)
        assert not problems, f"{name} at {size}:\n" + "\n".join(problems)
        axe.assert_no_serious(page, context={"include": [f"{scope} .jp-OutputArea"]})
        if not screens_wanted():
            continue
        shots = artifacts / "screens"
        shots.mkdir(exist_ok=True)
        if scope == ".jp-Notebook":
            for n, _top in enumerate(scroll_through(page, NOTEBOOK_SCROLLER)):
                page.screenshot(path=str(shots / f"{safe_name(name)}-{size}-{n:02d}.png"))
        else:
            save_screenshot(page, shots, f"{name}-{size}")
            page.set_viewport_size(viewport)


@pytest.mark.parametrize("name", [*DANISH, INSTRUCTOR[0]])
def test_a_learner_notebook_in_jupyterlab_with_the_file_browser_open(
    browser_page: Page, screens_lab: LabServer, axe: Axe, e2e_artifacts: Path, name: str
) -> None:
    """Run all in JupyterLab with the file browser open; at both sizes every label reads in full."""
    screens_lab.clear_answers()
    seed_answers(screens_lab.answers_dir, casekit.load_case("samskabelse", lang="da"))
    lab = LabPage(browser_page, screens_lab)
    browser_page.set_viewport_size(SIZES["1366x768"])
    lab.open(name)
    if not browser_page.locator("#filebrowser").is_visible():
        browser_page.locator('.jp-SideBar [data-id="filebrowser"]').first.click()
    expect(browser_page.locator("#filebrowser")).to_be_visible()
    try:
        lab.run_all(timeout=180_000)
        lab.assert_clean(min_widgets=1)
        check_sizes(browser_page, axe, ".jp-Notebook", "da", f"lab-{name}", e2e_artifacts)
    finally:
        screens_lab.shutdown_kernels()


@pytest.mark.parametrize("name", DANISH + ENGLISH + INSTRUCTOR)
def test_a_learner_notebook_in_the_voila_app(
    browser_page: Page, voila_app: VoilaServer, axe: Axe, e2e_artifacts: Path, name: str
) -> None:
    """The same page in the Voilà app, Danish and English (and the instructor's notebook, its theory and
    frameworks tables): no error output, every widget rendered, axe on the whole page (Voilà's template
    too) with no critical or serious violation; at both sizes every label and every cell reads in full."""
    lang = "en" if name.startswith("en/") else "da"
    browser_page.set_viewport_size(SIZES["1366x768"])
    browser_page.goto(render_url(voila_app, name), timeout=90_000)
    wait_rendered(browser_page)
    assert_page_clean(browser_page, min_widgets=1)
    axe.assert_no_serious(browser_page, ignore_targets=VOILA_TEMPLATE_GAPS)
    check_sizes(browser_page, axe, "body", lang, f"voila-{name}", e2e_artifacts)


# -- what the measurements cannot see: words, names and controls a learner uses ----------------------------
def _open(page: Page, server: VoilaServer, name: str) -> None:
    page.set_viewport_size(SIZES["1366x768"])
    page.goto(render_url(server, name), timeout=90_000)
    wait_rendered(page)
    assert_page_clean(page, min_widgets=1)


def test_the_share_preview_and_status_read_in_the_cases_names(
    browser_page: Page, voila_app: VoilaServer
) -> None:
    """01_del1's share preview names the learner's own stakeholder and the chosen option in words; sharing
    says the round as the instructor named it ("før"), not its folder ("foer")."""
    case = casekit.load_case("samskabelse", lang="da")
    _open(browser_page, voila_app, "01_del1.ipynb")
    preview = browser_page.locator(
        "table", has=browser_page.locator("caption", has_text=t("share.preview", "da"))
    )
    expect(preview).to_contain_text(t("map.own.marker", "da", name=OWN_NAME))
    expect(preview).to_contain_text(case.activity("decision-point")["options"]["interesser"])
    browser_page.get_by_role("button", name=t("share.button", "da")).first.click()
    status = browser_page.get_by_text(t("share.done", "da", round=ROUND_NAME, time="")[:30]).first
    expect(status).to_be_visible(timeout=15_000)
    assert "foer" not in status.inner_text()


def test_paragraphs_are_ticked_with_the_keyboard(browser_page: Page, voila_app: VoilaServer) -> None:
    """03_etik: Tab reaches a paragraph's checkbox, named by its reference; Space ticks it; it is saved."""
    case = casekit.load_case("samskabelse", lang="da")
    _open(browser_page, voila_app, "03_etik.ipynb")
    label = f"{case.cite('del-2 ¶2')}: "
    box = browser_page.get_by_role("checkbox", name=label).first
    before = browser_page.get_by_label(t("widgets.dilemma.justification", "da"), exact=True).first
    before.focus()
    for _ in range(12):  # past the justification and the paragraphs before it: each box is one tab stop
        browser_page.keyboard.press("Tab")
        if box.evaluate("(el) => el === document.activeElement"):
            break
    expect(box).to_be_focused()
    browser_page.keyboard.press("Space")
    expect(box).to_be_checked()
    wait_for_answer(
        voila_app.answers_dir, "dilemma-1", lambda v: "del-2 ¶2" in (v or {}).get("paragraphs", [])
    )


def test_the_participation_plan_has_the_learners_own_stakeholder(
    browser_page: Page, voila_app: VoilaServer
) -> None:
    """05_forslag's plan offers the stakeholder the learner added on the map, by name, with its level."""
    _open(browser_page, voila_app, "05_forslag.ipynb")
    control = browser_page.get_by_label(t("map.own.marker", "da", name=OWN_NAME), exact=True)
    expect(control).to_have_count(1)
    levels = casekit.load_case("samskabelse", lang="da").activity("proposal")["levels"]
    expect(control).to_have_value(levels["empower"])  # ipywidgets' <option> values are their labels


def test_the_upload_button_says_what_it_does(
    browser_page: Page, voila_app: VoilaServer, tmp_path: Path
) -> None:
    """06_aflevering: the upload reads "Indlæs …" (the download is "Hent …"), with no "(0)"; a file chosen is
    imported and the status says so."""
    _open(browser_page, voila_app, "06_aflevering.ipynb")
    button = browser_page.get_by_role("button", name=t("answers.upload.description", "da"), exact=True)
    expect(button).to_have_text(t("answers.upload.description", "da"))
    from casekit.answers import AnswerStore

    case = casekit.load_case("samskabelse", lang="da")
    with AnswerStore.open(tmp_path / "other", case=case) as other:
        other.save("etik-2", "Skrevet i en anden session")
        exported = other.export(tmp_path / "svar.json")
    browser_page.locator("input[type=file]").set_input_files(str(exported))
    expect(browser_page.get_by_text(t("import.success", "da", added=1, name="svar.json"))).to_be_visible(
        timeout=15_000
    )
    wait_for_answer(voila_app.answers_dir, "etik-2", lambda v: v == "Skrevet i en anden session")


def test_the_goal_dropdowns_are_named_by_person(browser_page: Page, voila_app: VoilaServer) -> None:
    """02_del2: a screen reader hears "Placering: Kim", "Placering: Sanne"…, each name once, not five times
    "Placering"."""
    _open(browser_page, voila_app, "02_del2.ipynb")
    case = casekit.load_case("samskabelse", lang="da")
    for actor in (a for a in case.actors if a.speaks):
        name = t("widgets.goals.position", "da", name=actor.name)
        expect(browser_page.get_by_role("combobox", name=name, exact=True)).to_have_count(1)
    assert not browser_page.get_by_role(
        "combobox", name=t("widgets.goals.position", "da", name=""), exact=True
    ).count()

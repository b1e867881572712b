"""Progress at the top of each learner notebook, the journey in 00_start, and the links to the next and the
previous notebook: counted from the answer registry, named for screen readers, in the case's language."""

from __future__ import annotations

import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import casekit
from casekit import registry, widgets
from casekit.answers import AnswerStore
from casekit.i18n import catalog, t
from casekit.widgets import live
from casekit.widgets.journey import (
    JUPYTERLAB,
    LEARNER_NOTEBOOKS,
    PROGRESS_DELAY,
    VOILA,
    VOILA_SINGLE,
    answer_keys_of,
    front_end,
    journey_html,
    navigation_html,
    notebook_file,
)

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PER_NOTEBOOK = {
    "00_start": 0,
    "01_del1": 2,
    "02_del2": 1,
    "03_etik": 3,
    "04_spoergsmaal": 10,
    "05_forslag": 4,
    "06_aflevering": 0,
}


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each ``<a>``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._link: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._link, self._text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link, "".join(self._text)))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def _bar(html: str) -> dict[str, str | None]:
    bars = [attrs for tag, attrs in _parse(html).tags if tag == "progress"]
    assert len(bars) == 1, html
    return bars[0]


def _text(html: str) -> str:
    """What a page shows of ``html``: its text, character references read."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_learner_notebooks_are_the_journey():
    """The journey's notebooks are exactly the learner notebooks in notebooks/, Danish and English (the
    English ones under names of their own, in the same order)."""
    assert sorted(LEARNER_NOTEBOOKS) == list(LEARNER_NOTEBOOKS)
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} == set(LEARNER_NOTEBOOKS)
    english = [notebook_file(n, "en") for n in LEARNER_NOTEBOOKS]
    assert sorted(p.stem for p in (NOTEBOOKS / "en").glob("*.ipynb")) == english
    assert not set(english) & set(LEARNER_NOTEBOOKS)


def test_every_answer_belongs_to_a_learner_notebook(case):
    """Every answer key the registry knows is given in one of the journey's notebooks."""
    keys = [k for n in LEARNER_NOTEBOOKS for k in answer_keys_of(case, n)]
    assert keys == registry.answer_keys(case)


@pytest.mark.parametrize(("notebook", "total"), PER_NOTEBOOK.items())
def test_an_empty_store_counts_nothing_answered(case, store, notebook: str, total: int):
    """With no answers, every notebook shows 0 of its own tasks (the whole case's where it has none)."""
    view = widgets.progress(case, store, notebook=notebook)
    expected = total or len(registry.answer_keys(case))
    assert _bar(view.view.value)["value"] == "0" and _bar(view.view.value)["max"] == str(expected)
    scope = "notebook" if total else "case"
    assert t(f"progress.{scope}", "da", answered=0, total=expected) in view.view.value


def test_answers_are_counted_as_the_hand_in_counts_them(case, store):
    """A placement (both axes) counts in 01_del1; half a placement, a decision without a choice or text,
    and blank text do not (registry.is_answered, as the class report counts)."""
    store.save(registry.STAKEHOLDER_MAP, {"kim": {"power": 4, "interest": None}})
    assert _bar(widgets.progress(case, store, notebook="01_del1").view.value)["value"] == "0"
    store.save(registry.STAKEHOLDER_MAP, {"kim": {"power": 4, "interest": 2}, "sanne": {"power": 3}})
    store.save(registry.DECISION_POINT, {"choice": None, "justification": "  "})
    store.save("proposal.minutes", "Referat")
    store.save("proposal.overlap", "   ")
    assert _bar(widgets.progress(case, store, notebook="01_del1").view.value)["value"] == "1"
    assert _bar(widgets.progress(case, store, notebook="05_forslag").view.value)["value"] == "1"
    assert _bar(widgets.progress(case, store, notebook="00_start").view.value)["value"] == "2"
    view = widgets.progress(case, store, notebook="01_del1")
    assert "1 af 2" in view.view.value
    store.save(registry.DECISION_POINT, {"choice": None, "justification": "Fordi casen siger det"})
    assert "1 af 2" in view.view.value, "the line counts when it is built, and when asked to count again"
    view.button.click()
    assert _bar(view.view.value) == {**_bar(view.view.value), "value": "2", "max": "2"}
    assert "2 af 2" in _text(view.view.value)


def test_the_line_counts_again_after_a_save_on_the_page(case, store):
    """An answer saved by an activity on the page is counted a moment later, without "Tæl igen"; a burst
    of keystrokes makes one count."""
    view = widgets.progress(case, store, notebook="04_spoergsmaal")
    counts: list[str] = []
    view.view.observe(lambda change: counts.append(_bar(change["new"])["value"]), names="value")
    box = widgets.questions(case, store).inputs["organisering-1"]
    for typed in ("S", "Sv", "Sva", "Svar"):  # every keystroke is a save
        box.value = typed
    deadline = time.monotonic() + 5
    while _bar(view.view.value)["value"] != "1" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _bar(view.view.value)["value"] == "1"
    assert t("progress.notebook", "da", answered=1, total=10) in _text(view.view.value)
    time.sleep(PROGRESS_DELAY * 2)
    assert counts == ["1"]  # one count for the burst


def test_the_line_catches_up_with_another_notebook_when_the_hand_in_is_looked_at(case, store):
    """A save in another notebook (another kernel) reaches no follower here; when the hand-in's downloads
    come into view (live.looked), the line counts it."""
    view = widgets.progress(case, store, notebook="06_aflevering")
    with AnswerStore.open(store.path, case=case) as other_kernel:
        other_kernel.save("etik-1", "svar fra 03")
    assert _bar(view.view.value)["value"] == "0"
    live.looked(store)
    assert _bar(view.view.value)["value"] == "1"


def test_the_bar_has_an_accessible_name_and_values(case, store):
    """The bar is a <progress> (role progressbar) named by aria-label, with value and max, beside the
    visible text; the button that counts again has a visible name."""
    store.save(registry.GOAL_DIVERGENCE, {"kim": 2})
    view = widgets.progress(case, store, notebook="02_del2")
    bar = _bar(view.view.value)
    assert bar["aria-label"] == t("progress.label.notebook", "da")
    assert (bar["value"], bar["max"]) == ("1", "1")
    assert "Du har besvaret 1 af 1 opgaver i denne notebook." in _text(view.view.value)
    assert view.button.description == t("progress.refresh", "da")


def test_without_a_store_progress_shows_nothing_answered(case):
    """A notebook whose store could not be opened still shows its progress line, at 0."""
    assert _bar(widgets.progress(case, None, notebook="03_etik").view.value)["value"] == "0"


def test_the_journey_lists_every_notebook_with_its_link_and_count(case, store):
    """00_start lists every learner notebook in order, its title as a relative link, and what is done."""
    store.save(registry.DILEMMAS[0], {"position": 2})
    html = widgets.journey(case, store).data
    links = _parse(html).links
    assert [attrs["href"] for attrs, _ in links] == [f"{n}.ipynb" for n in LEARNER_NOTEBOOKS]
    assert [text for _, text in links] == [t(f"progress.title.{n}", "da") for n in LEARNER_NOTEBOOKS]
    assert [attrs.get("aria-current") for attrs, _ in links] == ["page"] + [None] * 6
    shown = _text(html)
    assert "De tre etiske dilemmaer – 1 af 3 besvaret" in shown
    assert "Refleksionsspørgsmålene – 0 af 10 besvaret" in shown
    nav = [attrs for tag, attrs in _parse(html).tags if tag == "nav"]
    assert nav == [{"aria-label": t("progress.journey.label", "da"), "class": "casekit-journey"}]


def test_the_journey_marks_a_notebook_whose_answers_are_all_given(case, store):
    """A notebook with every answer given says so."""
    store.save(registry.GOAL_DIVERGENCE, {"kim": 2})
    assert "Del 2: Undervejs i samskabelsesprocessen – ✓ alle 1 besvaret" in _text(
        widgets.journey(case, store).data
    )


def _navigation(case: casekit.Case, notebook: str) -> dict[str, tuple[str, str]]:
    return {
        str(attrs["rel"]): (str(attrs["href"]), text)
        for attrs, text in _parse(widgets.navigation(case, notebook=notebook).data).links
    }


@pytest.mark.parametrize("notebook", LEARNER_NOTEBOOKS)
def test_navigation_links_the_previous_and_the_next_notebook(case, notebook: str):
    """Each notebook links to the one before and after it; none before 00_start, none after 06_aflevering."""
    order = LEARNER_NOTEBOOKS
    at = order.index(notebook)
    links = _navigation(case, notebook)
    expected: dict[str, Any] = {}
    if at > 0:
        expected["prev"] = (
            f"{order[at - 1]}.ipynb",
            t("progress.previous", "da", title=t(f"progress.title.{order[at - 1]}", "da")),
        )
    if at + 1 < len(order):
        expected["next"] = (
            f"{order[at + 1]}.ipynb",
            t("progress.next", "da", title=t(f"progress.title.{order[at + 1]}", "da")),
        )
    assert links == expected


def test_navigation_of_an_unknown_notebook_links_nowhere(case):
    """A notebook that is not on the journey gets no links (and no error)."""
    assert _navigation(case, "99_andet") == {}


def test_an_english_case_gets_english_words(tmp_path: Path):
    """Progress, journey and navigation follow case.lang: the English catalog's words, no Danish ones."""
    case = casekit.load_case("samskabelse", lang="en")
    with AnswerStore.open(tmp_path / "answers", case=case) as store:
        store.save(registry.STAKEHOLDER_MAP, {"kim": {"power": 4, "interest": 2}})
        progress = widgets.progress(case, store, notebook="01_del1")
        journey = widgets.journey(case, store).data
    navigation = widgets.navigation(case, notebook="01_del1").data
    assert "You have answered 1 of 2 tasks in this notebook." in _text(progress.view.value)
    assert _bar(progress.view.value)["aria-label"] == "Answered in this notebook"
    assert progress.button.description == t("progress.refresh", "en") != t("progress.refresh", "da")
    assert "Part 1: Planning co-creation – 1 of 2 answered" in _text(journey)
    assert _navigation(case, "01_del1")["next"] == (
        "02_part2.ipynb",
        "Next: Part 2: In the course of the co-creation process →",
    )
    assert [attrs["href"] for attrs, _ in _parse(journey).links][:2] == ["00_welcome.ipynb", "01_part1.ipynb"]
    for html in (progress.view.value, journey, navigation):
        for word in ("besvaret", "Forrige", "Næste", "opgaver"):
            assert word not in html, (word, html)


def test_the_catalogs_have_the_same_progress_keys():
    """Every progress word exists in Danish and in English, and every learner notebook has a title."""
    danish = {k for k in catalog("da") if k.startswith("progress.")}
    assert danish == {k for k in catalog("en") if k.startswith("progress.")}
    assert {f"progress.title.{n}" for n in LEARNER_NOTEBOOKS} <= danish


# -- where the notebook is shown: JupyterLab, Voilà serving the folder, Voilà serving one notebook ----------
VOILA_VERSION = "voila/0.5.13"


@pytest.mark.parametrize(
    ("environ", "where"),
    [
        ({}, JUPYTERLAB),
        ({"SERVER_SOFTWARE": "TornadoServer/6.4"}, JUPYTERLAB),
        ({"SERVER_SOFTWARE": VOILA_VERSION, "SCRIPT_NAME": "/voila/render/01_del1.ipynb"}, VOILA),
        (
            {"SERVER_SOFTWARE": VOILA_VERSION, "SCRIPT_NAME": "/user/x/voila/render/notebooks/01_del1.ipynb"},
            VOILA,
        ),
        ({"SERVER_SOFTWARE": VOILA_VERSION, "SCRIPT_NAME": "/"}, VOILA_SINGLE),
    ],
)
def test_front_end_is_what_voila_tells_its_kernel(environ: dict[str, str], where: str):
    """Voilà names itself in SERVER_SOFTWARE and the page in SCRIPT_NAME: a folder's notebooks render under
    /voila/render/ (on a laptop with `voila notebooks/`, and on Binder), one notebook alone at the root."""
    assert front_end(environ) == where


def test_in_jupyterlab_the_last_cell_says_to_close_the_tab(case):
    """In JupyterLab each open notebook keeps a kernel: the navigation says to close a finished one's tab
    (its kernel shuts down with it), and that the answers are saved; 06_aflevering too, 00_start too."""
    for notebook in ("00_start", "03_etik", "06_aflevering"):
        html = navigation_html(case, notebook, where=JUPYTERLAB)
        assert t("progress.close_tab", "da") in _text(html)
        assert len(_parse(html).links) == (1 if notebook in ("00_start", "06_aflevering") else 2)


def test_in_the_voila_app_the_links_work_and_there_is_no_tab_to_close(case):
    """Voilà serving the folder: the same relative links, and no word about tabs (the page's kernel stops
    when the learner leaves it)."""
    html = navigation_html(case, "03_etik", where=VOILA)
    assert [a["href"] for a, _ in _parse(html).links] == ["02_del2.ipynb", "04_spoergsmaal.ipynb"]
    assert t("progress.close_tab", "da") not in _text(html)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_voila_on_one_notebook_shows_the_way_as_text_and_says_how_to_start_the_app(lang: str):
    """`voila notebooks/00_start.ipynb` serves no other notebook (a link would end in 403 Forbidden): the
    journey and the navigation name the notebooks without linking them, and say to start Voilà on the
    folder and open the edition's start notebook."""
    case = casekit.load_case("samskabelse", lang=lang)
    start = "00_start.ipynb" if lang == "da" else "en/00_welcome.ipynb"
    note = t("progress.single_voila", lang, start=start)
    navigation = navigation_html(case, "01_del1", where=VOILA_SINGLE)
    journey = journey_html(case, None, where=VOILA_SINGLE)
    for html in (navigation, journey):
        assert not _parse(html).links, html
        assert note in _text(html) and "voila notebooks/" in note
    next_title = t("progress.title.02_del2", lang)
    assert t("progress.next", lang, title=next_title) in _text(navigation)
    assert all(t(f"progress.title.{n}", lang) in _text(journey) for n in LEARNER_NOTEBOOKS)

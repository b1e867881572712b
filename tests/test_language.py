"""Choosing the language: Danish by default, English by CASEKIT_LANG, by the learner's choice in 00_start
or by --lang; a learner who switches language keeps every answer; the English edition explains its Danish
terms where they appear."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import casekit
from casekit import i18n, preferences, widgets
from casekit.answers import AnswerStore
from casekit.handout import handout_html

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def case_en():
    """The English edition of the case."""
    return casekit.load_case("samskabelse", lang="en")


class TestChoosing:
    """Where the language comes from, in order: asked for, chosen by the learner, CASEKIT_LANG, Danish."""

    def test_danish_by_default(self, monkeypatch):
        """With nothing chosen the case is Danish, exactly as before."""
        monkeypatch.delenv(i18n.LANG_ENV, raising=False)
        assert casekit.load_case().lang == "da"

    def test_casekit_lang_sets_the_default(self, monkeypatch):
        """CASEKIT_LANG=en makes English the default of load_case."""
        monkeypatch.setenv(i18n.LANG_ENV, "en")
        assert casekit.load_case().lang == "en"
        assert casekit.load_case(lang="da").lang == "da"

    def test_the_learners_choice_is_followed_by_start(self, answers_dir, monkeypatch, capsys):
        """Choosing English in 00_start's control makes widgets.start() open the English edition."""
        monkeypatch.delenv(i18n.LANG_ENV, raising=False)
        control = widgets.language()
        choice, note, _style = control.children
        assert choice.value == "da"
        choice.value = "en"
        assert preferences.chosen_lang() == "en"
        assert "English" in note.value and "en/" in note.value
        case, store = widgets.start()
        assert case.lang == "en" and store is not None
        assert widgets.start(lang="da")[0].lang == "da"  # an explicit language wins

    def test_a_damaged_preferences_file_is_ignored(self, answers_dir):
        """A preferences file that is not ours is not trusted: no choice, and it can be chosen again."""
        preferences.preferences_path().write_text("[1, 2", encoding="utf-8")
        assert preferences.chosen_lang() is None
        preferences.preferences_path().write_text('{"lang": "fr"}', encoding="utf-8")
        assert preferences.chosen_lang() is None
        preferences.choose_lang("en")
        assert preferences.chosen_lang() == "en"

    @pytest.mark.parametrize(
        ("env", "flag", "expected"), [("en", [], "en"), ("en", ["--lang", "da"], "da"), ("", [], "da")]
    )
    def test_every_command_that_writes_a_document_follows(self, tmp_path, env, flag, expected):
        """casekit handout and casekit rolecards write in $CASEKIT_LANG unless --lang says otherwise."""
        for command in ("handout", "rolecards"):
            out = tmp_path / f"{command}-{expected}.html"
            result = subprocess.run(
                [sys.executable, "-m", "casekit.cli", command, *flag, "-o", str(out)],
                env={**os.environ, i18n.LANG_ENV: env},
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stderr
            assert f'<html lang="{expected}"' in out.read_text(encoding="utf-8")


class TestOneStoreBothLanguages:
    """The editions share every id, so a learner who switches language keeps every answer."""

    def test_answers_given_in_danish_show_in_english(self, tmp_path, case, case_en):
        """A placement and a text saved with the Danish edition are restored by the English activities."""
        with AnswerStore.open(tmp_path / "answers", case=case) as store:
            store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
            store.save("organisering-1", "Mit svar")
        with AnswerStore.open(tmp_path / "answers", case=case_en) as store:
            grid = widgets.stakeholder_map(case_en, store).inputs["grid"]
            assert grid.placements["kim"] == {"power": 4, "interest": 5}
            assert widgets.questions(case_en, store).inputs["organisering-1"].value == "Mit svar"
            assert "Mit svar" in store.export(tmp_path / "x.html", "html", case=case_en).read_text(
                encoding="utf-8"
            )


class TestGlossary:
    """The English edition explains its Danish terms where they first appear, and in the handout."""

    def test_reading_view_explains_the_terms_of_that_part(self, case_en):
        """Part 1 in English lists the glossary terms it uses, each with its Danish word."""
        shown = html.unescape(re.sub(r"<[^>]+>", "", widgets.read(case_en, 1).data))
        glossary = case_en.meta["glossary"]
        used = [e for e in glossary if e["english"].casefold() in case_en.part(1).text.casefold()]
        assert used, "part 1 uses no glossary term"
        for entry in used:
            assert f"{entry['english']}" in shown and f"({entry['term']})" in shown

    def test_handout_has_a_glossary_page(self, case_en, case):
        """The English handout ends its main part with every glossary entry; the Danish one has none."""
        page = html.unescape(handout_html(case_en))
        assert "Glossary" in page
        assert all(e["explanation"] in page for e in case_en.meta["glossary"])
        assert "casekit-glossary" not in handout_html(case)

    def test_danish_edition_has_no_glossary(self, case):
        """The Danish text needs no glossary: the reading view is as it was."""
        assert "casekit-glossary" not in widgets.read(case, 1).data


def test_the_translation_says_it_is_one(case_en, case):
    """The English case display and handout carry the translator's note under the attribution."""
    note = case_en.meta["translation"]["note"]
    assert note in html.unescape(handout_html(case_en))
    assert note in html.unescape(case_en._repr_html_())
    assert "casekit-translation" not in handout_html(case)


def test_role_cards_and_class_report_in_english(case_en, tmp_path):
    """The role cards and the class report come out in English when the English edition is asked for."""
    from casekit import classroom, teaching

    cards = teaching.rolecards_html(case_en)
    assert '<html lang="en"' in cards and "empty chair" in html.unescape(cards).lower()
    folder = tmp_path / "class"
    folder.mkdir()
    with AnswerStore.open(tmp_path / "a", case=case_en) as store:
        store.save("goal-divergence", {"kim": 2})
        classroom.share(store, folder, case=case_en)
    report = classroom.render_report(classroom.summarize(folder, case=case_en, lang="en"))
    assert '<html lang="en"' in report and "Studerende" not in report


def test_english_notebooks_share_the_answer_folder(tmp_path, monkeypatch):
    """A kernel in notebooks/en/ keeps its answers in notebooks/answers/, beside the Danish ones."""
    from casekit.answers import default_answers_dir

    monkeypatch.delenv("CASEKIT_ANSWERS", raising=False)
    notebooks = tmp_path / "notebooks"
    (notebooks / "en").mkdir(parents=True)
    (notebooks / "00_start.ipynb").write_text("{}", encoding="utf-8")
    assert default_answers_dir(notebooks / "en") == notebooks / "answers"
    assert default_answers_dir(notebooks) == notebooks / "answers"

"""A case, a part and a section render as readable, escaped rich output in a notebook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import casekit

MINI = Path(__file__).with_name("data") / "mini"


class TestRichDisplay:
    """Notebook renderings label each utterance with its speaker and escape everything from the data."""

    def test_section_html_labels_speakers_and_escapes(self):
        html = casekit.load_case_dir(MINI).part(1)._repr_html_()
        assert "<strong>Ada:</strong> ”Hej &amp; &lt;b&gt;velkommen&lt;/b&gt;”" in html
        assert "<b>velkommen" not in html
        assert 'data-speaker="bo"' in html
        assert 'lang="da"' in html

    def test_paragraph_numbers_for_citing(self):
        """Each paragraph shows its number, with the reference as the edition cites it as its title."""
        case = casekit.load_case_dir(MINI)
        html = case.part(1)._repr_html_()
        assert f'title="{case.cite("del-1 ¶1")}"' in html and "¶2" in html
        assert "del-1" not in html.replace('id="del-1', "")  # the id is an anchor, never read

    def test_a_reference_is_cited_in_the_editions_words(self, case):
        """ "del-1 ¶3" (the stored reference) reads "Del 1 ¶3" in Danish and "Part 1 ¶3" in English; a
        section that is not a part is cited by its heading; an unknown reference is shown as it is."""
        english = casekit.load_case("samskabelse", lang="en")
        assert case.cite("del-1 ¶3") == "Del 1 ¶3" and english.cite("del-1 ¶3") == "Part 1 ¶3"
        epilogue = english.section("efterspil")
        assert english.cite("efterspil ¶1") == f"{epilogue.heading} ¶1"
        assert case.cite("del-9 ¶1") == "del-9 ¶1" and case.cite("del-1") == "del-1"

    def test_joining_punctuation_is_dropped_in_the_dialogue_view(self):
        html = casekit.load_case_dir(MINI).part(1)._repr_html_()
        assert "<p>men så afbryder Bo:</p>" in html
        assert "<p>.</p>" not in html

    def test_case_html_has_title_attribution_and_questions(self):
        html = casekit.load_case_dir(MINI)._repr_html_()
        assert "Minicasen" in html and "Gengivet fra test.example." in html
        assert "Hvorfor &lt;script&gt;?" in html and "<script" not in html

    def test_markdown_escapes_and_labels(self):
        case = casekit.load_case_dir(MINI)
        md = case.part(1)._repr_markdown_()
        assert "> **Ada:** ”Hej &amp; &lt;b&gt;velkommen&lt;/b&gt;”" in md
        assert case._repr_markdown_().startswith("# Minicasen")

    def test_real_case_renders_all_sixteen_quotes(self):
        html = casekit.load_case()._repr_html_()
        assert html.count('class="casekit-utterance"') == 16

    def test_paragraph_text_by_reference(self):
        case = casekit.load_case_dir(MINI)
        assert case.paragraph_text("del-1 ¶2") == "Andet afsnit."


def test_import_is_light():
    """`import casekit` and loading a case import neither matplotlib nor ipywidgets (nor pandas), nor the
    answer store, the hand-in or Jinja2: a notebook's first cell waits for none of them."""
    heavy = ("matplotlib", "ipywidgets", "pandas", "casekit.answers", "casekit.export", "jinja2", "sqlite3")
    check = f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    code = f"import sys, casekit; casekit.load_case(); {check}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_names_of_the_package():
    """The names ``casekit`` imports on first use are there all the same, and listed by dir()."""
    import casekit.answers
    import casekit.figure

    assert casekit.AnswerStore is casekit.answers.AnswerStore
    assert casekit.Revision is casekit.answers.Revision
    assert casekit.ExportFigure is casekit.figure.ExportFigure
    assert {"AnswerStore", "Revision", "ExportFigure"} <= set(dir(casekit))
    with pytest.raises(AttributeError):
        casekit.no_such_name  # noqa: B018


class TestLookups:
    """A look-up of an id the case does not have raises a CasekitError (also a KeyError) naming it."""

    @pytest.mark.parametrize(
        ("lookup", "arg"),
        [("actor", "nobody"), ("part", 3), ("section", "del-9"), ("question", "x-1"), ("block", "del-1.9.9")],
    )
    def test_unknown_ids(self, case, lookup, arg):
        """Each look-up names the missing id, and can be caught as casekit's error or as a KeyError."""
        with pytest.raises(casekit.CasekitError) as info:
            getattr(case, lookup)(arg)
        assert isinstance(info.value, KeyError)
        assert str(arg) in str(info.value) and not str(info.value).startswith("'")

"""The templates' filters (casekit._filters): the one Markdown escape, a learner's text for Markdown, one
line of text, a table cell."""

from __future__ import annotations

from casekit import _filters, _html


class TestMarkdown:
    """No tag gets through any Markdown casekit writes, and Markdown's markers stay text."""

    def test_one_escape_for_the_case_text_and_the_hand_in(self):
        """The case text's escape (_html.md_escape, the `esc` macro) and the hand-in's (`md`) are one."""
        text = "a & b <i>x</i> *y* _z_ [l](u) # | \\ `c`"
        assert _html.md_escape(text) == _filters.md_escape(text)
        assert _filters.md_escape("a & b <i>") == "a &amp; b &lt;i&gt;"
        assert _filters.md_escape("*y* #1 | x") == "\\*y\\* \\#1 \\| x"

    def test_a_learner_s_text_is_kept_but_for_tags(self):
        assert _filters.md_text("Svar *med* vægt <script>") == "Svar *med* vægt &lt;script>"

    def test_one_line_and_a_table_cell(self):
        assert _filters.one_line("to\n  linjer\tog  mere") == "to linjer og mere"
        assert _filters.md_cell("a | b\nc") == "a \\| b c"

    def test_the_templates_have_every_filter(self):
        from casekit import _templates

        assert set(_filters.FILTERS) <= set(_templates.environment().filters)

"""Every document comes from a template file (casekit._templates): HTML autoescaped, Markdown not, names
strict, template syntax in data never evaluated."""

from __future__ import annotations

import jinja2
import pytest

from casekit import _templates


def test_html_templates_escape_data():
    """A learner's text or a data field never becomes markup in an HTML piece."""
    html = _templates.piece("widgets.html.j2", "status", message="<b>x</b> & {{ 7*7 }}", error=False)
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in html and "<b>" not in html
    assert "{{ 7*7 }}" in html and "49" not in html, "template syntax in data is data"


def test_markdown_templates_are_not_html_escaped():
    assert _templates.environment().autoescape("handin.md.j2") is False
    assert _templates.environment().autoescape("handin.html.j2") is True


def test_an_unknown_name_in_a_template_is_an_error():
    """StrictUndefined: a missing value is a bug found at once, not an empty place on the page."""
    with pytest.raises(jinja2.UndefinedError):
        _templates.environment().from_string("{{ nothing }}").render()


def test_every_template_file_compiles():
    env = _templates.environment()
    names = env.list_templates(filter_func=lambda name: name.endswith(".j2"))
    assert len(names) > 5
    for name in names:
        env.get_template(name)

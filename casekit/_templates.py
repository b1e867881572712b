"""HTML (and Markdown) from Jinja2 template files in ``casekit/templates/``.

Every document and every larger HTML piece casekit shows comes from a template file, never from Python
strings: the hand-in, the handout, the case's rich display, the charts' figure and table, the widgets'
pieces. HTML templates are autoescaped, so a learner's text or a case data field can never become markup;
template syntax inside such a value is never evaluated (it is data, not a template). Markdown templates
(``*.md.j2``) are not HTML-escaped: they escape with the ``md`` filters instead.

Templates extend ``base.html.j2`` for whole documents, which inlines ``casekit.css``: a document stands
alone (a hand-in file, a handout), with no external resources.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

__all__ = ["TEMPLATES", "environment", "piece", "render"]

TEMPLATES = Path(__file__).with_name("templates")


def _autoescape(name: str | None) -> bool:
    return name is None or not name.endswith(".md.j2")


@functools.cache
def environment() -> jinja2.Environment:
    """The shared template environment: files from ``casekit/templates``, autoescape, strict names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from casekit import _filters

    env.filters.update(_filters.FILTERS)
    return env


def render(name: str, /, **context: Any) -> str:
    """Render the template file ``name`` (e.g. ``"handin.html.j2"``) with ``context``."""
    return environment().get_template(name).render(**context)


def piece(name: str, macro: str, /, **arguments: Any) -> str:
    """Call the macro ``macro`` of the template file ``name``: one small HTML piece, e.g. a status line.

    Small pieces that belong together (the widgets' headings, status lines, quotes) are macros of one file.
    """
    return str(getattr(environment().get_template(name).module, macro)(**arguments))

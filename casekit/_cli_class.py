"""``casekit class summarize``: the class report from a class folder, a folder of exports or an LMS ZIP.

Hooked into :mod:`casekit.cli` by :func:`add_parsers`. Exit 0 when a report was written (the files that
were skipped, with their reasons, go to stderr); exit 1 with one clear message when nothing could be read
or the report cannot be written; never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from casekit._cli_answers import report_failure, terminal_safe
from casekit.errors import CasekitError
from casekit.i18n import LANGUAGES, t, ui_lang

__all__ = ["add_parsers", "run"]

_HELP_LANG = "en"  # argparse builds its help before --lang is known, like `casekit answers`


def add_parsers(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``class`` command (``summarize``) to a ``casekit`` sub-parser set.

    Each sub-command sets ``handler`` (call ``args.handler(args)``, which returns the exit code).

    Returns
    -------
    argparse.ArgumentParser
        The ``class`` parser.
    """
    h = _HELP_LANG
    parser = subparsers.add_parser("class", help=t("class.cli.help", h), description=t("class.cli.help", h))
    commands = parser.add_subparsers(dest="class_command", required=True)
    p = commands.add_parser("summarize", help=t("class.cli.summarize_help", h))
    p.add_argument("input", help=t("class.cli.input_help", h))
    p.add_argument("-o", "--output", required=True, help=t("class.cli.output_help", h))
    p.add_argument("--with-text", action="store_true", help=t("class.cli.with_text_help", h))
    p.add_argument("--projection", action="store_true", help=t("class.cli.projection_help", h))
    p.add_argument("--lang", choices=LANGUAGES, default=None, help=t("class.cli.lang_help", h))
    p.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run one ``class`` sub-command; returns the exit code (1 with a message on stderr on failure)."""
    lang = ui_lang(args.lang)
    try:
        return _summarize(args)
    except (CasekitError, OSError) as exc:
        return report_failure(exc, lang)


def _summarize(args: argparse.Namespace) -> int:
    from casekit.classroom import render_report, summarize

    summary = summarize(args.input, lang=args.lang)
    lang = summary.lang
    page = render_report(summary, with_text=args.with_text, projection=args.projection)
    out = Path(args.output)
    _write(out, page)
    for item in summary.skipped:
        line = t("class.cli.skipped_line", lang, name=item.name, reason=item.reason)
        print(terminal_safe(line), file=sys.stderr)
    print(
        t("class.cli.wrote", lang, path=out, learners=len(summary.learners), skipped=len(summary.skipped)),
    )
    return 0


def _write(out: Path, text: str) -> None:
    """Write the report atomically: a temp file beside it, then a rename (no half-written report)."""
    folder = out.parent if str(out.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=".casekit-report-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise

"""``casekit handout`` and ``casekit rolecards``: the printable documents, written to an HTML file.

The documents themselves come from :mod:`casekit.handout` and :mod:`casekit.teaching`; this module only
reads the options, writes the file and says where.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from casekit import loader
from casekit._files import atomic_write_text, ordinary_mode
from casekit.answers.location import refuse_overwriting_answers
from casekit.cli._common import HELP_LANG, add_case, add_lang, add_output, run, say, set_command
from casekit.errors import CasekitError
from casekit.i18n import t, ui_lang

__all__ = ["add_handout", "add_rolecards", "handout", "rolecards", "run_rolecards"]


def add_handout(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``handout`` command (``[--case ID] [--lang da|en] -o FILE.html``) to a sub-parser set.

    Returns
    -------
    argparse.ArgumentParser
        The ``handout`` parser.
    """
    parser = subparsers.add_parser("handout", help=t("cli.help.handout", HELP_LANG))
    add_case(parser)
    add_lang(parser)
    add_output(parser, "cli.help.output")
    set_command(parser, handout)
    return parser


def add_rolecards(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``rolecards`` command (``[--case ID] [--lang da|en] -o FILE.html``) to a sub-parser set.

    Returns
    -------
    argparse.ArgumentParser
        The ``rolecards`` parser.
    """
    h = HELP_LANG
    parser = subparsers.add_parser(
        "rolecards", help=t("teaching.cli.help", h), description=t("teaching.cli.help", h)
    )
    add_case(parser)
    add_lang(parser)
    add_output(parser, "teaching.cli.output_help")
    set_command(parser, rolecards)
    return parser


def handout(args: argparse.Namespace) -> int:
    """Write the case's handout to ``args.output`` and say where; exit code 0."""
    from casekit.handout import handout_html  # the handout needs its templates only when it is written

    out = Path(args.output)
    refuse_overwriting_answers(out, args.lang)
    case = loader.load_case(args.case, lang=args.lang)
    atomic_write_text(out, handout_html(case), mode=ordinary_mode())
    say(t("cli_wrote", case.lang, path=out))
    return 0


def rolecards(args: argparse.Namespace) -> int:
    """Write the case's role cards to ``args.output`` and say where; exit code 0.

    Raises
    ------
    CasekitError
        The case cannot be loaded or has no role cards (said as "could not make the role cards: …").
    OSError
        The file cannot be written (the error names the output when the system names no file).
    """
    from casekit import teaching  # the role cards need pandas only when they are written

    lang = ui_lang(args.lang)
    out = Path(args.output)
    try:
        teaching.write_rolecards(out, args.case, lang=args.lang)
    except CasekitError as exc:
        raise CasekitError(t("teaching.cli.failed", lang, reason=" ".join(str(exc).split()))) from exc
    except OSError as exc:
        if exc.filename is None:
            exc.filename = os.fspath(out)
        raise
    say(t("teaching.cli.wrote", lang, path=out))
    return 0


def run_rolecards(args: argparse.Namespace) -> int:
    """Run ``casekit rolecards`` with ``args`` (``case``, ``lang``, ``output``) the way ``main`` does.

    Returns
    -------
    int
        0 when the file was written, else 1 with one line on stderr.
    """
    return run(rolecards, args)

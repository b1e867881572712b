"""The ``casekit`` command: list and validate cases, write the handout and the role cards, manage answers,
and summarize a class.

One module per command group (:mod:`~casekit.cli.case`, :mod:`~casekit.cli.documents`,
:mod:`~casekit.cli.answers`, :mod:`~casekit.cli.classroom`); what they share (the help language, the
common options, the runner that reports a failure) is in ``_common``.

>>> from casekit.cli import main
>>> main(["list"])  # doctest: +SKIP
samskabelse
0
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from casekit.cli import answers, case, classroom, documents
from casekit.cli._common import HELP_LANG
from casekit.i18n import t

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``casekit`` parser with every command; each sets ``handler`` (``args.handler(args)`` runs it).

    Returns
    -------
    argparse.ArgumentParser
        The parser, its help in English (argparse builds it before ``--lang`` is known).
    """
    parser = argparse.ArgumentParser(prog="casekit", description=t("cli.help.casekit", HELP_LANG))
    commands = parser.add_subparsers(dest="command", required=True)
    case.add_parsers(commands)  # list, validate
    documents.add_handout(commands)
    answers.add_parsers(commands)
    classroom.add_parsers(commands)
    documents.add_rolecards(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``casekit``; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 on success, 1 with one line on stderr when the command failed (never a
        traceback), 2 for arguments argparse refuses. A command with ``--lang`` that was given none
        speaks ``$CASEKIT_LANG``, else Danish.
    """
    args = build_parser().parse_args(argv)
    return int(args.handler(args))

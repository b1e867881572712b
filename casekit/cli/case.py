"""``casekit list`` and ``casekit validate``: the shipped cases, and whether a case folder is sound."""

from __future__ import annotations

import argparse
from pathlib import Path

from casekit import loader
from casekit.cli._common import HELP_LANG, say, set_command
from casekit.i18n import t

__all__ = ["add_parsers", "list_cases", "validate"]


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``list`` and ``validate`` commands to a ``casekit`` sub-parser set.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.
    """
    p = subparsers.add_parser("list", help=t("cli.help.list", HELP_LANG))
    set_command(p, list_cases)

    p = subparsers.add_parser("validate", help=t("cli.help.validate", HELP_LANG))
    p.add_argument("path", help=t("cli.help.validate_path", HELP_LANG))
    set_command(p, validate)


def list_cases(args: argparse.Namespace) -> int:
    """Print the id of every shipped case, one a line; exit code 0."""
    for case_id in loader.list_cases():
        say(case_id)
    return 0


def validate(args: argparse.Namespace) -> int:
    """Check the case folder ``args.path``: every problem on stderr and exit 1, or what it holds and 0."""
    path = Path(args.path)
    problems = loader.validate(path)
    if problems:
        for problem in problems:
            say(str(problem), err=True)
        return 1
    case = loader.load_case_dir(path)
    say(
        t(
            "cli_valid",
            case.lang,
            path=path,
            sections=len(case.sections),
            actors=len(case.actors),
            questions=len(case.questions),
        )
    )
    return 0

"""The ``casekit`` command: validate a case folder, write a handout, list cases, and manage answers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from casekit import _cli_answers, _cli_class, loader
from casekit.errors import CasekitError
from casekit.i18n import default_lang, t, ui_lang

_HELP_LANG = "en"  # argparse builds its help before --lang is known

__all__ = ["main"]


def _cmd_list(args: argparse.Namespace) -> int:
    for case_id in loader.list_cases():
        print(case_id)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.path)
    problems = loader.validate(path)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    case = loader.load_case_dir(path)
    print(
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


def _cmd_handout(args: argparse.Namespace) -> int:
    from casekit.handout import handout_html

    case = loader.load_case(args.case, lang=args.lang)
    out = Path(args.output)
    out.write_text(handout_html(case), encoding="utf-8")
    print(t("cli_wrote", case.lang, path=out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casekit", description=t("cli.help.casekit", _HELP_LANG))
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("list", help=t("cli.help.list", _HELP_LANG))
    p.set_defaults(handler=_cmd_list)

    p = commands.add_parser("validate", help=t("cli.help.validate", _HELP_LANG))
    p.add_argument("path", help=t("cli.help.validate_path", _HELP_LANG))
    p.set_defaults(handler=_cmd_validate)

    p = commands.add_parser("handout", help=t("cli.help.handout", _HELP_LANG))
    p.add_argument("--case", default=loader.DEFAULT_CASE, help=t("cli.help.case", _HELP_LANG))
    p.add_argument("--lang", default=None, help=t("cli.lang_help", _HELP_LANG))
    p.add_argument("-o", "--output", required=True, help=t("cli.help.output", _HELP_LANG))
    p.set_defaults(handler=_cmd_handout)

    _cli_answers.add_parsers(commands)
    _cli_class.add_parsers(commands)
    from casekit import teaching  # the role cards need pandas only when they are written

    teaching.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (errors are printed, never a traceback)."""
    args = build_parser().parse_args(argv)
    if hasattr(args, "lang") and args.lang is None:  # every command that has --lang: $CASEKIT_LANG, else da
        args.lang = default_lang()
    lang = ui_lang(getattr(args, "lang", None))
    try:
        return args.handler(args)
    except (CasekitError, OSError) as exc:
        return _cli_answers.report_failure(exc, lang)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

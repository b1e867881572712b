"""``casekit answers export|import|show``: a learner's answers from the command line.

Hooked into :mod:`casekit.cli` by :func:`add_parsers`. Every handler returns an exit code; a problem is
one clear line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING

from casekit.answers import AnswerStore
from casekit.clock import display_time
from casekit.errors import CasekitError
from casekit.export import FORMATS, write_export
from casekit.i18n import default_lang, reason, t
from casekit.i18n import ui_lang as _ui
from casekit.importer import read_import_file
from casekit.naming import activity_title

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["add_parsers", "report_failure", "run", "terminal_safe"]

# argparse builds its help before --lang is known; the help is in English like the rest of `casekit -h`.
_HELP_LANG = "en"
_PREVIEW = 70


def add_parsers(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``answers`` command (``export``, ``import``, ``show``) to a ``casekit`` sub-parser set.

    Each sub-command sets ``handler`` (call ``args.handler(args)``, which returns the exit code).

    Returns
    -------
    argparse.ArgumentParser
        The ``answers`` parser.
    """
    h = _HELP_LANG
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--case", default="samskabelse", help=t("answers.cli.case_help", h))
    common.add_argument("--lang", default=None, help=t("answers.cli.lang_help", h))
    common.add_argument("--answers-dir", default=None, help=t("answers.cli.dir_help", h))
    common.add_argument("--learner", default=None, help=t("answers.cli.learner_help", h))

    parser = subparsers.add_parser(
        "answers", help=t("answers.cli.help", h), description=t("answers.cli.help", h)
    )
    commands = parser.add_subparsers(dest="answers_command", required=True)

    p = commands.add_parser("export", parents=[common], help=t("answers.cli.export_help", h))
    p.add_argument("--format", choices=sorted(FORMATS), default="json", help=t("answers.cli.format_help", h))
    p.add_argument("-o", "--output", required=True, help=t("answers.cli.output_help", h))
    p.set_defaults(handler=run)

    p = commands.add_parser("import", parents=[common], help=t("answers.cli.import_help", h))
    p.add_argument("file", help=t("answers.cli.file_help", h))
    p.set_defaults(handler=run)

    p = commands.add_parser("show", parents=[common], help=t("answers.cli.show_help", h))
    p.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run one ``answers`` sub-command; returns the exit code (1 with a message on stderr on failure)."""
    args.lang = args.lang or default_lang()  # no --lang: $CASEKIT_LANG, else Danish
    lang = _ui(args.lang)
    try:
        return _COMMANDS[args.answers_command](args)
    except (CasekitError, OSError) as exc:
        return report_failure(exc, lang)


def _open(args: argparse.Namespace, *, create: bool, read_only: bool = False) -> AnswerStore:
    """The learner's store; ``read_only`` for commands that only look (they never create, move or change)."""
    return AnswerStore.open(
        args.answers_dir,
        case_id=args.case,
        learner=args.learner,
        lang=args.lang,
        create=create,
        read_only=read_only,
    )


# Control characters (C0, DEL, C1) and the bidirectional controls that can disguise text in a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def report_failure(exc: BaseException, lang: str) -> int:
    """Say on stderr, in one terminal-safe line, why a command failed; returns the exit code 1.

    A :class:`~casekit.errors.CasekitError` says it in the catalog's words already; a system error is said
    with the path and :func:`casekit.i18n.reason`, never the system's English.
    """
    if isinstance(exc, OSError):
        message = t("cli.os_error", lang, path=exc.filename or "?", reason=reason(exc, lang))
    else:
        message = str(exc)
    print(f"casekit: {terminal_safe(message)}", file=sys.stderr)
    return 1


def terminal_safe(text: str) -> str:
    """``text`` with every character that could steer a terminal shown as an escape (``\\x1b``) instead."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _load_case(args: argparse.Namespace) -> Case | None:
    """The case for question texts; if it cannot be loaded the export still goes out, by answer id."""
    try:
        from casekit.loader import load_case

        return load_case(args.case, lang=args.lang)
    except Exception as exc:  # a case-data problem must not stop anyone getting the answers out
        print(f"casekit: {t('answers.cli.case_fallback', _ui(args.lang), reason=exc)}", file=sys.stderr)
        return None


def _export(args: argparse.Namespace) -> int:
    with _open(args, create=False, read_only=True) as store:
        case = _load_case(args) if args.format != "json" else None
        path = write_export(store, args.output, args.format, case=case, find_case=False)
    print(t("cli_wrote", _ui(args.lang), path=path))
    return 0


def _import(args: argparse.Namespace) -> int:
    # The file is read and checked before the store is opened: a bad file creates no store.
    data = read_import_file(args.file, case_id=args.case, lang=args.lang)
    with _open(args, create=True) as store:
        result = store.import_revisions(data.revisions)
    key = "import.success" if result.added else "import.nothing_new"
    print(t(key, _ui(args.lang), added=result.added, name=args.file))
    return 0


def _show(args: argparse.Namespace) -> int:
    lang = _ui(args.lang)
    with _open(args, create=False, read_only=True) as store:
        revisions = store.revisions()
        learner, path = store.learner, store.path
    latest: dict[str, tuple[int, str, object]] = {}
    for rev in revisions:  # grouped by key, oldest first
        count = latest.get(rev.key, (0, "", None))[0] + 1
        latest[rev.key] = (count, rev.saved_at, rev.value)
    header = t(
        "answers.cli.show_header", lang, learner=learner, case_id=args.case, count=len(latest), path=path
    )
    print(terminal_safe(header))
    if not latest:
        print(t("answers.cli.empty", lang))
    for key, (count, saved_at, value) in latest.items():
        title = activity_title(key, lang)
        label = key if title == key else f"{key} – {title}"
        line = t(
            "answers.cli.show_line",
            lang,
            key=label,
            revisions=count,
            time=display_time(saved_at),
            preview=_preview(value, lang),
        )
        print(terminal_safe(line))
    return 0


def _preview(value: object, lang: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return t("export.empty_answer", lang)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"


_COMMANDS = {"export": _export, "import": _import, "show": _show}

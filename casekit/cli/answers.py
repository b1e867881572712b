"""``casekit answers export|import|show``: a learner's answers from the command line.

Every command returns an exit code; a problem is one clear line on stderr and exit code 1, never a
traceback (:func:`casekit.cli._common.run` says it).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from casekit.answers import AnswerStore
from casekit.cli._common import HELP_LANG, add_case, add_lang, add_output, say, set_command
from casekit.clock import display_time
from casekit.export import FORMATS, write_export
from casekit.i18n import t, ui_lang
from casekit.importer import read_import_file
from casekit.naming import activity_title

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["add_parsers", "export", "import_file", "show"]

_PREVIEW = 70


def add_parsers(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``answers`` command (``export``, ``import``, ``show``) to a ``casekit`` sub-parser set.

    Each sub-command sets ``handler`` (call ``args.handler(args)``, which returns the exit code).

    Returns
    -------
    argparse.ArgumentParser
        The ``answers`` parser.
    """
    h = HELP_LANG
    common = argparse.ArgumentParser(add_help=False)
    add_case(common)
    add_lang(common)
    common.add_argument("--answers-dir", default=None, help=t("answers.cli.dir_help", h))
    common.add_argument("--learner", default=None, help=t("answers.cli.learner_help", h))

    parser = subparsers.add_parser(
        "answers", help=t("answers.cli.help", h), description=t("answers.cli.help", h)
    )
    commands = parser.add_subparsers(dest="answers_command", required=True)

    p = commands.add_parser("export", parents=[common], help=t("answers.cli.export_help", h))
    p.add_argument("--format", choices=sorted(FORMATS), default="json", help=t("answers.cli.format_help", h))
    add_output(p, "answers.cli.output_help")
    set_command(p, export)

    p = commands.add_parser("import", parents=[common], help=t("answers.cli.import_help", h))
    p.add_argument("file", help=t("answers.cli.file_help", h))
    set_command(p, import_file)

    p = commands.add_parser("show", parents=[common], help=t("answers.cli.show_help", h))
    set_command(p, show)
    return parser


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


def _load_case(args: argparse.Namespace) -> Case | None:
    """The case for question texts; if it cannot be loaded the export still goes out, by answer id."""
    try:
        from casekit.loader import load_case

        return load_case(args.case, lang=args.lang)
    except Exception as exc:  # a case-data problem must not stop anyone getting the answers out
        say(f"casekit: {t('answers.cli.case_fallback', ui_lang(args.lang), reason=exc)}", err=True)
        return None


def export(args: argparse.Namespace) -> int:
    """Write the learner's answers to ``args.output`` in ``args.format``; the store is only read."""
    with _open(args, create=False, read_only=True) as store:
        case = _load_case(args) if args.format != "json" else None
        path = write_export(store, args.output, args.format, case=case, find_case=False)
    say(t("cli_wrote", ui_lang(args.lang), path=path))
    return 0


def import_file(args: argparse.Namespace) -> int:
    """Merge the export ``args.file`` into the learner's store (created if need be); say how many are new."""
    # The file is read and checked before the store is opened: a bad file creates no store.
    data = read_import_file(args.file, case_id=args.case, lang=args.lang)
    with _open(args, create=True) as store:
        result = store.import_revisions(data.revisions)
    key = "import.success" if result.added else "import.nothing_new"
    say(t(key, ui_lang(args.lang), added=result.added, name=args.file))
    return 0


def show(args: argparse.Namespace) -> int:
    """Print the learner's latest answer to each activity and its revisions; the store is only read."""
    lang = ui_lang(args.lang)
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
    say(header)
    if not latest:
        say(t("answers.cli.empty", lang))
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
        say(line)
    return 0


def _preview(value: object, lang: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return t("export.empty_answer", lang)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"

"""``casekit class init``: the class folder as a drop box; ``casekit class summarize``: the class report
from a class folder, a folder of exports, an LMS ZIP or the class's JupyterHub service (``hub``);
``casekit class service``: run that service (as the hub does).

Exit 0 when a report was written (the files that were skipped, with their reasons, go to stderr: the first
:data:`~casekit.classroom.summary.SKIPPED_SHOWN`, then the rest counted by reason and kind); exit 1 with one
clear message when nothing could be read or the report cannot be written; never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
from pathlib import Path

from casekit._files import atomic_write_text, ordinary_mode
from casekit.answers.location import refuse_overwriting_answers
from casekit.cli._common import HELP_LANG, add_lang, add_output, run, say, set_command
from casekit.i18n import LANGUAGES, t

__all__ = ["add_parsers", "init", "run_summarize", "service", "summarize"]


def add_parsers(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``class`` command (``init``, ``summarize``) to a ``casekit`` sub-parser set.

    Each sub-command sets ``handler`` (call ``args.handler(args)``, which returns the exit code).

    Returns
    -------
    argparse.ArgumentParser
        The ``class`` parser.
    """
    h = HELP_LANG
    parser = subparsers.add_parser("class", help=t("class.cli.help", h), description=t("class.cli.help", h))
    commands = parser.add_subparsers(dest="class_command", required=True)
    p = commands.add_parser("init", help=t("class.cli.init_help", h), description=t("class.cli.init_help", h))
    p.add_argument("folder", help=t("class.cli.folder_help", h))
    p.add_argument("--group", default=None, help=t("class.cli.group_help", h))
    add_lang(p, choices=LANGUAGES)
    set_command(p, init)
    p = commands.add_parser("summarize", help=t("class.cli.summarize_help", h))
    p.add_argument("input", help=t("class.cli.input_help", h))
    add_output(p, "class.cli.output_help")
    p.add_argument("--with-text", action="store_true", help=t("class.cli.with_text_help", h))
    p.add_argument("--projection", action="store_true", help=t("class.cli.projection_help", h))
    p.add_argument("--case", metavar="ID", default=None, help=t("class.cli.case_help", h))
    add_lang(p, choices=LANGUAGES)
    set_command(p, summarize)
    # The service's own parser (casekit.classroom.service) reads its options: defined once, imported only
    # when the service runs (it needs JupyterHub and SQLAlchemy, the `hub` extra).
    p = commands.add_parser("service", help=t("class.cli.service_help", h), add_help=False, prefix_chars="\0")
    p.add_argument("options", nargs=argparse.REMAINDER)
    p.set_defaults(prog=p.prog)
    set_command(p, service)
    return parser


def init(args: argparse.Namespace) -> int:
    """Make ``args.folder`` a class folder the instructor owns (a drop box for ``args.group``)."""
    from casekit.classroom.folder import init_class_folder

    path = init_class_folder(args.folder, args.group, lang=args.lang)
    try:
        group = path.group()
    except (KeyError, NotImplementedError, OSError):  # a group with no name; no Unix groups (Windows)
        group = str(path.stat().st_gid)
    say(t("class.cli.initialised", args.lang, path=path, group=group))
    return 0


def summarize(args: argparse.Namespace) -> int:
    """Write the class report of ``args.input`` to ``args.output``; list the skipped files on stderr (a long
    list made short: :meth:`~casekit.classroom.ClassSummary.skipped_digest`).

    ``hub`` (or ``hub:<service>``) reads the class's JupyterHub service with this session's hub token.
    """
    from casekit.classroom import class_transport, factory, render_report
    from casekit.classroom import summarize as summarize_class

    out = Path(args.output)
    refuse_overwriting_answers(out, args.lang)
    source = args.input
    if source.partition(":")[0].lower() in factory.TRANSPORTS:
        source = class_transport(source, lang=args.lang)
    else:
        _refuse_writing_into(out, Path(source), args.lang)
    if not out.parent.is_dir():  # said before the class is read, not after
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(out.parent))
    summary = summarize_class(source, case=getattr(args, "case", None), lang=args.lang)
    lang = summary.lang
    page = render_report(summary, with_text=args.with_text, projection=args.projection)
    atomic_write_text(out, page, mode=ordinary_mode())  # no half-written report; readable like any file
    first, more, counts = summary.skipped_digest()  # a long list: the first, then the rest counted
    for item in first:
        line = t("class.cli.skipped_line", lang, name=item.name, reason=item.reason)
        say(line, err=True)
    if more:
        say(t("class.cli.skipped_more", lang, count=more), err=True)
        for line in counts:
            say(f"  {line}", err=True)
    if summary.stopped is not None:  # said last, however long the list before it
        stopped = summary.stopped
        say(t("class.cli.stopped", lang, name=stopped.name, reason=stopped.reason), err=True)
    say(
        t("class.cli.wrote", lang, path=out, learners=len(summary.learners), skipped=len(summary.skipped)),
    )
    return 0


def _refuse_writing_into(out: Path, source: Path, lang: str) -> None:
    """Refuse a report written over the file being summarised (an LMS ZIP, one export) or into the folder
    being summarised (a class folder, a folder of hand-ins): either would lose or change the hand-ins."""
    from casekit.classroom.errors import ClassFolderError

    with contextlib.suppress(OSError, RuntimeError):
        target, given = out.resolve(), source.resolve()
        if target == given or given in target.parents:
            raise ClassFolderError(t("class.cli.onto_input", lang, path=out, source=source))


def service(args: argparse.Namespace) -> int:
    """Run the class's JupyterHub service with the options given after ``casekit class service``."""
    from casekit.classroom.service import main

    return main(args.options, prog=args.prog)


def run_summarize(args: argparse.Namespace) -> int:
    """Run ``casekit class summarize`` with ``args`` the way ``main`` does; returns the exit code."""
    return run(summarize, args)

"""What every ``casekit`` command shares: the help language, the common options, and the one runner.

Every command is a plain function of the parsed arguments that returns an exit code and raises
:class:`~casekit.errors.CasekitError` or ``OSError`` when it fails. :func:`set_command` hooks it into its
parser through :func:`run`, so that every command, however it is called, gets the same ``--lang`` default
and reports a failure the same way: exit code 1 and one terminal-safe line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable, Sequence

from casekit import loader
from casekit._text import utf8_safe
from casekit.errors import CasekitError
from casekit.i18n import default_lang, reason, t, ui_lang

__all__ = [
    "HELP_LANG",
    "Command",
    "add_case",
    "add_lang",
    "add_output",
    "report_failure",
    "run",
    "say",
    "set_command",
    "terminal_safe",
]

# argparse builds its help before --lang is known: the help of `casekit -h` and of every command is English.
HELP_LANG = "en"

Command = Callable[[argparse.Namespace], int]

# Control characters (C0, DEL, C1) and the bidirectional controls that can disguise text in a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def add_case(parser: argparse.ArgumentParser) -> None:
    """Add ``--case`` (default :data:`casekit.loader.DEFAULT_CASE`) to ``parser``."""
    parser.add_argument("--case", default=loader.DEFAULT_CASE, help=t("cli.help.case", HELP_LANG))


def add_lang(parser: argparse.ArgumentParser, choices: Sequence[str] | None = None) -> None:
    """Add ``--lang`` to ``parser``; without it, :func:`run` takes ``$CASEKIT_LANG``, else Danish.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's parser.
    choices : sequence of str, optional
        The languages argparse accepts; by default any, and the command says when it has no such edition.
    """
    parser.add_argument("--lang", choices=choices, default=None, help=t("cli.lang_help", HELP_LANG))


def add_output(parser: argparse.ArgumentParser, help_key: str) -> None:
    """Add the required ``-o/--output``, its help from the catalog's ``help_key``."""
    parser.add_argument("-o", "--output", required=True, help=t(help_key, HELP_LANG))


def set_command(parser: argparse.ArgumentParser, command: Command) -> None:
    """Make ``command`` what ``parser`` runs: ``args.handler(args)`` is ``run(command, args)``."""
    parser.set_defaults(handler=functools.partial(run, command))


def run(command: Command, args: argparse.Namespace) -> int:
    """Run one command; returns its exit code, or 1 with one line on stderr when it fails.

    A command with ``--lang`` that was given none gets :func:`casekit.i18n.default_lang`
    (``$CASEKIT_LANG``, else Danish) here, the one place the default is worked out.

    Parameters
    ----------
    command : callable
        The command: parsed arguments in, exit code out.
    args : argparse.Namespace
        The parsed arguments; ``args.lang`` is filled in when the command has ``--lang``.

    Returns
    -------
    int
        The command's exit code; 1 when it raised a ``CasekitError`` or an ``OSError``.
    """
    if hasattr(args, "lang") and not args.lang:
        args.lang = default_lang()
    lang = ui_lang(getattr(args, "lang", None))
    try:
        return command(args)
    except (CasekitError, OSError) as exc:
        return report_failure(exc, lang)


def report_failure(exc: BaseException, lang: str) -> int:
    """Say on stderr, in one terminal-safe line, why a command failed; returns the exit code 1.

    A :class:`~casekit.errors.CasekitError` says it in the catalog's words already; a system error is said
    with the path and :func:`casekit.i18n.reason`, never the system's English.

    Parameters
    ----------
    exc : BaseException
        What went wrong.
    lang : str
        The language of the message.

    Returns
    -------
    int
        Always 1.
    """
    if isinstance(exc, OSError):
        message = t("cli.os_error", lang, path=exc.filename or "?", reason=reason(exc, lang))
    else:
        message = str(exc)
    say(f"casekit: {message}", err=True)
    return 1


def say(text: str, *, err: bool = False) -> None:
    """Print one message of a command, :func:`terminal_safe`, on stdout (or stderr with ``err``).

    Every line a command prints goes through here, so that text read from a file or a file name (a lone
    surrogate, a terminal escape) can neither steer the terminal nor stop the command.

    Parameters
    ----------
    text : str
        The message.
    err : bool
        Print on stderr (a failure, a skipped file) rather than stdout.
    """
    print(terminal_safe(text), file=sys.stderr if err else sys.stdout)


def terminal_safe(text: str) -> str:
    """``text`` with every character that could steer a terminal shown as an escape (``\\x1b``) instead.

    Parameters
    ----------
    text : str
        Text from a file or a learner, about to be printed.

    Returns
    -------
    str
        The same text with control and bidirectional characters written as Python escapes, and each lone
        surrogate (an undecodable file name) as U+FFFD: text any terminal can print.
    """
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), utf8_safe(text))

"""The `casekit` command as a whole: installed as a console script, run as `python -m casekit.cli`, and one
`--lang` default ($CASEKIT_LANG, else Danish) for every command that has the option."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casekit.answers import AnswerStore
from casekit.cli import build_parser, main
from casekit.i18n import LANG_ENV, t

REPO = Path(__file__).resolve().parents[2]


def test_console_script_is_installed():
    """The `casekit` entry point runs (installed by pip with the package)."""
    exe = Path(sys.executable).with_name("casekit")
    out = subprocess.run([str(exe), "list"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "samskabelse"


@pytest.mark.slow
def test_python_m_casekit_cli():
    """`python -m casekit.cli` is the same command: the list of cases, and exit 2 for a missing command."""
    ok = subprocess.run(
        [sys.executable, "-m", "casekit.cli", "list"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert ok.returncode == 0 and ok.stdout.split() == ["samskabelse"]
    bad = subprocess.run(
        [sys.executable, "-m", "casekit.cli"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert bad.returncode == 2 and "usage: casekit" in bad.stderr


# -- one --lang default --------------------------------------------------------------------------------------
def _commands_with_lang(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[str]:
    """Every command (``answers export``…) whose parser has ``--lang``."""
    for action in parser._actions:  # argparse has no public way to list a parser's options
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands_with_lang(sub, (*path, name))
        elif "--lang" in action.option_strings:
            yield " ".join(path)


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    """A learner's answer folder with one answer (and beside it, ``empty``, a store without answers)."""
    with AnswerStore.open(tmp_path / "answers", case_id="samskabelse") as store:
        store.save("organisering-1", "Mit svar")
    AnswerStore.open(tmp_path / "empty", case_id="samskabelse").close()
    return tmp_path / "answers"


@pytest.fixture
def export(answers: Path, tmp_path: Path) -> Path:
    """The learner's answers exported as JSON, in a folder of its own (a class of one)."""
    folder = tmp_path / "class"
    folder.mkdir()
    with AnswerStore.open(answers, case_id="samskabelse") as store:
        return store.export(folder / "learner.json", "json")


# Each command with --lang: (its arguments, what it says in the language) for a tmp folder, answers, export.
Case = Callable[[Path, Path, Path, str], tuple[list[str], str]]
COMMANDS: dict[str, Case] = {
    "handout": lambda tmp, answers, export, lang: (
        ["handout", "-o", str(tmp / "h.html")],
        t("cli_wrote", lang, path=tmp / "h.html"),
    ),
    "rolecards": lambda tmp, answers, export, lang: (
        ["rolecards", "-o", str(tmp / "r.html")],
        t("teaching.cli.wrote", lang, path=tmp / "r.html"),
    ),
    "answers export": lambda tmp, answers, export, lang: (
        ["answers", "export", "--answers-dir", str(answers), "-o", str(tmp / "x.json")],
        t("cli_wrote", lang, path=tmp / "x.json"),
    ),
    "answers import": lambda tmp, answers, export, lang: (
        ["answers", "import", str(export), "--answers-dir", str(tmp / "instructor")],
        t("import.success", lang, added=1, name=export),
    ),
    "answers show": lambda tmp, answers, export, lang: (
        ["answers", "show", "--answers-dir", str(tmp / "empty")],
        t("answers.cli.empty", lang),
    ),
    "class init": lambda tmp, answers, export, lang: (
        ["class", "init", str(tmp / "holdmappe")],
        t("class.cli.initialised", lang, path=tmp / "holdmappe", group=tmp.group()),
    ),
    "class summarize": lambda tmp, answers, export, lang: (
        ["class", "summarize", str(export.parent), "-o", str(tmp / "c.html")],
        t("class.cli.wrote", lang, path=tmp / "c.html", learners=1, skipped=0),
    ),
}


def test_every_command_with_lang_is_checked():
    """The table below names exactly the commands that have --lang (a new one must join it)."""
    assert sorted(_commands_with_lang(build_parser())) == sorted(COMMANDS)


@pytest.mark.parametrize(("env", "lang"), [("en", "en"), ("", "da")])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_lang_defaults_the_same_way_for_every_command(
    command: str,
    env: str,
    lang: str,
    tmp_path: Path,
    answers: Path,
    export: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """Without --lang every command speaks $CASEKIT_LANG, else Danish."""
    monkeypatch.setenv(LANG_ENV, env)
    argv, said = COMMANDS[command](tmp_path, answers, export, lang)
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    assert said in capsys.readouterr().out

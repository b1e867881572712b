"""The string catalog: Danish and English hold the same keys, and every key the code asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casekit import i18n

PACKAGE = Path(i18n.__file__).parent


def test_catalogs_have_the_same_keys():
    assert set(i18n.catalog("da")) == set(i18n.catalog("en"))


def test_placeholders_agree_between_languages():
    for key, text in i18n.catalog("da").items():
        fields = set(re.findall(r"{(\w+)}", text))
        assert fields == set(re.findall(r"{(\w+)}", i18n.catalog("en")[key])), key


def test_every_key_used_in_code_exists():
    """A literal key passed to t(...) anywhere in the package is in the Danish catalog."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.\-]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(used - set(i18n.catalog("da")))
    assert missing == []


def test_fill_and_fallback():
    assert i18n.t("speaker_said", "da", name="Kim") == "Kim:"
    assert i18n.t("source_label", "en") == "Source"


def test_unknown_language():
    with pytest.raises(i18n.CasekitError, match="available: da, en"):
        i18n.t("source_label", "fr")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: én\nb: to\na: tre\n", r"part\.yaml:3: .*duplicate key 'a'"),  # the first would be lost
        ("a: [unclosed\n", r"part\.yaml:2: YAML syntax error"),
        ("- a\n- b\n", r"part\.yaml: a string catalog must be a mapping"),
        ("a:\n  b: c\n", r"part\.yaml: the value of 'a' must be text"),
    ],
)
def test_a_broken_catalog_file_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, says: str
):
    """A translator's slip in a catalog file stops casekit with the file and the line, not a silent loss."""
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "part.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "_LOCALES", tmp_path)
    i18n.catalog.cache_clear()
    try:
        with pytest.raises(i18n.CasekitError, match=says):
            i18n.catalog("da")
    finally:
        i18n.catalog.cache_clear()


# Modules whose words a learner or an instructor reads. (The loader's messages are for case authors and the
# charts' ChartDataError for programmers: English by design, like the log.)
# Modules whose words no learner or instructor reads: messages for whoever edits a case's data files
# (the loader and its YAML reader, in English like the data format's documentation), for programmers (a
# chart given data it cannot draw, the string catalog's own errors), and configuration strings. Every other
# module of casekit, wherever it sits in the packages, is checked.
NOT_FACING = (
    "__init__.py", "_lab_settings.py", "_schemas.py", "_yaml.py", "case.py", "errors.py", "i18n.py",
    "loader.py", "charts/",
)  # fmt: skip
_NOT_FOR_READERS = ("log", "logging")
_PROGRAMMING_ERRORS = (
    "ValueError",
    "KeyError",
    "TypeError",
    "RuntimeError",
    "ChartDataError",
    "AssertionError",
)
_KEY = re.compile(r"^[\w.\-]*$")  # a catalog key, an id, a format name
# Code, not prose: template names, pandas queries, regular expressions, CSS classes, lists of columns.
# One word with a slash is a path, a route or a URL; "access:…" a JupyterHub scope.
_CODE = re.compile(
    r"\.j2$|==|@|\\|;|^casekit-|^report |^[a-z_]+(, [a-z_]+)+$|^[\w ]+ casekit-|^#/\$defs/|^\S*/\S*$|^access:"
)
_SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|CREATE|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|DELETE)\b|\bFROM revisions\b"
)


def _sentences_in(path: Path) -> list[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):  # docstrings, attribute docs
            skip.add(id(node.value))
        if isinstance(node, ast.Call):
            func = node.func
            owner = (
                func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            )
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if owner in _NOT_FOR_READERS or name in _PROGRAMMING_ERRORS:
                skip.update(id(sub) for sub in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        text = node.value
        if _KEY.match(text) or _SQL.search(text) or _CODE.search(text) or text.startswith("data:"):
            continue
        words = re.findall(r"[^\W\d_]{2,}", text)
        if len(words) >= 3 or re.search(r"[æøåÆØÅ]", text):
            found.append(f"{path.name}:{node.lineno}: {text[:70]!r}")
    return found


def test_no_sentence_a_reader_sees_is_written_in_python():
    """Every word a learner or an instructor reads comes from the catalog or the case data, in Danish and
    English: the modules that produce what they read hold no sentence of their own."""
    facing = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(str(path.relative_to(PACKAGE)).startswith(skip) for skip in NOT_FACING)
    ]
    assert len(facing) > 20
    found = [line for path in facing for line in _sentences_in(path)]
    assert found == []


def test_default_language_follows_casekit_lang(monkeypatch: pytest.MonkeyPatch):
    """Without a choice, the language is $CASEKIT_LANG if casekit has it, else Danish."""
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    assert i18n.default_lang() == "da"
    monkeypatch.setenv(i18n.LANG_ENV, "EN")
    assert i18n.default_lang() == "en" and i18n.ui_lang(None) == "en"
    monkeypatch.setenv(i18n.LANG_ENV, "fr")
    assert i18n.default_lang() == "da"


def test_the_singular_is_chosen_for_one():
    """A text with ``<key>.one`` reads in the singular for a count of 1 ("1 student", not "1 students"),
    in the plural for any other count; each singular has its plural."""
    singulars = [key for key in i18n.catalog("da") if key.endswith(".one")]
    assert "classview.count.one" in singulars
    for key in singulars:
        assert key.removesuffix(".one") in i18n.catalog("da"), key
    assert i18n.t("classview.count", "en", count=1, round="r") == i18n.catalog("en")[
        "classview.count.one"
    ].format(round="r")
    assert i18n.t("classview.count", "en", count=2, round="r").startswith("2 students")
    assert i18n.t("mirror.forget_confirm", "en", count=1) == "Yes, delete the copy of 1 answer"

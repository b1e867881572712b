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

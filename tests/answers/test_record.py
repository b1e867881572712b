"""What one answer may be: a valid key, JSON data within the size limits; text UTF-8 cannot hold is
replaced and counted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import registry
from casekit.answers import KEY_PATTERN, MAX_ANSWER_BYTES, MAX_KEYS, AnswerStore, Revision, SaveQueue
from casekit.answers.record import clean_surrogates, parsed_clean
from casekit.errors import AnswerStoreError, AnswerTooBigError

pytestmark = pytest.mark.usefixtures("every_revision_exported")

SCHEMAS = registry.EXPORT_SCHEMA.parent


class TestValidation:
    """Bad keys and values that are not JSON get a clear AnswerStoreError naming the key and the type."""

    @pytest.mark.parametrize("key", ["", "Organisering-1", "a b", "æble", "spørgsmål/1", None, 5])
    def test_invalid_key(self, store: AnswerStore, key):
        with pytest.raises(AnswerStoreError, match=re.escape(repr(key))):
            store.save(key, "x")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("value", "type_name"),
        [
            (object(), "object"),
            ({1, 2}, "set"),
            (b"bytes", "bytes"),
            (float("nan"), "NaN"),
            ({(1, 2): "x"}, "tuple"),
        ],
    )
    def test_value_that_is_not_json(self, store: AnswerStore, value, type_name):
        with pytest.raises(AnswerStoreError) as info:
            store.save("stakeholder-map", value)
        assert '"stakeholder-map"' in str(info.value) and type_name in str(info.value)
        assert store.keys() == []

    def test_english_message_for_an_english_store(self, tmp_path: Path):
        with (
            AnswerStore.open(tmp_path, case_id="samskabelse", lang="en") as store,
            pytest.raises(AnswerStoreError, match="cannot be saved"),
        ):
            store.save("etik-1", object())

    def test_invalid_case_id(self, tmp_path: Path):
        with pytest.raises(AnswerStoreError, match="Samskabelse"):
            AnswerStore.open(tmp_path, case_id="Samskabelse")


class TestUnstorableText:
    """Text UTF-8 cannot hold (lone surrogates) is saved with U+FFFD in their place, and counted."""

    def test_lone_surrogate_is_replaced(self, store: AnswerStore):
        """A half-pasted emoji is saved as U+FFFD, the rest of the text kept, and the count reported."""
        rev = store.save("etik-1", "abc\ud83d")
        assert rev.value == "abc\ufffd" and rev.replaced == 1
        assert store.get("etik-1") == "abc\ufffd"

    def test_surrogates_everywhere_in_a_value(self, store: AnswerStore):
        """Pairs are joined; lone halves in list items and mapping keys are replaced; keys stay distinct."""
        high, other_high = chr(0xD83D), chr(0xD83E)
        value = {"a" + high: ["x\ude00", "\ud83d\ude00"], "a" + other_high: "ok", "plain": "\ufffd"}
        rev = store.save("stakeholder-map", value)
        assert rev.replaced == 3
        assert store.get("stakeholder-map") == {
            "a\ufffd": ["x\ufffd", "😀"],
            "a\ufffd\ufffd": "ok",
            "plain": "\ufffd",
        }
        assert store.save("etik-2", "😀 og \ufffd").replaced == 0


class TestSizeLimits:
    """One answer is at most MAX_ANSWER_BYTES of JSON; a store holds at most MAX_KEYS different answers."""

    def test_too_big_answer_is_refused(self, store: AnswerStore):
        """A value over the limit raises AnswerTooBigError naming the key, its size and the limit."""
        store.save("proposal", "x" * (MAX_ANSWER_BYTES - 2))  # the quotes make it exactly the limit
        with pytest.raises(AnswerTooBigError, match="proposal") as info:
            store.save("proposal", "æ" * MAX_ANSWER_BYTES)
        assert "128,0 KB" in str(info.value) and "64,0 KB" in str(info.value)
        assert store.count() == 1

    def test_too_many_keys_are_refused(self, store: AnswerStore):
        """The key after the MAX_KEYS-th is refused; the existing keys can still be saved."""
        for n in range(MAX_KEYS):
            store.save(f"k{n}", "x")
        with pytest.raises(AnswerTooBigError, match=rf"k-ny.*{MAX_KEYS}"):
            store.save("k-ny", "x")
        with pytest.raises(AnswerTooBigError, match="k-ny"):
            SaveQueue(store).submit("k-ny", "x", lambda *a: None)
        assert store.save("k0", "y").value == "y"

    def test_keys_an_import_brought_never_stop_the_learners_own_saves(self, store: AnswerStore, case):
        """A file of MAX_KEYS keys the case does not have (a newer edition's, or junk) is imported and kept,
        and every answer the learner can give still saves, at once and through the save queue."""
        from casekit import registry

        at = "2025-03-01T10:00:00.000000+00:00"
        store.import_revisions([Revision(f"ukendt-{n}", "x", at, 0, "2", "da") for n in range(MAX_KEYS)])
        assert len(store.keys()) == MAX_KEYS and store.keys(local=True) == []
        for key in registry.answer_keys(case)[:-1]:
            assert store.save(key, "mit svar").value == "mit svar"
        last = registry.answer_keys(case)[-1]
        assert SaveQueue(store).submit(last, "mit svar", lambda *a: None) is not None
        assert store.keys(local=True) == sorted(registry.answer_keys(case))
        assert len(store.keys()) == MAX_KEYS + len(registry.answer_keys(case))  # nothing imported is dropped

    def test_import_over_the_limits_writes_nothing(self, store: AnswerStore):
        """An import with a value too big, or too many new keys, is refused whole, the key named."""
        store.save("etik-1", "mit svar")
        at = "2025-03-01T10:00:00.000000+00:00"
        big = [
            Revision("etik-2", "ok", at, 0, "1", "da"),
            Revision("etik-3", "x" * MAX_ANSWER_BYTES, at, 0, "1", "da"),
        ]
        with pytest.raises(AnswerTooBigError, match="etik-3"):
            store.import_revisions(big)
        many = [Revision(f"k{n}", "x", at, 0, "1", "da") for n in range(MAX_KEYS)]
        with pytest.raises(AnswerTooBigError, match=f"k{MAX_KEYS - 1}"):
            store.import_revisions(many)
        assert store.count() == 1 and store.keys() == ["etik-1"]


def test_new_errors_are_public():
    """The new error classes are AnswerStoreErrors and exported from casekit."""
    import casekit

    assert issubclass(casekit.AnswerStoreBusyError, AnswerStoreError)
    assert issubclass(casekit.AnswerTooBigError, AnswerStoreError)
    assert {"AnswerStoreBusyError", "AnswerTooBigError"} <= set(casekit.__all__)


class TestKeyPattern:
    """The answer-key pattern is written once, in the export schema; the code and the share format agree."""

    def test_code_reads_the_export_schema(self):
        """KEY_PATTERN is the export schema's ``$defs.key`` pattern."""
        assert KEY_PATTERN.pattern == registry.export_schema()["$defs"]["key"]["pattern"]

    def test_share_schema_has_the_same_pattern(self):
        """share.schema.json's answer keys follow the same pattern as the export's."""
        share = json.loads((SCHEMAS / "share.schema.json").read_text(encoding="utf-8"))
        assert share["properties"]["answers"]["propertyNames"]["pattern"] == KEY_PATTERN.pattern


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@given(value=_json_values, ascii_only=st.booleans())
def test_a_parsed_document_is_cleaned_as_a_walk_would_clean_it(value, ascii_only):
    """Text read from a file holds a lone surrogate only as an escape ("\\ud800"): a document whose text has
    none is kept as parsed, one with some comes out as clean_surrogates makes it, whatever the text."""
    text = json.dumps(value, ensure_ascii=ascii_only, default=str)
    if not ascii_only:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a raw surrogate is no UTF-8 file's text: write it as an escape
            text = json.dumps(value, ensure_ascii=True)
    doc = json.loads(text)
    assert parsed_clean(doc, text) == clean_surrogates(json.loads(text))[0]


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\uDbFf", "\\ud83d"])
def test_every_way_a_surrogate_is_escaped_is_cleaned(escape):
    text = f'{{"a": ["x{escape}y"]}}'
    assert parsed_clean(json.loads(text), text) == {"a": ["x\ufffdy"]}

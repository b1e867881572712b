"""A property of the answer store, tried on many generated histories: whatever a learner types (all of
Unicode, lone surrogates and control characters included), however often the store is reopened and its own
exports imported again, the latest value of every key is never lost, and nothing but a CasekitError is
ever raised."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.answers import AnswerStore
from casekit.answers.document import export_json
from casekit.errors import CasekitError

KEYS = ("organisering-1", "etik-2", "proposal.minutes", "some-later-key")

# Every code point, surrogates (Cs) and controls (Cc) included — a browser can send all of them — with
# those two drawn often, since among all code points they are rare.
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.characters(categories=["Cs"]),
        st.characters(categories=["Cc"]),
    ),
    max_size=60,
)

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("save"), st.sampled_from(KEYS), ANY_TEXT),
        st.tuples(st.just("reopen")),
        st.tuples(st.just("import-own-export")),
    ),
    min_size=1,
    max_size=12,
)


# database=None: the test writes nothing to the repository (no .hypothesis folder).
@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)
def test_the_latest_value_of_every_key_survives(operations):
    """Saves, reopenings and imports of the store's own exports never lose a key's latest value."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers"
        store = AnswerStore.open(path, case_id="samskabelse")
        latest: dict[str, object] = {}
        try:
            for operation in operations:
                try:
                    if operation[0] == "save":
                        _, key, text = operation
                        latest[key] = store.save(key, text).value  # as stored (surrogates replaced)
                    elif operation[0] == "reopen":
                        store.close()
                        store = AnswerStore.open(path, case_id="samskabelse")
                    else:
                        store.import_bytes(export_json(store).encode("utf-8"), name="eigen.json")
                except CasekitError:
                    pass  # refused with a message: allowed, as long as nothing already saved is lost
                assert {key: store.get(key) for key in latest} == latest
        finally:
            store.close()

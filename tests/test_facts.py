"""Each fact has one definition: where a schema states it too, the code reads it from the schema or these
tests hold the two together (the answer-key pattern: tests/answers/test_record.py)."""

from __future__ import annotations

import json

import pytest

from casekit import _schemas, _text, loader, registry


class TestIds:
    """The id pattern (case, actor, round: words of a-z, 0-9 joined by '-') is the same everywhere."""

    @pytest.mark.parametrize(
        ("schema", "where"),
        [
            ("case/defs", ["$defs", "id"]),
            ("answers", ["$defs", "actor-id"]),
            ("share", ["properties", "case", "properties", "id"]),
        ],
    )
    def test_schemas_state_the_code_s_pattern(self, schema: str, where: list[str]):
        """Each schema's id pattern is the code's (casekit._text.SLUG_PATTERN, the loader's ID_PATTERN)."""
        node = _schemas.load(schema)
        for step in where:
            node = node[step]
        assert node["pattern"] == _text.SLUG_PATTERN.pattern
        assert loader.ID_PATTERN is _text.SLUG_PATTERN

    def test_slug_makes_ids_the_pattern_accepts(self):
        """A slug of any name fits the id pattern (or is empty: the caller picks a fallback)."""
        for name in ("Runde 2: Åbning!", " Søren Ærø ", "🙂", "--a--b--", "Ça va?"):
            made = _text.slug(name)
            assert made == "" or _text.SLUG_PATTERN.fullmatch(made)


class TestOwnStakeholders:
    """A learner's own stakeholder's key (own-1 … own-99) has one pattern: the export schema's."""

    def test_registry_reads_the_export_schema(self):
        """registry.OWN_ID_PATTERN is the schema's patternProperties key, and its limits agree with it."""
        placements = registry.export_schema()["$defs"]["value-stakeholder-placements"]
        assert list(placements["patternProperties"]) == [registry.OWN_ID_PATTERN.pattern]
        last = registry.own_stakeholder_key(registry.OWN_STAKEHOLDERS_MAX)
        assert registry.is_own_stakeholder(last)
        beyond = registry.own_stakeholder_key(registry.OWN_STAKEHOLDERS_MAX + 1)
        assert not registry.is_own_stakeholder(beyond)
        assert not registry.is_own_stakeholder("own-0") and not registry.is_own_stakeholder("own-01")

    def test_case_schema_refuses_exactly_those_ids_for_actors(self):
        """No case actor may have an id the map reads as a learner's own stakeholder."""
        actors = json.dumps(_schemas.load("case/actors"))
        assert registry.OWN_ID_PATTERN.pattern in actors


class TestValues:
    """The shapes of answer values: the registry reads the scale, the IAP2 levels and the record fields
    from the export schema."""

    def test_scale_and_levels(self):
        defs = registry.export_schema()["$defs"]
        assert registry.SCALE == (1, 2, 3, 4, 5) == tuple(range(defs["scale"]["minimum"], 6))
        plan = defs["value-participation-plan"]["additionalProperties"]["enum"]
        assert registry.LEVELS == tuple(plan) == ("inform", "consult", "involve", "collaborate", "empower")

    def test_the_case_data_labels_every_level(self, case):
        """The case's participation-plan labels name exactly the registry's levels."""
        assert set(case.activity("proposal")["levels"]) == set(registry.LEVELS)

    @pytest.mark.parametrize("shape", ["decision", "dilemma"])
    def test_cleaning_keeps_exactly_the_schema_s_fields(self, case, shape: str):
        """A record value keeps the fields its schema lists (each with its type) and drops any other."""
        key = registry.DECISION_POINT if shape == "decision" else registry.DILEMMAS[0]
        sample = {"position": 3, "left": "a", "right": "b", "justification": "c", "paragraphs": ["del-1 ¶2"]}
        sample |= {"missing_voices": "d", "choice": None, "extra": "x"}
        cleaned = registry.clean(key, sample, case)
        assert tuple(cleaned) == tuple(f for f in registry.fields(shape) if f in sample)
        assert "extra" not in cleaned
        assert registry.fits(key, cleaned, case)

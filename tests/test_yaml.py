"""Reading a case's YAML: line numbers kept for every key and item, duplicate keys refused, and every
failure a problem that names the file and the line (casekit._yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from casekit import _text, _yaml


def _write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


class TestRead:
    """read() gives data with lines, or None and one problem saying where."""

    def test_lines_of_keys_and_items(self, tmp_path: Path):
        data, problems = _yaml.read(_write(tmp_path, "a: 1\nb:\n  - x\n  - y\nc:\n  d: 2\n"), "x.yaml")
        assert problems == []
        assert data == {"a": 1, "b": ["x", "y"], "c": {"d": 2}}
        assert _yaml.line_of(data, "b") == 2 and _yaml.line_of(data["b"], 1) == 4
        assert _yaml.line_at(data, ["c", "d"]) == 6
        assert _yaml.line_at(data, ["c", "missing"]) == 6, "a path that leaves the data: its mapping's line"

    def test_duplicate_key_is_a_syntax_problem_with_its_line(self, tmp_path: Path):
        data, problems = _yaml.read(_write(tmp_path, "a: 1\nb: 2\na: 3\n"), "x.yaml")
        assert data is None and len(problems) == 1
        assert problems[0].line == 3 and "duplicate key 'a'" in problems[0].message
        assert str(problems[0]).startswith("x.yaml:3")

    def test_missing_file_and_bad_encoding(self, tmp_path: Path):
        assert _yaml.read(tmp_path / "nope.yaml", "nope.yaml")[1][0].message == "file is missing"
        data, problems = _yaml.read(_write(tmp_path, b"a: \xff\n"), "x.yaml")
        assert data is None and problems[0].message.startswith("not UTF-8 text")

    def test_syntax_error_names_the_line(self, tmp_path: Path):
        data, problems = _yaml.read(_write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n"), "x.yaml")
        assert data is None and problems[0].message.startswith("YAML syntax error")
        assert problems[0].line is not None and problems[0].line >= 2

    def test_the_c_loader_is_used_where_pyyaml_has_it(self):
        """libyaml's parser, about ten times faster on the case files, when PyYAML was built with it."""
        if getattr(yaml, "__with_libyaml__", False):
            assert issubclass(_yaml.CaseLoader, yaml.CSafeLoader)


class TestFieldPath:
    """The field notation of messages names list items by their id, paragraphs and blocks from 1."""

    def test_items_by_id_and_paragraphs_from_one(self):
        data = {"sections": [{"id": "del-1", "paragraphs": [["a", "b"], ["c"]]}]}
        path = ["sections", 0, "paragraphs", 1, 0]
        assert _yaml.field_path(data, path, "", _text.SLUG_PATTERN) == "sections[del-1].paragraphs[2][1]"
        assert _yaml.field_path({"x": 1}, ["x"], "case", _text.SLUG_PATTERN) == "case.x"

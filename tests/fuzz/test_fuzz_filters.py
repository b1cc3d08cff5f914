"""Fuzzing filter patterns where they enter the system: near-valid pattern text and the CLI.

tests/filters already throws random JSON at ``compile_pattern`` and ``lint_pattern``. These tests
cover what that does not:

* mutations of VALID patterns (a character deleted, inserted or replaced): the text a user gets
  slightly wrong, which random JSON rarely reaches;
* the same inputs through the poller's entry point (``FilterCriteria``) and through
  ``python -m pipeline filter lint|test`` in-process, where a crash would be a traceback for the user
  instead of the documented exit codes (0 clean, 1 findings, 2 bad input).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.filter_cli import main as filter_main
from pipeline.filter_lint import Finding, lint_filters, lint_pattern
from pipeline.filter_rules import FilterCriteria, FilterPatternError, compile_pattern

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALID_PATTERNS = [
    {"eventName": ["INSERT"]},
    {"eventName": ["INSERT", "MODIFY"]},
    {"dynamodb": {"NewImage": {"status": {"S": ["NEW", {"prefix": "ACT"}]}}}},
    {"dynamodb": {"NewImage": {"age": {"N": [{"anything-but": ["0"]}]}}}},
    {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0, "<=", 2000000000]}]}},
    {"dynamodb": {"Keys": {"id": {"S": [{"suffix": "-x"}, {"equals-ignore-case": "ADMIN"}]}}}},
    {"dynamodb": {"NewImage": {"email": {"S": [{"exists": True}]}}}},
    {"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"OldImage": {"deleted": {"BOOL": [True]}}}}]},
    {"eventName": [None, ""]},
]
PATTERN_ALPHABET = '{}[]":,.-+0123456789eE \\$abcdefghijklmnopqrstuvwxyzINSERTMODIFY'


@st.composite
def mutated_pattern_text(draw: st.DrawFn) -> str:
    """A valid pattern's JSON text with 1-3 single-character edits."""
    text = json.dumps(draw(st.sampled_from(VALID_PATTERNS)))
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "replace"]))
        character = draw(st.sampled_from(PATTERN_ALPHABET))
        if edit == "delete" and position < len(text):
            text = text[:position] + text[position + 1 :]
        elif edit == "insert":
            text = text[:position] + character + text[position:]
        elif position < len(text):
            text = text[:position] + character + text[position + 1 :]
    return text


def _assert_findings(findings: Any) -> None:
    assert isinstance(findings, list)
    assert all(isinstance(finding, Finding) for finding in findings)
    assert all(finding.path.startswith("$") and finding.message for finding in findings)


@SETTINGS
@given(text=mutated_pattern_text())
def test_near_valid_patterns_compile_or_fail_clearly(text: str) -> None:
    error: FilterPatternError | None = None
    try:
        compiled = compile_pattern(text)
    except FilterPatternError as raised:
        error = raised
    findings = lint_pattern(text, 0)
    _assert_findings(findings)
    if error is None:
        assert compiled.source == text
        assert FilterCriteria([text]).matches({"eventName": "INSERT"}) in (True, False)
        return
    assert str(error).startswith("Invalid filter pattern")
    # The linter reports the same problem as an error finding, without raising.
    assert any(finding.severity == "error" and finding.message == error.problem for finding in findings)
    with pytest.raises(FilterPatternError) as criteria_error:
        FilterCriteria({"Filters": [{"Pattern": text}]})
    assert criteria_error.value.filter_index == 0


@SETTINGS
@given(
    texts=st.lists(mutated_pattern_text(), min_size=1, max_size=7),
    shape=st.sampled_from(["criteria", "list", "settings"]),
)
def test_filter_lint_cli_exit_codes_on_mangled_files(tmp_path: Path, texts: list[str], shape: str) -> None:
    """``filter lint FILE``: 0, 1 or 2, never an exception, for any mangled FilterCriteria file."""
    criteria = {"Filters": [{"Pattern": text} for text in texts]}
    document: Any = {"criteria": criteria, "list": texts, "settings": {"FilterCriteria": criteria}}[shape]
    path = tmp_path / "filters.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    findings = lint_filters(criteria)
    expected = 1 if any(finding.severity == "error" for finding in findings) else 0
    assert filter_main(["filter", "lint", str(path)]) == expected


@SETTINGS
@given(content=st.text(max_size=60) | mutated_pattern_text())
def test_filter_lint_cli_on_arbitrary_file_content(tmp_path: Path, content: str) -> None:
    path = tmp_path / "pattern.json"
    path.write_text(content, encoding="utf-8")
    assert filter_main(["filter", "lint", str(path)]) in (0, 1, 2)


@SETTINGS
@given(text=mutated_pattern_text())
def test_filter_test_cli_with_a_mangled_pattern(tmp_path: Path, text: str) -> None:
    """``filter test --pattern P RECORDS``: a pattern AWS would reject is bad input (exit 2)."""
    records = tmp_path / "records.json"
    records.write_text(json.dumps({"Records": [{"eventName": "INSERT", "dynamodb": {}}]}), encoding="utf-8")
    try:
        compile_pattern(text)
    except FilterPatternError:
        valid = False
    else:
        valid = True
    code = filter_main(["filter", "test", "--pattern", text, str(records)])
    if valid:
        assert code == 0
    else:
        assert code == 2

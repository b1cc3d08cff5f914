"""Fuzzing filter patterns where they enter the system: near-valid pattern text and the CLI.

tests/filters already throws random JSON at ``compile_pattern`` and ``lint_pattern``. These tests
cover what that does not:

* mutations of VALID patterns (a character deleted, inserted or replaced): the text a user gets
  slightly wrong, which random JSON rarely reaches;
* the same inputs through the poller's entry point (``FilterCriteria``) and through
  ``python -m pipeline filter lint|test`` in-process, where a crash would be a traceback for the user
  instead of the documented exit codes (0 clean, 1 findings, 2 bad input).

Whether a mutated text is valid, and which records a valid one lets through, is decided by the
independent model in ``tests/filters/filter_oracle.py``, never by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.cli import main as filter_main
from pipeline.filters.lint import lint_pattern
from pipeline.filters.rules import FilterCriteria, FilterPatternError, compile_pattern
from tests.filters import filter_oracle as oracle

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALID_PATTERNS: list[dict[str, Any]] = [
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


def _ddb_record(name: str, keys: dict[str, Any], **images: Any) -> dict[str, Any]:
    return {"eventName": name, "eventSource": "aws:dynamodb", "dynamodb": {**keys, **images}}


# Records the valid patterns are judged on, and by hand which patterns (indexes above) each passes.
RECORDS: list[tuple[dict[str, Any], list[int]]] = [
    ({"eventName": "INSERT"}, [0, 1, 7]),
    (
        _ddb_record(
            "MODIFY",
            {"ApproximateCreationDateTime": 1764086173.0, "Keys": {"id": {"S": "u-x"}}},
            NewImage={
                "id": {"S": "u-x"},
                "status": {"S": "ACTIVE"},
                "age": {"N": "0"},
                "email": {"S": "a@b"},
            },
            OldImage={"id": {"S": "u-x"}, "deleted": {"BOOL": True}},
        ),
        [1, 2, 4, 5, 6, 7],
    ),
    (
        _ddb_record(
            "INSERT",
            {"ApproximateCreationDateTime": 1.7e9, "Keys": {"id": {"S": "admin"}}},
            NewImage={"id": {"S": "admin"}, "status": {"S": "NEW"}, "age": {"N": "30"}},
        ),
        [0, 1, 2, 3, 4, 5, 7],
    ),
    (
        _ddb_record(
            "REMOVE",
            {"ApproximateCreationDateTime": 2500000000, "Keys": {"id": {"S": "ADMIN"}}},
            OldImage={"id": {"S": "ADMIN"}, "deleted": {"BOOL": False}},
        ),
        [5],
    ),
    ({"eventName": None}, [8]),
]
# VALID_PATTERNS that lint finds nothing in, and (pattern, path of its one lint error) by hand.
LINT_CLEAN = VALID_PATTERNS[:8]
LINT_ERRORS: list[tuple[dict[str, Any], str]] = [
    (VALID_PATTERNS[8], "$.eventName[1]"),  # "" is no eventName
    ({"dynamodb": {"NewImage": {"status": ["NEW"]}}}, "$.dynamodb.NewImage.status"),  # untyped
    ({"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [">", 1]}]}}}}, "$.dynamodb.NewImage.n.N[0].numeric"),
]


@pytest.mark.parametrize("index", range(len(VALID_PATTERNS)))
def test_valid_patterns_pass_the_hand_derived_records(index: int) -> None:
    """The untouched patterns on the sample records, by hand; the oracle agrees, so its verdicts on
    mutated patterns below rest on a model checked against these."""
    pattern = VALID_PATTERNS[index]
    criteria = FilterCriteria([json.dumps(pattern)])
    for record, passing in RECORDS:
        assert criteria.matches(record) is (index in passing), record
        assert oracle.matches(pattern, record) is (index in passing), record


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


@SETTINGS
@given(text=mutated_pattern_text())
def test_near_valid_patterns_compile_or_fail_clearly(text: str) -> None:
    """A mutated pattern compiles exactly when the oracle finds no fault, and then selects exactly
    the sample records the oracle says it matches. Otherwise compile_pattern raises
    FilterPatternError itself (not a subclass, not another error) naming a path of the pattern at
    the fault, lint reports that one error, and FilterCriteria names the filter's index."""
    found = oracle.text_faults(text)
    if not found:
        pattern = json.loads(text)
        compiled = compile_pattern(text)
        assert (compiled.source, compiled.pattern) == (text, pattern)
        criteria = FilterCriteria([text])
        for record, _ in RECORDS:
            assert criteria.matches(record) is oracle.matches(pattern, record), record
        assert all(oracle.names_a_node(pattern, finding.path) for finding in lint_pattern(text, 0))
        return
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern(text)
    error = raised.value
    assert type(error) is FilterPatternError
    assert oracle.explained(error.path, found), (error.path, found)
    assert str(error) == f"Invalid filter pattern (at {error.path}): {error.problem}"

    findings = lint_pattern(text, 0)
    assert [(f.severity, f.filter_index) for f in findings] == [("error", 0)]
    assert oracle.explained(findings[0].path, found), (findings[0].path, found)

    with pytest.raises(FilterPatternError) as in_criteria:
        FilterCriteria({"Filters": [{"Pattern": json.dumps(VALID_PATTERNS[0])}, {"Pattern": text}]})
    assert type(in_criteria.value) is FilterPatternError
    assert in_criteria.value.filter_index == 1
    assert oracle.explained(in_criteria.value.path, found)
    assert str(in_criteria.value).startswith(
        f"Invalid filter pattern (filter 1, at {in_criteria.value.path}): "
    )


# --------------------------------------------------------------------------------------------------
# filter lint on mangled files
# --------------------------------------------------------------------------------------------------

_Expected = tuple[str, str | list[oracle.Fault] | None]


@st.composite
def lint_entries(draw: st.DrawFn) -> _Expected:
    """(pattern text, what lint must report): None when clean, the path of a known lint error, or
    the oracle's faults of a mangled text (mutations the oracle still accepts are not drawn: what
    lint thinks of them has no independent answer)."""
    kind = draw(st.sampled_from(["clean", "lint-error", "mangled"]))
    if kind == "clean":
        return json.dumps(draw(st.sampled_from(LINT_CLEAN))), None
    if kind == "lint-error":
        pattern, path = draw(st.sampled_from(LINT_ERRORS))
        return json.dumps(pattern), path
    text = draw(mutated_pattern_text().filter(oracle.text_faults))
    return text, oracle.text_faults(text)


def _names_a_fault(text: str, separator: str, found: list[oracle.Fault]) -> bool:
    """Whether ``text`` starts with a path the oracle explains, followed by ``separator``.

    Every place the separator occurs is tried, as a key in the path may itself contain it.
    """
    position = text.find(separator)
    while position != -1:
        if oracle.explained(text[:position], found):
            return True
        position = text.find(separator, position + 1)
    return False


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = filter_main(["filter", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@SETTINGS
@given(
    entries=st.lists(lint_entries(), min_size=1, max_size=7),
    shape=st.sampled_from(["criteria", "list", "settings"]),
)
def test_filter_lint_cli_exit_codes_on_mangled_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entries: list[_Expected], shape: str
) -> None:
    """``filter lint --json FILE`` on a FilterCriteria file of known content: each filter gets
    exactly its expected finding (none, the known lint error, or one error at the oracle's fault),
    more than 5 filters one more error, and the exit code is 1 exactly when there is an error."""
    texts = [text for text, _ in entries]
    criteria = {"Filters": [{"Pattern": text} for text in texts]}
    document: Any = {"criteria": criteria, "list": texts, "settings": {"FilterCriteria": criteria}}[shape]
    path = tmp_path / "filters.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    code, out, err = _run(capsys, "lint", "--json", str(path))
    (report,) = json.loads(out)
    assert (report["source"], report["filters"], err) == (str(path), len(texts), "")
    findings = report["findings"]
    if len(texts) > 5:
        count_finding = findings.pop(0)
        assert (count_finding["severity"], count_finding["filter"], count_finding["path"]) == (
            "error",
            None,
            "$",
        )
        assert count_finding["message"].startswith(
            f"{len(texts)} filters; an event source mapping takes at most 5"
        )
    got = [(f["filter"], f["severity"], f["path"]) for f in findings]
    assert [index for index, _, _ in got] == [
        index for index, (_, want) in enumerate(entries) if want is not None
    ]
    for index, severity, found_path in got:
        want = entries[index][1]
        assert severity == "error"
        if isinstance(want, str):
            assert found_path == want
        else:
            assert oracle.explained(found_path, want or []), (found_path, want)
    has_error = len(texts) > 5 or any(want is not None for _, want in entries)
    assert code == (1 if has_error else 0)


def _patterns_in(document: Any) -> list[Any] | None:
    """The patterns ``filter lint FILE`` lints for a parsed file, None when the file is bad input."""
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    if isinstance(document, str):
        return [document]
    return None


def _pattern_text(pattern: Any) -> str | None:
    try:
        return pattern if isinstance(pattern, str) else json.dumps(pattern, allow_nan=False)
    except ValueError:
        return None  # NaN or Infinity: not JSON, so not a pattern


@SETTINGS
@given(content=st.text(max_size=60) | mutated_pattern_text())
def test_filter_lint_cli_on_arbitrary_file_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    """Any file content: not JSON, or JSON that is neither a pattern, a list nor a string, is bad
    input (2, "error: FILE: ..." and nothing on stdout); a file with more than 5 patterns or one the
    oracle faults has errors (1, each such filter named); otherwise lint decides (0 or 1) and the
    exit code, the error lines and the summary line agree."""
    path = tmp_path / "pattern.json"
    path.write_text(content, encoding="utf-8")
    seen = path.read_text(encoding="utf-8")  # what the command reads (newlines translated)
    code, out, err = _run(capsys, "lint", str(path))
    try:
        document = json.loads(seen)
    except ValueError:
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {path}: not valid JSON: ")
        return
    assume(
        not (isinstance(document, dict) and {"Filters", "FilterCriteria", "format_version"} & set(document))
    )
    patterns = _patterns_in(document)
    if patterns is None:
        assert (code, out) == (2, "")
        kind = type(document).__name__
        assert err == (
            f"error: {path}: expected a pattern object, a list of patterns or a FilterCriteria, not {kind}\n"
        )
        return
    assume(not any(isinstance(p, dict) and set(p) == {"Pattern"} for p in patterns))
    assert err == ""
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith(f"{path}: error: ")]
    bad = []
    for index, pattern in enumerate(patterns):
        text = _pattern_text(pattern)
        found = oracle.text_faults(text) if text is not None else [oracle.Fault("$")]
        if found:
            bad.append(index)
            mine = [line for line in errors if line.startswith(f"{path}: error: filter {index} ")]
            assert len(mine) == 1, lines
            assert _names_a_fault(mine[0].removeprefix(f"{path}: error: filter {index} "), ": ", found)
    summary = lines[-1].split(" error(s), ")
    assert int(summary[0]) == len(errors)
    if len(patterns) > 5:
        assert f"{path}: error: $: {len(patterns)} filters; " in out
    if bad or len(patterns) > 5:
        assert code == 1
    else:
        assert code == (1 if errors else 0)


@SETTINGS
@given(text=mutated_pattern_text())
def test_filter_test_cli_with_a_mangled_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """``filter test --pattern P RECORDS``: a pattern the oracle faults is bad input (exit 2, the
    message names the filter and a path at the fault); a valid one reports PASS exactly for the
    records the oracle matches (exit 0); text that is not inline JSON is a missing file (exit 2)."""
    records = tmp_path / "records.json"
    records.write_text(json.dumps({"Records": [record for record, _ in RECORDS]}), encoding="utf-8")
    start = text.lstrip()[:1]
    assume(start != "[")  # an inline list of patterns: rare, and not what this test is about
    assume(start == "{" or not Path(text).exists())
    code, out, err = _run(capsys, "test", "--json", "--pattern", text, str(records))
    if start != "{":
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {text}: no such file (an inline pattern is JSON starting with '{{'")
        return
    found = oracle.text_faults(text)
    if found:
        assert (code, out) == (2, "")
        prefix = "error: <inline>: Invalid filter pattern (filter 0, at "
        assert err.startswith(prefix), err
        assert _names_a_fault(err.removeprefix(prefix), "): ", found), (err, found)
        return
    pattern = json.loads(text)
    assert (code, err) == (0, "")
    expected = [
        ("PASS", [0]) if oracle.matches(pattern, record) else ("FILTERED", []) for record, _ in RECORDS
    ]
    assert [(r["result"], r["matchedFilters"]) for r in json.loads(out)] == expected

"""``filter lint`` findings: each pattern that AWS accepts but that never (or always) matches DynamoDB."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.filters.lint import Finding, has_errors, lint_filters, lint_pattern
from pipeline.filters.rules import FilterCriteria

RECORD = {
    "eventID": "1",
    "eventName": "INSERT",
    "eventSource": "aws:dynamodb",
    "dynamodb": {
        "ApproximateCreationDateTime": 1.7e9,
        "Keys": {"id": {"S": "u1"}},
        "NewImage": {"id": {"S": "u1"}, "status": {"S": "NEW"}, "age": {"N": "42"}},
        "SequenceNumber": "100",
        "SizeBytes": 40,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
}


def _only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.format() for f in findings]
    return findings[0]


# (case, pattern, JSON path of the single finding, words the message must contain)
NEVER_MATCHES: list[tuple[str, dict[str, Any], str, list[str]]] = [
    (
        "missing-type-key",
        {"dynamodb": {"NewImage": {"status": ["NEW"]}}},
        "$.dynamodb.NewImage.status",
        ['{"status": {"S": ["NEW"]}}'],
    ),
    (
        "missing-type-key-number",
        {"dynamodb": {"Keys": {"age": [42]}}},
        "$.dynamodb.Keys.age",
        ['{"age": {"N": ["42"]}}'],
    ),
    (
        "numeric-on-n",
        {"dynamodb": {"NewImage": {"age": {"N": [{"numeric": [">", 18]}]}}}},
        "$.dynamodb.NewImage.age.N[0].numeric",
        ["numeric never matches", "strings"],
    ),
    (
        "number-literal-on-n",
        {"dynamodb": {"NewImage": {"age": {"N": [42]}}}},
        "$.dynamodb.NewImage.age.N[0]",
        ['write "42"'],
    ),
    ("kinesis-data", {"data": {"status": ["NEW"]}}, "$.data", ["Kinesis", "dynamodb.NewImage"]),
    (
        "exists-at-attribute-level-true",
        {"dynamodb": {"NewImage": {"status": [{"exists": True}]}}},
        "$.dynamodb.NewImage.status",
        ["never matches", '{"status": {"S": [{"exists": true}]}}'],
    ),
    (
        "exists-at-attribute-level-false",
        {"dynamodb": {"NewImage": {"status": [{"exists": False}]}}},
        "$.dynamodb.NewImage.status",
        ["always matches"],
    ),
    ("unknown-top-level", {"eventname": ["INSERT"]}, "$.eventname", ["did you mean 'eventName'"]),
    ("unknown-dynamodb-key", {"dynamodb": {"Image": {"a": {"S": ["x"]}}}}, "$.dynamodb.Image", ["NewImage"]),
    ("event-name-case", {"eventName": ["insert"]}, "$.eventName[0]", ["INSERT, MODIFY, REMOVE"]),
    ("event-name-unknown", {"eventName": ["UPDATE"]}, "$.eventName[0]", ["never matches"]),
    ("event-name-prefix", {"eventName": [{"prefix": "UP"}]}, "$.eventName[0].prefix", ["never matches"]),
    ("event-source", {"eventSource": ["aws:kinesis"]}, "$.eventSource[0]", ["aws:dynamodb"]),
    ("numeric-on-string-field", {"eventName": [{"numeric": [">", 1]}]}, "$.eventName[0].numeric", ["string"]),
    ("string-on-number-field", {"dynamodb": {"SizeBytes": ["40"]}}, "$.dynamodb.SizeBytes[0]", ["number"]),
    (
        "prefix-on-number-field",
        {"dynamodb": {"SizeBytes": [{"prefix": "4"}]}},
        "$.dynamodb.SizeBytes[0].prefix",
        ["numeric"],
    ),
    (
        "unknown-type-key",
        {"dynamodb": {"NewImage": {"addr": {"city": {"S": ["x"]}}}}},
        "$.dynamodb.NewImage.addr.city",
        ['"M"'],
    ),
    (
        "bool-as-string",
        {"dynamodb": {"NewImage": {"ok": {"BOOL": ["true"]}}}},
        "$.dynamodb.NewImage.ok.BOOL[0]",
        ["JSON booleans"],
    ),
    (
        "number-literal-on-s",
        {"dynamodb": {"NewImage": {"id": {"S": [7]}}}},
        "$.dynamodb.NewImage.id.S[0]",
        ['write "7"'],
    ),
    (
        "image-as-leaf",
        {"dynamodb": {"NewImage": [{"exists": True}]}},
        "$.dynamodb.NewImage",
        ["never a leaf"],
    ),
    ("dynamodb-as-leaf", {"dynamodb": ["x"]}, "$.dynamodb", ["never a leaf"]),
    ("scalar-as-object", {"eventName": {"S": ["INSERT"]}}, "$.eventName", ["not an object"]),
    (
        "inside-or",
        {"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"NewImage": {"status": ["NEW"]}}}]},
        "$.$or[1].dynamodb.NewImage.status",
        ["typed"],
    ),
    (
        "map-nested-missing-type",
        {"dynamodb": {"NewImage": {"addr": {"M": {"city": ["Paris"]}}}}},
        "$.dynamodb.NewImage.addr.M.city",
        ['{"city": {"S": ["Paris"]}}'],
    ),
]


@pytest.mark.parametrize(
    ("pattern", "path", "words"),
    [pytest.param(p, path, w, id=case) for case, p, path, w in NEVER_MATCHES],
)
def test_lint_flags_pattern(pattern: dict[str, Any], path: str, words: list[str]) -> None:
    finding = _only(lint_pattern(json.dumps(pattern)))
    assert finding.severity == "error"
    assert finding.path == path
    for word in words:
        assert word in finding.message


# Whole patterns that can match nothing: the $or case has a valid alternative, exists:false always matches.
_NOT_WHOLLY_DEAD = {"inside-or", "exists-at-attribute-level-false"}


@pytest.mark.parametrize(
    "pattern",
    [pytest.param(p, id=case) for case, p, _, _ in NEVER_MATCHES if case not in _NOT_WHOLLY_DEAD],
)
def test_flagged_never_match_patterns_really_never_match(pattern: dict[str, Any]) -> None:
    """The matcher agrees with the linter: the record the pattern was meant for is filtered out."""
    assert not FilterCriteria([json.dumps(pattern)]).matches(RECORD)


def test_flagged_attribute_level_exists_false_really_always_matches() -> None:
    criteria = FilterCriteria(['{"dynamodb": {"NewImage": {"status": [{"exists": false}]}}}'])
    assert criteria.matches(RECORD)  # the record HAS status, and still passes


@pytest.mark.parametrize(
    "pattern",
    [
        {"eventName": ["INSERT", "MODIFY"]},
        {"eventName": [{"anything-but": "REMOVE"}]},
        {"dynamodb": {"NewImage": {"status": {"S": ["NEW", {"prefix": "N"}]}}}},
        {"dynamodb": {"NewImage": {"age": {"N": ["42", {"anything-but": ["0"]}]}}}},
        {"dynamodb": {"NewImage": {"gone": {"S": [{"exists": False}]}}}},
        {
            "dynamodb": {
                "ApproximateCreationDateTime": [{"numeric": [">", 0]}],
                "SizeBytes": [{"numeric": ["<", 1000]}],
            }
        },
        {"dynamodb": {"Keys": {"id": {"S": [{"prefix": "u"}]}}, "StreamViewType": ["NEW_AND_OLD_IMAGES"]}},
        {"dynamodb": {"NewImage": {"addr": {"M": {"city": {"S": ["Paris"]}}}, "ok": {"BOOL": [True]}}}},
        {"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}},
        {"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"NewImage": {"status": {"S": ["NEW"]}}}}]},
    ],
)
def test_lint_accepts_correct_patterns(pattern: dict[str, Any]) -> None:
    assert lint_pattern(json.dumps(pattern)) == []


def test_invalid_pattern_is_an_error_finding_with_its_path() -> None:
    finding = _only(lint_pattern('{"eventName": "INSERT"}', filter_index=3))
    assert (finding.severity, finding.path, finding.filter_index) == ("error", "$.eventName", 3)
    assert "must be in a list" in finding.message
    assert finding.format().startswith("error: filter 3 $.eventName: ")


def test_pattern_over_4096_characters() -> None:
    values = [f"user-{i:05d}" for i in range(400)]
    text = json.dumps({"dynamodb": {"Keys": {"id": {"S": values}}}}, separators=(",", ":"))
    assert len(text) > 4096
    finding = _only(lint_pattern(text))
    assert finding.severity == "error"
    assert f"{len(text)} characters" in finding.message
    assert "4096" in finding.message
    shorter = json.dumps({"dynamodb": {"Keys": {"id": {"S": values[:50]}}}}, separators=(",", ":"))
    assert lint_pattern(shorter) == []


def test_more_than_five_filters() -> None:
    patterns = [json.dumps({"eventName": ["INSERT"]})] * 6
    finding = _only(lint_filters(patterns))
    assert (finding.severity, finding.path) == ("error", "$")
    assert "6 filters; an event source mapping takes at most 5" in finding.message
    assert lint_filters(patterns, max_filters=10) == []
    assert "at most 10" in _only(lint_filters(patterns * 2, max_filters=10)).message


def test_filter_criteria_shape_locates_findings_per_filter() -> None:
    criteria = {
        "Filters": [
            {"Pattern": '{"eventName": ["INSERT"]}'},
            {"Pattern": '{"dynamodb": {"NewImage": {"status": ["NEW"]}}}'},
            {"NotAPattern": 1},
        ]
    }
    findings = lint_filters(criteria)
    assert [(f.filter_index, f.path) for f in findings] == [(2, "$"), (1, "$.dynamodb.NewImage.status")]
    assert has_errors(findings)


def test_undocumented_operator_forms_are_warnings() -> None:
    finding = _only(
        lint_pattern(json.dumps({"dynamodb": {"Keys": {"id": {"S": [{"anything-but": {"prefix": "t"}}]}}}}))
    )
    assert finding.severity == "warning"
    assert finding.path == "$.dynamodb.Keys.id.S[0].anything-but"
    assert not has_errors([finding])


def test_numeric_bound_outside_the_documented_range_is_a_warning() -> None:
    pattern = {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 1.7e9, "<", 6e9]}]}}
    finding = _only(lint_pattern(json.dumps(pattern)))
    assert (finding.severity, finding.path) == (
        "warning",
        "$.dynamodb.ApproximateCreationDateTime[0].numeric",
    )
    assert "between -5.0e+09 and +5.0e+09" in finding.message


def test_a_null_pattern_is_an_error_not_skipped() -> None:
    """JSON null is a pattern Lambda rejects; only a Filters item without a Pattern is skipped."""
    findings = lint_filters([None])
    assert [finding.format() for finding in findings] == [
        'error: filter 0 $: a pattern must be a JSON object such as {"eventName": ["INSERT"]}, not null'
    ]
    assert [f.format() for f in lint_filters({"Filters": [{"NoPattern": 1}]})] == [
        'error: filter 0 $: each filter must be {"Pattern": "..."}'
    ]

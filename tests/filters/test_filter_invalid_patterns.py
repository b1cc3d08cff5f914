"""Patterns AWS rejects ("Invalid filter pattern definition.") fail to compile with the spot to fix."""

from __future__ import annotations

import pytest

from pipeline.filters.rules import FilterCriteria, FilterPatternError, compile_pattern

# (case, pattern text, JSON path of the problem, words of the message)
INVALID: list[tuple[str, str, str, str]] = [
    ("aws-single-string", "single-string", "$", "not valid JSON (Expecting value at line 1 column 1)"),
    ("aws-bad-json", '[{"eventName": ["INSERT"]=123}]', "$", "not valid JSON (Expecting ',' delimiter"),
    ("empty-text", "", "$", "not valid JSON"),
    ("list-pattern", '[{"eventName": ["INSERT"]}]', "$", "must be a JSON object"),
    ("string-pattern", '"x"', "$", "must be a JSON object"),
    ("empty-pattern", "{}", "$", "an empty object matches nothing"),
    ("bare-string-leaf", '{"eventName": "INSERT"}', "$.eventName", 'must be in a list, e.g. ["INSERT"]'),
    (
        "bare-number-leaf",
        '{"dynamodb": {"SizeBytes": 5}}',
        "$.dynamodb.SizeBytes",
        "must be in a list, e.g. [5]",
    ),
    ("null-leaf", '{"a": null}', "$.a", "must be in a list"),
    ("empty-list", '{"a": []}', "$.a", "an empty list matches nothing"),
    ("empty-object", '{"a": {}}', "$.a", "an empty object matches nothing"),
    ("nested-list", '{"a": [["x"]]}', "$.a[0]", "cannot be nested lists"),
    ("unknown-operator", '{"a": [{"contains": "x"}]}', "$.a[0].contains", "unknown operator 'contains'"),
    ("two-operators", '{"a": [{"prefix": "x", "suffix": "y"}]}', "$.a[0]", "exactly one operator"),
    ("empty-operator", '{"a": [{}]}', "$.a[0]", "exactly one operator"),
    ("wildcard", '{"a": [{"wildcard": "x*"}]}', "$.a[0].wildcard", "not part of Lambda's filter rule syntax"),
    ("cidr", '{"a": [{"cidr": "10.0.0.0/8"}]}', "$.a[0].cidr", "not part of Lambda's filter rule syntax"),
    ("exists-string", '{"a": [{"exists": "true"}]}', "$.a[0].exists", "exists takes true or false"),
    ("prefix-number", '{"a": [{"prefix": 1}]}', "$.a[0].prefix", "expected a string, got a number"),
    (
        "ignore-case-list",
        '{"a": [{"equals-ignore-case": ["x"]}]}',
        "$.a[0].equals-ignore-case",
        "expected a string",
    ),
    ("anything-but-empty", '{"a": [{"anything-but": []}]}', "$.a[0].anything-but", "at least one value"),
    (
        "anything-but-null",
        '{"a": [{"anything-but": [null]}]}',
        "$.a[0].anything-but[0]",
        "strings or numbers",
    ),
    ("anything-but-bool", '{"a": [{"anything-but": true}]}', "$.a[0].anything-but", "strings or numbers"),
    ("anything-but-mixed", '{"a": [{"anything-but": ["x", 1]}]}', "$.a[0].anything-but", "not both"),
    (
        "anything-but-unknown",
        '{"a": [{"anything-but": {"numeric": [">", 1]}}]}',
        "$.a[0].anything-but.numeric",
        "not 'numeric'",
    ),
    ("numeric-not-list", '{"a": [{"numeric": 5}]}', "$.a[0].numeric", "operator/number pairs"),
    ("numeric-odd", '{"a": [{"numeric": [">", 1, "<"]}]}', "$.a[0].numeric", "operator/number pairs"),
    ("numeric-bad-op", '{"a": [{"numeric": ["!=", 1]}]}', "$.a[0].numeric[0]", "one of =, <, <=, >, >="),
    (
        "numeric-string-bound",
        '{"a": [{"numeric": [">", "1"]}]}',
        "$.a[0].numeric[1]",
        "finite number, got a string",
    ),
    (
        "numeric-two-lower",
        '{"a": [{"numeric": [">", 1, ">=", 2]}]}',
        "$.a[0].numeric[2]",
        "at most one lower",
    ),
    ("numeric-equals-range", '{"a": [{"numeric": ["=", 1, "<", 2]}]}', "$.a[0].numeric[0]", '"=" alone'),
    ("numeric-inverted", '{"a": [{"numeric": [">", 5, "<", 1]}]}', "$.a[0].numeric", "range is empty"),
    ("numeric-infinite", '{"a": [{"numeric": [">", 1e999]}]}', "$.a[0].numeric[1]", "finite number"),
    ("nan-literal", '{"a": [NaN]}', "$", "NaN is not valid JSON"),
    ("or-one", '{"$or": [{"a": ["x"]}]}', "$.$or", "at least two pattern objects"),
    ("or-not-list", '{"$or": {"a": ["x"]}}', "$.$or", "at least two pattern objects"),
    ("or-scalar-alternative", '{"$or": [{"a": ["x"]}, "b"]}', "$.$or[1]", "must be a pattern object"),
    ("unknown-dollar", '{"$and": [{"a": ["x"]}, {"b": ["y"]}]}', '$["$and"]', "unknown keyword '$and'"),
    ("odd-key-path", '{"my key": {"x.y": "v"}}', '$["my key"]["x.y"]', "must be in a list"),
    ("too-deep", '{"a":' * 50 + '["x"]' + "}" * 50, "$" + ".a" * 41, "nested more than 40 levels"),
]


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [pytest.param(text, path, words, id=case) for case, text, path, words in INVALID],
)
def test_invalid_pattern_is_rejected_with_its_location(text: str, path: str, words: str) -> None:
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern(text)
    assert raised.value.path == path
    assert words in raised.value.problem
    assert str(raised.value) == f"Invalid filter pattern (at {path}): {raised.value.problem}"


def test_error_in_a_filter_criteria_names_the_filter() -> None:
    with pytest.raises(FilterPatternError) as raised:
        FilterCriteria(['{"eventName": ["INSERT"]}', '{"eventName": "MODIFY"}'])
    assert raised.value.filter_index == 1
    assert str(raised.value).startswith("Invalid filter pattern (filter 1, at $.eventName): match values")


@pytest.mark.parametrize(
    "criteria",
    [{"Filters": "x"}, {"Filters": [{"NoPattern": "x"}]}, {"Filters": ["x"]}],
)
def test_malformed_filter_criteria_shape(criteria: dict[str, object]) -> None:
    with pytest.raises(FilterPatternError, match=r"Filters|Pattern"):
        FilterCriteria(criteria)


def test_non_string_pattern_is_a_filter_pattern_error() -> None:
    with pytest.raises(FilterPatternError, match="must be a JSON string, not int"):
        compile_pattern(42)  # type: ignore[arg-type]


def test_an_integer_bound_too_large_for_a_float_is_valid_and_compares_exactly() -> None:
    """Python ints are exact: a 400-digit bound must not overflow math.isfinite."""
    huge = "9" * 400
    pattern = compile_pattern('{"a": [{"numeric": [">", ' + huge + "]}]}")
    assert not pattern.matches({"a": 5})
    assert pattern.matches({"a": int(huge) + 1})


def test_a_single_ignore_case_value_is_located_without_an_index() -> None:
    """The value is not a list, so the error path must not invent ``[0]``."""
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern('{"a": [{"anything-but": {"equals-ignore-case": 5}}]}')
    assert raised.value.path == "$.a[0].anything-but.equals-ignore-case"

"""Table-driven matcher cases hand-derived from the AWS documentation.

Sources: the Lambda developer guide's filter rule syntax table ("Control which events Lambda sends
to your function") with its example field names, its "Filtering with DynamoDB" section and example
stream record, and the EventBridge operator semantics the Lambda syntax inherits (leaf-only
comparison, arrays match if any element matches, anything-but on present values only).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from pipeline.filters.rules import FilterCriteria, compile_pattern

# The INSERT record of the guide's DynamoDB example (a chocolate product table).
DOC_RECORD: dict[str, Any] = {
    "eventID": "c9fbe7d0261a5163fcb6940593e41797",
    "eventName": "INSERT",
    "eventVersion": "1.1",
    "eventSource": "aws:dynamodb",
    "awsRegion": "us-east-2",
    "dynamodb": {
        "ApproximateCreationDateTime": 1664559083.0,
        "Keys": {"SK": {"S": "PRODUCT#CHOCOLATE#DARK#1000"}, "PK": {"S": "COMPANY#1000"}},
        "NewImage": {
            "quantity": {"N": "50"},
            "company_id": {"S": "1000"},
            "fabric": {"S": "Florida Chocolates"},
            "price": {"N": "15"},
            "stores": {"N": "5"},
            "product_id": {"S": "1000"},
            "SK": {"S": "PRODUCT#CHOCOLATE#DARK#1000"},
            "PK": {"S": "COMPANY#1000"},
            "state": {"S": "FL"},
            "type": {"S": ""},
        },
        "SequenceNumber": "700000000000888747038",
        "SizeBytes": 174,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
    "eventSourceARN": "arn:aws:dynamodb:us-east-2:111122223333:table/choc/stream/2022-09-30T17:05:53.209",
}


def _with(path: str, typed_value: Any) -> dict[str, Any]:
    """DOC_RECORD with dynamodb.NewImage.<path> set (or removed when typed_value is None)."""
    record = copy.deepcopy(DOC_RECORD)
    image = record["dynamodb"]["NewImage"]
    if typed_value is None:
        image.pop(path, None)
    else:
        image[path] = typed_value
    return record


# (case id, pattern, event, expected match)
SYNTAX_TABLE: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # Null: matches an explicit JSON null only, not a missing field or an empty string.
    ("null-matches-null", {"UserID": [None]}, {"UserID": None}, True),
    ("null-not-missing", {"UserID": [None]}, {"Other": 1}, False),
    ("null-not-empty-string", {"UserID": [None]}, {"UserID": ""}, False),
    # Empty: the empty string, not null.
    ("empty-matches-empty", {"LastName": [""]}, {"LastName": ""}, True),
    ("empty-not-null", {"LastName": [""]}, {"LastName": None}, False),
    ("empty-not-text", {"LastName": [""]}, {"LastName": "Doe"}, False),
    # Equals: exact and case-sensitive.
    ("equals", {"Name": ["Alice"]}, {"Name": "Alice"}, True),
    ("equals-case-sensitive", {"Name": ["Alice"]}, {"Name": "alice"}, False),
    ("equals-string-not-number", {"Count": ["5"]}, {"Count": 5}, False),
    ("equals-number-not-string", {"Count": [5]}, {"Count": "5"}, False),
    ("equals-number-numeric-value", {"Count": [5]}, {"Count": 5.0}, True),
    ("equals-true-not-one", {"Flag": [True]}, {"Flag": 1}, False),
    ("equals-one-not-true", {"Flag": [1]}, {"Flag": True}, False),
    ("equals-false", {"Flag": [False]}, {"Flag": False}, True),
    # Equals (ignore case).
    ("ignore-case", {"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "ALICE"}, True),
    ("ignore-case-different", {"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "Alicia"}, False),
    ("ignore-case-number", {"Name": [{"equals-ignore-case": "5"}]}, {"Name": 5}, False),
    # And: every field must match.
    (
        "and-both",
        {"Location": ["New York"], "Day": ["Monday"]},
        {"Location": "New York", "Day": "Monday"},
        True,
    ),
    (
        "and-one",
        {"Location": ["New York"], "Day": ["Monday"]},
        {"Location": "New York", "Day": "Friday"},
        False,
    ),
    # Or: any value of the list.
    ("or-first", {"PaymentType": ["Credit", "Debit"]}, {"PaymentType": "Credit"}, True),
    ("or-second", {"PaymentType": ["Credit", "Debit"]}, {"PaymentType": "Debit"}, True),
    ("or-none", {"PaymentType": ["Credit", "Debit"]}, {"PaymentType": "Cash"}, False),
    # Or (multiple fields): $or.
    (
        "or-fields-a",
        {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]},
        {"Location": "New York"},
        True,
    ),
    ("or-fields-b", {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}, {"Day": "Monday"}, True),
    ("or-fields-none", {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}, {"Day": "Sunday"}, False),
    (
        "or-with-and",
        {"Kind": ["A"], "$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]},
        {"Kind": "B", "Day": "Monday"},
        False,
    ),
    # Not: anything-but.
    ("not-other", {"Weather": [{"anything-but": ["Raining"]}]}, {"Weather": "Sunny"}, True),
    ("not-same", {"Weather": [{"anything-but": ["Raining"]}]}, {"Weather": "Raining"}, False),
    ("not-single-value", {"Weather": [{"anything-but": "Raining"}]}, {"Weather": "Snowing"}, True),
    ("not-missing-field", {"Weather": [{"anything-but": ["Raining"]}]}, {"Other": "x"}, False),
    ("not-number", {"Code": [{"anything-but": [404, 500]}]}, {"Code": 200}, True),
    ("not-number-same", {"Code": [{"anything-but": [404, 500]}]}, {"Code": 500.0}, False),
    ("not-string-vs-number", {"Code": [{"anything-but": ["404"]}]}, {"Code": 404}, True),
    ("not-prefix", {"Region": [{"anything-but": {"prefix": "us-"}}]}, {"Region": "eu-west-1"}, True),
    ("not-prefix-same", {"Region": [{"anything-but": {"prefix": "us-"}}]}, {"Region": "us-east-1"}, False),
    ("not-suffix", {"FileName": [{"anything-but": {"suffix": ".png"}}]}, {"FileName": "a.png"}, False),
    ("not-ignore-case", {"State": [{"anything-but": {"equals-ignore-case": "ok"}}]}, {"State": "OK"}, False),
    # Numeric (equals) and ranges: only JSON numbers match.
    ("numeric-equals", {"Price": [{"numeric": ["=", 100]}]}, {"Price": 100}, True),
    ("numeric-equals-float", {"Price": [{"numeric": ["=", 100]}]}, {"Price": 100.0}, True),
    ("numeric-equals-string", {"Price": [{"numeric": ["=", 100]}]}, {"Price": "100"}, False),
    ("numeric-range-in", {"Price": [{"numeric": [">", 10, "<=", 20]}]}, {"Price": 20}, True),
    ("numeric-range-low-edge", {"Price": [{"numeric": [">", 10, "<=", 20]}]}, {"Price": 10}, False),
    ("numeric-range-above", {"Price": [{"numeric": [">", 10, "<=", 20]}]}, {"Price": 20.5}, False),
    ("numeric-upper-first", {"Price": [{"numeric": ["<", 0, ">=", -5]}]}, {"Price": -5}, True),
    ("numeric-bool", {"Price": [{"numeric": [">=", 0]}]}, {"Price": True}, False),
    # Exists / does not exist: leaf nodes only.
    ("exists-present", {"ProductName": [{"exists": True}]}, {"ProductName": "Pen"}, True),
    ("exists-null-is-present", {"ProductName": [{"exists": True}]}, {"ProductName": None}, True),
    ("exists-absent", {"ProductName": [{"exists": True}]}, {"Other": 1}, False),
    ("not-exists-absent", {"ProductName": [{"exists": False}]}, {"Other": 1}, True),
    ("not-exists-present", {"ProductName": [{"exists": False}]}, {"ProductName": "Pen"}, False),
    ("exists-on-object", {"Product": [{"exists": True}]}, {"Product": {"Name": "Pen"}}, False),
    ("not-exists-on-object", {"Product": [{"exists": False}]}, {"Product": {"Name": "Pen"}}, True),
    ("not-exists-parent-missing", {"A": {"B": [{"exists": False}]}}, {"C": 1}, True),
    # Begins with / ends with: strings only.
    ("prefix", {"Region": [{"prefix": "us-"}]}, {"Region": "us-east-1"}, True),
    ("prefix-miss", {"Region": [{"prefix": "us-"}]}, {"Region": "eu-west-1"}, False),
    ("prefix-empty", {"Region": [{"prefix": ""}]}, {"Region": "anything"}, True),
    ("prefix-number", {"Code": [{"prefix": "4"}]}, {"Code": 404}, False),
    (
        "prefix-ignore-case",
        {"Region": [{"prefix": {"equals-ignore-case": "US-"}}]},
        {"Region": "us-west-2"},
        True,
    ),
    ("suffix", {"FileName": [{"suffix": ".png"}]}, {"FileName": "cat.png"}, True),
    ("suffix-miss", {"FileName": [{"suffix": ".png"}]}, {"FileName": "cat.jpg"}, False),
    # Arrays in the event: any element may match.
    ("array-any-element", {"Tags": ["b"]}, {"Tags": ["a", "b"]}, True),
    ("array-no-element", {"Tags": ["c"]}, {"Tags": ["a", "b"]}, False),
    ("array-anything-but-other-element", {"Tags": [{"anything-but": "a"}]}, {"Tags": ["a", "b"]}, True),
    ("array-of-objects", {"Items": {"Sku": ["x"]}}, {"Items": [{"Sku": "y"}, {"Sku": "x"}]}, True),
    ("empty-array-does-not-exist", {"Tags": [{"exists": False}]}, {"Tags": []}, True),
    # Array consistency: the fields of one pattern object must match within ONE array element.
    (
        "array-same-element",
        {"Items": {"Sku": ["x"], "Qty": [1]}},
        {"Items": [{"Sku": "y", "Qty": 1}, {"Sku": "x", "Qty": 1}]},
        True,
    ),
    (
        "array-fields-from-different-elements",
        {"Items": {"Sku": ["x"], "Qty": [1]}},
        {"Items": [{"Sku": "x", "Qty": 2}, {"Sku": "y", "Qty": 1}]},
        False,
    ),
    ("nested-arrays-crushed", {"Items": {"Sku": ["z"]}}, {"Items": [[{"Sku": "x"}], [{"Sku": "z"}]]}, True),
    # Nesting.
    ("nested", {"detail": {"state": ["running"]}}, {"detail": {"state": "running"}}, True),
    ("nested-missing", {"detail": {"state": ["running"]}}, {"detail": "running"}, False),
    ("mixed-list-exact-or-prefix", {"S": ["x", {"prefix": "ab"}]}, {"S": "abc"}, True),
]


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [pytest.param(p, e, x, id=case) for case, p, e, x in SYNTAX_TABLE],
)
def test_syntax_table(pattern: dict[str, Any], event: dict[str, Any], expected: bool) -> None:
    assert compile_pattern(json.dumps(pattern)).matches(event) is expected


# The guide's DynamoDB filters against its example record: typed values, N as strings.
DYNAMODB_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    ("keys-partition", {"dynamodb": {"Keys": {"PK": {"S": ["COMPANY#1000"]}}}}, DOC_RECORD, True),
    ("keys-sort-prefix", {"dynamodb": {"Keys": {"SK": {"S": [{"prefix": "PRODUCT#"}]}}}}, DOC_RECORD, True),
    ("keys-other-company", {"dynamodb": {"Keys": {"PK": {"S": ["COMPANY#2000"]}}}}, DOC_RECORD, False),
    ("new-image-string", {"dynamodb": {"NewImage": {"state": {"S": ["FL"]}}}}, DOC_RECORD, True),
    ("new-image-empty-string", {"dynamodb": {"NewImage": {"type": {"S": [""]}}}}, DOC_RECORD, True),
    ("n-as-string", {"dynamodb": {"NewImage": {"quantity": {"N": ["50"]}}}}, DOC_RECORD, True),
    ("n-number-literal", {"dynamodb": {"NewImage": {"quantity": {"N": [50]}}}}, DOC_RECORD, False),
    (
        "n-numeric",
        {"dynamodb": {"NewImage": {"quantity": {"N": [{"numeric": [">", 10]}]}}}},
        DOC_RECORD,
        False,
    ),
    ("n-prefix", {"dynamodb": {"NewImage": {"price": {"N": [{"prefix": "1"}]}}}}, DOC_RECORD, True),
    ("missing-type-key", {"dynamodb": {"NewImage": {"state": ["FL"]}}}, DOC_RECORD, False),
    ("wrong-type-key", {"dynamodb": {"NewImage": {"state": {"N": ["FL"]}}}}, DOC_RECORD, False),
    (
        "event-name-and-image",
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"fabric": {"S": ["Florida Chocolates"]}}}},
        DOC_RECORD,
        True,
    ),
    ("event-name-modify", {"eventName": ["MODIFY"]}, DOC_RECORD, False),
    (
        "creation-time-numeric",
        {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}},
        DOC_RECORD,
        True,
    ),
    ("size-bytes-range", {"dynamodb": {"SizeBytes": [{"numeric": [">=", 100, "<", 200]}]}}, DOC_RECORD, True),
    ("old-image-absent", {"dynamodb": {"OldImage": {"state": {"S": [{"exists": True}]}}}}, DOC_RECORD, False),
    (
        "bool-attribute",
        {"dynamodb": {"NewImage": {"active": {"BOOL": [False]}}}},
        _with("active", {"BOOL": False}),
        True,
    ),
    (
        "bool-not-string",
        {"dynamodb": {"NewImage": {"active": {"BOOL": ["false"]}}}},
        _with("active", {"BOOL": False}),
        False,
    ),
    (
        "null-attribute",
        {"dynamodb": {"NewImage": {"gone": {"NULL": [True]}}}},
        _with("gone", {"NULL": True}),
        True,
    ),
    (
        "string-set-element",
        {"dynamodb": {"NewImage": {"tags": {"SS": ["dark"]}}}},
        _with("tags", {"SS": ["milk", "dark"]}),
        True,
    ),
    (
        "map-attribute",
        {"dynamodb": {"NewImage": {"addr": {"M": {"city": {"S": ["Miami"]}}}}}},
        _with("addr", {"M": {"city": {"S": "Miami"}}}),
        True,
    ),
    (
        "list-element",
        {"dynamodb": {"NewImage": {"ids": {"L": {"S": ["b"]}}}}},
        _with("ids", {"L": [{"S": "a"}, {"S": "b"}]}),
        True,
    ),
    (
        "list-elements-are-separate",
        {"dynamodb": {"NewImage": {"mix": {"L": {"S": ["a"], "N": ["1"]}}}}},
        _with("mix", {"L": [{"S": "a"}, {"N": "1"}]}),
        False,
    ),
    (
        "list-of-maps-one-element",
        {"dynamodb": {"NewImage": {"rows": {"L": {"M": {"k": {"S": ["b"]}, "v": {"N": ["2"]}}}}}}},
        _with(
            "rows",
            {"L": [{"M": {"k": {"S": "a"}, "v": {"N": "2"}}}, {"M": {"k": {"S": "b"}, "v": {"N": "2"}}}]},
        ),
        True,
    ),
    (
        "attribute-exists-false-on-typed-leaf",
        {"dynamodb": {"NewImage": {"discount": {"N": [{"exists": False}]}}}},
        DOC_RECORD,
        True,
    ),
    (
        "attribute-exists-on-typed-leaf",
        {"dynamodb": {"NewImage": {"price": {"N": [{"exists": True}]}}}},
        DOC_RECORD,
        True,
    ),
    (
        "attribute-level-exists-true",
        {"dynamodb": {"NewImage": {"price": [{"exists": True}]}}},
        DOC_RECORD,
        False,
    ),
]


@pytest.mark.parametrize(
    ("pattern", "record", "expected"),
    [pytest.param(p, r, x, id=case) for case, p, r, x in DYNAMODB_CASES],
)
def test_dynamodb_cases(pattern: dict[str, Any], record: dict[str, Any], expected: bool) -> None:
    assert compile_pattern(json.dumps(pattern)).matches(record) is expected


def test_filters_are_ored_and_empty_criteria_pass_everything() -> None:
    insert_only = FilterCriteria(['{"eventName": ["INSERT"]}'])
    modify_only = FilterCriteria(['{"eventName": ["MODIFY"]}'])
    either = FilterCriteria(['{"eventName": ["MODIFY"]}', '{"eventName": ["INSERT"]}'])
    assert insert_only.matches(DOC_RECORD)
    assert not modify_only.matches(DOC_RECORD)
    assert either.matches(DOC_RECORD)
    assert either.matching_filters(DOC_RECORD) == [1]
    assert FilterCriteria([]).matches(DOC_RECORD)
    assert FilterCriteria(None).matches({})
    assert FilterCriteria({"Filters": []}).matches(DOC_RECORD)


def test_filter_criteria_api_shape_and_parsed_patterns() -> None:
    criteria = FilterCriteria(
        {"Filters": [{"Pattern": '{"eventName": ["REMOVE"]}'}, {"Pattern": {"eventName": ["INSERT"]}}]}
    )
    assert len(criteria) == 2
    assert criteria.matching_filters(DOC_RECORD) == [1]
    passed, dropped = criteria.split([DOC_RECORD, {**DOC_RECORD, "eventName": "MODIFY"}])
    assert [r["eventName"] for r in passed] == ["INSERT"]
    assert [r["eventName"] for r in dropped] == ["MODIFY"]


def test_boto3_shapes_match_like_lambda_json() -> None:
    """Records read with boto3 carry datetime and bytes; they match as epoch numbers and base64."""
    import datetime as dt

    record = copy.deepcopy(DOC_RECORD)
    record["dynamodb"]["ApproximateCreationDateTime"] = dt.datetime(2022, 9, 30, 17, 31, 23, tzinfo=dt.UTC)
    record["dynamodb"]["NewImage"]["blob"] = {"B": b"\x00\x01"}
    after = compile_pattern('{"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 1664559082]}]}}')
    before = compile_pattern(
        '{"dynamodb": {"ApproximateCreationDateTime": [{"numeric": ["<", 1664559083]}]}}'
    )
    blob = compile_pattern('{"dynamodb": {"NewImage": {"blob": {"B": ["AAE="]}}}}')
    assert after.matches(record)
    assert not before.matches(record)
    assert blob.matches(record)

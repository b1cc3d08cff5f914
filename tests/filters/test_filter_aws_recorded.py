"""Outcomes recorded on real AWS, encoded as our own cases.

Each case is one FilterCriteria pattern and two PutItem calls on a NEW_AND_OLD_IMAGES table with
BatchSize 1, and which of the resulting stream records AWS delivered to the function (AWS-validated
snapshots of LocalStack's DynamoDB event filter tests, recorded November 2025; one case October
2024). The stream records are rebuilt the way DynamoDB writes them: the first put is an INSERT; a
second put on the same key is a MODIFY carrying the first item as OldImage, on a new key another
INSERT; writing an identical item again writes no record at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.filters.rules import FilterCriteria, FilterPatternError, compile_pattern

STREAM_ARN = "arn:aws:dynamodb:us-east-1:111111111111:table/filters/stream/2025-11-25T15:56:00.000"


def _record(seq: int, name: str, new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    ddb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1764086173.0,
        "Keys": {"id": new["id"]},
        "NewImage": new,
        "SequenceNumber": f"7000000000008887470{seq:02d}",
        "SizeBytes": 32,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if old is not None:
        ddb["OldImage"] = old
    return {
        "eventID": f"{seq:032x}",
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": ddb,
        "eventSourceARN": STREAM_ARN,
    }


def stream_records(item_1: dict[str, Any], item_2: dict[str, Any]) -> list[dict[str, Any]]:
    """The stream records two puts produce, in order."""
    records = [_record(1, "INSERT", item_1, None)]
    if item_2 == item_1:
        return records  # an identical overwrite is not a modification: no stream record
    if item_2["id"] == item_1["id"]:
        records.append(_record(2, "MODIFY", item_2, item_1))
    else:
        records.append(_record(2, "INSERT", item_2, None))
    return records


def S(value: str) -> dict[str, str]:  # noqa: N802 - named after the DynamoDB type key
    return {"S": value}


# (case, pattern, put 1, put 2, eventNames AWS delivered in order)
RECORDED: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], list[str]]] = [
    (
        "insert_same_entry_twice",
        {"eventName": ["INSERT"]},
        {"id": S("id_value"), "id2": S("id2_value")},
        {"id": S("id_value"), "id2": S("id2_value")},
        ["INSERT"],
    ),
    (
        "content_or_filter",
        {"eventName": ["INSERT", "MODIFY"]},
        {"id": S("id_value")},
        {"id": S("id_value"), "id2": S("id2_new_value")},
        ["INSERT", "MODIFY"],
    ),
    (
        "content_multiple_filters",
        {"eventName": ["INSERT"], "eventSource": ["aws:dynamodb"]},
        {"id": S("id_value")},
        {"id": S("id_value"), "id2": S("id2_new_value")},
        ["INSERT"],
    ),
    (
        "content_filter_type",
        {"dynamodb": {"NewImage": {"presentKey": {"S": ["presentValue"]}}}},
        {"id": S("id_value_1"), "presentKey": S("presentValue")},
        {"id": S("id_value_2")},
        ["INSERT"],
    ),
    (
        "exists_filter_type",
        {"dynamodb": {"NewImage": {"presentKey": {"S": [{"exists": True}]}}}},
        {"id": S("id_value_1"), "presentKey": S("presentValue")},
        {"id": S("id_value_2")},
        ["INSERT"],
    ),
    (
        # exists on the attribute (not its type key) tests a non-leaf: the item WITH presentKey passed.
        "exists_false_filter",
        {"dynamodb": {"NewImage": {"presentKey": [{"exists": False}]}}},
        {"id": S("id_value_1")},
        {"id": S("id_value_2"), "presentKey": S("presentValue")},
        ["INSERT", "INSERT"],
    ),
    (
        # numeric > 100 did not match N "101" (a string); anything-but "101" matched N "42".
        "numeric_filter",
        {
            "dynamodb": {
                "NewImage": {"numericFilter": {"N": [{"numeric": [">", 100]}, {"anything-but": "101"}]}}
            }
        },
        {"id": S("id_value_1"), "numericFilter": {"N": "42"}},
        {"id": S("id_value_2"), "numericFilter": {"N": "101"}},
        ["INSERT"],
    ),
    (
        "prefix_filter",
        {"dynamodb": {"NewImage": {"prefix": {"S": [{"prefix": "us-1"}]}}}},
        {"id": S("id_value_1"), "prefix": S("us-1-other-suffix")},
        {"id": S("id_value_1"), "prefix": S("other-suffix")},
        ["INSERT"],
    ),
    (
        # ApproximateCreationDateTime is a JSON number, so numeric applies.
        "date_time_conversion",
        {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}},
        {"id": S("id_value_1")},
        {"id": S("id_value_2")},
        ["INSERT", "INSERT"],
    ),
]


@pytest.mark.parametrize(
    ("pattern", "item_1", "item_2", "delivered"),
    [pytest.param(p, i1, i2, d, id=case) for case, p, i1, i2, d in RECORDED],
)
def test_recorded_delivery(
    pattern: dict[str, Any], item_1: dict[str, Any], item_2: dict[str, Any], delivered: list[str]
) -> None:
    criteria = FilterCriteria([json.dumps(pattern)])
    records = stream_records(item_1, item_2)
    passed = [record for record in records if criteria.matches(record)]
    assert [record["eventName"] for record in passed] == delivered
    # The first put always reached the function in these recordings.
    assert passed[0] is records[0]


def test_recorded_numeric_filter_per_value() -> None:
    """The two alternatives of the numeric case separately: only anything-but did the matching."""
    numeric = compile_pattern('{"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [">", 100]}]}}}}')
    anything_but = compile_pattern('{"dynamodb": {"NewImage": {"n": {"N": [{"anything-but": "101"}]}}}}')
    for value in ("42", "101", "1000"):
        record = _record(1, "INSERT", {"id": S("x"), "n": {"N": value}}, None)
        assert not numeric.matches(record)
        assert anything_but.matches(record) is (value != "101")


@pytest.mark.parametrize("pattern", ["single-string", '[{"eventName": ["INSERT"]=123}]'])
def test_recorded_invalid_patterns_are_rejected(pattern: str) -> None:
    """AWS answered InvalidParameterValueException "Invalid filter pattern definition." for both."""
    with pytest.raises(FilterPatternError, match="not valid JSON") as raised:
        FilterCriteria([pattern])
    assert raised.value.filter_index == 0
    assert str(raised.value).startswith("Invalid filter pattern (filter 0, at $)")

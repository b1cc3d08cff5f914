"""The ChangeRecord model and the attribute-value deserializer."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import given, settings
from hypothesis import strategies as st

from handler.record import (
    AttributeDecodeError,
    ChangeRecord,
    MalformedRecordError,
    deserialize_item,
    deserialize_value,
)
from tests.handler.support import recorded_event, stream_record


def test_recorded_insert_with_binary_becomes_typed_record() -> None:
    raw = recorded_event("insert_with_binary")["Records"][0]

    record = ChangeRecord.from_event_record(raw)

    assert record == ChangeRecord(
        event_id="c9fbe7d0261a5163fcb6940593e41797",
        event_name="INSERT",
        sequence_number="700000000000888747038",
        keys={"my_partition_key": "hello world"},
        new_image={"binary_key": b"foobar", "my_partition_key": "hello world"},
        old_image=None,
        approximate_creation_time=1764085660.0,
        stream_arn="arn:aws:dynamodb:us-east-1:111111111111:table/ddb-esm-table/stream/2025-11-25T15:47:40.305",
        stream_view_type="NEW_IMAGE",
        size_bytes=70,
        aws_region="us-east-1",
    )
    assert record.approximate_creation_datetime == datetime(2025, 11, 25, 15, 47, 40, tzinfo=UTC)


def test_recorded_modify_carries_both_images() -> None:
    raw = recorded_event("modify_new_and_old")["Records"][0]

    record = ChangeRecord.from_event_record(raw)

    assert record.event_name == "MODIFY"
    assert record.new_image == {"id": "id_value", "id2": "id2_new_value"}
    assert record.old_image == {"id": "id_value"}
    assert record.stream_view_type == "NEW_AND_OLD_IMAGES"


@pytest.mark.parametrize(
    "text",
    [
        "0.1",
        "-0.30000000000000004",
        "12345678901234567890123456789012345678",  # 38 digits: DynamoDB's maximum precision
        "0.00000000000000000000000000000000000001",
        "9.9999999999999999999999999999999999999E+125",
        "-1E-130",
        "1.50",  # trailing zero kept: the exact string DynamoDB sent
    ],
)
def test_numbers_are_exact_decimals(text: str) -> None:
    value = deserialize_value({"N": text})

    assert isinstance(value, Decimal)
    assert value == Decimal(text)
    assert str(value) == str(Decimal(text))


def test_every_descriptor_maps_to_plain_python() -> None:
    image = {
        "s": {"S": "text"},
        "empty": {"S": ""},
        "n": {"N": "42"},
        "b": {"B": base64.b64encode(b"\x00\xff").decode()},
        "t": {"BOOL": True},
        "f": {"BOOL": False},
        "null": {"NULL": True},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5", "2.50"]},
        "bs": {"BS": ["Zm9v", "YmFy"]},
        "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "x"}, {"M": {}}, {"L": []}, {"NULL": True}]}}},
    }

    assert deserialize_item(image) == {
        "s": "text",
        "empty": "",
        "n": Decimal(42),
        "b": b"\x00\xff",
        "t": True,
        "f": False,
        "null": None,
        "ss": {"a", "b"},
        "ns": {Decimal(1), Decimal("2.5")},
        "bs": {b"foo", b"bar"},
        "m": {"inner": [Decimal(1), "x", {}, [], None]},
    }


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ({"a": {"X": "1"}}, "NewImage.a: unsupported attribute type descriptor 'X'"),
        ({"a": {"N": 1.5}}, "NewImage.a: 'N' value is not a finite number in a string"),
        ({"a": {"N": "NaN"}}, "NewImage.a: 'N' value is not a finite number in a string"),
        ({"a": {"N": "twelve"}}, "NewImage.a: 'N' value is not a finite number in a string"),
        ({"a": {"S": 5}}, "NewImage.a: 'S' value is not a string"),
        ({"a": {"B": "not base64!"}}, "NewImage.a: 'B' value is not a base64 string"),
        ({"a": {"NULL": False}}, "NewImage.a: 'NULL' value is not true"),
        ({"a": {"BOOL": "true"}}, "NewImage.a: 'BOOL' value is not true or false"),
        ({"a": {"SS": ["x", 1]}}, "NewImage.a: 'SS' value is not an array of strings"),
        ({"a": {"S": "x", "N": "1"}}, "NewImage.a: expected an object with exactly one type descriptor"),
        ({"a": {}}, "NewImage.a: expected an object with exactly one type descriptor"),
        ({"a": "plain"}, "NewImage.a: expected an object with exactly one type descriptor"),
        (
            {"m": {"M": {"deep": {"L": [{"S": "ok"}, {"D": "1"}]}}}},
            "NewImage.m.deep[1]: unsupported attribute",
        ),
    ],
)
def test_bad_attribute_values_name_their_path(image: dict[str, Any], message: str) -> None:
    with pytest.raises(AttributeDecodeError) as raised:
        deserialize_item({"ok": {"S": "fine"}, **image}, "NewImage")

    assert str(raised.value).startswith(message)


def test_image_that_is_not_a_map_is_rejected() -> None:
    with pytest.raises(AttributeDecodeError, match=r"^OldImage: expected an attribute map$"):
        deserialize_item([{"S": "x"}], "OldImage")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("dynamodb"), "record has no 'dynamodb' object"),
        (lambda r: r["dynamodb"].pop("SequenceNumber"), "record has no 'dynamodb.SequenceNumber'"),
        (lambda r: r.pop("eventID"), "record has no 'eventID'"),
        (lambda r: r.pop("eventName"), "record has no 'eventName'"),
        (lambda r: r["dynamodb"].pop("Keys"), "record has no 'dynamodb.Keys'"),
        (
            lambda r: r["dynamodb"].update(ApproximateCreationDateTime="2025-11-25T15:47:40Z"),
            "'dynamodb.ApproximateCreationDateTime' is not epoch seconds",
        ),
    ],
)
def test_malformed_records_say_what_is_missing(mutate: Any, message: str) -> None:
    raw = stream_record(1)
    mutate(raw)

    with pytest.raises(MalformedRecordError) as raised:
        ChangeRecord.from_event_record(raw)

    assert str(raised.value) == message


def test_error_messages_never_contain_values() -> None:
    secret = "jane.doe@example.com"
    with pytest.raises(AttributeDecodeError) as raised:
        deserialize_item({"email": {"S": secret}, "age": {"N": secret}}, "NewImage")

    assert secret not in str(raised.value)


def test_keys_only_record_has_no_images() -> None:
    record = ChangeRecord.from_event_record(stream_record(3, view_type="KEYS_ONLY"))

    assert record.keys == {"user_id": "u-0003"}
    assert record.new_image is None
    assert record.old_image is None


# --- property-based: our deserializer agrees with boto3 on anything boto3 can serialize ---

_numbers = st.one_of(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1).map(Decimal),
    st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-(10**20), max_value=10**20),
)
_scalars = st.one_of(
    st.text(),
    _numbers,
    st.binary(),
    st.booleans(),
    st.none(),
    st.sets(st.text(), min_size=1, max_size=4),
    st.sets(_numbers, min_size=1, max_size=4),
    st.sets(st.binary(), min_size=1, max_size=4),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4),
    ),
    max_leaves=12,
)


def _to_wire(attribute: Any) -> Any:
    """boto3's serialized form -> the Lambda event's JSON form (binary base64-encoded)."""
    if isinstance(attribute, Binary):
        return base64.b64encode(attribute.value).decode()
    if isinstance(attribute, bytes):
        return base64.b64encode(attribute).decode()
    if isinstance(attribute, dict):
        return {key: _to_wire(value) for key, value in attribute.items()}
    if isinstance(attribute, list):
        return [_to_wire(value) for value in attribute]
    return attribute


def _boto3_plain(value: Any) -> Any:
    """boto3's deserialized form with Binary unwrapped to bytes, for comparison."""
    if isinstance(value, Binary):
        return value.value
    if isinstance(value, set):
        return {_boto3_plain(member) for member in value}
    if isinstance(value, dict):
        return {key: _boto3_plain(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_boto3_plain(member) for member in value]
    return value


@settings(max_examples=300, deadline=None)
@given(item=st.dictionaries(st.text(min_size=1, max_size=8), _values, max_size=6))
def test_round_trip_matches_boto3(item: dict[str, Any]) -> None:
    serialized = {name: TypeSerializer().serialize(value) for name, value in item.items()}
    wire = json.loads(json.dumps(_to_wire(serialized)))

    ours = deserialize_item(wire)

    boto3_view = {
        name: _boto3_plain(TypeDeserializer().deserialize(value)) for name, value in serialized.items()
    }
    assert ours == boto3_view
    assert ours == item

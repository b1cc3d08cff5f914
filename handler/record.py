"""The typed change record handed to record processors, and its fast deserializer.

A stream record carries item images in DynamoDB's attribute-value JSON (``{"N": "1.5"}``,
``{"M": {...}}``). Processors want plain Python values, so the record is deserialized once, up
front, with these rules:

* numbers become :class:`decimal.Decimal` built from the exact string DynamoDB sent - never a float;
* binary values (``B``, ``BS``) arrive base64-encoded in the Lambda event and become ``bytes``;
* ``SS``/``NS``/``BS`` become ``set``, ``M`` becomes ``dict``, ``L`` becomes ``list``,
  ``NULL`` becomes ``None`` and ``BOOL`` stays ``bool``.

Why not boto3's or Powertools' ``TypeDeserializer``: both look the type descriptor up through a
per-value method dispatch, which dominates the cost of a 1,000-record batch, and Powertools'
leaves binary values base64-encoded. This module walks the JSON with an ordered chain of
descriptor checks (strings and numbers first, as they are the most common), and only when that
fast walk fails does it walk again to name the offending attribute path in the error.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

AttributeValue: TypeAlias = (
    "str | Decimal | bytes | bool | list[AttributeValue] | dict[str, AttributeValue]"
    " | set[str] | set[Decimal] | set[bytes] | None"
)
"""A deserialized DynamoDB attribute value."""

Item: TypeAlias = dict[str, AttributeValue]
"""A deserialized item image or key: attribute name -> value."""


class MalformedRecordError(ValueError):
    """The stream record does not have the shape Lambda documents; it fails only its own record."""


class AttributeDecodeError(MalformedRecordError):
    """An attribute value could not be deserialized (unknown descriptor, wrong JSON type, bad number)."""


class _BadValueError(Exception):
    """Internal signal of the fast path; turned into AttributeDecodeError with a path."""


# Everything the fast path can raise on malformed input: our own signal, Decimal's parse error,
# base64 errors, and the unpacking/attribute errors of a value that is not a one-key object.
_DECODE_ERRORS = (
    _BadValueError,
    InvalidOperation,
    binascii.Error,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
)


@dataclass(slots=True, kw_only=True)
class ChangeRecord:
    """One DynamoDB stream record, deserialized.

    Images are ``None`` when the stream view type does not carry them (an INSERT has no old image,
    a REMOVE no new image, a KEYS_ONLY stream neither).

    Treat it as read-only. It is deliberately not a frozen dataclass: a frozen init costs about
    1 us more per record (every field goes through ``object.__setattr__``), a measurable share of
    the per-record budget on a 1,000-record batch.
    """

    event_id: str
    event_name: str
    sequence_number: str
    keys: Item
    new_image: Item | None
    old_image: Item | None
    approximate_creation_time: float | None
    """Epoch seconds, as the event carries them (``ApproximateCreationDateTime``)."""
    stream_arn: str | None
    stream_view_type: str | None
    size_bytes: int | None
    aws_region: str | None

    @property
    def approximate_creation_datetime(self) -> datetime | None:
        """``approximate_creation_time`` as an aware UTC datetime."""
        if self.approximate_creation_time is None:
            return None
        return datetime.fromtimestamp(self.approximate_creation_time, tz=UTC)

    @classmethod
    def from_event_record(cls, record: Mapping[str, Any]) -> ChangeRecord:
        """Deserialize one element of the event's ``Records`` list.

        Raises MalformedRecordError (including AttributeDecodeError) with a reason that names the
        missing or bad field, never its value: images are personal data.
        """
        dynamodb = record.get("dynamodb")
        if not isinstance(dynamodb, dict):
            raise MalformedRecordError("record has no 'dynamodb' object")
        sequence_number = dynamodb.get("SequenceNumber")
        if not isinstance(sequence_number, str) or not sequence_number:
            raise MalformedRecordError("record has no 'dynamodb.SequenceNumber'")
        event_id = record.get("eventID")
        if not isinstance(event_id, str) or not event_id:
            raise MalformedRecordError("record has no 'eventID'")
        event_name = record.get("eventName")
        if not isinstance(event_name, str):
            raise MalformedRecordError("record has no 'eventName'")
        keys = dynamodb.get("Keys")
        if keys is None:
            raise MalformedRecordError("record has no 'dynamodb.Keys'")
        new_image = dynamodb.get("NewImage")
        old_image = dynamodb.get("OldImage")
        created = dynamodb.get("ApproximateCreationDateTime")
        if created is not None and (isinstance(created, bool) or not isinstance(created, int | float)):
            raise MalformedRecordError("'dynamodb.ApproximateCreationDateTime' is not epoch seconds")
        return cls(
            event_id=event_id,
            event_name=event_name,
            sequence_number=sequence_number,
            keys=deserialize_item(keys, "Keys"),
            new_image=None if new_image is None else deserialize_item(new_image, "NewImage"),
            old_image=None if old_image is None else deserialize_item(old_image, "OldImage"),
            approximate_creation_time=None if created is None else float(created),
            stream_arn=record.get("eventSourceARN"),
            stream_view_type=dynamodb.get("StreamViewType"),
            size_bytes=dynamodb.get("SizeBytes"),
            aws_region=record.get("awsRegion"),
        )


def deserialize_item(item: object, label: str = "item") -> Item:
    """Deserialize an attribute map (``Keys``, ``NewImage``, ``OldImage``) into plain values.

    ``label`` prefixes the attribute path in errors, e.g. ``NewImage.address.zip``.
    """
    if type(item) is not dict:
        raise AttributeDecodeError(f"{label}: expected an attribute map")
    try:
        return _map(item)
    except _DECODE_ERRORS:
        # Rare path: walk again with paths, so the error says which attribute is bad.
        raise _locate_error(item, label) from None


def deserialize_value(attribute: object, label: str = "value") -> AttributeValue:
    """Deserialize a single attribute value such as ``{"N": "42"}``."""
    try:
        return _value(attribute)  # type: ignore[arg-type]
    except _DECODE_ERRORS:
        raise _describe(attribute, label) from None


def _map(attributes: dict[str, Any]) -> Item:
    # The hot loop: strings and numbers are decoded inline (no call per attribute), anything else
    # goes through _other. Exactly one descriptor per value: the unpacking raises ValueError
    # otherwise (TypeError/KeyError when the value is not an object); callers locate the culprit.
    # ``(tag,) = attribute`` then indexing measured faster than unpacking ``attribute.items()``.
    result: Item = {}
    for name, attribute in attributes.items():
        (tag,) = attribute
        raw = attribute[tag]
        if tag == "S" and type(raw) is str:
            result[name] = raw
        elif tag == "N" and type(raw) is str:
            number = Decimal(raw)
            if not number.is_finite():
                raise _BadValueError
            result[name] = number
        else:
            result[name] = _other(tag, raw)
    return result


def _value(attribute: dict[str, Any]) -> AttributeValue:
    (tag,) = attribute
    raw = attribute[tag]
    if tag == "S" and type(raw) is str:
        return raw
    if tag == "N":
        return _number(raw)
    return _other(tag, raw)


def _other(tag: str, raw: object) -> AttributeValue:
    if tag == "M":
        if type(raw) is not dict:
            raise _BadValueError
        return _map(raw)
    if tag == "BOOL":
        if type(raw) is not bool:
            raise _BadValueError
        return raw
    if tag == "L":
        if type(raw) is not list:
            raise _BadValueError
        return [_value(child) for child in raw]
    if tag == "NULL":
        if raw is not True:
            raise _BadValueError
        return None
    if tag == "SS":
        if type(raw) is not list or not all(type(member) is str for member in raw):
            raise _BadValueError
        return set(raw)
    if tag == "NS":
        if type(raw) is not list:
            raise _BadValueError
        return {_number(member) for member in raw}
    if tag == "B":
        return _binary(raw)
    if tag == "BS":
        if type(raw) is not list:
            raise _BadValueError
        return {_binary(member) for member in raw}
    # "S" or "N" with a non-string value, or an unknown descriptor.
    raise _BadValueError


def _number(raw: object) -> Decimal:
    # Decimal(str) is exact whatever the context precision; a float or int here would mean the
    # event was not DynamoDB's JSON (numbers always travel as strings), so refuse it.
    if type(raw) is not str:
        raise _BadValueError
    number = Decimal(raw)
    if not number.is_finite():
        raise _BadValueError
    return number


def _binary(raw: object) -> bytes:
    if type(raw) is not str:
        raise _BadValueError
    return binascii.a2b_base64(raw, strict_mode=True)


_DESCRIPTORS = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")


def _locate_error(item: dict[str, Any], label: str) -> AttributeDecodeError:
    """Find the first attribute in ``item`` that fails and describe it with its path."""
    return _first_failure(((f"{label}.{name}", attribute) for name, attribute in item.items()), label)


def _first_failure(children: Iterable[tuple[str, object]], parent: str) -> AttributeDecodeError:
    for path, attribute in children:
        try:
            _value(attribute)  # type: ignore[arg-type]
        except _DECODE_ERRORS:
            return _describe(attribute, path)
    return AttributeDecodeError(f"{parent}: could not be deserialized")  # pragma: no cover - defensive


def _describe(attribute: object, path: str) -> AttributeDecodeError:
    """Explain why ``attribute`` (known to fail) is bad, descending into maps and lists."""
    if not isinstance(attribute, dict) or len(attribute) != 1:
        return AttributeDecodeError(f"{path}: expected an object with exactly one type descriptor")
    ((tag, raw),) = attribute.items()
    if tag not in _DESCRIPTORS:
        return AttributeDecodeError(
            f"{path}: unsupported attribute type descriptor {tag!r} "
            f"(expected one of {', '.join(_DESCRIPTORS)})"
        )
    if tag == "M" and isinstance(raw, dict):
        return _locate_error(raw, path)
    if tag == "L" and isinstance(raw, list):
        return _first_failure(((f"{path}[{index}]", child) for index, child in enumerate(raw)), path)
    expected = {
        "S": "a string",
        "N": "a finite number in a string",
        "B": "a base64 string",
        "BOOL": "true or false",
        "NULL": "true",
        "M": "an object",
        "L": "an array",
        "SS": "an array of strings",
        "NS": "an array of numbers in strings",
        "BS": "an array of base64 strings",
    }[tag]
    return AttributeDecodeError(f"{path}: {tag!r} value is not {expected}")

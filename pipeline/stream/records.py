"""GetRecords records in the exact shape a Lambda function receives them."""

from __future__ import annotations

import base64
import time
from datetime import datetime
from typing import Any


def _attribute_to_json(value: dict[str, Any]) -> dict[str, Any]:
    """boto3 decodes B/BS to bytes; the Lambda event carries them base64-encoded."""
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(item).decode("ascii") for item in inner]}
    if kind == "M":
        return {"M": {name: _attribute_to_json(item) for name, item in inner.items()}}
    if kind == "L":
        return {"L": [_attribute_to_json(item) for item in inner]}
    return {kind: inner}


def _image_to_json(image: dict[str, Any]) -> dict[str, Any]:
    return {name: _attribute_to_json(value) for name, value in image.items()}


def creation_epoch_seconds(raw: dict[str, Any]) -> float:
    """ApproximateCreationDateTime as Lambda sends it: float epoch seconds, whole seconds."""
    created = raw["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        return float(int(created.timestamp()))
    if created is None:
        return float(int(time.time()))
    return float(int(float(created)))


def to_lambda_record(raw: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record (boto3 shapes) in the exact shape of a Lambda event record.

    Lambda adds eventSource, awsRegion and eventSourceARN; ApproximateCreationDateTime is a
    float of epoch seconds; binary attributes are base64 strings. Key order follows AWS.
    """
    source = raw["dynamodb"]
    dynamodb: dict[str, Any] = {"ApproximateCreationDateTime": creation_epoch_seconds(raw)}
    for name in ("Keys", "NewImage", "OldImage"):
        if name in source:
            dynamodb[name] = _image_to_json(source[name])
    dynamodb["SequenceNumber"] = str(source["SequenceNumber"])
    dynamodb["SizeBytes"] = source.get("SizeBytes", 0)
    dynamodb["StreamViewType"] = source.get("StreamViewType", "")
    record: dict[str, Any] = {
        "eventID": raw.get("eventID", ""),
        "eventName": raw.get("eventName", ""),
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in raw:  # TTL deletions carry the DynamoDB service principal
        record["userIdentity"] = raw["userIdentity"]
    return record


def sequence_number_of(record: dict[str, Any]) -> str:
    """``dynamodb.SequenceNumber`` of a record in either shape."""
    return str(record["dynamodb"]["SequenceNumber"])

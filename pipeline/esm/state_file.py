"""The state file's format, and the strict parser that accepts nothing but what the poller wrote.

Version 2::

    {"version": 2, "streamArn": "<stream ARN>", "updatedAt": "<ISO 8601 with offset>",
     "shards": {"<shardId>": {"checkpoint": "<sequence number>" | null, "finished": bool,
                              "inFlight": [{"startSequenceNumber": "<seq>",
                                            "endSequenceNumber": "<seq>", "attempts": int}]}}}

Version 1 (written before in-flight batches were saved) has no ``inFlight``. Every deviation -
bad JSON, duplicate keys, a missing or unknown field, a wrong type, a sequence number that is not
one - raises :class:`~pipeline.errors.StateFileError` naming the file and the field. Whether the
entries agree with the stream itself is checked by :mod:`pipeline.esm.resume`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, NoReturn

from pipeline.errors import StateFileError
from pipeline.stream.shards import is_sequence_number, seq_key

STATE_VERSION: Final = 2
_TOP_LEVEL: Final = ("version", "streamArn", "updatedAt", "shards")
_SHARD_FIELDS: Final = {1: ("checkpoint", "finished"), 2: ("checkpoint", "finished", "inFlight")}
_IN_FLIGHT_FIELDS: Final = ("startSequenceNumber", "endSequenceNumber", "attempts")
#: DynamoDB Streams shard ids: ``shardId-`` and at most 65 characters in all (API limits).
SHARD_ID: Final = re.compile(r"shardId-[A-Za-z0-9_.-]{1,57}")
#: At most this many batches of a shard are in flight at once (ParallelizationFactor's maximum).
MAX_IN_FLIGHT: Final = 10
FIX_HINT: Final = (
    "the file is not what the poller wrote; restore it, or delete it to start every shard at the "
    "mapping's starting position again"
)


@dataclass(frozen=True)
class InFlightBatch:
    """A batch being retried: its first and last sequence numbers and how often it was invoked."""

    start_sequence_number: str
    end_sequence_number: str
    attempts: int

    def to_json(self) -> dict[str, Any]:
        """The state file's shape."""
        return {
            "startSequenceNumber": self.start_sequence_number,
            "endSequenceNumber": self.end_sequence_number,
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class ShardCheckpoint:
    """Where one shard stands."""

    checkpoint: str | None = None
    finished: bool = False
    in_flight: tuple[InFlightBatch, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The state file's shape."""
        return {
            "checkpoint": self.checkpoint,
            "finished": self.finished,
            "inFlight": [batch.to_json() for batch in self.in_flight],
        }


class _Fields:
    """Raises StateFileError for one file, naming the field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> NoReturn:
        raise StateFileError(f"{self.path}: {field}: {problem}; {FIX_HINT}")

    def exact_keys(self, value: Any, field: str, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field, f"must be a JSON object, not {_kind(value)}")
        for name in value:
            if name not in keys:
                self.fail(f"{field}.{name}" if field != "(document)" else name, "unknown field")
        for name in keys:
            if name not in value:
                self.fail(f"{field}.{name}" if field != "(document)" else name, "missing")
        return value

    def sequence_number(self, value: Any, field: str) -> str:
        if not is_sequence_number(value):
            self.fail(field, f"{json.dumps(value)} is not a sequence number (a string of decimal digits)")
        return str(value)

    def integer(self, value: Any, field: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(field, f"must be an integer, not {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}")
        document[key] = value
    return document


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def parse_state(path: Path, text: str, stream_arn: str) -> dict[str, ShardCheckpoint]:
    """The shards of a state file written for ``stream_arn``; anything else raises StateFileError."""
    fields = _Fields(path)
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        fields.fail("(document)", f"not valid JSON ({exc})")
    arn = document.get("streamArn") if isinstance(document, dict) else None
    if isinstance(arn, str) and arn != stream_arn:
        # Said first: another stream's file is the likeliest reason for any other difference too.
        raise StateFileError(
            f"{path}: streamArn: the file belongs to stream {arn}, not {stream_arn}; "
            "use another --state-file for this stream"
        )
    document = fields.exact_keys(document, "(document)", _TOP_LEVEL)
    version = fields.integer(document["version"], "version")
    if version not in _SHARD_FIELDS:
        fields.fail("version", f"{version} is not a version this poller writes (1 or {STATE_VERSION})")
    if not isinstance(document["streamArn"], str):
        fields.fail("streamArn", f"must be a string, not {_kind(document['streamArn'])}")
    updated = document["updatedAt"]
    try:
        if not isinstance(updated, str) or datetime.fromisoformat(updated).tzinfo is None:
            raise ValueError
    except ValueError:
        fields.fail("updatedAt", f"{json.dumps(updated)} is not an ISO 8601 time with an offset")
    shards = document["shards"]
    if not isinstance(shards, dict):
        fields.fail("shards", f"must be a JSON object, not {_kind(shards)}")
    return {shard_id: _parse_shard(fields, shard_id, entry, version) for shard_id, entry in shards.items()}


def _parse_shard(fields: _Fields, shard_id: str, entry: Any, version: int) -> ShardCheckpoint:
    where = f"shards[{json.dumps(shard_id)}]"
    if not SHARD_ID.fullmatch(shard_id):
        fields.fail(where, "is not a DynamoDB Streams shard id (shardId-...)")
    entry = fields.exact_keys(entry, where, _SHARD_FIELDS[version])
    checkpoint = entry["checkpoint"]
    if checkpoint is not None:
        checkpoint = fields.sequence_number(checkpoint, f"{where}.checkpoint")
    finished = entry["finished"]
    if not isinstance(finished, bool):
        fields.fail(f"{where}.finished", f"must be true or false, not {_kind(finished)}")
    raw_batches = entry.get("inFlight", [])
    if not isinstance(raw_batches, list):
        fields.fail(f"{where}.inFlight", f"must be a list, not {_kind(raw_batches)}")
    if finished and raw_batches:
        fields.fail(f"{where}.inFlight", "a finished shard has no batches in flight")
    if len(raw_batches) > MAX_IN_FLIGHT:
        fields.fail(f"{where}.inFlight", f"{len(raw_batches)} batches; at most {MAX_IN_FLIGHT} run at once")
    batches: list[InFlightBatch] = []
    for index, item in enumerate(raw_batches):
        at = f"{where}.inFlight[{index}]"
        raw = fields.exact_keys(item, at, _IN_FLIGHT_FIELDS)
        start = fields.sequence_number(raw["startSequenceNumber"], f"{at}.startSequenceNumber")
        end = fields.sequence_number(raw["endSequenceNumber"], f"{at}.endSequenceNumber")
        attempts = fields.integer(raw["attempts"], f"{at}.attempts")
        if seq_key(start) > seq_key(end):
            fields.fail(at, f"starts at {start}, after its end {end}")
        if attempts < 1:
            fields.fail(f"{at}.attempts", f"{attempts}: a batch in flight was invoked at least once")
        if checkpoint is not None and seq_key(start) <= seq_key(checkpoint):
            fields.fail(f"{at}.startSequenceNumber", f"{start} is not after the checkpoint {checkpoint}")
        # Concurrent batches interleave (each holds its own item keys), but never share a first record.
        if any(other.start_sequence_number == start for other in batches):
            fields.fail(f"{at}.startSequenceNumber", f"{start} starts another batch in flight too")
        batches.append(InFlightBatch(start, end, attempts))
    return ShardCheckpoint(checkpoint, finished, tuple(batches))

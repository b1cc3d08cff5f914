"""Where each shard starts, and the check that a state file agrees with the stream it names.

:func:`verify_state` runs before a single record is read. An entry that cannot be what the
poller wrote for this stream - a shard the stream never had, a shard of the stream without an
entry although its lineage was being read, ``finished`` for an open shard or with records after
its checkpoint, a child started before its parent finished, a checkpoint that is not a record of
its shard - is a :class:`~pipeline.errors.StateFileError`, so nothing is skipped or replayed
because of it. A finished shard the stream no longer lists expired normally and is dropped.

:func:`start_plan` says how a shard starts: after its saved checkpoint; at the trim horizon; or,
for ``LATEST`` with a state file, by reading past what the shard holds now without delivering it,
so the position saved at once is a real sequence number and a restart resumes exactly there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from pipeline.errors import StateFileError
from pipeline.esm.checkpoints import CheckpointStore, InFlightBatch, ShardCheckpoint
from pipeline.esm.state_file import FIX_HINT
from pipeline.stream.reader import ShardReader
from pipeline.stream.shards import Position, Shard, StreamDescription, error_code, seq_key

#: Pages read to find a record (an open DynamoDB shard may answer an empty page before records).
_PROBE_PAGES = 3


@dataclass(frozen=True)
class StartPlan:
    """How one shard's reading starts."""

    position: Position
    #: The shard's saved checkpoint (None: nothing done yet).
    checkpoint: str | None = None
    in_flight: tuple[InFlightBatch, ...] = ()
    #: LATEST with a state file: consume what the shard holds now, deliver only what follows.
    skip_existing: bool = False


def start_plan(
    store: CheckpointStore, starting_position: str, shard: Shard, known_at_start: bool
) -> StartPlan:
    """Resume from the store, else the mapping's starting position (children: their trim horizon)."""
    if store.known(shard.shard_id):
        entry = store.get(shard.shard_id)
        position = Position.after(entry.checkpoint) if entry.checkpoint else Position.trim_horizon()
        return StartPlan(position, entry.checkpoint, entry.in_flight)
    if known_at_start and starting_position == "LATEST" and not shard.closed:
        if store.persistent:
            return StartPlan(Position.trim_horizon(), skip_existing=True)
        return StartPlan(Position.latest())
    # Shards that appear later (children of a split) are read from their beginning.
    return StartPlan(Position.trim_horizon())


def _first_record(streams: Any, stream_arn: str, shard_id: str, position: Position) -> str | None:
    """The sequence number of the first record at ``position`` (None: there is none)."""
    reader = ShardReader(streams, stream_arn, shard_id, position, restart_when_trimmed=False)
    for _ in range(_PROBE_PAGES):
        page = reader.read(limit=1)
        if page.records:
            return str(page.records[0]["dynamodb"]["SequenceNumber"])
        if page.shard_ended:
            return None
    return None


class _Check:
    def __init__(self, store: CheckpointStore, streams: Any, description: StreamDescription) -> None:
        self.store = store
        self.streams = streams
        self.description = description
        self.listed = {shard.shard_id: shard for shard in description.shards}

    def fail(self, shard_id: str, field: str, problem: str) -> None:
        where = f"shards[{json.dumps(shard_id)}]" + (f".{field}" if field else "")
        raise StateFileError(f"{self.store.path}: {where}: {problem}; {FIX_HINT}")

    def in_range(self, shard: Shard, sequence_number: str) -> bool:
        number = seq_key(sequence_number)
        if number < seq_key(shard.starting_sequence_number):
            return False
        return shard.ending_sequence_number is None or number <= seq_key(shard.ending_sequence_number)

    def entry(self, shard: Shard, entry: ShardCheckpoint, entries: dict[str, ShardCheckpoint]) -> None:
        shard_id = shard.shard_id
        if entry.finished and not shard.closed:
            self.fail(shard_id, "finished", "true, but the shard is still open (it can receive records)")
        parent = shard.parent_shard_id
        if parent in self.listed and not (parent in entries and entries[parent].finished):
            self.fail(shard_id, "", f"started although its parent {parent} is not finished")
        for index, batch in enumerate(entry.in_flight):
            for name, number in (("start", batch.start_sequence_number), ("end", batch.end_sequence_number)):
                if not self.in_range(shard, number):
                    self.fail(
                        shard_id, f"inFlight[{index}].{name}SequenceNumber", f"{number} is outside the shard"
                    )
        checkpoint = entry.checkpoint
        if checkpoint is not None:
            if not self.in_range(shard, checkpoint):
                self.fail(shard_id, "checkpoint", f"{checkpoint} is outside the shard's sequence numbers")
            self.is_record(shard_id, checkpoint)
        if entry.finished:
            after = Position.after(checkpoint) if checkpoint else Position.trim_horizon()
            follows = _first_record(self.streams, self.description.stream_arn, shard_id, after)
            if follows is not None:
                self.fail(shard_id, "finished", f"true, but record {follows} follows the checkpoint")

    def is_record(self, shard_id: str, checkpoint: str) -> None:
        try:
            found = _first_record(
                self.streams, self.description.stream_arn, shard_id, Position.at(checkpoint)
            )
        except ClientError as exc:
            if error_code(exc) == "TrimmedDataAccessException":
                return  # it expired: reading restarts at the trim horizon, with a warning
            if error_code(exc) in ("ValidationException", "InvalidArgumentException"):
                self.fail(shard_id, "checkpoint", f"{checkpoint} is not a record of the shard ({exc})")
            raise
        if found != checkpoint:
            self.fail(shard_id, "checkpoint", f"{checkpoint} is not a record of the shard")

    def has_read_ancestor(self, shard: Shard, entries: dict[str, ShardCheckpoint]) -> bool:
        parent = shard.parent_shard_id
        while parent is not None:
            if parent in entries:
                return True
            listed = self.listed.get(parent)
            if listed is None:
                return False
            parent = listed.parent_shard_id
        return False


def verify_state(store: CheckpointStore, description: StreamDescription, streams: Any) -> None:
    """Raise StateFileError unless every entry is one the poller could have written for this stream."""
    if not store.loaded:
        return  # a new state file: every shard starts at the mapping's starting position
    entries = store.entries()
    check = _Check(store, streams, description)
    for shard_id, entry in entries.items():
        shard = check.listed.get(shard_id)
        if shard is None:
            if entry.finished:
                continue  # drained, then expired with its records: nothing left to do
            check.fail(
                shard_id,
                "",
                f"stream {description.stream_arn} has no such shard: either the entry is damaged, or the "
                "shard expired (24 h after it closed) with its records after the checkpoint "
                f"{entry.checkpoint}, which are lost; delete the entry to go on without them",
            )
            continue
        check.entry(shard, entry, entries)
    for shard in description.shards:
        if shard.shard_id not in entries and not check.has_read_ancestor(shard, entries):
            check.fail(
                shard.shard_id,
                "",
                "missing: the poller saves a position for every shard it starts, and this shard's "
                "lineage was never started from this file",
            )
    for shard_id, entry in entries.items():
        if shard_id not in check.listed and entry.finished:
            store.forget(shard_id)

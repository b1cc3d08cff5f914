"""Shard lineage, DescribeStream pagination and iterator expiry.

moto serves every stream as a single shard that never splits and never expires iterators, so
these tests use a small in-memory stand-in of the DynamoDB Streams API (same operations, same
request and response shapes and error codes as boto3 gives) with a split shard tree. The
function is still the real worker running the scripted handler from the test zip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.poller import Poller
from pipeline.runtime.worker import LambdaWorker
from pipeline.stream.reader import ShardReader
from pipeline.stream.shards import Position, describe_stream
from tests.pipeline.support import Harness

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/split/stream/2024-01-01T00:00:00.000"


def _raw(key: str, seq: int) -> dict[str, Any]:
    return {
        "eventID": f"{seq:032x}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime.now(UTC),
            "Keys": {"pk": {"S": key}},
            "NewImage": {"pk": {"S": key}, "behaviour": {"S": "ok"}},
            "SequenceNumber": str(seq),
            "SizeBytes": 40,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


@dataclass
class FakeShard:
    shard_id: str
    parent: str | None
    records: list[dict[str, Any]]
    closed: bool


@dataclass
class SplitStream:
    """DescribeStream (one shard per page), GetShardIterator and GetRecords over a shard tree."""

    shards: list[FakeShard]
    expire_next_get_records: int = 0
    calls: list[str] = field(default_factory=list)

    def _shard(self, shard_id: str) -> FakeShard:
        return next(shard for shard in self.shards if shard.shard_id == shard_id)

    def describe_stream(self, StreamArn: str, ExclusiveStartShardId: str | None = None) -> dict[str, Any]:  # noqa: N803
        self.calls.append("DescribeStream")
        ids = [shard.shard_id for shard in self.shards]
        index = 0 if ExclusiveStartShardId is None else ids.index(ExclusiveStartShardId) + 1
        shard = self.shards[index]
        numbers = {"StartingSequenceNumber": shard.records[0]["dynamodb"]["SequenceNumber"]}
        if shard.closed:
            numbers["EndingSequenceNumber"] = shard.records[-1]["dynamodb"]["SequenceNumber"]
        entry: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
        if shard.parent:
            entry["ParentShardId"] = shard.parent
        description: dict[str, Any] = {
            "StreamArn": StreamArn,
            "StreamStatus": "ENABLED",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "TableName": "split",
            "Shards": [entry],
        }
        if index + 1 < len(self.shards):
            description["LastEvaluatedShardId"] = shard.shard_id
        return {"StreamDescription": description}

    def get_shard_iterator(
        self,
        StreamArn: str,  # noqa: N803, ARG002 - part of the API shape
        ShardId: str,  # noqa: N803
        ShardIteratorType: str,  # noqa: N803
        SequenceNumber: str | None = None,  # noqa: N803
    ) -> dict[str, Any]:
        shard = self._shard(ShardId)
        seqs = [record["dynamodb"]["SequenceNumber"] for record in shard.records]
        position = {
            "TRIM_HORIZON": 0,
            "LATEST": len(seqs),
            "AT_SEQUENCE_NUMBER": seqs.index(SequenceNumber) if SequenceNumber in seqs else 0,
            "AFTER_SEQUENCE_NUMBER": seqs.index(SequenceNumber) + 1 if SequenceNumber in seqs else 0,
        }[ShardIteratorType]
        self.calls.append(f"GetShardIterator {ShardId} {ShardIteratorType} {SequenceNumber}")
        return {"ShardIterator": f"{ShardId}|{position}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        if self.expire_next_get_records:
            self.expire_next_get_records -= 1
            error = {"Error": {"Code": "ExpiredIteratorException", "Message": "Iterator expired"}}
            raise ClientError(error, "GetRecords")
        shard_id, position = ShardIterator.split("|")
        shard = self._shard(shard_id)
        start = int(position)
        page = shard.records[start : start + min(Limit, 2)]  # small pages: several reads per shard
        end = start + len(page)
        response: dict[str, Any] = {"Records": page}
        if not (shard.closed and end >= len(shard.records)):
            response["NextShardIterator"] = f"{shard_id}|{end}"
        return response


def _tree() -> SplitStream:
    return SplitStream(
        [
            FakeShard("shardId-parent", None, [_raw(f"p{i}", 100 + i) for i in range(4)], closed=True),
            FakeShard(
                "shardId-left", "shardId-parent", [_raw(f"l{i}", 200 + i) for i in range(2)], closed=True
            ),
            FakeShard(
                "shardId-right", "shardId-parent", [_raw(f"r{i}", 300 + i) for i in range(3)], closed=False
            ),
            FakeShard("shardId-grandchild", "shardId-left", [_raw("g0", 400)], closed=False),
        ]
    )


def _poller(harness: Harness, streams: SplitStream, state: Path | None = None) -> Poller:
    settings = harness.load_settings("base.tfvars")
    function = harness.function(settings)
    return Poller(
        settings=settings.esm,
        streams_client=streams,
        stream_arn=ARN,
        invoker_factory=lambda: LambdaWorker(function),
        function_arn=function.function_arn,
        checkpoints=CheckpointStore(state, ARN),
        poll_interval=0.05,
        discovery_interval=0.2,
    )


def test_describe_stream_follows_the_pagination() -> None:
    shards = describe_stream(_tree(), ARN).shards

    assert [shard.shard_id for shard in shards] == [
        "shardId-parent",
        "shardId-left",
        "shardId-right",
        "shardId-grandchild",
    ]
    assert shards[1].parent_shard_id == "shardId-parent"
    assert shards[0].closed
    assert not shards[2].closed


def test_children_start_only_after_their_parent_is_drained(harness: Harness, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    poller = _poller(harness, _tree(), state)

    poller.run(until_drained=True, timeout=60)

    order = [key for keys in harness.batches() for key in keys]
    assert sorted(order) == sorted(["p0", "p1", "p2", "p3", "l0", "l1", "r0", "r1", "r2", "g0"])
    position = {key: index for index, key in enumerate(order)}
    assert max(position[k] for k in ("p0", "p1", "p2", "p3")) < min(position[k] for k in ("l0", "l1", "r0"))
    assert max(position[k] for k in ("l0", "l1")) < position["g0"]
    for shard_keys in (["p0", "p1", "p2", "p3"], ["l0", "l1"], ["r0", "r1", "r2"]):
        assert [key for key in order if key in shard_keys] == shard_keys
    saved = CheckpointStore(state, ARN)
    assert saved.finished_shards() == {"shardId-parent", "shardId-left"}
    assert saved.get("shardId-right").checkpoint == "302"


def test_a_resumed_run_skips_finished_shards(harness: Harness, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with CheckpointStore(state, ARN) as store:
        store.commit("shardId-parent", "103", finished=True)
        store.commit("shardId-left", "201", finished=True)
        store.commit("shardId-right", "300")
    streams = _tree()

    _poller(harness, streams, state).run(until_drained=True, timeout=60)

    assert sorted(key for keys in harness.batches() for key in keys) == ["g0", "r1", "r2"]
    assert "GetShardIterator shardId-right AFTER_SEQUENCE_NUMBER 300" in streams.calls
    # The finished parent is only probed by the state check (its checkpoint is a record, none follows).
    assert [call for call in streams.calls if call.startswith("GetShardIterator shardId-parent")] == [
        "GetShardIterator shardId-parent AT_SEQUENCE_NUMBER 103",
        "GetShardIterator shardId-parent AFTER_SEQUENCE_NUMBER 103",
    ]


def test_an_expired_iterator_is_renewed_after_the_last_record_read() -> None:
    streams = _tree()
    reader = ShardReader(streams, ARN, "shardId-parent", Position.trim_horizon())

    first = reader.read()
    streams.expire_next_get_records = 1
    second = reader.read()

    assert [r["dynamodb"]["SequenceNumber"] for r in first.records] == ["100", "101"]
    assert [r["dynamodb"]["SequenceNumber"] for r in second.records] == ["102", "103"]
    assert "GetShardIterator shardId-parent AFTER_SEQUENCE_NUMBER 101" in streams.calls
    assert second.shard_ended

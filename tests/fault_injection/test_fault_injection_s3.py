"""Nothing lost after the stream forgets: the fault suite with an S3 on-failure destination.

Mixed writes with transient failures and poison records go through the real pipeline (moto, the
poller with Terraform-rendered settings, the handler zip with the fault processor, Powertools
idempotency) with an S3 bucket as the on-failure destination. Then the stream's records expire:
moto cannot trim a stream, so a streams client is made to answer as DynamoDB Streams does after the
24 hours (``TrimmedDataAccessException`` below the trim horizon, the shard's first sequence number
moved up, ``TRIM_HORIZON`` at the horizon). The parked batches can no longer be read from the
stream, yet redrive from the bucket - records from each object's ``payload`` - leaves every INSERT's
effect exactly once, and lost = 0. Helpers come from the 10,000-write suite
(``test_fault_injection.py``); this one is smaller, to stay quick.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pipeline.aws.clients import client
from pipeline.aws.resources import create_failure_destination
from pipeline.esm.on_failure import OnFailureDestination, OnFailureMessage
from pipeline.esm.poller import Poller
from pipeline.filters.rules import FilterCriteria
from pipeline.redrive.bucket import redrive_bucket
from pipeline.redrive.options import RedriveOptions
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.loader import load_from_modules
from pipeline.stream.range import RecordsUnavailableError, read_range
from pipeline.stream.shards import seq_key
from tests.fault_injection.test_fault_injection import (
    REGION,
    Observer,
    Write,
    create_tables,
    effect_counts,
    function_zip,  # noqa: F401 - the module-scoped fixture, shared
    read_stream,
    write_tfvars,
    write_workload,
)

SEED = 20261202
WRITES = 1_000
POISON_COUNT = 3
RETRIES = 2  # few retries keep the poison quick to give up; transient faults fail at most twice


def plan_writes(rng: random.Random) -> list[Write]:
    """Inserts, updates and deletes; 5 % of the inserts fail once or twice, three always fail."""
    live: list[str] = []
    writes: list[Write] = []
    for index in range(WRITES):
        kind = rng.choices(["INSERT", "MODIFY", "REMOVE"], [0.4, 0.4, 0.2])[0] if live else "INSERT"
        if kind == "INSERT":
            live.append(f"user-{index:05d}")
            writes.append(Write("INSERT", live[-1]))
        elif kind == "MODIFY":
            writes.append(Write("MODIFY", rng.choice(live), version=index))
        else:
            writes.append(Write("REMOVE", live.pop(rng.randrange(len(live)))))
    inserts = [index for index, write in enumerate(writes) if write.kind == "INSERT"]
    faults = {index: f"transient:{rng.choice([1, 2])}" for index in rng.sample(inserts, len(inserts) // 20)}
    for share in (0.2, 0.5, 0.8):
        faults[inserts[int(len(inserts) * share) + 7]] = "poison"
    return [Write(w.kind, w.item_id, faults.get(i, ""), w.version) for i, w in enumerate(writes)]


class StreamTrim:
    """Makes a streams client answer as if every record below ``horizon`` had expired.

    DynamoDB Streams keeps records for 24 hours: an iterator at an older sequence number fails with
    TrimmedDataAccessException, DescribeStream's StartingSequenceNumber moves up, TRIM_HORIZON starts
    at the oldest record kept. botocore's event hooks play that on top of moto.
    """

    def __init__(self, streams: Any, horizon: str) -> None:
        self.horizon = horizon
        self.calls: Counter[str] = Counter()
        events = streams.meta.events
        events.register("before-parameter-build.dynamodb-streams.GetShardIterator", self._iterator)
        events.register("after-call.dynamodb-streams.DescribeStream", self._describe)
        events.register("before-call.dynamodb-streams.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def _iterator(self, params: dict[str, Any], **_: Any) -> None:
        if params.get("ShardIteratorType") == "TRIM_HORIZON":
            params["ShardIteratorType"] = "LATEST"  # nothing older than the horizon is left
            return
        sequence = params.get("SequenceNumber")
        if sequence is not None and seq_key(sequence) < seq_key(self.horizon):
            raise ClientError(
                {
                    "Error": {
                        "Code": "TrimmedDataAccessException",
                        "Message": f"sequence number {sequence} is beyond the stream's trim horizon",
                    }
                },
                "GetShardIterator",
            )

    def _describe(self, parsed: dict[str, Any], **_: Any) -> None:
        for shard in parsed.get("StreamDescription", {}).get("Shards", []):
            shard["SequenceNumberRange"]["StartingSequenceNumber"] = self.horizon


@pytest.mark.slow
def test_parked_in_s3_redriven_after_the_stream_expired_with_nothing_lost(
    endpoint: str,
    function_zip: Path,  # noqa: F811 - the imported fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = time.monotonic()
    tables = create_tables(endpoint)
    bucket = create_failure_destination(endpoint, "s3", name=f"fi-parked-{tables.table[-8:].lower()}")
    assert bucket.bucket is not None
    dynamodb = client("dynamodb", endpoint, REGION)
    streams = client("dynamodbstreams", endpoint, REGION)
    s3 = client("s3", endpoint, REGION)
    writes = plan_writes(random.Random(SEED))
    write_workload(dynamodb, tables.table, writes)
    written_at = time.monotonic()
    raw = read_stream(streams, tables.stream_arn)
    assert len(raw) == WRITES
    inserts = {
        record["dynamodb"]["SequenceNumber"]: record["dynamodb"]["NewImage"].get("fault", {}).get("S", "")
        for record in raw
        if record["eventName"] == "INSERT"
    }
    poison = sorted((seq for seq, fault in inserts.items() if fault == "poison"), key=seq_key)
    assert len(poison) == POISON_COUNT

    tfvars = write_tfvars(tmp_path / "fault.tfvars.json", tables, tmp_path / "processor-calls.log")
    variables = json.loads(tfvars.read_text(encoding="utf-8"))
    variables["maximum_retry_attempts"] = RETRIES
    tfvars.write_text(json.dumps(variables), encoding="utf-8")
    settings = load_from_modules(tfvars)
    function = LocalFunction(settings.function, zip_path=function_zip, region=REGION, endpoint_url=endpoint)
    observer = Observer()
    poller = Poller(
        settings=settings.esm,
        streams_client=streams,
        stream_arn=tables.stream_arn,
        invoker_factory=lambda: LambdaWorker(function),
        function_arn=function.function_arn,
        destination=OnFailureDestination(bucket.arn, s3=s3),
        listener=observer,
    )
    counters = poller.run(until_drained=True, timeout=300)
    drained_at = time.monotonic()

    # -- parked: one object per poison batch, each starting at its poison record -----------------
    keys = [str(item["Key"]) for item in s3.list_objects_v2(Bucket=bucket.bucket).get("Contents", [])]
    objects = [json.loads(s3.get_object(Bucket=bucket.bucket, Key=key)["Body"].read()) for key in keys]
    messages = [OnFailureMessage.from_json(document) for document in objects]
    assert sorted(message.batch_info.start_sequence_number for message in messages) == poison
    parked = sorted(
        (
            record["dynamodb"]["SequenceNumber"]
            for document in objects
            for record in document["payload"]["Records"]
        ),
        key=seq_key,
    )
    assert len(parked) == counters.records_parked
    effects = effect_counts(dynamodb, tables.effects)
    assert all(effects.get(seq) == 1 for seq in inserts if seq not in parked)
    assert all(seq not in effects for seq in poison)

    # -- the stream forgets: every record is past its retention -----------------------------------
    horizon = str(max(seq_key(record["dynamodb"]["SequenceNumber"]) for record in raw) + 1)
    expired = client("dynamodbstreams", endpoint, REGION)
    trim = StreamTrim(expired, horizon)
    for message in messages:
        info = message.batch_info
        with pytest.raises(RecordsUnavailableError) as gone:
            read_range(
                expired, info.stream_arn, info.shard_id, info.start_sequence_number, info.end_sequence_number
            )
        assert gone.value.reason == "trimmed"  # a pointer-only (SQS) record could not be redriven now
    assert read_stream(expired, tables.stream_arn) == []
    trim.calls.clear()

    # -- fix the poison, redrive from the bucket ----------------------------------------------------
    dynamodb.put_item(TableName=tables.control, Item={"id": {"S": "poison-fixed"}})
    with LambdaWorker(function) as worker:
        report = redrive_bucket(
            s3=s3,
            location=f"s3://{bucket.bucket}",
            streams=expired,
            invoker=worker,
            options=RedriveOptions(filters=FilterCriteria(settings.esm.filter_criteria)),
        )
    assert trim.calls == Counter()  # not one stream call: the records came from the objects
    assert report.ok
    assert [outcome.status for outcome in report.outcomes] == ["redriven"] * len(keys)
    assert report.records_redriven == len(parked)
    remaining = [str(item["Key"]) for item in s3.list_objects_v2(Bucket=bucket.bucket).get("Contents", [])]
    assert sorted(remaining) == sorted(f"redriven/{key}" for key in keys)
    final = effect_counts(dynamodb, tables.effects)
    assert final == dict.fromkeys(inserts, 1)
    lost = sum(1 for seq in inserts if final.get(seq, 0) == 0)

    rows = [
        ("written (INSERT)", f"{WRITES} ({len(inserts)})"),
        ("filtered (never invoked)", counters.records_filtered_out),
        ("retries", counters.retries),
        ("parked in S3 (objects / records)", f"{len(keys)} / {len(parked)}"),
        ("stream records readable after expiry", 0),
        ("redriven from payload", report.records_redriven),
        ("effects != 1 after redrive", sum(1 for seq in inserts if final.get(seq) != 1)),
        ("lost", lost),
    ]
    width = max(len(label) for label, _ in rows)
    table = ["", "fault-injection accounting (S3 destination, stream expired)"]
    table += [f"  {label:<{width}}  {value:>11}" for label, value in rows]
    table.append(
        f"  timings: write {written_at - started:.1f} s, pipeline {drained_at - written_at:.1f} s, "
        f"total {time.monotonic() - started:.1f} s; {len(observer.invocations)} invocations took "
        f"{observer.function_seconds:.1f} s"
    )
    with capsys.disabled():
        print("\n".join(table))
    assert lost == 0

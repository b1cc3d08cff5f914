"""Nothing lost: 10,000 writes through the local pipeline with transient failures, poison records,
a worker crash and a timeout mid-batch, and re-deliveries; then redrive.

The pipeline is the real one: moto (server mode) for DynamoDB, Streams and SQS; the poller with
the settings Terraform renders from a tfvars file; the handler package zipped with a fault-injecting
processor (tests/fault_injection/fault_processor.py) plugged in through the handler's extension
point; Powertools idempotency on a moto table. What the test proves:

* every INSERT's side effect happened exactly once, or its record is on the failure queue, and
  the failure queue points only at the poison records (each message starts at one);
* no MODIFY or REMOVE reached the processor (the handler is configured to let them through, so
  only the mapping's filter keeps them out);
* after the poison is fixed, ``redrive`` empties the queue and every INSERT's effect happened
  exactly once; an accounting table is printed (``pytest -s`` shows it).
"""

from __future__ import annotations

import json
import random
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipeline.aws.arn import region_of
from pipeline.aws.clients import client
from pipeline.esm.events import Invoked, PollerEvent
from pipeline.esm.on_failure import OnFailureDestination, OnFailureMessage
from pipeline.esm.poller import Poller
from pipeline.filters.rules import FilterCriteria
from pipeline.redrive.archive import read_archive_file
from pipeline.redrive.queue import RedriveOptions, redrive_queue
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.invoker import InvokeStatus
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.loader import load_from_modules
from pipeline.stream.reader import read_raw_stream
from pipeline.stream.records import to_lambda_record
from pipeline.stream.shards import seq_key

REGION = "us-east-1"
SEED = 20261122
WRITES = 10_000
SHARES = {"INSERT": 0.35, "MODIFY": 0.40, "REMOVE": 0.25}
TRANSIENT_SHARE = 0.05
POISON_COUNT = 3
FUNCTION_TIMEOUT = 3  # seconds; also how long a crashed record's idempotency lock lives
# Small batches keep re-deliveries (every record after the lowest failure is re-sent) cheap: with
# 5 % transient failures, a batch of 100 re-sends most of itself; moto answers in about 4 ms.
BATCH_SIZE = 25
# Enough retries with the poller's backoff (0.05 s doubling, capped at 1 s) to outlast the
# idempotency lock a crashed invocation leaves behind (it expires with the invocation's deadline).
MAX_RETRIES = 10

REPO = Path(__file__).resolve().parents[2]
PROCESSOR_FILE = Path(__file__).with_name("fault_processor.py")


# --------------------------------------------------------------------------------------------------
# The workload
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    kind: str  # INSERT | MODIFY | REMOVE
    item_id: str
    fault: str = ""
    version: int = 0


def plan_workload(rng: random.Random) -> list[Write]:
    """10,000 writes: new items (INSERT), updates of live items (MODIFY), deletes (REMOVE).

    Faults go on INSERTs only: 5 % transient (fail 1 or 2 attempts), 3 poison records spread over
    the stream, one crash and one hang placed away from batch edges.
    """
    live: list[str] = []
    writes: list[Write] = []
    kinds, weights = zip(*SHARES.items(), strict=True)
    for _ in range(WRITES):
        kind = rng.choices(kinds, weights)[0] if live else "INSERT"
        if kind == "INSERT":
            item_id = f"user-{len(writes):05d}"
            live.append(item_id)
            writes.append(Write("INSERT", item_id))
        elif kind == "MODIFY":
            writes.append(Write("MODIFY", rng.choice(live), version=len(writes)))
        else:
            writes.append(Write("REMOVE", live.pop(rng.randrange(len(live)))))
    inserts = [index for index, write in enumerate(writes) if write.kind == "INSERT"]
    faults: dict[int, str] = {}
    for index in rng.sample(inserts, round(len(inserts) * TRANSIENT_SHARE)):
        faults[index] = f"transient:{rng.choice([1, 2])}"
    # Positions in the INSERT sequence (what the function sees), spread over the stream.
    for share in (0.25, 0.5, 0.75):
        faults[inserts[int(len(inserts) * share) + 11]] = "poison"
    faults[inserts[int(len(inserts) * 0.4) + 13]] = "crash"
    faults[inserts[int(len(inserts) * 0.6) + 12]] = "hang"
    return [
        Write(write.kind, write.item_id, faults.get(index, ""), write.version)
        for index, write in enumerate(writes)
    ]


def write_workload(dynamodb: Any, table: str, writes: list[Write]) -> None:
    """batch_write_item in order, 25 per call, never two writes of one key in the same call."""
    batch: list[dict[str, Any]] = []
    keys: set[str] = set()

    def flush() -> None:
        if batch:
            response = dynamodb.batch_write_item(RequestItems={table: list(batch)})
            assert not response.get("UnprocessedItems")
            batch.clear()
            keys.clear()

    for write in writes:
        if len(batch) == 25 or write.item_id in keys:
            flush()
        keys.add(write.item_id)
        if write.kind == "REMOVE":
            batch.append({"DeleteRequest": {"Key": {"id": {"S": write.item_id}}}})
            continue
        item = {
            "id": {"S": write.item_id},
            "email": {"S": f"{write.item_id}@example.com"},
            "version": {"N": str(write.version)},
        }
        if write.fault:
            item["fault"] = {"S": write.fault}
        batch.append({"PutRequest": {"Item": item}})
    flush()


def read_stream(streams: Any, stream_arn: str) -> list[dict[str, Any]]:
    """Every record of every shard (moto has one), oldest first, through the pipeline's reader."""
    return list(read_raw_stream(streams, stream_arn))


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def function_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handler package from this checkout plus the fault processor, as one deployment zip.

    The worker puts the venv's site-packages after the unzipped code, as Lambda puts its runtime
    after /var/task, so the handler's dependencies need not be in the zip for this test.
    """
    path = tmp_path_factory.mktemp("zip") / "fault-handler.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for source in sorted((REPO / "handler").rglob("*.py")):
            archive.write(source, source.relative_to(REPO).as_posix())
        archive.write(PROCESSOR_FILE, PROCESSOR_FILE.name)
    return path


@dataclass
class Tables:
    table: str
    stream_arn: str
    queue_url: str
    queue_arn: str
    idempotency: str
    effects: str
    control: str


def create_tables(endpoint: str) -> Tables:
    suffix = uuid.uuid4().hex[:8]
    dynamodb = client("dynamodb", endpoint, REGION)

    def table(name: str, key: str, stream: bool = False) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "TableName": name,
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if stream:
            spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        description: dict[str, Any] = dynamodb.create_table(**spec)["TableDescription"]
        return description

    profiles = table(f"fi-profiles-{suffix}", "id", stream=True)
    sqs = client("sqs", endpoint, REGION)
    queue_url = sqs.create_queue(QueueName=f"fi-failures-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    names = {name: f"fi-{name}-{suffix}" for name in ("idempotency", "effects", "control")}
    table(names["idempotency"], "id")
    table(names["effects"], "seq")
    table(names["control"], "id")
    return Tables(
        table=str(profiles["TableName"]),
        stream_arn=str(profiles["LatestStreamArn"]),
        queue_url=queue_url,
        queue_arn=queue_arn,
        idempotency=names["idempotency"],
        effects=names["effects"],
        control=names["control"],
    )


def write_tfvars(path: Path, tables: Tables, log: Path) -> Path:
    """One tfvars file for both provider-free modules, as a user would deploy with."""
    variables = {
        "event_names": ["INSERT"],
        # The handler's own guard lets everything through, so only the mapping's filter can keep
        # MODIFY and REMOVE away from the processor: that is what this test checks.
        "allowed_event_names": ["INSERT", "MODIFY", "REMOVE"],
        "processor": "fault_processor:process_record",
        "idempotency_table_name": tables.idempotency,
        "timeout": FUNCTION_TIMEOUT,
        "log_level": "ERROR",
        "batch_size": BATCH_SIZE,
        "maximum_retry_attempts": MAX_RETRIES,
        "environment_variables": {
            "FAULT_LOG": str(log),
            "FAULT_EFFECTS_TABLE": tables.effects,
            "FAULT_CONTROL_TABLE": tables.control,
            "FAULT_HANG_SECONDS": str(FUNCTION_TIMEOUT + 2),
        },
    }
    path.write_text(json.dumps(variables, indent=2), encoding="utf-8")  # *.tfvars.json
    return path


# --------------------------------------------------------------------------------------------------
# Observations
# --------------------------------------------------------------------------------------------------


@dataclass
class Invocation:
    sequences: list[str]
    status: InvokeStatus


@dataclass
class Observer:
    """The poller's listener: every invocation and how many times each record was delivered."""

    invocations: list[Invocation] = field(default_factory=list)
    deliveries: Counter[str] = field(default_factory=Counter)
    function_seconds: float = 0.0

    def __call__(self, event: PollerEvent) -> None:
        if not isinstance(event, Invoked):
            return
        sequences = event.sequence_numbers
        self.invocations.append(Invocation(sequences, event.result.status))
        self.deliveries.update(sequences)
        self.function_seconds += event.result.duration_ms / 1000


def effect_counts(dynamodb: Any, table: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            counts[item["seq"]["S"]] = int(item["effects"]["N"])
    return counts


def queue_messages(sqs: Any, queue_url: str) -> list[OnFailureMessage]:
    """The failure queue's messages, left visible for the redrive."""
    found: list[dict[str, Any]] = []
    while True:
        page = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        if not page.get("Messages"):
            break
        found.extend(page["Messages"])
    for message in found:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return [OnFailureMessage.from_body(message["Body"]) for message in found]


def in_range(sequence: str, message: OnFailureMessage) -> bool:
    info = message.batch_info
    return seq_key(info.start_sequence_number) <= seq_key(sequence) <= seq_key(info.end_sequence_number)


# --------------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_insert_processed_exactly_once_or_parked_then_redriven(
    endpoint: str, function_zip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    tables = create_tables(endpoint)
    dynamodb = client("dynamodb", endpoint, REGION)
    streams = client("dynamodbstreams", endpoint, REGION)
    sqs = client("sqs", endpoint, REGION)

    writes = plan_workload(random.Random(SEED))
    write_workload(dynamodb, tables.table, writes)
    written_at = time.monotonic()

    # Ground truth from the stream itself: every record, its event name and its fault.
    raw_records = read_stream(streams, tables.stream_arn)
    assert len(raw_records) == WRITES
    planned = Counter(write.kind for write in writes)
    assert Counter(record["eventName"] for record in raw_records) == planned
    inserts = [record for record in raw_records if record["eventName"] == "INSERT"]
    fault_of = {
        record["dynamodb"]["SequenceNumber"]: record["dynamodb"]["NewImage"].get("fault", {}).get("S", "")
        for record in inserts
    }
    poison = sorted((seq for seq, fault in fault_of.items() if fault == "poison"), key=seq_key)
    crash = next(seq for seq, fault in fault_of.items() if fault == "crash")
    hang = next(seq for seq, fault in fault_of.items() if fault == "hang")
    transient = [seq for seq, fault in fault_of.items() if fault.startswith("transient:")]
    assert len(poison) == POISON_COUNT

    log = tmp_path / "processor-calls.log"
    settings = load_from_modules(write_tfvars(tmp_path / "fault.tfvars.json", tables, log))
    assert settings.esm.batch_size == BATCH_SIZE
    assert settings.esm.filter_criteria == {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]}
    function = LocalFunction(
        settings.function,
        zip_path=function_zip,
        region=REGION,
        endpoint_url=endpoint,
        logs=tmp_path / "function-output.log",
    )
    observer = Observer()
    poller = Poller(
        settings=settings.esm,
        streams_client=streams,
        stream_arn=tables.stream_arn,
        invoker_factory=lambda: LambdaWorker(function),
        function_arn=function.function_arn,
        destination=OnFailureDestination(tables.queue_arn, sqs=sqs),
        listener=observer,
    )
    counters = poller.run(until_drained=True, timeout=420)
    drained_at = time.monotonic()

    # -- after the pipeline ----------------------------------------------------------------------
    effects = effect_counts(dynamodb, tables.effects)
    calls = log.read_text(encoding="utf-8").splitlines()
    assert {line.split()[0] for line in calls} == {"INSERT"}, "a MODIFY or REMOVE reached the processor"
    assert set(observer.deliveries) <= set(fault_of), "a non-INSERT record was delivered"
    assert counters.records_filtered_out == planned["MODIFY"] + planned["REMOVE"]

    # The crash and the timeout each hit an invocation in the middle of its batch.
    for sequence, status in ((crash, InvokeStatus.CRASH), (hang, InvokeStatus.TIMEOUT)):
        hit = [call for call in observer.invocations if call.status is status and sequence in call.sequences]
        assert hit, f"no {status.value} invocation carried record {sequence}"
        position = hit[0].sequences.index(sequence)
        assert 0 < position < len(hit[0].sequences) - 1, f"{status.value} at a batch edge"
    assert counters.crashes >= 1
    assert counters.timeouts >= 1

    # Re-deliveries happened (retries re-send the records after the lowest failure) ...
    delivered_twice = [seq for seq, count in observer.deliveries.items() if count >= 2]
    assert len(delivered_twice) > len(transient)
    # ... and every INSERT except the poison had its effect exactly once: idempotency held.
    parked = queue_messages(sqs, tables.queue_url)
    assert sorted(message.batch_info.start_sequence_number for message in parked) == poison
    not_poison = [seq for seq in fault_of if seq not in poison]
    assert {seq: effects.get(seq, 0) for seq in not_poison} == dict.fromkeys(not_poison, 1)
    assert all(seq not in effects for seq in poison)
    # Every INSERT without its effect is on the failure queue, and those are exactly the poison.
    missing = [seq for seq in fault_of if seq not in effects]
    assert missing == [seq for seq in missing if any(in_range(seq, message) for message in parked)]
    assert sorted(missing, key=seq_key) == poison

    # An explicit duplicate delivery of 200 processed records: no effect repeats.
    replay = [to_lambda_record(raw, tables.stream_arn, region_of(tables.stream_arn)) for raw in inserts[:200]]
    replay = [record for record in replay if record["dynamodb"]["SequenceNumber"] not in poison]
    with LambdaWorker(function) as worker:
        result = worker.invoke({"Records": replay})
    assert result.ok, result.error_message
    assert result.payload == {"batchItemFailures": []}
    assert effect_counts(dynamodb, tables.effects) == effects

    # -- fix the poison, redrive -----------------------------------------------------------------
    dynamodb.put_item(TableName=tables.control, Item={"id": {"S": "poison-fixed"}})
    with LambdaWorker(function) as worker:
        report = redrive_queue(
            sqs=sqs,
            streams=streams,
            invoker=worker,
            options=RedriveOptions(
                queue_url=tables.queue_url,
                filters=FilterCriteria(settings.esm.filter_criteria),
                archive=str(tmp_path / "redrive-archive.jsonl"),
                wait_seconds=0,
            ),
        )
    assert report.ok
    assert [outcome.status for outcome in report.outcomes] == ["redriven"] * len(parked)
    # The archive kept every parked batch's records before they were re-run.
    archived = list(read_archive_file(tmp_path / "redrive-archive.jsonl"))
    archived_sequences = sorted(
        (record["dynamodb"]["SequenceNumber"] for entry in archived for record in entry.records), key=seq_key
    )
    assert len(archived) == len(parked)
    assert archived_sequences == sorted(
        (seq for seq in fault_of if any(in_range(seq, message) for message in parked)), key=seq_key
    )
    assert len(archived_sequences) == counters.records_parked
    assert queue_messages(sqs, tables.queue_url) == []
    final = effect_counts(dynamodb, tables.effects)
    assert final == dict.fromkeys(fault_of, 1)
    calls_after = log.read_text(encoding="utf-8").splitlines()
    assert {line.split()[0] for line in calls_after} == {"INSERT"}

    lost = sum(1 for seq in fault_of if final.get(seq, 0) == 0)
    rows = [
        ("written", WRITES),
        ("  INSERT / MODIFY / REMOVE", f"{planned['INSERT']} / {planned['MODIFY']} / {planned['REMOVE']}"),
        ("filtered (never invoked)", counters.records_filtered_out),
        ("processed (effect once, before redrive)", sum(1 for seq in fault_of if effects.get(seq) == 1)),
        ("retried (batch retries)", counters.retries),
        (
            "  transient records / crashes / timeouts",
            f"{len(transient)} / {counters.crashes} / {counters.timeouts}",
        ),
        ("  bisects / records delivered 2+ times", f"{counters.bisects} / {len(delivered_twice)}"),
        ("parked (records in on-failure ranges)", counters.records_parked),
        ("  messages / poison records", f"{len(parked)} / {len(poison)}"),
        ("redriven (records re-run by redrive)", report.records_redriven),
        ("effects != 1 after redrive", sum(1 for seq in fault_of if final.get(seq) != 1)),
        ("lost", lost),
    ]
    width = max(len(label) for label, _ in rows)
    table = ["", "fault-injection accounting"] + [f"  {label:<{width}}  {value:>13}" for label, value in rows]
    table.append(
        f"  timings: write {written_at - started:.1f} s, pipeline {drained_at - written_at:.1f} s, "
        f"total {time.monotonic() - started:.1f} s; {len(observer.invocations)} invocations took "
        f"{observer.function_seconds:.1f} s"
    )
    with capsys.disabled():  # shown in every run, not only with -s
        print("\n".join(table))
    assert lost == 0

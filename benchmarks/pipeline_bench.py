"""Local pipeline benchmark: end-to-end throughput against moto's read floor, and write-to-handler latency.

1. Read floor: 5,000 records are written to a moto stream and read back by a bare GetRecords loop
   (1,000 per page, nothing else): no consumer of that stream can drain it faster. Measured twice
   before and twice after the pipeline run (moto's speed drifts with machine load); the median.
2. Throughput: the poller drains the same stream from TRIM_HORIZON through the packaged handler
   with a no-op processor, the mapping settings Terraform renders by default (batch size 100,
   batching window 0) and a warm worker (Lambda keeps execution environments warm; the cold start
   is reported apart). The clock runs from the poller's start to the moment the HANDLER received
   the last record. Target: >= 0.7x the read floor.
3. Latency: with the poller idle on another table, items are written one at a time with their
   write time in an attribute; the processor notes when it receives each one. p50/p95 of
   (received - written). Target: p50 <= 300 ms at the default batching window.
4. ParallelizationFactor: 4,000 records with random item keys on one shard, BatchSize 10, and a
   function that takes 100 ms per invocation; records/s at factor 1, 2, 4 and 10 (warm workers,
   from the poller's start to the end of its last invocation). Target: factor 4 >= 3.5x factor 1.
   Item keys hash unevenly over the lanes, as on AWS, so factor N gains a little less than N.

The processor is a probe module added to the zip (the handler's extension point): it appends
``key written_at received_at`` to a file per record, so every figure is observed in the handler.

Run by ``make bench``; not a timed test. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from handler import config as handler_config
from pipeline.aws.clients import client, use_fake_credentials
from pipeline.aws.moto_server import MotoServer
from pipeline.aws.resources import create_resources
from pipeline.esm.events import Invoked, PollerEvent
from pipeline.esm.poller import Poller
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.loader import load_from_modules
from pipeline.stream.shards import describe_stream

REGION = "us-east-1"
PROBE_MODULE = "pipeline_bench_probe"
PROBE_SOURCE = '''\
"""Benchmark processor: does nothing but note when each record reached the handler."""
import os
import time

_RECEIPTS = open(os.environ["BENCH_RECEIPTS"], "a", buffering=1, encoding="utf-8")


def process_record(record, context):
    image = record.new_image or {}
    _RECEIPTS.write(f"{record.keys['user_id']} {image.get('written_at', 0)} {time.time():.6f}\\n")
'''
FLOOR_RUNS_EACH_SIDE = 2
SLOW_MODULE = "pipeline_bench_slow"
SLOW_SOURCE = '''\
"""Benchmark function: 100 ms per invocation, whatever the batch."""
import time


def lambda_handler(event, context):
    time.sleep(0.1)
    return {"batchItemFailures": []}
'''
FACTORS = (1, 2, 4, 10)
PARALLEL_TARGET = 3.5
TARGETS = ("throughput", "latency", "parallel")
THROUGHPUT_TARGET = 0.7
LATENCY_P50_TARGET_MS = 300.0


def bench_zip(package: Path, target: Path) -> Path:
    """The packaged zip plus the probe processor and the slow function modules at its root."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as bench:
        for info in source.infolist():
            bench.writestr(info, source.read(info))
        bench.writestr(f"{PROBE_MODULE}.py", PROBE_SOURCE)
        bench.writestr(f"{SLOW_MODULE}.py", SLOW_SOURCE)
    return target


def _note_invocations(ends: list[float]) -> Callable[[PollerEvent], None]:
    """A poller listener noting when each invocation returned."""

    def note(event: PollerEvent) -> None:
        if isinstance(event, Invoked):
            ends.append(time.perf_counter())

    return note


def parallel_rates(endpoint: str, code: Path, scratch: Path, records: int) -> dict[str, Any]:
    """Records/s at each ParallelizationFactor, over one stream read from TRIM_HORIZON each time."""
    dynamodb = client("dynamodb", endpoint, REGION)
    table = create_resources(
        endpoint,
        table_name="bench-parallel",
        queue_name="bench-pq",
        topic_name="bench-pt",
        hash_key="user_id",
    )
    write_items(dynamodb, table.table_name, records, "p")
    rates: dict[str, float] = {}
    for factor in FACTORS:
        tfvars = scratch / f"parallel-{factor}.tfvars"
        tfvars.write_text(f"batch_size = 10\nparallelization_factor = {factor}\n")
        settings = load_from_modules(tfvars)
        function = LocalFunction(
            replace(settings.function, handler=f"{SLOW_MODULE}.lambda_handler"), zip_path=code, region=REGION
        )
        pool = [LambdaWorker(function) for _ in range(factor)]
        for worker in pool:  # warm: Lambda keeps execution environments; the cold start is not the point
            worker.invoke({"Records": []})
        finished: list[float] = []
        poller = Poller(
            settings=settings.esm,
            streams_client=client("dynamodbstreams", endpoint, REGION),
            stream_arn=table.stream_arn,
            invoker_factory=pool.pop,
            function_arn=function.function_arn,
            listener=_note_invocations(finished),
        )
        started = time.perf_counter()
        counters = poller.run(until_drained=True, timeout=600)
        if counters.records_succeeded != records:
            raise SystemExit(f"factor {factor}: {counters.records_succeeded} of {records} records succeeded")
        rates[str(factor)] = round(records / (max(finished) - started), 1)
    ratio = rates["4"] / rates["1"]
    return {
        "parallel_records": records,
        "parallel_records_per_s": rates,
        "parallel_factor_4_over_1": round(ratio, 2),
        "parallel_target": PARALLEL_TARGET,
        "parallel_target_met": ratio >= PARALLEL_TARGET,
    }


def write_items(dynamodb: Any, table: str, count: int, prefix: str) -> None:
    for start in range(0, count, 25):
        requests = [
            {
                "PutRequest": {
                    "Item": {"user_id": {"S": f"{prefix}{i:06d}"}, "written_at": {"N": f"{time.time():.6f}"}}
                }
            }
            for i in range(start, min(count, start + 25))
        ]
        dynamodb.batch_write_item(RequestItems={table: requests})


def read_floor(streams: Any, stream_arn: str, count: int) -> float:
    """Records per second of a bare GetRecords loop over the whole stream."""
    shard = describe_stream(streams, stream_arn).shards[0]
    started = time.perf_counter()
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard.shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    seen = 0
    while seen < count:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        seen += len(page["Records"])
        iterator = page["NextShardIterator"]
    return count / (time.perf_counter() - started)


def read_receipts(path: Path) -> dict[str, tuple[float, float]]:
    """key -> (written_at, received_at), from the probe's file."""
    receipts: dict[str, tuple[float, float]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, written, received = line.split()
            receipts[key] = (float(written), float(received))
    return receipts


class WarmWorker:
    """A LambdaWorker started before the clock runs; the poller's invoker factory hands it out."""

    def __init__(self, function: LocalFunction) -> None:
        self.worker = LambdaWorker(function)
        warmup = {"Records": [_warmup_record()]}
        started = time.perf_counter()
        result = self.worker.invoke(warmup)
        self.cold_start_ms = (time.perf_counter() - started) * 1000
        if not result.ok:
            raise SystemExit(f"the warm-up invocation failed: {result.error_type}: {result.error_message}")

    def __call__(self) -> LambdaWorker:
        return self.worker


def _warmup_record() -> dict[str, Any]:
    return {
        "eventID": "warmup",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": float(int(time.time())),
            "Keys": {"user_id": {"S": "warmup"}},
            "NewImage": {"user_id": {"S": "warmup"}, "written_at": {"N": "0"}},
            "SequenceNumber": "1",
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": f"arn:aws:dynamodb:{REGION}:123456789012:table/warmup/stream/x",
    }


def run(zip_path: Path, records: int, latency_samples: int, parallel_records: int) -> dict[str, Any]:
    """All four measurements on fresh tables of one moto server."""
    use_fake_credentials()
    settings = load_from_modules(None, handler_variables={"processor": f"{PROBE_MODULE}:process_record"})
    with MotoServer() as server, tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        endpoint = server.endpoint_url
        code = bench_zip(zip_path, scratch / "bench.zip")
        dynamodb = client("dynamodb", endpoint, REGION)
        streams = client("dynamodbstreams", endpoint, REGION)

        def function(receipts: Path) -> LocalFunction:
            return LocalFunction(
                settings.function.with_environment(
                    **{handler_config.LOG_LEVEL: "ERROR", "BENCH_RECEIPTS": str(receipts)}
                ),
                zip_path=code,
                region=REGION,
                endpoint_url=endpoint,
            )

        # -- read floor and throughput on the same stream -------------------------------------------
        bulk = create_resources(endpoint, table_name="bench-throughput", hash_key="user_id")
        write_items(dynamodb, bulk.table_name, records, "t")
        floors = [read_floor(streams, bulk.stream_arn, records) for _ in range(FLOOR_RUNS_EACH_SIDE)]
        throughput_receipts = scratch / "throughput.txt"
        function_config = function(throughput_receipts)
        warm = WarmWorker(function_config)
        poller = Poller(
            settings=settings.esm,
            streams_client=streams,
            stream_arn=bulk.stream_arn,
            invoker_factory=warm,
            function_arn=function_config.function_arn,
        )
        started = time.time()
        poller.run(until_drained=True, timeout=600)
        drained = time.time() - started
        counters = poller.counters.as_dict()
        receipts = {
            key: value for key, value in read_receipts(throughput_receipts).items() if key != "warmup"
        }
        if len(receipts) != records or counters["records_succeeded"] != records:
            raise SystemExit(f"the pipeline handled {len(receipts)} of {records} records: {counters}")
        last_received = max(received for _, received in receipts.values())
        pipeline_rate = records / (last_received - started)
        floors += [read_floor(streams, bulk.stream_arn, records) for _ in range(FLOOR_RUNS_EACH_SIDE)]
        floor = statistics.median(floors)

        # -- latency: a live poller at the default batching window ----------------------------------
        live_table = create_resources(
            endpoint,
            table_name="bench-latency",
            queue_name="bench-q",
            topic_name="bench-t",
            hash_key="user_id",
        )
        latency_receipts = scratch / "latency.txt"
        live_config = function(latency_receipts)
        live_warm = WarmWorker(live_config)
        live = Poller(
            settings=settings.esm,
            streams_client=client("dynamodbstreams", endpoint, REGION),
            stream_arn=live_table.stream_arn,
            invoker_factory=live_warm,
            function_arn=live_config.function_arn,
        )
        runner = threading.Thread(target=live.run, daemon=True)
        runner.start()
        live.wait_until_reading()
        for i in range(latency_samples):
            item = {"user_id": {"S": f"l{i:05d}"}, "written_at": {"N": f"{time.time():.6f}"}}
            dynamodb.put_item(TableName=live_table.table_name, Item=item)
            time.sleep(0.05 + (i % 7) * 0.013)  # spread the writes over the poll cycle
        deadline = time.monotonic() + 30
        while len(read_receipts(latency_receipts)) < latency_samples + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        live.stop()
        runner.join()
        warm.worker.close()
        live_warm.worker.close()
        parallel = parallel_rates(endpoint, code, scratch, parallel_records)
        latencies = sorted(
            (received - written) * 1000
            for key, (written, received) in read_receipts(latency_receipts).items()
            if key != "warmup"
        )
    if len(latencies) != latency_samples:
        raise SystemExit(f"the handler saw {len(latencies)} of {latency_samples} latency samples")
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    return {
        "records": records,
        "settings": {
            "BatchSize": settings.esm.batch_size,
            "MaximumBatchingWindowInSeconds": settings.esm.maximum_batching_window_in_seconds,
            "source": settings.source,
        },
        "read_floor_records_per_s": round(floor, 1),
        "read_floor_runs_records_per_s": [round(value, 1) for value in floors],
        "pipeline_records_per_s": round(pipeline_rate, 1),
        "pipeline_seconds_to_last_record": round(last_received - started, 3),
        "pipeline_seconds_until_drained": round(drained, 3),
        "worker_cold_start_ms": round(warm.cold_start_ms, 1),
        "ratio_to_floor": round(pipeline_rate / floor, 3),
        "throughput_target": THROUGHPUT_TARGET,
        "throughput_target_met": pipeline_rate / floor >= THROUGHPUT_TARGET,
        "pipeline_counters": counters,
        "latency_samples": len(latencies),
        "latency_p50_ms": round(p50, 1),
        "latency_p95_ms": round(p95, 1),
        "latency_max_ms": round(latencies[-1], 1),
        "latency_p50_target_ms": LATENCY_P50_TARGET_MS,
        "latency_target_met": p50 <= LATENCY_P50_TARGET_MS,
        **parallel,
    }


def format_table(result: dict[str, Any]) -> str:
    """The figures as a small table for the terminal."""
    rows = [
        ("records", f"{result['records']}"),
        ("moto read floor (bare GetRecords)", f"{result['read_floor_records_per_s']:.0f} records/s"),
        ("pipeline end to end (warm worker)", f"{result['pipeline_records_per_s']:.0f} records/s"),
        ("ratio to floor (target >= 0.7)", f"{result['ratio_to_floor']:.2f}"),
        ("worker cold start (excluded)", f"{result['worker_cold_start_ms']:.0f} ms"),
        ("write -> handler p50 (target <= 300)", f"{result['latency_p50_ms']:.0f} ms"),
        ("write -> handler p95", f"{result['latency_p95_ms']:.0f} ms"),
        *(
            (f"ParallelizationFactor {factor}, 100 ms/invocation", f"{rate:.0f} records/s")
            for factor, rate in result["parallel_records_per_s"].items()
        ),
        ("factor 4 / factor 1 (target >= 3.5)", f"{result['parallel_factor_4_over_1']:.2f}x"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = ["local pipeline benchmark"] + [f"  {label:<{width}}  {value:>16}" for label, value in rows]
    verdict = "met" if all(result[f"{name}_target_met"] for name in TARGETS) else "MISSED"
    lines.append(f"  targets {verdict}")
    return "\n".join(lines)


def main() -> int:
    """``python -m benchmarks.pipeline_bench --zip build/ddb-stream-handler.zip --out FILE``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zip", type=Path, required=True, help="the packaged handler (make package)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--latency-samples", type=int, default=100)
    parser.add_argument("--parallel-records", type=int, default=4000)
    args = parser.parse_args()
    if not args.zip.is_file():
        raise SystemExit(f"handler zip not found: {args.zip} (run `make package`)")
    result = run(args.zip, args.records, args.latency_samples, args.parallel_records)
    print(format_table(result))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"  figures written to {args.out}")
    return 0 if all(result[f"{name}_target_met"] for name in TARGETS) else 1


if __name__ == "__main__":
    raise SystemExit(main())

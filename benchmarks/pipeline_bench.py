"""Local pipeline benchmark: end-to-end throughput against moto's read floor, and latency.

1. Throughput: 5,000 records are written to a moto stream; a bare GetRecords loop reads them
   (the read floor: nothing can drain the stream faster), then the poller drains the same stream
   from TRIM_HORIZON through the packaged handler with a no-op processor. Target: >= 0.7x.
2. Latency: with the poller idle at the default batching window (0), records are written one at a
   time; the time from the PutItem call to the handler receiving the record gives p50/p95.
   Target: p50 <= 300 ms.

Run by ``make bench``; not a timed test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from pipeline.esm_settings import load_from_modules
from pipeline.local_aws import MotoServer, client, create_resources, use_fake_credentials
from pipeline.poller import Poller
from pipeline.stream_reader import describe_stream
from pipeline.worker import FunctionConfig, InvokeResult, LambdaWorker

ROOT = Path(__file__).resolve().parents[1]
NOOP_PROCESSOR = "benchmarks.noop_processor:process_record"
REGION = "us-east-1"


def _bench_zip(package: Path, target: Path) -> Path:
    """The packaged zip plus the no-op processor module."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as bench:
        for info in source.infolist():
            bench.writestr(info, source.read(info))
        bench.write(ROOT / "benchmarks" / "__init__.py", "benchmarks/__init__.py")
        bench.write(ROOT / "benchmarks" / "noop_processor.py", "benchmarks/noop_processor.py")
    return target


def _write(dynamodb: Any, table: str, count: int, prefix: str) -> None:
    for start in range(0, count, 25):
        requests = [
            {"PutRequest": {"Item": {"user_id": {"S": f"{prefix}{i:06d}"}, "n": {"N": str(i)}}}}
            for i in range(start, min(count, start + 25))
        ]
        dynamodb.batch_write_item(RequestItems={table: requests})


def _read_floor(streams: Any, stream_arn: str, count: int) -> float:
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


def _poller(
    endpoint: str, stream_arn: str, zip_path: Path, listener: Any = None
) -> tuple[Poller, FunctionConfig]:
    settings = load_from_modules(None, handler_variables={"processor": NOOP_PROCESSOR})
    function = FunctionConfig(
        zip_path=zip_path,
        environment={**settings.function.environment, "POWERTOOLS_LOG_LEVEL": "ERROR"},
        timeout_seconds=settings.function.timeout,
        memory_mb=settings.function.memory_size,
        region=REGION,
        endpoint_url=endpoint,
    )
    poller = Poller(
        settings=settings.esm,
        streams_client=client("dynamodbstreams", endpoint, REGION),
        stream_arn=stream_arn,
        invoker_factory=lambda: LambdaWorker(function),
        function_arn=function.function_arn,
        listener=listener,
    )
    return poller, function


def run(zip_path: Path, records: int, latency_samples: int) -> dict[str, Any]:
    """Both measurements on fresh tables of one moto server."""
    use_fake_credentials()
    with MotoServer() as server, tempfile.TemporaryDirectory() as scratch:
        endpoint = server.endpoint_url
        bench_zip = _bench_zip(zip_path, Path(scratch) / "bench.zip")
        dynamodb = client("dynamodb", endpoint, REGION)
        streams = client("dynamodbstreams", endpoint, REGION)

        throughput_table = create_resources(endpoint, table_name="bench-throughput", hash_key="user_id")
        _write(dynamodb, throughput_table.table_name, records, "t")
        floor = _read_floor(streams, throughput_table.stream_arn, records)
        poller, _ = _poller(endpoint, throughput_table.stream_arn, bench_zip)
        started = time.perf_counter()
        poller.run(until_drained=True, timeout=600)
        elapsed = time.perf_counter() - started
        counters = poller.counters.as_dict()
        if counters["records_succeeded"] != records:
            raise SystemExit(f"the pipeline processed {counters['records_succeeded']} of {records} records")
        pipeline_rate = records / elapsed

        latency_table = create_resources(
            endpoint,
            table_name="bench-latency",
            queue_name="bench-q",
            topic_name="bench-t",
            hash_key="user_id",
        )
        written: dict[str, float] = {}
        received: dict[str, float] = {}

        def on_invoke(kind: str, _shard: str, entries: list[Any], detail: Any) -> None:
            if kind == "invoke" and isinstance(detail, InvokeResult):
                handler_started = time.time() - detail.duration_ms / 1000
                for entry in entries:
                    received[entry.record["dynamodb"]["Keys"]["user_id"]["S"]] = handler_started

        live, _ = _poller(endpoint, latency_table.stream_arn, bench_zip, listener=on_invoke)
        runner = threading.Thread(target=live.run, daemon=True)
        runner.start()
        live.wait_until_reading()
        time.sleep(1.0)  # let the worker start: the latency is a warm pipeline's
        for i in range(latency_samples):
            key = f"l{i:05d}"
            written[key] = time.time()
            dynamodb.put_item(TableName=latency_table.table_name, Item={"user_id": {"S": key}})
            time.sleep(0.05 + (i % 7) * 0.013)  # spread writes across the poll cycle
        deadline = time.monotonic() + 30
        while len(received) < latency_samples and time.monotonic() < deadline:
            time.sleep(0.05)
        live.stop()
        runner.join()
    latencies = sorted((received[key] - written[key]) * 1000 for key in written if key in received)
    return {
        "records": records,
        "read_floor_records_per_s": round(floor, 1),
        "pipeline_records_per_s": round(pipeline_rate, 1),
        "ratio_to_floor": round(pipeline_rate / floor, 3),
        "throughput_target_met": pipeline_rate / floor >= 0.7,
        "pipeline_counters": counters,
        "latency_samples": len(latencies),
        "latency_p50_ms": round(statistics.median(latencies), 1),
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "latency_target_met": statistics.median(latencies) <= 300,
    }


def main() -> int:
    """``python -m benchmarks.pipeline_bench --zip build/ddb-stream-handler.zip --out FILE``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zip", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--latency-samples", type=int, default=100)
    args = parser.parse_args()
    result = run(args.zip, args.records, args.latency_samples)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 0 if result["throughput_target_met"] and result["latency_target_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

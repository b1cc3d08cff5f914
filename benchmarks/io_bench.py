"""``make bench`` (stream part): the I/O-bound batch, and what one failure costs.

1. I/O-bound batch (benchmarks/io_workload.py): 100 profile INSERTs, each with an idempotency
   save and an SNS publish on moto (a process per service, keep-alive connections), every AWS
   call delayed ``--delay-ms``.
   Records/s, median of ``--rounds`` batches per variant, variants interleaved:

   * ours at ``--concurrency`` threads, and ours serial (for reference);
   * Powertools' stock ``BatchProcessor`` (serial) doing the same work;
   * this machine's ceiling: ours at ``--concurrency`` threads with no injected delay, which is
     what moto's own CPU allows.

   Targets: ours concurrent >= 5x stock, and >= 0.8x the ceiling.

2. After a failure: a 100-record batch whose record 10 (0-based) fails once, without idempotency,
   re-sent as Lambda does (:func:`pipeline.esm.batch_response.evaluate_response`: from the lowest
   reported sequence number; everything after a raise). Processor calls and duplicate side
   effects (successful calls beyond one per record). Targets: ours 101 calls and 0 duplicates;
   Powertools' stock processor goes on after the failure (190 and 89).

Run by ``make bench``; not a timed test. Exit status 1 with ``--strict`` when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import io_workload
from benchmarks.profile_batch import profile_batch
from benchmarks.targets import Target
from benchmarks.throughput import LambdaContext

SPEEDUP_TARGET = 5.0
CEILING_TARGET = 0.8
FAILING_INDEX = 10


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.io_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--zip", type=Path, help="import the handler from this zip (default: the checkout)")
    parser.add_argument("--out", type=Path, required=True, help="JSON file for the figures")
    parser.add_argument("--records", type=int, default=100, help=f"records per batch (> {FAILING_INDEX})")
    parser.add_argument("--rounds", type=int, default=5, help="timed batches per variant")
    parser.add_argument("--concurrency", type=int, default=16, help="threads of the concurrent variants")
    parser.add_argument("--delay-ms", type=float, default=10.0, help="injected wait before every AWS call")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def _import_from_zip(archive: Path, destination: Path) -> None:
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(archive) as opened:
        opened.extractall(destination)
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(destination))
    import handler  # noqa: PLC0415

    if not Path(handler.__file__ or "").resolve().is_relative_to(destination.resolve()):
        raise RuntimeError(f"handler imported from {handler.__file__}, not from {archive}")


# --------------------------------------------------------------------------------------------------
# 1. The I/O-bound batch
# --------------------------------------------------------------------------------------------------


def measure_io(args: argparse.Namespace) -> dict[str, Any]:
    delay = args.delay_ms / 1000
    variants: dict[str, tuple[str, Callable[[], io_workload.Handle]]] = {
        "ours_concurrent": (
            f"ours, concurrency {args.concurrency}",
            lambda: io_workload.our_handler(io_workload.create_resources("ours"), args.concurrency, delay),
        ),
        "ours_serial": (
            "ours, concurrency 1",
            lambda: io_workload.our_handler(io_workload.create_resources("serial"), 1, delay),
        ),
        "powertools_stock": (
            "Powertools BatchProcessor (serial)",
            lambda: io_workload.stock_powertools(io_workload.create_resources("stock"), delay),
        ),
        "ceiling": (
            f"ceiling: ours, concurrency {args.concurrency}, no delay",
            lambda: io_workload.our_handler(io_workload.create_resources("ceiling"), args.concurrency, 0.0),
        ),
    }
    handlers = {name: factory() for name, (_, factory) in variants.items()}
    seconds: dict[str, list[float]] = {name: [] for name in handlers}
    context = LambdaContext()
    seed = 1000
    for round_index in range(1 + args.rounds):  # round 0 warms clients and connections up
        for name, handle in handlers.items():
            seed += 1
            event = profile_batch(args.records, seed=seed)  # new eventIDs: nothing is answered from the table
            start = time.perf_counter()
            response = handle(event, context)
            elapsed = time.perf_counter() - start
            if response != {"batchItemFailures": []}:
                raise RuntimeError(f"{name} answered {str(response)[:300]}")
            if round_index:
                seconds[name].append(elapsed)
    return {
        name: {
            "label": variants[name][0],
            "records_per_second": round(args.records / statistics.median(batches), 1),
            "median_seconds_per_batch": round(statistics.median(batches), 4),
            "batches": len(batches),
        }
        for name, batches in seconds.items()
    }


# --------------------------------------------------------------------------------------------------
# 2. After a failure
# --------------------------------------------------------------------------------------------------


class FailsOnce:
    """Counts calls and successful calls per record; the record at FAILING_INDEX fails once."""

    def __init__(self, event_ids: list[str]) -> None:
        self.failing = event_ids[FAILING_INDEX]
        self.failed = False
        self.calls = 0
        self.succeeded: Counter[str] = Counter()

    def __call__(self, event_id: str) -> None:
        self.calls += 1
        if event_id == self.failing and not self.failed:
            self.failed = True
            raise RuntimeError("transient outage")
        self.succeeded[event_id] += 1


def redeliver_until_done(handle: Callable[[dict[str, Any]], object], records: list[dict[str, Any]]) -> int:
    """Invoke as the mapping does until the batch succeeds; return the invocations it took."""
    from pipeline.esm.batch_response import Verdict, evaluate_response  # noqa: PLC0415

    start, invocations = 0, 0
    while True:
        invocations += 1
        if invocations > len(records) + 1:
            raise RuntimeError("the batch never completed")
        batch = records[start:]
        try:
            answer = evaluate_response(
                handle({"Records": batch}), [r["dynamodb"]["SequenceNumber"] for r in batch], True
            )
        except Exception:  # a function error: the whole batch is re-sent
            continue
        if answer.verdict is Verdict.SUCCESS:
            return invocations
        if answer.first_failed_index is None:
            continue
        start += answer.first_failed_index


def measure_after_failure(records_count: int, concurrency: int) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (  # noqa: PLC0415
        DynamoDBRecord,
    )

    from handler.app import StreamHandler  # noqa: PLC0415
    from handler.config import HandlerConfig  # noqa: PLC0415
    from handler.processing import ProcessingContext  # noqa: PLC0415
    from handler.record import ChangeRecord  # noqa: PLC0415

    records = profile_batch(records_count, seed=7)["Records"]
    event_ids = [record["eventID"] for record in records]
    results: dict[str, Any] = {}

    def ours(threads: int) -> Callable[[dict[str, Any]], object]:
        def process(record: ChangeRecord, context: ProcessingContext) -> None:
            del context
            counter(record.event_id)

        return StreamHandler(HandlerConfig(log_level="CRITICAL", concurrency=threads), processor=process)

    def stock() -> Callable[[dict[str, Any]], object]:
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

        def record_handler(record: DynamoDBRecord) -> None:
            counter(record.event_id or "")

        return lambda event: process_partial_response(
            event=event, record_handler=record_handler, processor=processor
        )

    variants: dict[str, tuple[str, Callable[[], Callable[[dict[str, Any]], object]]]] = {
        "ours": ("ours (stop at the first failure)", lambda: ours(1)),
        "powertools_stock": ("Powertools BatchProcessor (goes on)", stock),
        "ours_concurrent": (
            f"ours, concurrency {concurrency} (in-flight work finishes)",
            lambda: ours(concurrency),
        ),
    }
    for name, (label, factory) in variants.items():
        counter = FailsOnce(event_ids)
        invocations = redeliver_until_done(factory(), records)
        if set(counter.succeeded) != set(event_ids):
            raise RuntimeError(f"{name} lost records")
        results[name] = {
            "label": label,
            "invocations": invocations,
            "calls": counter.calls,
            "duplicates": sum(counter.succeeded.values()) - len(event_ids),
        }
    return results


# --------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    load_at_start = os.getloadavg()[0]
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="io-bench-") as scratch:
        if args.zip is not None:
            _import_from_zip(args.zip, Path(scratch) / "task")
        with io_workload.MotoProcess() as dynamodb, io_workload.MotoProcess() as sns:
            io_workload.use_endpoints(dynamodb=dynamodb.endpoint_url, sns=sns.endpoint_url)
            io = measure_io(args)
        failure = measure_after_failure(args.records, args.concurrency)
    load_at_end = os.getloadavg()[0]

    ours = io["ours_concurrent"]["records_per_second"]
    targets = [
        Target(
            f"I/O batch: ours at {args.concurrency} / stock Powertools",
            ours / io["powertools_stock"]["records_per_second"],
            SPEEDUP_TARGET,
            higher_is_better=True,
        ),
        Target(
            f"I/O batch: ours at {args.concurrency} / this machine's ceiling",
            ours / io["ceiling"]["records_per_second"],
            CEILING_TARGET,
            higher_is_better=True,
        ),
    ]
    # Once through the records up to the failed one, then once through the re-sent rest.
    expected_ours = {"calls": args.records + 1, "duplicates": 0}
    after_failure_ok = {key: failure["ours"][key] for key in expected_ours} == expected_ours
    cores = os.cpu_count() or 1
    report = [
        f"Stream benchmark: {args.records}-record batches, Python {platform.python_version()} on "
        f"{platform.machine()}; load average {load_at_start:.2f} at start, {load_at_end:.2f} at end, "
        f"on {cores} cores",
        "",
        f"I/O-bound batch: profile processor + SNS + idempotency on moto (a process per service), "
        f"every AWS call +{args.delay_ms:g} ms; median of {args.rounds} batches:",
        f"  {'variant':<48} {'records/s':>10} {'s/batch':>8}",
        *(
            f"  {figures['label']:<48} {figures['records_per_second']:>10,.1f} "
            f"{figures['median_seconds_per_batch']:>8.3f}"
            for figures in io.values()
        ),
        "",
        f"after a failure: record {FAILING_INDEX} fails once, no idempotency, re-sent as Lambda does:",
        f"  {'variant':<48} {'invocations':>11} {'calls':>6} {'duplicates':>10}",
        *(
            f"  {figures['label']:<48} {figures['invocations']:>11} {figures['calls']:>6} "
            f"{figures['duplicates']:>10}"
            for figures in failure.values()
        ),
        "",
        "targets:",
        *(target.line() for target in targets),
        f"  {f'after a failure: ours makes {args.records + 1} calls, 0 duplicates':<62} "
        f"{failure['ours']['calls']} / {failure['ours']['duplicates']}  "
        f"{'PASS' if after_failure_ok else 'MISS'}",
    ]
    print("\n".join(report))
    figures: dict[str, Any] = {
        "batch_records": args.records,
        "concurrency": args.concurrency,
        "delay_ms": args.delay_ms,
        "python": platform.python_version(),
        "load_average": {"start": load_at_start, "end": load_at_end, "cores": cores},
        "io_batch": io,
        "after_failure": failure,
        "targets": {target.name: target.as_json() for target in targets}
        | {
            "after a failure: ours calls and duplicates": {
                "expected": expected_ours,
                "passed": after_failure_ok,
            }
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {args.out}")
    passed = after_failure_ok and all(target.passed for target in targets)
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())

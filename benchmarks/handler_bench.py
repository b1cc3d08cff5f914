"""``make bench`` (handler part): CPU throughput, cold init and size of the packaged handler.

One run measures, on a 1,000-record batch of user-profile INSERTs with a no-op processor:

* records/s of our handler (imported from the unzipped ``--zip``), of Powertools' stock
  ``BatchProcessor`` reading ``new_image``, of a plain ``TypeDeserializer`` loop and of the
  floor: a loop handing each record's raw image to the processor (benchmarks/throughput.py);
* cold init from the zip as deployed (fresh interpreter, nothing written), for the zip with
  bytecode (``--zip``) and the same build without (``--source-zip``): importing
  ``handler.entrypoint``, against importing Powertools' batch, logger and metrics modules alone
  and against a bare interpreter start;
* both zips' sizes;

then checks the targets, prints a table and writes the figures as JSON: throughput at least 1.5x
the stock Powertools path; with bytecode, cold init at most 0.6x the same zip without bytecode
and at most 0.6x the Powertools import from source; without bytecode, the entry module at most
1.1x the Powertools import alone (what the handler adds); zips at most 3 MiB with bytecode and
2 MiB without. ``--profile`` adds a cProfile of our handler and an ``-X importtime`` breakdown.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import cold_init, throughput
from benchmarks.profile_batch import profile_batch
from benchmarks.targets import Target

THROUGHPUT_TARGET = 1.5
BYTECODE_COLD_INIT_TARGET = 0.6
HANDLER_OVERHEAD_TARGET = 1.1
ZIP_BUDGET_BYTES = {"with_bytecode": 3 * 1024 * 1024, "without_bytecode": 2 * 1024 * 1024}


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.handler_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--zip", type=Path, required=True, help="the zip with bytecode (make package)")
    parser.add_argument(
        "--source-zip", type=Path, required=True, help="the same build without bytecode (--no-bytecode)"
    )
    parser.add_argument("--out", type=Path, required=True, help="JSON file for the figures")
    parser.add_argument("--records", type=int, default=1000, help="records per batch")
    parser.add_argument("--rounds", type=int, default=30, help="timed batches per throughput variant")
    parser.add_argument("--cold-runs", type=int, default=15, help="fresh interpreters per cold-init variant")
    parser.add_argument("--profile", action="store_true", help="also print where our handler spends its time")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def _unzip(archive: Path, destination: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(destination)
    return destination


def _import_from(task: Path) -> None:
    """Put the unzipped package first on sys.path, as Lambda's /var/task is, and check it won."""
    sys.dont_write_bytecode = True  # leave the unzipped tree exactly as shipped
    sys.path.insert(0, str(task))
    throughput.configure_environment()
    import handler  # noqa: PLC0415 - must follow the sys.path change

    if not Path(handler.__file__ or "").resolve().is_relative_to(task.resolve()):
        raise RuntimeError(f"handler imported from {handler.__file__}, not from the zip at {task}")


def _handler_profile(event_json: str, batches: int = 10) -> str:
    lambda_handler = throughput.our_handler()
    context = throughput.LambdaContext()
    events = [json.loads(event_json) for _ in range(batches)]
    profiler = cProfile.Profile()
    profiler.enable()
    for event in events:
        lambda_handler(event, context)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def _throughput_table(measurements: list[throughput.Measurement]) -> list[str]:
    stock = next(m for m in measurements if m.name == "powertools_stock")
    floor = next(m for m in measurements if m.name == "image_loop_floor")
    lines = [f"  {'variant':<44} {'records/s':>10} {'ms/batch':>9} {'vs stock':>9} {'of floor':>9}"]
    for m in measurements:
        ratio = m.records_per_second / stock.records_per_second
        of_floor = m.records_per_second / floor.records_per_second
        lines.append(
            f"  {m.label:<44} {m.records_per_second:>10,.0f} {m.median_seconds * 1000:>9.2f}"
            f" {ratio:>8.2f}x {of_floor:>8.2f}x"
        )
    return lines


def _cold_table(cold: dict[str, Any]) -> list[str]:
    lines = [f"  {'situation / variant':<44} {'import ms':>10} {'process ms':>11} {'boto3':>6}"]
    for situation, variants in cold.items():
        lines.append(f"  {situation}:")
        for name, figures in variants.items():
            imported = "-" if name == "bare_interpreter" else f"{figures['import_ms_median']:.2f}"
            boto3 = "yes" if figures["boto3_loaded"] else "no"
            lines.append(f"    {name:<42} {imported:>10} {figures['process_ms_median']:>11.2f} {boto3:>6}")
    return lines


def _targets(
    measurements: list[throughput.Measurement], cold: dict[str, Any], sizes: dict[str, int]
) -> list[Target]:
    by_name = {m.name: m for m in measurements}
    with_bytecode = cold["with_bytecode"]
    without = cold["without_bytecode"]
    return [
        Target(
            "throughput: our handler / stock Powertools",
            by_name["our_handler"].records_per_second / by_name["powertools_stock"].records_per_second,
            THROUGHPUT_TARGET,
            higher_is_better=True,
        ),
        Target(
            "cold init: zip with bytecode / same zip without",
            with_bytecode["entry_module"]["import_ms_median"] / without["entry_module"]["import_ms_median"],
            BYTECODE_COLD_INIT_TARGET,
            higher_is_better=False,
        ),
        Target(
            "cold init: zip with bytecode / Powertools import from source",
            with_bytecode["entry_module"]["import_ms_median"]
            / without["powertools_alone"]["import_ms_median"],
            BYTECODE_COLD_INIT_TARGET,
            higher_is_better=False,
        ),
        Target(
            "cold init without bytecode: entry module / Powertools import",
            without["entry_module"]["import_ms_median"] / without["powertools_alone"]["import_ms_median"],
            HANDLER_OVERHEAD_TARGET,
            higher_is_better=False,
        ),
        *(
            Target(
                f"zip {situation.replace('_', ' ')} / {budget // 1_048_576} MiB budget",
                sizes[situation] / budget,
                1.0,
                higher_is_better=False,
            )
            for situation, budget in ZIP_BUDGET_BYTES.items()
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    for archive in (args.zip, args.source_zip):
        if not archive.is_file():
            print(
                f"handler_bench: {archive} not found; run `make bench` (it builds both zips)", file=sys.stderr
            )
            return 2
    load_at_start = os.getloadavg()[0]  # other work on the machine skews the cold-init medians
    event_json = json.dumps(profile_batch(args.records))
    with tempfile.TemporaryDirectory(prefix="handler-bench-") as scratch:
        scratch_dir = Path(scratch)
        task = _unzip(args.zip, scratch_dir / "task")
        _import_from(task)
        measurements = throughput.measure(event_json, args.records, args.rounds)
        trees = {
            "with_bytecode": _unzip(args.zip, scratch_dir / "with_bytecode"),
            "without_bytecode": _unzip(args.source_zip, scratch_dir / "without_bytecode"),
        }
        cold = cold_init.measure(trees, scratch_dir / "cold", args.cold_runs)
        profiles = ""
        if args.profile:
            importtime = cold_init.import_profile(trees["with_bytecode"], scratch_dir / "cold")
            profiles = (
                f"{_handler_profile(event_json)}\n"
                f"import of handler.entrypoint (-X importtime):\n{importtime}\n"
            )
    sizes = {"with_bytecode": args.zip.stat().st_size, "without_bytecode": args.source_zip.stat().st_size}
    targets = _targets(measurements, cold, sizes)

    header = (
        f"Handler benchmark: {args.records}-record batch of user-profile INSERTs, no-op processor; "
        f"Python {platform.python_version()} on {platform.machine()}, {args.rounds} batches per variant, "
        f"{args.cold_runs} cold starts per variant"
    )
    load_before, load_after = load_at_start, os.getloadavg()[0]
    cores = os.cpu_count() or 1
    report = [
        header,
        f"load average {load_before:.2f} at start, {load_after:.2f} at end, on {cores} cores"
        + (
            "  ** busy machine: cold-init figures are unreliable **"
            if max(load_before, load_after) > cores / 2
            else ""
        ),
        "",
        "throughput (median batch):",
        *_throughput_table(measurements),
        "",
        "cold init from the zip as deployed (medians; import timed inside the child, process = whole run):",
        *_cold_table(cold),
        "",
        *(
            f"zip {situation.replace('_', ' ')}: {path}  {sizes[situation]:,} bytes "
            f"({sizes[situation] / 1_048_576:.2f} MiB)"
            for situation, path in (("with_bytecode", args.zip), ("without_bytecode", args.source_zip))
        ),
        "",
        "targets:",
        *(target.line() for target in targets),
    ]
    print("\n".join(report))
    if profiles:
        print("\n" + profiles)

    figures = {
        "batch_records": args.records,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load_average": {"start": load_before, "end": load_after, "cores": cores},
        "throughput": {m.name: m.as_json() for m in measurements},
        "cold_init": cold,
        "zip": {
            situation: {
                "path": str(path),
                "bytes": sizes[situation],
                "budget_bytes": ZIP_BUDGET_BYTES[situation],
            }
            for situation, path in (("with_bytecode", args.zip), ("without_bytecode", args.source_zip))
        },
        "targets": {target.name: target.as_json() for target in targets},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {args.out}")
    return 1 if args.strict and not all(target.passed for target in targets) else 0


if __name__ == "__main__":
    sys.exit(main())

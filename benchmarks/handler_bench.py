"""``make bench`` (handler part): throughput, cold init and size of the packaged handler.

One run measures, on a 1,000-record batch of user-profile INSERTs with a no-op processor:

* records/s of our handler (imported from the unzipped ``--zip``), of Powertools' stock
  ``BatchProcessor`` reading ``new_image``, of a plain ``TypeDeserializer`` loop and of bare
  ``json.loads`` of the event (the floor);
* cold init: importing ``handler.entrypoint`` in a fresh interpreter, against importing
  Powertools' batch, logger and metrics modules alone and against a bare interpreter start;
* the zip's size;

then checks the targets (throughput at least 1.5x the stock Powertools path, cold init at most
1.1x the Powertools import, zip at most 2 MiB), prints a table and writes the figures as JSON.
``--profile`` adds a cProfile of our handler and an ``-X importtime`` breakdown of its import.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import cold_init, throughput
from benchmarks.profile_batch import profile_batch

THROUGHPUT_TARGET = 1.5
COLD_INIT_TARGET = 1.1
ZIP_BUDGET_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Target:
    name: str
    ratio: float
    limit: float
    higher_is_better: bool

    @property
    def passed(self) -> bool:
        return self.ratio >= self.limit if self.higher_is_better else self.ratio <= self.limit

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        verdict = "PASS" if self.passed else "MISS"
        return f"  {self.name:<58} {self.ratio:6.2f}x  (target {sign} {self.limit}x)  {verdict}"

    def as_json(self) -> dict[str, Any]:
        return {"ratio": round(self.ratio, 3), "limit": self.limit, "passed": self.passed}


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.handler_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--zip", type=Path, required=True, help="the zip built by make package")
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
    lines = [f"  {'variant':<44} {'records/s':>10} {'ms/batch':>9} {'vs stock':>9}"]
    for m in measurements:
        ratio = m.records_per_second / stock.records_per_second
        lines.append(
            f"  {m.label:<44} {m.records_per_second:>10,.0f} {m.median_seconds * 1000:>9.2f} {ratio:>8.2f}x"
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    if not args.zip.is_file():
        print(f"handler_bench: {args.zip} not found; run `make package` first", file=sys.stderr)
        return 2
    load_at_start = os.getloadavg()[0]  # other work on the machine skews the cold-init medians
    event_json = json.dumps(profile_batch(args.records))
    with tempfile.TemporaryDirectory(prefix="handler-bench-") as scratch:
        scratch_dir = Path(scratch)
        task = _unzip(args.zip, scratch_dir / "task")
        _import_from(task)
        measurements = throughput.measure(event_json, args.records, args.rounds)
        cold = cold_init.measure(
            _unzip(args.zip, scratch_dir / "pristine"), scratch_dir / "cold", args.cold_runs
        )
        profiles = ""
        if args.profile:
            importtime = cold_init.import_profile(scratch_dir / "pristine", scratch_dir / "cold")
            profiles = (
                f"{_handler_profile(event_json)}\n"
                f"import of handler.entrypoint (-X importtime):\n{importtime}\n"
            )
    zip_size = args.zip.stat().st_size

    by_name = {m.name: m for m in measurements}
    targets = [
        Target(
            "throughput: our handler / stock Powertools",
            by_name["our_handler"].records_per_second / by_name["powertools_stock"].records_per_second,
            THROUGHPUT_TARGET,
            higher_is_better=True,
        ),
        *(
            Target(
                f"cold init ({situation}): entry module / Powertools import",
                cold[situation]["entry_module"]["import_ms_median"]
                / cold[situation]["powertools_alone"]["import_ms_median"],
                COLD_INIT_TARGET,
                higher_is_better=False,
            )
            for situation in cold
        ),
        Target("zip size / 2 MiB budget", zip_size / ZIP_BUDGET_BYTES, 1.0, higher_is_better=False),
    ]

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
        "cold init (medians; import timed inside the child, process = whole interpreter run):",
        *_cold_table(cold),
        "",
        f"zip: {args.zip}  {zip_size:,} bytes ({zip_size / 1_048_576:.2f} MiB)",
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
        "zip": {"path": str(args.zip), "bytes": zip_size, "budget_bytes": ZIP_BUDGET_BYTES},
        "targets": {target.name: target.as_json() for target in targets},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {args.out}")
    return 1 if args.strict and not all(target.passed for target in targets) else 0


if __name__ == "__main__":
    sys.exit(main())

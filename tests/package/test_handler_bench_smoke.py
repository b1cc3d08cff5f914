"""``make bench`` (handler part) still runs end to end: a tiny run, not a timing assertion.

Speed is the benchmark's business, not the test suite's; this only guards the programs against
rot (a renamed handler module, a broken variant, a JSON key the docs rely on going missing), and
checks the one figure that is exact: what a failure costs in calls and duplicates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.package.support import REPO_ROOT, Build, make_checkout, run_packager


@pytest.fixture(scope="module")
def source_zip(tmp_path_factory: pytest.TempPathFactory, pip_cache: Path) -> Build:
    """The bytecode build's twin without bytecode (what make bench passes as --source-zip)."""
    checkout = make_checkout(tmp_path_factory.mktemp("bench-source") / "repo")
    build = run_packager(checkout, ["--runtime", "python3.11", "--no-bytecode"], cache_dir=pip_cache)
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture(scope="module")
def bytecode_build(tmp_path_factory: pytest.TempPathFactory, pip_cache: Path) -> Build:
    checkout = make_checkout(tmp_path_factory.mktemp("bench-bytecode") / "repo")
    build = run_packager(checkout, ["--runtime", "python3.11"], cache_dir=pip_cache)
    assert build.returncode == 0, build.stderr
    return build


def _bench(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_handler_bench_writes_every_figure(bytecode_build: Build, source_zip: Build, tmp_path: Path) -> None:
    out = tmp_path / "bench-handler.json"

    completed = _bench(
        "benchmarks.handler_bench",
        "--zip",
        str(bytecode_build.zip_path),
        "--source-zip",
        str(source_zip.zip_path),
        "--out",
        str(out),
        "--records",
        "50",
        "--rounds",
        "2",
        "--cold-runs",
        "1",
    )

    assert completed.returncode == 0, completed.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["batch_records"] == 50
    assert set(figures["throughput"]) == {
        "our_handler",
        "powertools_stock",
        "type_deserializer_loop",
        "image_loop_floor",
    }
    assert all(entry["records_per_second"] > 0 for entry in figures["throughput"].values())
    # The floor does the least any handler can: nothing measured may beat it.
    floor = figures["throughput"]["image_loop_floor"]["records_per_second"]
    assert all(entry["records_per_second"] <= floor for entry in figures["throughput"].values())
    for situation in ("with_bytecode", "without_bytecode"):
        assert set(figures["cold_init"][situation]) == {
            "bare_interpreter",
            "powertools_alone",
            "entry_module",
        }
        # The default configuration (no SNS topic, no idempotency table) must not load boto3.
        assert figures["cold_init"][situation]["entry_module"]["boto3_loaded"] is False
    assert figures["zip"]["with_bytecode"]["bytes"] == bytecode_build.zip_path.stat().st_size
    assert figures["zip"]["without_bytecode"]["bytes"] == source_zip.zip_path.stat().st_size
    assert list(figures["targets"]) == [
        "throughput: our handler / stock Powertools",
        "cold init: zip with bytecode / same zip without",
        "cold init: zip with bytecode / Powertools import from source",
        "cold init without bytecode: entry module / Powertools import",
        "zip with bytecode / 3 MiB budget",
        "zip without bytecode / 2 MiB budget",
    ]
    assert "targets:" in completed.stdout


def test_io_bench_writes_every_figure_and_counts_the_failure_exactly(
    bytecode_build: Build, tmp_path: Path
) -> None:
    out = tmp_path / "bench-io.json"

    completed = _bench(
        "benchmarks.io_bench",
        "--zip",
        str(bytecode_build.zip_path),
        "--out",
        str(out),
        "--records",
        "20",
        "--rounds",
        "1",
        "--concurrency",
        "4",
        "--delay-ms",
        "1",
    )

    assert completed.returncode == 0, completed.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures["io_batch"]) == {"ours_concurrent", "ours_serial", "powertools_stock", "ceiling"}
    assert all(entry["records_per_second"] > 0 for entry in figures["io_batch"].values())
    # Record 10 fails once: ours runs records 0-10, then the re-sent 10-19; stock runs all 20, then 10-19.
    after = figures["after_failure"]
    assert (after["ours"]["calls"], after["ours"]["duplicates"], after["ours"]["invocations"]) == (21, 0, 2)
    assert (after["powertools_stock"]["calls"], after["powertools_stock"]["duplicates"]) == (30, 9)
    assert figures["targets"]["after a failure: ours calls and duplicates"]["passed"] is True

"""``make bench`` (handler part) still runs end to end: a tiny run, not a timing assertion.

Speed is the benchmark's business, not the test suite's; this only guards the program against
rot (a renamed handler module, a broken variant, a JSON key the docs rely on going missing).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.package.support import REPO_ROOT, Build


def test_handler_bench_writes_every_figure(handler_zip: Build, tmp_path: Path) -> None:
    out = tmp_path / "bench-handler.json"

    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.handler_bench",
            "--zip",
            str(handler_zip.zip_path),
            "--out",
            str(out),
            "--records",
            "50",
            "--rounds",
            "2",
            "--cold-runs",
            "1",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    assert completed.returncode == 0, completed.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["batch_records"] == 50
    assert set(figures["throughput"]) == {
        "our_handler",
        "powertools_stock",
        "type_deserializer_loop",
        "json_loads_floor",
    }
    assert all(entry["records_per_second"] > 0 for entry in figures["throughput"].values())
    for situation in ("deployed", "cached_bytecode"):
        assert set(figures["cold_init"][situation]) == {
            "bare_interpreter",
            "powertools_alone",
            "entry_module",
        }
        # The default configuration (no SNS topic, no idempotency table) must not load boto3.
        assert figures["cold_init"][situation]["entry_module"]["boto3_loaded"] is False
    assert figures["zip"]["bytes"] == handler_zip.zip_path.stat().st_size
    assert len(figures["targets"]) == 4
    assert "targets:" in completed.stdout

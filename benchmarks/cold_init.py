"""Cold init: what importing the entry module costs a fresh interpreter, against baselines.

Each sample is a new ``python -I -S -B`` process whose ``sys.path`` is what Lambda gives a
function: the unzipped package first, then the runtime's own libraries (boto3's stack), then
the standard library. Inside the child, ``perf_counter`` around the import isolates the import
from interpreter start-up; the parent also times the whole process. Samples of the variants are
interleaved, and medians reported, so machine noise hits every variant alike.

Two zips are measured as deployed (unzipped, nothing written: ``-B``, as ``/var/task`` is
read-only), the same build with and without the bytecode ``make package`` ships:

* ``with_bytecode``: the modules load from the zip's unchecked-hash pycs;
* ``without_bytecode``: every cold start compiles every module it imports from source, which is
  also what "the Powertools import from source" means below.
"""

from __future__ import annotations

import ast
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

# What the Lambda Python runtime ships besides the standard library.
LAMBDA_RUNTIME_LIBRARIES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")

POWERTOOLS_ALONE = (
    "import aws_lambda_powertools.utilities.batch,"
    " aws_lambda_powertools.logging,"
    " aws_lambda_powertools.metrics"
)
ENTRY_MODULE = "import handler.entrypoint"

# The function's default configuration: no SNS topic, no idempotency table.
CHILD_ENVIRONMENT = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "ddb-stream-handler",
    "POWERTOOLS_SERVICE_NAME": "ddb-stream-handler",
    "POWERTOOLS_METRICS_NAMESPACE": "DynamoDBStreams",
}

CHILD = """
import sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
start = time.perf_counter()
exec(sys.argv[3])
elapsed = time.perf_counter() - start
print(repr((elapsed, "boto3" in sys.modules, len(sys.modules))))
"""


@dataclass(frozen=True)
class Sample:
    import_seconds: float
    process_seconds: float
    boto3_loaded: bool
    modules: int


def runtime_standin(directory: Path) -> Path:
    """A directory holding only boto3's stack, linked from this virtualenv."""
    directory.mkdir(parents=True, exist_ok=True)
    site = Path(boto3.__file__).resolve().parents[1]
    for name in LAMBDA_RUNTIME_LIBRARIES:
        link = directory / name
        if not link.exists():
            link.symlink_to(site / name)
    return directory


def _sample(task: Path, runtime: Path, statement: str) -> Sample:
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", CHILD, str(task), str(runtime), statement],
        env=CHILD_ENVIRONMENT,
        capture_output=True,
        text=True,
        check=False,
    )
    process = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"cold-init child failed for {statement!r}:\n{completed.stderr[-2000:]}")
    # repr + literal_eval rather than json: importing json in the child would preload ``re``.
    elapsed, boto3_loaded, modules = ast.literal_eval(completed.stdout.strip().splitlines()[-1])
    return Sample(float(elapsed), process, bool(boto3_loaded), int(modules))


def measure(trees: dict[str, Path], scratch: Path, runs: int) -> dict[str, Any]:
    """Median import and whole-process times of each variant, per unzipped tree (situation)."""
    runtime = runtime_standin(scratch / "runtime")
    variants = {
        "bare_interpreter": "pass",
        "powertools_alone": POWERTOOLS_ALONE,
        "entry_module": ENTRY_MODULE,
    }
    results: dict[str, Any] = {}
    for situation, task in trees.items():
        samples: dict[str, list[Sample]] = {name: [] for name in variants}
        for _ in range(runs):
            for name, statement in variants.items():
                samples[name].append(_sample(task, runtime, statement))
        results[situation] = {name: _summary(found) for name, found in samples.items()}
    return results


def _summary(samples: list[Sample]) -> dict[str, Any]:
    return {
        "import_ms_median": round(statistics.median(s.import_seconds for s in samples) * 1000, 2),
        "process_ms_median": round(statistics.median(s.process_seconds for s in samples) * 1000, 2),
        "import_ms_min": round(min(s.import_seconds for s in samples) * 1000, 2),
        "boto3_loaded": any(s.boto3_loaded for s in samples),
        "modules_loaded": samples[-1].modules,
        "runs": len(samples),
    }


def import_profile(task: Path, scratch: Path, statement: str = ENTRY_MODULE) -> str:
    """``-X importtime`` of one cold import from ``task``, the 25 costliest modules first."""
    runtime = runtime_standin(scratch / "runtime")
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-B",
            "-X",
            "importtime",
            "-c",
            CHILD,
            str(task),
            str(runtime),
            statement,
        ],
        env=CHILD_ENVIRONMENT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [line for line in completed.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    parsed = []
    for row in rows[1:]:
        self_us, cumulative_us, name = (part.strip() for part in row.replace("import time:", "").split("|"))
        parsed.append((int(cumulative_us), int(self_us), name))
    parsed.sort(reverse=True)
    lines = [f"{'cumulative us':>14} {'self us':>9}  module"]
    lines += [f"{cumulative:>14} {self_:>9}  {name}" for cumulative, self_, name in parsed[:25]]
    return "\n".join(lines)

"""What ``make package`` puts in the zip, and that the zip runs on what Lambda provides.

The zip must hold the handler and every runtime dependency Lambda lacks, and nothing Lambda
already has (boto3 and the libraries only it needs), no tests, scripts or install bookkeeping,
and no bytecode when it cannot be the runtime's (this build is python3.13, this host CPython 3.11;
tests/package/test_package_bytecode.py covers the build that ships it). The proof that nothing
is missing is to import the handler from the unzipped package in an interpreter that sees only
the standard library, the zip and boto3's stack, and hand it a DynamoDB stream event as Lambda
delivers one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import boto3
import pytest

from tests.package.support import PACKAGER_FILES, REPO_ROOT, Build, run_packager

# What the Lambda Python runtime ships besides the standard library (boto3 and its closure).
LAMBDA_RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
NOT_SHIPPED_TOP_LEVEL = {"boto3", "botocore", "s3transfer", "dateutil", "six.py", "urllib3", "bin"}

SAMPLE_EVENT = {
    "Records": [
        {
            "eventID": "c4ca4238a0b923820dcc509a6f75849b",
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": 1732290000.0,
                "Keys": {"user_id": {"S": "u-0001"}},
                "NewImage": {
                    "user_id": {"S": "u-0001"},
                    "email": {"S": "ada@example.com"},
                    "name": {"S": "Ada Lovelace"},
                    "age": {"N": "36"},
                    "status": {"S": "active"},
                    "created_at": {"S": "2024-11-22T15:40:00Z"},
                    "address": {"M": {"city": {"S": "London"}, "postcode": {"S": "W1"}}},
                    "tags": {"SS": ["math", "poetry"]},
                },
                "SequenceNumber": "111100000000000000000001",
                "SizeBytes": 187,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
            "eventSourceARN": (
                "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2024-11-22T15:00:00.000"
            ),
        }
    ]
}

# Runs under ``python -I -S``: no site-packages, no PYTHONPATH, no current directory on
# sys.path. It adds the unzipped package first and the Lambda runtime's libraries after it,
# the order Lambda uses, invokes the handler and reports any module loaded from elsewhere.
CHILD = """
import json, sys, sysconfig
task, runtime, event_path, result_path = sys.argv[1:5]
sys.path[:0] = [task, runtime]

class Context:
    function_name = "ddb-stream-handler"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ddb-stream-handler"
    aws_request_id = "9f6c1e5e-0000-4000-8000-000000000001"
    log_group_name = "/aws/lambda/ddb-stream-handler"
    log_stream_name = "2024/11/22/[$LATEST]0123456789abcdef"

    @staticmethod
    def get_remaining_time_in_millis():
        return 300000

from handler.entrypoint import lambda_handler
with open(event_path, encoding="utf-8") as handle:
    result = lambda_handler(json.load(handle), Context())
allowed = (task, runtime, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
outside = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None) and not module.__file__.startswith(allowed)
)
powertools = sys.modules["aws_lambda_powertools"].__file__
with open(result_path, "w", encoding="utf-8") as handle:
    json.dump({"result": result, "outside": outside, "powertools": powertools}, handle)
"""


def _top_level(names: list[str]) -> set[str]:
    return {PurePosixPath(name).parts[0] for name in names}


def test_zip_holds_handler_and_dependencies_only(handler_zip: Build) -> None:
    names = handler_zip.names()
    top = _top_level(names)

    assert "handler/entrypoint.py" in names
    assert "handler/__init__.py" in names
    assert {"aws_lambda_powertools", "jmespath"} <= top  # jmespath: Powertools pins its own
    assert not top & NOT_SHIPPED_TOP_LEVEL
    assert "handler/requirements.txt" not in names


def test_zip_has_no_bytecode_tests_or_install_bookkeeping(handler_zip: Build) -> None:
    for name in handler_zip.names():
        path = PurePosixPath(name)
        assert "__pycache__" not in path.parts, name
        assert path.suffix not in {".pyc", ".pyo"}, name
        assert "tests" not in path.parts, name
        if path.parts[0].endswith(".dist-info") and not name.endswith("/"):
            # METADATA keeps importlib.metadata working; licences must travel with the code.
            assert path.name == "METADATA" or "LICENSE" in path.name.upper() or "licenses" in path.parts, name


def test_zip_is_under_the_two_megabyte_budget(handler_zip: Build) -> None:
    assert handler_zip.zip_path.stat().st_size <= 2 * 1024 * 1024


def test_unzipped_handler_runs_on_what_lambda_provides(handler_zip: Build, tmp_path: Path) -> None:
    task = tmp_path / "var-task"
    with zipfile.ZipFile(handler_zip.zip_path) as archive:
        archive.extractall(task)
    # A stand-in for the runtime's own site-packages: boto3's stack only, nothing else.
    runtime = tmp_path / "var-runtime"
    runtime.mkdir()
    site = Path(boto3.__file__).resolve().parents[1]
    for module in LAMBDA_RUNTIME_MODULES:
        (runtime / module).symlink_to(site / module)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(SAMPLE_EVENT), encoding="utf-8")
    result_path = tmp_path / "result.json"

    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", CHILD, str(task), str(runtime), str(event_path), str(result_path)],
        cwd=tmp_path,
        env={
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_FUNCTION_NAME": "ddb-stream-handler",
            "POWERTOOLS_SERVICE_NAME": "ddb-stream-handler",
            "POWERTOOLS_METRICS_NAMESPACE": "DynamoDBStreams",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    report = json.loads(result_path.read_text(encoding="utf-8"))
    assert report["result"] == {"batchItemFailures": []}
    assert report["outside"] == []
    assert report["powertools"].startswith(str(task))


@pytest.fixture
def stub_project(tmp_path: Path) -> Path:
    checkout = tmp_path / "repo"
    for relative in PACKAGER_FILES:
        destination = checkout / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes((REPO_ROOT / relative).read_bytes())
    (checkout / "handler").mkdir()
    (checkout / "handler" / "__init__.py").write_text('"""Stub handler."""\n', encoding="utf-8")
    return checkout


def test_boto3_in_requirements_is_left_to_the_runtime_with_its_private_dependencies(
    stub_project: Path, pip_cache: Path
) -> None:
    requirements = stub_project / "handler" / "requirements.txt"
    requirements.write_text("aws-lambda-powertools==3.37.0\nboto3==1.44.5\n", encoding="utf-8")

    build = run_packager(stub_project, [], cache_dir=pip_cache)

    top = _top_level(build.names())
    # pip installed boto3's whole closure; only what Powertools itself needs survives.
    assert not top & {"boto3", "botocore", "s3transfer", "dateutil", "six.py", "urllib3"}
    assert {"aws_lambda_powertools", "jmespath", "typing_extensions.py", "handler"} <= top


def test_extra_source_ships_a_teams_processor_at_the_zip_root(
    stub_project: Path, pip_cache: Path, tmp_path: Path
) -> None:
    (stub_project / "handler" / "requirements.txt").write_text("", encoding="utf-8")
    team = tmp_path / "acme_processors"
    team.mkdir()
    (team / "__init__.py").write_text("", encoding="utf-8")
    (team / "orders.py").write_text("def process_record(record):\n    return None\n", encoding="utf-8")
    (team / "tests").mkdir()
    (team / "tests" / "test_orders.py").write_text("", encoding="utf-8")

    build = run_packager(stub_project, ["--extra-source", str(team)], cache_dir=pip_cache)

    assert build.names() == [
        "acme_processors/",
        "acme_processors/__init__.py",
        "acme_processors/orders.py",
        "handler/",
        "handler/__init__.py",
    ]

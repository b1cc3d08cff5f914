"""The runtimes the packager accepts, their wheel platforms, deprecation warnings, and the
Powertools-layer build that leaves Powertools out of the zip."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path, PurePosixPath

import aws_lambda_powertools
import boto3
import pytest

from devtools.lambda_runtimes import RUNTIMES, Target, deprecation_warning
from tests.package.support import Build, make_checkout, run_packager

LAMBDA_RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")


def test_the_runtimes_are_lambdas_python_runtimes() -> None:
    assert {name: (runtime.operating_system, runtime.glibc_minor) for name, runtime in RUNTIMES.items()} == {
        "python3.14": ("Amazon Linux 2023", 34),
        "python3.13": ("Amazon Linux 2023", 34),
        "python3.12": ("Amazon Linux 2023", 34),
        "python3.11": ("Amazon Linux 2", 26),
    }


def test_wheel_platforms_stop_at_the_runtime_os_glibc() -> None:
    python314 = Target("python3.14", "arm64").platforms()
    python311 = Target("python3.11", "x86_64").platforms()

    assert python314[0] == "manylinux_2_34_aarch64"
    assert python314[-2:] == ["manylinux_2_17_aarch64", "manylinux2014_aarch64"]
    assert len(python314) == 34 - 17 + 2
    assert python311[0] == "manylinux_2_26_x86_64"
    assert "manylinux_2_28_x86_64" not in python311


@pytest.mark.parametrize(
    ("runtime", "today", "expected"),
    [
        ("python3.13", date(2026, 12, 2), None),
        ("python3.14", date(2028, 12, 31), None),
        (
            "python3.12",
            date(2028, 6, 1),
            "python3.12 will be deprecated on Lambda on 2028-10-31 (creating functions blocked on "
            "2028-11-30, updating them on 2029-01-10): move to python3.14.",
        ),
        (
            "python3.12",
            date(2028, 11, 1),
            "python3.12 is deprecated since 2028-10-31 (no more security patches); Lambda blocks creating "
            "functions with it on 2028-11-30 and updating them on 2029-01-10: move to python3.14.",
        ),
        (
            "python3.11",
            date(2026, 8, 1),
            "python3.11 is deprecated since 2026-06-30; Lambda blocks creating functions with it since "
            "2026-07-31 and will block updating them on 2026-08-31: move to python3.14.",
        ),
        (
            "python3.11",
            date(2026, 12, 2),
            "python3.11 is deprecated since 2026-06-30; Lambda blocks creating functions with it since "
            "2026-07-31 and updating them since 2026-08-31, so this zip cannot be deployed on it: move to "
            "python3.14.",
        ),
    ],
)
def test_deprecation_warnings(runtime: str, today: date, expected: str | None) -> None:
    assert deprecation_warning(runtime, today) == expected


def test_packaging_for_a_deprecated_runtime_warns(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "old")

    build = run_packager(checkout, ["--runtime", "python3.11", "--no-bytecode"], cache_dir=pip_cache)

    assert build.returncode == 0, build.stderr
    assert build.stderr.startswith("package: warning: python3.11 is deprecated since 2026-06-30; ")


def test_python3_14_builds(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "py314")

    build = run_packager(checkout, ["--runtime", "python3.14", "--arch", "x86_64"], cache_dir=pip_cache)

    assert build.returncode == 0, build.stderr
    assert build.stderr == ""  # not deprecated
    assert "python3.14 x86_64" in build.stdout
    assert "handler/entrypoint.py" in build.names()


# --------------------------------------------------------------------------------------------------
# The public Powertools layer: Powertools and what only it needs stay out of the zip
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layer_zip(tmp_path_factory: pytest.TempPathFactory, pip_cache: Path) -> Build:
    checkout = make_checkout(tmp_path_factory.mktemp("layer") / "repo")
    build = run_packager(checkout, ["--runtime", "python3.11", "--exclude-powertools"], cache_dir=pip_cache)
    assert build.returncode == 0, build.stderr
    return build


def test_exclude_powertools_leaves_only_the_handler(layer_zip: Build) -> None:
    top = {PurePosixPath(name).parts[0] for name in layer_zip.names()}

    assert top == {"handler"}
    assert "handler/__pycache__/entrypoint.cpython-311.pyc" in layer_zip.names()
    assert (
        "powertools:       left out; attach the public Powertools layer for the same version"
        in layer_zip.stdout
    )


def test_the_handler_runs_with_powertools_from_a_layer(layer_zip: Build, tmp_path: Path) -> None:
    task = tmp_path / "var-task"
    with zipfile.ZipFile(layer_zip.zip_path) as archive:
        archive.extractall(task)
    # /opt/python: what the layer holds (Powertools and its own dependencies).
    layer = tmp_path / "opt-python"
    layer.mkdir()
    site = Path(aws_lambda_powertools.__file__).resolve().parents[1]
    for module in ("aws_lambda_powertools", "typing_extensions.py", "jmespath"):
        (layer / module).symlink_to(site / module)
    runtime = tmp_path / "var-runtime"
    runtime.mkdir()
    boto_site = Path(boto3.__file__).resolve().parents[1]
    for module in LAMBDA_RUNTIME_MODULES:
        if module != "jmespath":
            (runtime / module).symlink_to(boto_site / module)
    child = (
        "import json, sys; sys.path[:0] = sys.argv[1:4]\n"
        "from handler.entrypoint import lambda_handler\n"
        "import aws_lambda_powertools\n"
        "print(json.dumps([lambda_handler({'Records': []}, None), aws_lambda_powertools.__file__]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", child, str(task), str(layer), str(runtime)],
        env={"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    response, powertools = json.loads(completed.stdout.strip().splitlines()[-1])
    assert response == {"batchItemFailures": []}
    assert powertools.startswith(str(layer))

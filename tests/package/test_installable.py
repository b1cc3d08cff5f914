"""The project installs as a distribution whose console scripts work from any directory.

A team's own repository depends on the handler library, writes only its processor and builds
its zip with our packager; these tests do exactly that with the wheel this checkout builds,
installed outside the checkout and run from a directory that is not the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.package.support import REPO_ROOT

PROCESSOR = '''"""A team's own processor."""


def process_record(record, context):
    return None
'''


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The wheel built from this checkout, installed into a fresh prefix; the environment to run it."""
    wheels = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("ddb_stream_pipeline-*.whl")
    prefix = tmp_path_factory.mktemp("prefix")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--prefix", str(prefix), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    purelib = sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)})
    # The prefix's own packages come first: the dependencies are the test venv's.
    environment = {
        **os.environ,
        "PYTHONPATH": purelib,
        "PATH": f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    environment.pop("DDB_STREAM_TERRAFORM", None)
    return {"env": json.dumps(environment), "purelib": purelib, "bin": str(prefix / "bin")}


def _run(installed: dict[str, str], cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=json.loads(installed["env"]),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_the_wheel_holds_the_packages_and_the_settings_modules(installed: dict[str, str]) -> None:
    purelib = Path(installed["purelib"])
    assert (purelib / "handler" / "requirements.txt").is_file()
    assert (purelib / "pipeline" / "cli" / "__init__.py").is_file()
    modules = purelib / "pipeline" / "settings" / "terraform_modules"
    assert sorted(path.name for path in (modules / "esm-settings").glob("*.tf")) == [
        "lint.tf",
        "main.tf",
        "outputs.tf",
        "variables.tf",
        "versions.tf",
    ]
    assert (modules / "handler-settings" / "variables.tf").is_file()
    assert not (purelib / "tests").exists()
    assert sorted(path.name for path in Path(installed["bin"]).glob("ddb-stream-*")) == [
        "ddb-stream-package",
        "ddb-stream-pipeline",
        "ddb-stream-terraform",
    ]


def test_the_pipeline_cli_renders_settings_from_any_directory(
    installed: dict[str, str], tmp_path: Path
) -> None:
    tfvars = tmp_path / "team.tfvars"
    tfvars.write_text('batch_size = 7\ninvalid_record_action = "drop"\n', encoding="utf-8")
    result = _run(installed, tmp_path, "ddb-stream-pipeline", "settings", "--var-file", str(tfvars))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["mapping"]["BatchSize"] == 7
    assert document["mapping"]["FilterCriteria"] == {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]}
    assert document["function"]["environment"]["STREAM_HANDLER_INVALID_RECORD_ACTION"] == "drop"
    # The modules rendered are the installed copies, not this checkout's.
    imported = _run(
        installed, tmp_path, sys.executable, "-c", "import pipeline.settings.loader as l; print(l.ESM_MODULE)"
    )
    assert imported.stdout.strip() == str(
        Path(installed["purelib"]) / "pipeline" / "settings" / "terraform_modules" / "esm-settings"
    )


def test_a_team_builds_its_zip_with_the_installed_packager(
    installed: dict[str, str], tmp_path: Path, pip_cache: Path
) -> None:
    team = tmp_path / "team-repo"
    (team / "acme_processors").mkdir(parents=True)
    (team / "acme_processors" / "__init__.py").write_text("", encoding="utf-8")
    (team / "acme_processors" / "orders.py").write_text(PROCESSOR, encoding="utf-8")
    result = _run(
        installed,
        team,
        "ddb-stream-package",
        "--extra-source",
        "acme_processors",
        "--cache-dir",
        str(pip_cache),
    )
    assert result.returncode == 0, result.stderr
    output = team / "build" / "ddb-stream-handler.zip"
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
    assert {
        "handler/entrypoint.py",
        "acme_processors/orders.py",
        "aws_lambda_powertools/__init__.py",
    } <= names
    assert "handler/requirements.txt" not in names

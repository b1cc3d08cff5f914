"""The check runner: which directories it visits and how it reports real Terraform results."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import tf_checks
from tests.tooling.support import write_config


def test_terraform_dirs_and_test_discovery(tmp_path: Path) -> None:
    write_config(tmp_path, "")
    write_config(tmp_path / "modules" / "b", "")
    write_config(tmp_path / "modules" / "a", "")
    (tmp_path / "modules" / "docs-only").mkdir()
    write_config(tmp_path / "examples" / "complete", "")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "x.tftest.hcl").write_text("", encoding="utf-8")

    assert tf_checks.terraform_dirs(tmp_path) == [
        tmp_path,
        tmp_path / "modules" / "a",
        tmp_path / "modules" / "b",
        tmp_path / "examples" / "complete",
    ]
    assert tf_checks.has_tests(tmp_path)
    assert not tf_checks.has_tests(tmp_path / "modules" / "a")


def test_check_directory_runs_init_validate_and_test(standin_installed: None, tmp_path: Path) -> None:
    directory = write_config(tmp_path / "ok", 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n')
    (directory / "tests").mkdir()
    (directory / "tests" / "t.tftest.hcl").write_text(
        'mock_provider "aws" {}\n\nrun "plan" {\n  command = plan\n}\n', encoding="utf-8"
    )
    results = tf_checks.check_directory(directory)
    assert [(result.step, result.ok) for result in results] == [
        ("init", True),
        ("validate", True),
        ("test", True),
    ]
    assert all(result.target == str(directory) for result in results)


def test_failures_are_reported_and_make_the_exit_status_non_zero(
    standin_installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = write_config(tmp_path / "bad", 'resource "aws_sns_topic" "t" {\n  arn = "x"\n}\n')
    results = tf_checks.check_directory(directory)
    assert [(result.step, result.ok) for result in results] == [("init", True), ("validate", False)]
    assert tf_checks.report(results) == 1
    printed = capsys.readouterr().out
    assert f"  FAIL  validate  {directory}" in printed
    assert "Invalid Configuration for Read-Only Attribute" in printed
    assert "1 of 2 step(s) failed" in printed

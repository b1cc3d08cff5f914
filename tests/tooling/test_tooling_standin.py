"""The stand-in provider under real Terraform: init, validate, test, schema choice, shutdown."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from devtools import aws_schema_extract
from devtools.aws_provider_standin.readonly import READ_ONLY_SUMMARY
from tests.tooling.support import RunTerraform, write_config

QUEUE = """
provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "failures" {
  name                    = "failures"
  sqs_managed_sse_enabled = true
}
"""


def _init_validate(terraform: RunTerraform, directory: Path) -> tuple[int, str]:
    init = terraform(["init", "-backend=false", "-input=false"], directory)
    assert init.returncode == 0, init.stdout + init.stderr
    validate = terraform(["validate"], directory)
    return validate.returncode, validate.stdout + validate.stderr


def _log_lines(log: Path) -> list[tuple[int, str]]:
    lines = []
    for line in log.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\S+ pid=(\d+) (.+)", line)
        assert match, line
        lines.append((int(match.group(1)), match.group(2)))
    return lines


def test_tiny_config_inits_and_validates(terraform: RunTerraform, tmp_path: Path, plugin_log: Path) -> None:
    status, output = _init_validate(terraform, write_config(tmp_path / "ok", QUEUE))
    assert status == 0, output
    assert "Success! The configuration is valid." in output
    events = [event for _, event in _log_lines(plugin_log)]
    assert "rpc GetProviderSchema" in events
    assert "rpc ValidateProviderConfig" in events
    assert "rpc ValidateResourceConfig aws_sqs_queue" in events


def test_setting_a_computed_only_attribute_fails_like_the_real_provider(
    terraform: RunTerraform, tmp_path: Path
) -> None:
    config = QUEUE.replace(
        'name                    = "failures"', 'name = "failures"\n  arn  = "arn:aws:sqs:x"'
    )
    status, output = _init_validate(terraform, write_config(tmp_path / "arn", config))
    assert status == 1
    assert f"Error: {READ_ONLY_SUMMARY}" in output
    assert 'arn  = "arn:aws:sqs:x"' in output  # Terraform points at the offending line
    assert "Cannot set value for this attribute as the provider has marked it as" in output


def test_read_only_attribute_inside_a_nested_block_is_rejected(
    terraform: RunTerraform, tmp_path: Path
) -> None:
    config = """
resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
  replica {
    region_name = "eu-west-1"
    arn         = "arn:aws:dynamodb:eu-west-1:123456789012:table/t"
  }
}
"""
    status, output = _init_validate(terraform, write_config(tmp_path / "nested", config))
    assert status == 1
    assert f"Error: {READ_ONLY_SUMMARY}" in output
    assert "arn         = " in output


def test_unknown_attribute_fails_validate(terraform: RunTerraform, tmp_path: Path) -> None:
    config = QUEUE.replace(
        "sqs_managed_sse_enabled = true", "sqs_managed_sse_enabled = true\n  no_such_arg = 1"
    )
    status, output = _init_validate(terraform, write_config(tmp_path / "unknown", config))
    assert status == 1
    assert "Error: Unsupported argument" in output
    assert 'An argument named "no_such_arg" is not expected here.' in output


def test_schema_file_env_var_chooses_the_schema(terraform: RunTerraform, tmp_path: Path) -> None:
    # A schema with one made-up resource type: valid only when the stand-in serves this file.
    schema = {
        "format_version": "1.0",
        "provider_schemas": {
            "registry.terraform.io/hashicorp/aws": {
                "provider": {"version": 0, "block": {}},
                "resource_schemas": {
                    "aws_standin_probe": {
                        "version": 0,
                        "block": {
                            "attributes": {
                                "label": {"type": "string", "required": True},
                                "id": {"type": "string", "computed": True},
                            }
                        },
                    }
                },
                "data_source_schemas": {},
            }
        },
    }
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    directory = write_config(tmp_path / "probe", 'resource "aws_standin_probe" "p" {\n  label = "x"\n}\n')
    assert terraform(["init", "-backend=false", "-input=false"], directory).returncode == 0

    with_file = terraform(["validate"], directory, schema_file=schema_file)
    assert with_file.returncode == 0, with_file.stdout + with_file.stderr

    default = terraform(["validate"], directory)
    assert default.returncode == 1
    message = " ".join(default.stderr.split())
    assert "Error: Invalid resource type" in message
    assert 'The provider hashicorp/aws does not support resource type "aws_standin_probe"' in message


def test_mock_provider_terraform_test_runs_against_the_schema(
    terraform: RunTerraform, tmp_path: Path
) -> None:
    directory = write_config(
        tmp_path / "mocked",
        QUEUE + '\noutput "queue_arn" {\n  value = aws_sqs_queue.failures.arn\n}\n',
    )
    (directory / "tests").mkdir()
    (directory / "tests" / "queue.tftest.hcl").write_text(
        """
mock_provider "aws" {}

run "apply_with_mocks" {
  assert {
    condition     = length(output.queue_arn) > 0
    error_message = "computed-only arn should get a mock value"
  }
  assert {
    condition     = aws_sqs_queue.failures.sqs_managed_sse_enabled
    error_message = "configured value should pass through"
  }
}
""",
        encoding="utf-8",
    )
    assert terraform(["init", "-backend=false", "-input=false"], directory).returncode == 0
    result = terraform(["test"], directory)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success! 1 passed, 0 failed." in result.stdout


def test_every_plugin_process_is_shut_down_and_exits(
    terraform: RunTerraform, tmp_path: Path, plugin_log: Path
) -> None:
    status, output = _init_validate(terraform, write_config(tmp_path / "exit", QUEUE))
    assert status == 0, output
    lines = _log_lines(plugin_log)
    pids = {pid for pid, event in lines if event == "start"}
    assert pids, "Terraform never started the plugin"
    for pid in pids:
        events = [event for owner, event in lines if owner == pid]
        # Shutdown arrives over gRPC and the process logs its own exit right after.
        assert events[-2:] == ["shutdown received", "exit"], events
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"plugin process {pid} is still running")


def test_terraform_sees_exactly_the_extracted_schema(terraform: RunTerraform, tmp_path: Path) -> None:
    # Round trip JSON -> protobuf (stand-in) -> JSON (terraform): nothing lost or changed.
    directory = write_config(tmp_path / "schema", QUEUE)
    assert terraform(["init", "-backend=false", "-input=false"], directory).returncode == 0
    result = terraform(["providers", "schema", "-json"], directory)
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    extracted = json.loads(aws_schema_extract.OUTPUT_FILE.read_text(encoding="utf-8"))
    assert served == extracted["provider_schemas"]["registry.terraform.io/hashicorp/aws"]

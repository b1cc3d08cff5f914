"""Real ``terraform plan`` with the stand-in: the root module's plan JSON, refresh, update, apply refusal."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.aws_provider_standin.server import NOT_SUPPORTED
from tests.tooling.support import OFFLINE_PROVIDER, RunTerraform, plan_json, write_config

REPO_ROOT = Path(__file__).resolve().parents[2]
STUB_ZIP = REPO_ROOT / "tests" / "tf-fixtures" / "stub-handler.zip"

# Non-default settings throughout, so each value provably travels from the
# module call through the plan to load_from_plan.
ROOT_MODULE_CALL = f"""
module "stream_handler" {{
  source = "{REPO_ROOT}"

  name            = "orders"
  lambda_filename = "{STUB_ZIP}"

  event_names                        = ["INSERT", "MODIFY"]
  batch_size                         = 25
  maximum_batching_window_in_seconds = 5
  starting_position                  = "LATEST"
  maximum_retry_attempts             = 2
  filters = [{{
    new_image = {{
      status = {{ type = "S", equals = ["ACTIVE"] }}
    }}
  }}]

  invalid_record_action = "drop"
  log_level             = "DEBUG"
  timeout               = 45
  memory_size           = 512
  environment_variables = {{ ORDERS_STAGE = "test" }}
}}
"""

FILTER_PATTERN = '{"dynamodb":{"NewImage":{"status":{"S":["ACTIVE"]}}},"eventName":["INSERT","MODIFY"]}'


def _load_from_plan() -> Callable[[Path], Any]:
    """``load_from_plan`` wherever the pipeline keeps it (its settings module is being reorganised)."""
    candidates = ["pipeline.esm_settings", "pipeline.settings"]
    candidates += [
        f"pipeline.settings.{p.stem}" for p in sorted((REPO_ROOT / "pipeline" / "settings").glob("*.py"))
    ]
    for name in candidates:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "load_from_plan", None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    pytest.fail(f"no load_from_plan in any of {candidates}")


def _changes(plan: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [change for change in plan["resource_changes"] if change["type"] == resource_type]


def _root_plan(terraform: RunTerraform, tmp_path: Path) -> Path:
    return plan_json(terraform, write_config(tmp_path / "root", OFFLINE_PROVIDER + ROOT_MODULE_CALL))


def test_root_module_plan_feeds_load_from_plan(terraform: RunTerraform, tmp_path: Path) -> None:
    plan_file = _root_plan(terraform, tmp_path)
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    mappings = _changes(plan, "aws_lambda_event_source_mapping")
    functions = _changes(plan, "aws_lambda_function")
    assert [(c["address"], c["change"]["actions"]) for c in mappings] == [
        (
            "module.stream_handler.module.event_source_mapping.aws_lambda_event_source_mapping.this[0]",
            ["create"],
        )
    ]
    assert [(c["address"], c["change"]["actions"]) for c in functions] == [
        ("module.stream_handler.module.lambda_function.aws_lambda_function.this[0]", ["create"])
    ]

    settings = _load_from_plan()(plan_file)
    esm = settings.esm
    assert esm.batch_size == 25
    assert esm.maximum_batching_window_in_seconds == 5.0
    assert esm.starting_position == "LATEST"
    assert esm.parallelization_factor == 1
    assert esm.bisect_batch_on_function_error is True
    assert esm.maximum_retry_attempts == 2
    assert esm.maximum_record_age_in_seconds == 3600
    assert esm.tumbling_window_in_seconds == 0
    assert esm.function_response_types == ("ReportBatchItemFailures",)
    assert esm.filter_patterns == (FILTER_PATTERN,)
    # The failure queue's ARN is only known after apply, so the plan has no destination yet.
    assert esm.destination_arn is None

    function = settings.function
    assert function.environment == {
        "POWERTOOLS_SERVICE_NAME": "ddb-stream-handler",
        "POWERTOOLS_METRICS_NAMESPACE": "DynamoDBStreams",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
        "STREAM_HANDLER_ALLOWED_EVENT_NAMES": "INSERT,MODIFY",
        "STREAM_HANDLER_PROCESSOR": "handler.processors.user_profile:process_record",
        "STREAM_HANDLER_NOTIFICATION_TOPIC_ARN": "",
        "STREAM_HANDLER_IDEMPOTENCY_TABLE": "",
        "STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS": "86400",
        "STREAM_HANDLER_INVALID_RECORD_ACTION": "drop",
        "STREAM_HANDLER_LOG_IMAGES": "false",
        "STREAM_HANDLER_FAILURE_MODE": "stop",
        "STREAM_HANDLER_CONCURRENCY": "1",
        "ORDERS_STAGE": "test",
    }
    assert function.timeout == 45
    assert function.memory_size == 512
    assert function.handler == "handler.entrypoint.lambda_handler"
    assert function.function_name == "orders"


def test_root_module_plan_has_unknowns_exactly_where_values_come_from_aws(
    terraform: RunTerraform, tmp_path: Path
) -> None:
    plan = json.loads(_root_plan(terraform, tmp_path).read_text(encoding="utf-8"))
    (mapping,) = _changes(plan, "aws_lambda_event_source_mapping")
    unknown = sorted(name for name, flag in mapping["change"]["after_unknown"].items() if flag is True)
    assert unknown == [
        # Every computed attribute of the schema that the module leaves null, plus:
        "arn",
        # the destination, the new queue's ARN, so the dynamic block is unknown as a whole;
        "destination_config",
        # the new table's stream ARN.
        "event_source_arn",
        "function_arn",
        # the function it invokes: the alias ARN, known once the function is created.
        "function_name",
        "id",
        "last_modified",
        "last_processing_result",
        "region",
        "state",
        "state_transition_reason",
        "tags_all",
        "uuid",
    ]
    after = mapping["change"]["after"]
    assert after["batch_size"] == 25


DATA_SOURCES = """
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "caller_arn" {
  value = data.aws_caller_identity.current.arn
}
"""


def test_data_sources_are_read_at_plan_time_with_placeholders(
    terraform: RunTerraform, tmp_path: Path, plugin_log: Path
) -> None:
    plan = json.loads(
        plan_json(terraform, write_config(tmp_path / "data", OFFLINE_PROVIDER + DATA_SOURCES)).read_text(
            encoding="utf-8"
        )
    )
    outputs = {name: output["value"] for name, output in plan["planned_values"]["outputs"].items()}
    assert outputs == {
        "account_id": "123456789012",
        # The region is the provider block's.
        "caller_arn": "arn:aws:caller:eu-west-1:123456789012:standin/aws_caller_identity/arn",
    }
    (role,) = _changes(plan, "aws_iam_role")
    assert role["change"]["after"]["assume_role_policy"] == "{}"
    read = {r["address"]: r["values"] for r in plan["prior_state"]["values"]["root_module"]["resources"]}
    assert read["data.aws_iam_policy_document.assume"]["json"] == "{}"
    assert read["data.aws_iam_policy_document.assume"]["statement"][0]["actions"] == ["sts:AssumeRole"]
    assert read["data.aws_caller_identity.current"] == {
        "account_id": "123456789012",
        "arn": "arn:aws:caller:eu-west-1:123456789012:standin/aws_caller_identity/arn",
        "id": "standin-id",
        "user_id": "standin-user_id",
    }
    events = plugin_log.read_text(encoding="utf-8")
    assert "rpc ReadDataSource aws_iam_policy_document" in events
    assert "rpc ReadDataSource aws_caller_identity" in events


QUEUES = """
resource "aws_sqs_queue" "failures" {
  name                      = "failures"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "extra" {
  name = "extra"
}
"""


def _queue_state(name: str) -> dict[str, Any]:
    url = f"https://sqs.eu-west-1.amazonaws.com/123456789012/{name}"
    return {
        "mode": "managed",
        "type": "aws_sqs_queue",
        "name": name,
        "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
        "instances": [
            {
                "schema_version": 0,
                "attributes": {
                    "id": url,
                    "arn": f"arn:aws:sqs:eu-west-1:123456789012:{name}",
                    "url": url,
                    "name": name,
                    "name_prefix": "",
                    "region": "eu-west-1",
                    "message_retention_seconds": 345600,
                    "tags_all": {},
                },
            }
        ],
    }


def test_plan_from_existing_state_refreshes_updates_creates_and_destroys(
    terraform: RunTerraform, tmp_path: Path, plugin_log: Path
) -> None:
    directory = write_config(tmp_path / "state", OFFLINE_PROVIDER + QUEUES)
    state = {
        "version": 4,
        "terraform_version": "1.6.0",
        "serial": 1,
        "lineage": "5e1d1c3a-0000-4000-8000-000000000001",
        "outputs": {},
        "resources": [_queue_state("failures"), _queue_state("gone")],
    }
    (directory / "terraform.tfstate").write_text(json.dumps(state), encoding="utf-8")
    plan = json.loads(plan_json(terraform, directory).read_text(encoding="utf-8"))

    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    assert {address: change["actions"] for address, change in changes.items()} == {
        "aws_sqs_queue.extra": ["create"],
        "aws_sqs_queue.failures": ["update"],
        "aws_sqs_queue.gone": ["delete"],
    }
    updated = changes["aws_sqs_queue.failures"]
    # Only the configured change; the computed values stay those of the state.
    assert updated["before"]["message_retention_seconds"] == 345600
    assert updated["after"]["message_retention_seconds"] == 1209600
    assert updated["after"]["arn"] == "arn:aws:sqs:eu-west-1:123456789012:failures"
    assert updated["after"]["url"] == "https://sqs.eu-west-1.amazonaws.com/123456789012/failures"
    assert not any(flag is True for flag in updated["after_unknown"].values())
    created = changes["aws_sqs_queue.extra"]
    assert created["after_unknown"]["arn"] is True
    assert created["after_unknown"]["url"] is True

    events = plugin_log.read_text(encoding="utf-8")
    assert events.count("rpc ReadResource aws_sqs_queue") == 2  # refresh of both stored queues
    assert events.count("rpc PlanResourceChange aws_sqs_queue") == 2  # a destroy needs no provider plan


def test_apply_is_refused_with_the_not_supported_message(terraform: RunTerraform, tmp_path: Path) -> None:
    queue = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
    directory = write_config(tmp_path / "apply", OFFLINE_PROVIDER + queue)
    plan_json(terraform, directory)
    applied = terraform(["apply", "-input=false", "standin.tfplan"], directory)
    assert applied.returncode == 1
    output = " ".join((applied.stdout + applied.stderr).split())
    assert "Error: Not supported by the stand-in" in output
    assert NOT_SUPPORTED in output

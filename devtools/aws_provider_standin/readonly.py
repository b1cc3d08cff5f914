"""Reject configuration values for computed-only attributes, as the real provider does.

Terraform core checks attribute names and types against the schema itself but leaves
"you may not set this" to the provider. The real provider answers with an error per
read-only attribute that the configuration sets; this module reproduces that check by
walking the decoded configuration alongside the JSON schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgpack  # type: ignore[import-untyped]  # ships no type information

JsonObject = dict[str, Any]

READ_ONLY_SUMMARY = "Invalid Configuration for Read-Only Attribute"
READ_ONLY_DETAIL = (
    "Cannot set value for this attribute as the provider has marked it as read-only. "
    "Remove the configuration line setting the value."
)


@dataclass(frozen=True)
class Step:
    """One step of an attribute path: a name, or an element key/index."""

    name: str | None = None
    key: str | int | None = None


def decode(raw: bytes) -> Any:
    """Decode a msgpack DynamicValue; unknown values (ext type 0) stay ``msgpack.ExtType``."""
    return msgpack.unpackb(raw, raw=False, strict_map_key=False)


def read_only_paths(block: JsonObject, value: Any) -> Iterator[list[Step]]:
    """Yield the path of every computed-only attribute the configuration sets.

    ``value`` is the decoded object for ``block``; null (``None``) means "not set".
    An unknown value still counts as set: the configuration line exists.
    """
    if not isinstance(value, dict):
        return
    for name, attr in sorted(block.get("attributes", {}).items()):
        item = value.get(name)
        if item is None:
            continue
        if attr.get("computed") and not attr.get("optional") and not attr.get("required"):
            yield [Step(name=name)]
        elif "nested_type" in attr:
            yield from _nested(attr["nested_type"]["nesting_mode"], attr["nested_type"], item, name)
    for name, nested in sorted(block.get("block_types", {}).items()):
        item = value.get(name)
        if item is not None:
            yield from _nested(nested["nesting_mode"], nested.get("block", {}), item, name)


def _nested(mode: str, block: JsonObject, item: Any, name: str) -> Iterator[list[Step]]:
    head = Step(name=name)
    if mode in ("single", "group"):
        for path in read_only_paths(block, item):
            yield [head, *path]
    elif mode in ("list", "set") and isinstance(item, list):
        for index, element in enumerate(item):
            for path in read_only_paths(block, element):
                # Set elements have no index Terraform can point at; the attribute name is enough.
                yield [head, Step(key=index), *path] if mode == "list" else [head, *path]
    elif mode == "map" and isinstance(item, dict):
        for key, element in item.items():
            for path in read_only_paths(block, element):
                yield [head, Step(key=str(key)), *path]

"""Planned states and data source results, derived from the schema alone.

A real provider plans a create by taking Terraform's proposed new state (the
configuration, with every unset attribute null) and turning each computed
attribute that is still null into an unknown value, to be learned at apply time.
For an update, Terraform core has already copied the prior state's computed values
into the proposed state (its ``ProposedNew``), so only nested objects that are new
in this plan still need their computed attributes marked unknown. A destroy plans
to null. None of this needs AWS, so the stand-in can plan; it cannot apply.

Data sources are read at plan time, so their computed attributes need values, not
unknowns: :func:`read_data_source` fills them with deterministic placeholders
(see :func:`placeholder`). They are not AWS's answers; nothing here is.

Values are decoded msgpack DynamicValues (``readonly.decode``): objects are dicts,
lists and sets are lists, null is ``None`` and unknowns are ``msgpack.ExtType``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgpack  # type: ignore[import-untyped]  # ships no type information

from devtools.aws_provider_standin.schema import JsonObject

#: cty's msgpack form of a wholly unknown value: fixext1, extension type 0, one zero byte.
UNKNOWN = msgpack.ExtType(0, b"\x00")

#: The account id of AWS's own documentation examples, used in placeholder ARNs.
PLACEHOLDER_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

_Step = Callable[[JsonObject, Any, Any], Any]


def is_unknown(value: Any) -> bool:
    """True for an unknown value (cty also sends refined unknowns, extension type 12)."""
    return isinstance(value, msgpack.ExtType)


def encode(value: Any) -> bytes:
    """Encode a value for a DynamicValue; ``None`` becomes msgpack nil, i.e. a null object."""
    packed: bytes = msgpack.packb(value, use_bin_type=True)
    return packed


def plan(block: JsonObject, prior: Any, proposed: Any) -> Any:
    """The planned state for ``proposed`` (create when ``prior`` is null, destroy when it is null)."""
    if proposed is None:
        return None
    if prior is None:
        return mark_unknown(block, proposed)
    return _plan_update(block, proposed, prior)


def mark_unknown(block: JsonObject, value: Any) -> Any:
    """Copy of ``value`` with every null computed attribute unknown, at every nesting level.

    A null or unknown nested block stays as it is, as in the real provider's SDK:
    a block the configuration leaves out has no attributes to compute.
    """
    if not isinstance(value, dict):
        return value
    result = dict(value)
    for name, attr in block.get("attributes", {}).items():
        if name not in result:
            continue
        item = result[name]
        if item is None:
            if attr.get("computed"):
                result[name] = UNKNOWN
        elif "nested_type" in attr:
            nested = attr["nested_type"]
            result[name] = _each(nested.get("nesting_mode", "single"), nested, item, None, _mark_step)
    for name, nested_block in block.get("block_types", {}).items():
        if name in result:
            result[name] = _each(
                nested_block["nesting_mode"], nested_block.get("block", {}), result[name], None, _mark_step
            )
    return result


def _mark_step(block: JsonObject, value: Any, _prior: Any) -> Any:
    return mark_unknown(block, value)


def _plan_update(block: JsonObject, proposed: Any, prior: Any) -> Any:
    # An object with no prior counterpart is being created inside an update.
    if not isinstance(prior, dict):
        return mark_unknown(block, proposed)
    if not isinstance(proposed, dict):
        return proposed
    result = dict(proposed)
    # Top-level and existing nested objects keep what core proposed: the prior
    # computed values, or null where the prior state had null too.
    for name, attr in block.get("attributes", {}).items():
        item = result.get(name)
        if "nested_type" in attr and item is not None:
            nested = attr["nested_type"]
            result[name] = _each(
                nested.get("nesting_mode", "single"), nested, item, prior.get(name), _plan_update
            )
    for name, nested_block in block.get("block_types", {}).items():
        if name in result:
            result[name] = _each(
                nested_block["nesting_mode"],
                nested_block.get("block", {}),
                result[name],
                prior.get(name),
                _plan_update,
            )
    return result


def _each(mode: str, block: JsonObject, value: Any, prior: Any, step: _Step) -> Any:
    """Apply ``step(block, element, prior_element)`` to the objects of one nested value."""
    if value is None or is_unknown(value):
        return value
    if mode in ("single", "group"):
        return step(block, value, prior)
    if mode == "list" and isinstance(value, list):
        earlier = prior if isinstance(prior, list) else []
        return [
            step(block, element, earlier[index] if index < len(earlier) else None)
            for index, element in enumerate(value)
        ]
    if mode == "set" and isinstance(value, list):
        # Set elements have no identity: core carries prior computed values over only
        # into an element whose configured values are unchanged, which then equals the
        # prior element. Any other element is new.
        earlier = prior if isinstance(prior, list) else []
        return [element if element in earlier else step(block, element, None) for element in value]
    if mode == "map" and isinstance(value, dict):
        earlier_map = prior if isinstance(prior, dict) else {}
        return {key: step(block, element, earlier_map.get(key)) for key, element in value.items()}
    return value


def read_data_source(type_name: str, block: JsonObject, config: Any, region: str | None = None) -> Any:
    """The data source's state: ``config`` with a placeholder in every null computed attribute."""
    return _fill(type_name, block, config, region or DEFAULT_REGION)


def _fill(type_name: str, block: JsonObject, value: Any, region: str) -> Any:
    if not isinstance(value, dict):
        return value

    def fill_nested(nested: JsonObject, element: Any, _prior: Any) -> Any:
        return _fill(type_name, nested, element, region)

    result = dict(value)
    for name, attr in block.get("attributes", {}).items():
        if name not in result:
            continue
        item = result[name]
        if item is None:
            if attr.get("computed"):
                result[name] = placeholder(type_name, name, attr, region)
        elif "nested_type" in attr:
            nested = attr["nested_type"]
            result[name] = _each(nested.get("nesting_mode", "single"), nested, item, None, fill_nested)
    for name, nested_block in block.get("block_types", {}).items():
        if name in result:
            result[name] = _each(
                nested_block["nesting_mode"], nested_block.get("block", {}), result[name], None, fill_nested
            )
    return result


def placeholder(type_name: str, name: str, attr: JsonObject, region: str = DEFAULT_REGION) -> Any:
    """A deterministic stand-in value for one computed attribute of a data source.

    Strings are ``standin-<attribute>``, except a few names whose values other code
    parses: ``*arn`` gets a syntactically valid ARN, ``*json`` an empty JSON object,
    ``account_id``/``partition``/``region``/``dns_suffix`` the placeholder account,
    ``aws``, the provider's region and ``amazonaws.com``. Numbers are 0, bools false,
    collections empty, objects filled attribute by attribute and ``dynamic`` null.
    """
    if "nested_type" in attr:
        nested = attr["nested_type"]
        if nested.get("nesting_mode", "single") in ("list", "set"):
            return []
        if nested.get("nesting_mode") == "map":
            return {}
        return {
            key: placeholder(type_name, key, sub, region) for key, sub in nested.get("attributes", {}).items()
        }
    return _by_type(type_name, name, attr.get("type", "dynamic"), region)


def _by_type(type_name: str, name: str, cty_type: Any, region: str) -> Any:
    if cty_type == "string":
        return _string(type_name, name, region)
    if cty_type == "number":
        return 0
    if cty_type == "bool":
        return False
    if isinstance(cty_type, list) and cty_type:
        kind = cty_type[0]
        if kind in ("list", "set"):
            return []
        if kind == "map":
            return {}
        if kind == "object":
            return {key: _by_type(type_name, key, sub, region) for key, sub in cty_type[1].items()}
        if kind == "tuple":
            return [_by_type(type_name, name, sub, region) for sub in cty_type[1]]
    # A dynamic value would need a type as well; null is a known value of any type.
    return None


def _string(type_name: str, name: str, region: str) -> str:
    if name == "arn" or name.endswith("_arn"):
        # arn:partition:service:region:account:resource, service from the type name (aws_<service>_...).
        service = type_name.split("_")[1] if type_name.count("_") >= 1 else "standin"
        return f"arn:aws:{service}:{region}:{PLACEHOLDER_ACCOUNT_ID}:standin/{type_name}/{name}"
    if name == "json" or name.endswith("_json"):
        return "{}"
    if name == "account_id":
        return PLACEHOLDER_ACCOUNT_ID
    if name == "partition":
        return "aws"
    if name == "region":
        return region
    if name == "dns_suffix":
        return "amazonaws.com"
    return f"standin-{name}"

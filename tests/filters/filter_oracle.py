"""An independent model of Lambda event filtering that tests compare pipeline.filters against.

It is written from the rule syntax in the Lambda developer guide ("Control which events Lambda sends
to your function") and the EventBridge semantics Lambda inherits, without importing the code under
test: a pattern mirrors the record, every leaf is a list of match values (OR), all fields must match
(AND), ``$or`` takes one alternative; values compare only at leaves, an array matches when any
element does, and the fields of one pattern object must hold within ONE element of an array of
objects. It is deliberately plain (no compilation, no normalisation of boto3 types) so that a bug
in the matcher does not repeat here.

``faults`` models what AWS rejects as "Invalid filter pattern definition." and where the error
message must point (the JSON path notation of the messages: ``$``, ``.name``, ``["odd key"]``,
``[0]``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

MAX_DEPTH: Final = 40  # objects nested deeper than this are refused
_COMPARISONS: Final = frozenset({"=", "<", "<=", ">", ">="})
_LOWER: Final = frozenset({">", ">="})
_UPPER: Final = frozenset({"<", "<="})
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_STEP: Final = re.compile(r'\.(\$or|[A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


# --------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------


def child(path: str, key: str | int) -> str:
    """``path`` extended by one key or index, in the notation of the error messages."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key == "$or" or _NAME.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def steps(path: str) -> list[str | int] | None:
    """The keys and indexes a path names, or None when it is not a path in that notation."""
    if not path.startswith("$"):
        return None
    found: list[str | int] = []
    position = 1
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            return None
        name, index, quoted = step.groups()
        found.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
        position = step.end()
    return found


def names_a_node(document: Any, path: str) -> bool:
    """Whether ``path`` is well formed and leads to a value that exists in ``document``."""
    keys = steps(path)
    if keys is None:
        return False
    node = document
    for key in keys:
        in_list = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if not (in_list or (isinstance(node, dict) and key in node)):
            return False
        node = node[key]
    return True


# --------------------------------------------------------------------------------------------------
# Validity
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A spot AWS rejects; ``inside`` allows the message to name a part of it (an operator's argument)."""

    path: str
    inside: bool = False

    def explains(self, path: str) -> bool:
        if path == self.path:
            return True
        return self.inside and path.startswith((self.path + ".", self.path + "["))


def _no_constant(name: str) -> None:
    raise ValueError(name)


def text_faults(text: str) -> list[Fault]:
    """Every fault of a pattern given as JSON text (NaN and Infinity are not JSON)."""
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return [Fault("$")]
    return faults(document)


def faults(document: Any) -> list[Fault]:
    """Every fault of a parsed pattern; empty when AWS accepts it."""
    if not isinstance(document, dict):
        return [Fault("$")]
    found: list[Fault] = []
    _object_faults(document, "$", 0, found)
    return found


def explained(path: str, found: list[Fault]) -> bool:
    return any(fault.explains(path) for fault in found)


def _object_faults(obj: dict[str, Any], path: str, depth: int, found: list[Fault]) -> None:
    if depth > MAX_DEPTH or not obj:
        found.append(Fault(path))
        return
    for key, value in obj.items():
        here = child(path, key)
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                found.append(Fault(here))
                continue
            for index, alternative in enumerate(value):
                if isinstance(alternative, dict):
                    _object_faults(alternative, child(here, index), depth + 1, found)
                else:
                    found.append(Fault(child(here, index)))
        elif key.startswith("$"):
            found.append(Fault(here))
        elif isinstance(value, dict):
            _object_faults(value, here, depth + 1, found)
        elif isinstance(value, list) and value:
            for index, match_value in enumerate(value):
                _match_value_faults(match_value, child(here, index), found)
        else:  # a bare scalar, or an empty list that could match nothing
            found.append(Fault(here))


def _match_value_faults(value: Any, path: str, found: list[Fault]) -> None:
    if isinstance(value, list) or (isinstance(value, float) and not math.isfinite(value)):
        found.append(Fault(path))
    elif isinstance(value, dict):
        if len(value) != 1:
            found.append(Fault(path))
            return
        ((operator, argument),) = value.items()
        if not _operator_ok(operator, argument):
            found.append(Fault(child(path, operator), inside=True))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _operator_ok(operator: str, argument: Any) -> bool:
    if operator == "exists":
        return isinstance(argument, bool)
    if operator in ("prefix", "suffix"):
        if isinstance(argument, dict) and list(argument) == ["equals-ignore-case"]:
            return isinstance(argument["equals-ignore-case"], str)
        return isinstance(argument, str)
    if operator == "equals-ignore-case":
        return isinstance(argument, str)
    if operator == "anything-but":
        return _anything_but_ok(argument)
    if operator == "numeric":
        return _numeric_ok(argument)
    return False  # wildcard, cidr and every other name are not Lambda filter syntax


def _anything_but_ok(argument: Any) -> bool:
    if isinstance(argument, dict):
        if len(argument) != 1:
            return False
        ((operator, inner),) = argument.items()
        if operator in ("prefix", "suffix"):
            return isinstance(inner, str)
        if operator == "equals-ignore-case":
            items = inner if isinstance(inner, list) else [inner]
            return bool(items) and all(isinstance(item, str) for item in items)
        return False
    items = argument if isinstance(argument, list) else [argument]
    if not items:
        return False
    if all(isinstance(item, str) for item in items):
        return True
    return all(_is_number(item) and math.isfinite(item) for item in items)


def _numeric_ok(argument: Any) -> bool:
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        return False
    pairs = list(zip(argument[::2], argument[1::2], strict=True))
    for operator, bound in pairs:
        if not (isinstance(operator, str) and operator in _COMPARISONS):
            return False
        if not (_is_number(bound) and math.isfinite(bound)):
            return False
    if len(pairs) == 1:
        return True
    if len(pairs) != 2:
        return False
    bounds = {"low" if op in _LOWER else "high" if op in _UPPER else "=": b for op, b in pairs}
    return set(bounds) == {"low", "high"} and bounds["low"] <= bounds["high"]


# --------------------------------------------------------------------------------------------------
# Matching (patterns are assumed valid)
# --------------------------------------------------------------------------------------------------


def matches(pattern: Mapping[str, Any], record: Any) -> bool:
    """Whether Lambda delivers ``record`` (JSON) under ``pattern``; a non-object has no fields."""
    return _holds(pattern, record if isinstance(record, dict) else {})


def _flattened(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for element in value for leaf in _flattened(element)]
    return [value]


def _holds(pattern: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            continue
        found = _flattened(node[key]) if key in node else []
        if isinstance(expected, dict):
            # No object there: the nested fields are all absent (so only exists:false can hold).
            objects = [value for value in found if isinstance(value, dict)] or [{}]
            if not any(_holds(expected, obj) for obj in objects):
                return False
        else:
            leaves = [value for value in found if not isinstance(value, dict)]
            if not any(_match_value_holds(match_value, leaves) for match_value in expected):
                return False
    alternatives = pattern.get("$or")
    return alternatives is None or any(_holds(alternative, node) for alternative in alternatives)


def _same(left: Any, right: Any) -> bool:
    """JSON equality: null, booleans, strings and numbers are four kinds that never equal each other."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    return _is_number(left) and _is_number(right) and left == right


def _match_value_holds(match_value: Any, leaves: list[Any]) -> bool:
    if not isinstance(match_value, dict):
        return any(_same(leaf, match_value) for leaf in leaves)
    ((operator, argument),) = match_value.items()
    if operator == "exists":
        return bool(leaves) is argument
    if operator == "numeric":
        return any(_is_number(leaf) and _in_range(leaf, argument) for leaf in leaves)
    if operator == "anything-but":
        return any(_not_excluded(leaf, argument) for leaf in leaves)
    strings = [leaf for leaf in leaves if isinstance(leaf, str)]
    if operator == "equals-ignore-case":
        return any(text.casefold() == argument.casefold() for text in strings)
    folded = isinstance(argument, dict)
    affix: str = argument["equals-ignore-case"] if folded else argument
    if folded:
        strings, affix = [text.casefold() for text in strings], affix.casefold()
    if operator == "prefix":
        return any(text.startswith(affix) for text in strings)
    return any(text.endswith(affix) for text in strings)  # suffix


def _in_range(number: float, spec: list[Any]) -> bool:
    checks = {
        "=": lambda bound: number == bound,
        "<": lambda bound: number < bound,
        "<=": lambda bound: number <= bound,
        ">": lambda bound: number > bound,
        ">=": lambda bound: number >= bound,
    }
    return all(checks[operator](bound) for operator, bound in zip(spec[::2], spec[1::2], strict=True))


def _not_excluded(leaf: Any, argument: Any) -> bool:
    if isinstance(argument, dict):
        ((operator, inner),) = argument.items()
        if not isinstance(leaf, str):
            return False
        if operator == "prefix":
            return not leaf.startswith(inner)
        if operator == "suffix":
            return not leaf.endswith(inner)
        items = inner if isinstance(inner, list) else [inner]  # equals-ignore-case
        return leaf.casefold() not in {item.casefold() for item in items}
    items = argument if isinstance(argument, list) else [argument]
    return not any(_same(leaf, item) for item in items)

"""Lambda event filtering for DynamoDB stream records, as the event source mapping applies it.

The rule language is the EventBridge-style one that Lambda documents under "Control which events
Lambda sends to your function": a pattern mirrors the record's JSON structure, every leaf of the
pattern is a list of match values (OR), all fields must match (AND), and a record passes a
``FilterCriteria`` when ANY of its filters matches.

Two DynamoDB facts drive most surprises, and both are reproduced here on purpose:

* attribute values are typed (``{"S": "x"}``, ``{"N": "42"}``), so a pattern must address the type
  key (``NewImage.status.S``); an attribute itself is an object, not a leaf, so ``exists`` on it
  tests a leaf that never exists (AWS delivered items that had the attribute under
  ``{"exists": false}``);
* ``N`` values are JSON strings, so ``numeric`` never matches them (AWS did not deliver N "101"
  under ``numeric > 100``), while ``ApproximateCreationDateTime`` is a JSON number and does.

Patterns are compiled once into small rule objects so the poller can match every record cheaply.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pipeline.filters.errors import MAX_PATTERN_DEPTH, FilterPatternError, json_path, json_type
from pipeline.filters.operators import Predicate, ValueKey, compile_operator, value_key

__all__ = [
    "MAX_PATTERN_DEPTH",
    "CompiledPattern",
    "FilterCriteria",
    "FilterPatternError",
    "compile_pattern",
    "json_path",
]


def _normalise(value: object) -> object:
    """Give boto3's Python types the JSON form Lambda delivers; JSON values pass through unchanged.

    boto3 parses ApproximateCreationDateTime into a datetime and binary attributes into bytes,
    whereas Lambda sends epoch seconds and base64 text; records read directly with boto3 must match
    the same way as the records Lambda would deliver.
    """
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --------------------------------------------------------------------------------------------------
# Compiled rules (operators: pipeline.filters.operators)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LeafRule:
    """The list of match values under one pattern key: the record matches if any of them does."""

    exact: frozenset[ValueKey]
    predicates: tuple[Predicate, ...]
    exists_true: bool
    exists_false: bool

    def matches(self, values: list[object]) -> bool:
        if values:
            if self.exists_true:
                return True
            exact = self.exact
            for value in values:
                if exact and value_key(value) in exact:
                    return True
                for predicate in self.predicates:
                    if predicate(value):
                        return True
            return False
        # No leaf at this path: only "exists": false can match an absent (or non-leaf) field.
        return self.exists_false


_EMPTY: Final[Mapping[str, Any]] = {}


@dataclass(frozen=True, slots=True)
class _ObjectRule:
    """An object in the pattern: every field must match, and one ``$or`` alternative if present.

    Array consistency (as EventBridge's rule engine does for JSON events): when the record holds an
    array of objects at this point, all fields must match within ONE element, so
    ``{"L": {"S": ["a"], "N": ["1"]}}`` does not match ``{"L": [{"S": "a"}, {"N": "1"}]}``.
    """

    fields: tuple[tuple[str, _ObjectRule | _LeafRule], ...]
    alternatives: tuple[_ObjectRule, ...]

    def matches_any(self, objects: list[Mapping[str, Any]]) -> bool:
        """Whether one of ``objects`` (the elements found at this path) matches; none = an empty object."""
        if not objects:
            return self.matches_one(_EMPTY)
        return any(self.matches_one(obj) for obj in objects)

    def matches_one(self, obj: Mapping[str, Any]) -> bool:
        for key, rule in self.fields:
            children = _children(obj, key)
            if isinstance(rule, _ObjectRule):
                if not rule.matches_any([child for child in children if isinstance(child, Mapping)]):
                    return False
            elif not rule.matches([_normalise(c) for c in children if not isinstance(c, Mapping)]):
                return False
        if self.alternatives:
            return any(alternative.matches_one(obj) for alternative in self.alternatives)
        return True


def _children(obj: Mapping[str, Any], key: str) -> list[object]:
    """The value under ``key`` with arrays flattened (any element may match); [] when absent."""
    if key not in obj:
        return []
    found: list[object] = []
    _flatten_into(obj[key], found)
    return found


def _flatten_into(value: object, out: list[object], depth: int = 0) -> None:
    if isinstance(value, list | tuple):
        if depth > MAX_PATTERN_DEPTH:  # a pathological record; deeper elements are never addressable
            return
        for element in value:
            _flatten_into(element, out, depth + 1)
    else:
        out.append(value)


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """One validated filter pattern, ready to match records."""

    source: str
    pattern: Mapping[str, Any]
    _rule: _ObjectRule

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether ``record`` (a stream record in the shape Lambda delivers) satisfies the pattern."""
        if not isinstance(record, Mapping):
            return self._rule.matches_one(_EMPTY)
        return self._rule.matches_one(record)


# --------------------------------------------------------------------------------------------------
# Compilation (validation happens here, so matching never meets a malformed rule)
# --------------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> object:
    raise FilterPatternError(f"{name} is not valid JSON")


def compile_pattern(pattern_json: str) -> CompiledPattern:
    """Parse and validate one filter pattern (the ``Pattern`` string of a filter).

    Raises FilterPatternError for anything AWS rejects as "Invalid filter pattern definition.":
    invalid JSON, a pattern that is not an object, bare leaf values, unknown operators, malformed
    ``numeric`` ranges and so on.
    """
    if not isinstance(pattern_json, str):
        raise FilterPatternError(f"a pattern must be a JSON string, not {type(pattern_json).__name__}")
    try:
        parsed = json.loads(pattern_json, parse_constant=_reject_constant)
    except FilterPatternError:
        raise
    except json.JSONDecodeError as err:
        raise FilterPatternError(
            f"not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
        ) from None
    except RecursionError:
        raise FilterPatternError(f"nested more than {MAX_PATTERN_DEPTH} levels deep") from None
    if not isinstance(parsed, dict):
        raise FilterPatternError(
            f'a pattern must be a JSON object such as {{"eventName": ["INSERT"]}}, not {json_type(parsed)}'
        )
    return CompiledPattern(pattern_json, parsed, _compile_object(parsed, "$", 0))


def _compile_object(obj: Mapping[str, Any], path: str, depth: int) -> _ObjectRule:
    if depth > MAX_PATTERN_DEPTH:
        raise FilterPatternError(f"nested more than {MAX_PATTERN_DEPTH} levels deep", path)
    if not obj:
        raise FilterPatternError("an empty object matches nothing; give at least one field", path)
    fields: list[tuple[str, _ObjectRule | _LeafRule]] = []
    alternatives: tuple[_ObjectRule, ...] = ()
    for key, value in obj.items():
        key_path = json_path(path, key)
        if key == "$or":
            alternatives = _compile_or(value, key_path, depth)
        elif key.startswith("$"):
            raise FilterPatternError(f"unknown keyword {key!r}; the only $ keyword is $or", key_path)
        elif isinstance(value, dict):
            fields.append((key, _compile_object(value, key_path, depth + 1)))
        elif isinstance(value, list):
            fields.append((key, _compile_leaf(value, key_path)))
        else:
            raise FilterPatternError(
                f"match values must be in a list, e.g. [{json.dumps(value)}], or be a nested object; "
                f"got {json_type(value)}",
                key_path,
            )
    return _ObjectRule(tuple(fields), alternatives)


def _compile_or(value: object, path: str, depth: int) -> tuple[_ObjectRule, ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise FilterPatternError("$or needs a list of at least two pattern objects", path)
    alternatives = []
    for index, alternative in enumerate(value):
        alt_path = json_path(path, index)
        if not isinstance(alternative, dict):
            raise FilterPatternError(
                f"each $or alternative must be a pattern object, not {json_type(alternative)}", alt_path
            )
        alternatives.append(_compile_object(alternative, alt_path, depth + 1))
    return tuple(alternatives)


def _compile_leaf(values: list[Any], path: str) -> _LeafRule:
    if not values:
        raise FilterPatternError("an empty list matches nothing; list at least one match value", path)
    exact: set[ValueKey] = set()
    predicates: list[Predicate] = []
    exists_true = exists_false = False
    for index, value in enumerate(values):
        value_path = json_path(path, index)
        if isinstance(value, dict):
            operator, predicate = compile_operator(value, value_path)
            if operator == "exists":
                if value["exists"]:
                    exists_true = True
                else:
                    exists_false = True
            elif predicate is not None:
                predicates.append(predicate)
        elif isinstance(value, list):
            raise FilterPatternError("match values cannot be nested lists", value_path)
        else:
            if isinstance(value, float) and not math.isfinite(value):
                raise FilterPatternError("numbers must be finite", value_path)
            exact.add(value_key(value))
    return _LeafRule(frozenset(exact), tuple(predicates), exists_true, exists_false)


# --------------------------------------------------------------------------------------------------
# FilterCriteria
# --------------------------------------------------------------------------------------------------


def _patterns_of(criteria: Sequence[str] | Mapping[str, Any] | None) -> list[Any]:
    """The pattern strings of a list, a ``{"Filters": [{"Pattern": ...}]}`` or None (no filtering)."""
    if criteria is None:
        return []
    if isinstance(criteria, Mapping):
        filters = criteria.get("Filters", [])
        if not isinstance(filters, list):
            raise FilterPatternError('"Filters" must be a list of {"Pattern": "..."} objects')
        patterns = []
        for index, item in enumerate(filters):
            if not isinstance(item, Mapping) or "Pattern" not in item:
                raise FilterPatternError('each filter must be an object with a "Pattern"', filter_index=index)
            patterns.append(item["Pattern"])
        return patterns
    if isinstance(criteria, str):
        # A lone string is one pattern; iterating it character by character would be nonsense.
        return [criteria]
    return list(criteria)


class FilterCriteria:
    """The FilterCriteria of an event source mapping: a record passes if ANY filter matches.

    Built from a list of pattern strings or the Lambda API shape
    ``{"Filters": [{"Pattern": "..."}]}``; a pattern may also be given already parsed (a dict), as in
    Terraform outputs decoded with ``jsondecode``. No filters means every record passes.
    """

    __slots__ = ("patterns",)

    def __init__(self, criteria: Sequence[str] | Mapping[str, Any] | None = None) -> None:
        compiled = []
        for index, pattern in enumerate(_patterns_of(criteria)):
            text = json.dumps(pattern) if isinstance(pattern, dict) else pattern
            try:
                compiled.append(compile_pattern(text))
            except FilterPatternError as err:
                raise err.in_filter(index) from None
        self.patterns: tuple[CompiledPattern, ...] = tuple(compiled)

    def __len__(self) -> int:
        return len(self.patterns)

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether Lambda would deliver ``record`` to the function."""
        if not self.patterns:
            return True
        return any(pattern.matches(record) for pattern in self.patterns)

    def matching_filters(self, record: Mapping[str, Any]) -> list[int]:
        """Indexes of the filters that ``record`` satisfies (for explaining a decision)."""
        return [index for index, pattern in enumerate(self.patterns) if pattern.matches(record)]

    def split(self, records: Iterable[Mapping[str, Any]]) -> tuple[list[Any], list[Any]]:
        """Partition records into (passed, filtered out), keeping their order."""
        passed: list[Any] = []
        dropped: list[Any] = []
        for record in records:
            (passed if self.matches(record) else dropped).append(record)
        return passed, dropped

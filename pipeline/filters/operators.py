"""The operators of Lambda's filter rule syntax (``prefix``, ``anything-but``, ``numeric`` ...),
validated and compiled into predicates over one leaf value.

Values are compared by type-tagged keys, so JSON ``true`` never equals the number ``1`` while ``1``
equals ``1.0``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

from pipeline.filters.errors import FilterPatternError, json_path, json_type

__all__ = ["Predicate", "ValueKey", "compile_operator", "is_number", "value_key"]

# Operators outside Lambda's filter rule syntax that EventBridge users often try; named in the error.
_UNSUPPORTED_OPERATORS: Final = {
    "wildcard": "wildcard matching is not part of Lambda's filter rule syntax",
    "cidr": "cidr matching is not part of Lambda's filter rule syntax",
}
_NUMERIC_LOWER: Final = frozenset({">", ">="})
_NUMERIC_UPPER: Final = frozenset({"<", "<="})

Predicate = Callable[[object], bool]


ValueKey = tuple[str, object]


def value_key(value: object) -> ValueKey:
    """Type-tagged key for exact comparison: JSON ``true`` must not equal the number ``1``."""
    if value is None:
        return ("null", None)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, int | float):
        return ("num", value)
    return ("other", repr(value))


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compile_operator(spec: Mapping[str, Any], path: str) -> tuple[str, Predicate | None]:
    if len(spec) != 1:
        names = ", ".join(sorted(spec)) or "nothing"
        raise FilterPatternError(
            f'an operator object holds exactly one operator such as {{"prefix": "x"}}; got {names}', path
        )
    ((operator, argument),) = spec.items()
    op_path = json_path(path, operator)
    if operator == "exists":
        if not isinstance(argument, bool):
            raise FilterPatternError("exists takes true or false", op_path)
        return operator, None
    if operator in ("prefix", "suffix"):
        return operator, _affix_predicate(operator, argument, op_path, negate=False)
    if operator == "equals-ignore-case":
        folded = _string_argument(argument, op_path).casefold()
        return operator, lambda v: isinstance(v, str) and v.casefold() == folded
    if operator == "anything-but":
        return operator, _anything_but_predicate(argument, op_path)
    if operator == "numeric":
        return operator, _numeric_predicate(argument, op_path)
    if operator in _UNSUPPORTED_OPERATORS:
        raise FilterPatternError(_UNSUPPORTED_OPERATORS[operator], op_path)
    known = "prefix, suffix, equals-ignore-case, anything-but, numeric, exists"
    raise FilterPatternError(f"unknown operator {operator!r}; Lambda supports {known}", op_path)


def _string_argument(argument: object, path: str) -> str:
    if not isinstance(argument, str):
        raise FilterPatternError(f"expected a string, got {json_type(argument)}", path)
    return argument


def _affix_predicate(operator: str, argument: object, path: str, *, negate: bool) -> Predicate:
    """prefix/suffix, optionally ``{"equals-ignore-case": "..."}``; only string values can match."""
    ignore_case = False
    if isinstance(argument, dict) and set(argument) == {"equals-ignore-case"}:
        ignore_case = True
        argument = argument["equals-ignore-case"]
        path = json_path(path, "equals-ignore-case")
    text = _string_argument(argument, path)
    if ignore_case:
        text = text.casefold()
    starts = operator == "prefix"

    def predicate(value: object) -> bool:
        if not isinstance(value, str):
            return False
        subject = value.casefold() if ignore_case else value
        hit = subject.startswith(text) if starts else subject.endswith(text)
        return hit != negate

    return predicate


def _anything_but_predicate(argument: object, path: str) -> Predicate:
    """anything-but: any present value except the listed ones (or except a prefix/suffix/case form)."""
    if isinstance(argument, dict):
        if len(argument) != 1:
            raise FilterPatternError("anything-but takes one of prefix, suffix, equals-ignore-case", path)
        ((operator, inner),) = argument.items()
        inner_path = json_path(path, operator)
        if operator in ("prefix", "suffix"):
            return _affix_predicate(operator, _string_argument(inner, inner_path), inner_path, negate=True)
        if operator == "equals-ignore-case":
            items = inner if isinstance(inner, list) else [inner]
            if not items:
                raise FilterPatternError("anything-but needs at least one value", inner_path)
            folded = frozenset(
                _string_argument(
                    item, json_path(inner_path, i) if isinstance(inner, list) else inner_path
                ).casefold()
                for i, item in enumerate(items)
            )
            return lambda v: isinstance(v, str) and v.casefold() not in folded
        raise FilterPatternError(
            f"anything-but takes a value, a list of values, or prefix/suffix/equals-ignore-case; "
            f"not {operator!r}",
            inner_path,
        )
    items = argument if isinstance(argument, list) else [argument]
    if not items:
        raise FilterPatternError("anything-but needs at least one value", path)
    excluded: set[ValueKey] = set()
    for index, item in enumerate(items):
        item_path = json_path(path, index) if isinstance(argument, list) else path
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise FilterPatternError(
                f"anything-but values must be strings or numbers, not {json_type(item)}", item_path
            )
        if isinstance(item, float) and not math.isfinite(item):
            raise FilterPatternError("numbers must be finite", item_path)
        excluded.add(value_key(item))
    if len({kind for kind, _ in excluded}) > 1:
        raise FilterPatternError("anything-but lists hold only strings or only numbers, not both", path)
    frozen = frozenset(excluded)
    return lambda v: value_key(v) not in frozen


def _numeric_predicate(argument: object, path: str) -> Predicate:
    """numeric: ``["=", 5]`` or at most one lower and one upper bound, e.g. ``[">", 0, "<=", 5]``."""
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        raise FilterPatternError(
            'numeric takes operator/number pairs, e.g. [">", 0, "<=", 5] or ["=", 100]', path
        )
    checks: list[Callable[[float], bool]] = []
    seen: set[str] = set()
    for index in range(0, len(argument), 2):
        operator, bound = argument[index], argument[index + 1]
        op_path, bound_path = json_path(path, index), json_path(path, index + 1)
        if not isinstance(operator, str) or operator not in {"=", "<", "<=", ">", ">="}:
            raise FilterPatternError(
                f"numeric operator must be one of =, <, <=, >, >=; got {json.dumps(operator)}", op_path
            )
        # math.isfinite overflows on integers too large for a float; every int is finite.
        if not is_number(bound) or (isinstance(bound, float) and not math.isfinite(bound)):
            raise FilterPatternError(
                f"numeric bound must be a finite number, got {json_type(bound)}", bound_path
            )
        side = "=" if operator == "=" else ("lower" if operator in _NUMERIC_LOWER else "upper")
        if side in seen or (side == "=" and len(argument) > 2):
            raise FilterPatternError(
                'numeric allows "=" alone, or at most one lower (>, >=) and one upper (<, <=) bound', op_path
            )
        seen.add(side)
        checks.append(_comparison(operator, float(bound) if isinstance(bound, float) else bound))
    if {"lower", "upper"} <= seen:
        low, high = argument[1], argument[3]
        if argument[0] in _NUMERIC_UPPER:
            low, high = high, low
        if low > high:
            raise FilterPatternError(
                f"numeric range is empty: lower bound {low} is above upper bound {high}", path
            )
    frozen = tuple(checks)

    def predicate(value: object) -> bool:
        if not is_number(value):
            return False  # numeric never matches strings, so it never matches a DynamoDB N value
        number = cast(float, value)
        return all(check(number) for check in frozen)

    return predicate


def _comparison(operator: str, bound: float) -> Callable[[float], bool]:
    if operator == "=":
        return lambda v: v == bound
    if operator == "<":
        return lambda v: v < bound
    if operator == "<=":
        return lambda v: v <= bound
    if operator == ">":
        return lambda v: v > bound
    return lambda v: v >= bound

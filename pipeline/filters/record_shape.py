"""The never-matches checks: a valid pattern walked along the DynamoDB stream record's shape.

Lambda validates only a pattern's syntax; these checks encode what a DynamoDB record looks like, so
a pattern that can never (or always) match is found before it silently drops records. See
:mod:`pipeline.filters.lint` for the list of checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from pipeline.filters.errors import json_path
from pipeline.filters.findings import Finding, Severity

NUMERIC_LIMIT: Final = 5.0e9  # the range the EventBridge rule engine documents for numeric matching

RECORD_FIELDS: Final = frozenset(
    {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
        "userIdentity",
    }
)
DYNAMODB_FIELDS: Final = frozenset(
    {
        "ApproximateCreationDateTime",
        "Keys",
        "NewImage",
        "OldImage",
        "SequenceNumber",
        "SizeBytes",
        "StreamViewType",
    }
)
IMAGE_FIELDS: Final = frozenset({"Keys", "NewImage", "OldImage"})
TYPE_KEYS: Final = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")
EVENT_NAMES: Final = ("INSERT", "MODIFY", "REMOVE")

# Scalar fields of the record and the JSON type Lambda sends them as; the closed value sets are the
# only values those fields take.
_STRING_FIELDS: Final = frozenset(
    {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "eventSourceARN"}
)
_DYNAMODB_STRING_FIELDS: Final = frozenset({"SequenceNumber", "StreamViewType"})
_DYNAMODB_NUMBER_FIELDS: Final = frozenset({"ApproximateCreationDateTime", "SizeBytes"})
_CLOSED_VALUES: Final[Mapping[str, tuple[str, ...]]] = {
    "eventName": EVENT_NAMES,
    "eventSource": ("aws:dynamodb",),
    "StreamViewType": ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"),
}
_USER_IDENTITY_FIELDS: Final = frozenset({"type", "principalId"})


def _guess_type(values: list[Any]) -> str:
    """The DynamoDB type key a user most likely meant, from the match values they wrote."""
    for value in values:
        if isinstance(value, bool):
            return "BOOL"
        if isinstance(value, int | float):
            return "N"
        if isinstance(value, dict) and "numeric" in value:
            return "N"
    return "S"


class RecordShapeWalker:
    """Walks a valid pattern along the DynamoDB record shape, collecting findings."""

    def __init__(self, filter_index: int | None) -> None:
        self.filter_index = filter_index
        self.findings: list[Finding] = []

    def add(self, severity: Severity, path: str, message: str) -> None:
        self.findings.append(Finding(severity, path, message, self.filter_index))

    def _alternatives(self, value: Any, path: str) -> list[tuple[Any, str]]:
        return [(alt, json_path(path, index)) for index, alt in enumerate(value)]

    # --- record level ---------------------------------------------------------------------------

    def record(self, pattern: Mapping[str, Any], path: str) -> None:
        for key, value in pattern.items():
            key_path = json_path(path, key)
            if key == "$or":
                for alt, alt_path in self._alternatives(value, key_path):
                    self.record(alt, alt_path)
            elif key == "data":
                self.add(
                    "error",
                    key_path,
                    "'data' is the payload key of Kinesis records; DynamoDB records have none, so this "
                    "never matches. Address item attributes under dynamodb.NewImage/OldImage/Keys, "
                    'e.g. {"dynamodb": {"NewImage": {"status": {"S": ["NEW"]}}}}',
                )
            elif key == "dynamodb":
                self.dynamodb(value, key_path)
            elif key == "userIdentity":
                self.user_identity(value, key_path)
            elif key in _STRING_FIELDS:
                self.scalar(key, value, key_path, "string")
            else:
                self.unknown(key, value, key_path, RECORD_FIELDS, "DynamoDB stream records")

    def unknown(self, key: str, value: Any, path: str, known: Iterable[str], where: str) -> None:
        fix = f"valid keys: {', '.join(sorted(known))}"
        close = [name for name in known if name.lower() == key.lower()]
        if close:
            fix = f"field names are case-sensitive: did you mean {close[0]!r}?"
        outcome = "always matches" if _only_exists_false(value) else "never matches"
        self.add("error", path, f"{key!r} is not a field of {where}, so this {outcome}; {fix}")

    def user_identity(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.add("error", path, 'userIdentity is an object; match its fields, e.g. {"type": ["Service"]}')
            return
        for key, sub in value.items():
            sub_path = json_path(path, key)
            if key == "$or":
                for alt, alt_path in self._alternatives(sub, sub_path):
                    self.user_identity(alt, alt_path)
            elif key in _USER_IDENTITY_FIELDS:
                self.scalar(key, sub, sub_path, "string")
            else:
                self.unknown(key, sub, sub_path, _USER_IDENTITY_FIELDS, "userIdentity")

    # --- dynamodb level -------------------------------------------------------------------------

    def dynamodb(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.add(
                "error",
                path,
                "dynamodb is an object, never a leaf: match its fields, e.g. "
                '{"dynamodb": {"Keys": {"id": {"S": ["42"]}}}}',
            )
            return
        for key, sub in value.items():
            sub_path = json_path(path, key)
            if key == "$or":
                for alt, alt_path in self._alternatives(sub, sub_path):
                    self.dynamodb(alt, alt_path)
            elif key in IMAGE_FIELDS:
                self.image(key, sub, sub_path)
            elif key in _DYNAMODB_STRING_FIELDS:
                self.scalar(key, sub, sub_path, "string")
            elif key in _DYNAMODB_NUMBER_FIELDS:
                self.scalar(key, sub, sub_path, "number")
            else:
                self.unknown(key, sub, sub_path, DYNAMODB_FIELDS, "the dynamodb object of a stream record")

    def image(self, name: str, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.add(
                "error",
                path,
                f"{name} is a map of attributes, never a leaf: name an attribute and its type, "
                f'e.g. {{"{name}": {{"id": {{"S": [{{"exists": true}}]}}}}}}',
            )
            return
        self.attributes(value, path)

    def attributes(self, attrs: Mapping[str, Any], path: str) -> None:
        """A map of attribute name -> typed value (an image, or the inside of an M value)."""
        for attr, typed in attrs.items():
            attr_path = json_path(path, attr)
            if attr == "$or":
                for alt, alt_path in self._alternatives(typed, attr_path):
                    self.attributes(alt, alt_path)
            elif isinstance(typed, list):
                self.untyped_attribute(attr, typed, attr_path)
            else:
                self.typed_value(attr, typed, attr_path)

    def untyped_attribute(self, attr: str, values: list[Any], path: str) -> None:
        exists = [v["exists"] for v in values if isinstance(v, dict) and "exists" in v]
        if exists:
            outcome = (
                "always matches (even when the attribute is present)" if False in exists else "never matches"
            )
            self.add(
                "error",
                path,
                f"exists on attribute {attr!r} tests the attribute object, which is never a leaf, so it "
                f"{outcome}; put exists on the type key: "
                f'{{"{attr}": {{"S": [{{"exists": {json.dumps(exists[0])}}}]}}}} (use the attribute\'s type)',
            )
            return
        type_key = _guess_type(values)
        self.add(
            "error",
            path,
            f"attribute values are typed in stream records, so {attr!r} is an object like "
            f'{{"{type_key}": ...}} and this never matches; write '
            f'{{"{attr}": {{"{type_key}": {_example(type_key, values)}}}}}',
        )

    def typed_value(self, attr: str, typed: Mapping[str, Any], path: str) -> None:
        for type_key, sub in typed.items():
            sub_path = json_path(path, type_key)
            if type_key == "$or":
                for alt, alt_path in self._alternatives(sub, sub_path):
                    self.typed_value(attr, alt, alt_path)
            elif type_key not in TYPE_KEYS:
                self.add(
                    "error",
                    sub_path,
                    f"{type_key!r} is not a DynamoDB type key ({', '.join(TYPE_KEYS)}), so this "
                    f"{'always' if _only_exists_false(sub) else 'never'} matches; a nested attribute "
                    f'of a map is addressed as {{"{attr}": {{"M": {{"{type_key}": {{"S": [...]}}}}}}}}',
                )
            elif type_key == "M":
                if isinstance(sub, dict):
                    self.attributes(sub, sub_path)
                else:
                    self.add(
                        "error", sub_path, 'M is a map of typed attributes: {"M": {"name": {"S": [...]}}}'
                    )
            elif type_key == "L":
                if isinstance(sub, dict):
                    self.typed_value(attr, sub, sub_path)  # list elements are typed values
                else:
                    self.add(
                        "error",
                        sub_path,
                        'L holds typed elements: match them as {"L": {"S": [...]}} (any element matches)',
                    )
            elif isinstance(sub, dict):
                self.add("error", sub_path, f"{type_key} holds a plain value; give a list of match values")
            else:
                self.typed_leaf(type_key, sub, sub_path)

    def typed_leaf(self, type_key: str, values: list[Any], path: str) -> None:
        if type_key in ("N", "NS"):
            for index, value in enumerate(values):
                value_path = json_path(path, index)
                if isinstance(value, dict) and "numeric" in value:
                    self.add(
                        "error",
                        json_path(value_path, "numeric"),
                        f"numeric never matches a DynamoDB {type_key} value: stream records carry numbers "
                        'as strings ({"N": "101"}). Match exact strings (["101"]), a prefix, or '
                        "anything-but, or filter numerically in the function",
                    )
                elif _is_number(value):
                    self.add(
                        "error",
                        value_path,
                        f"the number {json.dumps(value)} never matches: {type_key} values are strings; "
                        f"write {json.dumps(json.dumps(value))}",
                    )
                else:
                    self.leaf_operator_warnings(value, value_path)
        elif type_key == "BOOL":
            self.closed_leaf(values, path, (True, False), "BOOL values are true or false (JSON booleans)")
        elif type_key == "NULL":
            self.closed_leaf(values, path, (True,), 'NULL values are always true: {"NULL": [true]}')
        else:
            self.scalar_values(type_key, values, path, "string")

    def closed_leaf(self, values: list[Any], path: str, allowed: tuple[Any, ...], why: str) -> None:
        for index, value in enumerate(values):
            if isinstance(value, dict):
                if "exists" not in value:
                    self.add("error", json_path(path, index), f"this operator never matches: {why}")
            elif not (isinstance(value, bool) and value in allowed):
                self.add("error", json_path(path, index), f"{json.dumps(value)} never matches: {why}")

    # --- scalar fields --------------------------------------------------------------------------

    def scalar(self, name: str, value: Any, path: str, kind: str) -> None:
        if isinstance(value, dict):
            self.add(
                "error",
                path,
                f"{name} is a {kind}, not an object, so this "
                f"{'always' if _only_exists_false(value) else 'never'} matches; give a list of match "
                f'values, e.g. {{"{name}": {_example("S" if kind == "string" else "N#", [])}}}',
            )
            return
        self.scalar_values(name, value, path, kind)

    def scalar_values(self, name: str, values: list[Any], path: str, kind: str) -> None:
        closed = _CLOSED_VALUES.get(name)
        for index, value in enumerate(values):
            value_path = json_path(path, index)
            if isinstance(value, dict):
                self.scalar_operator(name, value, value_path, kind, closed)
            elif value is None:
                continue  # null is a legitimate (if rare) value to test for
            elif kind == "string" and not isinstance(value, str):
                self.add(
                    "error",
                    value_path,
                    f"{json.dumps(value)} never matches: {name} is a string; write {json.dumps(str(value))}",
                )
            elif kind == "number" and not _is_number(value):
                self.add("error", value_path, f"{json.dumps(value)} never matches: {name} is a number")
            elif closed is not None and value not in closed:
                self.add(
                    "error",
                    value_path,
                    f"{json.dumps(value)} never matches: {name} is one of {', '.join(closed)} "
                    "(case-sensitive)",
                )

    def scalar_operator(
        self, name: str, spec: Mapping[str, Any], path: str, kind: str, closed: tuple[str, ...] | None
    ) -> None:
        ((operator, argument),) = spec.items()
        op_path = json_path(path, operator)
        if operator == "numeric" and kind == "string":
            self.add(
                "error",
                op_path,
                f"numeric never matches {name}: it is a string in stream records; use exact values or prefix",
            )
        elif operator in ("prefix", "suffix", "equals-ignore-case") and kind == "number":
            self.add("error", op_path, f"{operator} never matches {name}: it is a number; use numeric")
        elif (
            closed is not None
            and operator in ("prefix", "suffix", "equals-ignore-case")
            and not any(_string_op_matches(operator, argument, option) for option in closed)
        ):
            self.add(
                "error",
                op_path,
                f"never matches: {name} is one of {', '.join(closed)}; none fits this {operator}",
            )
        self.leaf_operator_warnings(spec, path)

    def leaf_operator_warnings(self, value: Any, path: str) -> None:
        """Forms the engine supports but Lambda's filter rule syntax does not document."""
        if not isinstance(value, dict):
            return
        ((operator, argument),) = value.items()
        if operator == "numeric" and any(
            _is_number(bound) and abs(bound) > NUMERIC_LIMIT for bound in argument[1::2]
        ):
            self.add(
                "warning",
                json_path(path, operator),
                f"numeric matching is documented for values between -{NUMERIC_LIMIT:.1e} and "
                f"+{NUMERIC_LIMIT:.1e} (EventBridge rule engine); a bound outside may not behave as expected",
            )
        if isinstance(argument, dict):
            self.add(
                "warning",
                json_path(path, operator),
                f"{operator} with {next(iter(argument))} is EventBridge syntax that Lambda does not document "
                "for event filtering; CreateEventSourceMapping may reject it. Prefer a list of exact values "
                "or a separate filter",
            )


def _string_op_matches(operator: str, argument: Any, option: str) -> bool:
    if isinstance(argument, dict):  # {"prefix": {"equals-ignore-case": "..."}}
        argument = next(iter(argument.values()), "")
        option_text, arg_text = option.casefold(), str(argument).casefold()
    else:
        option_text, arg_text = option, str(argument)
    if operator == "prefix":
        return option_text.startswith(arg_text)
    if operator == "suffix":
        return option_text.endswith(arg_text)
    return option.casefold() == str(argument).casefold()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _only_exists_false(value: Any) -> bool:
    """Whether every leaf list under ``value`` is exactly [{"exists": false}] (matches when absent)."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, dict) and v.get("exists") is False for v in value)
    if isinstance(value, dict):
        return bool(value) and all(_only_exists_false(v) for k, v in value.items() if k != "$or")
    return False


def _example(type_key: str, values: list[Any]) -> str:
    """A corrected list of match values for the suggestion text."""
    if type_key == "N#":
        return '[{"numeric": [">", 0]}]'
    if type_key == "N":
        fixed = [json.dumps(v) if _is_number(v) else v for v in values if not isinstance(v, dict)]
        return json.dumps(fixed or ["42"])
    if type_key == "BOOL":
        return json.dumps([v for v in values if isinstance(v, bool)] or [True])
    return json.dumps(values or ["value"])

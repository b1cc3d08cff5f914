"""Field-by-field comparison of what the pipeline produced with a shape AWS recorded.

The AWS-validated shapes (``fixtures/aws_on_failure_destinations.json``, copied verbatim from
``aws-validated/ddb-esm-on-failure-destination.json``) mask run-specific values with placeholders
such as ``<uuid:3>`` or ``<timestamp:2022-07-13T13:48:01.000Z>``. :func:`match_shape` walks the
reference and the actual document together: every object must have exactly the reference's keys
(in the same order when ``ordered``), every literal must be equal, and every placeholder must
match its documented format; equal placeholders must stand for equal values. It returns the
bindings (placeholder -> actual value) so a test can check them against what it wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

REFERENCE_FILE: Final = Path(__file__).with_name("fixtures") / "aws_on_failure_destinations.json"
#: The account id the snapshot tool left in place of the real one.
REFERENCE_ACCOUNT: Final = "111111111111"

_PLACEHOLDER: Final = re.compile(r"<([a-z0-9-]+)(?::([^>]*))?>|" + REFERENCE_ACCOUNT)
_UUID: Final = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_SEQUENCE: Final = r"\d{21,40}"
_FORMATS: Final = {
    "uuid": _UUID,
    "sequence-number": _SEQUENCE,
    "start-sequence-number": _SEQUENCE,
    "shard-id": r"shardId-\d{20}-[0-9a-f]{8}",
    "region": r"[a-z]{2}(?:-[a-z]+)+-\d",
    "partition": r"aws(?:-[a-z]+)*",
    "resource": r"[^/]+?",
    "event-i-d": r"[0-9a-f]{32}",
    "signature": r".+?",
    "cert-domain": r".+?",
    "signing-cert-file": r".+?",
    "unsubscribe-domain": r".+?",
    "m-d5-of-body": r"[0-9a-f]{32}",
    "receipt-handle": r".+?",
}


def reference() -> dict[str, Any]:
    """The AWS-recorded on-failure shapes (SQS body, SNS notification, S3 object)."""
    document: dict[str, Any] = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    return document


def _token_pattern(name: str, argument: str | None) -> str:
    if name == "timestamp":
        assert argument, "a timestamp placeholder carries its format example"
        return re.sub(r"\\?\d", r"\\d", re.escape(argument))
    return _FORMATS[name]


def _match_string(expected: str, actual: Any, path: str, bindings: dict[str, Any]) -> None:
    if expected == "<approximate-creation-datetime>":
        # A JSON number on AWS: float epoch seconds with 10 integer digits.
        assert isinstance(actual, float), f"{path}: expected a float, got {actual!r}"
        assert len(str(int(actual))) == 10, f"{path}: {actual!r} is not epoch seconds"
        _bind(expected, actual, path, bindings)
        return
    assert isinstance(actual, str), f"{path}: expected a string like {expected!r}, got {actual!r}"
    tokens: list[str] = []
    pattern = ""
    position = 0
    for found in _PLACEHOLDER.finditer(expected):
        pattern += re.escape(expected[position : found.start()])
        if found.group(0) == REFERENCE_ACCOUNT:
            tokens.append("<account>")
            pattern += r"(\d{12})"
        else:
            tokens.append(found.group(0))
            pattern += f"({_token_pattern(found.group(1), found.group(2))})"
        position = found.end()
    pattern += re.escape(expected[position:])
    matched = re.fullmatch(pattern, actual)
    assert matched is not None, f"{path}: {actual!r} does not have the shape {expected!r}"
    for token, value in zip(tokens, matched.groups(), strict=True):
        _bind(token, value, path, bindings)


def _bind(token: str, value: Any, path: str, bindings: dict[str, Any]) -> None:
    if token.startswith("<timestamp:"):
        return  # the same example format stands for different moments
    previous = bindings.setdefault(token, value)
    assert previous == value, f"{path}: {token} is {value!r} here but {previous!r} elsewhere"


def match_shape(
    expected: Any,
    actual: Any,
    *,
    ordered: bool = True,
    path: str = "$",
    bindings: dict[str, Any] | None = None,
    skip: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Assert ``actual`` has exactly the recorded shape; returns the placeholder bindings.

    ``skip`` names paths (``$.a.b``) whose value is not compared (their key must still exist).
    """
    bindings = {} if bindings is None else bindings
    if path in skip:
        return bindings
    if isinstance(expected, Mapping):
        assert isinstance(actual, Mapping), f"{path}: expected an object, got {actual!r}"
        if ordered:
            assert list(actual) == list(expected), f"{path}: keys {list(actual)} != AWS's {list(expected)}"
        else:
            assert sorted(actual) == sorted(expected), (
                f"{path}: keys {sorted(actual)} != AWS's {sorted(expected)}"
            )
        for key, value in expected.items():
            match_shape(
                value, actual[key], ordered=ordered, path=f"{path}.{key}", bindings=bindings, skip=skip
            )
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items, AWS's has {len(expected)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            match_shape(want, got, ordered=ordered, path=f"{path}[{index}]", bindings=bindings, skip=skip)
    elif isinstance(expected, str):
        _match_string(expected, actual, path, bindings)
    else:
        assert type(actual) is type(expected), f"{path}: {actual!r} is not a {type(expected).__name__}"
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
    return bindings
